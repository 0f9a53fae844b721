package github

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/evident-sync/evident/config"
	"github.com/evident-sync/evident/config/credentials"
	"github.com/evident-sync/evident/connectors"
)

// Type is the github source type: the list sources.github.
var Type = config.SourceType{Name: "github", New: func() config.Source { return &Source{} }, Auth: "evident auth github"}

// Source is one entry of sources.github: a GitHub or GitHub Enterprise
// Server account to read.
type Source struct {
	config.Common `yaml:",inline"`
	Owners        []string `yaml:"owners"`
	// ClientID is the OAuth app `evident auth github` signs in with.
	ClientID string `yaml:"client_id"`
}

// GHFix is what to do about an unset token variable of a source that reads
// GitHub.
const GHFix = "with the GitHub CLI, token_command: gh auth token is simplest; or export it"

// Check completes the defaults and checks the entry.
func (s *Source) Check(ch *config.Checker, p string) {
	if s.URL == "" {
		s.URL = config.DefaultGitHubURL
	}
	ch.Schedule(&s.Poll, &s.Since, config.DefaultGitHubPoll)
	ch.URL(p+".url", s.URL)
	ch.Token(p, s.Token, "a GitHub source")
	if ch.Config().Me.GitHub == "" {
		ch.Problemf(p, "a GitHub source needs your GitHub login in me.github")
	}
	for j, o := range s.Owners {
		if o == "" || strings.Contains(o, "/") {
			ch.Problemf(fmt.Sprintf("%s.owners[%d]", p, j), "owner %q must be an organisation or user name", o)
		}
	}
}

// Warn: an unset token variable, a poll too fast (search allows 30
// requests a minute, and a poll is three searches), an address that
// leaks.
func (s *Source) Warn(ch *config.Checker, p string) {
	ch.TokenSet(p, s.Token, GHFix)
	ch.MinPoll(p, s.Poll.D, time.Minute)
	ch.Address(p, s.URL)
}

// Connector makes the source's connector; it makes no request.
func (s *Source) Connector(c *config.Config, tok credentials.TokenSource, clock connectors.Clock, base http.RoundTripper) (connectors.Connector, error) {
	return New(Config{
		Name: s.Name, BaseURL: s.URL, Token: tok, Login: c.Me.GitHub, Owners: s.Owners, Since: s.Since.Time,
		Clock: clock, Base: base, Files: c.Org.CodeOwners,
	})
}
