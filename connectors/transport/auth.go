package transport

import (
	"encoding/base64"
	"net/http"
	"sync"

	"github.com/evident-sync/evident/config/credentials"
	"github.com/evident-sync/evident/connectors"
)

// AuthTransport adds credentials to every request, resolving the token on
// first use (a token_command runs once, not at start-up) and again after
// Forget (when the API rejected it: it may have been rotated).
type AuthTransport struct {
	Base  http.RoundTripper
	Token credentials.TokenSource
	// Basic, when set, sends HTTP basic auth with this user and the token as
	// the password (Jira Cloud: email and API token); otherwise a bearer.
	Basic string

	mu    sync.Mutex
	value string
}

// RoundTrip adds the Authorization header.
func (a *AuthTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	a.mu.Lock()
	if a.value == "" && (a.Token != credentials.TokenSource{}) {
		v, err := a.Token.Resolve(req.Context())
		if err != nil {
			a.mu.Unlock()
			return nil, err
		}
		a.value = v
	}
	v := a.value
	a.mu.Unlock()
	r := req.Clone(req.Context())
	switch {
	case v == "":
	case a.Basic != "":
		r.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(a.Basic+":"+v)))
	default:
		r.Header.Set("Authorization", "Bearer "+v)
	}
	base := a.Base
	if base == nil {
		base = http.DefaultTransport
	}
	return base.RoundTrip(r)
}

// Forget drops the resolved token so the next request resolves it again.
func (a *AuthTransport) Forget() {
	a.mu.Lock()
	a.value = ""
	a.mu.Unlock()
}

// Atlassian names a Jira or Confluence deployment and the credential it
// was given, for a refusal's sentence (connectors.Refused): Cloud takes the
// account email and an API token as basic auth, Server and Data Center a
// personal access token as a bearer. onPrem is how the product names its
// self-hosted edition ("Server/Data Center", "Data Center").
func Atlassian(product, onPrem string, cloud bool, tok credentials.TokenSource) (service, credential string) {
	if cloud {
		return product + " Cloud", "the email and API token (basic auth) from " + tok.Describe()
	}
	return product + " " + onPrem, "the personal access token (bearer) from " + tok.Describe()
}

// AtlassianChain is the transport of a Jira or Confluence deployment: the
// shared retries and rate limits over base, then the credential, sent as
// basic auth with the account's email on Cloud and as a bearer (a personal
// access token) on Server and Data Center.
func AtlassianChain(base http.RoundTripper, clock connectors.Clock, tok credentials.TokenSource, cloud bool, email string) (*Transport, *AuthTransport) {
	tr := &Transport{Base: base, Clock: clock}
	auth := &AuthTransport{Base: tr, Token: tok}
	if cloud {
		auth.Basic = email
	}
	return tr, auth
}
