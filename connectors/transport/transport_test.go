package transport

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/evident-sync/evident/config/credentials"
)

// sleepless is a clock whose sleeps are counted, not slept.
type sleepless struct{ slept int }

func (c *sleepless) Now() time.Time { return time.Now() }
func (c *sleepless) Sleep(ctx context.Context, d time.Duration) error {
	c.slept++
	return ctx.Err()
}

// A refused connection and an unknown host are said at once, in one
// sentence naming the host and what to check: no retry mends them.
func TestRoundTrip_AnUnreachableServerFailsAtOnce(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now: connection refused
	for _, c := range []struct{ url, want string }{
		{"http://" + addr + "/user", "cannot reach " + addr + " (connection refused): is the url right, or the VPN up?"},
		{"http://evident-test.invalid/user", "cannot reach evident-test.invalid (no such host): is the url right, or the VPN up?"},
	} {
		clock := &sleepless{}
		tr := &Transport{Clock: clock}
		req, _ := http.NewRequest(http.MethodGet, c.url, nil)
		_, err := tr.RoundTrip(req)
		var ue *UnreachableError
		if !errors.As(err, &ue) || err.Error() != c.want {
			t.Errorf("%s: %v, want %q", c.url, err, c.want)
		}
		if clock.slept != 0 || tr.Requests() != 1 {
			t.Errorf("%s: %d retries after %d sleeps, want none", c.url, tr.Requests()-1, clock.slept)
		}
	}
}

// Credentials go only to the configured server: a redirect to another host
// is refused in one sentence before anything is sent there, and the auth
// transport never adds them to a request for another origin.
func TestAuth_CredentialsNeverFollowARedirectToAnotherHost(t *testing.T) {
	var leaked []string
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leaked = append(leaked, r.Header.Get("Authorization"))
	}))
	defer other.Close()
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/login?next=/user", http.StatusFound)
	}))
	defer api.Close()
	t.Setenv("EVIDENT_TEST_TOKEN", "s3cret-token")
	u, _ := url.Parse(api.URL)
	auth := &AuthTransport{Token: credentials.TokenSource{Env: "EVIDENT_TEST_TOKEN"}, Origin: OriginOf(u)}
	cl := &http.Client{Transport: auth, CheckRedirect: SameOrigin}
	_, err := cl.Get(api.URL + "/user")
	if err == nil || !strings.Contains(err.Error(), "redirected to "+OriginOf(mustURL(other.URL))+", another server") || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("the redirect: %v", err)
	}
	// Even a client that follows redirects gets no credential added for
	// another origin.
	lax := &http.Client{Transport: auth}
	if _, err := lax.Get(api.URL + "/user"); err != nil {
		t.Fatal(err)
	}
	for _, h := range leaked {
		if h != "" {
			t.Errorf("another host received credentials: %q", h)
		}
	}
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

// A body over the cap is an error naming the host, not memory spent; a
// body that trickles in past the deadline is an error, not a hung sync.
func TestRoundTrip_BodiesAreCappedAndHaveADeadline(t *testing.T) {
	big := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write(bytes.Repeat([]byte("x"), 3<<20))
	}))
	defer big.Close()
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for range 50 {
			w.Write([]byte("x"))
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	}))
	defer slow.Close()
	tr := &Transport{MaxBody: 1 << 20, BodyTimeout: 300 * time.Millisecond}
	cl := &http.Client{Transport: tr}
	for _, c := range []struct{ url, want string }{
		{big.URL, "is over 1 MiB; evident stopped reading it"},
		{slow.URL, "took longer than 300ms to arrive"},
	} {
		resp, err := cl.Get(c.url)
		if err != nil {
			t.Fatal(err)
		}
		_, err = io.ReadAll(resp.Body)
		resp.Body.Close()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.url, err, c.want)
		}
	}
}
