package classify

import (
	"fmt"
	"slices"
	"sort"
	"strings"

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
	var touches []touch
	var missing []string // mappings that would have helped

	// 1. The container's owners.
	wide := false
	switch a.SourceType {
	case "github", "rfc":
		if strings.Contains(a.Container, "/") {
			wide = o.repoOrgWide(a.Container)
			if ids, via := o.repoOwners(a.Container, a.Activity.Paths); len(ids) > 0 {
				touches = append(touches, touch{ids, fmt.Sprintf("%s is owned by %s (%s)", a.Container, o.names(ids), via)})
			} else if a.SourceType == "github" {
				missing = append(missing, fmt.Sprintf("no team owns %s (add it to a team's repos)", a.Container))
			}
		}
	case "jira":
		wide = o.wideProjs[a.Container]
		if ids := o.projects[a.Container]; len(ids) > 0 {
			touches = append(touches, touch{ids, fmt.Sprintf("Jira project %s belongs to %s", a.Container, o.names(ids))})
		} else {
			missing = append(missing, fmt.Sprintf("no team owns Jira project %s (add it to a team's jira_projects)", a.Container))
		}
	}

	// 2. The counterparts' teams.
	byRole := map[connectors.Role][]string{}
	var roleOrder []connectors.Role
	for _, c := range o.counterparts(a) {
		ids := o.teamsOf(c.System, c.ID)
		label := counterpartLabel(a, c.Role)
		if len(ids) == 0 {
			missing = append(missing, fmt.Sprintf("%s %s is in no team (add %s to a team's members.%s)", label, c.ID, c.ID, memberKey(c.System)))
			continue
		}
		clause := fmt.Sprintf("%s %s is in %s", label, c.ID, o.names(ids))
		touches = append(touches, touch{ids, clause})
		if !slices.Contains(roleOrder, c.Role) {
			roleOrder = append(roleOrder, c.Role)
		}
		byRole[c.Role] = append(byRole[c.Role], c.ID)
	}

	// 3. The teams the artifact declares.
	var declared []string
	var unknownDeclared []string
	declaredSet := []string{}
	for _, d := range a.DeclaredTeams {
		if strings.TrimSpace(d) == "" {
			continue
		}
		if id, ok := o.TeamFor(d); ok {
			if !slices.Contains(declaredSet, id) {
				declaredSet = append(declaredSet, id)
				declared = append(declared, o.TeamName(id))
			}
			continue
		}
		n := strings.ToLower(strings.TrimSpace(d))
		if !slices.Contains(declaredSet, n) {
			declaredSet = append(declaredSet, n)
			unknownDeclared = append(unknownDeclared, n)
		}
	}
	if len(declaredSet) > 0 {
		what := "the document declares " + strings.Join(append(declared, unknownDeclared...), ", ")
		if len(unknownDeclared) > 0 {
			what += fmt.Sprintf(" (%s not in your org config)", strings.Join(unknownDeclared, ", "))
		}
		touches = append(touches, touch{declaredSet, what})
	}

	// Teams touched, and the foreign ones.
	var all []string
	for _, t := range touches {
		for _, id := range t.teams {
			if !slices.Contains(all, id) {
				all = append(all, id)
			}
		}
	}
	foreign := []string{}
	for _, id := range all {
		if !slices.Contains(o.home, id) {
			foreign = append(foreign, id)
		}
	}
	sort.Strings(foreign)

	r := Result{Teams: foreign}
	var clauses []string
	for _, t := range touches {
		clauses = append(clauses, t.what)
	}
	you := o.youClause()
	distinct := len(foreign)
	if len(o.home) > 0 {
		distinct++
	}
	switch {
	case len(all) == 0 && !wide:
		r.Scope = ScopeUnknown
		if len(missing) == 0 {
			missing = append(missing, "the artifact names no owner, counterpart or team")
		}
		r.ScopeReason = "no team found: " + strings.Join(missing, "; ")
	case wide:
		r.Scope = ScopeOrg
		r.ScopeReason = join(append(clauses, fmt.Sprintf("%s is org-wide (org.org_wide)", a.Container)))
	case distinct >= o.threshold:
		r.Scope = ScopeOrg
		r.ScopeReason = join(append(clauses, you, fmt.Sprintf("%d teams are involved counting yours (org_threshold %d)", distinct, o.threshold)))
	case len(foreign) == 0:
		r.Scope = ScopeTeam
		r.ScopeReason = join(append(clauses, you))
	default:
		r.Scope = ScopeCrossTeam
		r.ScopeReason = join(append(clauses, you))
	}
	r.Domain, r.DomainReason = o.domainFor(a, r.Scope)
	r.Summary = o.summary(a, foreign, byRole)
	return r
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
		want[connectors.RoleReviewer] = true
		want[connectors.RoleApprover] = true
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
