package transport

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strings"
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
	// Origin is the configured server's scheme://host[:port]: credentials
	// go to it alone, never to another host a response points to.
	Origin string
	// Resolve, when set, gives the bearer for each request instead of
	// Token (it keeps its own cache: an OAuth access token refreshed
	// before it expires).
	Resolve func(ctx context.Context) (string, error)

	mu    sync.Mutex
	value string
}

// RoundTrip adds the Authorization header.
func (a *AuthTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var v string
	if a.Resolve != nil {
		var err error
		if v, err = a.Resolve(req.Context()); err != nil {
			return nil, err
		}
	} else {
		a.mu.Lock()
		if a.value == "" && (a.Token != credentials.TokenSource{}) {
			v, err := a.Token.Resolve(req.Context())
			if err != nil {
				a.mu.Unlock()
				return nil, err
			}
			a.value = v
		}
		v = a.value
		a.mu.Unlock()
	}
	r := req.Clone(req.Context())
	switch {
	case v == "", a.Origin != "" && OriginOf(req.URL) != a.Origin:
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

// OriginOf is a URL's scheme://host[:port], lower-cased.
func OriginOf(u *url.URL) string {
	return strings.ToLower(u.Scheme + "://" + u.Host)
}

// SameOrigin is an http.Client's CheckRedirect that follows a redirect only
// to the origin the request started at (an SSO proxy that redirects to its
// login page is refused, in one sentence, before anything is sent there).
func SameOrigin(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return fmt.Errorf("%s redirected 10 times; check the url", OriginOf(via[0].URL))
	}
	if from, to := OriginOf(via[0].URL), OriginOf(req.URL); from != to {
		return fmt.Errorf("%s redirected to %s, another server; evident sends your credentials only to the url you configured: fix the url, or reach the API without the proxy", from, to)
	}
	return nil
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

// Refusal is the sentence for a 401 or 403 from service (nil for any other
// status): which credential it refused, never the secret. A 401 calls
// forget first, so that a cached token is read again (a token_command
// runs again) on the next request.
func Refusal(status int, service, credential, msg string, forget func()) error {
	switch status {
	case http.StatusUnauthorized:
		if forget != nil {
			forget()
		}
	case http.StatusForbidden:
	default:
		return nil
	}
	return connectors.Refused(service, credential, status, msg)
}

// QueryError is a request the service refused as malformed (400): a
// search function or field this deployment does not have. A connector may
// ask again without it.
type QueryError struct{ Err error }

func (e *QueryError) Error() string { return e.Err.Error() }
func (e *QueryError) Unwrap() error { return e.Err }

// NotFoundError is a 404: an endpoint or resource this deployment lacks.
type NotFoundError struct{ Err error }

func (e *NotFoundError) Error() string { return e.Err.Error() }
func (e *NotFoundError) Unwrap() error { return e.Err }
