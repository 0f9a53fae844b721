package web

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Access says who may use a web server: which Host names it answers to and
// the login token every request must carry.
//
// A loopback bind (127.0.0.0/8, ::1, localhost) needs the login too, as
// Jupyter's does: another user of the same machine reaches loopback as
// well, and the data dir's 0700 mode and the socket's 0600 would mean
// nothing if the UI served them. Every route answers 401 without the token:
// given once as ?token= (exchanged for an HttpOnly, SameSite=Strict session
// cookie and dropped from the URL), or as Authorization: Bearer for
// scripts. The Host check (DNS rebinding) and the CSRF token (cross-site
// requests) hold on top of it.
type Access struct {
	// Addr is the address the server listens on (host:port).
	Addr string
	// Hosts are further names the user reaches the server by (--host).
	Hosts []string
	// Token is the login token's file. Nil lets every request in: only
	// tests of the pages behind the guard leave it out.
	Token *TokenFile
	// PublicHealth lets /healthz (which says only {"status":"ok"}) answer
	// without the token.
	PublicHealth bool
	// TLS is set when the server speaks HTTPS (the session cookie is Secure).
	TLS bool
	// Log, when set, receives one warning per refused login (the address
	// it came from, never what was sent).
	Log *slog.Logger
}

// Wrong login tokens are throttled: a burst of loginBurst, then one every
// loginEvery; past that a request is answered 429 before the token is even
// compared, so guessing is slower than the token is long.
const (
	loginBurst = 10
	loginEvery = 2 * time.Second
)

// Loopback reports whether host (an address's host part) is this machine
// only.
func Loopback(host string) bool {
	host = strings.Trim(host, "[]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Reachable reports whether a server bound to addr is reachable from other
// machines, not only from this one.
func Reachable(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	return err != nil || !Loopback(host)
}

const (
	sessionCookie = "evident_session"
	loginHelp     = "evident: this web UI needs its login token: open the URL evident printed at start (…/?token=…), or send Authorization: Bearer TOKEN; `evident auth web-token` prints it\n"
)

type authKey struct{}

// bearer reports whether r was let in by an Authorization header, which a
// browser never sends across sites: such a request needs no CSRF token.
func bearer(r *http.Request) bool {
	b, _ := r.Context().Value(authKey{}).(bool)
	return b
}

// Guard wraps h with the Host check and, when a login is required, the
// token check. A refused request reaches nothing behind it.
func (a Access) Guard(h http.Handler) http.Handler {
	wrong := rate.NewLimiter(rate.Every(loginEvery), loginBurst)
	refuse := func(w http.ResponseWriter, r *http.Request) {
		if a.Log != nil {
			a.Log.Warn("web: refused a request with a wrong or missing login token", "from", r.RemoteAddr, "path", r.URL.Path)
		}
		a.unauthorized(w, r)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !a.hostAllowed(r.Host) {
			http.Error(w, fmt.Sprintf("refused: Host %q is not this server (DNS rebinding protection; name it with --host)", r.Host), http.StatusMisdirectedRequest)
			return
		}
		if a.Token == nil || (a.PublicHealth && r.URL.Path == "/healthz") {
			h.ServeHTTP(w, r)
			return
		}
		if wrong.Tokens() < 1 {
			w.Header().Set("Retry-After", "2")
			http.Error(w, "evident: too many wrong login tokens; wait a few seconds", http.StatusTooManyRequests)
			return
		}
		tok, err := a.Token.Load()
		if err != nil {
			http.Error(w, "evident: the login token cannot be read", http.StatusInternalServerError)
			return
		}
		if given := r.URL.Query().Get("token"); given != "" {
			if !sameSecret(given, tok) {
				wrong.Allow()
				refuse(w, r)
				return
			}
			if r.Method == http.MethodGet || r.Method == http.MethodHead {
				http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: session(tok), Path: "/",
					HttpOnly: true, Secure: a.TLS, SameSite: http.SameSiteStrictMode})
				u := *r.URL
				q := u.Query()
				q.Del("token")
				u.RawQuery = q.Encode()
				u.Scheme, u.Host = "", ""
				// Only a path on this server: "//evil.example/x" would be
				// another host to the browser.
				target := "/" + strings.TrimLeft(u.RequestURI(), "/\\")
				http.Redirect(w, r, target, http.StatusSeeOther)
				return
			}
		} else if v, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
			if !sameSecret(strings.TrimSpace(v), tok) {
				wrong.Allow()
				refuse(w, r)
				return
			}
			r = r.WithContext(context.WithValue(r.Context(), authKey{}, true))
		} else if c, err := r.Cookie(sessionCookie); err != nil || !sameSecret(c.Value, session(tok)) {
			if err == nil {
				wrong.Allow() // a forged cookie is a guess too; no cookie at all is not
			}
			a.unauthorized(w, r)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// unauthorized answers 401: a browser asking for a page gets a sign-in
// form (the token it takes goes through the ?token= exchange, as the
// printed URL does); anything else the one-line help.
func (a Access) unauthorized(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="evident"`)
	if (r.Method == http.MethodGet || r.Method == http.MethodHead) && strings.Contains(r.Header.Get("Accept"), "text/html") {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusUnauthorized)
		loginPage.Execute(w, r.URL.Path)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusUnauthorized)
	fmt.Fprint(w, loginHelp)
}

// loginPage is the sign-in form. It carries nothing of the store, and no
// style or script (the CSP allows none inline, and the assets are behind
// the login too).
var loginPage = template.Must(template.New("login").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in — evident</title></head>
<body>
<main>
<h1>Sign in to evident</h1>
<p>This page shows your evidence and your notes, so it opens only with its login token.
On the machine evident runs on, <code>evident auth web-token</code> prints the sign-in URL;
open it, or paste the token here.</p>
<form method="get" action="{{.}}">
<label for="token">Login token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
<button type="submit">Sign in</button>
</form>
</main>
</body></html>
`))

// sameSecret compares in constant time: both sides are hashed first, so
// neither the length nor the content of a guess changes the time taken.
func sameSecret(given, want string) bool {
	g, w := sha256.Sum256([]byte(given)), sha256.Sum256([]byte(want))
	return subtle.ConstantTimeCompare(g[:], w[:]) == 1 && want != ""
}

// session is the cookie value for a token: rotating the token ends every
// session made with the old one.
func session(tok string) string {
	m := hmac.New(sha256.New, []byte(tok))
	m.Write([]byte("evident web session v1"))
	return hex.EncodeToString(m.Sum(nil))
}

// hostAllowed accepts, for a server bound to a.Addr, the bound address and
// the names the user listed; on a loopback bind also the loopback names; on
// an every-interface bind this machine's own addresses (by IP, never a name
// that could be rebound).
func (a Access) hostAllowed(host string) bool {
	bindHost, bindPort, err := net.SplitHostPort(a.Addr)
	if err != nil {
		return false
	}
	h, p, err := net.SplitHostPort(host)
	if err != nil {
		h, p = host, "80"
		if a.TLS {
			p = "443"
		}
	}
	if p != bindPort {
		return false
	}
	h = strings.Trim(h, "[]")
	bindHost = strings.Trim(bindHost, "[]")
	if bindHost == "" {
		bindHost = "0.0.0.0"
	}
	if strings.EqualFold(h, bindHost) {
		return true
	}
	for _, n := range a.Hosts {
		if strings.EqualFold(h, n) {
			return true
		}
	}
	if Loopback(bindHost) {
		return Loopback(h)
	}
	bip, ip := net.ParseIP(bindHost), net.ParseIP(h)
	if bip == nil || ip == nil || !bip.IsUnspecified() {
		return false
	}
	return ip.IsLoopback() || localIP(ip)
}

// localIP reports whether ip is one of this machine's interface addresses.
func localIP(ip net.IP) bool {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return false
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.Equal(ip) {
			return true
		}
	}
	return false
}

// URLHost is the host:port to print in the start-up URL of a server bound to
// addr: the first --host name, else the bound address, else (every
// interface) this machine's first non-loopback address.
func URLHost(addr string, hosts []string) string {
	h, p, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if len(hosts) > 0 {
		return net.JoinHostPort(hosts[0], p)
	}
	if ip := net.ParseIP(h); h == "" || (ip != nil && ip.IsUnspecified()) {
		if addrs, err := net.InterfaceAddrs(); err == nil {
			for _, a := range addrs {
				if n, ok := a.(*net.IPNet); ok && !n.IP.IsLoopback() && !n.IP.IsLinkLocalUnicast() && n.IP.To4() != nil {
					return net.JoinHostPort(n.IP.String(), p)
				}
			}
		}
		return net.JoinHostPort("127.0.0.1", p)
	}
	return addr
}

// TokenFile is the web UI's login token, kept in the data dir (mode 0600).
// Load reads it again when the file changes, so `evident auth web-token
// --rotate` takes effect on a running server.
type TokenFile struct {
	path string

	mu  sync.Mutex
	fi  fs.FileInfo // of the file tok was read from
	tok string
}

// TokenPath is where the login token of the store in dataDir is kept.
func TokenPath(dataDir string) string { return filepath.Join(dataDir, "web-token") }

// OpenToken returns the token file of dataDir, creating the token on first
// use.
func OpenToken(dataDir string) (*TokenFile, error) {
	t := &TokenFile{path: TokenPath(dataDir)}
	if _, err := t.Load(); errors.Is(err, fs.ErrNotExist) {
		if _, err := RotateToken(dataDir); err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, err
	}
	return t, nil
}

// Load returns the current token.
func (t *TokenFile) Load() (string, error) {
	fi, err := os.Stat(t.path)
	if err != nil {
		return "", err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	// A rotation renames a new file into place: another inode.
	if t.fi != nil && os.SameFile(fi, t.fi) && fi.ModTime().Equal(t.fi.ModTime()) {
		return t.tok, nil
	}
	b, err := os.ReadFile(t.path)
	if err != nil {
		return "", err
	}
	tok := strings.TrimSpace(string(b))
	if len(tok) < 16 {
		return "", fmt.Errorf("web token %s is too short; run evident auth web-token --rotate", t.path)
	}
	t.tok, t.fi = tok, fi
	return tok, nil
}

// RotateToken writes a new random token for dataDir (mode 0600, replacing
// the old one atomically) and returns it.
func RotateToken(dataDir string) (string, error) {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return "", fmt.Errorf("create %s: %w", dataDir, err)
	}
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("web token: %w", err)
	}
	tok := hex.EncodeToString(b[:])
	if err := writeSecret(TokenPath(dataDir), tok+"\n"); err != nil {
		return "", fmt.Errorf("write web token: %w", err)
	}
	return tok, nil
}

// writeSecret replaces path atomically with a 0600 file holding s.
func writeSecret(path, s string) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	err = f.Chmod(0o600)
	if err == nil {
		_, err = f.WriteString(s)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
