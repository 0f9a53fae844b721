package store

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	badger "github.com/dgraph-io/badger/v4"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"go.uber.org/goleak"

	"github.com/evident-sync/evident/classify"
	"github.com/evident-sync/evident/connectors"
)

// fillAll sets every field of v, recursively, to a value of its own (n
// counts up), so that a field the record format forgets shows as a
// difference.
func fillAll(v reflect.Value, n *int) {
	*n++
	switch v.Kind() {
	case reflect.String:
		v.SetString(fmt.Sprintf("s%d", *n))
	case reflect.Int, reflect.Int64:
		v.SetInt(int64(*n))
	case reflect.Float64:
		v.SetFloat(float64(*n) + 0.5)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for i := range 2 {
			fillAll(s.Index(i), n)
		}
		v.Set(s)
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(time.Date(2020, 1, 1, 0, 0, *n, 1000**n, time.UTC)))
			return
		}
		for i := range v.NumField() {
			fillAll(v.Field(i), n)
		}
	default:
		panic("fillAll: no value for " + v.Type().String())
	}
}

func TestRecord_KeepsEveryFieldOfAnItem(t *testing.T) {
	var in Item
	n := 0
	fillAll(reflect.ValueOf(&in).Elem(), &n)
	var out Item
	b := encodeRecord(&in)
	if err := decodeValue(b, &out); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(in, out); d != "" {
		t.Errorf("round trip lost fields (-wrote +read):\n%s", d)
	}
}

func TestRecord_ZeroItemAndZeroTimesRoundTrip(t *testing.T) {
	in := Item{ID: "abc", State: Suggested, Artifact: connectors.Artifact{
		Key:        "github:a/b#1",
		OccurredAt: time.Unix(0, 0).UTC(), // the epoch is a time, not "no time"
		Activity:   connectors.Activity{Rounds: []connectors.Round{{State: "APPROVED"}}},
	}}
	var out Item
	if err := decodeValue(encodeRecord(&in), &out); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(in, out); d != "" {
		t.Errorf("(-wrote +read):\n%s", d)
	}
}

func TestRecord_DamagedRecordIsAnErrorNotAPanic(t *testing.T) {
	var in Item
	n := 0
	fillAll(reflect.ValueOf(&in).Elem(), &n)
	b := encodeRecord(&in)
	for cut := 2; cut < len(b); cut++ {
		var out Item
		err := decodeValue(b[:cut], &out)
		// A cut between two fields reads as a shorter record; anywhere
		// else it says the record is truncated. Either way it is not the
		// item written.
		if err == nil && cmp.Equal(in, out) {
			t.Fatalf("a record cut at %d of %d bytes read as the whole item", cut, len(b))
		}
	}
	bad := append([]byte{'s', recBinary}, 0x7f) // field 127 does not exist
	if err := decodeValue(bad, new(Item)); err == nil {
		t.Error("an unknown field was accepted")
	}
	huge := append([]byte{'s', recBinary, tRelated}, 0xff, 0xff, 0xff, 0xff, 0x0f)
	if err := decodeValue(huge, new(Item)); err == nil {
		t.Error("a list longer than its record was accepted")
	}
}

func TestRecord_OldCBORRecordsStillRead(t *testing.T) {
	enc, err := cborEncModeForTest()
	if err != nil {
		t.Fatal(err)
	}
	in := Item{ID: "abc", State: Confirmed, Artifact: connectors.Artifact{Key: "jira:PAY-1", Title: "Ledger",
		OccurredAt: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)},
		Class: classify.Result{Scope: classify.ScopeCrossTeam, Teams: []string{"payments"}}}
	b, err := enc.Marshal(&in)
	if err != nil {
		t.Fatal(err)
	}
	var out Item
	if err := decodeValue(append([]byte{'c'}, b...), &out); err != nil {
		t.Fatal(err)
	}
	if !out.Artifact.OccurredAt.Equal(in.Artifact.OccurredAt) || out.Artifact.Title != "Ledger" || out.Class.Teams[0] != "payments" {
		t.Errorf("read %+v", out)
	}
}

func TestSame_NilAndEmptyListsAreTheSameFacts(t *testing.T) {
	a := connectors.Artifact{Key: "k", Roles: nil}
	b := connectors.Artifact{Key: "k", Roles: []connectors.Role{}}
	if !sameArtifact(&a, &b) {
		t.Error("nil and empty roles differ")
	}
	b.Title = "x"
	if sameArtifact(&a, &b) {
		t.Error("a changed title is the same")
	}
}

// A schema 2 store, every record in CBOR, opens as schema 3: every item
// reads as it was, decisions included, and every record is rewritten in
// the record format, across several transactions.
func TestMigrate_RewritesCBORRecordsInTheRecordFormat(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openTemp(t, dir)
	p := page(1200, 0)
	if _, err := s.Commit(ctx, "github", p, nil); err != nil {
		t.Fatal(err)
	}
	id := IDFor(p[7].Artifact.Key)
	if _, err := s.Decide(ctx, []string{id}, Decision{State: Confirmed, Note: ptr("Unblocked Payments")}); err != nil {
		t.Fatal(err)
	}
	var want []Item
	s.Scan(ctx, Filter{}, func(it *Item) error { want = append(want, *it); return nil })
	enc, _ := cborEncModeForTest()
	err := s.withDB(func(db *badger.DB) error {
		for lo := 0; lo < len(want); lo += 200 {
			err := db.Update(func(txn *badger.Txn) error {
				for _, it := range want[lo:min(lo+200, len(want))] {
					b, err := enc.Marshal(&it)
					if err != nil {
						return err
					}
					if err := txn.Set(itemKey(timeBytes(it.Artifact.OccurredAt), it.ID), append([]byte{stateByte(it.State)}, b...)); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
		return db.Update(func(txn *badger.Txn) error { return setSchema(txn, 2) })
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := countFormats(t, s)[0]; n != len(want) {
		t.Fatalf("the fake schema 2 store has %d CBOR records, want %d", n, len(want))
	}
	s.Close()

	s = openTemp(t, dir)
	defer s.Close()
	if f := countFormats(t, s); f[0] != 0 || f[recBinary] != len(want) {
		t.Errorf("after the upgrade: %d CBOR records and %d in the record format, want 0 and %d", f[0], f[recBinary], len(want))
	}
	var got []Item
	s.Scan(ctx, Filter{}, func(it *Item) error { got = append(got, *it); return nil })
	// CBOR held times as float seconds, a microsecond off at times; the
	// record format holds them as integers.
	if d := cmp.Diff(want, got, cmpopts.EquateEmpty(), cmpopts.EquateApproxTime(time.Microsecond)); d != "" {
		t.Errorf("items changed in the upgrade (-before +after):\n%s", d)
	}
	if it, _ := s.Get(ctx, id); it.State != Confirmed || it.User.Note != "Unblocked Payments" {
		t.Errorf("the decision after the upgrade: %s %q", it.State, it.User.Note)
	}
}

// countFormats counts item records by format: 0 for CBOR.
func countFormats(t *testing.T, s *Store) map[byte]int {
	out := map[byte]int{}
	err := s.view(func(txn *badger.Txn) error {
		opts := badger.DefaultIteratorOptions
		opts.Prefix = []byte(prefixItem)
		it := txn.NewIterator(opts)
		defer it.Close()
		for it.Seek(opts.Prefix); it.ValidForPrefix(opts.Prefix); it.Next() {
			it.Item().Value(func(v []byte) error {
				if v[1] == recBinary {
					out[recBinary]++
				} else {
					out[0]++
				}
				return nil
			})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// The rule: compact once a megabyte and a quarter of the store lie above
// its deepest level, not for less.
func TestUntidy_CompactsOnlyForEnoughAboveTheDeepestLevel(t *testing.T) {
	const mb = 1 << 20
	tables := func(sizes map[int]uint32) []badger.TableInfo {
		var out []badger.TableInfo
		for level, size := range sizes {
			out = append(out, badger.TableInfo{Level: level, OnDiskSize: size})
		}
		return out
	}
	for _, c := range []struct {
		name  string
		sizes map[int]uint32
		want  bool
	}{
		{"all in one level", map[int]uint32{6: 40 * mb}, false},
		{"a fresh level 0 over a big store", map[int]uint32{0: 2 * mb, 6: 40 * mb}, false},
		{"a quarter above", map[int]uint32{0: 4 * mb, 5: 6 * mb, 6: 30 * mb}, true},
		{"most above", map[int]uint32{0: 12 * mb, 6: 8 * mb}, true},
		{"a small store, all above", map[int]uint32{0: mb / 2, 6: mb / 4}, false},
		{"empty", map[int]uint32{}, false},
	} {
		if got := untidy(tables(c.sizes)); got != c.want {
			t.Errorf("%s: untidy %v, want %v", c.name, got, c.want)
		}
	}
}

// Decisions rewrite every record; Tidy then compacts the versions they
// superseded away (the store shrinks and lies in one level), and a second
// call finds nothing to do. Badger compacts in the background too, and
// sometimes keeps up: the decisions are repeated until one round leaves
// the store untidy.
func TestTidy_CompactsWhatDecisionsLeftAndOnlyThen(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t, t.TempDir())
	defer s.Close()
	p := page(20_000, 0)
	for lo := 0; lo < len(p); lo += 500 {
		if _, err := s.Commit(ctx, "github", p[lo:lo+500], nil); err != nil {
			t.Fatal(err)
		}
	}
	var ids []string
	for i := range p {
		ids = append(ids, IDFor(p[i].Artifact.Key))
	}
	levels := func() (map[int]bool, int64) {
		out, size := map[int]bool{}, int64(0)
		s.withDB(func(db *badger.DB) error {
			for _, tb := range db.Tables() {
				out[tb.Level] = true
				size += int64(tb.OnDiskSize)
			}
			return nil
		})
		return out, size
	}
	did, state := false, Suggested
	for round := 0; round < 24 && !did; round++ {
		state = map[State]State{Confirmed: Suggested, Suggested: Confirmed}[state]
		if _, err := s.Decide(ctx, ids, Decision{State: state}); err != nil {
			t.Fatal(err)
		}
		before, sizeBefore := levels()
		var err error
		if did, err = s.Tidy(ctx); err != nil {
			t.Fatal(err)
		}
		if did {
			after, sizeAfter := levels()
			if len(after) != 1 || sizeAfter >= sizeBefore {
				t.Errorf("after Tidy: levels %v, %d bytes (before: %v, %d bytes)", after, sizeAfter, before, sizeBefore)
			}
		}
	}
	if !did {
		t.Fatal("twenty-four rounds of decisions over 20,000 items never left the store untidy enough to compact")
	}
	if did, err := s.Tidy(ctx); did || err != nil {
		t.Errorf("a second Tidy compacted again: %v, %v", did, err)
	}
	n := 0
	s.Scan(ctx, Filter{States: []State{state}}, func(*Item) error { n++; return nil })
	if n != len(p) {
		t.Errorf("%d %s items after Tidy, want %d", n, state, len(p))
	}
}

// A scan whose callback panics, stops early or fails leaves no reader
// behind: once the store is closed, no goroutine is left running.
func TestScan_LeavesNoReaderBehind(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t, t.TempDir())
	p := page(3000, 0)
	if _, err := s.Commit(ctx, "github", p, nil); err != nil {
		t.Fatal(err)
	}
	all := Filter{States: []State{Suggested, Confirmed}}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("the panic did not come through")
			}
		}()
		n := 0
		s.Scan(ctx, all, func(*Item) error {
			if n++; n == 10 {
				panic("callback")
			}
			return nil
		})
	}()
	boom := errors.New("boom")
	if err := s.Scan(ctx, all, func(*Item) error { return boom }); !errors.Is(err, boom) {
		t.Errorf("the callback's error: %v", err)
	}
	n := 0
	if err := s.Scan(ctx, Filter{States: all.States, Limit: 7}, func(*Item) error { n++; return nil }); err != nil || n != 7 {
		t.Errorf("limit 7: %d items, %v", n, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	goleak.VerifyNone(t)
}

// CountState says what a scan of the state finds, through decisions and a
// decision taken back.
func TestCountState_AgreesWithAScan(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t, t.TempDir())
	defer s.Close()
	p := page(500, 0)
	if _, err := s.Commit(ctx, "github", p, nil); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for i := range 120 {
		ids = append(ids, IDFor(p[i].Artifact.Key))
	}
	s.Decide(ctx, ids, Decision{State: Confirmed})
	s.Decide(ctx, ids[:20], Decision{State: Suggested})
	for _, st := range States {
		scanned := 0
		s.Scan(ctx, Filter{States: []State{st}}, func(*Item) error { scanned++; return nil })
		n, err := s.CountState(ctx, st)
		if err != nil || n != scanned {
			t.Errorf("%s: CountState %d (%v), a scan %d", st, n, err, scanned)
		}
	}
	if n, _ := s.CountState(ctx, Suggested); n != 400 {
		t.Errorf("%d suggested, want 400", n)
	}
}

// Version moves when items change, and stays when a poll only writes its
// cursor, its marks and its source state over unchanged items.
func TestVersion_MovesWithItemsOnly(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t, t.TempDir())
	defer s.Close()
	v := s.Version
	p := page(10, 0)
	v0 := v()
	if _, err := s.Commit(ctx, "github", p, []byte("c1")); err != nil {
		t.Fatal(err)
	}
	v1 := v()
	if v1 == v0 {
		t.Error("a commit of new items left the version")
	}
	s.CommitMarked(ctx, "github", p, []byte("c2"), map[string][]byte{"k": []byte("m")})
	s.PutSourceState(ctx, SourceState{Name: "github", LastSuccess: time.Now()})
	if v() != v1 {
		t.Error("a quiet poll (same items, a new cursor, marks, source state) moved the version")
	}
	s.Decide(ctx, []string{IDFor(p[0].Artifact.Key)}, Decision{State: Confirmed})
	if v() == v1 {
		t.Error("a decision left the version")
	}
}
