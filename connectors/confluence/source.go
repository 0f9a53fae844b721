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
	Name: "confluence", New: func() config.Source { return &Source{} }, Auth: "evident auth confluence",
	OrgKey: "confluence_spaces", OrgWide: true, CheckContainer: checkSpace, ContainerNoun: "Confluence space", FoldCase: true,
}

// Source is one entry of sources.confluence: a Confluence Cloud site or
// Data Center instance whose pages are design documents.
type Source struct {
	config.Common `yaml:",inline"`
	Deployment    string   `yaml:"deployment"` // cloud | server (Server and Data Center)
	Email         string   `yaml:"email"`
	Spaces        []string `yaml:"spaces"`
	Labels        []string `yaml:"labels"`
	// BrowseURL is where people open pages, when it differs from URL;
	// items link there.
	BrowseURL string `yaml:"browse_url"`
}

var spaceRE = regexp.MustCompile(`^~?[A-Za-z0-9][A-Za-z0-9_.-]*$`)

func checkSpace(_ *config.Config, k string) string {
	if !spaceRE.MatchString(k) {
		return fmt.Sprintf("%q is not a Confluence space key", k)
	}
	return ""
}

// Check completes the defaults and checks the entry.
func (s *Source) Check(ch *config.Checker, p string) {
	ch.Schedule(&s.Poll, &s.Since, config.DefaultConfluencePoll)
	if s.BrowseURL != "" {
		ch.URL(p+".browse_url", s.BrowseURL)
	}
	config.CheckAtlassian(ch, p, "Confluence", "https://acme.atlassian.net/wiki/, or your Data Center's base URL", s.URL, s.Deployment, s.Email)
	if u, err := url.Parse(s.URL); err == nil && s.Deployment == config.JiraCloud && strings.HasSuffix(u.Host, ".atlassian.net") && !strings.HasPrefix(u.Path, "/wiki") {
		ch.Problemf(p+".url", "Confluence Cloud lives under /wiki: write %s/wiki/", strings.TrimSuffix(s.URL, "/"))
	}
	ch.Token(p, s.Token, "a Confluence source")
	for j, k := range s.Spaces {
		if msg := checkSpace(nil, k); msg != "" {
			ch.Problemf(fmt.Sprintf("%s.spaces[%d]", p, j), "%s", msg)
		}
	}
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
