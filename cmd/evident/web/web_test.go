package web

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/evident-sync/evident/classify"
	"github.com/evident-sync/evident/config"
	"github.com/evident-sync/evident/connectors"
	"github.com/evident-sync/evident/pipeline/localapi"
	"github.com/evident-sync/evident/pipeline/store"
)

var now = time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)

const orgYAML = `
me: {name: Alice Chen, github: alice, teams: [platform]}
org:
  teams:
    - {id: platform, name: Platform, members: {github: [alice, bob]}, repos: ["acme/platform-*"]}
    - {id: payments, name: Payments, members: {github: [carol]}, repos: ["acme/payments-*"]}
    - {id: search, name: Search, members: {github: [erin]}, repos: ["acme/search-*"]}
sources:
  github:
    - {name: github, token_env: EVIDENT_WEB_TEST_TOKEN}
criteria:
  - {id: mentor, text: Mentors engineers on other teams, domain: org-leverage, keywords: [mentoring]}
`

// fixture is a store with reviews for two other teams over three weeks.
func fixture(t testing.TB) (*store.Store, *config.Config) {
	t.Helper()
	c, err := config.Parse("c.yaml", []byte(orgYAML), now)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	org := classify.NewOrg(c)
	var in []store.Ingest
	add := func(repo, author string, n int, at time.Time, states ...string) {
		a := connectors.Artifact{Source: "github", SourceType: "github", Kind: connectors.KindReview, Key: fmt.Sprintf("github:%s#%d", repo, n),
			URL: fmt.Sprintf("https://github.com/%s/pull/%d", repo, n), Title: fmt.Sprintf("Change %d in %s", n, repo), Container: repo,
			Roles: []connectors.Role{connectors.RoleReviewer}, Counterparts: []connectors.Identity{{System: "github", ID: author, Role: connectors.RoleAuthor}},
			OccurredAt: at, UpdatedAt: at}
		for i, s := range states {
			a.Activity.Rounds = append(a.Activity.Rounds, connectors.Round{At: at.Add(time.Duration(i-len(states)+1) * 8 * 24 * time.Hour), State: s})
		}
		a.Activity.Comments = 3
		in = append(in, store.Ingest{Artifact: a, Class: org.Classify(&a)})
	}
	add("acme/payments-api", "carol", 1, now.Add(-48*time.Hour), "CHANGES_REQUESTED", "APPROVED")
	add("acme/payments-api", "carol", 2, now.Add(-10*24*time.Hour), "APPROVED")
	add("acme/search-ui", "erin", 3, now.Add(-3*24*time.Hour), "COMMENTED")
	add("acme/platform-ci", "bob", 4, now.Add(-24*time.Hour), "APPROVED")
	if _, err := st.Commit(context.Background(), "github", in, nil); err != nil {
		t.Fatal(err)
	}
	return st, c
}

func newServer(t testing.TB) (*Server, *store.Store, *httptest.Server) {
	return newServerWith(t, nil)
}

// newServerWith is newServer behind the login token of tf (nil: none).
func newServerWith(t testing.TB, tf *TokenFile) (*Server, *store.Store, *httptest.Server) {
	st, c := fixture(t)
	srv := httptest.NewUnstartedServer(nil)
	s, err := New(Options{Backend: st, Config: c, Access: Access{Addr: srv.Listener.Addr().String(), Token: tf}, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = s
	srv.Start()
	t.Cleanup(srv.Close)
	return s, st, srv
}

func get(t *testing.T, c *http.Client, url string, host string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if host != "" {
		req.Host = host
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func TestHandler_RefusesForeignHosts(t *testing.T) {
	_, _, srv := newServer(t)
	_, port, _ := strings.Cut(srv.Listener.Addr().String(), ":")
	for _, tc := range []struct {
		host string
		want int
	}{
		{"", 200},
		{"localhost:" + port, 200},
		{"[::1]:" + port, 200},
		{"evil.example:" + port, http.StatusMisdirectedRequest},
		{"127.0.0.1.nip.io:" + port, http.StatusMisdirectedRequest},
		{"localhost:1", http.StatusMisdirectedRequest},
	} {
		code, body := get(t, srv.Client(), srv.URL+"/inbox", tc.host)
		if code != tc.want {
			t.Errorf("Host %q: %d, want %d (%s)", tc.host, code, tc.want, body)
		}
	}
}

func post(t *testing.T, c *http.Client, url, csrf, origin, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if csrf != "" {
		req.Header.Set("X-CSRF-Token", csrf)
	}
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func TestHandler_StateChangesNeedTheCSRFTokenAndOrigin(t *testing.T) {
	s, st, srv := newServer(t)
	ctx := context.Background()
	id := store.IDFor("github:acme/payments-api#1")
	url := srv.URL + "/v1/decide"
	confirm := `{"ids":["` + id + `"],"state":"confirmed"}`
	if code, _ := post(t, srv.Client(), url, "", "", confirm); code != http.StatusForbidden {
		t.Errorf("no token: %d, want 403", code)
	}
	if code, _ := post(t, srv.Client(), url, "wrong", "", confirm); code != http.StatusForbidden {
		t.Errorf("wrong token: %d, want 403", code)
	}
	if code, _ := post(t, srv.Client(), url, s.csrf, "https://evil.example", confirm); code != http.StatusForbidden {
		t.Errorf("cross-site origin: %d, want 403", code)
	}
	if it, _ := st.Get(ctx, id); it.State != store.Suggested {
		t.Fatalf("a refused request changed the store: %s", it.State)
	}
	code, body := post(t, srv.Client(), url, s.csrf, srv.URL, `{"ids":["`+id+`"],"state":"confirmed","note":"unblocked refunds"}`)
	if code != 200 {
		t.Fatalf("good request: %d %s", code, body)
	}
	var v []store.View
	json.Unmarshal([]byte(body), &v)
	if it, _ := st.Get(ctx, id); it.State != store.Confirmed || it.User.Note != "unblocked refunds" || len(v) != 1 || v[0].State != string(store.Confirmed) {
		t.Errorf("after confirm: %+v (answered %s)", it, body)
	}
	code, body = post(t, srv.Client(), srv.URL+"/v1/edit", s.csrf, "", `{"id":"`+id+`","scope":"galaxy"}`)
	if code != 400 || !strings.Contains(body, `"kind":"bad_request"`) {
		t.Errorf("bad scope: %d %s", code, body)
	}
	code, _ = post(t, srv.Client(), srv.URL+"/v1/edit", s.csrf, "", `{"id":"`+id+`","scope":"org","domain":"initiative"}`)
	if it, _ := st.Get(ctx, id); code != 200 || it.Scope() != classify.ScopeOrg || it.Domain() != classify.DomainInitiative {
		t.Errorf("edit: %d %s %s", code, it.Scope(), it.Domain())
	}
	if code, _ := post(t, srv.Client(), srv.URL+"/v1/decide", s.csrf, "", `{"ids":["zzzzzzzzzzzz"],"state":"confirmed"}`); code != 404 {
		t.Errorf("unknown item: %d", code)
	}
}

func TestHandler_PagesShowItemsReasonsAndNoToken(t *testing.T) {
	s, st, srv := newServer(t)
	_, inbox := get(t, srv.Client(), srv.URL+"/inbox", "")
	for _, want := range []string{"Change 1 in acme/payments-api", "acme/payments-api is owned by Payments", `data-bulk="2026-W12"`, s.csrf} {
		if !strings.Contains(inbox, want) {
			t.Errorf("inbox lacks %q", want)
		}
	}
	st.Decide(context.Background(), []string{store.IDFor("github:acme/payments-api#1")}, store.Decision{State: store.Confirmed})
	_, ev := get(t, srv.Client(), srv.URL+"/evidence", "")
	if !strings.Contains(ev, "Change 1 in acme/payments-api") || strings.Contains(ev, "Change 3") {
		t.Errorf("evidence should list the confirmed item only")
	}
	code, md := get(t, srv.Client(), srv.URL+"/export.md", "")
	if code != 200 || !strings.HasPrefix(md, "# Promotion case: Alice Chen") || !strings.Contains(md, "### More evidence\n\n- [Change 1 in acme/payments-api]") {
		t.Errorf("packet: %d\n%s", code, md)
	}
	_, rep := get(t, srv.Client(), srv.URL+"/report", "")
	for _, want := range []string{"<svg", `data-team="payments"`, "you reviewed 3 PRs for 2 other teams", "75% of your 4 reviews were outside Platform", "<th scope=\"row\">Payments</th>"} {
		if !strings.Contains(rep, want) {
			t.Errorf("report lacks %q", want)
		}
	}
}

func TestChart_EveryTeamHasAPatternAndEveryBarItsTotal(t *testing.T) {
	_, _, srv := newServer(t)
	_, rep := get(t, srv.Client(), srv.URL+"/report?all=1", "")
	if !strings.Contains(rep, `<pattern id="team-0"`) || !strings.Contains(rep, `<pattern id="team-1"`) || !strings.Contains(rep, `class="total"`) || !strings.Contains(rep, `class="legend">Payments<`) {
		t.Errorf("chart lacks patterns, totals or legend")
	}
}

func TestHandler_BulkConfirmAWeek(t *testing.T) {
	s, st, srv := newServer(t)
	ids := []string{store.IDFor("github:acme/payments-api#1"), store.IDFor("github:acme/search-ui#3")}
	b, _ := json.Marshal(map[string]any{"ids": ids, "state": "confirmed"})
	code, body := post(t, srv.Client(), srv.URL+"/v1/decide", s.csrf, "", string(b))
	if code != 200 || strings.Count(body, `"state":"confirmed"`) != 2 {
		t.Fatalf("bulk confirm: %d %s", code, body)
	}
	for _, id := range ids {
		if it, _ := st.Get(context.Background(), id); it.State != store.Confirmed {
			t.Errorf("%s: %s", id, it.State)
		}
	}
	if code, _ := post(t, srv.Client(), srv.URL+"/v1/decide", s.csrf, "", `{"ids":[],"state":"confirmed"}`); code != 400 {
		t.Errorf("empty bulk: %d", code)
	}
}

func TestHandler_CardsListTheSameWorkInOtherSources(t *testing.T) {
	_, st, srv := newServer(t)
	epic := connectors.Artifact{Source: "jira", SourceType: "jira", Kind: connectors.KindJiraIssue, Key: "jira:PAY-117", Title: "Refunds epic",
		URL: "https://acme.atlassian.net/browse/PAY-117", OccurredAt: now.Add(-time.Hour),
		Activity: connectors.Activity{Refs: connectors.FindRefs("Done in https://github.com/acme/payments-api/pull/1")}}
	if _, err := st.Commit(context.Background(), "jira", []store.Ingest{{Artifact: epic}}, nil); err != nil {
		t.Fatal(err)
	}
	_, inbox := get(t, srv.Client(), srv.URL+"/inbox", "")
	if !strings.Contains(inbox, `Same work: <a href="https://acme.atlassian.net/browse/PAY-117"`) || !strings.Contains(inbox, `Same work: <a href="https://github.com/acme/payments-api/pull/1"`) {
		t.Errorf("the related items are not on both cards")
	}
}

// While a source backfills, the inbox says how far back it has reached,
// and the API answers the page's poll: the source's state and the inbox's
// count.
func TestInbox_SaysHowFarTheBackfillHasReached(t *testing.T) {
	_, st, srv := newServer(t)
	ctx := context.Background()
	if err := st.PutSourceState(ctx, store.SourceState{Name: "github", Type: "github", Backfill: true,
		BackfilledTo: time.Date(2026, 3, 2, 12, 0, 0, 0, time.Local), BackfillProgress: 0.64}); err != nil {
		t.Fatal(err)
	}
	_, page := get(t, srv.Client(), srv.URL+"/inbox", "")
	if !strings.Contains(page, "github: backfilled to 2026-03-02, 64%") {
		t.Errorf("the inbox does not say how far the backfill is:\n%s", page)
	}
	_, body := get(t, srv.Client(), srv.URL+"/v1/sources", "")
	var got map[string]struct {
		Backfill     bool      `json:"backfill"`
		BackfilledTo time.Time `json:"backfilled_to"`
		Progress     float64   `json:"backfill_progress"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil || !got["github"].Backfill || got["github"].Progress != 0.64 {
		t.Errorf("v1/sources: %s (%v)", body, err)
	}
	if _, body := get(t, srv.Client(), srv.URL+"/v1/counts?state=suggested", ""); strings.TrimSpace(body) != `{"suggested":4}` {
		t.Errorf("the inbox's count: %s", body)
	}
	// Complete: no line.
	st.PutSourceState(ctx, store.SourceState{Name: "github", Type: "github", Backfill: true, BackfillProgress: 1})
	if _, page := get(t, srv.Client(), srv.URL+"/inbox", ""); strings.Contains(page, "backfilled to") {
		t.Error("a finished backfill is still shown")
	}
}

// The evidence pages by evidencePage items, newest first: every item on
// exactly one page, the pages small whatever the store holds.
func TestEvidence_PagesThroughEveryItemOnce(t *testing.T) {
	_, st, srv := newServer(t)
	ctx := context.Background()
	var in []store.Ingest
	base := now.Add(-400 * 24 * time.Hour)
	for i := range 450 {
		at := base.Add(time.Duration(i/2) * time.Hour) // pairs share an instant
		a := connectors.Artifact{Source: "github", SourceType: "github", Kind: connectors.KindReview, Key: fmt.Sprintf("github:acme/payments-api#%d", 5000+i),
			URL: "https://github.com/acme/payments-api/pull/1", Title: fmt.Sprintf("Bulk %d", i), Container: "acme/payments-api",
			Roles: []connectors.Role{connectors.RoleReviewer}, OccurredAt: at, UpdatedAt: at}
		in = append(in, store.Ingest{Artifact: a, Class: classify.Result{Scope: classify.ScopeCrossTeam, Domain: classify.DomainOrgLeverage}})
	}
	if _, err := st.Commit(ctx, "github", in, nil); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, x := range in {
		ids = append(ids, store.IDFor(x.Artifact.Key))
	}
	if _, err := st.Decide(ctx, ids, store.Decision{State: store.Confirmed}); err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	pages := pageThrough(t, srv, "/evidence", func(body string) {
		for _, m := range regexp.MustCompile(`data-id="([0-9a-f]{12})"`).FindAllStringSubmatch(body, -1) {
			seen[m[1]]++
		}
	})
	for _, id := range ids {
		if seen[id] != 1 {
			t.Errorf("%s shown %d times over %d pages", id, seen[id], pages)
			break
		}
	}
	if pages != 3 {
		t.Errorf("%d pages for 450 items, want 3", pages)
	}
}

// bulkSuggested commits n suggested reviews, two a day going back from now.
func bulkSuggested(t *testing.T, st *store.Store, n int) []string {
	t.Helper()
	var in []store.Ingest
	var ids []string
	for i := range n {
		at := now.Add(-time.Duration(i) * 12 * time.Hour)
		a := connectors.Artifact{Source: "github", SourceType: "github", Kind: connectors.KindReview, Key: fmt.Sprintf("github:acme/payments-api#%d", 7000+i),
			URL: "https://github.com/acme/payments-api/pull/1", Title: fmt.Sprintf("Backlog %d", i), Container: "acme/payments-api",
			Roles: []connectors.Role{connectors.RoleReviewer}, OccurredAt: at, UpdatedAt: at}
		in = append(in, store.Ingest{Artifact: a, Class: classify.Result{Scope: classify.ScopeCrossTeam, Domain: classify.DomainOrgLeverage}})
		ids = append(ids, store.IDFor(a.Key))
	}
	if _, err := st.Commit(context.Background(), "github", in, nil); err != nil {
		t.Fatal(err)
	}
	return ids
}

// A long backlog pages by whole weeks: every suggestion on exactly one
// page, no week split across two, each page small.
func TestInbox_PagesThroughALongBacklogByWeek(t *testing.T) {
	_, st, srv := newServer(t)
	ids := bulkSuggested(t, st, 400)
	seen := map[string]int{}
	weekPages := map[string]int{}
	pages := pageThrough(t, srv, "/inbox", func(body string) {
		for _, m := range regexp.MustCompile(`data-id="([0-9a-f]{12})"`).FindAllStringSubmatch(body, -1) {
			seen[m[1]]++
		}
		for _, m := range regexp.MustCompile(`data-week="([0-9W-]+)"`).FindAllStringSubmatch(body, -1) {
			weekPages[m[1]]++
		}
	})
	for _, id := range ids {
		if seen[id] != 1 {
			t.Errorf("%s shown %d times over %d pages", id, seen[id], pages)
			break
		}
	}
	for wk, n := range weekPages {
		if n != 1 {
			t.Errorf("week %s on %d pages", wk, n)
		}
	}
	if pages < 3 {
		t.Errorf("%d pages for 400 suggestions, want them paged", pages)
	}
}

// /api/items streams the contract's item JSON: the same items, in order,
// as the store lists them.
func TestAPIItems_StreamsEveryItemAsTheContractShowsIt(t *testing.T) {
	_, st, srv := newServer(t)
	bulkSuggested(t, st, 300)
	_, body := get(t, srv.Client(), srv.URL+"/api/items", "")
	var got []store.View
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatalf("not a JSON array: %v", err)
	}
	var want []store.View
	st.Scan(context.Background(), store.Filter{}, func(it *store.Item) error { want = append(want, it.View(nil)); return nil })
	if len(got) != len(want) || len(want) < 300 {
		t.Fatalf("%d items, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i].ID != want[i].ID || got[i].Title != want[i].Title || got[i].Scope != want[i].Scope {
			t.Fatalf("item %d: %+v, want %+v", i, got[i], want[i])
		}
	}
}

// countingStore counts the scans that reach the store.
type countingStore struct {
	*store.Store
	scans atomic.Int64
}

func (c *countingStore) Scan(ctx context.Context, f store.Filter, fn func(*store.Item) error) error {
	c.scans.Add(1)
	return c.Store.Scan(ctx, f, fn)
}

// The report is read once per state of the store: a second view reads
// nothing, and a write shows at the next view.
func TestReport_ReadAgainOnlyWhenTheStoreChanges(t *testing.T) {
	st, c := fixture(t)
	cs := &countingStore{Store: st}
	srv := httptest.NewUnstartedServer(nil)
	s, err := New(Options{Backend: cs, Config: c, Access: Access{Addr: srv.Listener.Addr().String()}, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = s
	srv.Start()
	defer srv.Close()
	reviews := func() int {
		_, body := get(t, srv.Client(), srv.URL+"/api/report", "")
		var rep struct {
			ReviewsTotal int `json:"reviews_total"`
		}
		if err := json.Unmarshal([]byte(body), &rep); err != nil {
			t.Fatal(err)
		}
		return rep.ReviewsTotal
	}
	first := reviews()
	before := cs.scans.Load()
	if again := reviews(); again != first || cs.scans.Load() != before {
		t.Errorf("a second view: %d reviews (was %d), %d more scans (want 0)", again, first, cs.scans.Load()-before)
	}
	bulkSuggested(t, st, 3)
	if after := reviews(); after != first+3 {
		t.Errorf("after 3 new reviews the report says %d, want %d", after, first+3)
	}
}

// pageThrough follows a page's "older" link from first until the last page
// (ten at most), checking each page is under 300 KB and handing each body
// to each; it returns how many pages it read.
func pageThrough(t *testing.T, srv *httptest.Server, first string, each func(body string)) int {
	t.Helper()
	older := regexp.MustCompile(`href="(` + regexp.QuoteMeta(first) + `\?[^"]*)" id="older"`)
	next, pages := first, 0
	for next != "" && pages < 10 {
		pages++
		_, body := get(t, srv.Client(), srv.URL+next, "")
		if len(body) > 300<<10 {
			t.Errorf("%s page %d is %d KB", first, pages, len(body)>>10)
		}
		each(body)
		next = ""
		if m := older.FindStringSubmatch(body); m != nil {
			next = html.UnescapeString(m[1])
		}
	}
	return pages
}

// A document whose folder the config names by id shows the folder's name
// on the page, never the id; its line says what kind of work it is in
// words, without the source's name.
func TestInbox_AFolderIsShownByItsName(t *testing.T) {
	_, st, srv := newServer(t)
	a := connectors.Artifact{Source: "docs", SourceType: "gdocs", Kind: connectors.KindRFC, Key: "rfc:docs:1DemoRefundsIdempot1",
		URL: "https://docs.google.com/document/d/1DemoRefundsIdempot1/edit", Title: "Refunds: one key per attempt",
		Container: "1DemoPaymentsDesign0", ContainerName: "Payments design docs", Roles: []connectors.Role{connectors.RoleReviewer},
		OccurredAt: now.Add(-time.Hour), UpdatedAt: now.Add(-time.Hour)}
	if _, err := st.Commit(context.Background(), "docs", []store.Ingest{{Artifact: a}}, nil); err != nil {
		t.Fatal(err)
	}
	_, page := get(t, srv.Client(), srv.URL+"/inbox", "")
	if !strings.Contains(page, "Payments design docs") || strings.Contains(page, "1DemoPaymentsDesign0") {
		t.Errorf("the inbox shows the folder as:\n%s", page)
	}
	// Words for a person: the kind of work, not the contract's label; not
	// the source's configured name.
	if !strings.Contains(page, "<span>design document</span>") || strings.Contains(page, "<span>rfc</span>") || strings.Contains(page, "<span>docs</span>") {
		t.Errorf("the item's line speaks the tool's labels:\n%s", page)
	}
}

// The page's script calls evident's one API: every address it posts to or
// reads is a route the API serves (the handlers the CLI reaches through
// the daemon), and none is the page's own.
func TestScript_CallsOnlyTheOneAPI(t *testing.T) {
	js, err := assets.ReadFile("assets/app.js")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(js), `"/api/`) {
		t.Error("app.js calls a page-only /api/ route")
	}
	calls := regexp.MustCompile(`(?:post|get|fetch)\("(/[^"]*)"`).FindAllStringSubmatch(string(js), -1)
	if len(calls) < 4 {
		t.Fatalf("found %d calls in app.js; the test reads it wrong", len(calls))
	}
	api := http.NewServeMux()
	(&localapi.Server{}).Routes(api)
	served := func(url string) bool {
		for _, method := range []string{"GET", "POST"} {
			if _, pattern := api.Handler(httptest.NewRequest(method, url, nil)); pattern != "" {
				return true
			}
		}
		return false
	}
	for _, c := range calls {
		if !served(c[1]) {
			t.Errorf("app.js calls %s, which the API does not serve", c[1])
		}
	}
}
