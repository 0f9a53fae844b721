package store

import (
	"context"
	"testing"
	"time"

	badger "github.com/dgraph-io/badger/v4"
)

// A time with digits below the microsecond (a file's mtime) is stored at
// the microsecond; deciding on the item moves nothing and leaves one
// record: listed once, gone from the inbox.
func TestDecide_ASubMicrosecondTimeLeavesOneRecord(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t, t.TempDir())
	defer s.Close()
	p := page(3, 0)
	for i := range p {
		p[i].Artifact.OccurredAt = p[i].Artifact.OccurredAt.Add(123456789 * time.Nanosecond)
	}
	if _, err := s.Commit(ctx, "github", p, nil); err != nil {
		t.Fatal(err)
	}
	id := IDFor(p[1].Artifact.Key)
	if _, err := s.Decide(ctx, []string{id}, Decision{State: Confirmed}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Commit(ctx, "github", p, nil); err != nil { // a re-sync, with the nanoseconds again
		t.Fatal(err)
	}
	all, inbox := 0, 0
	s.Scan(ctx, Filter{}, func(*Item) error { all++; return nil })
	s.Scan(ctx, Filter{States: []State{Suggested}}, func(it *Item) error {
		inbox++
		if it.ID == id {
			t.Error("the confirmed item is still in the inbox")
		}
		return nil
	})
	if all != 3 || inbox != 2 {
		t.Errorf("%d records (want 3), %d in the inbox (want 2)", all, inbox)
	}
}

// A schema 1 store whose decisions left a second record (and inbox entry)
// at a sub-microsecond place is repaired on open: one record per item,
// the inbox right, the user's decision kept.
func TestMigrate_RepairsTheRecordsSubMicrosecondTimesLeft(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openTemp(t, dir)
	p := page(2, 0)
	if _, err := s.Commit(ctx, "github", p, nil); err != nil {
		t.Fatal(err)
	}
	id := IDFor(p[0].Artifact.Key)
	if _, err := s.Decide(ctx, []string{id}, Decision{State: Confirmed}); err != nil {
		t.Fatal(err)
	}
	// What schema 1 left: the first record and its suggested entry at a
	// nanosecond place, and the schema number 1.
	ns := timeBytes(p[0].Artifact.OccurredAt)
	ns[7] ^= 0x01
	err := s.withDB(func(db *badger.DB) error {
		return db.Update(func(txn *badger.Txn) error {
			old, _ := getItem(txn, id)
			o := *old
			o.State = Suggested
			enc, _ := cborEncModeForTest() // schema 1 wrote CBOR
			b, _ := enc.Marshal(&o)
			if err := txn.Set(itemKey(ns, id), append([]byte{stateByte(Suggested)}, b...)); err != nil {
				return err
			}
			if err := txn.Set(stateKey(Suggested, ns, id), nil); err != nil {
				return err
			}
			return setSchema(txn, 1)
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	s = openTemp(t, dir)
	defer s.Close()
	all, inbox := 0, 0
	s.Scan(ctx, Filter{}, func(*Item) error { all++; return nil })
	s.Scan(ctx, Filter{States: []State{Suggested}}, func(*Item) error { inbox++; return nil })
	it, err := s.Get(ctx, id)
	if all != 2 || inbox != 1 || err != nil || it.State != Confirmed {
		t.Errorf("after the repair: %d records (want 2), %d in the inbox (want 1), the decided item %s %v", all, inbox, it.State, err)
	}
}
