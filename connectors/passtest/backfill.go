package passtest

import (
	"context"
	"testing"
	"time"

	"github.com/evident-sync/evident/connectors"
)

// BackfillRun is how a first backfill went: what arrived (by key, with how
// many times), and after how many requests (and how long) every recent key
// was in, and the whole backfill.
type BackfillRun struct {
	Got                           map[string]int
	RecentRequests, TotalRequests int
	RecentTime, TotalTime         time.Duration
	// Cursor is the cursor the backfill ended with.
	Cursor connectors.Cursor
}

// RunBackfill reads a first backfill page by page with Fetch alone (so it
// measures any version of a connector alike); requests counts what the
// fake served so far.
func RunBackfill(t testing.TB, r Reader, requests func() int, recent map[string]bool) BackfillRun {
	t.Helper()
	run := BackfillRun{Got: map[string]int{}}
	var cur connectors.Cursor
	began := time.Now()
	for range 10000 {
		page, err := r.Fetch(context.Background(), cur)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range page.Artifacts {
			run.Got[a.Key]++
		}
		cur = page.Cursor
		if run.RecentRequests == 0 {
			in := 0
			for k := range recent {
				if run.Got[k] > 0 {
					in++
				}
			}
			if in == len(recent) {
				run.RecentRequests, run.RecentTime = requests(), time.Since(began)
			}
		}
		if !page.More {
			run.TotalRequests, run.TotalTime, run.Cursor = requests(), time.Since(began), cur
			return run
		}
	}
	t.Fatal("the backfill did not end")
	return run
}
