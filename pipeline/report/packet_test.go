package report

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/evident-sync/evident/classify"
	"github.com/evident-sync/evident/connectors"
	"github.com/evident-sync/evident/pipeline/store"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func TestMain(m *testing.M) {
	time.Local = time.UTC // the packet prints local days; the goldens are in UTC
	os.Exit(m.Run())
}

var teamNames = map[string]string{"payments": "Payments", "search": "Search", "platform": "Platform", "mobile": "Mobile", "data": "Data"}

func teamName(id string) string {
	if n, ok := teamNames[id]; ok {
		return n
	}
	return id
}

// year is a fixed year of confirmed evidence as a heavy reviewer's store
// holds it: a few strong items with notes and outcomes, one thread (an RFC,
// its PRs and the epic they resolved), and hundreds of routine reviews for
// three teams, plus some of the previous half-year for the comparison.
type year struct {
	items []store.Item
	n     int
}

func (y *year) add(kind connectors.Kind, at time.Time, title, where string, scope classify.Scope, domain classify.Domain, strength classify.Strength, teams []string, sig classify.Signals, edit func(*store.Item)) *store.Item {
	y.n++
	key := map[connectors.Kind]string{connectors.KindReview: "github:", connectors.KindPR: "github:", connectors.KindJiraIssue: "jira:", connectors.KindRFC: "rfc:rfcs:"}[kind] + where
	url := "https://github.com/" + strings.Replace(where, "#", "/pull/", 1)
	switch kind {
	case connectors.KindJiraIssue:
		url = "https://acme.atlassian.net/browse/" + where
	case connectors.KindRFC:
		url = "https://github.com/acme/rfcs/blob/main/" + where
	}
	sig.Kind = string(kind)
	roles := map[connectors.Kind][]connectors.Role{connectors.KindReview: {connectors.RoleReviewer}, connectors.KindPR: {connectors.RoleAuthor},
		connectors.KindRFC: {connectors.RoleAuthor}, connectors.KindJiraIssue: {connectors.RoleAssignee, connectors.RoleResolver}}[kind]
	container := where
	if i := strings.IndexAny(where, "#-"); i > 0 && kind != connectors.KindRFC {
		container = where[:i]
	}
	if kind == connectors.KindRFC {
		container = "acme/rfcs"
	}
	it := store.Item{
		ID: fmt.Sprintf("%012x", y.n), State: store.Confirmed,
		Artifact: connectors.Artifact{Source: "github", Kind: kind, Key: key, URL: url, Title: title, Container: container, Roles: roles, OccurredAt: at},
		Class: classify.Result{Scope: scope, Teams: teams, Domain: domain, Strength: strength, Signals: sig,
			ScopeReason: "acme/x is owned by " + strings.Join(teams, ",") + " (org_threshold 3; sig-x not in your org config)",
			Summary:     "Reviewed " + where},
	}
	if edit != nil {
		edit(&it)
	}
	y.items = append(y.items, it)
	return &y.items[len(y.items)-1]
}

func relate(items []store.Item, ids ...string) {
	for i := range items {
		for _, id := range ids {
			if items[i].ID == id {
				for _, o := range ids {
					if o != id {
						items[i].Related = append(items[i].Related, o)
					}
				}
			}
		}
	}
}

func fixedYear() []store.Item {
	y := &year{}
	d := func(m time.Month, day int) time.Time { return time.Date(2026, m, day, 15, 0, 0, 0, time.UTC) }
	note := func(n, outcome string) func(*store.Item) {
		return func(it *store.Item) { it.User.Note, it.User.Outcome = n, outcome }
	}
	xt, tech, lev, ini := classify.DomainCrossTeamInfluence, classify.DomainTechnicalImpact, classify.DomainOrgLeverage, classify.DomainInitiative
	strong, notable, routine := classify.StrengthStrong, classify.StrengthNotable, classify.StrengthRoutine

	// The thread: an RFC the user wrote, two PRs, and the epic they resolved.
	rfc := y.add(connectors.KindRFC, d(time.February, 10), "Idempotent refunds", "0042-idempotent-refunds.md", classify.ScopeOrg, xt, strong,
		[]string{"payments", "search"}, classify.Signals{Role: "author", Status: "accepted", Participants: 7, TeamsDeclared: 3},
		note("Settled how Payments and Search retry refunds; replaced two competing designs.", "Duplicate refunds fell from 40 a week to 0 by May."))
	pr1 := y.add(connectors.KindPR, d(time.March, 3), "Refunds: idempotency keys", "acme/ledger#801", classify.ScopeCrossTeam, tech, notable,
		[]string{"payments"}, classify.Signals{Lines: 2400, Files: 31, Reviewers: 4, ReviewerTeams: 2, RoundsReceived: 3, Merged: true}, nil)
	pr2 := y.add(connectors.KindPR, d(time.March, 9), "Refunds: replay protection", "acme/ledger#812", classify.ScopeCrossTeam, tech, routine,
		[]string{"payments"}, classify.Signals{Lines: 380, Files: 6, Reviewers: 2, Merged: true}, nil)
	epic := y.add(connectors.KindJiraIssue, d(time.March, 20), "Duplicate refunds", "PAY-117", classify.ScopeCrossTeam, tech, routine,
		[]string{"payments"}, classify.Signals{Type: "Epic", Priority: "High", Resolved: true, DaysToResolve: 41, Comments: 14, Links: 3}, nil)
	relate(y.items, rfc.ID, pr1.ID, pr2.ID, epic.ID)

	y.add(connectors.KindReview, d(time.June, 4), "Shard the ledger writer", "acme/ledger#990", classify.ScopeCrossTeam, xt, strong,
		[]string{"payments"}, classify.Signals{Rounds: 3, Comments: 11, CommentsAddressed: 9, ChangesRequested: true, ApprovedAfterChanges: true, Lines: 2400, Files: 31},
		note("Caught a lost-write race before launch; the fix shipped in the same sprint.", ""))
	y.add(connectors.KindPR, d(time.April, 14), "Shared retry library for every service", "acme/platform-kit#77", classify.ScopeTeam, lev, notable,
		nil, classify.Signals{Lines: 1200, Files: 18, Reviewers: 3, Merged: true}, note("Adopted by 9 services across 4 teams.", ""))
	y.add(connectors.KindJiraIssue, d(time.September, 2), "On-call runbook for the ledger", "PLAT-55", classify.ScopeTeam, ini, notable,
		nil, classify.Signals{Type: "Task", Resolved: true, DaysToResolve: 6, Comments: 3}, nil)
	// An epic still in progress, notable, the newest and widest of its
	// domain: it must not lead the case.
	y.add(connectors.KindJiraIssue, d(time.November, 20), "Payments platform migration", "PAY-110", classify.ScopeOrg, tech, notable,
		[]string{"payments", "search"}, classify.Signals{Type: "Epic", Comments: 1},
		func(it *store.Item) { it.Artifact.Roles = []connectors.Role{connectors.RoleAssignee} })
	// The year's best work: a PR in the user's own repository, reviewed by
	// Payments (reach, not scope), with an outcome in numbers.
	y.add(connectors.KindPR, d(time.May, 5), "Cache CI dependencies across jobs", "acme/platform-ci#310", classify.ScopeTeam, tech, strong,
		nil, classify.Signals{Lines: 2600, Files: 40, Reviewers: 3, ReviewerTeams: 1, ReviewedBy: []string{"payments"}, Merged: true},
		note("Nobody owned CI time; I profiled it and moved the dependency cache to a shared volume.", "CI p50 fell from 14m10s to 5m40s for all 12 repositories."))
	// A review with two comments that touched three teams: three teams,
	// not "organisation-wide".
	y.add(connectors.KindReview, d(time.July, 8), "Schema for the events table", "acme/events#44", classify.ScopeOrg, xt, notable,
		[]string{"data", "payments"}, classify.Signals{Rounds: 1, Comments: 2, Lines: 120},
		func(it *store.Item) { it.Class.ForTeam = "data" })
	// A design document shared by the whole organisation, co-written.
	y.add(connectors.KindRFC, d(time.August, 18), "One event bus for all services", "0051-event-bus.md", classify.ScopeOrg, xt, strong,
		nil, classify.Signals{Role: "author", Status: "draft", Participants: 5},
		func(it *store.Item) {
			it.Class.OrgWide = true
			it.Artifact.Container = "acme/architecture"
			it.Artifact.Counterparts = []connectors.Identity{{System: "name", ID: "Bob Olsen", Role: connectors.RoleAuthor}}
		})

	// Hundreds of routine reviews: Payments, Search and the user's own team.
	for i := 0; i < 300; i++ {
		team, scope := []string{"payments"}, classify.ScopeCrossTeam
		switch i % 3 {
		case 1:
			team = []string{"search"}
		case 2:
			team, scope = nil, classify.ScopeTeam
		}
		at := d(time.January, 5).Add(time.Duration(i) * 25 * time.Hour)
		y.add(connectors.KindReview, at, fmt.Sprintf("Routine change %d", i), fmt.Sprintf("acme/repo%d#%d", i%3, 1000+i), scope, lev, routine,
			team, classify.Signals{Rounds: 1, Comments: i % 4, ChangesRequested: i%10 == 0, Lines: 40}, nil)
	}
	// The previous half-year, for 2026-H1's comparison.
	for i := 0; i < 20; i++ {
		team, scope := []string{"payments"}, classify.ScopeCrossTeam
		if i%2 == 1 {
			team, scope = nil, classify.ScopeTeam
		}
		y.add(connectors.KindReview, time.Date(2025, 8, 1+i, 12, 0, 0, 0, time.UTC), fmt.Sprintf("Last year's change %d", i), fmt.Sprintf("acme/old#%d", i), scope, lev, routine,
			team, classify.Signals{Rounds: 1, Lines: 10}, nil)
	}
	return y.items
}

var fixedCriteria = []classify.Criterion{
	{ID: "xteam-design", Text: "Shapes technical decisions beyond the home team", Domain: classify.DomainCrossTeamInfluence, Keywords: []string{"RFC", "design", "idempotent"}},
	{ID: "multiplier", Text: "Makes other engineers more effective through reviews, mentoring, standards and tools", Domain: classify.DomainOrgLeverage},
	{ID: "initiative", Text: "Finds and drives work nobody asked for", Domain: classify.DomainInitiative, Keywords: []string{"hackathon", "prototype"}},
}

func packetOf(t *testing.T, items []store.Item, p Period) string {
	t.Helper()
	var b strings.Builder
	err := Packet(&b, items, PacketOptions{Name: "Alice Chen", Period: p, Criteria: fixedCriteria, TeamName: teamName,
		Home: []string{"platform"}, Now: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if d := cmp.Diff(string(want), got); d != "" {
		t.Errorf("%s (-want +got):\n%s", name, d)
	}
}

func TestPacket_GoldenYear(t *testing.T) {
	p, err := ParsePeriod("2026", time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "packet-2026.golden.md", packetOf(t, fixedYear(), p))
}

func TestPacket_HalfYearComparesWithThePreviousHalf(t *testing.T) {
	p, _ := ParsePeriod("2026-H1", time.UTC)
	got := packetOf(t, fixedYear(), p)
	golden(t, "packet-2026-H1.golden.md", got)
	if !strings.Contains(got, "; in 2025-H2: 20, 50%.") {
		t.Errorf("no comparison with 2025-H2:\n%s", got)
	}
}

// The committee reads names and plain words, never config keys, mapping
// hints, thresholds or team ids.
func TestPacket_SpeaksPlainLanguage(t *testing.T) {
	got := packetOf(t, fixedYear(), Period{})
	for _, bad := range []string{"org_threshold", "not in your org config", "org config", "payments", "search,", "(platform)", "file://", "scope_reason",
		"confirmed", "Strong ·", "Notable ·", "(notable)", "(strong)", "Scope not established", "routine", "JSON", "evident", "github:", "rfc:"} {
		if strings.Contains(got, bad) {
			t.Errorf("the packet says %q", bad)
		}
	}
}

// Of 300 routine reviews none is listed one by one: they are numbers per
// team, and only strong and notable items (and their threads) have entries.
func TestPacket_RoutineReviewsRollUpPerTeam(t *testing.T) {
	p, _ := ParsePeriod("2026", time.UTC)
	got := packetOf(t, fixedYear(), p)
	if strings.Contains(got, "Routine change") {
		t.Errorf("a routine review is listed one by one")
	}
	entries := regexp.MustCompile(`(?m)^### \[`).FindAllString(got, -1)
	if len(entries) != 5 { // the two RFCs (the PRs and the epic fold into the first's thread), review#990, platform-ci#310, platform-kit#77
		t.Errorf("%d entries, want the 5 strong or noted items outside threads:\n%s", len(entries), got)
	}
	for _, want := range []string{
		"Code reviews for other teams: Payments — 100 PRs, 150 comments, 10 change requests; Search — 100 PRs, 150 comments, 10 change requests.",
		"Code reviews within Platform: 100 PRs, 150 comments, 10 change requests.",
		"Shown with [Idempotent refunds](https://github.com/acme/rfcs/blob/main/0042-idempotent-refunds.md) under Cross-team influence: [Refunds: idempotency keys]",
		"- **Thread:** RFC → 2 PRs → epic PAY-117 resolved",
		"[Refunds: idempotency keys](https://github.com/acme/ledger/pull/801) · PR that implements it · 2026-03-03",
		"· epic PAY-117 that tracks it ·",
		"- **Outcome:** Duplicate refunds fell from 40 a week to 0 by May.",
		"- **Facts:** Reviewed acme/ledger#990 for Payments over 3 rounds; changes requested, then approved; 9 of 11 comments addressed; 2,400 lines in 31 files.",
		"- **Facts:** One of two authors, with Bob Olsen; status draft; 4 other people took part.",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q", want)
		}
	}
}

// The case opens with the work the user said most of: the outcome in
// numbers leads, the notable epic still in progress is never in the
// headline, and the headline is no longer than three items.
func TestPacket_LeadsWithTheUsersStrongest(t *testing.T) {
	p, _ := ParsePeriod("2026", time.UTC)
	got := packetOf(t, fixedYear(), p)
	i := strings.Index(got, "## The strongest work")
	j := strings.Index(got, "## Technical impact")
	if i < 0 || j < i {
		t.Fatalf("no headline before the domains:\n%s", got)
	}
	head := got[i:j]
	if n := len(regexp.MustCompile(`(?m)^\d\. `).FindAllString(head, -1)); n != headlineSize {
		t.Errorf("%d headline items, want %d:\n%s", n, headlineSize, head)
	}
	for _, want := range []string{"Idempotent refunds", "CI p50 fell from 14m10s to 5m40s", "Duplicate refunds fell from 40 a week to 0 by May."} {
		if !strings.Contains(head, want) {
			t.Errorf("the headline lacks %q:\n%s", want, head)
		}
	}
	if strings.Contains(head, "PAY-110") || strings.Contains(head, "Payments platform migration") {
		t.Errorf("the epic in progress is in the headline:\n%s", head)
	}
	// In its domain, the entry with the user's outcome comes first.
	tech := got[j:]
	tech = tech[:strings.Index(tech[1:], "\n## ")+1]
	if k := strings.Index(tech, "### "); k < 0 || !strings.HasPrefix(tech[k:], "### [Cache CI dependencies") {
		t.Errorf("technical impact does not open with the outcome:\n%s", tech)
	}
	if !strings.Contains(tech, "Worked on PAY-110 (epic); still open; 1 comment.") {
		t.Errorf("the epic in progress is not a line of More evidence:\n%s", tech)
	}
}

// Scope is never larger than what made it: three teams counted are three
// teams; "organisation-wide" is where the work lives; an authored PR in
// the user's own repository reviewed by another team is within the team.
func TestPacket_ScopeNeverOverclaims(t *testing.T) {
	got := packetOf(t, fixedYear(), Period{})
	for _, want := range []string{
		"- [Schema for the events table](https://github.com/acme/events/pull/44) (2026-07-08): Reviewed acme/events#44 for Data; 2 comments; 120 lines.",
		"- **Scope:** Three teams: Payments, Search and Platform.",
		"- **Scope:** Organisation-wide: acme/architecture is shared by the whole organisation.",
		"- **Scope:** Within Platform; reviewed by Payments.",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q", want)
		}
	}
	if n := strings.Count(got, "Organisation-wide"); n != 1 {
		t.Errorf("%d organisation-wide claims, want the one org-wide document", n)
	}
	if strings.Contains(got, "for Payments, outside") || strings.Contains(got, "Cross-team: for Payments") {
		t.Errorf("an authored PR is said to be for its reviewers' team")
	}
}

// Each item counts for one team, so the teams helped add up to the items
// beyond the home team.
func TestPacket_TeamsHelpedAddUp(t *testing.T) {
	items := fixedYear()
	got := packetOf(t, items, Period{})
	line := regexp.MustCompile(`(?m)^\*\*Teams helped beyond Platform:\*\* (.*)$`).FindStringSubmatch(got)
	if line == nil {
		t.Fatalf("no teams helped:\n%s", got)
	}
	sum := 0
	for _, m := range regexp.MustCompile(`\((\d[\d,]*)`).FindAllStringSubmatch(line[1], -1) {
		n, _ := strconv.Atoi(strings.ReplaceAll(m[1], ",", ""))
		sum += n
	}
	want := 0
	for i := range items {
		if it := &items[i]; wide(it) && it.ForTeam() != "" {
			want++
		}
	}
	if sum != want {
		t.Errorf("teams helped add up to %d, want the %d items for another named team: %s", sum, want, line[0])
	}
}

// A local design document is named by its path within its folder, never
// the machine's path, and is not linked (no reader can open file://).
func TestPacket_LocalDocumentShowsItsFolderPathNotTheMachines(t *testing.T) {
	if got := link("Design", "file:///home/alice/docs/a_b.md"); got != "Design" {
		t.Errorf("got %q", got)
	}
	if got := link("PR", "https://x.example/a(b)"); got != "[PR](https://x.example/a%28b%29)" {
		t.Errorf("got %q", got)
	}
	if got := link("odd", "javascript:alert(1)"); got != "odd" {
		t.Errorf("got %q", got)
	}
	y := &year{}
	y.add(connectors.KindRFC, time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC), "Retry budgets", "rfcs/0007-retry-budgets.md", classify.ScopeTeam,
		classify.DomainTechnicalImpact, classify.StrengthStrong, nil, classify.Signals{Role: "author", Status: "accepted"},
		func(it *store.Item) {
			it.Artifact.Source, it.Artifact.Key = "design-docs", "rfc:design-docs:rfcs/0007-retry-budgets.md"
			it.Artifact.URL, it.Artifact.Container = "file:///tmp/x/design-docs/rfcs/0007-retry-budgets.md", "design-docs"
		})
	got := packetOf(t, y.items, Period{})
	if !strings.Contains(got, "2026-03-01 · Design document rfcs/0007-retry-budgets.md") {
		t.Errorf("the document is not named by its folder path:\n%s", got)
	}
	for _, bad := range []string{"/tmp", "file:", "design-docs"} {
		if strings.Contains(got, bad) {
			t.Errorf("the packet says %q:\n%s", bad, got)
		}
	}
}

func TestPeriod_ParseAndPrevious(t *testing.T) {
	for _, c := range []struct{ in, since, until, prev string }{
		{"2026", "2026-01-01", "2027-01-01", "2025"},
		{"2026-H2", "2026-07-01", "2027-01-01", "2026-H1"},
		{"2026-H1", "2026-01-01", "2026-07-01", "2025-H2"},
		{"2026-Q1", "2026-01-01", "2026-04-01", "2025-Q4"},
		{"2026-Q3", "2026-07-01", "2026-10-01", "2026-Q2"},
	} {
		p, err := ParsePeriod(c.in, time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		got := []string{p.Since.Format(time.DateOnly), p.Until.Format(time.DateOnly), p.Previous().Label}
		if d := cmp.Diff([]string{c.since, c.until, c.prev}, got); d != "" {
			t.Errorf("%s (-want +got):\n%s", c.in, d)
		}
	}
	for _, bad := range []string{"2026-Q5", "26", "2026-h1", "2026-W3", ""} {
		if _, err := ParsePeriod(bad, time.UTC); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
	w, err := WeekPeriod("2026-W01", time.UTC)
	if err != nil || w.Since.Format(time.DateOnly) != "2025-12-29" {
		t.Errorf("2026-W01 starts %v (%v), want 2025-12-29", w.Since, err)
	}
	if _, err := WeekPeriod("2026-W54", time.UTC); err == nil {
		t.Error("2026-W54 parsed")
	}
}

// Notable items with nothing of the user's are one line each under "More
// evidence", at most moreShown of them, never an entry of their own; the
// rest are counted. Every strong item is an entry.
func TestPacket_NotableItemsWithoutNotesAreOneLineEach(t *testing.T) {
	y := &year{}
	for i := range 40 {
		y.add(connectors.KindReview, time.Date(2026, 3, 1+i%28, 10, i, 0, 0, time.UTC), fmt.Sprintf("Notable %d", i), fmt.Sprintf("acme/x#%d", i),
			classify.ScopeCrossTeam, classify.DomainCrossTeamInfluence, classify.StrengthNotable, []string{"payments"}, classify.Signals{Rounds: 2}, nil)
	}
	y.add(connectors.KindReview, time.Date(2026, 1, 2, 10, 0, 0, 0, time.UTC), "The strong one", "acme/x#999",
		classify.ScopeCrossTeam, classify.DomainCrossTeamInfluence, classify.StrengthStrong, []string{"payments"}, classify.Signals{Rounds: 4}, nil)
	got := packetOf(t, y.items, Period{})
	if n := len(regexp.MustCompile(`(?m)^### \[`).FindAllString(got, -1)); n != 1 {
		t.Errorf("%d entries, want the strong one alone", n)
	}
	if n := len(regexp.MustCompile(`(?m)^- \[Notable \d+\]`).FindAllString(got, -1)); n != moreShown {
		t.Errorf("%d notable items listed one line each, want %d", n, moreShown)
	}
	if !strings.Contains(got, "[The strong one]") || !strings.Contains(got, "32 items in all, 32 of them notable beyond those listed above.") {
		t.Errorf("packet:\n%s", got)
	}
}

// sliceScanner serves items as the store would (newest first, by state),
// counting what it hands out.
type sliceScanner struct {
	items  []store.Item
	served int
}

func (s *sliceScanner) Scan(_ context.Context, f store.Filter, fn func(*store.Item) error) error {
	sorted := slices.Clone(s.items)
	slices.SortFunc(sorted, func(x, y store.Item) int { return y.Artifact.OccurredAt.Compare(x.Artifact.OccurredAt) })
	for i := range sorted {
		it := &sorted[i]
		if len(f.States) > 0 && !slices.Contains(f.States, it.State) {
			continue
		}
		s.served++
		if err := fn(it); err != nil {
			return err
		}
	}
	return nil
}

// ReadGaps says what Gaps says over every item, but stops reading the
// confirmed evidence once every criterion has support.
func TestReadGaps_SameAsGapsAndStopsEarly(t *testing.T) {
	items := fixedYear()
	items[len(items)-1].State = store.Suggested // a suggestion for a gap
	want := Gaps(items, fixedCriteria)
	sc := &sliceScanner{items: items}
	got, err := ReadGaps(context.Background(), sc, fixedCriteria, Period{})
	if err != nil {
		t.Fatal(err)
	}
	ids := func(gs []Gap) (out []string) {
		for _, g := range gs {
			out = append(out, g.ID+":"+strings.Join(g.Suggestions, ","))
		}
		return out
	}
	if d := cmp.Diff(ids(want), ids(got)); d != "" {
		t.Errorf("ReadGaps (-Gaps +ReadGaps):\n%s", d)
	}
	// All but one criterion are supported by recent evidence: with no
	// criterion unsupported, the scan would stop at once.
	met := fixedCriteria[:2]
	sc.served = 0
	if _, err := ReadGaps(context.Background(), sc, met, Period{}); err != nil {
		t.Fatal(err)
	}
	if sc.served >= len(items) {
		t.Errorf("read %d of %d items to learn that every criterion has support", sc.served, len(items))
	}
}

// Pruning the notable items as they stream by never changes the packet:
// with three domains of notable work, criteria that match some of it, and
// related items among it, a packet that prunes every 16 items reads the
// same as one that keeps them all.
func TestPacket_PruningNotableItemsChangesNothing(t *testing.T) {
	y := &year{items: fixedYear(), n: 1 << 20} // IDs apart from the fixture's
	domains := []classify.Domain{classify.DomainCrossTeamInfluence, classify.DomainOrgLeverage, classify.DomainInitiative}
	for i := range 300 {
		title := fmt.Sprintf("Notable %d", i)
		if i%7 == 0 {
			title += " prototype"
		}
		if i%11 == 0 {
			title += " design"
		}
		scope := classify.ScopeCrossTeam
		if i%3 == 0 {
			scope = classify.ScopeTeam
		}
		y.add(connectors.KindReview, time.Date(2026, time.Month(1+i%12), 1+i%28, 10, i%60, 0, 0, time.UTC), title, fmt.Sprintf("acme/n#%d", i),
			scope, domains[i%3], classify.StrengthNotable, []string{"payments"}, classify.Signals{Rounds: 1 + i%4}, nil)
	}
	write := func(keep int) string {
		p := newPacket(PacketOptions{Name: "Alice Chen", Period: Period{}, Criteria: fixedCriteria, TeamName: teamName,
			Home: []string{"platform"}, Now: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)})
		p.keep = keep
		for i := range y.items {
			p.add(&y.items[i])
		}
		var b strings.Builder
		if err := p.write(&b); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	all, pruned := write(1<<30), write(16)
	if d := cmp.Diff(all, pruned); d != "" {
		t.Errorf("pruning changed the packet (-kept all +pruned):\n%s", d)
	}
	if !regexp.MustCompile(`and \d+ more items counted in its section's numbers`).MatchString(all) {
		t.Errorf("the criteria list no notable supporters past those shown; the test does not reach the pruned count:\n%s", all)
	}
}

// Every number of a thousand or more is written with its separator.
func TestPacket_WritesThousandsWithASeparator(t *testing.T) {
	y := &year{}
	for i := range 1200 {
		y.add(connectors.KindReview, time.Date(2026, time.Month(1+i%12), 1+i%28, 10, 0, 0, 0, time.UTC), fmt.Sprintf("Review %d", i), fmt.Sprintf("acme/r#%d", i),
			classify.ScopeOrg, classify.DomainOrgLeverage, classify.StrengthRoutine, []string{"payments"}, classify.Signals{Rounds: 1, Comments: 2}, nil)
	}
	got := packetOf(t, y.items, Period{})
	// (Dates are not numbers: 2026-03-01.)
	if m := regexp.MustCompile(`(^|[^\d,#./-])\d{4,}([^\d-]|$)`).FindAllString(got, -1); len(m) > 0 {
		t.Errorf("numbers without a separator: %q\n%s", m, got)
	}
	if !strings.Contains(got, "1,200 involving three or more teams") {
		t.Errorf("the summary does not count 1,200 items involving three or more teams:\n%s", got)
	}
}

// Every note and outcome the user wrote on a selected item is in the
// packet: here 40 noted items in one domain (the old cap listed 15), noted
// routine items, and a noted item inside a thread.
func TestPacket_KeepsEveryWordTheUserWrote(t *testing.T) {
	y := &year{items: fixedYear(), n: 1 << 20}
	var words []string
	for i := range 40 {
		n := fmt.Sprintf("Unblocked team %d by fixing its flaky deploy", i)
		strength := classify.StrengthNotable
		if i%3 == 0 {
			strength = classify.StrengthRoutine
		}
		var out string
		if i%4 == 0 {
			out = fmt.Sprintf("Deploys %d went from weekly to daily", i)
			words = append(words, out)
		}
		words = append(words, n)
		y.add(connectors.KindReview, time.Date(2026, time.Month(1+i%12), 1+i%28, 9, 0, 0, 0, time.UTC), fmt.Sprintf("Deploy fix %d", i), fmt.Sprintf("acme/deploy#%d", i),
			classify.ScopeCrossTeam, classify.DomainOrgLeverage, strength, []string{"search"}, classify.Signals{Rounds: 1, Comments: 2},
			func(it *store.Item) { it.User.Note, it.User.Outcome = n, out })
	}
	for i := range y.items {
		if y.items[i].Artifact.Key == "jira:PAY-117" {
			y.items[i].User.Outcome = "Refund tickets fell from 30 a week to 2"
			words = append(words, y.items[i].User.Outcome)
		}
		if u := y.items[i].User; u.Note != "" || u.Outcome != "" {
			words = append(words, u.Note, u.Outcome)
		}
	}
	p, _ := ParsePeriod("2026", time.UTC)
	got := packetOf(t, y.items, p)
	for _, w := range words {
		if w != "" && !strings.Contains(got, mdText(w)) {
			t.Errorf("the packet cut the user's words %q", w)
		}
	}
}

// A store whose evidence starts in June: the period line says so, and no
// comparison is made with a period that has no evidence.
func TestPacket_GoldenEvidenceStartsMidPeriod(t *testing.T) {
	var items []store.Item
	for _, it := range fixedYear() {
		if it.Artifact.OccurredAt.After(time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)) {
			items = append(items, it)
		}
	}
	p, _ := ParsePeriod("2026", time.UTC)
	got := packetOf(t, items, p)
	golden(t, "packet-2026-from-june.golden.md", got)
	if !strings.Contains(got, "The evidence starts on 2026-06-01: nothing earlier was selected.") {
		t.Errorf("the period line does not say where the evidence starts:\n%s", got)
	}
	if strings.Contains(got, "in 2025") || strings.Contains(got, "(was") {
		t.Errorf("a comparison with a period that has no evidence:\n%s", got)
	}
}

// Work whose team is not recorded is never counted as the home team's:
// a domain of it says so plainly, and the summary names it apart.
func TestPacket_UnknownScopeIsNeverCalledHomeWork(t *testing.T) {
	y := &year{}
	for i := range 28 {
		y.add(connectors.KindRFC, time.Date(2026, 2, 1+i, 9, 0, 0, 0, time.UTC), fmt.Sprintf("PEP %d", i), fmt.Sprintf("peps/pep-%04d.rst", i),
			classify.ScopeUnknown, classify.DomainTechnicalImpact, classify.StrengthRoutine, nil, classify.Signals{Role: "author"}, nil)
	}
	y.add(connectors.KindRFC, time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC), "Our own doc", "docs/own.md",
		classify.ScopeTeam, classify.DomainTechnicalImpact, classify.StrengthRoutine, nil, classify.Signals{Role: "author"}, nil)
	got := packetOf(t, y.items, Period{})
	if strings.Contains(got, "all of it is within") || strings.Contains(got, "None of it reaches beyond Platform in this period") {
		t.Errorf("unknown-scope work is called home work:\n%s", got)
	}
	for _, want := range []string{"28 whose team is not recorded", "1 within Platform", "for 28 the team is not recorded",
		"Design documents written or reviewed whose team is not recorded: 28 documents."} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q:\n%s", want, got)
		}
	}
}

// A thread is led by the item the user authored, even when another item
// of the same work scored stronger.
func TestPacket_ThreadIsLedByWhatTheUserAuthored(t *testing.T) {
	y := &year{}
	rfc := y.add(connectors.KindRFC, time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC), "Ledger sharding", "0060-sharding.md",
		classify.ScopeCrossTeam, classify.DomainCrossTeamInfluence, classify.StrengthNotable, []string{"payments"}, classify.Signals{Role: "author", Status: "draft"},
		func(it *store.Item) { it.User.Outcome = "Write throughput up 4x" })
	epic := y.add(connectors.KindJiraIssue, time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC), "Shard the ledger", "PAY-200",
		classify.ScopeCrossTeam, classify.DomainTechnicalImpact, classify.StrengthStrong, []string{"payments"}, classify.Signals{Type: "Epic", Resolved: true, DaysToResolve: 30, Comments: 9},
		func(it *store.Item) { it.User.Note = "Drove the rollout across four services" })
	relate(y.items, rfc.ID, epic.ID)
	got := packetOf(t, y.items, Period{})
	if n := len(regexp.MustCompile(`(?m)^### \[`).FindAllString(got, -1)); n != 1 {
		t.Errorf("%d entries, want the RFC leading its thread:\n%s", n, got)
	}
	for _, want := range []string{"### [Ledger sharding]", "· epic PAY-200 that tracks it ·", "    - Impact: Drove the rollout across four services",
		"Shown with [Ledger sharding](https://github.com/acme/rfcs/blob/main/0060-sharding.md) under Cross-team influence: [Shard the ledger]"} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q:\n%s", want, got)
		}
	}
}

// An export of every state does not call unselected items selected.
func TestPacket_AllStatesAreFoundNotSelected(t *testing.T) {
	items := fixedYear()
	for i := range items[:100] {
		items[i].State = store.Suggested
	}
	var b strings.Builder
	err := Packet(&b, items, PacketOptions{Name: "Alice Chen", Criteria: fixedCriteria, TeamName: teamName, Home: []string{"platform"},
		Now: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC), States: []store.State{store.Suggested, store.Confirmed, store.Dismissed}})
	if err != nil {
		t.Fatal(err)
	}
	got := b.String()
	if !strings.Contains(got, "**Evidence:** all 331 items found, not yet triaged: 100") || strings.Contains(got, "selected") {
		t.Errorf("the export of all states speaks of a selection:\n%s", got[:min(len(got), 600)])
	}
}

// A criterion whose keywords match nothing, over selected items of its
// domain, offers those items first (they only need tying to it), in Gaps
// and in ReadGaps alike; the packet names them too, never "no evidence".
func TestGaps_OfferTheSelectedItemsOfTheDomain(t *testing.T) {
	items := fixedYear()
	var runbook string
	for _, it := range items {
		if it.Artifact.Key == "jira:PLAT-55" {
			runbook = it.ID
		}
	}
	for _, gs := range [][]Gap{Gaps(items, fixedCriteria), must(ReadGaps(context.Background(), &sliceScanner{items: items}, fixedCriteria, Period{}))} {
		if len(gs) != 1 || gs[0].ID != "initiative" || len(gs[0].Suggestions) == 0 || gs[0].Suggestions[0] != runbook {
			t.Errorf("gaps %+v, want initiative offering %s first", gs, runbook)
		}
	}
	got := packetOf(t, items, Period{})
	if strings.Contains(got, "no evidence yet") {
		t.Errorf("the packet says no evidence above an item that could fill the criterion")
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// A repository the config describes is described the first time the
// packet names it, and only then.
func TestPacket_DescribesARepositoryTheFirstTimeOnly(t *testing.T) {
	var b strings.Builder
	err := Packet(&b, fixedYear(), PacketOptions{Name: "Alice Chen", Criteria: fixedCriteria, TeamName: teamName, Home: []string{"platform"},
		Now: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC), Describe: func(repo string) string {
			if repo == "acme/ledger" {
				return "the payments ledger, which every refund passes through"
			}
			return ""
		}})
	if err != nil {
		t.Fatal(err)
	}
	got := b.String()
	if n := strings.Count(got, "(acme/ledger: the payments ledger, which every refund passes through)"); n != 1 {
		t.Errorf("acme/ledger described %d times, want once:\n%s", n, got)
	}
}

// A review given in a Google Doc's comment threads says where it was (the
// folder, by its name, never its id) and what the threads came to.
func TestPacket_ACommentThreadReviewNamesItsFolderAndItsResolvedComments(t *testing.T) {
	y := &year{}
	y.add(connectors.KindRFC, time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC), "Refunds: one idempotency key per attempt", "1DemoRefundsIdempot1", classify.ScopeCrossTeam,
		classify.DomainCrossTeamInfluence, classify.StrengthStrong, []string{"payments"}, classify.Signals{Role: "reviewer", Status: "accepted", Comments: 6, CommentsAddressed: 4, Threads: true},
		func(it *store.Item) {
			it.Artifact.Source, it.Artifact.SourceType, it.Artifact.Key = "docs", "gdocs", "rfc:docs:1DemoRefundsIdempot1"
			it.Artifact.URL = "https://docs.google.com/document/d/1DemoRefundsIdempot1/edit"
			it.Artifact.Container, it.Artifact.ContainerName = "1DemoPaymentsDesign0", "Payments design docs"
			it.Artifact.Roles = []connectors.Role{connectors.RoleReviewer}
		})
	got := packetOf(t, y.items, Period{})
	for _, want := range []string{"Design document in Payments design docs", "Gave review feedback in 6 comments, 4 of them resolved"} {
		if !strings.Contains(got, want) {
			t.Errorf("the packet lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "1DemoPaymentsDesign0") {
		t.Errorf("the packet names the folder's id:\n%s", got)
	}
}
