package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/evident-sync/evident/classify"
	"github.com/evident-sync/evident/connectors"
	"github.com/evident-sync/evident/pipeline/store"
)

// A title carrying terminal escapes (an OSC 8 link, a screen clear, an
// OSC 0 window title) reaches no terminal, packet or digest as escapes:
// every printer replaces control characters.
func TestPrinters_NoEscapeSequenceReachesTheTerminal(t *testing.T) {
	dir := t.TempDir()
	hostile := "Fix \x1b]8;;https://evil.example\x07click\x1b]8;;\x07 \x1b[2J\x1b]0;pwned\x07 \x9b31m the cache"
	st, err := store.Open(filepath.Join(dir, "data"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Now().Add(-24 * time.Hour)
	key := "github:acme/payments-api#7"
	in := store.Ingest{Artifact: connectors.Artifact{Source: "github", SourceType: "github", Kind: connectors.KindReview, Key: key,
		URL: "https://github.com/acme/payments-api/pull/7", Title: hostile, Container: "acme/payments-api", Roles: []connectors.Role{connectors.RoleReviewer},
		OccurredAt: at}, Class: classify.Result{Scope: classify.ScopeCrossTeam, Teams: []string{"payments"}, Domain: classify.DomainOrgLeverage,
		Strength: classify.StrengthStrong, Summary: "Reviewed " + hostile, Signals: classify.Signals{Kind: string(connectors.KindReview)}}}
	if _, err := st.Commit(context.Background(), "github", []store.Ingest{in}, nil); err != nil {
		t.Fatal(err)
	}
	id := store.IDFor(key)
	other := in
	other.Artifact.Key, other.Artifact.Title = key+"0", hostile+" (selected)"
	st.Commit(context.Background(), "github", []store.Ingest{other}, nil)
	st.Decide(context.Background(), []string{store.IDFor(key + "0")}, store.Decision{State: store.Confirmed})
	st.Close()
	cfg := filepath.Join(dir, "config.yaml")
	os.WriteFile(cfg, []byte("me: {name: Alice, github: alice, teams: [platform]}\ndata_dir: "+filepath.Join(dir, "data")+"\norg:\n  teams:\n    - {id: platform, name: Platform}\n    - {id: payments, name: Payments}\ncriteria:\n  - {id: lead, text: Leads, domain: initiative}\n"), 0o600)
	for _, args := range [][]string{{"inbox"}, {"inbox", "--all"}, {"list"}, {"show", id}, {"gaps"}, {"digest"}, {"export", "--format", "markdown"}, {"review"},
		{"__complete", "show", ""}, {"report", "cross-team"}} {
		var out, errOut bytes.Buffer
		run(append([]string{"--config", cfg}, args...), strings.NewReader(""), &out, &errOut)
		for _, s := range []string{out.String(), errOut.String()} {
			if strings.ContainsAny(s, "\x1b\x07\u009b") {
				t.Errorf("%v printed an escape sequence:\n%q", args, s)
			}
		}
		if !strings.Contains(out.String(), "Fix ") && args[0] != "gaps" && args[0] != "report" && args[0] != "review" {
			t.Errorf("%v: the title is not shown at all:\n%s", args, out.String())
		}
	}
}
