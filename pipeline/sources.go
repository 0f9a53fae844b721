package pipeline

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"

	"github.com/evident-sync/evident/config"
	"github.com/evident-sync/evident/config/credentials"
	"github.com/evident-sync/evident/connectors"
	"github.com/evident-sync/evident/connectors/confluence"
	"github.com/evident-sync/evident/connectors/gdocs"
	"github.com/evident-sync/evident/connectors/github"
	"github.com/evident-sync/evident/connectors/jira"
	"github.com/evident-sync/evident/connectors/rfc"
)

// sourceTypes are the source types that live with their connectors: each
// brings its config section, its checks and its connector. A new source
// is its folder and one line here.
var sourceTypes = []config.SourceType{
	gdocs.Type,
}

func init() {
	for _, t := range sourceTypes {
		config.RegisterSource(t)
	}
}

// BuildOptions tune the connectors Build makes.
type BuildOptions struct {
	// Clock drives every wait (default: the wall clock).
	Clock connectors.Clock
	// Base is the HTTP transport under the connectors (default: Go's).
	Base http.RoundTripper
}

// hostOf is a URL's host and port, or the URL when it does not parse.
func hostOf(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.Host != "" {
		return u.Host
	}
	return raw
}

// A connectable is the config entry of a source type that lives with its
// connector (connectors/gdocs): it registered its section with
// config.RegisterSource, and builds its connector itself.
type connectable interface {
	config.Source
	// Connector makes the source's connector; it makes no request.
	Connector(me config.Me, tok credentials.TokenSource, clock connectors.Clock, base http.RoundTripper) (connectors.Connector, error)
	// Endpoint is the API root the source reaches ("" for none).
	Endpoint() string
}

// builtins build the connectors of the four types config knows itself.
var builtins = map[string]func(c *config.Config, s config.Source, o BuildOptions) (connectors.Connector, string, error){
	"github": func(c *config.Config, src config.Source, o BuildOptions) (connectors.Connector, string, error) {
		s := src.(*config.GitHubSource)
		conn, err := github.New(github.Config{
			Name: s.Name, BaseURL: s.URL, Token: tokenOf(c, "github", s.Name, s.Token),
			Login: c.Me.GitHub, Owners: s.Owners, Since: s.Since.Time, Clock: o.Clock, Base: o.Base,
			Files: c.Org.CodeOwners,
		})
		return conn, s.URL, err
	},
	"jira": func(c *config.Config, src config.Source, o BuildOptions) (connectors.Connector, string, error) {
		s := src.(*config.JiraSource)
		conn, err := newJira(c, s, o)
		return conn, s.URL, err
	},
	"rfc": func(c *config.Config, src config.Source, o BuildOptions) (connectors.Connector, string, error) {
		s := src.(*config.RFCSource)
		conn, err := newRFC(c, s, o)
		if s.Repo == "" {
			return conn, "", err
		}
		return conn, cmp.Or(s.URL, "https://api.github.com/"), err
	},
	"confluence": func(c *config.Config, src config.Source, o BuildOptions) (connectors.Connector, string, error) {
		s := src.(*config.ConfluenceSource)
		conn, err := confluence.New(confluence.Config{
			Name: s.Name, BaseURL: s.URL, Deployment: s.Deployment, Email: s.Email, Token: tokenOf(c, "confluence", s.Name, s.Token),
			User: cmp.Or(c.Me.Confluence, c.Me.Jira), Spaces: s.Spaces, Labels: s.Labels, Since: s.Since.Time, Clock: o.Clock, Base: o.Base, BrowseURL: s.BrowseURL,
		})
		return conn, s.URL, err
	},
}

// Build makes a Source for every configured source, by type and then in
// config order. It makes no request.
func Build(c *config.Config, o BuildOptions) ([]Source, error) {
	var out []Source
	for _, e := range c.Sources.All() {
		name := e.Source.SourceName()
		src := Source{Name: name, Type: e.Type, Poll: e.Source.PollEvery(), Hash: hashOf(e.Source)}
		var tok credentials.TokenSource
		if cr, ok := e.Source.(config.Credentialed); ok {
			if t, ok := cr.Credential(); ok {
				tok = tokenOf(c, e.Type, name, t)
				src.Token = tok
			}
		}
		var (
			endpoint string
			err      error
		)
		if b, ok := builtins[e.Type]; ok {
			src.Conn, endpoint, err = b(c, e.Source, o)
		} else if b, ok := e.Source.(connectable); ok {
			src.Conn, err = b.Connector(c.Me, tok, o.Clock, o.Base)
			endpoint = b.Endpoint()
		} else {
			err = fmt.Errorf("evident cannot read sources of type %s", e.Type)
		}
		if err != nil {
			return nil, fmt.Errorf("source %s: %w", name, err)
		}
		if endpoint != "" {
			src.Host = hostOf(endpoint)
		}
		out = append(out, src)
	}
	return out, nil
}

func newJira(c *config.Config, s *config.JiraSource, o BuildOptions) (connectors.Connector, error) {
	return jira.New(jira.Config{
		Name: s.Name, BaseURL: s.URL, Deployment: s.Deployment, Email: s.Email,
		Token: tokenOf(c, "jira", s.Name, s.Token),
		User:  c.Me.Jira, Projects: s.Projects, Since: s.Since.Time, Clock: o.Clock, Base: o.Base, RemoteLinks: s.RemoteLinks, BrowseURL: s.BrowseURL,
	})
}

func newRFC(c *config.Config, s *config.RFCSource, o BuildOptions) (connectors.Connector, error) {
	return rfc.New(rfc.Config{
		Name: s.Name, Dir: s.Dir, BaseURL: s.URL, Token: tokenOf(c, "rfc", s.Name, s.Token),
		Repo: s.Repo, Path: s.Path, Me: rfc.Me{GitHub: c.Me.GitHub, Name: c.Me.Name, Emails: c.Me.Emails},
		Clock: o.Clock, Base: o.Base,
	})
}

// tokenOf says where a source's token comes from, and which command
// stores one.
func tokenOf(c *config.Config, typ, source string, t config.Token) credentials.TokenSource {
	ts := credentials.TokenSource{Env: t.TokenEnv, Command: t.TokenCommand}
	st, _ := config.TypeOf(typ)
	switch {
	case typ == "rfc":
		ts.Auth = "evident auth github --source " + source
	case st.Auth != "" && len(c.Sources.Of(typ)) == 1:
		ts.Auth = st.Auth
	case st.Auth != "":
		ts.Auth = st.Auth + " --source " + source
	default:
		ts.Auth = "evident auth " + typ + " --source " + source
	}
	if t.Token == config.Keyring {
		ts.Keyring = source
	}
	return ts
}

func hashOf(v any) string {
	b, _ := json.Marshal(v)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}
