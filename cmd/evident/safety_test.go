package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"testing"

	"github.com/evident-sync/evident/connectors"
	"github.com/evident-sync/evident/pipeline/store"
)

// forgetApp is an app over a store holding two items of source gh (one
// confirmed with a note) and one of source jira, answering answer at a
// terminal prompt.
func forgetApp(t *testing.T, answer string) (*app, *bytes.Buffer, *bytes.Buffer, string) {
	t.Helper()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "c.yaml")
	os.WriteFile(cfg, []byte("me: {github: alice, jira: alice}\ndata_dir: data\nsources:\n  github:\n    - {name: gh, token_env: X}\n  jira:\n    - {name: jira, url: 'http://127.0.0.1:9/', deployment: server, token_env: Y}\n"), 0o600)
	st, err := store.Open(filepath.Join(dir, "data"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var in []store.Ingest
	for _, k := range []string{"github:a/b#1", "github:a/b#2"} {
		in = append(in, store.Ingest{Artifact: connectors.Artifact{Source: "gh", SourceType: "github", Kind: connectors.KindReview, Key: k, Title: k}})
	}
	st.Commit(context.Background(), "gh", in, nil)
	st.Commit(context.Background(), "jira", []store.Ingest{{Artifact: connectors.Artifact{Source: "jira", SourceType: "jira", Kind: connectors.KindJiraIssue, Key: "jira:X-1", Title: "x"}}}, nil)
	st.Decide(context.Background(), []string{store.IDFor("github:a/b#1")}, store.Decision{State: store.Confirmed, Note: new("mine")})
	st.Close()
	var out, errs bytes.Buffer
	a := &app{stdin: strings.NewReader(answer), stdout: &out, stderr: &errs, tty: func() bool { return true }}
	return a, &out, &errs, cfg
}

func count(t *testing.T, cfg string) int {
	t.Helper()
	st, err := store.Open(filepath.Join(filepath.Dir(cfg), "data"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	n := 0
	st.Scan(context.Background(), store.Filter{}, func(*store.Item) error { n++; return nil })
	return n
}

func TestForget_OnATerminalSaysWhatGoesAndAsks(t *testing.T) {
	a, _, errs, cfg := forgetApp(t, "n\n")
	root := a.rootCmd()
	root.SetArgs([]string{"--config", cfg, "forget", "--source", "gh"})
	err := root.Execute()
	if err == nil || exitCode(err) != exitRuntime || !strings.Contains(err.Error(), "nothing forgotten") {
		t.Errorf("declined: %v", err)
	}
	if !strings.Contains(errs.String(), "This deletes 1 confirmed, 1 suggested and 0 dismissed items of source gh") || !strings.Contains(errs.String(), "evident backup -o") {
		t.Errorf("prompt: %q", errs.String())
	}
	if n := count(t, cfg); n != 3 {
		t.Errorf("a declined forget deleted items: %d left", n)
	}
	a, out, _, cfg := forgetApp(t, "y\n")
	root = a.rootCmd()
	root.SetArgs([]string{"--config", cfg, "forget", "--source", "gh"})
	if err := root.Execute(); err != nil || !strings.Contains(out.String(), "forgot source gh: 2 items") {
		t.Errorf("accepted: %v %q", err, out.String())
	}
	if n := count(t, cfg); n != 1 {
		t.Errorf("after forget: %d left, want 1", n)
	}
}

func TestWriteOut_WritesThroughWhatIsThere(t *testing.T) {
	dir := t.TempDir()
	hello := func(w io.Writer) error { _, err := io.WriteString(w, "hello\n"); return err }

	// A FIFO stays a FIFO, and its reader gets the bytes.
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	got := make(chan string, 1)
	go func() { b, _ := os.ReadFile(fifo); got <- string(b) }()
	if err := writeOut(fifo, nil, hello); err != nil {
		t.Fatal(err)
	}
	if s := <-got; s != "hello\n" {
		t.Errorf("FIFO reader got %q", s)
	}
	if fi, _ := os.Lstat(fifo); fi.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the FIFO was replaced: %v", fi.Mode())
	}

	// /dev/null stays a device.
	if err := writeOut(os.DevNull, nil, hello); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Lstat(os.DevNull); fi.Mode()&os.ModeDevice == 0 {
		t.Fatalf("/dev/null is no longer a device: %v", fi.Mode())
	}

	// A symlink stays a symlink; its target gets the bytes.
	target, link := filepath.Join(dir, "target"), filepath.Join(dir, "link")
	os.WriteFile(target, []byte("old"), 0o644)
	os.Symlink(target, link)
	if err := writeOut(link, nil, hello); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Lstat(link); fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the symlink was replaced")
	}
	if b, _ := os.ReadFile(target); string(b) != "hello\n" {
		t.Errorf("target: %q", b)
	}

	// A new regular file is written whole, mode 0600, leaving no temp file.
	plain := filepath.Join(dir, "packet.md")
	if err := writeOut(plain, nil, hello); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(plain); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", fi.Mode())
	}
	if es, _ := os.ReadDir(dir); len(es) != 4 {
		t.Errorf("left behind: %v", es)
	}
}

func TestBuildVersion_PrefersSetThenModuleThenRevision(t *testing.T) {
	vcs := &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "0360844aabbccddeeff00112233445566778899"}, {Key: "vcs.time", Value: "2026-11-23T01:30:00Z"}, {Key: "vcs.modified", Value: "true"}}}
	for _, tc := range []struct {
		set  string
		bi   *debug.BuildInfo
		want string
	}{
		{"v1.2.0", vcs, "v1.2.0"},
		{"dev", &debug.BuildInfo{Main: debug.Module{Version: "v0.3.1"}}, "v0.3.1"},
		{"dev", vcs, "dev-0360844aabbc-dirty (2026-11-23T01:30:00Z)"},
		{"dev", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "dev"},
		{"dev", nil, "dev"},
	} {
		if got := buildVersion(tc.set, tc.bi); got != tc.want {
			t.Errorf("buildVersion(%q) = %q, want %q", tc.set, got, tc.want)
		}
	}
}
