package main

import (
	"bytes"
	"strings"
	"testing"
)

// The start-up line carries the login token only where a person reads it:
// off a terminal (a log, the journal) it does not, except for the demo,
// whose sample data signs in by itself. The network warning is for a bind
// beyond loopback only.
func TestAnnounceWeb_TokenOnlyWhereAPersonReadsIt(t *testing.T) {
	for _, c := range []struct {
		name               string
		wl                 webListener
		wantToken, wantNet bool
	}{
		{"loopback in a log", webListener{url: "http://127.0.0.1:7788/", token: "s3cret"}, false, false},
		{"the demo in a log", webListener{url: "http://127.0.0.1:7788/", token: "s3cret", sample: true}, true, false},
		{"every interface in a log", webListener{url: "http://0.0.0.0:7788/", token: "s3cret", reachable: true}, false, true},
	} {
		var errs bytes.Buffer
		a := &app{stderr: &errs}
		a.announceWeb(&c.wl, "evident: ")
		out := errs.String()
		if got := strings.Contains(out, "?token=s3cret"); got != c.wantToken {
			t.Errorf("%s: token in the line = %v, want %v:\n%s", c.name, got, c.wantToken, out)
		}
		if got := strings.Contains(out, "reachable from the network"); got != c.wantNet {
			t.Errorf("%s: network warning = %v, want %v:\n%s", c.name, got, c.wantNet, out)
		}
		if !c.wantToken && !strings.Contains(out, "evident auth web-token prints the sign-in URL") {
			t.Errorf("%s: the line does not say how to sign in:\n%s", c.name, out)
		}
	}
}
