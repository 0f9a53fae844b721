package classify

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/evident-sync/evident/config"
	"github.com/evident-sync/evident/connectors"
	"github.com/evident-sync/evident/connectors/rfc"

	// Every source type registers, as in the program: containers are named
	// and matched as their types say.
	_ "github.com/evident-sync/evident/connectors/all"
)

func sampleOrg(t testing.TB) *Org {
	t.Helper()
	path := filepath.Join("testdata", "org.yaml")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	c, err := config.Parse(path, data, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	return NewOrg(c)
}

func gh(id string, r connectors.Role) connectors.Identity {
	return connectors.Identity{System: "github", ID: id, Role: r}
}

func review(repo, author string) *connectors.Artifact {
	return &connectors.Artifact{Source: "github", SourceType: "github", Kind: connectors.KindReview,
		Key: "github:" + repo + "#1", Container: repo, Roles: []connectors.Role{connectors.RoleReviewer},
		Counterparts: []connectors.Identity{gh(author, connectors.RoleAuthor)}}
}

func TestClassify_ScopeRules(t *testing.T) {
	o := sampleOrg(t)
	tests := []struct {
		name   string
		a      *connectors.Artifact
		scope  Scope
		teams  []string
		reason string
		domain Domain
	}{
		{"review in own team", review("acme/platform-ci", "bob"), ScopeTeam, []string{},
			"acme/platform-ci is owned by Platform (repos: acme/platform-*); PR author bob is in Platform; you are in Platform", DomainOrgLeverage},
		{"review for another team", review("acme/payments-api", "carol"), ScopeCrossTeam, []string{"payments"},
			"acme/payments-api is owned by Payments (repos: acme/payments-*); PR author carol is in Payments; you are in Platform", DomainCrossTeamInfluence},
		{"review of another team's PR in own repo", review("acme/infra", "erin"), ScopeCrossTeam, []string{"search"},
			"acme/infra is owned by Platform (repos: acme/infra); PR author erin is in Search; you are in Platform", DomainCrossTeamInfluence},
		{"three teams with yours is org", review("acme/payments-api", "erin"), ScopeOrg, []string{"payments", "search"},
			"acme/payments-api is owned by Payments (repos: acme/payments-*); PR author erin is in Search; you are in Platform; 3 teams are involved counting yours (org_threshold 3)", DomainCrossTeamInfluence},
		{"org-wide repo", review("acme/architecture", "bob"), ScopeOrg, []string{},
			"PR author bob is in Platform; acme/architecture is org-wide (org.org_wide)", DomainCrossTeamInfluence},
		{"nothing known is unknown, naming the missing mappings", review("other/tool", "zed"), ScopeUnknown, []string{},
			"no team found: no team owns other/tool (add it to a team's repos); PR author zed is in no team (add zed to a team's members.github)", DomainOrgLeverage},
		{"repo unknown but author known", review("other/tool", "carol"), ScopeCrossTeam, []string{"payments"},
			"PR author carol is in Payments; you are in Platform", DomainCrossTeamInfluence},
		{"the user is never their own counterpart", &connectors.Artifact{SourceType: "github", Kind: connectors.KindReview, Container: "other/x",
			Roles: []connectors.Role{connectors.RoleReviewer}, Counterparts: []connectors.Identity{gh("alice", connectors.RoleAuthor), gh("@Carol", connectors.RoleAuthor)}},
			ScopeCrossTeam, []string{"payments"}, "PR author @Carol is in Payments; you are in Platform", DomainCrossTeamInfluence},
		{"authored PR: its scope is where it lives, not its reviewers", &connectors.Artifact{SourceType: "github", Kind: connectors.KindPR, Container: "acme/platform-api",
			Roles: []connectors.Role{connectors.RoleAuthor}, Counterparts: []connectors.Identity{gh("alice", connectors.RoleAuthor), gh("bob", connectors.RoleReviewer), gh("carol", connectors.RoleReviewer)}},
			ScopeTeam, []string{}, "acme/platform-api is owned by Platform (repos: acme/platform-*); you are in Platform; reviewed by Payments (reviewers show reach, not scope: a PR's scope is where it lives)", DomainTechnicalImpact},
		{"authored PR in another team's repository", &connectors.Artifact{SourceType: "github", Kind: connectors.KindPR, Container: "acme/payments-api",
			Roles: []connectors.Role{connectors.RoleAuthor}, Counterparts: []connectors.Identity{gh("frank", connectors.RoleReviewer)}},
			ScopeCrossTeam, []string{"payments"}, "acme/payments-api is owned by Payments (repos: acme/payments-*); you are in Platform; reviewed by Identity (reviewers show reach, not scope: a PR's scope is where it lives)", DomainCrossTeamInfluence},
		{"jira project owner and reporter", &connectors.Artifact{SourceType: "jira", Kind: connectors.KindJiraIssue, Container: "PAY",
			Roles: []connectors.Role{connectors.RoleAssignee}, Counterparts: []connectors.Identity{{System: "jira", ID: "carol", Role: connectors.RoleReporter}}},
			ScopeCrossTeam, []string{"payments"}, "Jira project PAY belongs to Payments; reporter carol is in Payments; you are in Platform", DomainCrossTeamInfluence},
		{"org-wide jira project", &connectors.Artifact{SourceType: "jira", Kind: connectors.KindJiraIssue, Container: "ARCH",
			Roles: []connectors.Role{connectors.RoleCommenter}},
			ScopeOrg, []string{}, "ARCH is org-wide (org.org_wide)", DomainCrossTeamInfluence},
		{"unknown jira project", &connectors.Artifact{SourceType: "jira", Kind: connectors.KindJiraIssue, Container: "OPS",
			Roles: []connectors.Role{connectors.RoleCommenter}, Counterparts: []connectors.Identity{{System: "jira", ID: "5b10ac8d", Role: connectors.RoleReporter}}},
			ScopeUnknown, []string{}, "no team found: no team owns Jira project OPS (add it to a team's jira_projects); reporter 5b10ac8d is in no team (add 5b10ac8d to a team's members.jira)", DomainTechnicalImpact},
		{"RFC reviewed: declared teams by alias, unknown ones kept", &connectors.Artifact{SourceType: "rfc", Kind: connectors.KindRFC, Container: "keps",
			Roles: []connectors.Role{connectors.RoleReviewer}, DeclaredTeams: []string{"sig-payments", "SIG-Payments", "wg-lts"},
			Counterparts: []connectors.Identity{gh("frank", connectors.RoleAuthor), gh("erin", connectors.RoleApprover)}},
			ScopeOrg, []string{"identity", "payments", "wg-lts"},
			"RFC author frank is in Identity; the document declares Payments, wg-lts (wg-lts not in your org config); you are in Platform; 4 teams are involved counting yours (org_threshold 3)", DomainCrossTeamInfluence},
		{"RFC authored: approvers count", &connectors.Artifact{SourceType: "rfc", Kind: connectors.KindRFC, Container: "keps",
			Roles: []connectors.Role{connectors.RoleAuthor}, DeclaredTeams: []string{"sig-platform"},
			Counterparts: []connectors.Identity{gh("erin", connectors.RoleApprover)}},
			ScopeCrossTeam, []string{"search"}, "approver erin is in Search; the document declares Platform; you are in Platform", DomainCrossTeamInfluence},
		{"RFC authored in own team", &connectors.Artifact{SourceType: "rfc", Kind: connectors.KindRFC, Container: "keps",
			Roles: []connectors.Role{connectors.RoleAuthor}, DeclaredTeams: []string{"Platform"}},
			ScopeTeam, []string{}, "the document declares Platform; you are in Platform", DomainTechnicalImpact},
		{"RFC reviewed: approvers are not counterparts of a reviewer", &connectors.Artifact{SourceType: "rfc", Kind: connectors.KindRFC, Container: "keps",
			Roles: []connectors.Role{connectors.RoleReviewer}, Counterparts: []connectors.Identity{gh("bob", connectors.RoleAuthor), gh("erin", connectors.RoleApprover)}},
			ScopeTeam, []string{}, "RFC author bob is in Platform; you are in Platform", DomainOrgLeverage},
		{"RFC co-authored: the other author is a co-author", &connectors.Artifact{SourceType: "rfc", Kind: connectors.KindRFC, Container: "keps",
			Roles: []connectors.Role{connectors.RoleAuthor}, Counterparts: []connectors.Identity{gh("frank", connectors.RoleAuthor)}},
			ScopeCrossTeam, []string{"identity"}, "co-author frank is in Identity; you are in Platform", DomainCrossTeamInfluence},
		{"RFC author matched by name", &connectors.Artifact{SourceType: "rfc", Kind: connectors.KindRFC, Container: "peps",
			Roles: []connectors.Role{connectors.RoleReviewer}, Counterparts: []connectors.Identity{{System: "name", ID: "Frank Ito", Role: connectors.RoleAuthor}}},
			ScopeCrossTeam, []string{"identity"}, "RFC author Frank Ito is in Identity; you are in Platform", DomainCrossTeamInfluence},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := o.Classify(tt.a)
			if r.Scope != tt.scope || r.ScopeReason != tt.reason || r.Domain != tt.domain {
				t.Errorf("got  %s %s %q\nwant %s %s %q", r.Scope, r.Domain, r.ScopeReason, tt.scope, tt.domain, tt.reason)
			}
			if d := cmp.Diff(tt.teams, r.Teams); d != "" {
				t.Errorf("teams (-want +got):\n%s", d)
			}
		})
	}
}

func TestClassify_DomainRules(t *testing.T) {
	o := sampleOrg(t)
	jira := func(typ string, roles []connectors.Role, initial string) *connectors.Artifact {
		return &connectors.Artifact{SourceType: "jira", Kind: connectors.KindJiraIssue, Container: "PLAT", Key: "jira:PLAT-1",
			Roles: roles, Activity: connectors.Activity{IssueType: typ, InitialAssignee: initial}}
	}
	R := func(r ...connectors.Role) []connectors.Role { return r }
	tests := []struct {
		name string
		a    *connectors.Artifact
		want Domain
	}{
		{"reported and resolved, unassigned at first: initiative", jira("Bug", R(connectors.RoleReporter, connectors.RoleResolver), ""), DomainInitiative},
		{"reported and resolved, but assigned to you from the start", jira("Bug", R(connectors.RoleReporter, connectors.RoleResolver), "alice"), DomainTechnicalImpact},
		{"incident resolved", jira("Incident", R(connectors.RoleResolver), "bob"), DomainTechnicalImpact},
		{"epic driven", jira("Epic", R(connectors.RoleAssignee), "alice"), DomainTechnicalImpact},
		{"story in own team", jira("Story", R(connectors.RoleCommenter), ""), DomainTechnicalImpact},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, why := o.domainFor(tt.a, o.Classify(tt.a).Scope); got != tt.want || why == "" {
				t.Errorf("domain %s (%q), want %s", got, why, tt.want)
			}
		})
	}
}

func TestRepoOwners_Precedence(t *testing.T) {
	o := sampleOrg(t)
	co, errs := ParseCodeOwners("* @acme/search\n/docs/ @acme/identity\n")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	enriched := o.WithCodeOwners(map[string]*CodeOwners{"acme/payments-api": co, "acme/unowned": co}).
		WithGitHubTeams([]GitHubTeam{{Slug: "mobile", Repos: []string{"acme/payments-api", "acme/unowned"}}, {Slug: "mob", Name: "Mobile", Repos: []string{"acme/gh-only"}}, {Slug: "unmapped", Repos: []string{"acme/none"}}})
	tests := []struct {
		repo  string
		paths []string
		want  []string
		via   string
	}{
		{"acme/payments-api", []string{"docs/x.md"}, []string{"payments"}, "repos: acme/payments-*"},     // config beats CODEOWNERS
		{"acme/unowned", []string{"docs/x.md", "main.go"}, []string{"identity", "search"}, "CODEOWNERS"}, // CODEOWNERS beats GitHub teams
		{"acme/unowned", nil, []string{"mobile"}, "GitHub team access"},                                  // no paths: no CODEOWNERS answer
		{"acme/gh-only", []string{"a.go"}, []string{"mobile"}, "GitHub team access"},
		{"acme/none", []string{"a.go"}, nil, ""},
	}
	for _, tt := range tests {
		got, via := enriched.repoOwners(tt.repo, tt.paths)
		if d := cmp.Diff(tt.want, got); d != "" || via != tt.via {
			t.Errorf("%s %v: got %v via %q, want %v via %q", tt.repo, tt.paths, got, via, tt.want, tt.via)
		}
	}
}

func TestTeamsOf_ConfigMembersBeatGitHubTeams(t *testing.T) {
	o := sampleOrg(t).WithGitHubTeams([]GitHubTeam{
		{Slug: "search", Members: []string{"carol", "newbie"}}, // carol is in Payments by config
	})
	if got := o.teamsOf("github", "carol"); !slices.Equal(got, []string{"payments"}) {
		t.Errorf("carol: %v, want the config's payments", got)
	}
	if got := o.teamsOf("github", "@NewBie"); !slices.Equal(got, []string{"search"}) {
		t.Errorf("newbie: %v, want search from GitHub", got)
	}
	r := o.Classify(review("other/tool", "newbie"))
	if r.Scope != ScopeCrossTeam || !strings.Contains(r.ScopeReason, "PR author newbie is in Search") {
		t.Errorf("%s %q", r.Scope, r.ScopeReason)
	}
}

func TestCodeOwners_LastMatchWins(t *testing.T) {
	co, errs := ParseCodeOwners(`# comment
*       @global
*.js    @js-owner
/build/logs/ @doctocat
docs/*  docs@example.com
apps/   @octocat
/scripts/ @doctocat @octocat
/apps/github   # no owners: unowned
[bad] @x
`)
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "line 9") {
		t.Errorf("want one error on line 9, got %v", errs)
	}
	tests := map[string][]string{
		"README.md":                         {"@global"},
		"src/app.js":                        {"@js-owner"},
		"build/logs/x.log":                  {"@doctocat"},
		"sub/build/logs/x.log":              {"@global"},
		"docs/getting-started.md":           {"docs@example.com"},
		"docs/build-app/troubleshooting.md": {"@global"},
		"apps/web/index.html":               {"@octocat"},
		"x/apps/y.txt":                      {"@octocat"},
		"scripts/deploy.sh":                 {"@doctocat", "@octocat"},
		"apps/github/z.go":                  {},
	}
	for file, want := range tests {
		got := co.Owners(file)
		if len(got) == 0 && len(want) == 0 {
			continue
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("%s (-want +got):\n%s", file, d)
		}
	}
}

// Adding a foreign team to an artifact never lowers its scope.
func TestClassify_AddingAForeignTeamNeverLowersScope(t *testing.T) {
	o := sampleOrg(t)
	rng := rand.New(rand.NewPCG(1, 2))
	people := []string{"alice", "bob", "carol", "dave", "erin", "frank", "grace", "ivan", "zed", "yuki"}
	repos := []string{"acme/platform-ci", "acme/payments-api", "acme/search-ui", "acme/auth", "acme/ios-app", "other/tool", "acme/architecture"}
	foreignTeams := []string{"sig-payments", "Search", "iam", "mobile", "architecture", "wg-unknown"}
	kinds := []connectors.Kind{connectors.KindReview, connectors.KindPR, connectors.KindRFC}
	roles := []connectors.Role{connectors.RoleAuthor, connectors.RoleReviewer, connectors.RoleApprover}
	for i := 0; i < 5000; i++ {
		a := &connectors.Artifact{SourceType: "github", Kind: kinds[rng.IntN(len(kinds))], Container: repos[rng.IntN(len(repos))],
			Roles: []connectors.Role{roles[rng.IntN(len(roles))]}}
		for j := rng.IntN(3); j > 0; j-- {
			a.Counterparts = append(a.Counterparts, gh(people[rng.IntN(len(people))], roles[rng.IntN(len(roles))]))
		}
		for j := rng.IntN(2); j > 0; j-- {
			a.DeclaredTeams = append(a.DeclaredTeams, foreignTeams[rng.IntN(len(foreignTeams))])
		}
		before := o.Classify(a)
		b := *a
		b.DeclaredTeams = append(slices.Clone(a.DeclaredTeams), foreignTeams[rng.IntN(len(foreignTeams))])
		after := o.Classify(&b)
		if after.Scope.Rank() < before.Scope.Rank() {
			t.Fatalf("adding %v lowered %s to %s\nartifact %+v\nbefore: %s\nafter: %s", b.DeclaredTeams, before.Scope, after.Scope, a, before.ScopeReason, after.ScopeReason)
		}
	}
}

// TestClassify_GoldenSampleOrg classifies 120 artifacts over the six-team
// sample org and compares every tag, reason and summary with
// testdata/golden.txt (EVIDENT_UPDATE_GOLDEN=1 rewrites it).
func TestClassify_GoldenSampleOrg(t *testing.T) {
	o := sampleOrg(t)
	var b strings.Builder
	for _, a := range sampleArtifacts() {
		r := o.Classify(a)
		fmt.Fprintf(&b, "%s\n  scope:   %s %v\n  why:     %s\n  domain:  %s (%s)\n  summary: %s\n", a.Key, r.Scope, r.Teams, r.ScopeReason, r.Domain, r.DomainReason, r.Summary)
	}
	golden := filepath.Join("testdata", "golden.txt")
	if os.Getenv("EVIDENT_UPDATE_GOLDEN") != "" {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(string(want), b.String()); d != "" {
		t.Errorf("classification changed (-golden +got):\n%s", d)
	}
}

func sampleArtifacts() []*connectors.Artifact {
	repos := []string{"acme/platform-ci", "acme/infra", "acme/payments-api", "acme/payments-ledger", "acme/search-ui", "acme/auth", "acme/ios-app", "acme/architecture", "other/lib"}
	authors := []string{"bob", "carol", "dave", "erin", "frank", "grace", "ivan", "zed"}
	states := [][]string{{"APPROVED"}, {"CHANGES_REQUESTED", "APPROVED"}, {"COMMENTED"}, {"COMMENT"}}
	var out []*connectors.Artifact
	for i := 0; i < 60; i++ {
		repo, author := repos[i%len(repos)], authors[(i/len(repos)+i)%len(authors)]
		a := review(repo, author)
		a.Key = fmt.Sprintf("github:%s#%d", repo, 100+i)
		for _, s := range states[i%len(states)] {
			a.Activity.Rounds = append(a.Activity.Rounds, connectors.Round{State: s})
		}
		a.Activity.Comments = i % 7
		out = append(out, a)
	}
	for i := 0; i < 20; i++ {
		repo := repos[(i*2)%len(repos)]
		out = append(out, &connectors.Artifact{SourceType: "github", Kind: connectors.KindPR, Key: fmt.Sprintf("github:%s#%d", repo, 500+i),
			Container: repo, Roles: []connectors.Role{connectors.RoleAuthor},
			Counterparts: []connectors.Identity{gh(authors[i%len(authors)], connectors.RoleReviewer), gh(authors[(i+3)%len(authors)], connectors.RoleReviewer)},
			Activity:     connectors.Activity{Merged: i%3 != 0, State: "closed", Additions: 10 * i, Deletions: i}})
	}
	sigs := [][]string{{"sig-platform"}, {"sig-payments"}, {"sig-arch", "sig-payments", "search"}, {"wg-lts"}, {}}
	rfcRoles := []connectors.Role{connectors.RoleAuthor, connectors.RoleReviewer, connectors.RoleApprover, connectors.RoleSponsor}
	for i := 0; i < 20; i++ {
		out = append(out, &connectors.Artifact{SourceType: "rfc", Kind: connectors.KindRFC, Key: fmt.Sprintf("rfc:keps:%04d/kep.yaml", i),
			Title: fmt.Sprintf("KEP %d", i), Container: "keps", Roles: []connectors.Role{rfcRoles[i%len(rfcRoles)]},
			DeclaredTeams: sigs[i%len(sigs)],
			Counterparts:  []connectors.Identity{gh(authors[i%len(authors)], connectors.RoleAuthor), gh(authors[(i+5)%len(authors)], connectors.RoleApprover)},
			Activity:      connectors.Activity{State: []string{"implementable", "provisional", "implemented"}[i%3]}})
	}
	projects := []string{"PLAT", "PAY", "SRCH", "ARCH", "OPS"}
	types := []string{"Bug", "Story", "Epic", "Incident"}
	jroles := [][]connectors.Role{{connectors.RoleReporter, connectors.RoleResolver}, {connectors.RoleAssignee}, {connectors.RoleCommenter}, {connectors.RoleTransitioner}, {connectors.RoleResolver}}
	for i := 0; i < 20; i++ {
		p := projects[i%len(projects)]
		out = append(out, &connectors.Artifact{SourceType: "jira", Kind: connectors.KindJiraIssue, Key: fmt.Sprintf("jira:%s-%d", p, i+1),
			Container: p, Roles: jroles[i%len(jroles)],
			Counterparts: []connectors.Identity{{System: "jira", ID: authors[i%len(authors)], Role: connectors.RoleReporter}},
			Activity:     connectors.Activity{IssueType: types[i%len(types)], State: "Done", Comments: i % 4}})
	}
	return out
}

// A local RFC folder can be given an owning team: by a team's rfc_sources
// (the whole folder, a sub-folder or a glob, the most specific winning) or
// by owner_team on the source; the reason names the key, and without any
// the reason says which to add.
func TestClassify_LocalRFCFolderOwners(t *testing.T) {
	c := &config.Config{
		Me: config.Me{Name: "Guido", Teams: []string{"lang"}},
		Org: config.Org{OrgThreshold: 3, Teams: []config.Team{
			{ID: "lang", Name: "Lang", Containers: config.Containers{"rfc": {"peps"}}},
			{ID: "typing", Name: "Typing", Containers: config.Containers{"rfc": {"peps/typing"}}},
			{ID: "pay", Name: "Payments"},
		}},
	}
	for _, s := range []rfc.Source{{Name: "peps", Dir: "/x"}, {Name: "docs", Dir: "/y", Owner: "Payments"}, {Name: "notes", Dir: "/z"}} {
		c.Sources.Add("rfc", &s)
	}
	o := NewOrg(c)
	doc := func(source, p string) *connectors.Artifact {
		return &connectors.Artifact{SourceType: "rfc", Kind: connectors.KindRFC, Key: "rfc:" + source + ":" + p, Container: source,
			Roles: []connectors.Role{connectors.RoleAuthor}}
	}
	for _, tc := range []struct {
		a      *connectors.Artifact
		scope  Scope
		reason string
	}{
		{doc("peps", "pep-0484.rst"), ScopeTeam, "the RFC folder peps is owned by Lang (rfc_sources: peps); you are in Lang"},
		{doc("peps", "typing/pep-0544.rst"), ScopeCrossTeam, "the RFC folder peps is owned by Typing (rfc_sources: peps/typing); you are in Lang"},
		{doc("docs", "a.md"), ScopeCrossTeam, "the RFC folder docs is owned by Payments (owner_team of source docs); you are in Lang"},
		{doc("notes", "a.md"), ScopeUnknown, "no team found: no team owns the RFC folder notes (add it to a team's rfc_sources, or set owner_team on the source)"},
	} {
		r := o.Classify(tc.a)
		if r.Scope != tc.scope || r.ScopeReason != tc.reason {
			t.Errorf("%s: %s %q, want %s %q", tc.a.Key, r.Scope, r.ScopeReason, tc.scope, tc.reason)
		}
	}
}

// A person the source names by an account id is named by their display
// name in the reason; where the config lacks them, the reason still gives
// the id to add.
func TestClassify_ReasonsNamePeopleByTheirDisplayName(t *testing.T) {
	o := sampleOrg(t)
	a := &connectors.Artifact{SourceType: "jira", Kind: connectors.KindJiraIssue, Container: "ZZZ", Roles: []connectors.Role{connectors.RoleAssignee},
		Counterparts: []connectors.Identity{{System: "jira", ID: "712020:nobody", Name: "Nora Body", Role: connectors.RoleReporter}}}
	r := o.Classify(a)
	if !strings.Contains(r.ScopeReason, "reporter Nora Body (712020:nobody) is in no team (add 712020:nobody to a team's members.jira)") {
		t.Errorf("reason %q", r.ScopeReason)
	}
}
