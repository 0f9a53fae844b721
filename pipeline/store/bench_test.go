package store

import (
	"context"
	"testing"
)

// BenchmarkCommit measures ingest in pages of 100, the way a connector
// delivers them; it reports artifacts per second.
func BenchmarkCommit(b *testing.B) {
	ctx := context.Background()
	s := openTemp(b, b.TempDir())
	defer s.Close()
	const per = 100
	p := page(b.N*per%1_000_000+per, 0)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		lo := (i * per) % (len(p) - per + 1)
		if _, err := s.Commit(ctx, "github", p[lo:lo+per], []byte("c")); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*per)/b.Elapsed().Seconds(), "artifacts/s")
}

// fill50k returns a store of 50,000 items, 500 of them suggested.
func fill50k(b *testing.B) *Store {
	ctx := context.Background()
	s := openTemp(b, b.TempDir())
	p := page(50_000, 0)
	if _, err := s.Commit(ctx, "github", p, nil); err != nil {
		b.Fatal(err)
	}
	var ids []string
	for i := range p {
		if i%100 != 0 {
			ids = append(ids, IDFor(p[i].Artifact.Key))
		}
	}
	for len(ids) > 0 {
		n := min(len(ids), 2000)
		if _, err := s.Decide(ctx, ids[:n], Decision{State: Confirmed}); err != nil {
			b.Fatal(err)
		}
		ids = ids[n:]
	}
	return s
}

func BenchmarkScan_Inbox500Of50k(b *testing.B) {
	ctx := context.Background()
	s := fill50k(b)
	defer s.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		n := 0
		s.Scan(ctx, Filter{States: []State{Suggested}}, func(*Item) error { n++; return nil })
		if n != 500 {
			b.Fatalf("inbox %d", n)
		}
	}
}

func BenchmarkScan_All50k(b *testing.B) {
	ctx := context.Background()
	s := fill50k(b)
	defer s.Close()
	if _, err := s.Tidy(ctx); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		n := 0
		s.Scan(ctx, Filter{}, func(*Item) error { n++; return nil })
		if n != 50_000 {
			b.Fatalf("all %d", n)
		}
	}
	b.ReportMetric(float64(b.N*50_000)/b.Elapsed().Seconds(), "items/s")
}

// BenchmarkScan_ListJSON50k is list --json --state all without the
// process: every item read, made the contract's view and appended as JSON.
func BenchmarkScan_ListJSON50k(b *testing.B) {
	ctx := context.Background()
	s := fill50k(b)
	defer s.Close()
	if _, err := s.Tidy(ctx); err != nil {
		b.Fatal(err)
	}
	var buf []byte
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		n := 0
		s.Scan(ctx, Filter{}, func(it *Item) error {
			v := it.View(nil)
			buf = v.AppendJSON(buf[:0])
			n++
			return nil
		})
		if n != 50_000 {
			b.Fatalf("all %d", n)
		}
	}
	b.ReportMetric(float64(b.N*50_000)/b.Elapsed().Seconds(), "items/s")
}

// BenchmarkDecide measures confirming in batches of 500, as a triage or a
// bulk confirm does; it reports decisions per second.
func BenchmarkDecide(b *testing.B) {
	ctx := context.Background()
	s := openTemp(b, b.TempDir())
	defer s.Close()
	const per = 500
	p := page(20_000, 0)
	if _, err := s.Commit(ctx, "github", p, nil); err != nil {
		b.Fatal(err)
	}
	ids := make([]string, len(p))
	for i := range p {
		ids[i] = IDFor(p[i].Artifact.Key)
	}
	states := []State{Confirmed, Dismissed}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		lo := (i * per) % len(ids)
		if _, err := s.Decide(ctx, ids[lo:lo+per], Decision{State: states[(i*per/len(ids))%2]}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*per)/b.Elapsed().Seconds(), "decisions/s")
}

// BenchmarkRecord_Decode reads one item record (the seeded shape).
func BenchmarkRecord_Decode(b *testing.B) {
	in := artifact(42, 1)
	it := Item{ID: IDFor(in.Artifact.Key), State: Confirmed, Artifact: in.Artifact, Class: in.Class}
	rec := encodeRecord(&it)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var out Item
		if err := decodeValue(rec, &out); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOpen_50k is what every command pays before it reads: opening
// and closing a 50,000-item store, for reading only (the reading commands)
// and for writing (the others).
func BenchmarkOpen_50k(b *testing.B) {
	s := fill50k(b)
	dir := s.Dir()
	if _, err := s.Tidy(context.Background()); err != nil {
		b.Fatal(err)
	}
	s.Close()
	for _, mode := range []struct {
		name string
		o    Options
	}{{"read-only", Options{ReadOnly: true}}, {"read-write", Options{}}} {
		b.Run(mode.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				s, err := Open(dir, mode.o)
				if err != nil {
					b.Fatal(err)
				}
				if err := s.Close(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkGet_50k is show ID's read: one record of a 50,000-item store.
func BenchmarkGet_50k(b *testing.B) {
	ctx := context.Background()
	s := fill50k(b)
	defer s.Close()
	id := IDFor(artifact(31_337, 0).Artifact.Key)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.Get(ctx, id); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTame_ScanBeforeAndAfterTidy is the gate of the Badger-taming
// layer (tame.go): a listing of 50,000 items after decisions rewrote most
// of them, with the superseded versions still in the tree and after Tidy
// compacted them. Tidy earns its place while "tidy" stays well ahead.
func BenchmarkTame_ScanBeforeAndAfterTidy(b *testing.B) {
	ctx := context.Background()
	s := fill50k(b)
	defer s.Close()
	scan := func(b *testing.B) {
		for b.Loop() {
			n := 0
			s.Scan(ctx, Filter{}, func(*Item) error { n++; return nil })
			if n != 50_000 {
				b.Fatalf("all %d", n)
			}
		}
		b.ReportMetric(float64(b.N*50_000)/b.Elapsed().Seconds(), "items/s")
	}
	b.Run("untidy", scan)
	if _, err := s.Tidy(ctx); err != nil {
		b.Fatal(err)
	}
	b.Run("tidy", scan)
}
