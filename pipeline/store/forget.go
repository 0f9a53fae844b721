package store

import (
	"context"
	"errors"
	"fmt"

	badger "github.com/dgraph-io/badger/v4"
	"github.com/evident-sync/evident/connectors"
)

// Forget drops every trace of one source — its items with their index
// entries, its cursor and its state — and compacts the store so that no old
// version of them stays on disk. It returns how many items it dropped.
func (s *Store) Forget(ctx context.Context, source string) (int, error) {
	if s.readOnly {
		return 0, ErrReadOnly
	}
	defer s.itemsChanged()
	var ids []string
	p := sourcePrefix(source)
	err := s.view(func(txn *badger.Txn) error {
		return eachKey(txn, p, func(k []byte) (bool, error) {
			ids = append(ids, string(k[len(p):]))
			return false, nil
		})
	})
	if err != nil {
		return 0, err
	}
	err = s.batches(ctx, len(ids), func(txn *badger.Txn, lo, hi int) (func(), error) {
		for _, id := range ids[lo:hi] {
			it, err := getItem(txn, id)
			if errors.Is(err, ErrNotFound) {
				continue
			}
			if err != nil {
				return nil, err
			}
			if it.Artifact.Kind == connectors.KindEntry {
				continue // the user's own entries belong to no source
			}
			if err := unlink(txn, it); err != nil {
				return nil, err
			}
			t8, err := placeOf(txn, id)
			if err != nil {
				return nil, err
			}
			if err := moveFollowUp(txn, it, nil); err != nil {
				return nil, err
			}
			for _, k := range [][]byte{itemKey(t8, id), idKey(id), stateKey(it.State, t8, id), sourceKey(source, id)} {
				if err := txn.Delete(k); err != nil {
					return nil, err
				}
			}
		}
		if hi == len(ids) {
			for _, k := range [][]byte{cursorKey(source), srcStateKey(source)} {
				if err := txn.Delete(k); err != nil {
					return nil, err
				}
			}
		}
		return nil, nil
	})
	if err == nil {
		err = s.dropPrefix(markPrefix(source))
	}
	if err != nil {
		return 0, fmt.Errorf("forget %s: %w", source, err)
	}
	return len(ids), s.purge(ctx)
}
