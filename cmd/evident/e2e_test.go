package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/evident-sync/evident/cmd/evident/web"
	"github.com/evident-sync/evident/connectors"
	"github.com/evident-sync/evident/connectors/github/githubtest"
	"github.com/evident-sync/evident/connectors/jira/jiratest"
	"github.com/evident-sync/evident/pipeline/demo"
	"github.com/evident-sync/evident/pipeline/store"
)

// cli runs this test binary as the evident command.
type cli struct {
	t   *testing.T
	env []string
}

func newCLI(t *testing.T, env ...string) *cli {
	home := t.TempDir()
	base := append(os.Environ(), "EVIDENT_E2E_MAIN=1", "HOME="+home, "XDG_CONFIG_HOME="+home+"/.config", "XDG_DATA_HOME="+home+"/.local/share", "TZ=UTC")
	return &cli{t: t, env: append(base, env...)}
}

func (c *cli) cmd(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = c.env
	return cmd
}

// run runs evident to the end and returns its output and exit code.
func (c *cli) run(args ...string) (string, string, int) {
	c.t.Helper()
	cmd := c.cmd(args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		c.t.Fatal(err)
	}
	return out.String(), errb.String(), code
}

// list returns every item as the contract shows it.
func (c *cli) list(args ...string) []store.View {
	c.t.Helper()
	out, errs, code := c.run(append(args, "list", "--json", "--state", "all")...)
	if code != 0 {
		c.t.Fatalf("list: exit %d: %s", code, errs)
	}
	var vs []store.View
	if err := json.Unmarshal([]byte(out), &vs); err != nil {
		c.t.Fatalf("list --json: %v\n%s", err, out)
	}
	return vs
}

func writeConfig(t *testing.T, yaml string) string {
	p := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(p, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func startDemo(t *testing.T, dataDir string) *demo.Env {
	env, err := demo.Start(dataDir, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(env.Close)
	return env
}

func TestE2E_SyncStoresEverySourceWithScopesAndReasons(t *testing.T) {
	env := startDemo(t, filepath.Join(t.TempDir(), "data"))
	cfg := writeConfig(t, env.YAML)
	c := newCLI(t, env.Env...)
	out, errs, code := c.run("--config", cfg, "sync")
	if code != 0 {
		t.Fatalf("sync: exit %d\n%s\n%s", code, out, errs)
	}
	// The backfill is complete for every source: status says so.
	sout, _, _ := c.run("--config", cfg, "status", "--json")
	var status struct {
		Sources []struct {
			Name             string   `json:"name"`
			BackfilledTo     *string  `json:"backfilled_to"`
			BackfillProgress *float64 `json:"backfill_progress"`
		} `json:"sources"`
	}
	if err := json.Unmarshal([]byte(sout), &status); err != nil || len(status.Sources) == 0 {
		t.Fatalf("status --json: %v\n%s", err, sout)
	}
	for _, s := range status.Sources {
		if s.BackfilledTo != nil || s.BackfillProgress == nil || *s.BackfillProgress != 1 {
			t.Errorf("%s after a complete sync: backfilled_to %v, backfill_progress %v", s.Name, s.BackfilledTo, s.BackfillProgress)
		}
	}
	items := c.list("--config", cfg)
	by := map[string]int{}
	keys := map[string]store.View{}
	for _, v := range items {
		by[v.Source]++
		if _, dup := keys[v.Key]; dup {
			t.Errorf("duplicate key %s", v.Key)
		}
		keys[v.Key] = v
	}
	if by["github"] != env.Reviewed+env.Authored || by["jira"] != env.Issues || by["rfcs"]+by["design-docs"] != env.RFCs || by["wiki"] != env.WikiPages || by["docs"] != env.GoogleDocs {
		t.Errorf("items by source %v; want github %d, jira %d, rfcs %d, wiki %d, docs %d", by, env.Reviewed+env.Authored, env.Issues, env.RFCs, env.WikiPages, env.GoogleDocs)
	}
	checks := []struct{ key, scope, reason string }{
		{"github:oss-lab/fuzz-corpus#7", "unknown", "no team found: no team owns oss-lab/fuzz-corpus (add it to a team's repos); PR author mallory is in no team (add mallory to a team's members.github)"},
		{"rfc:design-docs:keps/sig-architecture/0300-api-deprecation-policy/kep.yaml", "org", "RFC author ivan is in Architecture; the document declares Architecture, Payments, Identity, Search, wg-lts (wg-lts not in your org config)"},
		{"rfc:rfcs:0012-ledger-sharding.md", "org", "RFC author carol is in Payments"},
		{"rfc:wiki:98306", "org", "co-author 712020:carol is in Payments; co-author 712020:erin is in Search; ARCH is org-wide"},
		{"rfc:wiki:98307", "cross-team", "Confluence space SRCH belongs to Search"},
		// Google Docs: the folder's team, the other authors, and (Alice
		// wrote it) its commenters; a shared drive that is org-wide.
		{"rfc:docs:1DemoRefundsIdempot1", "cross-team", "Drive folder “Payments design docs” belongs to Payments; RFC author Carol Diaz is in Payments"},
		{"rfc:docs:1DemoEventBusMigrat1", "org", "reviewer Erin Wu is in Search; reviewer Frank Ito is in Identity; Architecture is org-wide (org.org_wide)"},
		{"rfc:docs:1DemoRankingSignals3", "cross-team", "Drive folder “Search RFCs” belongs to Search"},
	}
	// The thread that changed Payments' design is strong, for its
	// resolved comments.
	if v := keys["rfc:docs:1DemoRefundsIdempot1"]; v.Strength != "strong" || !slices.Contains(v.StrengthReasons, "4 of 6 comments resolved") || !slices.Equal(v.Roles, []string{string(connectors.RoleReviewer)}) {
		t.Errorf("the refunds thread: %s %v %v", v.Strength, v.StrengthReasons, v.Roles)
	}
	for _, ch := range checks {
		v, ok := keys[ch.key]
		if !ok {
			t.Errorf("missing %s", ch.key)
			continue
		}
		if v.Scope != ch.scope || !strings.HasPrefix(v.ScopeReason, ch.reason) {
			t.Errorf("%s: %s %q\nwant %s %q…", ch.key, v.Scope, v.ScopeReason, ch.scope, ch.reason)
		}
	}
	for _, v := range items {
		if v.Source == "github" && v.Kind == "review" && strings.HasPrefix(v.Container, "acme/payments-") &&
			!strings.Contains(v.ScopeReason, "is owned by Payments (repos: acme/payments-*)") {
			t.Errorf("%s: reason %q does not name the owner", v.Key, v.ScopeReason)
		}
	}
}

// killer wraps a fake and signals the evident process once the fake has
// served a number of requests in the current run.
type killer struct {
	h      http.Handler
	mu     sync.Mutex
	n      int
	at     int
	proc   *os.Process
	signal os.Signal
	total  atomic.Int64
}

func (k *killer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	k.total.Add(1)
	k.mu.Lock()
	k.n++
	if k.proc != nil && k.at > 0 && k.n == k.at {
		k.proc.Signal(k.signal)
		if k.signal == syscall.SIGKILL {
			k.mu.Unlock()
			// The process is gone; this response goes nowhere.
			return
		}
	}
	k.mu.Unlock()
	k.h.ServeHTTP(w, r)
}

func (k *killer) arm(p *os.Process, at int, sig os.Signal) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.n, k.at, k.proc, k.signal = 0, at, p, sig
}

// crashPRs is how many reviewed PRs the crash fixture holds: 21 search
// pages of 100.
const crashPRs = 2100

// crashFixture is a GitHub of crashPRs reviewed PRs behind a killer.
func crashFixture(t *testing.T) (*killer, string, []string) {
	k, cfg, keys, _ := crashFixtureWithFake(t)
	return k, cfg, keys
}

func crashFixtureWithFake(t *testing.T) (*killer, string, []string, *githubtest.Server) {
	fake := githubtest.New(connectors.RealClock)
	fake.Token, fake.SearchLimit, fake.CoreLimit = "crash-token", 6000, 1_000_000
	base := time.Now().Add(-300 * 24 * time.Hour).Truncate(time.Second)
	for i := 0; i < crashPRs; i++ {
		at := base.Add(time.Duration(i) * 3 * time.Hour)
		fake.Add(&githubtest.PR{Owner: "acme", Repo: fmt.Sprintf("payments-%d", i%3), Number: i + 1, Title: fmt.Sprintf("Change %d", i), Author: "carol",
			CreatedAt: at.Add(-time.Hour), UpdatedAt: at.Add(time.Hour), Reviews: []githubtest.Review{{User: "alice", State: "APPROVED", SubmittedAt: at}},
			ReviewComments: []githubtest.Comment{{User: "alice", Body: "nit", CreatedAt: at}}})
	}
	k := &killer{h: fake.Handler()}
	srv := httptest.NewServer(k)
	t.Cleanup(srv.Close)
	yaml := githubOnlyConfig(t, srv.URL, "CRASH_TOKEN", base.Add(-24*time.Hour))
	var keys []string
	for i := 0; i < crashPRs; i++ {
		keys = append(keys, fmt.Sprintf("github:acme/payments-%d#%d", i%3, i+1))
	}
	slices.Sort(keys)
	return k, writeConfig(t, yaml), keys, fake
}

// githubOnlyConfig is alice's config with one GitHub source at url, its
// token in tokenEnv, backfilled since since, and a fresh data dir.
func githubOnlyConfig(t *testing.T, url, tokenEnv string, since time.Time) string {
	return fmt.Sprintf(`me: {github: alice, teams: [platform]}
data_dir: %s
org:
  teams:
    - {id: platform, members: {github: [alice]}}
    - {id: payments, members: {github: [carol]}, repos: ["acme/payments-*"]}
sources:
  github:
    - {name: github, url: %q, token_env: %s, since: %s}
`, filepath.Join(t.TempDir(), "data"), url+"/", tokenEnv, since.Format(time.DateOnly))
}

// TestE2E_SIGKILLInAForwardPollResumesItAndKeepsTheBackfillComplete
// finishes a backfill, then kills the next poll (over new reviews, several
// search pages) with SIGKILL half-way: the next run takes the rest, each
// PR once, and the backfill stays complete.
func TestE2E_SIGKILLInAForwardPollResumesItAndKeepsTheBackfillComplete(t *testing.T) {
	k, cfg, want, fake := crashFixtureWithFake(t)
	c := newCLI(t, "CRASH_TOKEN=crash-token")
	if _, e, code := c.run("--config", cfg, "sync"); code != 0 {
		t.Fatalf("backfill: %s", e)
	}
	now := time.Now().Truncate(time.Second)
	for i := 0; i < 400; i++ {
		at := now.Add(-time.Duration(400-i) * time.Second)
		fake.Add(&githubtest.PR{Owner: "acme", Repo: "payments-new", Number: i + 1, Title: fmt.Sprintf("New %d", i), Author: "carol",
			CreatedAt: at, UpdatedAt: at, Reviews: []githubtest.Review{{User: "alice", State: "APPROVED", SubmittedAt: at}}})
		want = append(want, fmt.Sprintf("github:acme/payments-new#%d", i+1))
	}
	slices.Sort(want)
	cmd := c.cmd("--config", cfg, "sync")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	k.arm(cmd.Process, 500, syscall.SIGKILL) // a page of 100 new PRs costs about 200 requests
	err := cmd.Wait()
	k.arm(nil, 0, nil)
	if ee, ok := err.(*exec.ExitError); !ok || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("the poll was not killed: %v", err)
	}
	if got := len(c.list("--config", cfg)); got <= crashPRs || got >= len(want) {
		t.Fatalf("after the kill %d items; want some of the new ones kept, not all", got)
	}
	if _, e, code := c.run("--config", cfg, "sync"); code != 0 {
		t.Fatalf("resume: %s", e)
	}
	got := c.list("--config", cfg)
	if d := slices.Compare(want, keysOf(got)); d != 0 || len(got) != len(want) {
		t.Errorf("after the resumed poll: %d items, want %d, same keys: %v", len(got), len(want), d == 0)
	}
	out, _, _ := c.run("--config", cfg, "status", "--json")
	if !strings.Contains(out, `"backfilled_to": null`) || !strings.Contains(out, `"backfill_progress": 1`) {
		t.Errorf("the forward poll disturbed the backfill:\n%s", out)
	}
}

func keysOf(vs []store.View) []string {
	var out []string
	for _, v := range vs {
		out = append(out, v.Key)
	}
	slices.Sort(out)
	return out
}

// TestE2E_SIGKILLAtTwentyPointsOfABackfill kills `evident sync` at twenty
// points of a backfill, makes decisions in between, and checks the final
// store equals an uninterrupted run's.
func TestE2E_SIGKILLAtTwentyPointsOfABackfill(t *testing.T) {
	k, cfg, want := crashFixture(t)
	c := newCLI(t, "CRASH_TOKEN=crash-token")
	kills := 0
	var confirmed, dismissed string
	for run := 0; run < 200; run++ {
		cmd := c.cmd("--config", cfg, "sync")
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// A page costs about 300 requests: each run commits a page or two
		// and dies at a different point of the next.
		at := 0
		if kills < 20 {
			at = 310 + (kills*97)%290
		}
		k.arm(cmd.Process, at, syscall.SIGKILL)
		err := cmd.Wait()
		k.arm(nil, 0, nil)
		if err == nil {
			break
		}
		if ee, ok := err.(*exec.ExitError); !ok || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
			t.Fatalf("run %d: %v\n%s%s", run, err, out.String(), errb.String())
		}
		kills++
		// Decisions made between crashes must survive the rest.
		if kills == 5 || kills == 12 {
			vs := c.list("--config", cfg)
			if len(vs) == 0 {
				continue
			}
			id := vs[len(vs)/2].ID
			verb := "confirm"
			if kills == 12 {
				verb = "dismiss"
			}
			if _, e, code := c.run("--config", cfg, verb, id); code != 0 {
				t.Fatalf("%s: %s", verb, e)
			}
			if verb == "confirm" {
				confirmed = id
			} else {
				dismissed = id
			}
		}
	}
	if kills < 20 {
		t.Fatalf("only %d kills before the backfill finished; lower the step", kills)
	}
	got := c.list("--config", cfg)
	if d := slices.Compare(want, keysOf(got)); d != 0 || len(got) != len(want) {
		t.Fatalf("after %d kills: %d items, want %d, same keys: %v", kills, len(got), len(want), d == 0)
	}
	states := map[string]store.State{}
	for _, v := range got {
		states[v.ID] = store.State(v.State)
	}
	if confirmed == "" || states[confirmed] != store.Confirmed || (dismissed != "" && states[dismissed] != store.Dismissed) {
		t.Errorf("decisions between crashes: confirmed %s=%s, dismissed %s=%s", confirmed, states[confirmed], dismissed, states[dismissed])
	}
	t.Logf("%d kills; %d requests in all", kills, k.total.Load())
}

func TestE2E_SIGTERMMidSyncExitsZeroAndTheNextRunResumes(t *testing.T) {
	k, cfg, want := crashFixture(t)
	c := newCLI(t, "CRASH_TOKEN=crash-token")
	cmd := c.cmd("--config", cfg, "sync")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	k.arm(cmd.Process, 1000, syscall.SIGTERM)
	start := time.Now()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("SIGTERM: %v, want exit 0\n%s%s", err, out.String(), errb.String())
	}
	k.arm(nil, 0, nil)
	if time.Since(start) > 30*time.Second || !strings.Contains(errb.String(), "interrupted") {
		t.Errorf("stderr: %s", errb.String())
	}
	partial := c.list("--config", cfg)
	if len(partial) == 0 || len(partial) >= len(want) {
		t.Fatalf("after SIGTERM %d items stored, want some of %d", len(partial), len(want))
	}
	before := k.total.Load()
	if o, e, code := c.run("--config", cfg, "sync"); code != 0 {
		t.Fatalf("second sync: %s%s", o, e)
	}
	if got := keysOf(c.list("--config", cfg)); !slices.Equal(got, want) {
		t.Errorf("after resume: %d keys, want %d", len(got), len(want))
	}
	if used := k.total.Load() - before; used > int64(3*(len(want)-len(partial))+100) {
		t.Errorf("the resumed sync made %d requests for %d PRs left: it started over", used, len(want)-len(partial))
	}
}

// daemonUp waits for the daemon's socket to answer.
func waitFor(t *testing.T, what string, d time.Duration, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if ok() {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestE2E_CommandsWorkThroughTheDaemon runs `evident run`, then inbox and
// confirm from other processes while it syncs; the answers are the same as
// without the daemon.
func TestE2E_CommandsWorkThroughTheDaemon(t *testing.T) {
	dataDir := filepath.Join(t.TempDir(), "data")
	env := startDemo(t, dataDir)
	cfg := writeConfig(t, env.YAML)
	c := newCLI(t, env.Env...)
	addr := freeAddr(t)
	daemon := c.cmd("--config", cfg, "run", "--addr", addr)
	var derr bytes.Buffer
	daemon.Stderr = &derr
	if err := daemon.Start(); err != nil {
		t.Fatal(err)
	}
	defer daemon.Process.Kill()
	waitFor(t, "the daemon", 20*time.Second, func() bool {
		out, e, code := c.run("--config", cfg, "status", "--json")
		if code != 0 {
			t.Logf("status: %d %s", code, e)
		}
		return code == 0 && strings.Contains(out, `"daemon": true`)
	})
	// A second daemon refuses in one sentence.
	_, e, code := c.run("--config", cfg, "run", "--addr", freeAddr(t))
	if code != 1 || strings.TrimSpace(e) != "evident: another evident process is using "+dataDir {
		t.Errorf("second run: exit %d %q", code, e)
	}
	// Wait for every source to have synced once.
	waitFor(t, "the first syncs", 30*time.Second, func() bool {
		out, _, _ := c.run("--config", cfg, "status", "--json")
		return strings.Count(out, `"last_success": "`) == len(env.Config.AllSources())
	})
	out, e, code := c.run("--config", cfg, "inbox", "--json")
	if code != 0 {
		t.Fatalf("inbox through the daemon: %d %s", code, e)
	}
	var inbox []store.View
	json.Unmarshal([]byte(out), &inbox)
	if len(inbox) == 0 {
		t.Fatal("empty inbox")
	}
	target := inbox[3].ID
	if _, e, code := c.run("--config", cfg, "confirm", target[:6], "--note", "through the daemon"); code != 0 {
		t.Fatalf("confirm through the daemon: %s", e)
	}
	if _, e, code := c.run("--config", cfg, "confirm", "zzzz"); code != 2 || !strings.Contains(e, `no item has ID "zzzz"`) {
		t.Errorf("unknown ID through the daemon: %d %s", code, e)
	}
	viaDaemon := c.list("--config", cfg)
	// Health and metrics next to the UI.
	for path, wants := range map[string][]string{
		"/healthz": {`"status":"ok"`},
		"/metrics": {`evident_syncs_total{result="ok",source="github"}`, `evident_api_requests_total{source="jira"}`,
			`evident_rate_limit_remaining{source="github"}`, `evident_items{scope="cross-team",state="suggested"}`},
	} {
		// /healthz answers anyone on loopback; /metrics wants the login
		// token, as a Prometheus scrape config sends it.
		req, _ := http.NewRequest(http.MethodGet, "http://"+addr+path, nil)
		if path == "/metrics" {
			tok, err := os.ReadFile(web.TokenPath(dataDir))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(string(tok)))
			if res, err := http.Get("http://" + addr + path); err != nil {
				t.Error(err)
			} else if res.Body.Close(); res.StatusCode != http.StatusUnauthorized {
				t.Errorf("/metrics without the token: %s", res.Status)
			}
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		for _, w := range wants {
			if !strings.Contains(string(b), w) {
				t.Errorf("%s lacks %s", path, w)
			}
		}
	}
	if err := daemon.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- daemon.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("daemon exit: %v\n%s", err, derr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the daemon did not stop within 10 s of SIGTERM")
	}
	if n := strings.Count(derr.String(), "web UI on"); n != 1 {
		t.Errorf("the start-up line appears %d times:\n%s", n, derr.String())
	}
	direct := c.list("--config", cfg)
	if len(direct) != len(viaDaemon) {
		t.Fatalf("%d items through the daemon, %d without", len(viaDaemon), len(direct))
	}
	for i := range direct {
		if direct[i].ID != viaDaemon[i].ID || direct[i].State != viaDaemon[i].State || direct[i].Note != viaDaemon[i].Note {
			t.Errorf("item %d differs: %+v vs %+v", i, direct[i], viaDaemon[i])
		}
	}
	for _, v := range direct {
		if v.ID == target && (v.State != string(store.Confirmed) || v.Note != "through the daemon") {
			t.Errorf("the decision made through the daemon: %+v", v)
		}
	}
}

// TestE2E_AFailingSourceLeavesTheOthersStored: one source is refused (401),
// one answers 500 forever, one hangs; the others' results are stored and
// status names each failure.
func TestE2E_AFailingSourceLeavesTheOthersStored(t *testing.T) {
	unauthorised := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(401)
		w.Write([]byte(`{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest"}`))
	}))
	defer unauthorised.Close()
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(500)
		w.Write([]byte(`{"errorMessages":["Internal server error"]}`))
	}))
	defer broken.Close()
	hang := make(chan struct{})
	hanging := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-hang:
		case <-r.Context().Done():
		}
	}))
	defer func() { close(hang); hanging.Close() }()
	docs := t.TempDir()
	os.WriteFile(filepath.Join(docs, "cache.md"), []byte("---\ntitle: Shared cache\nauthors: ['@alice']\nteam: payments\ncreated: 2026-02-01\n---\n"), 0o644)
	dataDir := filepath.Join(t.TempDir(), "data")
	cfg := writeConfig(t, fmt.Sprintf(`me: {github: alice, jira: alice, teams: [platform]}
data_dir: %s
org:
  teams:
    - {id: platform, members: {github: [alice]}}
    - {id: payments, aliases: [Payments]}
sources:
  github:
    - {name: gh-revoked, url: %q, token_env: T1}
    - {name: gh-hanging, url: %q, token_env: T1}
  jira:
    - {name: jira-broken, url: %q, deployment: server, token_env: T1}
  rfc:
    - {name: docs, dir: %s}
`, dataDir, unauthorised.URL+"/", hanging.URL+"/", broken.URL, docs))
	c := newCLI(t, "T1=some-token-value")
	daemon := c.cmd("--config", cfg, "run", "--addr", freeAddr(t))
	if err := daemon.Start(); err != nil {
		t.Fatal(err)
	}
	defer daemon.Process.Kill()
	type st struct {
		Sources []struct {
			Name        string  `json:"name"`
			LastSuccess *string `json:"last_success"`
			LastError   string  `json:"last_error"`
			Items       int     `json:"items"`
		} `json:"sources"`
	}
	var status st
	waitFor(t, "the other sources", 60*time.Second, func() bool {
		out, _, code := c.run("--config", cfg, "status", "--json")
		if code != 0 || json.Unmarshal([]byte(out), &status) != nil {
			return false
		}
		done := 0
		for _, s := range status.Sources {
			if s.LastSuccess != nil || s.LastError != "" {
				done++
			}
		}
		return done >= 3
	})
	for _, s := range status.Sources {
		switch s.Name {
		case "docs":
			if s.LastSuccess == nil || s.Items != 1 || s.LastError != "" {
				t.Errorf("docs: %+v", s)
			}
		case "gh-revoked":
			if !strings.Contains(s.LastError, "GitHub rejected the token from $T1 (401 Bad credentials)") {
				t.Errorf("gh-revoked: %q", s.LastError)
			}
		case "jira-broken":
			if !strings.Contains(s.LastError, "500") {
				t.Errorf("jira-broken: %q", s.LastError)
			}
		case "gh-hanging":
			if s.LastSuccess != nil {
				t.Errorf("gh-hanging cannot have succeeded")
			}
		}
	}
	if out, _, _ := c.run("--config", cfg, "status", "--json"); strings.Contains(out, "some-token-value") {
		t.Error("status shows the token")
	}
	daemon.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- daemon.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("daemon exit with a hanging source: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Error("the daemon did not stop within 10 s while a source hung")
	}
	// Without the daemon, sync reports the failures with exit 1 and keeps the rest.
	out, errs, code := c.run("--config", cfg, "sync", "--source", "gh-revoked", "--source", "jira-broken", "--source", "docs")
	if code != 1 || !strings.Contains(out, "docs: fetched") || !strings.Contains(out, "gh-revoked: fetched 0") || !strings.Contains(errs, "evident: gh-revoked: GitHub rejected the token from $T1") {
		t.Errorf("sync with failing sources: exit %d\n%s\n%s", code, out, errs)
	}
	for _, line := range strings.Split(strings.TrimSpace(errs), "\n") {
		if strings.TrimSpace(strings.TrimPrefix(line, "evident:")) == "" {
			t.Errorf("a blank error line on stderr:\n%s", errs)
		}
	}
}

// TestE2E_NoSecretLeaks runs sync (with good and rejected tokens), status,
// show, export, auth status and the daemon's debug logs with distinctive
// token values, and looks for them in every output and every file of the
// data dir.
func TestE2E_NoSecretLeaks(t *testing.T) {
	const ghGood, ghBad, jiraGood = "ghp_CANARYgoodGH7f3a9c1e5b2d4f6a8c0e", "ghp_CANARYbadGH1b3d5f7a9c2e4f6a8b0d", "ATATT3xCANARYjiraD4e6f8a0b2c4d6e8f0"
	fake := githubtest.New(connectors.RealClock)
	fake.Token, fake.SearchLimit = ghGood, 6000
	at := time.Now().Add(-48 * time.Hour).Truncate(time.Second)
	fake.Add(&githubtest.PR{Owner: "acme", Repo: "payments-api", Number: 1, Title: "Refunds", Author: "carol", CreatedAt: at, UpdatedAt: at,
		Reviews: []githubtest.Review{{User: "alice", State: "APPROVED", SubmittedAt: at}}})
	gh := httptest.NewServer(fake.Handler())
	defer gh.Close()
	jfake := jiraServer(t, jiraGood)
	defer jfake.Close()
	dataDir := filepath.Join(t.TempDir(), "data")
	conf := func(ghEnv string) string {
		return writeConfig(t, fmt.Sprintf(`me: {github: alice, jira: "712020:alice", teams: [platform]}
data_dir: %s
org:
  teams:
    - {id: platform, members: {github: [alice]}}
    - {id: payments, members: {github: [carol]}, repos: ["acme/payments-*"]}
sources:
  github:
    - {name: github, url: %q, token_env: %s, since: %s}
  jira:
    - {name: jira, url: %q, deployment: cloud, email: alice@acme.example, token_env: JIRA_T}
`, dataDir, gh.URL+"/", ghEnv, at.AddDate(0, 0, -7).Format(time.DateOnly), jfake.URL))
	}
	good, bad := conf("GH_GOOD"), conf("GH_BAD")
	c := newCLI(t, "GH_GOOD="+ghGood, "GH_BAD="+ghBad, "JIRA_T="+jiraGood)
	var all strings.Builder
	collect := func(args ...string) (string, int) {
		out, errs, code := c.run(args...)
		all.WriteString(out + errs)
		return out, code
	}
	if out, code := collect("--config", good, "sync"); code != 0 {
		t.Fatalf("good sync: %d %s", code, out)
	}
	if out, errs, code := c.run("--config", bad, "sync"); code != 1 || !strings.Contains(errs, "GitHub rejected the token from $GH_BAD (401 Bad credentials)") {
		t.Errorf("bad sync: %d %s %s", code, out, errs)
	} else {
		all.WriteString(out + errs)
	}
	collect("--config", bad, "status", "--json")
	collect("--config", bad, "status")
	collect("--config", good, "export", "--format", "json", "--state", "all")
	collect("--config", good, "export", "--format", "markdown", "--state", "all")
	collect("--config", good, "list", "--json")
	collect("--config", bad, "auth", "status")
	collect("--config", good, "auth", "status")
	collect("--config", good, "show", "github:acme/payments-api#1", "--json")
	collect("--config", bad, "report", "cross-team", "--json")
	// The daemon's logs at debug level, with a rejected token.
	daemon := c.cmd("--config", bad, "run", "--addr", freeAddr(t), "--log-format", "json", "--log-level", "debug")
	dlog := &syncBuffer{}
	daemon.Stdout, daemon.Stderr = dlog, dlog
	if err := daemon.Start(); err != nil {
		t.Fatal(err)
	}
	// The rejected source stays stopped (same config); the others run.
	waitFor(t, "the daemon's logs", 30*time.Second, func() bool {
		l := dlog.String()
		return strings.Contains(l, `credentials were rejected`) && strings.Contains(l, `"source":"jira"`)
	})
	daemon.Process.Signal(syscall.SIGTERM)
	daemon.Wait()
	all.WriteString(dlog.String())
	text := all.String()
	for _, secret := range []string{ghGood, ghBad, jiraGood} {
		if strings.Contains(text, secret) {
			t.Errorf("a token leaked into the output: %s…", secret[:12])
		}
	}
	filepath.WalkDir(dataDir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Type()&os.ModeSocket != 0 {
			return nil
		}
		b, _ := os.ReadFile(p)
		for _, secret := range []string{ghGood, ghBad, jiraGood} {
			if bytes.Contains(b, []byte(secret)) {
				t.Errorf("a token is stored in %s", p)
			}
		}
		return nil
	})
}

func jiraServer(t *testing.T, token string) *httptest.Server {
	f := jiratest.New(jiratest.Cloud, jiratest.User{ID: "712020:alice", DisplayName: "Alice Chen"}, connectors.RealClock)
	f.Email, f.Token = "alice@acme.example", token
	at := time.Now().Add(-24 * time.Hour)
	f.Add(&jiratest.Issue{Key: "PAY-1", Project: "PAY", Type: "Bug", Summary: "Refund rounding", Status: "Done", StatusCategory: "done",
		Resolution: "Fixed", Reporter: "712020:alice", Assignee: "712020:alice", Created: at, Updated: at, ResolutionDate: at})
	return httptest.NewServer(f.Handler())
}

// syncBuffer is a bytes.Buffer safe for a process's output and a reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
