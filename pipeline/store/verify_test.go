package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/evident-sync/evident/connectors"
)

func TestVerify_SoundStoreCountsEveryItem(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t, t.TempDir())
	defer s.Close()
	if _, err := s.Commit(ctx, "github", page(300, 1), connectors.Cursor("c1")); err != nil {
		t.Fatal(err)
	}
	id := IDFor(artifact(7, 0).Artifact.Key)
	if _, err := s.Decide(ctx, []string{id}, Decision{State: Confirmed, FollowUp: ptr("2027-01-04")}); err != nil {
		t.Fatal(err)
	}
	rep, err := s.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Sound() || rep.Items != 300 {
		t.Errorf("sound store: items %d, damages %+v", rep.Items, rep.Damages)
	}
	if at, result, _ := s.LastVerify(ctx); at.IsZero() || result != "sound" {
		t.Errorf("LastVerify = %v %q", at, result)
	}
}

func TestVerify_FindsBrokenIndexesAndRecords(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t, t.TempDir())
	defer s.Close()
	if _, err := s.Commit(ctx, "github", page(50, 1), connectors.Cursor("c1")); err != nil {
		t.Fatal(err)
	}
	a, b := IDFor(artifact(3, 0).Artifact.Key), IDFor(artifact(4, 0).Artifact.Key)
	// Break the state index of a, and b's record.
	err := s.update(ctx, func(txn *badgerTxn) error {
		v, err := txn.Get(idKey(a))
		if err != nil {
			return err
		}
		t8, _ := v.ValueCopy(nil)
		if err := txn.Delete(stateKey(Suggested, t8, a)); err != nil {
			return err
		}
		v, err = txn.Get(idKey(b))
		if err != nil {
			return err
		}
		t8, _ = v.ValueCopy(nil)
		return txn.Set(itemKey(t8, b), []byte{'s', 0xff, 0xfe, 0x01})
	})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := s.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, d := range rep.Damages {
		got[d.What] = d.Items
	}
	if got["item records that cannot be decoded"] != 1 {
		t.Errorf("the broken record was not found: %+v", rep.Damages)
	}
	if got["items missing from the state index (inbox, list)"] != 1 {
		t.Errorf("the missing state entry was not found: %+v", rep.Damages)
	}
	if at, result, _ := s.LastVerify(ctx); at.IsZero() || result != "damaged" {
		t.Errorf("LastVerify = %v %q", at, result)
	}
}

// A byte flipped in a table on disk is found by the checksums, and neither
// opening nor verifying panics.
func TestVerify_FlippedByteInATableIsNamedNotServed(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openTemp(t, dir)
	if _, err := s.Commit(ctx, "github", page(2000, 1), connectors.Cursor("c1")); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	tables, _ := filepath.Glob(filepath.Join(dir, "*.sst"))
	if len(tables) == 0 {
		t.Fatal("no table was written")
	}
	b, err := os.ReadFile(tables[0])
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/3] ^= 0xff
	if err := os.WriteFile(tables[0], b, 0o600); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(dir, Options{})
	if err != nil {
		// Badger refused the damaged table at open: named, not served.
		t.Logf("open refused: %v", err)
		if strings.Contains(err.Error(), "goroutine") {
			t.Errorf("open error carries a stack: %v", err)
		}
		return
	}
	defer s2.Close()
	rep, err := s2.Verify(ctx)
	t.Logf("verify: %+v %v", rep.Damages, err)
	if err == nil && rep.Sound() {
		t.Errorf("a flipped byte went unnoticed: %+v", rep)
	}
	// An ordinary read over the damaged table errs in one sentence (or
	// reads around it); it never panics.
	var dmg *DamagedError
	if _, err := s2.Counts(ctx); err != nil && (!errors.As(err, &dmg) || strings.Contains(err.Error(), "\n")) {
		t.Errorf("a read over a damaged table: %v", err)
	}
}

// A table cut short under a running process (another program, a failing
// disk) makes a read of its mapped pages fault (SIGBUS). The scan that
// reads it, on its own goroutine, returns a DamagedError naming the store
// instead of ending the process with a stack dump.
func TestScan_ATableCutShortUnderTheStoreIsAnErrorNotACrash(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openTemp(t, dir)
	if _, err := s.Commit(ctx, "github", page(5000, 1), connectors.Cursor("c1")); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err := Open(dir, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	tables, _ := filepath.Glob(filepath.Join(dir, "*.sst"))
	if len(tables) == 0 {
		t.Fatal("no table was written")
	}
	for _, tb := range tables {
		if err := os.Truncate(tb, 0); err != nil {
			t.Fatal(err)
		}
	}
	n := 0
	err = s.Scan(ctx, Filter{}, func(*Item) error { n++; return nil })
	var dmg *DamagedError
	if !errors.As(err, &dmg) || !strings.Contains(err.Error(), dir) || strings.Contains(err.Error(), "\n") {
		t.Fatalf("scan over a cut table: want a DamagedError naming %s, got %v (%d items)", dir, err, n)
	}
	if _, err := s.Get(ctx, IDFor(artifact(4321, 0).Artifact.Key)); !errors.As(err, &dmg) {
		t.Errorf("get over a cut table: want a DamagedError, got %v", err)
	}
}
