package jira

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/evident-sync/evident/connectors/passtest"

	"github.com/evident-sync/evident/connectors/jira/jiratest"
)

// The first backfill goes newest first on Jira too: every issue of the
// last two weeks is in within 15% of the backfill's requests (each a round
// trip, so its time), and the whole year still arrives, each issue once.
func TestBackfill_TheLastTwoWeeksComeFirst(t *testing.T) {
	me, n := "alice", 400
	end := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC) // the harness's clock
	start := end.AddDate(-1, 0, 0)
	issues, recent := yearOfIssues(me, n, start, end)
	h := newHarness(t, jiratest.Cloud, me, issues, func(c *Config) { c.Since = start })
	run := passtest.RunBackfill(t, slowConn(t, h, time.Millisecond), func() int { return h.fake.Hits()["total"] }, recent)
	got, recentAt, total := run.Got, run.RecentRequests, run.TotalRequests
	if len(got) != n {
		var missing []string
		for _, is := range issues {
			if got["jira:"+is.Key] == 0 {
				missing = append(missing, is.Key+"@"+is.Updated.Format(time.RFC3339))
			}
		}
		t.Errorf("%d of %d issues arrived; missing %v", len(got), n, missing[:min(len(missing), 8)])
	}
	for k, c := range got {
		if c != 1 {
			t.Errorf("%s arrived %d times", k, c)
		}
	}
	if total == 0 || float64(recentAt) > 0.15*float64(total) {
		t.Errorf("the last two weeks were in after %d of %d requests, want within 15%%", recentAt, total)
	}
	t.Logf("last two weeks after %d requests (%v), the year after %d (%v)", recentAt, run.RecentTime, total, run.TotalTime)
}

// TestBackfill_Figures times a year of 400 issues against a fake Jira
// with a 30 ms round trip; it only reports (set EVIDENT_BACKFILL_FIGURES=1).
func TestBackfill_Figures(t *testing.T) {
	if os.Getenv("EVIDENT_BACKFILL_FIGURES") == "" {
		t.Skip("set EVIDENT_BACKFILL_FIGURES=1 to time the backfill")
	}
	me := "alice"
	end := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	start := end.AddDate(-1, 0, 0)
	issues, recent := yearOfIssues(me, 400, start, end)
	h := newHarness(t, jiratest.Cloud, me, issues, func(c *Config) { c.Since = start })
	r := passtest.RunBackfill(t, slowConn(t, h, 30*time.Millisecond), func() int { return h.fake.Hits()["total"] }, recent)
	t.Logf("400 issues, 30 ms round trip: last two weeks after %v (%d requests), whole year after %v (%d requests)",
		r.RecentTime.Round(100*time.Millisecond), r.RecentRequests, r.TotalTime.Round(100*time.Millisecond), r.TotalRequests)
}

// slowConn is h's connector through a server that adds latency to every
// round trip, as a real Jira's.
func slowConn(t *testing.T, h *harness, latency time.Duration) *Connector {
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(latency)
		h.fake.Handler().ServeHTTP(w, r)
	}))
	t.Cleanup(slow.Close)
	cfg := h.conn.cfg
	cfg.BaseURL = slow.URL
	conn, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return conn
}

// yearOfIssues is n issues assigned to me, updated evenly over [start,
// end), and the keys of those of the last two weeks.
func yearOfIssues(me string, n int, start, end time.Time) ([]*jiratest.Issue, map[string]bool) {
	var issues []*jiratest.Issue
	recent := map[string]bool{}
	for i := range n {
		at := start.Add(end.Sub(start)/time.Duration(n)*time.Duration(i) + 7*time.Minute)
		key := fmt.Sprintf("PAY-%d", i+1)
		issues = append(issues, &jiratest.Issue{Key: key, Project: "PAY", Type: "Task", Summary: "work " + key, Status: "Open",
			Reporter: "carol", Assignee: me, Created: at.Add(-time.Hour), Updated: at})
		if at.After(end.Add(-14 * 24 * time.Hour)) {
			recent["jira:"+key] = true
		}
	}
	return issues, recent
}

// A Jira whose clock runs ahead dates issues in the future: the pass still
// ends, every issue of the past arrives, and none is read twice, however
// far the present moves while it runs (a page full of future issues used
// to narrow to the present on every request).
func TestFetch_IssuesDatedInTheFutureEndThePass(t *testing.T) {
	me := "alice"
	end := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC) // the harness's clock
	start := end.AddDate(-1, 0, 0)
	issues, _ := yearOfIssues(me, 100, start, end)
	past := len(issues)
	for i := range 150 {
		at := end.Add(time.Duration(i+1) * 24 * time.Hour)
		key := fmt.Sprintf("AHEAD-%d", i+1)
		issues = append(issues, &jiratest.Issue{Key: key, Project: "AHEAD", Type: "Task", Summary: "work " + key, Status: "Open",
			Reporter: "carol", Assignee: me, Created: at.Add(-time.Hour), Updated: at})
	}
	h := newHarness(t, jiratest.Cloud, me, issues, func(c *Config) { c.Since = start })
	moving := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.clock.Advance(time.Minute) // the present moves on with every request
		h.fake.Handler().ServeHTTP(w, r)
	}))
	t.Cleanup(moving.Close)
	cfg := h.conn.cfg
	cfg.BaseURL = moving.URL
	conn, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	sink := passtest.NewSink(nil)
	if err := sink.Pass(t, conn, 300); err != nil {
		t.Fatal(err)
	}
	for _, is := range issues[:past] {
		if sink.Got["jira:"+is.Key].Key == "" {
			t.Errorf("%s was not read", is.Key)
		}
	}
	if sink.Ingested != len(sink.Got) {
		t.Errorf("%d issues handed over for %d distinct: some were read twice in one pass", sink.Ingested, len(sink.Got))
	}
}
