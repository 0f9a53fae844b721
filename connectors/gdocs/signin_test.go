package gdocs

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/evident-sync/evident/config/credentials"
	"github.com/evident-sync/evident/connectors/connectorstest"
	"github.com/evident-sync/evident/connectors/passtest"
)

// fakeGoogle is Google's token endpoint: it checks the PKCE verifier of
// an authorization code and issues access tokens from a refresh token.
type fakeGoogle struct {
	challenge string // of the code it issued
	refreshes atomic.Int32
	access    string // the access token it issues
}

func (g *fakeGoogle) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	w.Header().Set("Content-Type", "application/json")
	switch r.Form.Get("grant_type") {
	case "authorization_code":
		sum := sha256.Sum256([]byte(r.Form.Get("code_verifier")))
		if r.Form.Get("code") != "the-code" || base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge || r.Form.Get("client_id") != "cid" {
			w.WriteHeader(400)
			json.NewEncoder(w).Encode(map[string]string{"error": "invalid_grant", "error_description": "Bad Request"})
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"access_token": g.access, "refresh_token": "1//refresh", "expires_in": 3599, "token_type": "Bearer", "scope": Scope})
	case "refresh_token":
		if r.Form.Get("refresh_token") != "1//refresh" {
			w.WriteHeader(400)
			json.NewEncoder(w).Encode(map[string]string{"error": "invalid_grant", "error_description": "Token has been expired or revoked."})
			return
		}
		g.refreshes.Add(1)
		json.NewEncoder(w).Encode(map[string]any{"access_token": g.access, "expires_in": 3599, "token_type": "Bearer"})
	}
}

// The sign-in asks for drive.readonly alone, with PKCE (S256) and a
// loopback redirect; the grant it keeps gives the connector access tokens.
func TestSignIn_PKCELoopbackThenRefreshedAccessTokens(t *testing.T) {
	w := newWorld(t)
	g := &fakeGoogle{access: token}
	tokSrv := httptest.NewServer(g)
	defer tokSrv.Close()
	browser := func(u string) error {
		p, err := url.Parse(u)
		if err != nil {
			return err
		}
		q := p.Query()
		if q.Get("scope") != Scope || q.Get("code_challenge_method") != "S256" || q.Get("access_type") != "offline" || !strings.HasPrefix(q.Get("redirect_uri"), "http://127.0.0.1:") {
			t.Errorf("the consent URL: %s", u)
		}
		g.challenge = q.Get("code_challenge")
		// The user consents; Google redirects the browser to the listener.
		go func() {
			resp, err := http.Get(q.Get("redirect_uri") + "?state=" + q.Get("state") + "&code=the-code&scope=" + url.QueryEscape(Scope))
			if err == nil {
				resp.Body.Close()
			}
		}()
		return nil
	}
	var shown string
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	grant, err := SignIn{ClientID: "cid", ClientSecret: "csecret", AuthURL: "https://accounts.example/auth", TokenURL: tokSrv.URL,
		Show: func(u string) { shown = u }, Open: browser}.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(shown, "https://accounts.example/auth?") || grant.RefreshToken != "1//refresh" || grant.TokenURL != tokSrv.URL {
		t.Fatalf("shown %q, grant %+v", shown, grant)
	}
	// The stored grant is the source's token: the connector refreshes an
	// access token from it, once, and reads Drive with it.
	b, _ := json.Marshal(grant)
	t.Setenv("GDOCS_GRANT", string(b))
	c := w.connector(t, connectorstest.NewClock(w.now), "GDOCS_GRANT")
	sink := passtest.NewSink(nil)
	if err := sink.Pass(t, c, 50); err != nil {
		t.Fatal(err)
	}
	if len(sink.Got) != 3 || g.refreshes.Load() != 1 {
		t.Errorf("%d items, %d refreshes", len(sink.Got), g.refreshes.Load())
	}
	// A revoked grant is said with what to do, and no secret.
	grant.RefreshToken = "1//revoked"
	b, _ = json.Marshal(grant)
	t.Setenv("GDOCS_GRANT", string(b))
	_, err = w.connector(t, connectorstest.NewClock(w.now), "GDOCS_GRANT").Check(context.Background())
	if err == nil || !strings.Contains(err.Error(), "run evident auth google --source docs again") || strings.Contains(err.Error(), "1//") {
		t.Errorf("a revoked grant: %v", err)
	}
}

// An access token that expires in the middle of a pass (Drive answers 401)
// is read again and the request sent once more: the pass goes on.
func TestFetch_AnExpiredAccessTokenIsReplacedWithoutFailingThePass(t *testing.T) {
	w := newWorld(t)
	tokFile := filepath.Join(t.TempDir(), "tok")
	os.WriteFile(tokFile, []byte(token), 0o600)
	c, err := New(Config{Name: "docs", BaseURL: w.drive.URL(), Folders: []string{w.pay.ID}, Since: w.now.AddDate(-1, 0, 0), Clock: connectorstest.NewClock(w.now),
		Token: credentials.TokenSource{Command: "cat " + tokFile}})
	if err != nil {
		t.Fatal(err)
	}
	sink := passtest.NewSink(nil)
	if err := sink.Pass(t, c, 50); err != nil {
		t.Fatal(err)
	}
	w.drive.SetToken("ya29.rotated") // the old token expired; the command now prints another
	os.WriteFile(tokFile, []byte("ya29.rotated"), 0o600)
	w.drive.AddComment(w.untouched.ID, w.me, w.now, false)
	if err := sink.Pass(t, c, 50); err != nil {
		t.Fatalf("the pass failed on an expired token: %v", err)
	}
	if _, ok := sink.Got["rfc:docs:"+w.untouched.ID]; !ok {
		t.Error("the pass after the token expired found nothing")
	}
}
