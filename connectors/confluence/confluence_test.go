package confluence

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/evident-sync/evident/connectors/passtest"

	"github.com/evident-sync/evident/classify"
	"github.com/evident-sync/evident/config"
	"github.com/evident-sync/evident/config/credentials"
	"github.com/evident-sync/evident/connectors"
	"github.com/evident-sync/evident/connectors/confluence/confluencetest"
	"github.com/evident-sync/evident/connectors/connectorstest"
)

var since = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func day(m time.Month, d, h int) time.Time { return time.Date(2026, m, d, h, 0, 0, 0, time.UTC) }

// people are the accounts of the fixture, as each deployment names them.
type people struct{ alice, carol, dave, erin string }

func idsFor(deployment string) people {
	if deployment == confluencetest.Cloud {
		return people{"557058:alice", "557058:carol", "557058:dave", "557058:erin"}
	}
	return people{"alice", "carol", "dave", "erin"}
}

// userRef is how a DACI table names a user in storage format.
func userRef(deployment, id string) string {
	if deployment == confluencetest.Cloud {
		return `<ac:link><ri:user ri:account-id="` + id + `" /></ac:link>`
	}
	return `<ac:link><ri:user ri:userkey="key-` + id + `" /></ac:link>`
}

func daciTable(deployment, status string, rows map[string][]string) string {
	var b strings.Builder
	b.WriteString(`<ac:structured-macro ac:name="details" ac:schema-version="1"><ac:rich-text-body><table><tbody>`)
	for _, head := range []string{"Driver", "Approver", "Contributors"} {
		if ids, ok := rows[head]; ok {
			b.WriteString("<tr><th><p><strong>" + head + "</strong></p></th><td><p>")
			for _, id := range ids {
				b.WriteString(userRef(deployment, id))
			}
			b.WriteString("</p></td></tr>")
		}
	}
	if status != "" {
		b.WriteString(`<tr><th><p>Status</p></th><td><p><ac:structured-macro ac:name="status"><ac:parameter ac:name="title">` + status + `</ac:parameter><ac:parameter ac:name="colour">Yellow</ac:parameter></ac:structured-macro></p></td></tr>`)
	}
	b.WriteString("</tbody></table></ac:rich-text-body></ac:structured-macro>")
	return b.String()
}

// fixture is a Confluence with design work of every kind, and pages that
// must not count: outside the spaces, without the labels, or touched by
// the user only before since.
func fixture(deployment string) ([]*confluencetest.Page, map[string][]connectors.Role, people) {
	u := idsFor(deployment)
	pages := []*confluencetest.Page{
		// Edited by the user between others' edits: author, dated by her edit.
		{ID: "1001", Space: "PAY", Title: "RFC: Idempotent refunds", Labels: []string{"rfc"},
			Versions: []confluencetest.Version{{By: u.carol, When: day(3, 1, 9)}, {By: u.alice, When: day(3, 5, 14)}, {By: u.carol, When: day(6, 1, 9)}},
			Body:     "<p>Tracks PAY-117.</p>"},
		// Created by the user, she drives it; Erin approves.
		{ID: "1002", Space: "ARCH", Title: "Design: one event bus", Labels: []string{"design"},
			Versions: []confluencetest.Version{{By: u.alice, When: day(4, 10, 10)}},
			Body:     daciTable(deployment, "IN PROGRESS", map[string][]string{"Driver": {u.alice}, "Approver": {u.erin}, "Contributors": {u.dave}})},
		// Commented on only (footer and inline): reviewer, dated by her last comment.
		{ID: "1003", Space: "SRCH", Title: "RFC: Ranking v2", Labels: []string{"rfc"},
			Versions: []confluencetest.Version{{By: u.erin, When: day(2, 1, 9)}, {By: u.erin, When: day(9, 1, 9)}},
			Comments: []confluencetest.Comment{{ID: "c1", By: u.alice, When: day(2, 3, 11)}, {ID: "c2", By: u.alice, When: day(2, 4, 16), Location: "inline"}, {ID: "c3", By: u.erin, When: day(2, 5, 9)}}},
		// Named Approver in the DACI table, nothing else: approver.
		{ID: "1004", Space: "PAY", Title: "ADR: ledger retention", Labels: []string{"adr"},
			Versions: []confluencetest.Version{{By: u.dave, When: day(5, 1, 9)}},
			Body:     daciTable(deployment, "DECIDED", map[string][]string{"Driver": {u.dave}, "Approver": {u.alice}})},
		// Outside the configured spaces.
		{ID: "1005", Space: "MKT", Title: "RFC: launch plan", Labels: []string{"rfc"}, Versions: []confluencetest.Version{{By: u.alice, When: day(3, 3, 9)}}},
		// Without a configured label.
		{ID: "1006", Space: "PAY", Title: "Meeting notes", Labels: []string{"meeting-notes"}, Versions: []confluencetest.Version{{By: u.alice, When: day(3, 3, 9)}}},
		// Her part is older than since; Carol edited it lately.
		{ID: "1007", Space: "PAY", Title: "RFC: old refunds", Labels: []string{"rfc"},
			Versions: []confluencetest.Version{{By: u.alice, When: time.Date(2025, 10, 1, 9, 0, 0, 0, time.UTC)}, {By: u.carol, When: day(7, 1, 9)}}},
		// Not hers at all.
		{ID: "1008", Space: "PAY", Title: "RFC: someone else's", Labels: []string{"rfc"}, Versions: []confluencetest.Version{{By: u.carol, When: day(8, 1, 9)}},
			Comments: []confluencetest.Comment{{ID: "c9", By: u.dave, When: day(8, 2, 9)}}},
	}
	want := map[string][]connectors.Role{
		"rfc:wiki:1001": {connectors.RoleAuthor},
		"rfc:wiki:1002": {connectors.RoleAuthor},
		"rfc:wiki:1003": {connectors.RoleReviewer},
		"rfc:wiki:1004": {connectors.RoleApprover},
	}
	// More pages than a search page holds, most of them in one minute, so
	// both narrowing and paging inside a minute run.
	for i := range 40 {
		at := day(8, 3, 10).Add(time.Duration(i%4) * 20 * time.Second)
		if i >= 30 {
			at = day(8, 3, 12).Add(time.Duration(i) * time.Hour)
		}
		id := fmt.Sprintf("2%03d", i)
		pages = append(pages, &confluencetest.Page{ID: id, Space: "ENG", Title: fmt.Sprintf("Design %d", i), Labels: []string{"design"},
			Versions: []confluencetest.Version{{By: u.alice, When: at}}})
		want["rfc:wiki:"+id] = []connectors.Role{connectors.RoleAuthor}
	}
	return pages, want, u
}

type harness struct {
	*passtest.Sink
	t     *testing.T
	fake  *confluencetest.Server
	clock *connectorstest.Clock
	conn  *Connector
	cfg   Config
}

func newHarness(t *testing.T, deployment string, pages []*confluencetest.Page, tweak func(*Config)) *harness {
	t.Helper()
	clock := connectorstest.NewClock(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	u := idsFor(deployment)
	me := confluencetest.User{AccountID: u.alice, Username: u.alice, UserKey: "key-" + u.alice, DisplayName: "Alice Chen"}
	fake := confluencetest.New(deployment, me, clock)
	for _, id := range []string{u.carol, u.dave, u.erin} {
		fake.Users = append(fake.Users, confluencetest.User{AccountID: id, Username: id, UserKey: "key-" + id, DisplayName: id})
	}
	fake.Email, fake.Token = "alice@acme.example", "confluence-secret-token"
	fake.Add(pages...)
	srv := httptest.NewServer(fake.Handler())
	t.Cleanup(srv.Close)
	t.Setenv("EVIDENT_TEST_CONFLUENCE_TOKEN", "confluence-secret-token")
	base := srv.URL + "/"
	if deployment == confluencetest.Cloud {
		base = srv.URL + "/wiki/"
	}
	cfg := Config{Name: "wiki", BaseURL: base, Deployment: deployment, Email: "alice@acme.example",
		Token:  credentials.TokenSource{Env: "EVIDENT_TEST_CONFLUENCE_TOKEN"},
		Spaces: []string{"PAY", "ARCH", "SRCH", "ENG"}, Labels: []string{"rfc", "design", "adr"}, Since: since, Clock: clock}
	if tweak != nil {
		tweak(&cfg)
	}
	conn, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &harness{Sink: passtest.NewSink(nil), t: t, fake: fake, clock: clock, conn: conn, cfg: cfg}
}

func (h *harness) pass() error { return h.Pass(h.t, h.conn, 1000) }

var deployments = []string{confluencetest.Cloud, confluencetest.DataCenter}

// Every design page the user created, edited, commented on or approved in
// the spaces and labels, and none other; each with its role and dated by
// the user's own activity.
func TestFetch_EveryDesignDocTheUserTouchedAndNoneElse(t *testing.T) {
	for _, dep := range deployments {
		t.Run(dep, func(t *testing.T) {
			pages, want, u := fixture(dep)
			h := newHarness(t, dep, pages, nil)
			if err := h.pass(); err != nil {
				t.Fatal(err)
			}
			var got, wantKeys []string
			for k := range h.Got {
				got = append(got, k)
			}
			for k := range want {
				wantKeys = append(wantKeys, k)
			}
			slices.Sort(got)
			slices.Sort(wantKeys)
			if !slices.Equal(got, wantKeys) {
				t.Fatalf("got %d documents %v\nwant %d %v", len(got), got, len(wantKeys), wantKeys)
			}
			for k, roles := range want {
				if a := h.Got[k]; !slices.Equal(a.Roles, roles) || a.Kind != connectors.KindRFC || a.SourceType != "confluence" {
					t.Errorf("%s: kind %s roles %v, want %v", k, a.Kind, a.Roles, roles)
				}
			}
			r := h.Got["rfc:wiki:1001"]
			if !r.OccurredAt.Equal(day(3, 5, 14)) || r.Container != "PAY" || !strings.HasSuffix(r.URL, "/spaces/PAY/pages/1001") || !slices.Contains(r.Activity.Refs, "jira:PAY-117") {
				t.Errorf("edited page: dated %v (want her edit, not Carol's later one), container %s, url %s, refs %v", r.OccurredAt, r.Container, r.URL, r.Activity.Refs)
			}
			if !slices.ContainsFunc(r.Counterparts, func(i connectors.Identity) bool { return i.ID == u.carol && i.Role == connectors.RoleAuthor }) {
				t.Errorf("the other author is not a counterpart: %v", r.Counterparts)
			}
			c := h.Got["rfc:wiki:1003"]
			if !c.OccurredAt.Equal(day(2, 4, 16)) || c.Activity.Comments != 2 || len(c.Activity.Rounds) != 2 {
				t.Errorf("commented page: dated %v, %d comments, rounds %v", c.OccurredAt, c.Activity.Comments, c.Activity.Rounds)
			}
			d := h.Got["rfc:wiki:1002"]
			if d.Activity.State != "in progress" || !slices.ContainsFunc(d.Counterparts, func(i connectors.Identity) bool { return i.Role == connectors.RoleApprover }) {
				t.Errorf("DACI page: status %q, counterparts %v", d.Activity.State, d.Counterparts)
			}
			if a := h.Got["rfc:wiki:1004"]; !a.OccurredAt.Equal(day(5, 1, 9)) || a.Activity.State != "decided" {
				t.Errorf("approved page: dated %v, status %q", a.OccurredAt, a.Activity.State)
			}
			if h.Ingested != len(want) {
				t.Errorf("%d delivered for %d documents: some came twice", h.Ingested, len(want))
			}
		})
	}
}

// A second pass delivers nothing; a comment added after the sync is found
// by the next one.
func TestFetch_IdempotentAndANewCommentIsFoundNext(t *testing.T) {
	for _, dep := range deployments {
		t.Run(dep, func(t *testing.T) {
			pages, _, u := fixture(dep)
			h := newHarness(t, dep, pages, nil)
			if err := h.pass(); err != nil {
				t.Fatal(err)
			}
			h.Ingested = 0
			h.clock.Advance(time.Hour)
			h.fake.ResetHits()
			if err := h.pass(); err != nil || h.Ingested != 0 {
				t.Fatalf("second pass: %d delivered again, %v", h.Ingested, err)
			}
			if n := h.fake.Hits()["content"]; n != 0 {
				t.Errorf("a quiet pass read %d pages", n)
			}
			h.clock.Advance(time.Hour)
			h.fake.Update("1008", func(p *confluencetest.Page) {
				p.Comments = append(p.Comments, confluencetest.Comment{ID: "c10", By: u.alice, When: h.clock.Now().Add(-time.Minute)})
			})
			if err := h.pass(); err != nil {
				t.Fatal(err)
			}
			if a, ok := h.Got["rfc:wiki:1008"]; !ok || !slices.Equal(a.Roles, []connectors.Role{connectors.RoleReviewer}) {
				t.Errorf("the new comment's page: %v %v", ok, a.Roles)
			}
		})
	}
}

// A failure mid-backfill keeps what was read; the next pass resumes after
// it, with nothing lost and nothing delivered twice.
func TestFetch_ResumesAfterAFailureMidBackfill(t *testing.T) {
	pages, want, _ := fixture(confluencetest.Cloud)
	h := newHarness(t, confluencetest.Cloud, pages, nil)
	h.fake.Inject(connectorstest.Fault{Path: "/content/2010", Status: 502, Body: `{"statusCode":502,"message":"bad gateway"}`, Times: 5})
	err := h.pass()
	if err == nil || !strings.Contains(err.Error(), "502") {
		t.Fatalf("want the 502 to end the pass, got %v", err)
	}
	partial := h.Ingested
	if partial == 0 || partial >= len(want) {
		t.Fatalf("before the failure %d documents were kept", partial)
	}
	if err := h.pass(); err != nil {
		t.Fatal(err)
	}
	if len(h.Got) != len(want) || h.Ingested != len(want) {
		t.Errorf("after the resume %d documents (%d delivered), want %d once each", len(h.Got), h.Ingested, len(want))
	}
}

// A 429 is waited out as Retry-After says; a refused credential is one
// sentence naming the deployment and the kind of credential, never the
// token.
func TestFetch_RateLimitAndRefusedCredentials(t *testing.T) {
	pages, want, _ := fixture(confluencetest.Cloud)
	h := newHarness(t, confluencetest.Cloud, pages, nil)
	h.fake.Inject(connectorstest.Fault{Path: "/content/search", Status: 429, Body: `{"statusCode":429,"message":"Rate limit exceeded"}`, Headers: map[string]string{"Retry-After": "7"}})
	if err := h.pass(); err != nil || len(h.Got) != len(want) {
		t.Fatalf("after a 429: %d documents, %v", len(h.Got), err)
	}
	if !slices.Contains(h.clock.Sleeps(), 7*time.Second) {
		t.Errorf("waits %v, want the 7s Retry-After", h.clock.Sleeps())
	}
	for _, c := range []struct{ dep, want string }{
		{confluencetest.Cloud, "Confluence Cloud rejected the email and API token (basic auth) from $EVIDENT_TEST_CONFLUENCE_TOKEN (401"},
		{confluencetest.DataCenter, "Confluence Data Center rejected the personal access token (bearer) from $EVIDENT_TEST_CONFLUENCE_TOKEN (401"},
	} {
		h := newHarness(t, c.dep, pages, nil)
		h.fake.Token = "rotated"
		err := h.pass()
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "confluence-secret-token") || !errorsIsAuth(err) {
			t.Errorf("%s: %v", c.dep, err)
		}
	}
}

func errorsIsAuth(err error) bool { return errors.Is(err, connectors.ErrAuth) }

// The user is learnt from /rest/api/user/current when the config does
// not name her.
func TestFetch_LearnsTheUserFromTheCurrentUser(t *testing.T) {
	for _, dep := range deployments {
		pages, want, _ := fixture(dep)
		h := newHarness(t, dep, pages, nil)
		if err := h.pass(); err != nil || len(h.Got) != len(want) {
			t.Errorf("%s: %d documents, %v", dep, len(h.Got), err)
		}
		if h.fake.Hits()["user"] != 1 {
			t.Errorf("%s: user/current asked %d times, want once", dep, h.fake.Hits()["user"])
		}
	}
}

// The backfill goes newest first: the last two weeks' pages come before
// older ones.
func TestFetch_NewestFirst(t *testing.T) {
	pages, _, u := fixture(confluencetest.Cloud)
	pages = append(pages, &confluencetest.Page{ID: "3000", Space: "ENG", Title: "This week's design", Labels: []string{"design"},
		Versions: []confluencetest.Version{{By: u.alice, When: time.Date(2026, 10, 30, 9, 0, 0, 0, time.UTC)}}})
	h := newHarness(t, confluencetest.Cloud, pages, nil)
	page, err := h.conn.Fetch(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Artifacts) != 1 || page.Artifacts[0].Key != "rfc:wiki:3000" || page.Backfill == nil || page.Backfill.To.IsZero() {
		t.Errorf("first page: %d artifacts, backfill %+v; want this week's design alone, the backfill under way", len(page.Artifacts), page.Backfill)
	}
}

// Scope follows rule 3 with Confluence's containers: the space's owning
// team, the other authors, and an org-wide space.
func TestClassify_ScopeFromSpacesAndPeople(t *testing.T) {
	pages, _, _ := fixture(confluencetest.DataCenter)
	h := newHarness(t, confluencetest.DataCenter, pages, nil)
	if err := h.pass(); err != nil {
		t.Fatal(err)
	}
	c, err := config.Parse("c.yaml", []byte(`
me: {name: Alice, jira: alice, teams: [platform]}
org:
  org_wide: {confluence_spaces: [ARCH]}
  teams:
    - {id: platform, name: Platform, members: {jira: [alice]}, confluence_spaces: [ENG]}
    - {id: payments, name: Payments, members: {jira: [carol, dave]}, confluence_spaces: [PAY]}
    - {id: search, name: Search, members: {jira: [bob], confluence: [erin]}, confluence_spaces: [SRCH]}
`), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	org := classify.NewOrg(c)
	for key, want := range map[string]classify.Scope{
		"rfc:wiki:1001": classify.ScopeCrossTeam, // PAY is Payments'; Carol co-wrote it
		"rfc:wiki:1002": classify.ScopeOrg,       // ARCH is org-wide
		"rfc:wiki:1003": classify.ScopeCrossTeam, // Search's RFC, by erin (members.confluence)
		"rfc:wiki:2000": classify.ScopeTeam,      // her own team's space
	} {
		a := h.Got[key]
		a.Source = "wiki"
		r := org.Classify(&a)
		if r.Scope != want {
			t.Errorf("%s: %s (%s), want %s", key, r.Scope, r.ScopeReason, want)
		}
	}
	a := h.Got["rfc:wiki:1003"]
	if r := org.Classify(&a); !strings.Contains(r.ScopeReason, "Confluence space SRCH belongs to Search") || !strings.Contains(r.ScopeReason, "erin") {
		t.Errorf("reason %q", r.ScopeReason)
	}
}

// A Confluence that refuses CQL's mention field, or has no version list,
// is still read: without mentions (said as a problem), and with the
// page's history standing for its versions.
func TestFetch_AStricterConfluenceIsStillRead(t *testing.T) {
	pages, want, _ := fixture(confluencetest.DataCenter)
	h := newHarness(t, confluencetest.DataCenter, pages, nil)
	h.fake.Inject(connectorstest.Fault{Path: "/content/search", Status: 400, Body: `{"statusCode":400,"message":"Could not parse cql : mention"}`})
	h.fake.Inject(connectorstest.Fault{Path: "/content/1001/version", Status: 404, Body: `{"statusCode":404,"message":"No such resource"}`})
	if err := h.pass(); err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(h.Problems, func(p string) bool { return strings.Contains(p, "mention") }) {
		t.Errorf("the refused mention field was not reported: %v", h.Problems)
	}
	// Lost, and only these: the DACI approval (found by mention alone) and
	// the edit between Carol's (the history names only the first and last).
	for k := range want {
		_, ok := h.Got[k]
		if lost := k == "rfc:wiki:1004" || k == "rfc:wiki:1001"; ok == lost {
			t.Errorf("%s: got %v", k, ok)
		}
	}
}

// On Data Center a DACI table names people by user key only: a Driver or
// Approver who appears nowhere else is looked up (GET /rest/api/user?key=)
// once per pass, so their team counts; a key Confluence does not know is
// left unknown and said.
func TestFetch_DataCenterUserKeysInADACITableAreLookedUpOnce(t *testing.T) {
	d := confluencetest.DataCenter
	body := daciTable(d, "DECIDED", map[string][]string{"Driver": {"alice"}, "Approver": {"frank"}}) +
		daciTable(d, "", map[string][]string{"Contributors": {"ghost"}})
	pages := []*confluencetest.Page{
		{ID: "3001", Space: "PAY", Title: "Design: payouts v2", Labels: []string{"design"}, Versions: []confluencetest.Version{{By: "alice", When: day(4, 1, 9)}}, Body: body},
		{ID: "3002", Space: "PAY", Title: "Design: payouts v3", Labels: []string{"design"}, Versions: []confluencetest.Version{{By: "alice", When: day(4, 2, 9)}}, Body: body},
	}
	h := newHarness(t, d, pages, nil)
	h.fake.Users = append(h.fake.Users, confluencetest.User{AccountID: "frank", Username: "frank", UserKey: "key-frank", DisplayName: "Frank Ito"})
	if err := h.pass(); err != nil {
		t.Fatal(err)
	}
	a := h.Got["rfc:wiki:3001"]
	if !slices.ContainsFunc(a.Counterparts, func(c connectors.Identity) bool { return c.ID == "frank" && c.Role == connectors.RoleApprover }) {
		t.Errorf("the approver named by user key only: counterparts %v", a.Counterparts)
	}
	if n := h.fake.Hits()["user-by"]; n != 2 {
		t.Errorf("%d user lookups, want 2 (frank and ghost, once each for both pages)", n)
	}
	if !slices.ContainsFunc(h.Problems, func(p string) bool { return strings.Contains(p, "key-ghost") && strings.Contains(p, "does not know") }) {
		t.Errorf("the unknown key is not said: %v", h.Problems)
	}
}

// A version 1 cursor (before the window engine), between passes, is read
// where it stood: the next pass starts at its high-water marks and reads
// nothing again; the user it learnt is kept (no profile request).
func TestFetch_AVersion1CursorResumesWhereItStood(t *testing.T) {
	pages, _, u := fixture(confluencetest.DataCenter)
	h := newHarness(t, confluencetest.DataCenter, pages, nil)
	now := h.clock.Now().Format(time.RFC3339)
	h.Cursor = connectors.Cursor(fmt.Sprintf(`{"v":1,"in_pass":false,"search":0,"from":%q,"hw":[%q,%q],"user":%q,"user_key":"key-%s","low":%q,"forward":%q}`,
		now, now, now, u.alice, u.alice, since.Format(time.RFC3339), now))
	if err := h.pass(); err != nil {
		t.Fatal(err)
	}
	if hits := h.fake.Hits(); h.Ingested != 0 || hits["content"] != 0 || hits["user"] != 0 {
		t.Errorf("the upgraded cursor read %d pages again (%v); want none, and no profile request", h.Ingested, hits)
	}
}

// The type registers as connectors/all registers it in the program (which
// this package's tests cannot import: all imports this package).
func init() { config.RegisterSource(Type) }
