package githubtest

import (
	"encoding/json"
	"net/http"
	"sync"
)

// DeviceFlow is a fake GitHub authorization server for the OAuth device
// flow. Answers is what each poll of the token endpoint gets, in order:
// "authorization_pending", "slow_down", "expired_token", "access_denied",
// or "ok" (the access token is Token). Like GitHub, errors come with
// status 200.
type DeviceFlow struct {
	ClientID string
	Token    string
	Answers  []string
	Interval int

	mu    sync.Mutex
	polls int
}

// Polls is how many times the token endpoint was asked.
func (d *DeviceFlow) Polls() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.polls
}

// Handler serves /login/device/code and /login/oauth/access_token.
func (d *DeviceFlow) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /login/device/code", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		if r.Form.Get("client_id") != d.ClientID {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			json.NewEncoder(w).Encode(map[string]string{"error": "Not Found"})
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{
			"device_code": "3584d83530557fdd1f46af8289938c8ef79f9dc5", "user_code": "WDJB-MJHT",
			"verification_uri": "http://" + r.Host + "/login/device", "expires_in": 900, "interval": d.Interval,
		})
	})
	mux.HandleFunc("POST /login/oauth/access_token", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		d.mu.Lock()
		answer := "authorization_pending"
		if d.polls < len(d.Answers) {
			answer = d.Answers[d.polls]
		}
		d.polls++
		d.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if r.Form.Get("grant_type") != "urn:ietf:params:oauth:grant-type:device_code" || r.Form.Get("device_code") == "" {
			json.NewEncoder(w).Encode(map[string]string{"error": "unsupported_grant_type"})
			return
		}
		if answer == "ok" {
			json.NewEncoder(w).Encode(map[string]string{"access_token": d.Token, "token_type": "bearer", "scope": "repo,read:org"})
			return
		}
		body := map[string]any{"error": answer}
		if answer == "slow_down" {
			body["interval"] = d.Interval + 5
		}
		json.NewEncoder(w).Encode(body)
	})
	return mux
}
