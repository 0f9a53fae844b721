package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/evident-sync/evident/pipeline/store"
)

// lanServer serves the UI as if bound to 192.0.2.10 (a LAN address), with a
// login token in a temporary data dir. Requests carry that Host.
func lanServer(t *testing.T, publicHealth bool) (*Server, *store.Store, *httptest.Server, string, string) {
	t.Helper()
	st, c := fixture(t)
	dir := t.TempDir()
	tf, err := OpenToken(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tf.Load(); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(nil)
	_, port, _ := strings.Cut(srv.Listener.Addr().String(), ":")
	host := "192.0.2.10:" + port
	s, err := New(Options{Backend: st, Config: c, Now: func() time.Time { return now },
		Access: Access{Addr: host, Hosts: []string{"laptop.lan"}, Token: tf, PublicHealth: publicHealth}})
	if err != nil {
		t.Fatal(err)
	}
	s.Handle("GET /healthz", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) }))
	s.Handle("GET /metrics", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("metrics")) }))
	srv.Config.Handler = s
	srv.Start()
	t.Cleanup(srv.Close)
	return s, st, srv, host, dir
}

type req struct {
	method, path, body string
	hdr                map[string]string
}

func do(t *testing.T, srv *httptest.Server, host string, r req) *http.Response {
	t.Helper()
	hr, _ := http.NewRequest(r.method, srv.URL+r.path, strings.NewReader(r.body))
	hr.Host = host
	for k, v := range r.hdr {
		hr.Header.Set(k, v)
	}
	cl := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := cl.Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res
}

var everyRoute = []req{
	{method: "GET", path: "/"}, {method: "GET", path: "/inbox"}, {method: "GET", path: "/evidence"},
	{method: "GET", path: "/report"}, {method: "GET", path: "/export.md"}, {method: "GET", path: "/api/items"},
	{method: "GET", path: "/api/report"}, {method: "GET", path: "/static/app.js"},
	{method: "GET", path: "/metrics"}, {method: "GET", path: "/healthz"}, {method: "GET", path: "/nope"},
	{method: "GET", path: "/v1/items"}, {method: "GET", path: "/v1/items/" + store.IDFor("github:acme/payments-api#1")},
	{method: "GET", path: "/v1/counts?state=suggested"}, {method: "GET", path: "/v1/sources"},
	{method: "POST", path: "/v1/decide", body: `{"ids":["` + store.IDFor("github:acme/payments-api#1") + `"],"state":"confirmed"}`},
	{method: "POST", path: "/v1/edit", body: `{"id":"` + store.IDFor("github:acme/payments-api#1") + `","note":"x"}`},
	{method: "POST", path: "/v1/decide", body: `{"ids":["` + store.IDFor("github:acme/payments-api#2") + `"],"state":"confirmed"}`},
}

func TestAccess_OffLoopbackEveryRouteNeedsTheToken(t *testing.T) {
	s, st, srv, host, _ := lanServer(t, false)
	for _, auth := range []map[string]string{
		nil,
		{"Authorization": "Bearer wrong"},
		{"Authorization": "Basic YWxpY2U6cHc="},
		{"Cookie": sessionCookie + "=0123"},
		{"X-CSRF-Token": s.csrf},
	} {
		for _, r := range everyRoute {
			r.hdr = auth
			// 429 once wrong tokens are throttled: refused all the same.
			if res := do(t, srv, host, r); res.StatusCode != http.StatusUnauthorized && res.StatusCode != http.StatusTooManyRequests {
				t.Errorf("%s %s with %v: %d, want 401 (or 429)", r.method, r.path, auth, res.StatusCode)
			} else if res.Header.Get("Set-Cookie") != "" {
				t.Errorf("%s %s: a refused request got a cookie", r.method, r.path)
			}
		}
	}
	r := req{method: "GET", path: "/inbox?token=wrong"}
	if res := do(t, srv, host, r); res.StatusCode < 400 || res.Header.Get("Set-Cookie") != "" {
		t.Errorf("a wrong ?token: %d %q", res.StatusCode, res.Header.Get("Set-Cookie"))
	}
	n := 0
	st.Scan(context.Background(), store.Filter{States: []store.State{store.Suggested}}, func(it *store.Item) error {
		if it.User.Note != "" {
			t.Errorf("a refused request edited %s", it.ID)
		}
		n++
		return nil
	})
	if n != 4 {
		t.Errorf("refused requests changed decisions: %d suggested, want 4", n)
	}
}

func TestAccess_TokenInURLBecomesASessionCookie(t *testing.T) {
	_, _, srv, host, dir := lanServer(t, false)
	tok, _ := (&TokenFile{path: TokenPath(dir)}).Load()
	res := do(t, srv, host, req{method: "GET", path: "/report?all=1&token=" + tok})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/report?all=1" {
		t.Fatalf("login: %d, Location %q", res.StatusCode, res.Header.Get("Location"))
	}
	cookies := res.Cookies()
	if len(cookies) != 1 || !cookies[0].HttpOnly || cookies[0].SameSite != http.SameSiteStrictMode || strings.Contains(cookies[0].Value, tok) {
		t.Fatalf("cookie: %+v", cookies)
	}
	jar := map[string]string{"Cookie": cookies[0].Name + "=" + cookies[0].Value}
	for _, p := range []string{"/inbox", "/api/items", "/export.md", "/metrics", "/healthz"} {
		if res := do(t, srv, host, req{method: "GET", path: p, hdr: jar}); res.StatusCode != 200 {
			t.Errorf("%s with the session cookie: %d", p, res.StatusCode)
		}
	}
	// A cookie session still needs the CSRF token to change state.
	if res := do(t, srv, host, req{method: "POST", path: everyRoute[15].path, body: everyRoute[15].body, hdr: jar}); res.StatusCode != http.StatusForbidden {
		t.Errorf("POST with the cookie but no CSRF token: %d, want 403", res.StatusCode)
	}
	// Rotating the token signs the old session out.
	if _, err := RotateToken(dir); err != nil {
		t.Fatal(err)
	}
	if res := do(t, srv, host, req{method: "GET", path: "/inbox", hdr: jar}); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("old session after rotation: %d, want 401", res.StatusCode)
	}
}

func TestAccess_BearerTokenOpensEveryRouteForScripts(t *testing.T) {
	_, st, srv, host, dir := lanServer(t, false)
	tok, _ := (&TokenFile{path: TokenPath(dir)}).Load()
	bearer := map[string]string{"Authorization": "Bearer " + tok, "Content-Type": "application/json"}
	for _, r := range everyRoute {
		r.hdr = bearer
		want := 200
		if r.path == "/" {
			want = http.StatusSeeOther
		} else if r.path == "/nope" {
			want = 404
		}
		if res := do(t, srv, host, r); res.StatusCode != want {
			t.Errorf("%s %s with the bearer token: %d, want %d", r.method, r.path, res.StatusCode, want)
		}
	}
	if it, _ := st.Get(context.Background(), store.IDFor("github:acme/payments-api#1")); it.State != store.Confirmed || it.User.Note != "x" {
		t.Errorf("bearer POSTs did not apply: %s %q", it.State, it.User.Note)
	}
}

func TestAccess_PublicHealthAnswersWithoutTheToken(t *testing.T) {
	_, _, srv, host, _ := lanServer(t, true)
	if res := do(t, srv, host, req{method: "GET", path: "/healthz"}); res.StatusCode != 200 {
		t.Errorf("/healthz with --public-health: %d", res.StatusCode)
	}
	if res := do(t, srv, host, req{method: "GET", path: "/metrics"}); res.StatusCode != 401 {
		t.Errorf("/metrics with --public-health: %d, want 401", res.StatusCode)
	}
}

func TestAccess_HostCheckOffLoopbackAcceptsOnlyTheBindAndListedNames(t *testing.T) {
	for _, tc := range []struct {
		bind, host string
		want       bool
	}{
		{"192.0.2.10:7788", "192.0.2.10:7788", true},
		{"192.0.2.10:7788", "laptop.lan:7788", true},
		{"192.0.2.10:7788", "LAPTOP.lan:7788", true},
		{"192.0.2.10:7788", "evil.example:7788", false},
		{"192.0.2.10:7788", "localhost:7788", false},
		{"192.0.2.10:7788", "192.0.2.11:7788", false},
		{"192.0.2.10:7788", "192.0.2.10:7789", false},
		{"0.0.0.0:7788", "127.0.0.1:7788", true},
		{"0.0.0.0:7788", "laptop.lan:7788", true},
		{"0.0.0.0:7788", "203.0.113.9:7788", false},
		{"0.0.0.0:7788", "evil.example:7788", false},
		{":7788", "127.0.0.1:7788", true},
		{"127.0.0.1:7788", "localhost:7788", true},
		{"127.0.0.1:7788", "[::1]:7788", true},
		{"127.0.0.1:7788", "evil.example:7788", false},
	} {
		a := Access{Addr: tc.bind, Hosts: []string{"laptop.lan"}}
		if got := a.hostAllowed(tc.host); got != tc.want {
			t.Errorf("bound to %s, Host %s: %v, want %v", tc.bind, tc.host, got, tc.want)
		}
	}
}

func TestReachable_OnlyLoopbackAddressesAreThisMachineAlone(t *testing.T) {
	for addr, want := range map[string]bool{"127.0.0.1:7788": false, "127.1.2.3:1": false, "[::1]:7788": false, "localhost:7788": false,
		"0.0.0.0:7788": true, ":7788": true, "192.168.1.5:7788": true, "[::]:7788": true, "myhost:7788": true} {
		if got := Reachable(addr); got != want {
			t.Errorf("Reachable(%s) = %v, want %v", addr, got, want)
		}
	}
}

// On loopback too every route needs the token (another user of the machine
// reaches loopback). A browser asking for a page gets a sign-in form whose
// token goes through the same exchange as the printed URL; a script gets
// the one-line help.
func TestAccess_OnLoopbackABrowserGetsASignInForm(t *testing.T) {
	tf, err := OpenToken(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	tok, _ := tf.Load()
	_, _, srv := newServerWith(t, tf)
	host := srv.Listener.Addr().String()
	if res := do(t, srv, host, req{method: "GET", path: "/api/items"}); res.StatusCode != 401 {
		t.Errorf("/api/items on loopback without the token: %d", res.StatusCode)
	}
	hr, _ := http.NewRequest("GET", srv.URL+"/evidence", nil)
	hr.Header.Set("Accept", "text/html,application/xhtml+xml")
	res, err := http.DefaultClient.Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	page := string(b)
	if res.StatusCode != 401 || !strings.Contains(res.Header.Get("Content-Type"), "text/html") ||
		!strings.Contains(page, `<form method="get" action="/evidence">`) || !strings.Contains(page, `name="token" type="password"`) ||
		!strings.Contains(page, "evident auth web-token") {
		t.Fatalf("a browser without the token: %d %s\n%s", res.StatusCode, res.Header.Get("Content-Type"), page)
	}
	if strings.Contains(page, "Add idempotency keys") || strings.Contains(page, "<script") || strings.Contains(page, "style=") {
		t.Errorf("the sign-in page carries evidence, a script or an inline style:\n%s", page)
	}
	// What the form sends: the exchange for a session cookie, back to the page.
	res = do(t, srv, host, req{method: "GET", path: "/evidence?token=" + tok})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/evidence" || len(res.Cookies()) != 1 {
		t.Errorf("the form's token: %d %q %v", res.StatusCode, res.Header.Get("Location"), res.Cookies())
	}
}

func TestSameSecret_HashesBothSidesSoLengthAndPrefixDoNotMatter(t *testing.T) {
	const tok = "0123456789abcdef0123456789abcdef"
	for _, g := range []string{"", "0", tok[:31], tok + "0", "1" + tok[1:]} {
		if sameSecret(g, tok) {
			t.Errorf("%q accepted", g)
		}
	}
	if !sameSecret(tok, tok) || sameSecret("", "") {
		t.Error("sameSecret is wrong on equal inputs")
	}
}

// BenchmarkSameSecret shows a wrong token costs the same whether it shares
// a long prefix with the real one or none.
func BenchmarkSameSecret(b *testing.B) {
	const tok = "0123456789abcdef0123456789abcdef0123456789abcdef"
	for name, g := range map[string]string{"prefix": tok[:47] + "x", "none": "x" + tok[1:], "short": "x"} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				sameSecret(g, tok)
			}
		})
	}
}

// The login redirect goes to a path on this server only: a token given on
// "//evil.example/x" lands on /evil.example/x here, never on another host.
func TestAccess_TheLoginRedirectStaysOnThisServer(t *testing.T) {
	_, _, srv, host, dir := lanServer(t, false)
	tok, _ := (&TokenFile{path: TokenPath(dir)}).Load()
	for _, path := range []string{"//evil.example/x?token=" + tok, "/\\evil.example/x?token=" + tok} {
		res := do(t, srv, host, req{method: "GET", path: path})
		loc := res.Header.Get("Location")
		if res.StatusCode != http.StatusSeeOther || strings.HasPrefix(loc, "//") || strings.HasPrefix(loc, "/\\") || !strings.HasPrefix(loc, "/") {
			t.Errorf("%s: %d, Location %q", path, res.StatusCode, loc)
		}
	}
}

// Wrong login tokens are throttled and logged: after a burst of guesses
// even a request with the right token waits, and each refusal is logged
// with where it came from, never with what was sent.
func TestAccess_WrongTokensAreThrottledAndLogged(t *testing.T) {
	var logs strings.Builder
	st, c := fixture(t)
	dir := t.TempDir()
	tf, err := OpenToken(dir)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := tf.Load()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(nil)
	_, port, _ := strings.Cut(srv.Listener.Addr().String(), ":")
	host := "192.0.2.10:" + port
	s, err := New(Options{Backend: st, Config: c, Now: func() time.Time { return now },
		Log:    slog.New(slog.NewTextHandler(&logs, nil)),
		Access: Access{Addr: host, Token: tf}})
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = s
	srv.Start()
	t.Cleanup(srv.Close)
	right := req{method: "GET", path: "/api/items", hdr: map[string]string{"Authorization": "Bearer " + tok}}
	if res := do(t, srv, host, right); res.StatusCode != http.StatusOK {
		t.Fatalf("the right token before any guess: %d", res.StatusCode)
	}
	for i := range loginBurst {
		guess := req{method: "GET", path: "/api/items", hdr: map[string]string{"Authorization": "Bearer guess-canary-" + fmt.Sprint(i)}}
		if res := do(t, srv, host, guess); res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("guess %d: %d, want 401", i, res.StatusCode)
		}
	}
	res := do(t, srv, host, right)
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
		t.Errorf("after %d wrong tokens: %d (Retry-After %q), want 429", loginBurst, res.StatusCode, res.Header.Get("Retry-After"))
	}
	if n := strings.Count(logs.String(), "wrong or missing login token"); n != loginBurst {
		t.Errorf("%d refusals logged, want %d:\n%s", n, loginBurst, logs.String())
	}
	if strings.Contains(logs.String(), "guess-canary") || strings.Contains(logs.String(), tok) {
		t.Error("the log holds what was sent")
	}
}
