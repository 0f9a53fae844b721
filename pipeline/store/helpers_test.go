package store

import (
	"strings"

	badger "github.com/dgraph-io/badger/v4"
	"github.com/fxamacker/cbor/v2"
)

type badgerTxn = badger.Txn

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// cborEncModeForTest writes records as schema 2 did.
func cborEncModeForTest() (cbor.EncMode, error) {
	return cbor.EncOptions{Time: cbor.TimeUnixMicro, Sort: cbor.SortNone}.EncMode()
}
