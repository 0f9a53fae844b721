package github_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/evident-sync/evident/config"
	_ "github.com/evident-sync/evident/connectors/all"
	"github.com/evident-sync/evident/connectors/github"
	"github.com/evident-sync/evident/connectors/github/githubtest"
)

// said is a Prompter that keeps what it was told.
type said struct{ lines []string }

func (s *said) Say(msg string)                { s.lines = append(s.lines, msg) }
func (s *said) Open(string) error             { return nil }
func (s *said) Secret(string) (string, error) { return "", nil }

// evident auth github is the github type's own sign-in: it picks the only
// GitHub source, or an RFC repository by its name, and runs the device
// flow against the source's API with the code said to the person.
func TestSignIn_PicksTheSourceAndRunsTheDeviceFlow(t *testing.T) {
	flow := &githubtest.DeviceFlow{ClientID: "Iv1.evident", Token: "gho_signed_in", Answers: []string{"ok"}, Interval: 1}
	srv := httptest.NewServer(flow.Handler())
	defer srv.Close()
	c, err := config.Parse("c.yaml", []byte(`
me: {name: Alice, github: alice, teams: [platform]}
org: {teams: [{id: platform}]}
sources:
  github:
    - {name: work, url: `+srv.URL+`/, client_id: Iv1.evident, token_env: GH_TOKEN}
  rfc:
    - {name: keps, repo: kubernetes/enhancements, path: keps, url: `+srv.URL+`/, token_env: GH_TOKEN}
`), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	si := github.Type.SignIn
	if src, err := si.Pick(c, ""); err != nil || src.SourceName() != "work" {
		t.Errorf("the only GitHub source: %v, %v", src, err)
	}
	if src, err := si.Pick(c, "keps"); err != nil || src.SourceName() != "keps" {
		t.Errorf("an RFC repository by name: %v, %v", src, err)
	}
	if _, err := si.Pick(c, "nope"); err == nil || !strings.Contains(err.Error(), `no GitHub source is named "nope" (configured: work)`) {
		t.Errorf("an unknown name: %v", err)
	}
	src, _ := si.Pick(c, "")
	p := &said{}
	tok, err := si.Run(context.Background(), src, map[string]string{}, p)
	if err != nil || tok != "gho_signed_in" {
		t.Fatalf("signed in: %q, %v", tok, err)
	}
	if len(p.lines) != 1 || !strings.Contains(p.lines[0], "/login/device and enter the code WDJB-MJHT") {
		t.Errorf("said %q", p.lines)
	}
}
