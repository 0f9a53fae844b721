package store

import (
	"strings"

	badger "github.com/dgraph-io/badger/v4"
)

type badgerTxn = badger.Txn

func contains(s, sub string) bool { return strings.Contains(s, sub) }
