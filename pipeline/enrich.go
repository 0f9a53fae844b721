package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/evident-sync/evident/classify"
	"github.com/evident-sync/evident/config"
	"github.com/evident-sync/evident/connectors"
	"github.com/evident-sync/evident/connectors/github"
	"github.com/evident-sync/evident/pipeline/store"
)

// How long enrichment data is trusted before it is read again.
const (
	teamsTTL      = 6 * time.Hour
	codeOwnersTTL = 24 * time.Hour
)

// enricher completes the org model from GitHub when the config asks: the
// org's teams (members and repositories) and each repository's CODEOWNERS.
// What it reads is kept in the store, so that a restart or a
// re-classification sees the same model.
type enricher struct {
	gh         *github.Connector
	orgs       []string
	codeowners bool
	st         *store.Store
	log        *slog.Logger

	mu     sync.Mutex
	teams  []classify.GitHubTeam
	owners map[string]*classify.CodeOwners // repo -> file; nil: none
}

func newEnricher(c *config.Config, st *store.Store, log *slog.Logger, o BuildOptions) (*enricher, error) {
	if len(c.Org.GitHubTeams) == 0 && !c.Org.CodeOwners {
		return nil, nil
	}
	gh := c.Sources.Of(github.Type.Name)
	if len(gh) == 0 {
		return nil, fmt.Errorf("org.github_teams and org.codeowners need a GitHub source")
	}
	s := gh[0].(*github.Source)
	conn, err := github.New(github.Config{Name: s.Name + "-org", BaseURL: s.URL, Token: tokenOf(c, "github", s.Name, s.Token),
		Login: c.Me.GitHub, Since: s.Since.Time, Clock: o.Clock, Base: o.Base})
	if err != nil {
		return nil, err
	}
	return &enricher{gh: conn, orgs: c.Org.GitHubTeams, codeowners: c.Org.CodeOwners, st: st, log: log,
		owners: map[string]*classify.CodeOwners{}}, nil
}

type stamped[T any] struct {
	At   time.Time `json:"at"`
	Data T         `json:"data"`
}

// refreshTeams reads the orgs' teams when the stored copy is stale. A
// failure keeps the stored copy and is logged: enrichment is optional.
func (e *enricher) refreshTeams(ctx context.Context) {
	if len(e.orgs) == 0 {
		return
	}
	var cached stamped[[]classify.GitHubTeam]
	if b, _ := e.st.Meta(ctx, "gh-teams"); b != nil {
		json.Unmarshal(b, &cached)
	}
	if time.Since(cached.At) < teamsTTL {
		e.mu.Lock()
		e.teams = cached.Data
		e.mu.Unlock()
		return
	}
	var all []classify.GitHubTeam
	for _, org := range e.orgs {
		ts, err := e.gh.Teams(ctx, org)
		if err != nil {
			e.log.Warn("could not read the GitHub teams; using what was read before", "org", org, "error", err.Error())
			e.mu.Lock()
			e.teams = cached.Data
			e.mu.Unlock()
			return
		}
		for _, t := range ts {
			all = append(all, classify.GitHubTeam{Slug: t.Slug, Name: t.Name, Members: t.Members, Repos: t.Repos})
		}
	}
	b, _ := json.Marshal(stamped[[]classify.GitHubTeam]{time.Now().UTC(), all})
	e.st.SetMeta(ctx, "gh-teams", b)
	e.mu.Lock()
	e.teams = all
	e.mu.Unlock()
}

// ensureCodeOwners reads CODEOWNERS of the repositories of a page that are
// not known yet (or stale).
func (e *enricher) ensureCodeOwners(ctx context.Context, arts []connectors.Artifact) {
	if !e.codeowners {
		return
	}
	for _, a := range arts {
		if a.SourceType != "github" || !strings.Contains(a.Container, "/") {
			continue
		}
		repo := strings.ToLower(a.Container)
		e.mu.Lock()
		_, known := e.owners[repo]
		e.mu.Unlock()
		if known {
			continue
		}
		var cached stamped[string]
		if b, _ := e.st.Meta(ctx, "codeowners/"+repo); b != nil {
			json.Unmarshal(b, &cached)
		}
		text := cached.Data
		if time.Since(cached.At) >= codeOwnersTTL {
			t, err := e.gh.CodeOwners(ctx, a.Container, classify.CodeOwnersPaths)
			if err != nil {
				e.log.Warn("could not read CODEOWNERS", "repo", a.Container, "error", err.Error())
			} else {
				text = t
				b, _ := json.Marshal(stamped[string]{time.Now().UTC(), t})
				e.st.SetMeta(ctx, "codeowners/"+repo, b)
			}
		}
		var co *classify.CodeOwners
		if text != "" {
			co, _ = classify.ParseCodeOwners(text)
		}
		e.mu.Lock()
		e.owners[repo] = co
		e.mu.Unlock()
	}
}

// loadCodeOwners reads every stored CODEOWNERS, for a re-classification of
// items whose pages this process has not seen.
func (e *enricher) loadCodeOwners(ctx context.Context) {
	if !e.codeowners {
		return
	}
	all, err := e.st.MetaPrefix(ctx, "codeowners/")
	if err != nil {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for k, b := range all {
		repo := strings.TrimPrefix(k, "codeowners/")
		if _, ok := e.owners[repo]; ok {
			continue
		}
		var cached stamped[string]
		if json.Unmarshal(b, &cached) == nil && cached.Data != "" {
			e.owners[repo], _ = classify.ParseCodeOwners(cached.Data)
		}
	}
}

// org is the base model with what has been read.
func (e *enricher) org(base *classify.Org) *classify.Org {
	e.mu.Lock()
	defer e.mu.Unlock()
	o := base
	if len(e.teams) > 0 {
		o = o.WithGitHubTeams(e.teams)
	}
	if len(e.owners) > 0 {
		known := map[string]*classify.CodeOwners{}
		for k, v := range e.owners {
			if v != nil {
				known[k] = v
			}
		}
		o = o.WithCodeOwners(known)
	}
	return o
}

// hash fingerprints the teams read, so a change re-classifies.
func (e *enricher) hash() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return hashOf(e.teams)
}
