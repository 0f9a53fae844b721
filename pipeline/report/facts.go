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

// scope says an item's scope in plain words, never larger than what made
// it: "organisation-wide" only where the work lives in a place shared by
// the whole organisation; three teams counted are "three teams: …"; an
// authored PR is where its repository is, its reviewers only reach.
func (w words) scope(it *store.Item) string {
	teams := it.Class.Teams
	var s string
	switch sc := it.Scope(); {
	case it.User.Scope != "" && it.User.Scope != it.Class.Scope:
		s = w.userScope(sc)
	case sc == classify.ScopeOrg && it.Class.OrgWide:
		s = "Organisation-wide: it lives in a place the whole organisation shares"
		if c := it.Artifact.Container; strings.Contains(c, "/") {
			s = fmt.Sprintf("Organisation-wide: %s is shared by the whole organisation", c)
		}
	case sc == classify.ScopeOrg && len(teams) > 0:
		all := append(slices.Clone(teams), w.home...)
		if len(w.home) == 0 {
			all = append(all, "")
		}
		s = fmt.Sprintf("%s teams: %s", titleWord(len(all)), w.teamsOrYours(all))
	case sc == classify.ScopeOrg:
		s = "Organisation-wide"
	case sc == classify.ScopeCrossTeam && it.Artifact.Kind == connectors.KindPR && len(teams) > 0:
		s = fmt.Sprintf("Beyond %s: a change in %s's code", w.homeName(), w.teams(teams))
	case sc == classify.ScopeCrossTeam && len(teams) > 0:
		s = fmt.Sprintf("Beyond %s: for %s", w.homeName(), w.teams(forFirst(it)))
	case sc == classify.ScopeCrossTeam:
		s = "Beyond " + w.homeName()
	case sc == classify.ScopeTeam:
		s = "Within " + w.homeName()
	default:
		s = "Not established: no team is recorded for where this work lives or who it was with"
	}
	if by := it.Class.Signals.ReviewedBy; it.Artifact.Kind == connectors.KindPR && len(by) > 0 {
		s += "; reviewed by " + w.teams(by)
	}
	return s
}

// userScope is a scope the user set by hand.
func (w words) userScope(s classify.Scope) string {
	switch s {
	case classify.ScopeOrg:
		return "Organisation-wide, in your judgment"
	case classify.ScopeCrossTeam:
		return "Beyond " + w.homeName() + ", in your judgment"
	case classify.ScopeTeam:
		return "Within " + w.homeName() + ", in your judgment"
	}
	return "Not established"
}

// forFirst lists an item's teams with the one it was for first.
func forFirst(it *store.Item) []string {
	f := it.ForTeam()
	out := []string{f}
	for _, t := range it.Class.Teams {
		if t != f {
			out = append(out, t)
		}
	}
	return out
}

// teamsOrYours names teams where "" is the user's own team.
func (w words) teamsOrYours(ids []string) string {
	names := make([]string, len(ids))
	for i, id := range ids {
		if id == "" {
			names[i] = "your team"
			continue
		}
		names[i] = w.teamName(id)
	}
	return andList(names)
}

// titleWord writes small counts as words: "Three".
func titleWord(n int) string {
	if n >= 2 && n <= 10 {
		return []string{"Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten"}[n-2]
	}
	return thousands(n)
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
	switch it.Artifact.Kind {
	case connectors.KindReview:
		head := "Reviewed " + ref
		if f := it.ForTeam(); f != "" && wide(it) {
			head += " for " + w.teamName(f)
		}
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
		parts = append(parts, w.prFacts(it))
		add(s.Merged, "merged")
	case connectors.KindRFC:
		parts = append(parts, w.rfcFacts(it)...)
	case connectors.KindJiraIssue:
		parts = append(parts, w.issueFacts(it)...)
	case connectors.KindEntry:
		head := "Recorded by the engineer; no artifact"
		if len(it.Class.Teams) > 0 {
			head += "; with " + w.teams(it.Class.Teams)
		}
		parts = append(parts, head)
	default:
		parts = append(parts, ref)
	}
	return strings.Join(parts, "; ") + "."
}

func (w words) prFacts(it *store.Item) string {
	s := it.Class.Signals
	head := "Authored " + it.Where()
	if s.Lines > 0 {
		head += ": " + lines(s.Lines, s.Files)
	}
	if s.Reviewers == 0 {
		return head
	}
	r := "reviewed by " + count(s.Reviewers, "person")
	switch {
	case len(s.ReviewedBy) > 0:
		r += " including " + w.teams(s.ReviewedBy)
	case s.ReviewerTeams > 0:
		r += " from " + count(s.ReviewerTeams, "other team")
	}
	if s.RoundsReceived > 1 {
		r += fmt.Sprintf(" over %d rounds", s.RoundsReceived)
	}
	return head + "; " + r
}

// rfcFacts says the user's part in a design document, with the people it
// was shared with: "One of two authors, with Bob Olsen".
func (w words) rfcFacts(it *store.Item) []string {
	s := it.Class.Signals
	var co, named []string
	for _, c := range it.Artifact.Counterparts {
		if c.Role == connectors.RoleAuthor && !slices.Contains(co, c.ID) {
			co = append(co, c.ID)
			if n := personName(c); n != "" {
				named = append(named, n)
			}
		}
	}
	role := s.Role
	if role == "" && len(it.Artifact.Roles) > 0 {
		role = string(it.Artifact.Roles[0])
	}
	var head string
	switch {
	case role == "author" && len(co) == 0:
		head = "Sole author"
	case role == "author" && len(co) <= 3 && len(named) == len(co):
		head = fmt.Sprintf("One of %s authors, with %s", numberWord(len(co)+1), andList(named))
	case role == "author" && len(co) <= 3:
		head = fmt.Sprintf("One of %s authors", numberWord(len(co)+1))
	case role == "author":
		head = fmt.Sprintf("One of %d authors", len(co)+1)
	case (role == "reviewer" || role == "commenter" || role == "") && s.Comments > 0:
		// A review given in the document's comment threads.
		head = "Gave review feedback in " + count(s.Comments, "comment")
		if s.CommentsAddressed > 0 {
			head += fmt.Sprintf(", %d of them resolved", s.CommentsAddressed)
		}
	case role == "reviewer" || role == "commenter" || role == "":
		head = "Gave review feedback"
	default:
		head = titleCase(role)
	}
	parts := []string{head}
	if s.Status != "" {
		parts = append(parts, "status "+s.Status)
	}
	if others := s.Participants - len(co); others > 0 {
		parts = append(parts, count(others, "other person")+" took part")
	}
	if s.TeamsDeclared > 1 {
		parts = append(parts, fmt.Sprintf("%d teams named in the document", s.TeamsDeclared))
	}
	return parts
}

// personName is how a reader would know a person: a name as written, a
// GitHub login as @login; "" for an account id no reader can place.
func personName(c connectors.Identity) string {
	switch c.System {
	case "name":
		return c.ID
	case "github":
		return "@" + strings.TrimPrefix(c.ID, "@")
	}
	return ""
}

func numberWord(n int) string {
	if n >= 2 && n <= 10 {
		return strings.ToLower(titleWord(n))
	}
	return thousands(n)
}

func (w words) issueFacts(it *store.Item) []string {
	s := it.Class.Signals
	verb := "Worked on"
	switch {
	case it.Artifact.HasRole(connectors.RoleResolver):
		verb = "Resolved"
	case it.Artifact.HasRole(connectors.RoleReporter) && !it.Artifact.HasRole(connectors.RoleAssignee):
		verb = "Reported"
	}
	head := verb + " " + it.Where()
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
	parts := []string{head}
	if !s.Resolved && verb == "Worked on" {
		parts = append(parts, "still open")
	}
	if s.Comments > 0 {
		parts = append(parts, count(s.Comments, "comment"))
	}
	if s.Links > 0 {
		parts = append(parts, count(s.Links, "linked issue"))
	}
	return parts
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
	if p, ok := strings.CutSuffix(noun, "person"); ok {
		return thousands(n) + " " + p + "people"
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
	case connectors.KindEntry:
		return "entry"
	}
	return string(it.Artifact.Kind)
}
