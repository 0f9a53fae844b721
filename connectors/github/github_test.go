package github

import (
	"errors"
	"fmt"
	"net/http/httptest"
	"slices"
	"strings"

	"github.com/evident-sync/evident/connectors/passtest"

	"testing"
	"time"

	gh "github.com/google/go-github/v60/github"

	"github.com/evident-sync/evident/config/credentials"
	"github.com/evident-sync/evident/connectors"
	"github.com/evident-sync/evident/connectors/connectorstest"
	"github.com/evident-sync/evident/connectors/github/githubtest"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

type harness struct {
	*passtest.Sink
	t     *testing.T
	fake  *githubtest.Server
	srv   *httptest.Server
	clock *connectorstest.Clock
	conn  *Connector
}

func newHarness(t *testing.T, prs []*githubtest.PR, tweak func(*Config)) *harness {
	t.Helper()
	clock := connectorstest.NewClock(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC))
	fake := githubtest.New(clock)
	fake.Token = "ghp_test_token_value"
	fake.Add(prs...)
	srv := httptest.NewServer(fake.Handler())
	t.Cleanup(srv.Close)
	t.Setenv("EVIDENT_TEST_GH_TOKEN", "ghp_test_token_value")
	cfg := Config{Name: "github", BaseURL: srv.URL + "/", Token: credentials.TokenSource{Env: "EVIDENT_TEST_GH_TOKEN"},
		Login: "alice", Since: t0, Clock: clock}
	if tweak != nil {
		tweak(&cfg)
	}
	conn, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &harness{Sink: passtest.NewSink(nil), t: t, fake: fake, srv: srv, clock: clock, conn: conn}
}

// pass runs Fetch until the connector is caught up.
func (h *harness) pass() error { return h.Pass(h.t, h.conn, 10000) }

// heavyReviewer is 2,000 PRs by others that alice reviewed over the year
// (more than the search cap of 1,000), 30 she only commented on, 40 she
// authored (two of them also "reviewed" by her), and 50 she never touched.
func heavyReviewer() (prs []*githubtest.PR, reviewed, commented, authored []string) {
	others := []string{"carol", "dave", "erin", "frank"}
	for i := 0; i < 2000; i++ {
		at := t0.Add(time.Duration(i) * 4 * time.Hour)
		p := &githubtest.PR{Owner: "acme", Repo: fmt.Sprintf("svc-%d", i%9), Number: 1000 + i, Title: fmt.Sprintf("Change %d", i),
			Author: others[i%4], CreatedAt: at.Add(-time.Hour), UpdatedAt: at.Add(time.Hour), Additions: i % 300, Deletions: i % 40, ChangedFiles: 1 + i%9,
			Reviews: []githubtest.Review{{User: "bob", State: "COMMENTED", SubmittedAt: at.Add(-30 * time.Minute)}, {User: "alice", State: "APPROVED", SubmittedAt: at, Body: "LGTM"}}}
		if i%5 < 3 {
			p.ReviewComments = []githubtest.Comment{{User: "alice", Body: "nit", CreatedAt: at.Add(-time.Minute)}, {User: "carol", Body: "done", CreatedAt: at}}
		}
		if i%5 == 0 {
			p.IssueComments = []githubtest.Comment{{User: "ci-bot", Body: "green", CreatedAt: at}}
		}
		if i%3 == 0 {
			p.Merged, p.MergedAt, p.State = true, at.Add(time.Hour), "closed"
		}
		prs = append(prs, p)
		reviewed = append(reviewed, fmt.Sprintf("github:acme/svc-%d#%d", i%9, 1000+i))
	}
	for i := 0; i < 30; i++ {
		at := t0.Add(time.Duration(i)*24*time.Hour + 7*time.Minute)
		prs = append(prs, &githubtest.PR{Owner: "acme", Repo: "docs", Number: i + 1, Title: "Docs " + fmt.Sprint(i), Author: "erin",
			CreatedAt: at, UpdatedAt: at.Add(time.Hour), IssueComments: []githubtest.Comment{{User: "alice", Body: "+1", CreatedAt: at.Add(10 * time.Minute)}}})
		commented = append(commented, fmt.Sprintf("github:acme/docs#%d", i+1))
	}
	for i := 0; i < 40; i++ {
		at := t0.Add(time.Duration(i)*48*time.Hour + 3*time.Minute)
		p := &githubtest.PR{Owner: "acme", Repo: "platform", Number: i + 1, Title: "Mine " + fmt.Sprint(i), Author: "alice",
			CreatedAt: at, UpdatedAt: at.Add(2 * time.Hour), Reviews: []githubtest.Review{{User: "bob", State: "APPROVED", SubmittedAt: at.Add(time.Hour)}}}
		if i < 2 {
			p.Reviews = append(p.Reviews, githubtest.Review{User: "alice", State: "COMMENTED", SubmittedAt: at.Add(90 * time.Minute)})
		}
		prs = append(prs, p)
		authored = append(authored, fmt.Sprintf("github:acme/platform#%d", i+1))
	}
	for i := 0; i < 50; i++ {
		at := t0.Add(time.Duration(i) * 24 * time.Hour)
		prs = append(prs, &githubtest.PR{Owner: "acme", Repo: "noise", Number: i + 1, Title: "Not hers", Author: "dave", CreatedAt: at, UpdatedAt: at,
			Reviews: []githubtest.Review{{User: "bob", State: "APPROVED", SubmittedAt: at}}})
	}
	return
}

func TestFetch_BackfillIsCompleteAcrossTheSearchCap(t *testing.T) {
	prs, reviewed, commented, authored := heavyReviewer()
	h := newHarness(t, prs, nil)
	if err := h.pass(); err != nil {
		t.Fatal(err)
	}
	want := map[string]connectors.Kind{}
	for _, k := range reviewed {
		want[k] = connectors.KindReview
	}
	for _, k := range commented {
		want[k] = connectors.KindReview
	}
	for _, k := range authored {
		want[k] = connectors.KindPR
	}
	if len(h.Got) != len(want) {
		t.Errorf("got %d artifacts, want %d", len(h.Got), len(want))
	}
	for k, kind := range want {
		a, ok := h.Got[k]
		if !ok {
			t.Errorf("missing %s", k)
			continue
		}
		if a.Kind != kind {
			t.Errorf("%s: kind %s, want %s", k, a.Kind, kind)
		}
	}
	for k := range h.Got {
		if strings.Contains(k, "noise") {
			t.Errorf("%s is not the user's work", k)
		}
	}
	hits := h.fake.Hits()
	perPR := float64(hits["total"]-hits["search"]) / float64(len(reviewed)+len(commented)+len(authored))
	t.Logf("backfill of %d PRs: %d requests (%d search, %d pull, %d reviews, %d review-comments, %d issue-comments): %.2f per PR plus searches",
		len(want), hits["total"], hits["search"], hits["pull"], hits["reviews"], hits["review-comments"], hits["issue-comments"], perPR)
	if perPR > 3 {
		t.Errorf("%.2f requests per PR, want at most 3", perPR)
	}
}

func TestFetch_FactsAndDatesOfTheWork(t *testing.T) {
	week1 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	week2 := week1.Add(8 * 24 * time.Hour)
	prs := []*githubtest.PR{
		{Owner: "acme", Repo: "payments-api", Number: 42, Title: "Add idempotency keys", Author: "carol",
			CreatedAt: week1.Add(-48 * time.Hour), UpdatedAt: week2.Add(time.Hour), Merged: true, MergedAt: week2.Add(time.Hour), State: "closed",
			Additions: 240, Deletions: 31, ChangedFiles: 6,
			Reviews: []githubtest.Review{
				{User: "alice", State: "CHANGES_REQUESTED", Body: "Two concerns", SubmittedAt: week1},
				{User: "bob", State: "APPROVED", SubmittedAt: week1.Add(time.Hour)},
				{User: "alice", State: "APPROVED", SubmittedAt: week2},
			},
			ReviewComments: []githubtest.Comment{{User: "alice", CreatedAt: week1}, {User: "alice", CreatedAt: week1}, {User: "carol", CreatedAt: week1}},
			IssueComments:  []githubtest.Comment{{User: "alice", CreatedAt: week2.Add(10 * time.Minute)}},
		},
		{Owner: "acme", Repo: "search-ui", Number: 7, Title: "Typeahead", Author: "erin", CreatedAt: week1, UpdatedAt: week2,
			IssueComments: []githubtest.Comment{{User: "alice", CreatedAt: week2.Add(-time.Hour)}}},
		{Owner: "acme", Repo: "platform-ci", Number: 3, Title: "Cache modules", Author: "alice", CreatedAt: week1, UpdatedAt: week2,
			Reviews: []githubtest.Review{{User: "alice", State: "COMMENTED", SubmittedAt: week1}, {User: "bob", State: "APPROVED", SubmittedAt: week1}}, Reviewers: []string{"dave"}},
	}
	h := newHarness(t, prs, nil)
	if err := h.pass(); err != nil {
		t.Fatal(err)
	}
	r := h.Got["github:acme/payments-api#42"]
	if r.Kind != connectors.KindReview || len(r.Activity.Rounds) != 3 {
		t.Fatalf("review: %+v", r)
	}
	if !r.Activity.Rounds[0].At.Equal(week1) || !r.Activity.Rounds[1].At.Equal(week2) || r.Activity.Rounds[2].State != "COMMENT" {
		t.Errorf("rounds keep their own dates: %+v", r.Activity.Rounds)
	}
	if r.Activity.Comments != 4 { // a review body, two inline comments, one plain comment
		t.Errorf("comments = %d, want 4", r.Activity.Comments)
	}
	if !r.Activity.Approved || !r.Activity.ChangesRequested || !r.Activity.Merged || r.Activity.Additions != 240 {
		t.Errorf("facts: %+v", r.Activity)
	}
	if got := r.Roles; !slices.Equal(got, []connectors.Role{connectors.RoleApprover, connectors.RoleCommenter, connectors.RoleReviewer}) {
		t.Errorf("roles %v", got)
	}
	if r.Counterparts[0] != (connectors.Identity{System: "github", ID: "carol", Role: connectors.RoleAuthor}) || len(r.Counterparts) != 1 {
		t.Errorf("counterparts %v", r.Counterparts)
	}
	if r.URL != "https://github.com/acme/payments-api/pull/42" || r.Container != "acme/payments-api" || r.Title != "Add idempotency keys" {
		t.Errorf("identity %q %q %q", r.URL, r.Container, r.Title)
	}
	c := h.Got["github:acme/search-ui#7"]
	if !slices.Equal(c.Roles, []connectors.Role{connectors.RoleCommenter}) || !c.OccurredAt.Equal(week2.Add(-time.Hour)) {
		t.Errorf("comment-only: roles %v dated %v (want the comment's own time)", c.Roles, c.OccurredAt)
	}
	p := h.Got["github:acme/platform-ci#3"]
	if p.Kind != connectors.KindPR || len(p.Counterparts) != 2 || p.Counterparts[0].ID != "bob" || p.Counterparts[1].ID != "dave" {
		t.Errorf("own PR must be kind pr with reviewers as counterparts: %+v", p)
	}
}

func TestFetch_SecondSyncHasNoDuplicatesAndAQuietPollIs304s(t *testing.T) {
	prs, _, _, _ := heavyReviewer()
	h := newHarness(t, prs[:300], nil)
	if err := h.pass(); err != nil {
		t.Fatal(err)
	}
	first := len(h.Got)
	h.Ingested = 0
	h.fake.ResetHits()
	h.clock.Advance(15 * time.Minute)
	if err := h.pass(); err != nil {
		t.Fatal(err)
	}
	if len(h.Got) != first || h.Ingested != 0 {
		t.Errorf("second pass delivered %d artifacts (store has %d, was %d): overlap must be deduped", h.Ingested, len(h.Got), first)
	}
	firstQuiet := h.fake.Hits()
	h.fake.ResetHits()
	h.clock.Advance(15 * time.Minute)
	if err := h.pass(); err != nil {
		t.Fatal(err)
	}
	quiet := h.fake.Hits()
	t.Logf("first quiet poll: %d requests; second: %d requests, %d answered 304", firstQuiet["total"], quiet["total"], quiet["not-modified"])
	if quiet["total"] > 3 || quiet["not-modified"] != quiet["total"] {
		t.Errorf("quiet poll: %v, want at most 3 requests, all 304", quiet)
	}
	// An update is picked up by the next pass, once.
	h.fake.Update("acme/svc-0#1000", func(p *githubtest.PR) {
		p.UpdatedAt = h.clock.Now()
		p.Reviews = append(p.Reviews, githubtest.Review{User: "alice", State: "COMMENTED", SubmittedAt: h.clock.Now()})
	})
	h.Ingested = 0
	if err := h.pass(); err != nil {
		t.Fatal(err)
	}
	if h.Ingested != 1 || len(h.Got["github:acme/svc-0#1000"].Activity.Rounds) != 2 {
		t.Errorf("update: %d delivered, rounds %v", h.Ingested, h.Got["github:acme/svc-0#1000"].Activity.Rounds)
	}
}

func TestFetch_ResumesAfterAFailureInTheMiddle(t *testing.T) {
	prs, reviewed, _, _ := heavyReviewer()
	h := newHarness(t, prs[:2000], nil)
	// PR 2,450 fails beyond the transport's retries, some pages in.
	h.fake.Inject(githubtest.Fault{Path: "/repos/acme/svc-1/pulls/2450", Status: 502, Body: "bad gateway", Times: 5})
	err := h.pass()
	if err == nil || !strings.Contains(err.Error(), "502") {
		t.Fatalf("want the 502 to end the pass, got %v", err)
	}
	partial := len(h.Got)
	if partial < 100 || partial >= 2000 {
		t.Fatalf("before the failure %d PRs were kept; want the pages read so far", partial)
	}
	h.fake.ResetHits()
	if err := h.pass(); err != nil {
		t.Fatal(err)
	}
	if len(h.Got) != len(reviewed) {
		t.Errorf("after resume: %d, want %d", len(h.Got), len(reviewed))
	}
	hits := h.fake.Hits()
	if hits["pull"] > 2000-partial+100 {
		t.Errorf("resume re-read %d PRs; it should start where it stopped (%d left)", hits["pull"], 2000-partial)
	}
}

func TestFetch_WaitsAsTheLimitsSay(t *testing.T) {
	prs, _, _, _ := heavyReviewer()
	h := newHarness(t, prs[:150], nil)
	h.fake.CoreLimit = 100 // a backfill of 150 PRs needs more than one hour's budget
	h.fake.Inject(githubtest.Fault{Path: "/search/issues", Status: 403, Headers: map[string]string{"Retry-After": "90"},
		Body: `{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again.","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"}`})
	h.fake.Inject(githubtest.Fault{Path: "/reviews", Status: 429, Body: `{"message":"Too Many Requests"}`})
	h.fake.Inject(githubtest.Fault{Path: "/pulls/1003", Status: 403,
		Body: `{"message":"You have exceeded a secondary rate limit and have been temporarily blocked from content creation.","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"}`})
	if err := h.pass(); err != nil {
		t.Fatal(err)
	}
	if len(h.Got) != 150 {
		t.Errorf("got %d artifacts, want 150", len(h.Got))
	}
	sleeps := h.clock.Sleeps()
	has := func(pred func(time.Duration) bool) bool { return slices.ContainsFunc(sleeps, pred) }
	if !has(func(d time.Duration) bool { return d == 90*time.Second }) {
		t.Errorf("no wait of Retry-After 90s in %v", sleeps)
	}
	if !has(func(d time.Duration) bool { return d >= time.Minute && d < 90*time.Second }) {
		t.Errorf("no wait of at least a minute for a secondary limit without Retry-After in %v", sleeps)
	}
	if !has(func(d time.Duration) bool { return d > 30*time.Minute }) {
		t.Errorf("no wait for the primary limit's reset in %v", sleeps)
	}
	if h.fake.Hits()["total"] == 0 {
		t.Error("no requests")
	}
}

func TestFetch_RejectedTokenIsOneClearSentence(t *testing.T) {
	h := newHarness(t, nil, nil)
	h.fake.Token = "a-different-token"
	err := h.pass()
	if err == nil || !errors.Is(err, connectors.ErrAuth) {
		t.Fatalf("want ErrAuth, got %v", err)
	}
	if want := "GitHub rejected the token from $EVIDENT_TEST_GH_TOKEN (401 Bad credentials)"; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("message %q, want it to start %q", err, want)
	}
	if strings.Contains(err.Error(), "ghp_test_token_value") {
		t.Error("the token leaked into the error")
	}
}

func TestFetch_MalformedBodyFailsThePageAndTheNextPassRecovers(t *testing.T) {
	prs, _, _, _ := heavyReviewer()
	h := newHarness(t, prs[:20], nil)
	h.fake.Inject(githubtest.Fault{Path: "/search/issues", Status: 200, Body: `{"total_count": 3, "items": [{"number": "x"`})
	err := h.pass()
	if err == nil || !strings.Contains(err.Error(), "malformed") {
		t.Fatalf("want a malformed-response error, got %v", err)
	}
	if err := h.pass(); err != nil {
		t.Fatal(err)
	}
	if len(h.Got) != 20 {
		t.Errorf("got %d, want 20", len(h.Got))
	}
}

func TestFetch_EnterpriseBaseURLAndOwners(t *testing.T) {
	prs, _, _, _ := heavyReviewer()
	prs = append(prs[:10], &githubtest.PR{Owner: "elsewhere", Repo: "x", Number: 1, Author: "zed", CreatedAt: t0, UpdatedAt: t0.Add(time.Hour),
		Reviews: []githubtest.Review{{User: "alice", State: "APPROVED", SubmittedAt: t0.Add(time.Hour)}}})
	h := newHarness(t, prs, func(c *Config) { c.Owners = []string{"acme"} })
	ghe, err := New(Config{Name: "ghe", BaseURL: h.srv.URL + "/api/v3/", Token: credentials.TokenSource{Env: "EVIDENT_TEST_GH_TOKEN"},
		Login: "alice", Owners: []string{"acme"}, Since: t0, Clock: h.clock})
	if err != nil {
		t.Fatal(err)
	}
	h.conn = ghe
	if err := h.pass(); err != nil {
		t.Fatal(err)
	}
	if len(h.Got) != 10 {
		t.Errorf("got %d, want the 10 PRs of acme", len(h.Got))
	}
}

// A budget spent on a successful response (no reserve at a limit of 50):
// the next request waits for the reset instead of failing.
func TestFetch_ASpentBudgetIsWaitedForNotFailed(t *testing.T) {
	prs, _, _, _ := heavyReviewer()
	h := newHarness(t, prs[:40], nil)
	h.fake.CoreLimit = 50
	// Resets must lie in the wall clock's future, where go-github looks.
	h.clock.Advance(time.Since(h.clock.Now()))
	if err := h.pass(); err != nil {
		t.Fatalf("a spent budget must be waited for: %v", err)
	}
	if len(h.Got) != 40 {
		t.Errorf("got %d, want 40", len(h.Got))
	}
	if !slices.ContainsFunc(h.clock.Sleeps(), func(d time.Duration) bool { return d > 30*time.Minute }) {
		t.Errorf("no wait for the reset in %v", h.clock.Sleeps())
	}
}

// A search that ignores sort=updated cannot be narrowed by time: the
// connector pages through it, splitting windows larger than the cap.
func TestFetch_AnUnsortedSearchIsPagedAndSplitUnderTheCap(t *testing.T) {
	prs, reviewed, _, _ := heavyReviewer()
	// Shuffle update times against numbers, so number order is not time order.
	for i, p := range prs[:2000] {
		p.UpdatedAt = t0.Add(time.Duration((i*7919)%2000) * 3 * time.Hour)
	}
	h := newHarness(t, prs[:2000], nil)
	h.fake.IgnoreSort = true
	if err := h.pass(); err != nil {
		t.Fatal(err)
	}
	if len(h.Got) != len(reviewed) {
		t.Errorf("got %d, want %d", len(h.Got), len(reviewed))
	}
	h.Ingested = 0
	if err := h.pass(); err != nil || h.Ingested != 0 {
		t.Errorf("second pass: %d delivered again, %v", h.Ingested, err)
	}
}

// A search this GitHub refuses (422) is skipped with a problem; owners are
// retried as org: where user: is refused.
func TestFetch_ARefusedSearchIsSkippedAndTheOthersGoOn(t *testing.T) {
	prs, _, _, _ := heavyReviewer()
	h := newHarness(t, prs[:100], func(c *Config) { c.Owners = []string{"acme"} })
	h.fake.Inject(githubtest.Fault{Path: "/search/issues", Status: 422, Times: 1,
		Body: `{"message":"Validation Failed","errors":[{"message":"The listed users cannot be searched","resource":"Search","field":"q","code":"invalid"}],"documentation_url":"https://docs.github.com/v3/search/"}`})
	if err := h.pass(); err != nil {
		t.Fatal(err)
	}
	if len(h.Got) != 100 || h.conn.ownerQualifier != "org" {
		t.Errorf("after a refused user: search: %d PRs, qualifier %s", len(h.Got), h.conn.ownerQualifier)
	}
	// Refused both ways, reviewed-by: is skipped; commenter: still finds
	// the 60 PRs the user also commented on.
	h2 := newHarness(t, prs[:100], func(c *Config) { c.Owners = []string{"acme"} })
	h2.fake.Inject(githubtest.Fault{Path: "/search/issues", Status: 422, Times: 2, Body: `{"message":"Validation Failed","errors":[]}`})
	if err := h2.pass(); err != nil {
		t.Fatal(err)
	}
	if len(h2.Got) != 60 {
		t.Errorf("with reviewed-by: refused: %d PRs, want the 60 found by commenter:", len(h2.Got))
	}
}

func TestFetch_AFutureTimestampNeverMovesTheCursorPastThePresent(t *testing.T) {
	now := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	bad := &githubtest.PR{Owner: "acme", Repo: "payments", Number: 1, Title: "Skewed", Author: "carol", CreatedAt: now.Add(-time.Hour),
		UpdatedAt: now.AddDate(3, 0, 0), Reviews: []githubtest.Review{{User: "alice", State: "APPROVED", SubmittedAt: now.Add(-time.Hour)}}}
	h := newHarness(t, []*githubtest.PR{bad}, nil)
	if err := h.pass(); err != nil {
		t.Fatal(err)
	}
	if _, ok := h.Got["github:acme/payments#1"]; !ok {
		t.Fatal("the skewed PR itself is kept")
	}
	if !slices.ContainsFunc(h.Problems, func(p string) bool { return strings.Contains(p, "in the future; read as now") }) {
		t.Errorf("the skew is not reported: %q", h.Problems)
	}
	// Real activity an hour later is found by the next pass.
	h.clock.Advance(time.Hour)
	later := now.Add(30 * time.Minute)
	h.fake.Add(&githubtest.PR{Owner: "acme", Repo: "payments", Number: 2, Title: "Real", Author: "carol", CreatedAt: later, UpdatedAt: later,
		Reviews: []githubtest.Review{{User: "alice", State: "APPROVED", SubmittedAt: later}}})
	if err := h.pass(); err != nil {
		t.Fatal(err)
	}
	if _, ok := h.Got["github:acme/payments#2"]; !ok {
		t.Error("activity after a future timestamp was hidden by the cursor")
	}
}

func TestFetch_OutdatedReviewCommentsCountAsAddressed(t *testing.T) {
	at := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	pr := &githubtest.PR{Owner: "acme", Repo: "payments", Number: 9, Title: "Ledger", Author: "carol", CreatedAt: at, UpdatedAt: at.Add(48 * time.Hour),
		Reviews: []githubtest.Review{{User: "alice", State: "CHANGES_REQUESTED", SubmittedAt: at.Add(time.Hour)}, {User: "alice", State: "APPROVED", SubmittedAt: at.Add(47 * time.Hour)}},
		ReviewComments: []githubtest.Comment{
			{User: "alice", Body: "race here", CreatedAt: at.Add(time.Hour), Outdated: true},
			{User: "alice", Body: "and here", CreatedAt: at.Add(time.Hour), Outdated: true},
			{User: "alice", Body: "nit", CreatedAt: at.Add(time.Hour)},
			{User: "carol", Body: "fixed", CreatedAt: at.Add(2 * time.Hour), Outdated: true},
		}}
	mine := &githubtest.PR{Owner: "acme", Repo: "platform", Number: 3, Title: "Mine", Author: "alice", CreatedAt: at, UpdatedAt: at,
		Reviews: []githubtest.Review{{User: "bob", State: "COMMENTED", SubmittedAt: at}, {User: "carol", State: "APPROVED", SubmittedAt: at}}}
	h := newHarness(t, []*githubtest.PR{pr, mine}, nil)
	if err := h.pass(); err != nil {
		t.Fatal(err)
	}
	a := h.Got["github:acme/payments#9"]
	if a.Activity.CommentsAddressed != 2 || a.Activity.Comments != 3 {
		t.Errorf("addressed %d of %d, want 2 of 3", a.Activity.CommentsAddressed, a.Activity.Comments)
	}
	if m := h.Got["github:acme/platform#3"]; m.Activity.RoundsReceived != 2 {
		t.Errorf("rounds received on an authored PR: %d, want 2", m.Activity.RoundsReceived)
	}
}

func TestFetch_APRsDescriptionAndBranchNameTheJiraWork(t *testing.T) {
	at := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	pr := &githubtest.PR{Owner: "acme", Repo: "ledger", Number: 812, Title: "Double-entry ledger", Author: "alice", CreatedAt: at, UpdatedAt: at,
		Body: "Implements the RFC: https://github.com/acme/rfcs/blob/main/rfcs/0042-ledger.md", Branch: "PAY-117-ledger"}
	h := newHarness(t, []*githubtest.PR{pr}, nil)
	if err := h.pass(); err != nil {
		t.Fatal(err)
	}
	refs := h.Got["github:acme/ledger#812"].Activity.Refs
	if !slices.Contains(refs, "jira:PAY-117") || !slices.Contains(refs, "https://github.com/acme/rfcs/blob/main/rfcs/0042-ledger.md") {
		t.Errorf("refs %q", refs)
	}
}

// A search item whose repository_url does not parse is an error of one
// sentence, never a panic: fuzzed with hostile payload values.
func FuzzKeyOf_NeverPanics(f *testing.F) {
	for _, s := range []string{"0%", "https://api.github.com/repos/acme/api", "", "/repos//", "https://x/repos/a/b/c", "%zz", "repos/a/b"} {
		f.Add(s, 42)
	}
	f.Fuzz(func(t *testing.T, repoURL string, n int) {
		it := &gh.Issue{RepositoryURL: &repoURL, Number: &n}
		key, owner, repo, err := keyOf(it)
		if err == nil && (owner == "" || repo == "" || !strings.HasPrefix(key, "github:")) {
			t.Errorf("%q → %q %q %q", repoURL, key, owner, repo)
		}
	})
}

func TestKeyOf_AnUnparsableRepositoryURLIsAnError(t *testing.T) {
	bad, n := "0%", 1
	if _, _, _, err := keyOf(&gh.Issue{RepositoryURL: &bad, Number: &n}); err == nil || !strings.Contains(err.Error(), `"0%"`) {
		t.Errorf("got %v", err)
	}
}
