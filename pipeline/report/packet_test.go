package report

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
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
	sig.Kind = kind
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
	if !strings.Contains(got, "Compared with 2025-H2:") {
		t.Errorf("no comparison with 2025-H2:\n%s", got)
	}
}

// The committee reads names and plain words, never config keys, mapping
// hints, thresholds or team ids.
func TestPacket_SpeaksPlainLanguage(t *testing.T) {
	got := packetOf(t, fixedYear(), Period{})
	for _, bad := range []string{"org_threshold", "not in your org config", "org config", "payments", "search,", "(platform)", "file://", "scope_reason"} {
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
	if len(entries) != 4 { // the RFC (PR#801 folds into its thread), review#990, platform-kit#77, PLAT-55
		t.Errorf("%d entries, want the 4 strong and notable items outside threads:\n%s", len(entries), got)
	}
	for _, want := range []string{
		"Reviews for other teams: Payments — 100 PRs, 150 comments, 10 change requests; Search — 100 PRs, 150 comments, 10 change requests.",
		"Reviews within Platform: 100 PRs, 150 comments, 10 change requests.",
		"In the thread of [Idempotent refunds](https://github.com/acme/rfcs/blob/main/0042-idempotent-refunds.md) under Cross-team influence: [Refunds: idempotency keys]",
		"- **Thread:** RFC → 2 PRs → epic PAY-117 resolved",
		"### Finds and drives work nobody asked for\n\nInitiative: no evidence yet.",
		"- **Outcome:** Duplicate refunds fell from 40 a week to 0 by May.",
		"- **Facts:** Reviewed acme/ledger#990 for Payments over 3 rounds; changes requested, then approved; 9 of 11 comments addressed; 2,400 lines in 31 files.",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q", want)
		}
	}
}

func TestPacket_DomainWithoutCrossTeamEvidenceSaysSo(t *testing.T) {
	got := packetOf(t, fixedYear(), Period{})
	sec := got[strings.Index(got, "## Initiative"):]
	sec = sec[:strings.Index(sec, "\n## ")]
	if !strings.Contains(sec, "No cross-team evidence in this domain in this period: all of it is within Platform.") {
		t.Errorf("initiative section:\n%s", sec)
	}
}

func TestPacket_LocalDocumentShowsItsPath(t *testing.T) {
	if got := link("Design", "file:///home/alice/docs/a_b.md"); got != `Design (/home/alice/docs/a\_b.md)` {
		t.Errorf("got %q", got)
	}
	if got := link("PR", "https://x.example/a(b)"); got != "[PR](https://x.example/a%28b%29)" {
		t.Errorf("got %q", got)
	}
	if got := link("odd", "javascript:alert(1)"); got != "odd" {
		t.Errorf("got %q", got)
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

// Past maxNotable, a domain's notable items roll up with the routine ones
// (every strong one is still listed), so the case stays short.
func TestPacket_NotableItemsPastTheCapRollUp(t *testing.T) {
	y := &year{}
	for i := range 40 {
		y.add(connectors.KindReview, time.Date(2026, 3, 1+i%28, 10, i, 0, 0, time.UTC), fmt.Sprintf("Notable %d", i), fmt.Sprintf("acme/x#%d", i),
			classify.ScopeCrossTeam, classify.DomainCrossTeamInfluence, classify.StrengthNotable, []string{"payments"}, classify.Signals{Rounds: 2}, nil)
	}
	y.add(connectors.KindReview, time.Date(2026, 1, 2, 10, 0, 0, 0, time.UTC), "The strong one", "acme/x#999",
		classify.ScopeCrossTeam, classify.DomainCrossTeamInfluence, classify.StrengthStrong, []string{"payments"}, classify.Signals{Rounds: 4}, nil)
	got := packetOf(t, y.items, Period{})
	if n := len(regexp.MustCompile(`(?m)^### \[`).FindAllString(got, -1)); n != 1+maxNotable {
		t.Errorf("%d entries, want the strong one and %d notable", n, maxNotable)
	}
	if !strings.Contains(got, "[The strong one]") || !strings.Contains(got, "25 items rolled up here (25 of them notable, past the 15 listed above)") {
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
	if !strings.Contains(all, "more strong or notable") {
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
	if !strings.Contains(got, "1,200 organisation-wide") {
		t.Errorf("the summary does not count 1,200 organisation-wide items:\n%s", got)
	}
}
