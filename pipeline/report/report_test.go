package report

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/evident-sync/evident/classify"
	"github.com/evident-sync/evident/connectors"
	"github.com/evident-sync/evident/pipeline/store"
)

func item(kind connectors.Kind, scope classify.Scope, teams []string, state store.State, roles []connectors.Role, rounds ...connectors.Round) store.Item {
	return store.Item{State: state, Artifact: connectors.Artifact{Kind: kind, Roles: roles, Activity: connectors.Activity{Rounds: rounds, Comments: 2},
		OccurredAt: rounds[len(rounds)-1].At}, Class: classify.Result{Scope: scope, Teams: teams}}
}

func forTeam(it store.Item, team string) store.Item {
	it.Class.ForTeam = team
	return it
}

func TestBuild_RoundsCountInTheirOwnWeeks(t *testing.T) {
	mon := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC) // 2026-W10
	rv := []connectors.Role{connectors.RoleReviewer}
	items := []store.Item{
		// One PR reviewed across W10 and W12: counts in both weeks, once as a PR.
		item(connectors.KindReview, classify.ScopeCrossTeam, []string{"payments"}, store.Confirmed, rv,
			connectors.Round{At: mon, State: "CHANGES_REQUESTED"}, connectors.Round{At: mon.AddDate(0, 0, 15), State: "APPROVED"}),
		// A review touching two teams counts for one: the repository's owner.
		forTeam(item(connectors.KindReview, classify.ScopeOrg, []string{"payments", "search"}, store.Suggested, rv, connectors.Round{At: mon.Add(time.Hour), State: "APPROVED"}), "search"),
		item(connectors.KindReview, classify.ScopeTeam, nil, store.Suggested, rv, connectors.Round{At: mon, State: "APPROVED"}),
		item(connectors.KindReview, classify.ScopeCrossTeam, []string{"search"}, store.Dismissed, rv, connectors.Round{At: mon, State: "APPROVED"}),
		item(connectors.KindRFC, classify.ScopeCrossTeam, []string{"search"}, store.Suggested, []connectors.Role{connectors.RoleApprover}, connectors.Round{At: mon}),
		item(connectors.KindRFC, classify.ScopeCrossTeam, []string{"search"}, store.Suggested, []connectors.Role{connectors.RoleAuthor}, connectors.Round{At: mon}),
	}
	names := map[string]string{"payments": "Payments", "search": "Search", "platform": "Platform"}
	r := Build(items, Options{TeamName: func(id string) string { return names[id] }, Home: []string{"platform"}})
	want := []TeamRow{
		{Team: "search", Name: "Search", PRsReviewed: 1, ReviewRounds: 1, Comments: 2, Approvals: 1, RFCsReviewed: 1, WeeksActive: 1},
		{Team: "payments", Name: "Payments", PRsReviewed: 1, ReviewRounds: 2, Comments: 2, Approvals: 1, ChangesRequested: 1, WeeksActive: 2},
	}
	if d := cmp.Diff(want, r.Teams); d != "" {
		t.Errorf("teams (-want +got):\n%s", d)
	}
	var weeks []string
	for _, w := range r.Weeks {
		weeks = append(weeks, w.Week)
	}
	if d := cmp.Diff([]string{"2026-W10", "2026-W11", "2026-W12"}, weeks); d != "" {
		t.Errorf("weeks, quiet ones filled in (-want +got):\n%s", d)
	}
	sum := 0
	for _, row := range r.Teams {
		sum += row.PRsReviewed
	}
	if sum != r.ReviewsCrossTeam || sum != 2 {
		t.Errorf("per-team PRs reviewed add up to %d, cross-team reviews %d: each review counts for one team", sum, r.ReviewsCrossTeam)
	}
	if r.Weeks[0].Teams["payments"] != 1 || r.Weeks[0].Teams["search"] != 2 || r.Weeks[2].Total != 1 {
		t.Errorf("week counts: %+v", r.Weeks)
	}
	if want := "In all your stored work (weeks 2026-W10 to 2026-W12), you reviewed 2 PRs and gave feedback on 1 RFC for 2 other teams; 67% of your 3 reviews were outside Platform."; r.Headline != want {
		t.Errorf("headline\n got %q\nwant %q", r.Headline, want)
	}
	// The period limits rounds, not items.
	r = Build(items, Options{Since: mon.AddDate(0, 0, 7), TeamName: func(id string) string { return names[id] }})
	if len(r.Teams) != 1 || r.Teams[0].PRsReviewed != 1 || r.Teams[0].ReviewRounds != 1 || r.ReviewsTotal != 1 {
		t.Errorf("since: %+v (total %d)", r.Teams, r.ReviewsTotal)
	}
}

// The headline's count of teams is the JSON's other_teams, whatever the
// kinds of work.
func TestBuild_HeadlineSaysTheJSONsCountOfTeams(t *testing.T) {
	mon := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	rfc := item(connectors.KindRFC, classify.ScopeCrossTeam, []string{"wg-lts"}, store.Suggested, []connectors.Role{connectors.RoleReviewer}, connectors.Round{At: mon})
	pr := item(connectors.KindReview, classify.ScopeCrossTeam, []string{"payments"}, store.Suggested, []connectors.Role{connectors.RoleReviewer}, connectors.Round{At: mon, State: "APPROVED"})
	id := func(s string) string { return s }
	// Only RFC feedback: no "0 PRs".
	r := Build([]store.Item{rfc}, Options{TeamName: id})
	if want := "In all your stored work (weeks 2026-W10 to 2026-W10), you gave feedback on 1 RFC for 1 other team."; r.Headline != want {
		t.Errorf("RFC only\n got %q\nwant %q", r.Headline, want)
	}
	// A team with only RFC feedback is not counted among the PRs' teams.
	r = Build([]store.Item{rfc, pr}, Options{TeamName: id})
	if want := "you reviewed 1 PR and gave feedback on 1 RFC for 2 other teams; 100% of your 1 review was outside your teams."; !strings.HasSuffix(r.Headline, want) || r.OtherTeams != 2 {
		t.Errorf("mixed\n got %q\nwant …%q", r.Headline, want)
	}
}

func TestBuild_WeeksCoverThePeriodAskedForQuietOnesIncluded(t *testing.T) {
	mon := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC) // W10
	pr := item(connectors.KindReview, classify.ScopeCrossTeam, []string{"payments"}, store.Suggested, []connectors.Role{connectors.RoleReviewer}, connectors.Round{At: mon, State: "APPROVED"})
	r := Build([]store.Item{pr}, Options{Since: mon.AddDate(0, 0, -14), Until: mon.AddDate(0, 0, 14)})
	var weeks []string
	total := 0
	for _, w := range r.Weeks {
		weeks = append(weeks, w.Week)
		total += w.Total
	}
	if d := cmp.Diff([]string{"2026-W08", "2026-W09", "2026-W10", "2026-W11", "2026-W12"}, weeks); d != "" || total != 1 {
		t.Errorf("weeks (-want +got):\n%s (total %d)", d, total)
	}
}

func TestWeekOf_AgreesWithISOWeekEveryDayOfSixtyYears(t *testing.T) {
	var b builder
	for d := time.Date(1965, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() < 2025; d = d.Add(7 * time.Hour) {
		k, start := isoWeek(d)
		if wk := b.weekOf(d); wk.key != k || !wk.start.Equal(start) {
			t.Fatalf("%s: weekOf says %s %s, isoWeek %s %s", d, wk.key, wk.start, k, start)
		}
	}
}

// Work the user wrote down that names another team counts for that team,
// apart from the reviews, and the headline says so.
func TestBuild_EntriesNamingATeamCount(t *testing.T) {
	mon := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	entry := item(connectors.KindEntry, classify.ScopeCrossTeam, []string{"payments"}, store.Confirmed, []connectors.Role{connectors.RoleAuthor}, connectors.Round{At: mon})
	entry.Artifact.Activity.Rounds = nil
	alone := item(connectors.KindEntry, classify.ScopeTeam, nil, store.Confirmed, []connectors.Role{connectors.RoleAuthor}, connectors.Round{At: mon})
	alone.Artifact.Activity.Rounds = nil
	r := Build([]store.Item{entry, alone}, Options{TeamName: func(id string) string { return map[string]string{"payments": "Payments"}[id] }})
	if len(r.Teams) != 1 || r.Teams[0].Entries != 1 || r.Teams[0].PRsReviewed != 0 || r.ReviewsTotal != 0 {
		t.Errorf("teams %+v, total %d", r.Teams, r.ReviewsTotal)
	}
	if !strings.Contains(r.Headline, "wrote down 1 piece of work for 1 other team") {
		t.Errorf("headline %q", r.Headline)
	}
}
