package pipeline

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/evident-sync/evident/config"
	"github.com/evident-sync/evident/connectors"
	"github.com/evident-sync/evident/connectors/github/githubtest"
	"github.com/evident-sync/evident/pipeline/store"
)

// TestEnrichment_CodeOwnersAndGitHubTeamsCompleteTheModel syncs through the
// real GitHub connector against the fake, with org.github_teams and
// org.codeowners on, and checks the reasons name where each owner came from.
func TestEnrichment_CodeOwnersAndGitHubTeamsCompleteTheModel(t *testing.T) {
	ctx := context.Background()
	fake := githubtest.New(connectors.RealClock)
	fake.Token, fake.SearchLimit = "tok", 6000
	at := time.Now().Add(-72 * time.Hour).Truncate(time.Second)
	pr := func(repo string, n int, author string, files ...string) *githubtest.PR {
		return &githubtest.PR{Owner: "acme", Repo: repo, Number: n, Title: repo, Author: author, CreatedAt: at, UpdatedAt: at, Files: files,
			Reviews: []githubtest.Review{{User: "alice", State: "APPROVED", SubmittedAt: at}}}
	}
	fake.Add(pr("widgets", 1, "zed", "billing/charge.go", "README.md"), pr("gadgets", 2, "newbie", "main.go"), pr("platform-ci", 3, "newbie", "ci.yml"))
	fake.Files = map[string]map[string]string{"acme/widgets": {".github/CODEOWNERS": "*       @acme/docs-guild\nbilling/ @acme/payments\n"}}
	fake.Teams = map[string][]githubtest.Team{"acme": {
		{Slug: "search", Name: "Search", Members: []string{"newbie"}, Repos: []string{"acme/gadgets"}},
		{Slug: "payments", Name: "Payments", Members: []string{"carol"}},
		{Slug: "docs-guild", Name: "Docs guild"}, // no org team of that name: ignored
	}}
	srv := httptest.NewServer(fake.Handler())
	defer srv.Close()
	t.Setenv("ENRICH_TOKEN", "tok")
	c, err := config.Parse("c.yaml", []byte(fmt.Sprintf(`
me: {github: alice, teams: [platform]}
org:
  github_teams: [acme]
  codeowners: true
  teams:
    - {id: platform, name: Platform, members: {github: [alice]}, repos: ["acme/platform-*"]}
    - {id: payments, name: Payments}
    - {id: search, name: Search}
sources:
  github:
    - {name: github, url: %q, token_env: ENRICH_TOKEN, since: %s}
`, srv.URL+"/", at.AddDate(0, 0, -3).Format(time.DateOnly))), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	st := openStore(t, t.TempDir())
	defer st.Close()
	srcs, err := Build(c, BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewSyncer(st, c, nil, BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Sync(ctx, srcs[0], nil); err != nil {
		t.Fatal(err)
	}
	get := func(key string) store.Item {
		it, err := st.Get(ctx, store.IDFor(key))
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		return it
	}
	w := get("github:acme/widgets#1")
	if w.Scope() != "cross-team" || !strings.HasPrefix(w.ScopeReason(), "acme/widgets is owned by Payments (CODEOWNERS)") {
		t.Errorf("widgets: %s %q (paths %v)", w.Scope(), w.ScopeReason(), w.Artifact.Activity.Paths)
	}
	g := get("github:acme/gadgets#2")
	if g.Scope() != "cross-team" || g.ScopeReason() != "acme/gadgets is owned by Search (GitHub team access); PR author newbie is in Search; you are in Platform" {
		t.Errorf("gadgets: %s %q", g.Scope(), g.ScopeReason())
	}
	p := get("github:acme/platform-ci#3")
	if p.ScopeReason() != "acme/platform-ci is owned by Platform (repos: acme/platform-*); PR author newbie is in Search; you are in Platform" {
		t.Errorf("the config's repos glob must win: %q", p.ScopeReason())
	}
	if n := fake.Hits()["teams"]; n != 1+2*3 {
		t.Errorf("teams API: %d requests, want 7 (list + members and repos of 3 teams)", n)
	}
	// A second pass reads neither teams nor CODEOWNERS again.
	fake.ResetHits()
	if _, err := s.Sync(ctx, srcs[0], nil); err != nil {
		t.Fatal(err)
	}
	if h := fake.Hits(); h["teams"] != 0 || h["contents"] != 0 {
		t.Errorf("second pass re-read enrichment: %v", h)
	}
}
