package rfc

import (
	"cmp"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/evident-sync/evident/config"
	"github.com/evident-sync/evident/config/credentials"
	"github.com/evident-sync/evident/connectors"
)

// Type is the rfc source type: the list sources.rfc, and the local
// folders (or parts of one) a team owns under rfc_sources.
var Type = config.SourceType{
	Name: "rfc", New: func() config.Source { return &Source{} }, SignInFrom: "github",
	OrgKey: "rfc_sources", CheckContainer: checkFolder,
}

// Source is one entry of sources.rfc: a collection of design documents, a
// path in a GitHub repository (Repo, Path) or a local folder (Dir).
type Source struct {
	Name         string `yaml:"name"`
	URL          string `yaml:"url"`
	config.Token `yaml:",inline"`
	Repo         string          `yaml:"repo"`
	Path         string          `yaml:"path"`
	Dir          string          `yaml:"dir"`
	Poll         config.Duration `yaml:"poll"`
	// Owner is the team (id, name or alias) that owns every document of
	// a local folder no team's rfc_sources names more closely.
	Owner string `yaml:"owner_team"`
}

// SourceName is the entry's name.
func (s *Source) SourceName() string { return s.Name }

// PollEvery is the entry's poll.
func (s *Source) PollEvery() time.Duration { return s.Poll.D }

// Credential is the token of a repository's documents; a local folder
// needs none.
func (s *Source) Credential() (config.Token, bool) { return s.Token, s.Repo != "" }

// Endpoint is the API root of a repository's documents ("" for a local
// folder).
func (s *Source) Endpoint() string {
	if s.Repo == "" {
		return ""
	}
	return cmp.Or(s.URL, config.DefaultGitHubURL)
}

// OwnerTeam is the team the source names as owning its documents.
func (s *Source) OwnerTeam() string { return s.Owner }

// GitHubAPI is the API root of the repository it reads, if it reads one:
// evident auth github --source NAME signs in for it.
func (s *Source) GitHubAPI() (string, bool) { return s.URL, s.Repo != "" }

var repoRE = regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$`)

// Check completes the defaults and checks the entry.
func (s *Source) Check(ch *config.Checker, p string) {
	if s.Repo != "" && s.URL == "" {
		s.URL = config.DefaultGitHubURL
	}
	ch.Schedule(&s.Poll, nil, config.DefaultRFCPoll)
	switch {
	case s.Dir == "" && s.Repo == "":
		ch.Problemf(p, "an RFC source needs either dir (a local folder) or repo (owner/name on GitHub)")
	case s.Dir != "" && s.Repo != "":
		ch.Problemf(p+".dir", "an RFC source reads either dir or repo, not both")
	case s.Repo != "" && s.Owner != "":
		ch.Problemf(p+".owner_team", "owner_team is for a local folder; a repository's owners are the teams whose repos name it")
	case s.Dir != "":
		s.checkDir(ch, p)
	default:
		if !repoRE.MatchString(s.Repo) {
			ch.Problemf(p+".repo", "repo %q must be owner/name", s.Repo)
		}
		ch.URL(p+".url", s.URL)
		if s.TokenEnv != "" || s.TokenCommand != "" || s.Token.Token != "" {
			ch.Token(p, s.Token, "an RFC source")
		}
	}
}

func (s *Source) checkDir(ch *config.Checker, p string) {
	s.Dir = ch.Path(s.Dir)
	if fi, err := os.Stat(s.Dir); err != nil {
		ch.Problemf(p+".dir", "folder %s does not exist", s.Dir)
	} else if !fi.IsDir() {
		ch.Problemf(p+".dir", "%s is not a folder", s.Dir)
	}
	if s.TokenEnv != "" || s.TokenCommand != "" || s.Token.Token != "" || s.URL != "" || s.Path != "" {
		ch.Problemf(p+".dir", "a local RFC folder takes no url, path or token")
	}
	if s.Owner != "" && !ch.Config().TeamNamed(s.Owner) {
		ch.Problemf(p+".owner_team", "owner_team %q is no team in org.teams", s.Owner)
	}
}

// Warn: a repository's token, poll, address and the template's
// placeholder; a local folder has nothing to warn of.
func (s *Source) Warn(ch *config.Checker, p string) {
	if s.Repo == "" {
		return
	}
	ch.TokenSet(p, s.Token, "with the GitHub CLI, token_command: gh auth token is simplest; or export it")
	ch.MinPoll(p, s.Poll.D, time.Minute)
	ch.Address(p, s.URL)
	if config.IsPlaceholder(s.Repo) {
		ch.Problemf(p+".repo", "%q is the template's placeholder; put your RFC repository here", s.Repo)
	}
}

// checkFolder checks an rfc_sources entry: it starts with the name of a
// configured local RFC source.
func checkFolder(c *config.Config, r string) string {
	name, _, _ := strings.Cut(r, "/")
	for _, src := range c.Sources.Of("rfc") {
		if s, ok := src.(*Source); ok && s.Name == name && s.Repo == "" {
			return ""
		}
	}
	return fmt.Sprintf("%q names no local RFC source (write its source name, or NAME/sub-folder)", r)
}

// Connector makes the source's connector; it makes no request.
func (s *Source) Connector(c *config.Config, tok credentials.TokenSource, clock connectors.Clock, base http.RoundTripper) (connectors.Connector, error) {
	return New(Config{
		Name: s.Name, Dir: s.Dir, BaseURL: s.URL, Token: tok, Repo: s.Repo, Path: s.Path,
		Me: Me{GitHub: c.Me.GitHub, Name: c.Me.Name, Emails: c.Me.Emails}, Clock: clock, Base: base,
	})
}
