package store

import (
	"context"
	"os"
	"testing"
)

// TestFillForMeasurement writes a store of 50,000 items, 500 of them
// suggested, into $EVIDENT_FILL_DIR, for whole-process timing of the CLI
// (/usr/bin/time -v evident --data-dir DIR inbox --json). Skipped otherwise.
func TestFillForMeasurement(t *testing.T) {
	dir := os.Getenv("EVIDENT_FILL_DIR")
	if dir == "" {
		t.Skip("set EVIDENT_FILL_DIR to write a 50,000-item store for measurement")
	}
	ctx := context.Background()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	p := page(50_000, 0)
	for lo := 0; lo < len(p); lo += 100 {
		if _, err := s.Commit(ctx, "github", p[lo:lo+100], []byte("cursor")); err != nil {
			t.Fatal(err)
		}
	}
	var ids []string
	for i := range p {
		if i%100 != 0 {
			ids = append(ids, IDFor(p[i].Artifact.Key))
		}
	}
	if _, err := s.Decide(ctx, ids, Decision{State: Confirmed}); err != nil {
		t.Fatal(err)
	}
}
