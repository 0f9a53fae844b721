package transport

import (
	"context"
	"errors"
	"net"
	"net/http"
	"testing"
	"time"
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
