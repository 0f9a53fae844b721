package classify

import (
	"fmt"
	"slices"
	"strings"

	"github.com/evident-sync/evident/config"
	"github.com/evident-sync/evident/connectors"
	"github.com/evident-sync/evident/pipeline/localapi/apitype"
)

// Strength says how strong a piece of evidence is: the promotion advice
// evident follows holds that of a year of work "most will be routine; a
// handful will be strong".
type Strength string

// Strengths, strongest first.
const (
	StrengthStrong  Strength = "strong"
	StrengthNotable Strength = "notable"
	StrengthRoutine Strength = "routine"
)

// Strengths lists every strength, strongest first.
var Strengths = []Strength{StrengthStrong, StrengthNotable, StrengthRoutine}

// ParseStrength reads a strength name.
func ParseStrength(s string) (Strength, error) {
	return ParseName(s, Strengths, "strength", "strong, notable or routine")
}

// Rank orders strengths: strong 0, notable 1, routine 2 (unknown last).
func (s Strength) Rank() int {
	if i := slices.Index(Strengths, s); i >= 0 {
		return i
	}
	return len(Strengths)
}

// Signals are the facts of the user's part in a piece of work, as the
// source knows them: the wire's type (apitype.Signals), so the contract's
// JSON holds exactly what classification learnt, only what the item's
// kind can know.
type Signals = apitype.Signals

// signalsOf reads the signals from the artifact's facts; teams is the
// classification's foreign teams (the reviewers' teams of an authored PR).
func (o *Org) signalsOf(a *connectors.Artifact, foreign []string) Signals {
	s := Signals{Kind: string(a.Kind)}
	act := &a.Activity
	switch a.Kind {
	case connectors.KindReview:
		sawChanges := false
		for _, r := range act.Rounds {
			if r.State == "COMMENT" {
				continue
			}
			s.Rounds++
			if r.State == "CHANGES_REQUESTED" {
				s.ChangesRequested, sawChanges = true, true
			}
			if r.State == "APPROVED" && sawChanges {
				s.ApprovedAfterChanges = true
			}
		}
		if s.Rounds == 0 && len(act.Rounds) > 0 {
			s.Rounds = 1 // comment-only work is one round of feedback
		}
		s.Comments, s.CommentsAddressed = act.Comments, act.CommentsAddressed
		s.Lines, s.Files = act.Additions+act.Deletions, act.ChangedFiles
	case connectors.KindPR:
		s.Lines, s.Files, s.Merged, s.RoundsReceived = act.Additions+act.Deletions, act.ChangedFiles, act.Merged, act.RoundsReceived
		teams := map[string]bool{}
		for _, c := range a.Counterparts {
			if c.Role != connectors.RoleReviewer && c.Role != connectors.RoleApprover {
				continue
			}
			s.Reviewers++
			for _, id := range o.teamsOf(c.System, c.ID) {
				if !slices.Contains(o.home, id) {
					teams[id] = true
				}
			}
		}
		s.ReviewerTeams = len(teams)
		for id := range teams {
			s.ReviewedBy = append(s.ReviewedBy, id)
		}
		slices.Sort(s.ReviewedBy)
	case connectors.KindRFC:
		s.Role = rfcRole(a)
		s.Status = strings.ToLower(strings.TrimSpace(act.State))
		people := map[string]bool{}
		for _, c := range a.Counterparts {
			people[strings.ToLower(c.ID)] = true
		}
		s.Participants = len(people)
		s.TeamsDeclared = len(a.DeclaredTeams)
		s.Comments, s.CommentsAddressed = act.Comments, act.CommentsAddressed
		if t, ok := config.TypeOf(a.SourceType); ok {
			s.Threads = t.Threads
		}
	case connectors.KindJiraIssue:
		s.Type, s.Comments, s.Priority, s.Links = act.IssueType, act.Comments, act.Priority, act.Links
		s.Resolved = !act.ResolvedAt.IsZero() || act.Resolution != ""
		if !act.ResolvedAt.IsZero() && !act.CreatedAt.IsZero() && act.ResolvedAt.After(act.CreatedAt) {
			s.DaysToResolve = int(act.ResolvedAt.Sub(act.CreatedAt).Hours() / 24)
		}
	}
	return s
}

func rfcRole(a *connectors.Artifact) string {
	for _, r := range []connectors.Role{connectors.RoleAuthor, connectors.RoleApprover, connectors.RoleSponsor, connectors.RoleDelegate, connectors.RoleReviewer} {
		if a.HasRole(r) {
			return string(r)
		}
	}
	if len(a.Roles) > 0 {
		return string(a.Roles[0])
	}
	return ""
}

// Strength thresholds: points from the rules below.
const (
	strongAt  = 6
	notableAt = 3
)

// score adds up a piece of evidence's points and says why, in short
// phrases a person can check; ceiling is the strongest it may be whatever
// its points (a rejected RFC is never strong).
type score struct {
	pts     int
	why     []string
	ceiling Strength
}

func (c *score) add(p int, reason string) {
	c.pts += p
	if reason != "" {
		c.why = append(c.why, reason)
	}
}

// cap lowers the ceiling to at most s, saying why.
func (c *score) cap(s Strength, reason string) {
	if s.Rank() > c.ceiling.Rank() {
		c.ceiling = s
	}
	c.why = append(c.why, reason)
}

// strength scores the signals and scope by the documented rules (the
// README's strength table) and says why.
func strength(s Signals, scope Scope, wide bool) (Strength, []string) {
	c := &score{ceiling: StrengthStrong}
	switch connectors.Kind(s.Kind) {
	case connectors.KindReview:
		reviewPoints(c, s)
	case connectors.KindPR:
		prPoints(c, s)
	case connectors.KindRFC:
		rfcPoints(c, s, scope, wide)
	case connectors.KindJiraIssue:
		issuePoints(c, s)
	}
	switch {
	case wide:
		c.add(2, "org-wide by where it lives (its repository, project, space or folder)")
	case scope == ScopeOrg:
		c.add(2, "three or more teams involved")
	case scope == ScopeCrossTeam:
		c.add(1, "for another team")
	case scope == ScopeUnknown:
		c.add(0, "scope unknown: no team of yours or another's found for it")
	}
	got := StrengthRoutine
	switch {
	case c.pts >= strongAt:
		got = StrengthStrong
	case c.pts >= notableAt:
		got = StrengthNotable
	}
	if got.Rank() < c.ceiling.Rank() {
		got = c.ceiling
	}
	return got, c.why
}

func reviewPoints(c *score, s Signals) {
	switch {
	case s.ApprovedAfterChanges:
		c.add(3, fmt.Sprintf("changes requested, then approved after %d rounds", max(s.Rounds, 2)))
	case s.ChangesRequested:
		c.add(2, "changes requested")
	case s.Rounds >= 3:
		c.add(1, fmt.Sprintf("%d review rounds", s.Rounds))
	}
	switch {
	case s.CommentsAddressed >= 3:
		c.add(2, fmt.Sprintf("%d of %d comments addressed", s.CommentsAddressed, max(s.Comments, s.CommentsAddressed)))
	case s.CommentsAddressed > 0:
		c.add(1, fmt.Sprintf("%d of %d comments addressed", s.CommentsAddressed, max(s.Comments, s.CommentsAddressed)))
	}
	switch {
	case s.Comments >= 10:
		c.add(2, fmt.Sprintf("%d comments", s.Comments))
	case s.Comments >= 5:
		c.add(1, fmt.Sprintf("%d comments", s.Comments))
	}
	if s.Lines >= 1000 {
		c.add(1, fmt.Sprintf("%s lines", thousands(s.Lines)))
	}
}

func prPoints(c *score, s Signals) {
	switch {
	case s.Lines >= 2000:
		c.add(2, fmt.Sprintf("%s lines", thousands(s.Lines)))
	case s.Lines >= 500:
		c.add(1, fmt.Sprintf("%s lines", thousands(s.Lines)))
	}
	switch {
	case s.ReviewerTeams >= 2:
		c.add(2, fmt.Sprintf("reviewed by %d other teams", s.ReviewerTeams))
	case s.ReviewerTeams == 1:
		c.add(1, "reviewed by another team")
	}
	if s.Merged {
		c.add(1, "merged")
	}
}

// RFC statuses by weight: a design that landed, one still open, and one
// that did not land (never strong); an April Fools' document is routine.
var (
	rfcLanded   = []string{"accepted", "final", "implemented", "implementable", "active", "approved", "completed", "done"}
	rfcNotTaken = []string{"rejected", "withdrawn", "deferred", "superseded", "declined", "abandoned", "postponed", "obsolete", "replaced"}
)

func rfcPoints(c *score, s Signals, scope Scope, wide bool) {
	author := s.Role == "author"
	switch s.Role {
	case "author":
		reason := "authored"
		if s.TeamsDeclared > 0 {
			reason += fmt.Sprintf("; %d teams declared", s.TeamsDeclared)
		}
		c.add(3, reason)
	case "approver", "sponsor", "delegate":
		c.add(2, s.Role)
	default:
		c.add(1, "reviewed")
	}
	status := strings.ToLower(strings.TrimSpace(s.Status))
	switch {
	case slices.Contains(rfcLanded, status) && author:
		c.add(3, status+": the design you wrote landed")
	case slices.Contains(rfcLanded, status):
		c.add(1, status)
	case slices.Contains(rfcNotTaken, status):
		c.cap(StrengthNotable, status+": never strong")
	case strings.Contains(status, "april"):
		c.cap(StrengthRoutine, "an April Fools' document")
	}
	if author && (wide || scope == ScopeOrg || scope == ScopeCrossTeam) {
		c.add(1, "your design reaches other teams")
	}
	if s.TeamsDeclared >= 3 && !author {
		c.add(1, fmt.Sprintf("%d teams declared", s.TeamsDeclared))
	}
	if !author {
		threadPoints(c, s)
	}
}

// threadPoints: a review given in a document's comment threads counts as
// a code review's comments do, a resolved comment as an addressed one.
func threadPoints(c *score, s Signals) {
	switch {
	case s.CommentsAddressed >= 3:
		c.add(2, fmt.Sprintf("%d of %d comments resolved", s.CommentsAddressed, s.Comments))
	case s.CommentsAddressed >= 1:
		c.add(1, fmt.Sprintf("%d of %d comments resolved", s.CommentsAddressed, s.Comments))
	}
	switch {
	case s.Comments >= 10:
		c.add(2, fmt.Sprintf("%d comments", s.Comments))
	case s.Comments >= 5:
		c.add(1, fmt.Sprintf("%d comments", s.Comments))
	}
}

func issuePoints(c *score, s Signals) {
	t := strings.ToLower(s.Type)
	big := t == "incident" || t == "epic"
	if big {
		c.add(2, t)
	}
	if s.Resolved {
		switch {
		case big && s.DaysToResolve <= 2:
			c.add(2, fmt.Sprintf("%s resolved in %s", t, days(s.DaysToResolve)))
		default:
			c.add(1, "resolved")
		}
	}
	if s.Comments >= 5 {
		c.add(1, fmt.Sprintf("%d comments", s.Comments))
	}
	switch strings.ToLower(s.Priority) {
	case "highest", "blocker", "critical", "p0", "p1":
		c.add(1, strings.ToLower(s.Priority)+" priority")
	}
	if big && s.Resolved && s.DaysToResolve == 0 && s.Comments == 0 && s.Links == 0 {
		c.cap(StrengthNotable, fmt.Sprintf("an %s opened and closed within a day with no comments or links: at most notable", t))
	}
}

func days(n int) string {
	if n == 1 {
		return "1 day"
	}
	if n == 0 {
		return "under a day"
	}
	return fmt.Sprintf("%d days", n)
}

// thousands writes 2400 as "2,400".
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
