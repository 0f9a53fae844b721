package classify

import (
	"fmt"
	"slices"
	"strings"

	"github.com/evident-sync/evident/connectors"
)

// domainFor applies the domain rule table, first match wins:
//
//	kind        condition                                         domain
//	jira_issue  reported and resolved by you, not assigned to     initiative
//	            you at creation
//	jira_issue  an epic or incident you resolved or were          technical-impact
//	            assigned
//	review      scope cross-team or org                           cross-team-influence
//	review      scope team or unknown                             org-leverage
//	rfc         authored, scope cross-team or org                 cross-team-influence
//	rfc         authored, scope team or unknown                   technical-impact
//	rfc         reviewed, approved, sponsored: cross-team or org  cross-team-influence
//	rfc         reviewed, approved, sponsored: team or unknown    org-leverage
//	pr          scope cross-team or org                           cross-team-influence
//	pr          scope team or unknown                             technical-impact
//	jira_issue  scope cross-team or org                           cross-team-influence
//	jira_issue  otherwise                                         technical-impact
//
// The user's own edit of the domain overrides all of these.
func (o *Org) domainFor(a *connectors.Artifact, s Scope) (Domain, string) {
	wider := s == ScopeCrossTeam || s == ScopeOrg
	switch a.Kind {
	case connectors.KindJiraIssue:
		typ := strings.ToLower(a.Activity.IssueType)
		if a.HasRole(connectors.RoleReporter) && a.HasRole(connectors.RoleResolver) && !o.IsMe("jira", a.Activity.InitialAssignee) && a.Activity.InitialAssignee != connectors.Me {
			return DomainInitiative, "you reported and resolved it without being assigned it at first"
		}
		if (typ == "epic" || typ == "incident") && (a.HasRole(connectors.RoleResolver) || a.HasRole(connectors.RoleAssignee)) {
			return DomainTechnicalImpact, fmt.Sprintf("you drove an %s", typ)
		}
		if wider {
			return DomainCrossTeamInfluence, "an issue of another team that you moved forward"
		}
		return DomainTechnicalImpact, "delivery work in your team's area"
	case connectors.KindReview:
		switch {
		case wider:
			return DomainCrossTeamInfluence, "a review for another team"
		case s == ScopeUnknown:
			return DomainOrgLeverage, "a review whose team the config does not say"
		}
		return DomainOrgLeverage, "a review inside your team"
	case connectors.KindRFC:
		if a.HasRole(connectors.RoleAuthor) {
			if wider {
				return DomainCrossTeamInfluence, "an RFC you wrote that reaches beyond your team"
			}
			return DomainTechnicalImpact, "an RFC you wrote"
		}
		switch {
		case wider:
			return DomainCrossTeamInfluence, "RFC feedback given beyond your team"
		case s == ScopeUnknown:
			return DomainOrgLeverage, "RFC feedback on a document whose team the config does not say"
		}
		return DomainOrgLeverage, "RFC feedback inside your team"
	case connectors.KindPR:
		if wider {
			return DomainCrossTeamInfluence, "a change you made in another team's area"
		}
		return DomainTechnicalImpact, "a change you made"
	}
	return DomainTechnicalImpact, "no rule matched; technical impact by default"
}

// summary is the one line a person reads in the inbox.
func (o *Org) summary(a *connectors.Artifact, foreign []string, byRole map[connectors.Role][]string) string {
	act := &a.Activity
	ref := a.Container
	if _, num, ok := strings.Cut(a.Key, "#"); ok && a.SourceType == "github" {
		ref = a.Container + "#" + num
	}
	switch a.Kind {
	case connectors.KindReview:
		for_ := ""
		if len(foreign) > 0 {
			for_ = " for " + o.names(foreign)
		} else if authors := byRole[connectors.RoleAuthor]; len(authors) > 0 {
			for_ = " for " + authors[0]
		}
		rounds := 0
		final := ""
		for _, r := range act.Rounds {
			if r.State == "" || r.State == "COMMENT" {
				continue
			}
			rounds++
			if r.State != "COMMENTED" {
				final = r.State
			}
		}
		if rounds == 0 {
			return fmt.Sprintf("Commented on %s%s: %s", ref, for_, count(act.Comments, "comment"))
		}
		verdict := map[string]string{"APPROVED": "approved", "CHANGES_REQUESTED": "requested changes", "DISMISSED": "review dismissed"}[final]
		if verdict == "" {
			verdict = "commented"
		}
		return fmt.Sprintf("Reviewed %s%s: %s after %s, %s", ref, for_, verdict, count(rounds, "round"), count(act.Comments, "comment"))
	case connectors.KindPR:
		var facts []string
		if act.Merged {
			facts = append(facts, "merged")
		} else if act.State != "" {
			facts = append(facts, act.State)
		}
		if act.Additions+act.Deletions > 0 {
			facts = append(facts, fmt.Sprintf("+%d −%d", act.Additions, act.Deletions))
		}
		if rs := o.reviewers(a); len(rs) > 0 {
			facts = append(facts, "reviewed by "+strings.Join(rs, ", "))
		}
		s := "Authored " + ref
		if len(facts) > 0 {
			s += ": " + strings.Join(facts, ", ")
		}
		return s
	case connectors.KindRFC:
		verb := "Took part in"
		switch {
		case a.HasRole(connectors.RoleAuthor):
			verb = "Authored"
		case a.HasRole(connectors.RoleApprover):
			verb = "Approved"
		case a.HasRole(connectors.RoleSponsor):
			verb = "Sponsored"
		case a.HasRole(connectors.RoleDelegate):
			verb = "Decided as delegate on"
		case a.HasRole(connectors.RoleReviewer):
			verb = "Reviewed"
		}
		s := fmt.Sprintf("%s RFC %q", verb, a.Title)
		if act.State != "" {
			s += " (" + act.State + ")"
		}
		return s
	case connectors.KindJiraIssue:
		typ := strings.ToLower(act.IssueType)
		if typ == "" {
			typ = "issue"
		}
		key := strings.TrimPrefix(a.Key, "jira:")
		switch {
		case a.HasRole(connectors.RoleReporter) && a.HasRole(connectors.RoleResolver):
			return fmt.Sprintf("Reported and resolved %s %s", typ, key)
		case a.HasRole(connectors.RoleResolver):
			return fmt.Sprintf("Resolved %s %s", typ, key)
		case a.HasRole(connectors.RoleAssignee):
			s := fmt.Sprintf("Worked on %s %s", typ, key)
			if act.State != "" {
				s += " (" + act.State + ")"
			}
			return s
		case a.HasRole(connectors.RoleTransitioner):
			return fmt.Sprintf("Moved %s %s forward (%s)", typ, key, act.State)
		case a.HasRole(connectors.RoleReporter):
			return fmt.Sprintf("Reported %s %s", typ, key)
		}
		return fmt.Sprintf("Commented on %s %s: %s", typ, key, count(act.Comments, "comment"))
	}
	return a.Title
}

func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// reviewers are the logins of an authored PR's reviewers other than the
// user, each once, in the order the source gave them.
func (o *Org) reviewers(a *connectors.Artifact) []string {
	var out []string
	for _, c := range a.Counterparts {
		if (c.Role == connectors.RoleReviewer || c.Role == connectors.RoleApprover) && !o.IsMe(c.System, c.ID) && !slices.Contains(out, c.ID) {
			out = append(out, c.ID)
		}
	}
	return out
}
