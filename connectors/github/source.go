package github

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/evident-sync/evident/config"
	"github.com/evident-sync/evident/config/credentials"
	"github.com/evident-sync/evident/connectors"
)

// Type is the github source type: the list sources.github.
var Type = config.SourceType{Name: "github", New: func() config.Source { return &Source{} },
	SignIn: &config.SignIn{
		Command: "github", Product: "GitHub",
		Short: "Sign in to GitHub with the device flow and store the token",
		Flags: [][2]string{{"client-id", "the OAuth app's client ID (default: the source's client_id)"}},
		Pick:  pick,
		Run:   signIn,
	},
}

// A Reader is a source of another type that reads GitHub (an RFC folder
// in a repository): evident auth github signs in for it too, when named.
type Reader interface {
	// GitHubAPI is the API root it reads; ok is false when it reads none.
	GitHubAPI() (url string, ok bool)
}

// pick is the GitHub source named (or the only one), or a source of
// another type that reads GitHub, named.
func pick(c *config.Config, name string) (config.Source, error) {
	src, err := config.PickSource(c, "github", "GitHub", name)
	if err == nil || name == "" {
		return src, err
	}
	for _, types := range config.SourceTypes() {
		for _, o := range c.Sources.Of(types.Name) {
			if r, ok := o.(Reader); ok && o.SourceName() == name {
				if _, reads := r.GitHubAPI(); reads {
					return o, nil
				}
			}
		}
	}
	return nil, err
}

// signIn is `evident auth github`: GitHub's device flow with the
// source's OAuth app (or the flag's).
func signIn(ctx context.Context, src config.Source, flags map[string]string, p config.Prompter) (string, error) {
	var apiURL, clientID string
	switch s := src.(type) {
	case *Source:
		apiURL, clientID = s.URL, s.ClientID
	case Reader:
		apiURL, _ = s.GitHubAPI()
	}
	show := func(uri, code string, expires time.Time) {
		msg := fmt.Sprintf("Open %s and enter the code %s", uri, code)
		if !expires.IsZero() {
			msg += fmt.Sprintf(" (it expires at %s)", expires.Local().Format("15:04"))
		}
		p.Say(msg + "\nWaiting for you to approve...")
	}
	return DeviceLogin(ctx, apiURL, cmp.Or(flags["client-id"], clientID), []string{"repo", "read:org"}, &http.Client{Timeout: 30 * time.Second}, show)
}

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
