package store

import (
	"context"
	"reflect"
	"testing"

	"github.com/dgraph-io/badger/v4"
	"github.com/evident-sync/evident/connectors"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// The record decoder reads what is on disk, which a failing disk or a
// hostile backup can make anything: it returns an item or an error, never
// a panic. Seeds are real records of every state.
func FuzzDecodeValue_NeverPanics(f *testing.F) {
	ctx := context.Background()
	s := openTemp(f, f.TempDir())
	if _, err := s.Commit(ctx, "github", page(3, 1), connectors.Cursor("c1")); err != nil {
		f.Fatal(err)
	}
	id := IDFor(artifact(1, 0).Artifact.Key)
	if _, err := s.Decide(ctx, []string{id}, Decision{State: Confirmed, Note: ptr("led it"), FollowUp: ptr("2027-01-04")}); err != nil {
		f.Fatal(err)
	}
	s.view(func(txn *badger.Txn) error {
		o := badger.DefaultIteratorOptions
		o.Prefix = []byte(prefixItem)
		it := txn.NewIterator(o)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			v, _ := it.Item().ValueCopy(nil)
			f.Add(v)
		}
		return nil
	})
	s.Close()
	f.Add([]byte{'c'})
	f.Add([]byte{'s', 0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Fuzz(func(t *testing.T, b []byte) {
		var it Item
		decodeValue(b, &it)
	})
}

// DecodeRecord reads what crosses the daemon's socket as well as what is
// on disk. On arbitrary bytes it returns an item or an error, never a
// panic; an item it accepts is written and read back the same, so nothing
// it lets through is half-read.
func FuzzDecodeRecord(f *testing.F) {
	var full Item
	n := 0
	fillAll(reflect.ValueOf(&full).Elem(), &n)
	f.Add(AppendRecord(nil, &full))
	f.Add(AppendRecord(nil, &Item{ID: "abc", State: Confirmed}))
	f.Add([]byte{'s', recBinary, tRounds, 0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Add([]byte{'s', recBinary, 127})
	f.Fuzz(func(t *testing.T, b []byte) {
		var it Item
		if DecodeRecord(b, &it) != nil || len(b) < 2 || b[1] != recBinary {
			return
		}
		var again Item
		if err := DecodeRecord(AppendRecord(nil, &it), &again); err != nil {
			t.Fatalf("an accepted record, written again, is refused: %v", err)
		}
		if d := cmp.Diff(it, again, cmpopts.EquateEmpty()); d != "" {
			t.Fatalf("an accepted record, written again, reads otherwise:\n%s", d)
		}
	})
}
