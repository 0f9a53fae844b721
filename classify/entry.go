package classify

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Entry words: an entry whose title names one of these is, by default,
// technical impact (delivery the user drove) or initiative (work nobody
// asked for); the rest of what leaves no artifact — mentoring, talks,
// decisions in a meeting, standards — is organisational leverage.
var (
	entryTechnical  = regexp.MustCompile(`(?i)\b(incidents?|outages?|migrations?|launch(es|ed)?|roll-?outs?|on-call|postmortems?|migrated|shipped)\b`)
	entryInitiative = regexp.MustCompile(`(?i)\b(prototypes?|hackathons?|initiatives?|started|proposed|side project)\b`)
)

// ClassifyEntry tags an entry (work the user wrote down, with no artifact)
// from what the user said: teams are team ids the user named, scope and
// domain "" when the user left them to evident. Scope follows the rule for
// everything else over the named teams: none beyond the home teams is
// team, org_threshold teams counting the user's own is org, otherwise
// cross-team. Domain, first match: cross-team or org scope is cross-team
// influence; a title naming an incident, outage, migration, launch,
// rollout or on-call is technical impact; one naming a prototype,
// hackathon or initiative is initiative; otherwise organisational
// leverage. An entry is notable unless the user says otherwise.
func (o *Org) ClassifyEntry(title string, teams []string, scope Scope, domain Domain) Result {
	var foreign []string
	for _, t := range teams {
		if !slices.Contains(o.home, t) && !slices.Contains(foreign, t) {
			foreign = append(foreign, t)
		}
	}
	slices.Sort(foreign)
	r := Result{Teams: foreign, Strength: StrengthNotable, Signals: Signals{Kind: "entry"},
		StrengthReasons: []string{"written down by you"}}
	if len(foreign) > 0 {
		r.ForTeam = foreign[0]
	}
	distinct := len(foreign) + min(len(o.home), 1)
	switch {
	case scope != "":
		r.Scope, r.ScopeReason = scope, "set by you when you added it"
	case len(foreign) == 0:
		r.Scope, r.ScopeReason = ScopeTeam, "no other team named when you added it"
	case distinct >= o.threshold:
		r.Scope, r.ScopeReason = ScopeOrg, fmt.Sprintf("you named %s; %d teams counting yours", o.names(foreign), distinct)
	default:
		r.Scope, r.ScopeReason = ScopeCrossTeam, "you named "+o.names(foreign)
	}
	switch {
	case domain != "":
		r.Domain, r.DomainReason = domain, "set by you when you added it"
	case r.Scope == ScopeCrossTeam || r.Scope == ScopeOrg:
		r.Domain, r.DomainReason = DomainCrossTeamInfluence, "work you noted beyond your team"
	case entryTechnical.MatchString(title):
		r.Domain, r.DomainReason = DomainTechnicalImpact, "work you noted that names delivery ("+strings.ToLower(entryTechnical.FindString(title))+")"
	case entryInitiative.MatchString(title):
		r.Domain, r.DomainReason = DomainInitiative, "work you noted that names an initiative ("+strings.ToLower(entryInitiative.FindString(title))+")"
	default:
		r.Domain, r.DomainReason = DomainOrgLeverage, "work you noted without an artifact: leverage by default"
	}
	r.Summary = "Noted by you"
	if len(foreign) > 0 {
		r.Summary += ", with " + o.names(foreign)
	}
	return r
}
