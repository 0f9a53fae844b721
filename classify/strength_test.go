package classify

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/evident-sync/evident/connectors"
)

func reviewSignals(rounds, comments, addressed int, changes, approvedAfter bool, lines int) Signals {
	return Signals{Kind: string(connectors.KindReview), Rounds: rounds, Comments: comments, CommentsAddressed: addressed,
		ChangesRequested: changes, ApprovedAfterChanges: approvedAfter, Lines: lines}
}

func TestStrength_Rules(t *testing.T) {
	for _, tc := range []struct {
		name  string
		s     Signals
		scope Scope
		wide  bool
		want  Strength
	}{
		{"a lone approval of a small own-team PR", reviewSignals(1, 0, 0, false, false, 20), ScopeTeam, false, StrengthRoutine},
		{"a lone approval with no comments, even of a huge own-team PR", reviewSignals(1, 0, 0, false, false, 5000), ScopeTeam, false, StrengthRoutine},
		{"an approval for another team", reviewSignals(1, 1, 0, false, false, 40), ScopeCrossTeam, false, StrengthRoutine},
		{"changes requested, 3 addressed, another team", reviewSignals(1, 3, 3, true, false, 100), ScopeCrossTeam, false, StrengthNotable},
		{"changes requested then approved, 9 of 11 addressed, another team", reviewSignals(3, 11, 9, true, true, 2400), ScopeCrossTeam, false, StrengthStrong},
		{"a three-round review for the org", reviewSignals(3, 6, 2, false, false, 300), ScopeOrg, false, StrengthNotable},
		{"authored RFC, org scope", Signals{Kind: string(connectors.KindRFC), Role: "author", TeamsDeclared: 3}, ScopeOrg, false, StrengthStrong},
		{"authored RFC, draft, another team", Signals{Kind: string(connectors.KindRFC), Role: "author", Status: "draft"}, ScopeCrossTeam, false, StrengthNotable},
		{"authored RFC, final, unknown scope", Signals{Kind: string(connectors.KindRFC), Role: "author", Status: "final"}, ScopeUnknown, false, StrengthStrong},
		{"authored RFC, accepted, another team", Signals{Kind: string(connectors.KindRFC), Role: "author", Status: "accepted"}, ScopeCrossTeam, false, StrengthStrong},
		{"authored RFC, provisional, own team", Signals{Kind: string(connectors.KindRFC), Role: "author", Status: "provisional"}, ScopeTeam, false, StrengthNotable},
		{"authored RFC, rejected, org scope", Signals{Kind: string(connectors.KindRFC), Role: "author", Status: "rejected", TeamsDeclared: 4}, ScopeOrg, true, StrengthNotable},
		{"authored RFC, withdrawn, org scope", Signals{Kind: string(connectors.KindRFC), Role: "author", Status: "withdrawn"}, ScopeOrg, false, StrengthNotable},
		{"authored RFC, superseded", Signals{Kind: string(connectors.KindRFC), Role: "author", Status: "superseded"}, ScopeOrg, true, StrengthNotable},
		{"authored RFC, deferred", Signals{Kind: string(connectors.KindRFC), Role: "author", Status: "deferred"}, ScopeOrg, true, StrengthNotable},
		{"an April Fools' PEP", Signals{Kind: string(connectors.KindRFC), Role: "author", Status: "april fool!"}, ScopeUnknown, false, StrengthRoutine},
		{"an epic opened and closed the same day, no comments, no links, org-wide", Signals{Kind: string(connectors.KindJiraIssue), Type: "Epic", Resolved: true}, ScopeOrg, true, StrengthNotable},
		{"an epic closed the same day after a discussion", Signals{Kind: string(connectors.KindJiraIssue), Type: "Epic", Resolved: true, Comments: 6}, ScopeOrg, true, StrengthStrong},
		{"authored RFC, accepted, org scope", Signals{Kind: string(connectors.KindRFC), Role: "author", Status: "accepted", TeamsDeclared: 3}, ScopeOrg, false, StrengthStrong},
		{"reviewed RFC of the own team", Signals{Kind: string(connectors.KindRFC), Role: "reviewer"}, ScopeTeam, false, StrengthRoutine},
		{"approved RFC for another team", Signals{Kind: string(connectors.KindRFC), Role: "approver", Status: "implementable"}, ScopeCrossTeam, false, StrengthNotable},
		{"a small own-team PR", Signals{Kind: string(connectors.KindPR), Lines: 80, Merged: true}, ScopeTeam, false, StrengthRoutine},
		{"a big PR reviewed by two other teams", Signals{Kind: string(connectors.KindPR), Lines: 2400, ReviewerTeams: 2, Merged: true}, ScopeCrossTeam, false, StrengthStrong},
		{"an incident resolved in 2 days for another team", Signals{Kind: string(connectors.KindJiraIssue), Type: "Incident", Resolved: true, DaysToResolve: 2}, ScopeCrossTeam, false, StrengthNotable},
		{"an org-wide incident resolved in a day", Signals{Kind: string(connectors.KindJiraIssue), Type: "Incident", Resolved: true, DaysToResolve: 1}, ScopeOrg, true, StrengthStrong},
		{"a resolved own-team task", Signals{Kind: string(connectors.KindJiraIssue), Type: "Task", Resolved: true, DaysToResolve: 5}, ScopeTeam, false, StrengthRoutine},
	} {
		got, why := strength(tc.s, tc.scope, tc.wide)
		if got != tc.want {
			t.Errorf("%s: %s %q, want %s", tc.name, got, why, tc.want)
		}
		if tc.scope == ScopeUnknown && !slices.ContainsFunc(why, func(w string) bool { return strings.Contains(w, "scope unknown") }) {
			t.Errorf("%s: unknown scope not in the reasons %q", tc.name, why)
		}
		if got != StrengthRoutine && len(why) == 0 {
			t.Errorf("%s: %s with no reason", tc.name, got)
		}
	}
}

func TestStrength_ReasonsNameTheFacts(t *testing.T) {
	_, why := strength(reviewSignals(3, 11, 9, true, true, 2400), ScopeCrossTeam, false)
	want := []string{"changes requested, then approved after 3 rounds", "9 of 11 comments addressed", "11 comments", "2,400 lines", "for another team"}
	if len(why) != len(want) {
		t.Fatalf("reasons %q, want %q", why, want)
	}
	for i := range want {
		if why[i] != want[i] {
			t.Errorf("reason %d: %q, want %q", i, why[i], want[i])
		}
	}
}

// More of the user's part, or a wider scope, never makes a piece of work
// weaker.
func TestStrength_MoreNeverLowersIt(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	scopes := []Scope{ScopeUnknown, ScopeTeam, ScopeCrossTeam, ScopeOrg}
	wider := func(s Scope) Scope {
		switch s {
		case ScopeUnknown, ScopeTeam:
			return ScopeCrossTeam
		}
		return ScopeOrg
	}
	for range 5000 {
		s := reviewSignals(1+rng.IntN(4), rng.IntN(12), 0, rng.IntN(2) == 0, false, rng.IntN(3000))
		s.CommentsAddressed = rng.IntN(s.Comments + 1)
		s.ApprovedAfterChanges = s.ChangesRequested && rng.IntN(2) == 0
		scope := scopes[rng.IntN(len(scopes))]
		base, _ := strength(s, scope, false)
		more := []struct {
			what  string
			s     Signals
			scope Scope
		}{
			{"an addressed comment", func() Signals { x := s; x.Comments++; x.CommentsAddressed++; return x }(), scope},
			{"a round", func() Signals { x := s; x.Rounds++; return x }(), scope},
			{"a wider scope", s, wider(scope)},
		}
		for _, m := range more {
			if got, _ := strength(m.s, m.scope, false); got.Rank() > base.Rank() {
				t.Fatalf("%s lowered %+v (%s) from %s to %s", m.what, s, scope, base, got)
			}
		}
	}
}

// A generated year of a heavy reviewer: about 1,200 reviews, 60 PRs, a
// dozen RFCs and 150 Jira issues. Strong is a handful a week (3–10%), and
// at least half is routine.
func TestStrength_AYearOfAHeavyReviewerIsMostlyRoutine(t *testing.T) {
	rng := rand.New(rand.NewPCG(2026, 11))
	count := map[Strength]int{}
	pick := func(scopes ...Scope) Scope { return scopes[rng.IntN(len(scopes))] }
	for range 1200 {
		// Most reviews are a quick approval of the own team's work.
		s := reviewSignals(1, rng.IntN(3), 0, false, false, 10+rng.IntN(400))
		scope := pick(ScopeTeam, ScopeTeam, ScopeTeam, ScopeCrossTeam, ScopeCrossTeam, ScopeOrg)
		switch r := rng.IntN(100); {
		case r < 12: // a real review: changes requested, comments, some addressed
			s.ChangesRequested, s.Rounds = true, 2+rng.IntN(2)
			s.Comments = 2 + rng.IntN(8)
			s.CommentsAddressed = rng.IntN(s.Comments + 1)
			s.ApprovedAfterChanges = rng.IntN(2) == 0
		case r < 30: // some discussion
			s.Rounds, s.Comments = 1+rng.IntN(2), 2+rng.IntN(5)
		}
		st, _ := strength(s, scope, false)
		count[st]++
	}
	for range 60 {
		s := Signals{Kind: string(connectors.KindPR), Lines: rng.IntN(1500), Merged: rng.IntN(5) > 0, ReviewerTeams: rng.IntN(3)}
		st, _ := strength(s, pick(ScopeTeam, ScopeTeam, ScopeCrossTeam), false)
		count[st]++
	}
	for i := range 12 {
		role := "reviewer"
		if i%3 == 0 {
			role = "author"
		}
		s := Signals{Kind: string(connectors.KindRFC), Role: role, Status: []string{"draft", "accepted", "implementable"}[rng.IntN(3)], TeamsDeclared: rng.IntN(4)}
		st, _ := strength(s, pick(ScopeTeam, ScopeCrossTeam, ScopeOrg), false)
		count[st]++
	}
	for range 150 {
		s := Signals{Kind: string(connectors.KindJiraIssue), Type: []string{"Task", "Story", "Bug", "Bug", "Incident", "Epic"}[rng.IntN(6)], Resolved: rng.IntN(3) > 0, DaysToResolve: rng.IntN(20)}
		st, _ := strength(s, pick(ScopeTeam, ScopeTeam, ScopeCrossTeam), false)
		count[st]++
	}
	total := float64(count[StrengthStrong] + count[StrengthNotable] + count[StrengthRoutine])
	strong, routine := float64(count[StrengthStrong])/total, float64(count[StrengthRoutine])/total
	t.Logf("strong %d (%.1f%%), notable %d, routine %d (%.1f%%)", count[StrengthStrong], 100*strong, count[StrengthNotable], count[StrengthRoutine], 100*routine)
	if strong < 0.03 || strong > 0.10 {
		t.Errorf("strong share %.1f%%, want 3–10%%", 100*strong)
	}
	if routine < 0.5 {
		t.Errorf("routine share %.1f%%, want at least half", 100*routine)
	}
}

// A review given in another team's design document, in comment threads:
// comments resolved count as addressed ones, and enough of them make it
// strong; the same comments on the user's own document add nothing.
func TestStrength_ACommentThreadThatChangedAnotherTeamsDesign(t *testing.T) {
	thread := Signals{Kind: string(connectors.KindRFC), Role: "reviewer", Status: "accepted", Comments: 11, CommentsAddressed: 4, Participants: 3}
	got, why := strength(thread, ScopeCrossTeam, false)
	if got != StrengthStrong || !slices.Contains(why, "4 of 11 comments resolved") || !slices.Contains(why, "11 comments") {
		t.Errorf("a thread that changed another team's design: %s %v", got, why)
	}
	few := Signals{Kind: string(connectors.KindRFC), Role: "reviewer", Comments: 1}
	if got, why := strength(few, ScopeTeam, false); got != StrengthRoutine {
		t.Errorf("one comment on the team's own draft: %s %v", got, why)
	}
	own := thread
	own.Role = "author"
	_, why = strength(own, ScopeCrossTeam, false)
	if slices.ContainsFunc(why, func(s string) bool { return strings.Contains(s, "resolved") }) {
		t.Errorf("an author's replies are not a review: %v", why)
	}
}
