package jira

import (
	"net/http"
	"regexp"
	"time"

	"github.com/evident-sync/evident/config"
	"github.com/evident-sync/evident/config/credentials"
	"github.com/evident-sync/evident/connectors"
)

// Type is the jira source type: the list sources.jira, and the projects
// a team owns under jira_projects (org_wide too).
var Type = config.SourceType{
	Name: "jira", New: func() config.Source { return &Source{} },
	SignIn: config.AtlassianSignIn("jira", "Jira"),
	OrgKey: "jira_projects", OrgWide: true, CheckContainer: checkProject, ContainerNoun: "Jira project",
}

// Source is one entry of sources.jira: a Jira Cloud site or Server/Data
// Center instance to read.
type Source struct {
	config.Common    `yaml:",inline"`
	config.Atlassian `yaml:",inline"`
	Projects         []string `yaml:"projects"`
	// RemoteLinks also reads each issue's remote links (one more request
	// per issue), to link the pull requests and documents they point to.
	RemoteLinks bool `yaml:"remote_links"`
}

// checkProject accepts a Jira project key.
var checkProject = config.Pattern(regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`), "a Jira project key")

// Check completes the defaults and checks the entry.
func (s *Source) Check(ch *config.Checker, p string) {
	s.Atlassian.Check(ch, p, "Jira", "https://acme.atlassian.net, or your server's base URL", &s.Common, config.DefaultJiraPoll)
	ch.Each(p+".projects", s.Projects, checkProject)
}

// Warn: the token, the poll (Jira Cloud throttles bursts), the address,
// the template's placeholder.
func (s *Source) Warn(ch *config.Checker, p string) {
	config.WarnAtlassian(ch, p, "Jira", s.Token, s.Poll.D, time.Minute, s.URL)
}

// Connector makes the source's connector; it makes no request.
func (s *Source) Connector(c *config.Config, tok credentials.TokenSource, clock connectors.Clock, base http.RoundTripper) (connectors.Connector, error) {
	return New(Config{
		Name: s.Name, BaseURL: s.URL, Deployment: s.Deployment, Email: s.Email, Token: tok,
		User: c.Me.Jira, Projects: s.Projects, Since: s.Since.Time, Clock: clock, Base: base, RemoteLinks: s.RemoteLinks, BrowseURL: s.BrowseURL,
	})
}
