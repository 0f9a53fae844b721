package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/evident-sync/evident/connectors"
	"github.com/evident-sync/evident/connectors/github/githubtest"
	"github.com/evident-sync/evident/pipeline/store"
)

// TestE2E_FirstInboxFigures times the first inbox of a new user, whole
// process: `evident run` backfills a heavy reviewer's year from a fake
// GitHub with a 30 ms round trip while `evident list --json` asks the
// daemon every 200 ms. It reports when 80% of the last two weeks' items were
// in the inbox (seconds and share of the backfill's requests) and when the
// year was; it only reports (set EVIDENT_BACKFILL_FIGURES=1).
func TestE2E_FirstInboxFigures(t *testing.T) {
	if os.Getenv("EVIDENT_BACKFILL_FIGURES") == "" {
		t.Skip("set EVIDENT_BACKFILL_FIGURES=1 to time the first inbox")
	}
	fake := githubtest.New(connectors.RealClock)
	fake.Token, fake.SearchLimit, fake.CoreLimit = "fi-token", 1_000_000, 1_000_000
	now := time.Now().Truncate(time.Second)
	const n = 500
	recent := map[string]bool{}
	step := 365 * 24 * time.Hour / n
	for i := range n {
		at := now.Add(-time.Duration(n-i) * step)
		pr := &githubtest.PR{Owner: "acme", Repo: fmt.Sprintf("payments-%d", i%7), Number: i + 1, Title: fmt.Sprintf("Change %d", i), Author: "carol",
			CreatedAt: at.Add(-time.Hour), UpdatedAt: at, Additions: 40, ChangedFiles: 3,
			Reviews:        []githubtest.Review{{User: "alice", State: "APPROVED", SubmittedAt: at}},
			ReviewComments: []githubtest.Comment{{User: "alice", Body: "nit", CreatedAt: at}}}
		if i%5 == 0 { // some of her own
			pr.Author, pr.Reviews = "alice", []githubtest.Review{{User: "carol", State: "APPROVED", SubmittedAt: at}}
		}
		fake.Add(pr)
		if at.After(now.Add(-14 * 24 * time.Hour)) {
			recent[fmt.Sprintf("github:acme/payments-%d#%d", i%7, i+1)] = true
		}
	}
	// And a busy fortnight: more PRs than a search page holds.
	for i := range 120 {
		at := now.Add(-time.Duration(i+1) * 2 * time.Hour)
		fake.Add(&githubtest.PR{Owner: "acme", Repo: "platform-ci", Number: i + 1, Title: fmt.Sprintf("Busy %d", i), Author: "dave",
			CreatedAt: at.Add(-time.Hour), UpdatedAt: at, Reviews: []githubtest.Review{{User: "alice", State: "APPROVED", SubmittedAt: at}}})
		recent[fmt.Sprintf("github:acme/platform-ci#%d", i+1)] = true
	}
	var requests atomic.Int64
	h := fake.Handler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		time.Sleep(30 * time.Millisecond)
		h.ServeHTTP(w, r)
	}))
	defer srv.Close()
	cfg := writeConfig(t, githubOnlyConfig(t, srv.URL, "FI_TOKEN", now.AddDate(-1, 0, -1)))
	c := newCLI(t, "FI_TOKEN=fi-token")
	began := time.Now()
	daemon := c.cmd("--config", cfg, "run", "--addr", freeAddr(t))
	if err := daemon.Start(); err != nil {
		t.Fatal(err)
	}
	defer daemon.Process.Kill()
	var firstAt, allAt time.Duration
	var firstReq, allReq int64
	lastLog := time.Now()
	for time.Since(began) < 5*time.Minute {
		out, _, code := c.run("--config", cfg, "list", "--json", "--state", "all")
		if code == 0 {
			var vs []store.View
			json.Unmarshal([]byte(out), &vs)
			got := 0
			for _, v := range vs {
				if recent[v.Key] {
					got++
				}
			}
			if firstAt == 0 && got*5 >= len(recent)*4 {
				firstAt, firstReq = time.Since(began), requests.Load()
				t.Logf("at 80%%: requests by path %v", fake.Hits())
			}
			if time.Since(lastLog) > 10*time.Second {
				t.Logf("%v: %d items, %d of %d recent, %d requests", time.Since(began).Round(time.Second), len(vs), got, len(recent), requests.Load())
				lastLog = time.Now()
			}
			if len(vs) >= n+120 {
				allAt, allReq = time.Since(began), requests.Load()
				break
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	if allAt == 0 {
		t.Fatalf("the year did not arrive in 5 minutes (%d requests)", requests.Load())
	}
	t.Logf("%d PRs (%d in the last two weeks), 30 ms round trip: 80%% of the last two weeks in the inbox after %v and %d requests (%.0f%% of the backfill's %d); the year after %v",
		n+120, len(recent), firstAt.Round(100*time.Millisecond), firstReq, 100*float64(firstReq)/float64(allReq), allReq, allAt.Round(100*time.Millisecond))
}
