package github

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/evident-sync/evident/connectors/github/githubtest"
)

func TestWebBase(t *testing.T) {
	for in, want := range map[string]string{
		"https://api.github.com/":     "https://github.com/",
		"https://ghe.example/api/v3/": "https://ghe.example/",
		"http://127.0.0.1:8080/":      "http://127.0.0.1:8080/",
	} {
		if got, _ := WebBase(in); got != want {
			t.Errorf("WebBase(%s) = %s, want %s", in, got, want)
		}
	}
}

// The device flow against a fake authorization server. The oauth2 package
// polls on real time, at the server's interval of 1 s (6 s after slow_down).
func TestDeviceLogin_PendingSlowDownExpiredDenied(t *testing.T) {
	if testing.Short() {
		t.Skip("polls in real time")
	}
	for _, tc := range []struct {
		name    string
		answers []string
		want    string // token, or an error fragment
	}{
		{"pending then approved", []string{"authorization_pending", "ok"}, "gho_devicetoken"},
		{"slow down then approved", []string{"slow_down", "ok"}, "gho_devicetoken"},
		{"expired", []string{"authorization_pending", "expired_token"}, "expired before it was entered"},
		{"denied", []string{"access_denied"}, "denied"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			flow := &githubtest.DeviceFlow{ClientID: "Iv1.evident", Token: "gho_devicetoken", Answers: tc.answers, Interval: 1}
			srv := httptest.NewServer(flow.Handler())
			defer srv.Close()
			var shown string
			start := time.Now()
			tok, err := DeviceLogin(context.Background(), srv.URL+"/", "Iv1.evident", []string{"repo"}, srv.Client(), func(uri, code string, _ time.Time) { shown = uri + " " + code })
			if shown != srv.URL+"/login/device WDJB-MJHT" {
				t.Errorf("shown %q", shown)
			}
			got := tok
			if err != nil {
				got = err.Error()
			}
			if !strings.Contains(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
			if tc.answers[0] == "slow_down" && time.Since(start) < 6*time.Second {
				t.Errorf("slow_down was not honoured: done after %v", time.Since(start))
			}
			if flow.Polls() != len(tc.answers) {
				t.Errorf("%d polls, want %d", flow.Polls(), len(tc.answers))
			}
		})
	}
	if _, err := DeviceLogin(context.Background(), "https://api.github.com/", "", nil, nil, nil); err == nil || !strings.Contains(err.Error(), "client ID") {
		t.Errorf("no client id: %v", err)
	}
}
