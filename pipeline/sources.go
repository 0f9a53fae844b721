package pipeline

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"

	"github.com/evident-sync/evident/config"
	"github.com/evident-sync/evident/config/credentials"
	"github.com/evident-sync/evident/connectors"
	// The source types: importing it registers their config sections.
	_ "github.com/evident-sync/evident/connectors/all"
)

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

// A connectable is a source's config entry: each source type's entry
// builds its own connector (see connectors/all for the types).
type connectable interface {
	config.Source
	// Connector makes the source's connector; it makes no request.
	Connector(c *config.Config, tok credentials.TokenSource, clock connectors.Clock, base http.RoundTripper) (connectors.Connector, error)
	// Endpoint is the API root the source reaches ("" for none).
	Endpoint() string
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
		if b, ok := e.Source.(connectable); ok {
			src.Conn, err = b.Connector(c, tok, o.Clock, o.Base)
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

// tokenOf says where a source's token comes from, and which command
// stores one.
func tokenOf(c *config.Config, typ, source string, t config.Token) credentials.TokenSource {
	ts := credentials.TokenSource{Env: t.TokenEnv, Command: t.TokenCommand}
	st, _ := config.TypeOf(typ)
	ts.Auth = st.AuthCommand(source, len(c.Sources.Of(typ)))
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
