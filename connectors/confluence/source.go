package confluence

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/evident-sync/evident/config"
	"github.com/evident-sync/evident/config/credentials"
	"github.com/evident-sync/evident/connectors"
)

// Type is the confluence source type: the list sources.confluence, and
// the spaces a team owns under confluence_spaces (org_wide too), matched
// in any case.
var Type = config.SourceType{
	Name: "confluence", New: func() config.Source { return &Source{} },
	SignIn: config.AtlassianSignIn("confluence", "Confluence"),
	OrgKey: "confluence_spaces", OrgWide: true, CheckContainer: checkSpace, ContainerNoun: "Confluence space", FoldCase: true,
}

// Source is one entry of sources.confluence: a Confluence Cloud site or
// Data Center instance whose pages are design documents.
type Source struct {
	config.Common    `yaml:",inline"`
	config.Atlassian `yaml:",inline"`
	Spaces           []string `yaml:"spaces"`
	Labels           []string `yaml:"labels"`
}

// checkSpace accepts a Confluence space key (a personal space's starts
// with ~).
var checkSpace = config.Pattern(regexp.MustCompile(`^~?[A-Za-z0-9][A-Za-z0-9_.-]*$`), "a Confluence space key")

// Check completes the defaults and checks the entry.
func (s *Source) Check(ch *config.Checker, p string) {
	s.Atlassian.Check(ch, p, "Confluence", "https://acme.atlassian.net/wiki/, or your Data Center's base URL", &s.Common, config.DefaultConfluencePoll)
	if u, err := url.Parse(s.URL); err == nil && s.Deployment == config.JiraCloud && strings.HasSuffix(u.Host, ".atlassian.net") && !strings.HasPrefix(u.Path, "/wiki") {
		ch.Problemf(p+".url", "Confluence Cloud lives under /wiki: write %s/wiki/", strings.TrimSuffix(s.URL, "/"))
	}
	ch.Each(p+".spaces", s.Spaces, checkSpace)
	for j, l := range s.Labels {
		if strings.TrimSpace(l) == "" || strings.ContainsAny(l, " \t,") {
			ch.Problemf(fmt.Sprintf("%s.labels[%d]", p, j), "%q is not a Confluence label (one word, no spaces or commas)", l)
		}
	}
}

// Warn: the token, the poll, the address, the template's placeholder.
func (s *Source) Warn(ch *config.Checker, p string) {
	config.WarnAtlassian(ch, p, "Confluence", s.Token, s.Poll.D, 5*time.Minute, s.URL)
}

// Connector makes the source's connector; it makes no request.
func (s *Source) Connector(c *config.Config, tok credentials.TokenSource, clock connectors.Clock, base http.RoundTripper) (connectors.Connector, error) {
	return New(Config{
		Name: s.Name, BaseURL: s.URL, Deployment: s.Deployment, Email: s.Email, Token: tok,
		User: cmp.Or(c.Me.Confluence, c.Me.Jira), Spaces: s.Spaces, Labels: s.Labels, Since: s.Since.Time, Clock: clock, Base: base, BrowseURL: s.BrowseURL,
	})
}
