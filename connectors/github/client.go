package github

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	gh "github.com/google/go-github/v60/github"

	"github.com/evident-sync/evident/config/credentials"
	"github.com/evident-sync/evident/connectors"
	"github.com/evident-sync/evident/connectors/transport"
)

// Client is the one way evident talks to GitHub: go-github over the shared
// rate-limit transport, with the token added (and read again after a 401),
// and one translator from API failures to sentences. The GitHub connector,
// the RFC connector's GitHub mode and the org enrichment all use it.
type Client struct {
	API  *gh.Client
	Tr   *transport.Transport
	auth *transport.AuthTransport
	// svc names GitHub and the credential in the transport's translator.
	svc *transport.Service
}

// ClientConfig says which GitHub to talk to and how.
type ClientConfig struct {
	BaseURL string // https://api.github.com/, https://ghe.example/api/v3/, http://127.0.0.1:PORT/
	Token   credentials.TokenSource
	Clock   connectors.Clock
	Base    http.RoundTripper // under the rate-limit handling (tests)
}

// NewClient builds the client. It makes no request.
func NewClient(cfg ClientConfig) (*Client, error) {
	base, err := url.Parse(cfg.BaseURL)
	if err != nil || base.Host == "" {
		return nil, fmt.Errorf("github: base URL %q is not a URL", cfg.BaseURL)
	}
	if !strings.HasSuffix(base.Path, "/") {
		base.Path += "/"
	}
	tr := &transport.Transport{Base: cfg.Base, Clock: cfg.Clock, Paces: map[string]transport.Pace{"/search/": {Resource: "search", Window: time.Minute, Default: 30}}}
	auth := &transport.AuthTransport{Base: headers{tr}, Token: cfg.Token, Origin: transport.OriginOf(base)}
	api := gh.NewClient(&http.Client{Transport: auth, CheckRedirect: transport.SameOrigin})
	api.BaseURL = base
	api.UserAgent = "evident"
	svc := &transport.Service{Name: "GitHub", Credential: "the token from " + cfg.Token.Describe(), Forget: auth.Forget}
	return &Client{API: api, Tr: tr, auth: auth, svc: svc}, nil
}

// headers pins the REST API version.
type headers struct{ base http.RoundTripper }

func (h headers) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	r.Header.Set("X-GitHub-Api-Version", "2022-11-28")
	return h.base.RoundTrip(r)
}

// Explain turns an API failure into one sentence, never with the token:
// go-github's own limit errors here, everything else by the transport's
// one translator (a rejected token, which is read again next time in case
// it was rotated; a status with GitHub's message; a malformed body; an
// unreachable host).
func (c *Client) Explain(err error, doing string) error {
	var er *gh.ErrorResponse
	var rl *gh.RateLimitError
	var abuse *gh.AbuseRateLimitError
	switch {
	case errors.As(err, &rl):
		return fmt.Errorf("%s: GitHub rate limit spent until %s", doing, rl.Rate.Reset.UTC().Format(time.RFC3339))
	case errors.As(err, &abuse):
		return fmt.Errorf("%s: GitHub secondary rate limit persisted after retries", doing)
	case errors.As(err, &er) && er.Response != nil:
		msg := strings.TrimSpace(er.Message)
		return c.svc.Answered(er.Response.StatusCode, msg, []byte(msg), doing)
	}
	return c.svc.Unanswered(err, doing)
}
