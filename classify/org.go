// Package classify decides an artifact's scope and promotion domain and says
// why, in sentences a person can check. It is pure: facts in, tags and
// reasons out, no I/O.
//
// # Scope
//
// Teams touched = owner teams of the container ∪ teams of the counterparts ∪
// teams the artifact declares. The counterparts are the people whose work the
// user's work met: for a review, the PR's author; for an authored PR, none
// (its scope is where it lives: its reviewers' teams are the reviewed_by
// signal); for an RFC, its other authors and, when the user authored it,
// its reviewers, approvers, sponsors and delegates; for a Jira issue, its
// reporter and assignee. Then:
//
//   - nothing touched: unknown, and the reason names the missing mapping;
//   - the container is org-wide, or at least org_threshold distinct teams are
//     involved counting the user's own: org;
//   - everything touched is a home team of the user: team;
//   - otherwise: cross-team.
//
// # Container owners, by precedence
//
// A repository's owner teams come from the first of these that names any:
// the config's team repos globs; CODEOWNERS (the team owning the files a PR
// touched; last matching pattern wins); the GitHub org's team repositories.
// A Jira project's owners come from the config's jira_projects.
//
// # Domain
//
// See domainFor: a small rule table, documented there and in README.md.
package classify

import (
	"cmp"
	"path"
	"slices"
	"strings"

	"github.com/evident-sync/evident/config"
)

// Org is the organisation model classification runs against.
type Org struct {
	me        identity
	home      []string // the user's home team ids
	teams     map[string]*team
	byMember  map[string]map[string][]string // system -> lower-case id -> team ids
	byName    map[string]string              // lower-case id, name or alias -> team id
	repoGlobs []ownerGlob
	repoDesc  []describedGlob
	rfcGlobs  []ownerGlob       // local RFC folders: "source", "source/sub", "source/*.md"
	rfcOwner  map[string]string // a local RFC source's owner_team
	// owners are, by source type, the teams owning each container the
	// config names under the type's key (a Jira project, a Confluence
	// space, a Drive folder), keyed as containerKey has it.
	owners    map[string]map[string][]string
	wideRepos []string
	wide      map[string]map[string]bool // by source type, org_wide's containers
	threshold int

	// Optional enrichments, filled by the pipeline when configured.
	codeowners    map[string]*CodeOwners // repo -> its CODEOWNERS
	githubTeams   map[string][]string    // repo -> team ids, from the org's teams API
	githubMembers map[string][]string    // login -> team ids, from the org's teams API
}

type team struct {
	ID, Name string
}

type ownerGlob struct {
	glob, team string
}

// describedGlob is a repos glob with the config's description of it.
type describedGlob struct {
	glob, text string
}

type identity struct {
	github, jira, confluence, name string
	emails                         []string
}

// NewOrg builds the org model from the config.
func NewOrg(c *config.Config) *Org {
	o := &Org{
		me: identity{
			github:     strings.ToLower(strings.TrimPrefix(c.Me.GitHub, "@")),
			jira:       strings.ToLower(c.Me.Jira),
			confluence: strings.ToLower(cmp.Or(c.Me.Confluence, c.Me.Jira)),
			name:       strings.ToLower(c.Me.Name),
		},
		home:      slices.Clone(c.Me.Teams),
		teams:     map[string]*team{},
		byMember:  map[string]map[string][]string{},
		byName:    map[string]string{},
		owners:    map[string]map[string][]string{},
		wide:      map[string]map[string]bool{},
		threshold: c.Org.OrgThreshold,
	}
	if o.threshold < 2 {
		o.threshold = config.DefaultOrgThreshold
	}
	for _, e := range c.Me.Emails {
		o.me.emails = append(o.me.emails, strings.ToLower(e))
	}
	for _, t := range c.Org.Teams {
		name := t.Name
		if name == "" {
			name = t.ID
		}
		o.teams[t.ID] = &team{ID: t.ID, Name: name}
		for _, n := range append([]string{t.ID, name}, t.Aliases...) {
			if _, ok := o.byName[strings.ToLower(n)]; !ok {
				o.byName[strings.ToLower(n)] = t.ID
			}
		}
		add := func(system string, ids []string) {
			if o.byMember[system] == nil {
				o.byMember[system] = map[string][]string{}
			}
			for _, id := range ids {
				k := strings.ToLower(strings.TrimPrefix(id, "@"))
				if !slices.Contains(o.byMember[system][k], t.ID) {
					o.byMember[system][k] = append(o.byMember[system][k], t.ID)
				}
			}
		}
		add("github", t.Members.GitHub)
		add("jira", t.Members.Jira)
		// Confluence accounts are Jira's (Cloud account IDs are shared),
		// unless the team lists them apart.
		if len(t.Members.Confluence) > 0 {
			add("confluence", t.Members.Confluence)
		} else {
			add("confluence", t.Members.Jira)
		}
		add("email", t.Members.Emails)
		add("name", t.Members.Names)
		for _, g := range t.Repos {
			o.repoGlobs = append(o.repoGlobs, ownerGlob{strings.ToLower(g.Glob), t.ID})
			if g.Description != "" {
				o.repoDesc = append(o.repoDesc, describedGlob{strings.ToLower(g.Glob), g.Description})
			}
		}
		for typ, cs := range t.Containers {
			if typ == "rfc" {
				for _, r := range cs {
					o.rfcGlobs = append(o.rfcGlobs, ownerGlob{strings.Trim(r, "/"), t.ID})
				}
				continue
			}
			if o.owners[typ] == nil {
				o.owners[typ] = map[string][]string{}
			}
			for _, k := range cs {
				k = containerKey(typ, k)
				o.owners[typ][k] = append(o.owners[typ][k], t.ID)
			}
		}
	}
	o.rfcOwner = map[string]string{}
	for _, e := range c.Sources.All() {
		// A source that names the team owning its documents (a local
		// RFC folder's owner_team).
		if ow, ok := e.Source.(interface{ OwnerTeam() string }); ok && ow.OwnerTeam() != "" {
			if id, ok := o.TeamFor(ow.OwnerTeam()); ok {
				o.rfcOwner[e.Source.SourceName()] = id
			}
		}
	}
	for _, g := range c.Org.OrgWide.Repos {
		o.wideRepos = append(o.wideRepos, strings.ToLower(g))
	}
	for typ, cs := range c.Org.OrgWide.Containers {
		o.wide[typ] = map[string]bool{}
		for _, k := range cs {
			o.wide[typ][containerKey(typ, k)] = true
		}
	}
	return o
}

// containerKey is how a container of type typ is matched: in any case
// where the type says so (Confluence space keys), else as written.
func containerKey(typ, k string) string {
	if t, ok := config.TypeOf(typ); ok && t.FoldCase {
		return strings.ToUpper(k)
	}
	return k
}

// WithCodeOwners returns a copy of o that also knows each repository's
// CODEOWNERS (repo "owner/name" -> parsed file).
func (o *Org) WithCodeOwners(byRepo map[string]*CodeOwners) *Org {
	c := *o
	c.codeowners = map[string]*CodeOwners{}
	for k, v := range byRepo {
		c.codeowners[strings.ToLower(k)] = v
	}
	return &c
}

// GitHubTeam is a team of the GitHub organisation, as its teams API says.
type GitHubTeam struct {
	Slug, Name string
	Members    []string
	Repos      []string // owner/name
}

// WithGitHubTeams returns a copy of o that also knows the GitHub org's
// teams: which repositories each can reach, and who is in it. A GitHub team
// counts as the org team whose id, name or alias is its slug or name; others
// are ignored. Config beats these: a repository matched by a team's repos
// glob, or a person listed under a team's members, keeps that team.
func (o *Org) WithGitHubTeams(teams []GitHubTeam) *Org {
	c := *o
	c.githubTeams = map[string][]string{}
	c.githubMembers = map[string][]string{}
	for _, t := range teams {
		id, ok := c.TeamFor(t.Slug)
		if !ok {
			if id, ok = c.TeamFor(t.Name); !ok {
				continue
			}
		}
		for _, r := range t.Repos {
			k := strings.ToLower(r)
			if !slices.Contains(c.githubTeams[k], id) {
				c.githubTeams[k] = append(c.githubTeams[k], id)
			}
		}
		for _, m := range t.Members {
			k := strings.ToLower(m)
			if !slices.Contains(c.githubMembers[k], id) {
				c.githubMembers[k] = append(c.githubMembers[k], id)
			}
		}
	}
	return &c
}

// TeamFor maps a team name as a source writes it (an id, a name, an alias,
// a GitHub "@org/slug") to an org team id.
func (o *Org) TeamFor(name string) (string, bool) {
	n := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(name, "@")))
	if id, ok := o.byName[n]; ok {
		return id, true
	}
	if _, slug, ok := strings.Cut(n, "/"); ok {
		if id, ok := o.byName[slug]; ok {
			return id, true
		}
	}
	return "", false
}

// TeamName is a team's display name, or the id itself when unknown.
func (o *Org) TeamName(id string) string {
	if t, ok := o.teams[id]; ok {
		return t.Name
	}
	return id
}

// IsMe reports whether an identity is the user.
func (o *Org) IsMe(system, id string) bool {
	id = strings.ToLower(strings.TrimPrefix(id, "@"))
	switch system {
	case "github":
		return id != "" && id == o.me.github
	case "jira":
		return id != "" && id == o.me.jira
	case "confluence":
		return id != "" && id == o.me.confluence
	case "email":
		return slices.Contains(o.me.emails, id)
	case "name":
		return id != "" && id == o.me.name
	}
	return false
}

// teamsOf returns the team ids a person belongs to: the config's members
// first, else (for GitHub logins) the GitHub org's team membership.
func (o *Org) teamsOf(system, id string) []string {
	k := strings.ToLower(strings.TrimPrefix(id, "@"))
	if ids := o.byMember[system][k]; len(ids) > 0 {
		return ids
	}
	if system == "github" {
		return o.githubMembers[k]
	}
	return nil
}

// repoOwners returns the owner teams of a repository and where that came
// from, by precedence: config globs, then CODEOWNERS over the given paths,
// then GitHub team repositories.
func (o *Org) repoOwners(repo string, paths []string) (teams []string, via string) {
	r := strings.ToLower(repo)
	var globs []string
	for _, g := range o.repoGlobs {
		if ok, _ := path.Match(g.glob, r); ok {
			if !slices.Contains(teams, g.team) {
				teams = append(teams, g.team)
			}
			if !slices.Contains(globs, g.glob) {
				globs = append(globs, g.glob)
			}
		}
	}
	if len(teams) > 0 {
		return teams, "repos: " + strings.Join(globs, ", ")
	}
	if co := o.codeowners[r]; co != nil && len(paths) > 0 {
		for _, p := range paths {
			for _, owner := range co.Owners(p) {
				if id, ok := o.TeamFor(owner); ok && !slices.Contains(teams, id) {
					teams = append(teams, id)
				}
			}
		}
		if len(teams) > 0 {
			return teams, "CODEOWNERS"
		}
	}
	if ids := o.githubTeams[r]; len(ids) > 0 {
		return slices.Clone(ids), "GitHub team access"
	}
	return nil, ""
}

func (o *Org) repoOrgWide(repo string) bool {
	r := strings.ToLower(repo)
	for _, g := range o.wideRepos {
		if ok, _ := path.Match(g, r); ok {
			return true
		}
	}
	return false
}

// Describe is the config's one-line description of a repository (a team's
// repos entry with description, the first whose glob matches), or "".
func (o *Org) Describe(repo string) string {
	r := strings.ToLower(repo)
	for _, g := range o.repoDesc {
		if ok, _ := path.Match(g.glob, r); ok {
			return g.text
		}
	}
	return ""
}

// rfcOwners are the teams owning a document of a local RFC folder: the
// rfc_sources entries that name its folder, sub-folder or path glob, the
// most specific first; else the source's owner_team. via is the key that
// said so.
func (o *Org) rfcOwners(source, docPath string) (teams []string, via string) {
	full := source + "/" + docPath
	best := -1
	for _, g := range o.rfcGlobs {
		ok := g.glob == source || strings.HasPrefix(full, g.glob+"/")
		if !ok && strings.ContainsAny(g.glob, "*?[") {
			ok, _ = path.Match(g.glob, full)
		}
		if !ok {
			continue
		}
		switch n := len(g.glob); {
		case n > best:
			best, teams, via = n, []string{g.team}, g.glob
		case n == best && !slices.Contains(teams, g.team):
			teams = append(teams, g.team)
		}
	}
	if len(teams) > 0 {
		return teams, "rfc_sources: " + via
	}
	if id := o.rfcOwner[source]; id != "" {
		return []string{id}, "owner_team of source " + source
	}
	return nil, ""
}
