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
	"github.com/evident-sync/evident/connectors/github"
	"github.com/evident-sync/evident/connectors/jira"
	"github.com/evident-sync/evident/connectors/rfc"
)

// BuildOptions tune the connectors Build makes.
type BuildOptions struct {
	// Clock drives every wait (default: the wall clock).
	Clock connectors.Clock
	// Base is the HTTP transport under the connectors (default: Go's).
	Base http.RoundTripper
}

// Build makes a Source for every configured source, in config order. It
// makes no request.
// hostOf is a URL's host and port, or the URL when it does not parse.
func hostOf(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.Host != "" {
		return u.Host
	}
	return raw
}

func Build(c *config.Config, o BuildOptions) ([]Source, error) {
	var out []Source
	for _, s := range c.Sources.GitHub {
		conn, err := github.New(github.Config{
			Name: s.Name, BaseURL: s.URL, Token: tokenOf(c, "github", s.Name, s.Token),
			Login: c.Me.GitHub, Owners: s.Owners, Since: s.Since.Time, Clock: o.Clock, Base: o.Base,
			Files: c.Org.CodeOwners,
		})
		if err != nil {
			return nil, fmt.Errorf("source %s: %w", s.Name, err)
		}
		out = append(out, Source{Name: s.Name, Type: "github", Poll: s.Poll.D, Conn: conn, Hash: hashOf(s), Token: tokenOf(c, "github", s.Name, s.Token), Host: hostOf(s.URL)})
	}
	for _, s := range c.Sources.Jira {
		conn, err := newJira(c, s, o)
		if err != nil {
			return nil, fmt.Errorf("source %s: %w", s.Name, err)
		}
		out = append(out, Source{Name: s.Name, Type: "jira", Poll: s.Poll.D, Conn: conn, Hash: hashOf(s), Token: tokenOf(c, "jira", s.Name, s.Token), Host: hostOf(s.URL)})
	}
	for _, s := range c.Sources.RFC {
		conn, err := newRFC(c, s, o)
		if err != nil {
			return nil, fmt.Errorf("source %s: %w", s.Name, err)
		}
		src := Source{Name: s.Name, Type: "rfc", Poll: s.Poll.D, Conn: conn, Hash: hashOf(s)}
		if s.Repo != "" {
			src.Token, src.Host = tokenOf(c, "rfc", s.Name, s.Token), hostOf(cmp.Or(s.URL, "https://api.github.com/"))
		}
		out = append(out, src)
	}
	for _, s := range c.Sources.Confluence {
		tok := tokenOf(c, "confluence", s.Name, s.Token)
		conn, err := confluence.New(confluence.Config{
			Name: s.Name, BaseURL: s.URL, Deployment: s.Deployment, Email: s.Email, Token: tok,
			User: cmp.Or(c.Me.Confluence, c.Me.Jira), Spaces: s.Spaces, Labels: s.Labels, Since: s.Since.Time, Clock: o.Clock, Base: o.Base, BrowseURL: s.BrowseURL,
		})
		if err != nil {
			return nil, fmt.Errorf("source %s: %w", s.Name, err)
		}
		out = append(out, Source{Name: s.Name, Type: "confluence", Poll: s.Poll.D, Conn: conn, Hash: hashOf(s), Host: hostOf(s.URL), Token: tok})
	}
	return out, nil
}

func newJira(c *config.Config, s config.JiraSource, o BuildOptions) (connectors.Connector, error) {
	return jira.New(jira.Config{
		Name: s.Name, BaseURL: s.URL, Deployment: s.Deployment, Email: s.Email,
		Token: tokenOf(c, "jira", s.Name, s.Token),
		User:  c.Me.Jira, Projects: s.Projects, Since: s.Since.Time, Clock: o.Clock, Base: o.Base, RemoteLinks: s.RemoteLinks, BrowseURL: s.BrowseURL,
	})
}

func newRFC(c *config.Config, s config.RFCSource, o BuildOptions) (connectors.Connector, error) {
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
	switch {
	case typ == "github" && len(c.Sources.GitHub) == 1:
		ts.Auth = "evident auth github"
	case typ == "jira" && len(c.Sources.Jira) == 1:
		ts.Auth = "evident auth jira"
	case typ == "confluence" && len(c.Sources.Confluence) == 1:
		ts.Auth = "evident auth confluence"
	case typ == "rfc":
		ts.Auth = "evident auth github --source " + source
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
