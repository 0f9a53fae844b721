package github

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/evident-sync/evident/connectors/passtest"
	"github.com/evident-sync/evident/connectors/window"

	"github.com/evident-sync/evident/config/credentials"
	"github.com/evident-sync/evident/connectors"
	"github.com/evident-sync/evident/connectors/connectorstest"
	"github.com/evident-sync/evident/connectors/github/githubtest"
)

// yearOfReviews is a year (2026) of PRs alice reviewed, one every 17.5
// hours, with the clock at its end.
func yearOfReviews(n int) (prs []*githubtest.PR, end time.Time) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	end = start.AddDate(1, 0, 0)
	step := end.Sub(start) / time.Duration(n)
	for i := range n {
		at := start.Add(time.Duration(i)*step + time.Hour)
		prs = append(prs, &githubtest.PR{Owner: "acme", Repo: fmt.Sprintf("svc-%d", i%7), Number: 100 + i, Title: fmt.Sprintf("Change %d", i),
			Author: "carol", CreatedAt: at.Add(-time.Hour), UpdatedAt: at, Additions: 10, ChangedFiles: 1,
			Reviews: []githubtest.Review{{User: "alice", State: "APPROVED", SubmittedAt: at}}})
	}
	return prs, end
}

func runBackfill(t testing.TB, conn *Connector, fake *githubtest.Server, prs []*githubtest.PR, end time.Time) passtest.BackfillRun {
	recent := map[string]bool{}
	for _, p := range prs {
		if p.UpdatedAt.After(end.Add(-14 * 24 * time.Hour)) {
			recent[fmt.Sprintf("github:%s/%s#%d", p.Owner, p.Repo, p.Number)] = true
		}
	}
	return passtest.RunBackfill(t, conn, func() int { return fake.Hits()["total"] }, recent)
}

func newBackfillHarness(t testing.TB, prs []*githubtest.PR, end time.Time, latency time.Duration) (*Connector, *githubtest.Server) {
	return backfillHarness(t, prs, end, func(*connectorstest.Clock) {
		time.Sleep(latency) // the round trip of a real service
	})
}

// backfillHarness is a connector over a fake holding prs, with the clock
// at end; each runs before every request is served.
func backfillHarness(t testing.TB, prs []*githubtest.PR, end time.Time, each func(*connectorstest.Clock)) (*Connector, *githubtest.Server) {
	clock := connectorstest.NewClock(end)
	fake := githubtest.New(clock)
	fake.Token = "ghp_test_token_value"
	fake.Add(prs...)
	h := fake.Handler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		each(clock)
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	os.Setenv("EVIDENT_TEST_GH_TOKEN", "ghp_test_token_value")
	conn, err := New(Config{Name: "github", BaseURL: srv.URL + "/", Token: credentials.TokenSource{Env: "EVIDENT_TEST_GH_TOKEN"},
		Login: "alice", Since: end.AddDate(-1, 0, 0), Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	return conn, fake
}

// The first backfill goes newest first: every PR of the last two weeks is
// stored within 15% of the whole backfill's requests (each a round trip, so
// its time), and the whole year still arrives, each PR once.
func TestBackfill_TheLastTwoWeeksComeFirst(t *testing.T) {
	t.Setenv("EVIDENT_TEST_GH_TOKEN", "ghp_test_token_value")
	prs, end := yearOfReviews(500)
	conn, fake := newBackfillHarness(t, prs, end, time.Millisecond) // a round trip on every request
	r := runBackfill(t, conn, fake, prs, end)
	if len(r.Got) != len(prs) {
		t.Errorf("%d of %d PRs arrived", len(r.Got), len(prs))
	}
	for k, n := range r.Got {
		if n != 1 {
			t.Errorf("%s arrived %d times", k, n)
		}
	}
	if share := float64(r.RecentRequests) / float64(r.TotalRequests); share > 0.15 {
		t.Errorf("the last two weeks were in after %d of %d requests (%.0f%%), want within 15%%", r.RecentRequests, r.TotalRequests, 100*share)
	}
	t.Logf("last two weeks after %d requests (%v), the year after %d (%v)", r.RecentRequests, r.RecentTime, r.TotalRequests, r.TotalTime)
}

// Activity that happens while the backfill walks back is taken by the
// next poll, from the forward frontier.
func TestBackfill_NewActivityDuringTheBackfillComesWithTheNextPoll(t *testing.T) {
	prs, end := yearOfReviews(200)
	h := newHarness(t, prs, func(c *Config) { c.Since = end.AddDate(-1, 0, 0) })
	h.clock.Advance(end.Sub(h.clock.Now()))
	pages := 0
	var cur connectors.Cursor = nil
	for {
		page, err := h.conn.Fetch(context.Background(), cur)
		if err != nil {
			t.Fatal(err)
		}
		cur, pages = page.Cursor, pages+1
		if pages == 6 { // the backward walk is under way
			if page.Backfill == nil || page.Backfill.To.IsZero() {
				t.Fatalf("page 6 says the backfill is %+v", page.Backfill)
			}
			h.clock.Advance(time.Minute)
			h.fake.Add(&githubtest.PR{Owner: "acme", Repo: "svc-new", Number: 1, Title: "Fresh", Author: "carol",
				CreatedAt: h.clock.Now(), UpdatedAt: h.clock.Now(), Reviews: []githubtest.Review{{User: "alice", State: "APPROVED", SubmittedAt: h.clock.Now()}}})
		}
		if !page.More {
			if page.Backfill == nil || !page.Backfill.To.IsZero() || page.Backfill.Progress != 1 {
				t.Errorf("the pass ended with the backfill at %+v", page.Backfill)
			}
			break
		}
	}
	h.Sink.Cursor = cur
	if err := h.pass(); err != nil {
		t.Fatal(err)
	}
	if _, ok := h.Got["github:acme/svc-new#1"]; !ok {
		t.Error("the PR reviewed during the backfill was not taken by the next poll")
	}
}

// TestBackfill_Figures times a heavy reviewer's year against a fake with
// a 30 ms round trip; it only reports (set EVIDENT_BACKFILL_FIGURES=1).
func TestBackfill_Figures(t *testing.T) {
	if os.Getenv("EVIDENT_BACKFILL_FIGURES") == "" {
		t.Skip("set EVIDENT_BACKFILL_FIGURES=1 to time the backfill")
	}
	prs, end := yearOfReviews(500)
	conn, fake := newBackfillHarness(t, prs, end, 30*time.Millisecond)
	r := runBackfill(t, conn, fake, prs, end)
	t.Logf("500 PRs, 30 ms round trip: last two weeks after %v (%d requests), whole year after %v (%d requests)",
		r.RecentTime.Round(100*time.Millisecond), r.RecentRequests, r.TotalTime.Round(100*time.Millisecond), r.TotalRequests)
}

// fetchN reads n pages from cur with conn and returns the cursor after
// them, counting what arrived in got.
func fetchN(t *testing.T, conn *Connector, cur connectors.Cursor, n int, got map[string]int) (connectors.Cursor, connectors.Page) {
	t.Helper()
	var page connectors.Page
	for range n {
		var err error
		if page, err = conn.Fetch(context.Background(), cur); err != nil {
			t.Fatal(err)
		}
		for _, a := range page.Artifacts {
			got[a.Key]++
		}
		cur = page.Cursor
		if !page.More {
			break
		}
	}
	return cur, page
}

// A process killed in the backward walk, and one killed in a forward
// poll, resume from the committed cursor with a new connector: both
// frontiers where they were, nothing committed read again, nothing lost.
func TestBackfill_BothFrontiersResumeAfterACrash(t *testing.T) {
	prs, end := yearOfReviews(600)
	h := newHarness(t, prs, func(c *Config) { c.Since = end.AddDate(-1, 0, 0) })
	h.clock.Advance(end.Sub(h.clock.Now()))
	restart := func() *Connector {
		c, err := New(h.conn.cfg)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	got := map[string]int{}
	cur, page := fetchN(t, h.conn, nil, 5, got)
	var mid window.Position
	json.Unmarshal(cur, &mid)
	if !mid.Back || !page.More {
		t.Fatalf("after 5 pages the backward walk should be under way: %s", cur)
	}
	// Killed here: a new process resumes from the committed cursor.
	before := len(got)
	h.fake.ResetHits()
	cur, page = fetchN(t, restart(), cur, 1000, got)
	if page.More || len(got) != len(prs) {
		t.Fatalf("after resuming the backward walk: %d of %d PRs", len(got), len(prs))
	}
	for k, n := range got {
		if n != 1 {
			t.Errorf("%s arrived %d times", k, n)
		}
	}
	if pulls := h.fake.Hits()["pull"]; pulls != len(prs)-before {
		t.Errorf("the resumed backward walk read %d PRs, want the %d not committed", pulls, len(prs)-before)
	}
	var done window.Position
	json.Unmarshal(cur, &done)
	if !done.Low.Equal(h.conn.cfg.Since) {
		t.Errorf("backward frontier after the backfill %v, want since %v", done.Low, h.conn.cfg.Since)
	}

	// A forward poll over 250 new reviews (three search pages), killed
	// after its first page.
	h.clock.Advance(time.Hour)
	fresh := map[string]int{}
	for i := range 250 {
		at := h.clock.Now().Add(-time.Duration(250-i) * time.Second)
		h.fake.Add(&githubtest.PR{Owner: "acme", Repo: "svc-new", Number: i + 1, Title: "New", Author: "carol", CreatedAt: at, UpdatedAt: at,
			Reviews: []githubtest.Review{{User: "alice", State: "APPROVED", SubmittedAt: at}}})
	}
	cur, page = fetchN(t, restart(), cur, 1, fresh)
	if !page.More || len(fresh) == 0 {
		t.Fatalf("the forward poll's first page: %d PRs, more %v", len(fresh), page.More)
	}
	first := len(fresh)
	h.fake.ResetHits()
	cur, _ = fetchN(t, restart(), cur, 1000, fresh)
	if len(fresh) != 250 {
		t.Errorf("after resuming the forward poll: %d of 250 new PRs", len(fresh))
	}
	for k, n := range fresh {
		if n != 1 {
			t.Errorf("%s arrived %d times", k, n)
		}
	}
	if pulls := h.fake.Hits()["pull"]; pulls != 250-first {
		t.Errorf("the resumed forward poll read %d PRs, want the %d not committed", pulls, 250-first)
	}
	var after window.Position
	json.Unmarshal(cur, &after)
	if !after.Low.Equal(done.Low) || after.InPass {
		t.Errorf("the forward poll moved the backward frontier: %v -> %v", done.Low, after.Low)
	}
}

// A busy fortnight (more PRs than a search page holds) reaches the inbox
// in steps: the first window's PRs are handed over every firstReads
// rather than after a whole page of a hundred, and each is read once.
func TestBackfill_ABusyFortnightIsHandedOverInSteps(t *testing.T) {
	end := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	var prs []*githubtest.PR
	for i := range 150 {
		at := end.Add(-time.Duration(i+1) * 2 * time.Hour)
		prs = append(prs, &githubtest.PR{Owner: "acme", Repo: "svc", Number: i + 1, Title: fmt.Sprintf("Change %d", i), Author: "carol",
			CreatedAt: at.Add(-time.Hour), UpdatedAt: at, Reviews: []githubtest.Review{{User: "alice", State: "APPROVED", SubmittedAt: at}}})
	}
	conn, _ := newBackfillHarness(t, prs, end, 0)
	got := map[string]int{}
	var cur connectors.Cursor
	for pages := 0; ; pages++ {
		page, err := conn.Fetch(context.Background(), cur)
		if err != nil {
			t.Fatal(err)
		}
		if pages == 0 && len(page.Artifacts) != firstReads {
			t.Errorf("the first page handed over %d PRs, want %d", len(page.Artifacts), firstReads)
		}
		for _, a := range page.Artifacts {
			got[a.Key]++
		}
		cur = page.Cursor
		if !page.More {
			break
		}
		if pages > 100 {
			t.Fatal("the pass does not end")
		}
	}
	if len(got) != len(prs) {
		t.Errorf("%d of %d PRs arrived", len(got), len(prs))
	}
	for k, n := range got {
		if n != 1 {
			t.Errorf("%s arrived %d times", k, n)
		}
	}
}

// A server whose clock runs ahead dates PRs in the future. They are read
// as now, once: a search page full of them does not narrow to the present
// again and again (which returned the same page forever while the clock
// moved, re-reading every PR on it), and the pass ends with every PR of
// the past read.
func TestFetch_PRsDatedInTheFutureEndThePass(t *testing.T) {
	prs, end := yearOfReviews(200)
	for i := range 150 {
		at := end.Add(time.Duration(i+1) * 24 * time.Hour)
		prs = append(prs, &githubtest.PR{Owner: "acme", Repo: "svc-ahead", Number: i + 1, Title: fmt.Sprintf("Ahead %d", i), Author: "carol",
			CreatedAt: at.Add(-time.Hour), UpdatedAt: at, Reviews: []githubtest.Review{{User: "alice", State: "APPROVED", SubmittedAt: at}}})
	}
	t.Setenv("EVIDENT_TEST_GH_TOKEN", "ghp_test_token_value")
	conn, _ := backfillHarness(t, prs, end, func(c *connectorstest.Clock) {
		c.Advance(time.Second) // time passes with every request, as it does
	})
	sink := passtest.NewSink(nil)
	if err := sink.Pass(t, conn, 300); err != nil {
		t.Fatal(err)
	}
	for _, p := range prs[:200] {
		if k := fmt.Sprintf("github:%s/%s#%d", p.Owner, p.Repo, p.Number); sink.Got[k].Key == "" {
			t.Errorf("%s was not read", k)
		}
	}
	if sink.Ingested != len(sink.Got) {
		t.Errorf("%d PRs handed over for %d distinct: some were read twice in one pass", sink.Ingested, len(sink.Got))
	}
}

// A cursor the connector wrote before the engine drove it (version 2)
// resumes where it stood: the marks, the seen-set and both frontiers
// carry over, so the backward walk goes on below its frontier and nothing
// above it is read again.
func TestFetch_AVersion2CursorResumesWhereItStood(t *testing.T) {
	prs, end := yearOfReviews(300)
	h := newHarness(t, prs, func(c *Config) { c.Since = end.AddDate(-1, 0, 0) })
	h.clock.Advance(end.Sub(h.clock.Now()))
	low := end.AddDate(0, -3, 0).UTC()
	seen := map[string]time.Time{}
	above := 0
	for _, p := range prs {
		if !p.UpdatedAt.Before(low) {
			above++
			if p.UpdatedAt.After(end.Add(-time.Hour)) {
				seen[fmt.Sprintf("github:%s/%s#%d", p.Owner, p.Repo, p.Number)] = p.UpdatedAt
			}
		}
	}
	hw := end.Add(-time.Minute).UTC()
	v2, _ := json.Marshal(map[string]any{"v": 2, "in_pass": false, "hw": []time.Time{hw, hw, hw}, "recent": seen,
		"low": low, "forward": end.Add(-time.Minute).UTC()})
	got := map[string]int{}
	cur, page := fetchN(t, h.conn, v2, 1000, got)
	if page.More {
		t.Fatal("the pass did not end")
	}
	if len(got) != len(prs)-above {
		t.Errorf("resumed: %d PRs read, want the %d below the backward frontier", len(got), len(prs)-above)
	}
	for k, n := range got {
		if n != 1 {
			t.Errorf("%s arrived %d times", k, n)
		}
	}
	var after struct {
		V int `json:"v"`
		window.Position
	}
	json.Unmarshal(cur, &after)
	if after.V != cursorVersion || !after.Low.Equal(h.conn.cfg.Since) || after.HW[0].Before(hw) {
		t.Errorf("the cursor after: v%d, low %v, hw %v", after.V, after.Low, after.HW)
	}
}
