package gdocs

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"github.com/evident-sync/evident/config/credentials"
	"github.com/evident-sync/evident/connectors"
)

// Scope is the one scope evident asks Google for: read Drive files and
// their comments and revisions, nothing else.
const Scope = "https://www.googleapis.com/auth/drive.readonly"

// Google's OAuth endpoints for installed apps.
const (
	GoogleAuthURL  = "https://accounts.google.com/o/oauth2/v2/auth"
	GoogleTokenURL = "https://oauth2.googleapis.com/token"
)

// Grant is what `evident auth google` keeps in the keyring: a refresh
// token and the client it was issued to. A source whose token is a Grant
// refreshes access tokens from it.
type Grant struct {
	RefreshToken string `json:"refresh_token"`
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret,omitempty"`
	TokenURL     string `json:"token_url"`
}

// parseGrant reads a stored secret as a Grant; false for a plain access
// token.
func parseGrant(secret string) (Grant, bool) {
	var g Grant
	if !strings.HasPrefix(strings.TrimSpace(secret), "{") || json.Unmarshal([]byte(secret), &g) != nil || g.RefreshToken == "" {
		return Grant{}, false
	}
	return g, true
}

// SignIn is Google's installed-app flow: PKCE and a redirect to a one-time
// listener on 127.0.0.1 (Google's device flow does not allow Drive scopes),
// as gcloud and rclone sign in.
type SignIn struct {
	ClientID, ClientSecret string
	// AuthURL and TokenURL are Google's (a fake's in tests).
	AuthURL, TokenURL string
	// Show tells the user the URL to open; Open opens it in a browser
	// (nil, or an error: the user opens it).
	Show func(url string)
	Open func(url string) error
	// HTTP sends the token request (default: a client with a timeout).
	HTTP *http.Client
}

// Run signs in and returns the Grant to keep. It waits for the browser's
// redirect until ctx is done.
func (s SignIn) Run(ctx context.Context) (Grant, error) {
	if s.ClientID == "" {
		return Grant{}, errors.New("evident auth google needs your OAuth client: set client_id (and client_secret) on the source, or pass --client-id; docs/configuration.md says how to make one in five steps")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return Grant{}, fmt.Errorf("listen for Google's redirect: %w", err)
	}
	defer ln.Close()
	conf := &oauth2.Config{
		ClientID: s.ClientID, ClientSecret: s.ClientSecret, Scopes: []string{Scope},
		Endpoint:    oauth2.Endpoint{AuthURL: cmp.Or(s.AuthURL, GoogleAuthURL), TokenURL: cmp.Or(s.TokenURL, GoogleTokenURL), AuthStyle: oauth2.AuthStyleInParams},
		RedirectURL: "http://" + ln.Addr().String() + "/",
	}
	verifier := oauth2.GenerateVerifier()
	var b [16]byte
	rand.Read(b[:])
	state := hex.EncodeToString(b[:])
	// access_type=offline and prompt=consent: a refresh token, every time.
	u := conf.AuthCodeURL(state, oauth2.AccessTypeOffline, oauth2.SetAuthURLParam("prompt", "consent"), oauth2.S256ChallengeOption(verifier))
	if s.Show != nil {
		s.Show(u)
	}
	if s.Open != nil {
		_ = s.Open(u) // where there is no browser, the user opens the URL
	}
	code, err := awaitCode(ctx, ln, state)
	if err != nil {
		return Grant{}, err
	}
	client := s.HTTP
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	tok, err := conf.Exchange(context.WithValue(ctx, oauth2.HTTPClient, client), code, oauth2.VerifierOption(verifier))
	if err != nil {
		return Grant{}, fmt.Errorf("sign-in refused by Google: %v", oauthReason(err))
	}
	if tok.RefreshToken == "" {
		return Grant{}, errors.New("no refresh token came from Google; remove evident's access at myaccount.google.com/permissions and sign in again")
	}
	return Grant{RefreshToken: tok.RefreshToken, ClientID: s.ClientID, ClientSecret: s.ClientSecret, TokenURL: conf.Endpoint.TokenURL}, nil
}

// awaitCode serves the loopback redirect once: the code, when the state is
// the one sent; Google's error, said; anything else is a 404 and waited
// past (a browser asks for /favicon.ico).
func awaitCode(ctx context.Context, ln net.Listener, state string) (string, error) {
	type result struct {
		code string
		err  error
	}
	done := make(chan result, 1)
	var once sync.Once
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if r.URL.Path != "/" || (q.Get("code") == "" && q.Get("error") == "") {
			http.NotFound(w, r)
			return
		}
		var res result
		switch {
		case q.Get("state") != state:
			res.err = errors.New("the sign-in came back with another state than evident sent; start again")
		case q.Get("error") != "":
			res.err = fmt.Errorf("not signed in by Google: %s", q.Get("error"))
		default:
			res.code = q.Get("code")
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		msg := "Signed in. You can close this tab and return to the terminal."
		if res.err != nil {
			msg = "Not signed in: " + res.err.Error()
		}
		fmt.Fprintf(w, "<!doctype html><meta charset=utf-8><title>evident</title><p>%s</p>\n", html.EscapeString(msg))
		once.Do(func() { done <- res })
	})}
	go srv.Serve(ln)
	defer srv.Close()
	select {
	case <-ctx.Done():
		return "", ctx.Err()
	case res := <-done:
		return res.code, res.err
	}
}

// oauthReason is an OAuth failure's error code and description, never a
// token.
func oauthReason(err error) string {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		return strings.TrimSpace(re.ErrorCode + " " + re.ErrorDescription)
	}
	return err.Error()
}

// accessTokens resolves the bearer a request carries: the configured token
// itself, or, when it is a Grant, an access token refreshed from it and
// reused until it nearly expires. The configured token is read once (a
// token_command runs once) and again after Forget.
type accessTokens struct {
	src    credentials.TokenSource
	source string // the source's name, for the sentence
	client *http.Client

	mu     sync.Mutex
	secret string
	ts     oauth2.TokenSource
}

// Token returns the bearer to send.
func (a *accessTokens) Token(ctx context.Context) (string, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.secret == "" {
		s, err := a.src.Resolve(ctx)
		if err != nil {
			return "", err
		}
		a.secret, a.ts = s, nil
	}
	g, ok := parseGrant(a.secret)
	if !ok {
		return a.secret, nil
	}
	if a.ts == nil {
		conf := &oauth2.Config{ClientID: g.ClientID, ClientSecret: g.ClientSecret, Endpoint: oauth2.Endpoint{TokenURL: g.TokenURL, AuthStyle: oauth2.AuthStyleInParams}}
		a.ts = conf.TokenSource(context.WithValue(context.WithoutCancel(ctx), oauth2.HTTPClient, a.client), &oauth2.Token{RefreshToken: g.RefreshToken})
	}
	tok, err := a.ts.Token()
	if err != nil {
		a.ts = nil
		var re *oauth2.RetrieveError
		if errors.As(err, &re) && (re.ErrorCode == "invalid_grant" || re.ErrorCode == "invalid_client" || re.Response != nil && re.Response.StatusCode == http.StatusUnauthorized) {
			return "", connectors.AuthErrorf("Google refused the sign-in stored for %s (%s); run evident auth google --source %s again", a.source, oauthReason(err), a.source)
		}
		return "", fmt.Errorf("refresh the Google access token: %s", oauthReason(err))
	}
	return tok.AccessToken, nil
}

// Forget drops the token read and any access token refreshed from it: the
// next request reads the configured token again.
func (a *accessTokens) Forget() {
	a.mu.Lock()
	a.secret, a.ts = "", nil
	a.mu.Unlock()
}
