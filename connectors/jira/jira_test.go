package jira

import (
	"errors"
	"fmt"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/evident-sync/evident/connectors/passtest"

	"github.com/evident-sync/evident/config/credentials"
	"github.com/evident-sync/evident/connectors"
	"github.com/evident-sync/evident/connectors/connectorstest"
	"github.com/evident-sync/evident/connectors/jira/jiratest"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

type harness struct {
	*passtest.Sink
	t     *testing.T
	fake  *jiratest.Server
	clock *connectorstest.Clock
	conn  *Connector
}

func newHarness(t *testing.T, deployment string, me string, issues []*jiratest.Issue, tweak func(*Config)) *harness {
	t.Helper()
	clock := connectorstest.NewClock(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	fake := jiratest.New(deployment, jiratest.User{ID: me, DisplayName: "Alice Chen", Email: "alice@acme.example"}, clock)
	fake.Email, fake.Token = "alice@acme.example", "jira-secret-token"
	fake.Add(issues...)
	srv := httptest.NewServer(fake.Handler())
	t.Cleanup(srv.Close)
	t.Setenv("EVIDENT_TEST_JIRA_TOKEN", "jira-secret-token")
	cfg := Config{Name: "jira", BaseURL: srv.URL, Deployment: deployment, Email: "alice@acme.example",
		Token: credentials.TokenSource{Env: "EVIDENT_TEST_JIRA_TOKEN"}, User: me, Since: t0, Clock: clock, PageSize: 7}
	if tweak != nil {
		tweak(&cfg)
	}
	conn, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &harness{Sink: passtest.NewSink(nil), t: t, fake: fake, clock: clock, conn: conn}
}

// pass runs Fetch until the connector is caught up.
func (h *harness) pass() error { return h.Pass(h.t, h.conn, 10000) }

// work is a mix of issues the user touched in every way, and some she did not.
func work(me string) (issues []*jiratest.Issue, want map[string][]connectors.Role) {
	want = map[string][]connectors.Role{}
	at := func(d int) time.Time { return t0.Add(time.Duration(d) * 24 * time.Hour) }
	add := func(is *jiratest.Issue, roles ...connectors.Role) {
		issues = append(issues, is)
		if roles != nil {
			want["jira:"+is.Key] = roles
		}
	}
	// Reported and resolved, not assigned at first: initiative.
	add(&jiratest.Issue{Key: "PAY-1", Project: "PAY", Type: "Bug", Summary: "Refund rounding", Status: "Done", StatusCategory: "done", Resolution: "Fixed",
		Reporter: me, Assignee: me, Created: at(3), Updated: at(5), ResolutionDate: at(5),
		History: []jiratest.Change{{Author: me, Created: at(4), Items: []jiratest.ChangeItem{{Field: "assignee", To: me, ToString: "Alice"}}},
			{Author: me, Created: at(5), Items: []jiratest.ChangeItem{{Field: "status", FromString: "Open", ToString: "Done"}, {Field: "resolution", ToString: "Fixed"}}}}},
		connectors.RoleAssignee, connectors.RoleReporter, connectors.RoleResolver, connectors.RoleTransitioner)
	// Commented, the user's comment beyond the embedded page.
	var cs []jiratest.Comment
	for i := 0; i < 12; i++ {
		cs = append(cs, jiratest.Comment{Author: "carol", Body: "note", Created: at(10).Add(time.Duration(i) * time.Hour)})
	}
	cs[9].Author = me
	add(&jiratest.Issue{Key: "PAY-2", Project: "PAY", Type: "Story", Summary: "Idempotency", Status: "In Progress", StatusCategory: "indeterminate",
		Reporter: "carol", Assignee: "dave", Created: at(9), Updated: at(11), Comments: cs, StoryPoints: 5}, connectors.RoleCommenter)
	// Transitioned, the user's transition beyond the embedded changelog.
	var hs []jiratest.Change
	for i := 0; i < 9; i++ {
		hs = append(hs, jiratest.Change{Author: "erin", Created: at(20).Add(time.Duration(i) * time.Hour), Items: []jiratest.ChangeItem{{Field: "labels", ToString: "x"}}})
	}
	hs[8] = jiratest.Change{Author: me, Created: at(21), Items: []jiratest.ChangeItem{{Field: "status", FromString: "Blocked", ToString: "In Review"}}}
	add(&jiratest.Issue{Key: "SRCH-9", Project: "SRCH", Type: "Epic", Summary: "Typeahead v2", Status: "In Review", StatusCategory: "indeterminate",
		Reporter: "erin", Assignee: "erin", Created: at(19), Updated: at(21), History: hs}, connectors.RoleTransitioner)
	// Assigned (by someone else), not yet resolved.
	add(&jiratest.Issue{Key: "PLAT-3", Project: "PLAT", Type: "Task", Summary: "Rotate certs", Status: "Open", StatusCategory: "new",
		Reporter: "bob", Assignee: me, Created: at(30), Updated: at(31)}, connectors.RoleAssignee)
	// Watching only: a candidate, but no role.
	add(&jiratest.Issue{Key: "PAY-4", Project: "PAY", Type: "Bug", Summary: "Watched", Status: "Open", StatusCategory: "new",
		Reporter: "carol", Created: at(40), Updated: at(41), Watchers: []string{me}})
	// Not involved at all.
	add(&jiratest.Issue{Key: "OPS-5", Project: "OPS", Type: "Incident", Summary: "Not hers", Status: "Done", StatusCategory: "done",
		Reporter: "zed", Assignee: "zed", Created: at(50), Updated: at(51)})
	// Updated before since: out of range.
	add(&jiratest.Issue{Key: "PAY-0", Project: "PAY", Type: "Bug", Summary: "Old", Status: "Done", Reporter: me, Created: t0.Add(-90 * 24 * time.Hour), Updated: t0.Add(-24 * time.Hour)})
	// A burst: 20 issues the user reported in the same minute (more than a page).
	for i := 0; i < 20; i++ {
		add(&jiratest.Issue{Key: fmt.Sprintf("PLAT-%d", 100+i), Project: "PLAT", Type: "Task", Summary: "Burst", Status: "Open", StatusCategory: "new",
			Reporter: me, Created: at(60), Updated: at(60).Add(time.Duration(i) * time.Second)}, connectors.RoleReporter)
	}
	return issues, want
}

func checkComplete(t *testing.T, h *harness, want map[string][]connectors.Role) {
	t.Helper()
	if len(h.Got) != len(want) {
		var keys []string
		for k := range h.Got {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		t.Errorf("got %d issues %v, want %d", len(h.Got), keys, len(want))
	}
	for k, roles := range want {
		a, ok := h.Got[k]
		if !ok {
			t.Errorf("missing %s", k)
			continue
		}
		if !slices.Equal(a.Roles, roles) {
			t.Errorf("%s: roles %v, want %v", k, a.Roles, roles)
		}
	}
}

func TestFetch_BothDeploymentsFindEveryIssueTheUserTouchedAndNoOther(t *testing.T) {
	for _, d := range []struct{ deployment, me string }{{jiratest.Cloud, "5b10ac8d82e05b22cc7d4ef5"}, {jiratest.DataCenter, "alice"}} {
		t.Run(d.deployment, func(t *testing.T) {
			issues, want := work(d.me)
			h := newHarness(t, d.deployment, d.me, issues, nil)
			if err := h.pass(); err != nil {
				t.Fatal(err)
			}
			checkComplete(t, h, want)
			p1 := h.Got["jira:PAY-1"]
			if p1.Activity.IssueType != "Bug" || p1.Activity.Resolution != "Fixed" || p1.Activity.InitialAssignee != "" ||
				!strings.HasSuffix(p1.URL, "/browse/PAY-1") || p1.Container != "PAY" || p1.Title != "Refund rounding" {
				t.Errorf("PAY-1 facts: %+v", p1)
			}
			p2 := h.Got["jira:PAY-2"]
			if p2.Activity.Comments != 1 || p2.Activity.StoryPoints != 5 || len(p2.Counterparts) != 2 {
				t.Errorf("PAY-2: comments %d points %v counterparts %v", p2.Activity.Comments, p2.Activity.StoryPoints, p2.Counterparts)
			}
			hits := h.fake.Hits()
			if hits["comment"] == 0 || (d.deployment == jiratest.Cloud && hits["changelog"] == 0) || (d.deployment == jiratest.DataCenter && hits["issue"] == 0) {
				t.Errorf("pages beyond the embedded ones were not fetched: %v", hits)
			}
			// Idempotent: a second pass delivers nothing new.
			h.Ingested = 0
			if err := h.pass(); err != nil {
				t.Fatal(err)
			}
			if h.Ingested != 0 {
				t.Errorf("second pass delivered %d issues again", h.Ingested)
			}
		})
	}
}

func TestFetch_ProjectsLimitTheSearch(t *testing.T) {
	issues, want := work("alice")
	h := newHarness(t, jiratest.DataCenter, "alice", issues, func(c *Config) { c.Projects = []string{"PAY"} })
	if err := h.pass(); err != nil {
		t.Fatal(err)
	}
	for k := range want {
		if !strings.HasPrefix(k, "jira:PAY-") {
			delete(want, k)
		}
	}
	checkComplete(t, h, want)
}

// JQL dates are read in the user's profile time zone. West of UTC, a cursor
// formatted in UTC would be read hours later than meant, and the issues
// updated in between would be lost.
func TestFetch_TimeZoneBoundary(t *testing.T) {
	me := "alice"
	first := time.Date(2026, 3, 4, 13, 5, 0, 0, time.UTC)
	issues := []*jiratest.Issue{{Key: "PAY-1", Project: "PAY", Type: "Task", Summary: "a", Status: "Open", Reporter: me, Created: first, Updated: first}}
	h := newHarness(t, jiratest.DataCenter, me, issues, func(c *Config) { c.Since = first.Add(-24 * time.Hour) })
	h.fake.TimeZone = "America/Los_Angeles"
	h.clock.Advance(first.Add(time.Hour).Sub(h.clock.Now())) // the first pass runs just after PAY-1's update
	if err := h.pass(); err != nil {
		t.Fatal(err)
	}
	// Two hours later in UTC, still hours "before" the same wall time in Los Angeles.
	later := first.Add(2 * time.Hour)
	h.clock.Advance(2 * time.Hour)
	h.fake.Add(&jiratest.Issue{Key: "PAY-2", Project: "PAY", Type: "Task", Summary: "b", Status: "Open", Reporter: me, Created: later, Updated: later})
	if err := h.pass(); err != nil {
		t.Fatal(err)
	}
	if _, ok := h.Got["jira:PAY-2"]; !ok {
		t.Error("an issue updated after the cursor, across the time-zone boundary, was missed")
	}
}

func TestFetch_ResumesAfterAFailureInTheMiddle(t *testing.T) {
	issues, want := work("alice")
	h := newHarness(t, jiratest.Cloud, "alice", issues, nil)
	h.fake.Inject(jiratest.Fault{Path: "/issue/SRCH-9/changelog", Status: 500, Body: `{"errorMessages":["Internal server error"]}`, Times: 5})
	err := h.pass()
	if err == nil || !strings.Contains(err.Error(), "500") {
		t.Fatalf("want the 500 to end the pass, got %v", err)
	}
	kept := len(h.Got)
	if kept == 0 {
		t.Error("nothing read before the failure was kept")
	}
	if err := h.pass(); err != nil {
		t.Fatal(err)
	}
	checkComplete(t, h, want)
}

func TestFetch_WaitsOn429RetryAfter(t *testing.T) {
	issues, want := work("alice")
	h := newHarness(t, jiratest.Cloud, "alice", issues, nil)
	h.fake.Inject(jiratest.Fault{Path: "/search/jql", Status: 429, Headers: map[string]string{"Retry-After": "17"}, Body: `{"errorMessages":["Rate limit exceeded."]}`})
	h.fake.Inject(jiratest.Fault{Path: "/comment", Status: 503, Body: "unavailable"})
	if err := h.pass(); err != nil {
		t.Fatal(err)
	}
	checkComplete(t, h, want)
	if !slices.Contains(h.clock.Sleeps(), 17*time.Second) {
		t.Errorf("no wait of Retry-After 17s in %v", h.clock.Sleeps())
	}
}

func TestFetch_RejectedCredentialsNameTheDeploymentAndAuthKind(t *testing.T) {
	for _, tc := range []struct{ deployment, want string }{
		{jiratest.Cloud, "Jira Cloud rejected the email and API token (basic auth) from $EVIDENT_TEST_JIRA_TOKEN (401 "},
		{jiratest.DataCenter, "Jira Server/Data Center rejected the personal access token (bearer) from $EVIDENT_TEST_JIRA_TOKEN (401 "},
	} {
		h := newHarness(t, tc.deployment, "alice", nil, nil)
		h.fake.Token = "another"
		err := h.pass()
		if !errors.Is(err, connectors.ErrAuth) || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%s: %v\nwant prefix %q", tc.deployment, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "jira-secret-token") {
			t.Error("the token leaked")
		}
	}
}

func TestFetch_WrongDeploymentIsExplained(t *testing.T) {
	h := newHarness(t, jiratest.DataCenter, "alice", nil, nil)
	// A Cloud site configured as server: its old search API is gone.
	h.fake.Inject(jiratest.Fault{Path: "/rest/api/2/search", Status: 410, Body: `{"errorMessages":["The requested API has been removed."]}`})
	err := h.pass()
	if err == nil || !strings.Contains(err.Error(), "set deployment: cloud") {
		t.Fatalf("got %v, want advice to set deployment: cloud", err)
	}
}

// A Jira whose JQL lacks WAS, CHANGED BY or watcher refuses the involvement
// query with 400: the connector then selects by update time and still finds
// exactly the user's issues from their comments and changelog.
func TestFetch_FallsBackToUpdateTimeWhenJQLIsRefused(t *testing.T) {
	issues, want := work("alice")
	h := newHarness(t, jiratest.DataCenter, "alice", issues, nil)
	h.fake.Inject(jiratest.Fault{Path: "/rest/api/2/search", Status: 400,
		Body: `{"errorMessages":["Error in the JQL Query: The operator 'WAS' is not supported by the 'assignee' field."],"errors":{}}`})
	if err := h.pass(); err != nil {
		t.Fatal(err)
	}
	checkComplete(t, h, want)
}

func TestFetch_AMalformedBodyFailsThePageAndTheNextPassRecovers(t *testing.T) {
	issues, want := work("alice")
	h := newHarness(t, jiratest.Cloud, "alice", issues, nil)
	h.fake.Inject(jiratest.Fault{Path: "/search/jql", Status: 200, Body: `{"issues": [{"key": "PAY-1", "fields": {"updated": `})
	err := h.pass()
	if err == nil || !strings.Contains(err.Error(), "malformed") {
		t.Fatalf("want a malformed-response error, got %v", err)
	}
	if err := h.pass(); err != nil {
		t.Fatal(err)
	}
	checkComplete(t, h, want)
}

func TestFetch_AJiraWithoutMyselfIsReadInUTC(t *testing.T) {
	issues, want := work("alice")
	h := newHarness(t, jiratest.DataCenter, "alice", issues, nil)
	h.fake.Inject(jiratest.Fault{Path: "/myself", Status: 404, Body: `{"errorMessages":["null for uri"]}`})
	if err := h.pass(); err != nil {
		t.Fatal(err)
	}
	checkComplete(t, h, want)
}

func TestFetch_CloudFindsIssuesTheUserOnlyCommentedOnWithoutWatching(t *testing.T) {
	at := t0.Add(30 * 24 * time.Hour)
	for _, d := range []struct {
		deployment, me string
		found          bool
	}{{jiratest.Cloud, "5b10ac8d82e05b22cc7d4ef5", true}, {jiratest.DataCenter, "alice", false}} {
		t.Run(d.deployment, func(t *testing.T) {
			quiet := &jiratest.Issue{Key: "OPS-9", Project: "OPS", Type: "Task", Summary: "Noisy alerts", Status: "Open", StatusCategory: "new",
				Reporter: "someone", Created: at, Updated: at.Add(2 * time.Hour),
				Comments:  []jiratest.Comment{{Author: d.me, Body: "This alert fires on every deploy; see the runbook.", Created: at.Add(time.Hour)}},
				Unwatched: []string{d.me}}
			h := newHarness(t, d.deployment, d.me, []*jiratest.Issue{quiet}, nil)
			if err := h.pass(); err != nil {
				t.Fatal(err)
			}
			a, ok := h.Got["jira:OPS-9"]
			if ok != d.found {
				t.Fatalf("found %v, want %v (Server/DC has no updatedBy: a documented limit)", ok, d.found)
			}
			if ok && (!a.HasRole(connectors.RoleCommenter) || !a.OccurredAt.Equal(at.Add(time.Hour))) {
				t.Errorf("roles %v at %v", a.Roles, a.OccurredAt)
			}
		})
	}
}

func TestFetch_AFutureUpdatedTimeNeverMovesTheCursorPastThePresent(t *testing.T) {
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC) // the harness clock
	me := "5b10ac8d82e05b22cc7d4ef5"
	skewed := &jiratest.Issue{Key: "PAY-7", Project: "PAY", Type: "Bug", Summary: "Skewed", Status: "Open", StatusCategory: "new",
		Reporter: me, Created: now.Add(-time.Hour), Updated: now.AddDate(2, 0, 0)}
	h := newHarness(t, jiratest.Cloud, me, []*jiratest.Issue{skewed}, nil)
	if err := h.pass(); err != nil {
		t.Fatal(err)
	}
	if _, ok := h.Got["jira:PAY-7"]; !ok {
		t.Fatal("the skewed issue itself is kept")
	}
	h.clock.Advance(2 * time.Hour)
	later := now.Add(time.Hour)
	h.fake.Add(&jiratest.Issue{Key: "PAY-8", Project: "PAY", Type: "Bug", Summary: "Real", Status: "Open", StatusCategory: "new",
		Reporter: me, Created: later, Updated: later})
	if err := h.pass(); err != nil {
		t.Fatal(err)
	}
	if _, ok := h.Got["jira:PAY-8"]; !ok {
		t.Error("activity after a future updated time was hidden by the cursor")
	}
}

func TestFetch_PriorityAndLinksComeWithTheSearch(t *testing.T) {
	me := "5b10ac8d82e05b22cc7d4ef5"
	at := t0.Add(40 * 24 * time.Hour)
	is := &jiratest.Issue{Key: "OPS-3", Project: "OPS", Type: "Incident", Summary: "Checkout down", Status: "Done", StatusCategory: "done",
		Resolution: "Fixed", Reporter: me, Created: at, Updated: at.Add(30 * time.Hour), ResolutionDate: at.Add(30 * time.Hour),
		Priority: "Highest", Links: []string{"PAY-1", "PAY-2"}}
	h := newHarness(t, jiratest.Cloud, me, []*jiratest.Issue{is}, nil)
	if err := h.pass(); err != nil {
		t.Fatal(err)
	}
	a := h.Got["jira:OPS-3"]
	if a.Activity.Priority != "Highest" || a.Activity.Links != 2 {
		t.Errorf("priority %q links %d", a.Activity.Priority, a.Activity.Links)
	}
	if hits := h.fake.Hits(); hits["issue"]+hits["remotelink"] > 0 {
		t.Errorf("requests %v: priority and links must come with the search, not by themselves", hits)
	}
}

func TestFetch_RemoteLinksAreReadOnlyWhenAsked(t *testing.T) {
	me := "5b10ac8d82e05b22cc7d4ef5"
	at := t0.Add(50 * 24 * time.Hour)
	mk := func() *jiratest.Issue {
		return &jiratest.Issue{Key: "PAY-117", Project: "PAY", Type: "Epic", Summary: "Ledger", Status: "Open", StatusCategory: "new",
			Reporter: me, Created: at, Updated: at, RemoteLinks: []string{"https://github.com/acme/ledger/pull/812", "https://example.com/elsewhere"}}
	}
	for _, on := range []bool{false, true} {
		h := newHarness(t, jiratest.Cloud, me, []*jiratest.Issue{mk()}, func(c *Config) { c.RemoteLinks = on })
		if err := h.pass(); err != nil {
			t.Fatal(err)
		}
		refs := h.Got["jira:PAY-117"].Activity.Refs
		hits := h.fake.Hits()["remotelink"]
		if on && (!slices.Equal(refs, []string{"github:acme/ledger#812"}) || hits != 1) {
			t.Errorf("remote_links on: refs %q, %d requests", refs, hits)
		}
		if !on && (len(refs) != 0 || hits != 0) {
			t.Errorf("remote_links off: refs %q, %d requests", refs, hits)
		}
	}
}

// Without me.jira the connector asks Jira who the credentials belong to
// (/myself) and finds the same issues as with it, on both deployments.
func TestFetch_WithoutMeJiraTheCredentialsSayWhoTheUserIs(t *testing.T) {
	for _, d := range []struct{ deployment, me string }{{jiratest.Cloud, "5b10ac8d82e05b22cc7d4ef5"}, {jiratest.DataCenter, "alice"}} {
		t.Run(d.deployment, func(t *testing.T) {
			issues, want := work(d.me)
			h := newHarness(t, d.deployment, d.me, issues, func(c *Config) { c.User = "" })
			if err := h.pass(); err != nil {
				t.Fatal(err)
			}
			checkComplete(t, h, want)
			if h.fake.Hits()["myself"] == 0 {
				t.Errorf("never asked /myself: %v", h.fake.Hits())
			}
		})
	}
}

// The newest-first backfill finds an unwatched issue the user only
// commented on, whose last update (by others) lies two windows after the
// comment: a backward window's updatedBy reaches back to the backfill's
// start, not to the window's.
func TestFetch_ABackwardWindowFindsACommentOlderThanItself(t *testing.T) {
	me := "5b10ac8d82e05b22cc7d4ef5"
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC) // the harness clock
	commented, updated := now.AddDate(0, 0, -70), now.AddDate(0, 0, -20)
	quiet := &jiratest.Issue{Key: "OPS-12", Project: "OPS", Type: "Task", Summary: "Flaky deploys", Status: "Open", StatusCategory: "new",
		Reporter: "someone", Created: commented.Add(-time.Hour), Updated: updated,
		Comments:  []jiratest.Comment{{Author: me, Body: "The canary step races the health check.", Created: commented}, {Author: "bob", Body: "Still flaky.", Created: updated}},
		Unwatched: []string{me}}
	h := newHarness(t, jiratest.Cloud, me, []*jiratest.Issue{quiet}, nil)
	if err := h.pass(); err != nil {
		t.Fatal(err)
	}
	a, ok := h.Got["jira:OPS-12"]
	if !ok || !a.HasRole(connectors.RoleCommenter) || !a.OccurredAt.Equal(commented) {
		t.Errorf("the comment-only issue: found %v, %+v", ok, a)
	}
}

// A cursor written before the window engine (version 2, between passes) is
// read where it stood: the next pass starts at its high-water mark, not at
// since, and reads nothing again.
func TestFetch_AVersion2CursorResumesWhereItStood(t *testing.T) {
	issues, _ := work("alice")
	h := newHarness(t, jiratest.DataCenter, "alice", issues, nil)
	now := h.clock.Now()
	v2 := fmt.Sprintf(`{"v":2,"in_pass":false,"from":%q,"hw":%q,"tz":"UTC","points_field":"-","low":%q,"forward":%q}`,
		now.Format(time.RFC3339), now.Format(time.RFC3339), t0.Format(time.RFC3339), now.Format(time.RFC3339))
	h.Cursor = connectors.Cursor(v2)
	if err := h.pass(); err != nil {
		t.Fatal(err)
	}
	if h.Ingested != 0 {
		t.Errorf("the upgraded cursor read %d issues again; want none (everything up to its high-water mark was read)", h.Ingested)
	}
	// A cursor of no known version starts over and reads everything.
	h2 := newHarness(t, jiratest.DataCenter, "alice", issues, nil)
	h2.Cursor = connectors.Cursor(`{"v":99}`)
	if err := h2.pass(); err != nil || h2.Ingested == 0 {
		t.Errorf("an unknown cursor: %v, %d issues", err, h2.Ingested)
	}
}
