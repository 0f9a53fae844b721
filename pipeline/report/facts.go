package report

import (
	"fmt"
	"slices"
	"strings"

	"github.com/evident-sync/evident/classify"
	"github.com/evident-sync/evident/connectors"
	"github.com/evident-sync/evident/pipeline/store"
)

// words turns ids and the facts of items into plain language for a reader
// who does not know the user's organisation: team names, never ids, keys
// or thresholds.
type words struct {
	teamName func(string) string
	home     []string
}

// teams names team ids: "Payments", "Payments and Search", "A, B and C".
func (w words) teams(ids []string) string {
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = w.teamName(id)
	}
	return andList(names)
}

// homeName names the user's own team(s), or "your team".
func (w words) homeName() string {
	if len(w.home) == 0 {
		return "your team"
	}
	return w.teams(w.home)
}

func andList(s []string) string {
	switch len(s) {
	case 0:
		return ""
	case 1:
		return s[0]
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}

// scope says an item's scope in plain words.
func (w words) scope(it *store.Item) string {
	teams := it.Class.Teams
	switch it.Scope() {
	case classify.ScopeOrg:
		if len(teams) > 0 {
			all := append(slices.Clone(teams), w.home...)
			if len(w.home) == 0 {
				return fmt.Sprintf("Organisation-wide: %s and your team involved", w.teams(teams))
			}
			return fmt.Sprintf("Organisation-wide: %s involved", w.teams(all))
		}
		return fmt.Sprintf("Organisation-wide: %s is shared across the organisation", it.Artifact.Container)
	case classify.ScopeCrossTeam:
		if len(teams) > 0 {
			return fmt.Sprintf("Cross-team: for %s, outside %s", w.teams(teams), w.homeName())
		}
		return "Cross-team"
	case classify.ScopeTeam:
		return "Within " + w.homeName()
	}
	return "Scope not established"
}

// facts is one sentence of the item's facts with their numbers, from its
// signals: "Reviewed acme/ledger#812 for Payments over 3 rounds; 9 of 11
// comments addressed; 2,400 lines."
func (w words) facts(it *store.Item) string {
	s := it.Class.Signals
	var parts []string
	add := func(cond bool, format string, a ...any) {
		if cond {
			parts = append(parts, fmt.Sprintf(format, a...))
		}
	}
	ref := it.Where()
	forTeams := ""
	if len(it.Class.Teams) > 0 {
		forTeams = " for " + w.teams(it.Class.Teams)
	}
	switch it.Artifact.Kind {
	case connectors.KindReview:
		head := "Reviewed " + ref + forTeams
		if s.Rounds > 1 {
			head += fmt.Sprintf(" over %d rounds", s.Rounds)
		}
		parts = append(parts, head)
		switch {
		case s.ApprovedAfterChanges:
			parts = append(parts, "changes requested, then approved")
		case s.ChangesRequested:
			parts = append(parts, "changes requested")
		}
		switch {
		case s.CommentsAddressed > 0:
			parts = append(parts, fmt.Sprintf("%d of %s addressed", s.CommentsAddressed, count(s.Comments, "comment")))
		case s.Comments > 0:
			parts = append(parts, count(s.Comments, "comment"))
		}
		add(s.Lines > 0, "%s", lines(s.Lines, s.Files))
	case connectors.KindPR:
		head := "Authored " + ref
		if s.Lines > 0 {
			head += ": " + lines(s.Lines, s.Files)
		}
		parts = append(parts, head)
		if s.Reviewers > 0 {
			r := "reviewed by " + count(s.Reviewers, "person")
			if s.ReviewerTeams > 0 {
				r += " from " + count(s.ReviewerTeams, "other team")
			}
			if s.RoundsReceived > 1 {
				r += fmt.Sprintf(" over %d rounds", s.RoundsReceived)
			}
			parts = append(parts, r)
		}
		add(s.Merged, "merged")
	case connectors.KindRFC:
		role := s.Role
		if role == "" && len(it.Artifact.Roles) > 0 {
			role = string(it.Artifact.Roles[0])
		}
		if role == "" {
			role = "contributor"
		}
		head := fmt.Sprintf("%s of %s", strings.ToUpper(role[:1])+role[1:], it.Title())
		if c := it.Artifact.Container; c != "" {
			head += " in " + c
		}
		parts = append(parts, head)
		add(s.Status != "", "status %s", s.Status)
		add(s.Participants > 0, "%s", count(s.Participants, "other participant"))
		add(s.TeamsDeclared > 1, "%d teams named in the document", s.TeamsDeclared)
	case connectors.KindJiraIssue:
		verb := "Worked on"
		switch {
		case it.Artifact.HasRole(connectors.RoleResolver):
			verb = "Resolved"
		case it.Artifact.HasRole(connectors.RoleReporter) && !it.Artifact.HasRole(connectors.RoleAssignee):
			verb = "Reported"
		}
		head := verb + " " + ref
		var what []string
		if s.Type != "" {
			what = append(what, strings.ToLower(s.Type))
		}
		if s.Priority != "" {
			what = append(what, strings.ToLower(s.Priority)+" priority")
		}
		if len(what) > 0 {
			head += " (" + strings.Join(what, ", ") + ")"
		}
		if s.Resolved && s.DaysToResolve > 0 && verb == "Resolved" {
			head += " in " + count(s.DaysToResolve, "day")
		}
		parts = append(parts, head)
		add(s.Comments > 0, "%s", count(s.Comments, "comment"))
		add(s.Links > 0, "%s", count(s.Links, "linked issue"))
	default:
		parts = append(parts, ref)
	}
	return strings.Join(parts, "; ") + "."
}

func lines(n, files int) string {
	s := thousands(n) + " lines"
	if files > 0 {
		s += " in " + count(files, "file")
	}
	return s
}

// count writes "1 comment", "11 comments", "2,400 lines".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	if strings.HasSuffix(noun, "person") {
		return thousands(n) + " people"
	}
	return thousands(n) + " " + noun + "s"
}

// thousands writes 2400 as "2,400".
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// kindNoun is what one item of a kind is called in a thread or a rollup.
func kindNoun(it *store.Item) string {
	switch it.Artifact.Kind {
	case connectors.KindReview:
		return "review"
	case connectors.KindPR:
		return "PR"
	case connectors.KindRFC:
		return "RFC"
	case connectors.KindJiraIssue:
		if t := it.Class.Signals.Type; t != "" {
			return strings.ToLower(t)
		}
		return "issue"
	}
	return string(it.Artifact.Kind)
}
