package classify

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/evident-sync/evident/config"
	"github.com/evident-sync/evident/connectors"
)

// touch is one reason a team is involved.
type touch struct {
	teams []string // org team ids, or declared names the org does not know
	what  string   // the fact, as a clause: "acme/api is owned by Payments (repos: acme/api*)"
}

// Classify tags one artifact with scope, teams, domain and summary, each
// with its reason.
func (o *Org) Classify(a *connectors.Artifact) Result {
	var f facts
	o.containerOwners(a, &f)
	byRole := o.counterpartTeams(a, &f)
	o.declaredTeams(a, &f)
	all, foreign := f.teams(o.home)
	r := Result{Teams: foreign, OrgWide: f.wide, ForTeam: f.first(o.home)}
	r.Scope, r.ScopeReason = o.scope(a, &f, all, foreign)
	r.Domain, r.DomainReason = o.domainFor(a, r.Scope)
	r.Summary = o.summary(a, foreign, byRole)
	r.Signals = o.signalsOf(a, foreign)
	if by := r.Signals.ReviewedBy; len(by) > 0 {
		r.ScopeReason += fmt.Sprintf("; reviewed by %s (reviewers show reach, not scope: a PR's scope is where it lives)", o.names(by))
	}
	r.Strength, r.StrengthReasons = strength(r.Signals, r.Scope, f.wide)
	return r
}

// facts are what the rules found: the teams touched, each with its
// clause, the mappings that would have helped, and whether the container
// is org-wide.
type facts struct {
	touches []touch
	missing []string
	wide    bool
}

// containerOwners: rule 1, the teams owning the repository or project.
func (o *Org) containerOwners(a *connectors.Artifact, f *facts) {
	switch a.SourceType {
	case "rfc":
		if !strings.Contains(a.Container, "/") {
			o.localRFCOwners(a, f)
			return
		}
		fallthrough
	case "github":
		if strings.Contains(a.Container, "/") {
			f.wide = o.repoOrgWide(a.Container)
			if ids, via := o.repoOwners(a.Container, a.Activity.Paths); len(ids) > 0 {
				f.touches = append(f.touches, touch{ids, fmt.Sprintf("%s is owned by %s (%s)", a.Container, o.names(ids), via)})
			} else if a.SourceType == "github" {
				f.missing = append(f.missing, fmt.Sprintf("no team owns %s (add it to a team's repos)", a.Container))
			}
		}
	default:
		o.ownersOf(a, f)
	}
}

// ownersOf: rule 1 for a container the config lists under a team's key
// of its source type (a Jira project, a Confluence space, a Drive
// folder).
func (o *Org) ownersOf(a *connectors.Artifact, f *facts) {
	k := containerKey(a.SourceType, a.Container)
	if k == "" {
		return
	}
	f.wide = o.wide[a.SourceType][k]
	t, _ := config.TypeOf(a.SourceType)
	noun := cmp.Or(t.ContainerNoun, "container")
	name, id := a.Container, a.Container
	if a.ContainerName != "" {
		// An id the config uses, and the name people know it by.
		name, id = "“"+a.ContainerName+"”", "“"+a.ContainerName+"” ("+a.Container+")"
	}
	if ids := o.owners[a.SourceType][k]; len(ids) > 0 {
		f.touches = append(f.touches, touch{ids, fmt.Sprintf("%s %s belongs to %s", noun, name, o.names(ids))})
	} else if !f.wide {
		f.missing = append(f.missing, fmt.Sprintf("no team owns %s %s (add it to a team's %s)", noun, id, cmp.Or(t.OrgKey, a.SourceType)))
	}
}

// localRFCOwners: rule 1 for a document of a local folder (its container
// is the source's name): the teams whose rfc_sources name it.
func (o *Org) localRFCOwners(a *connectors.Artifact, f *facts) {
	source := a.Container
	docPath := strings.TrimPrefix(a.Key, "rfc:"+source+":")
	if ids, via := o.rfcOwners(source, docPath); len(ids) > 0 {
		f.touches = append(f.touches, touch{ids, fmt.Sprintf("the RFC folder %s is owned by %s (%s)", source, o.names(ids), via)})
		return
	}
	f.missing = append(f.missing, fmt.Sprintf("no team owns the RFC folder %s (add it to a team's rfc_sources, or set owner_team on the source)", source))
}

// counterpartTeams: rule 2, the teams of the people on the other side of
// the user's work; it returns their IDs by role, for the summary.
func (o *Org) counterpartTeams(a *connectors.Artifact, f *facts) map[connectors.Role][]string {
	byRole := map[connectors.Role][]string{}
	for _, c := range o.counterparts(a) {
		ids := o.teamsOf(c.System, c.ID)
		if len(ids) == 0 && c.System == "email" && c.Name != "" {
			// A source that shows an address where the config lists only
			// the person's name (members.names).
			ids = o.teamsOf("name", c.Name)
		}
		label := counterpartLabel(a, c.Role)
		if len(ids) == 0 {
			who := c.Who()
			if c.Name != "" && c.Name != c.ID {
				who += " (" + c.ID + ")" // the id is what the config needs
			}
			f.missing = append(f.missing, fmt.Sprintf("%s %s is in no team (add %s to a team's members.%s)", label, who, c.ID, memberKey(c.System)))
			continue
		}
		f.touches = append(f.touches, touch{ids, fmt.Sprintf("%s %s is in %s", label, c.Who(), o.names(ids))})
		byRole[c.Role] = append(byRole[c.Role], c.ID)
	}
	return byRole
}

// declaredTeams: rule 3, the teams the artifact declares; names the org
// model does not know are kept, counted and named.
func (o *Org) declaredTeams(a *connectors.Artifact, f *facts) {
	var declared, unknown []string
	set := []string{}
	for _, d := range a.DeclaredTeams {
		if strings.TrimSpace(d) == "" {
			continue
		}
		if id, ok := o.TeamFor(d); ok {
			if !slices.Contains(set, id) {
				set = append(set, id)
				declared = append(declared, o.TeamName(id))
			}
			continue
		}
		n := strings.ToLower(strings.TrimSpace(d))
		if !slices.Contains(set, n) {
			set = append(set, n)
			unknown = append(unknown, n)
		}
	}
	if len(set) > 0 {
		what := "the document declares " + strings.Join(append(declared, unknown...), ", ")
		if len(unknown) > 0 {
			what += fmt.Sprintf(" (%s not in your org config)", strings.Join(unknown, ", "))
		}
		f.touches = append(f.touches, touch{set, what})
	}
}

// first is the one team the work was for, for numbers that must add up:
// the first foreign team in the rules' order, so a repository's owner
// before the PR author's team, and "" when every team touched is home.
func (f *facts) first(home []string) string {
	for _, t := range f.touches {
		for _, id := range t.teams {
			if !slices.Contains(home, id) {
				return id
			}
		}
	}
	return ""
}

// teams are every team touched, and the foreign ones (not home), sorted.
func (f *facts) teams(home []string) (all, foreign []string) {
	for _, t := range f.touches {
		for _, id := range t.teams {
			if !slices.Contains(all, id) {
				all = append(all, id)
			}
		}
	}
	foreign = []string{}
	for _, id := range all {
		if !slices.Contains(home, id) {
			foreign = append(foreign, id)
		}
	}
	sort.Strings(foreign)
	return all, foreign
}

// scope decides the scope from the facts, with the reason.
func (o *Org) scope(a *connectors.Artifact, f *facts, all, foreign []string) (Scope, string) {
	var clauses []string
	for _, t := range f.touches {
		clauses = append(clauses, t.what)
	}
	you := o.youClause()
	distinct := len(foreign)
	if len(o.home) > 0 {
		distinct++
	}
	switch {
	case len(all) == 0 && !f.wide:
		missing := f.missing
		if len(missing) == 0 {
			missing = []string{"the artifact names no owner, counterpart or team"}
		}
		return ScopeUnknown, "no team found: " + strings.Join(missing, "; ")
	case f.wide:
		return ScopeOrg, join(append(clauses, fmt.Sprintf("%s is org-wide (org.org_wide)", cmp.Or(a.ContainerName, a.Container))))
	case distinct >= o.threshold:
		return ScopeOrg, join(append(clauses, you, fmt.Sprintf("%d teams are involved counting yours (org_threshold %d)", distinct, o.threshold)))
	case len(foreign) == 0:
		return ScopeTeam, join(append(clauses, you))
	}
	return ScopeCrossTeam, join(append(clauses, you))
}

func join(clauses []string) string {
	var out []string
	for _, c := range clauses {
		if c != "" {
			out = append(out, c)
		}
	}
	return strings.Join(out, "; ")
}

func (o *Org) youClause() string {
	if len(o.home) == 0 {
		return "you have no home team (set me.teams)"
	}
	return "you are in " + o.names(o.home)
}

// names renders team ids as display names: "Payments", "Payments and Search".
func (o *Org) names(ids []string) string {
	var ns []string
	for _, id := range ids {
		ns = append(ns, o.TeamName(id))
	}
	switch len(ns) {
	case 0:
		return ""
	case 1:
		return ns[0]
	}
	return strings.Join(ns[:len(ns)-1], ", ") + " and " + ns[len(ns)-1]
}

// counterparts are the people whose work the user's work met (rule 3).
func (o *Org) counterparts(a *connectors.Artifact) []connectors.Identity {
	want := map[connectors.Role]bool{}
	switch a.Kind {
	case connectors.KindReview:
		want[connectors.RoleAuthor] = true
	case connectors.KindPR:
		// None: an authored PR's scope is where it lives; its reviewers'
		// teams are a signal (reviewed_by), not scope.
	case connectors.KindRFC:
		want[connectors.RoleAuthor] = true
		if a.HasRole(connectors.RoleAuthor) {
			for _, r := range []connectors.Role{connectors.RoleReviewer, connectors.RoleApprover, connectors.RoleSponsor, connectors.RoleDelegate} {
				want[r] = true
			}
		}
	case connectors.KindJiraIssue:
		want[connectors.RoleReporter] = true
		want[connectors.RoleAssignee] = true
	}
	var out []connectors.Identity
	seen := map[string]bool{}
	for _, c := range a.Counterparts {
		if !want[c.Role] || o.IsMe(c.System, c.ID) {
			continue
		}
		k := c.System + "\x00" + strings.ToLower(c.ID) + "\x00" + string(c.Role)
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, c)
	}
	return out
}

// counterpartLabel names a person by the part they played beside the
// user's: the author of an RFC the user reviewed is its author, not a
// co-author; a co-author only when the user wrote it too.
func counterpartLabel(a *connectors.Artifact, r connectors.Role) string {
	switch {
	case a.Kind == connectors.KindReview && r == connectors.RoleAuthor:
		return "PR author"
	case a.Kind == connectors.KindRFC && r == connectors.RoleAuthor && a.HasRole(connectors.RoleAuthor):
		return "co-author"
	case a.Kind == connectors.KindRFC && r == connectors.RoleAuthor:
		return "RFC author"
	}
	return string(r)
}

func memberKey(system string) string {
	switch system {
	case "email":
		return "emails"
	case "name":
		return "names"
	}
	return system
}
