package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/evident-sync/evident/pipeline/store"
)

// The reading commands work from a store on a read-only mount (a restored
// snapshot, a disk remounted read-only after errors) and change nothing; a
// writing command says in one sentence that it cannot write there. Mounting
// needs root; elsewhere the test is skipped with the reason.
func TestReadCommands_WorkFromAReadOnlyMount(t *testing.T) {
	mnt := tmpfs(t)
	_, _, _, cfg := forgetApp(t, "")
	data := filepath.Join(mnt, "data")
	if out, err := exec.Command("cp", "-a", filepath.Join(filepath.Dir(cfg), "data"), data).CombinedOutput(); err != nil {
		t.Fatalf("copy the store: %v %s", err, out)
	}
	if out, err := exec.Command("mount", "-o", "remount,ro", mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot remount read-only here: %v %s", err, out)
	}
	run := func(args ...string) (string, error) {
		return runIn(append([]string{"--config", cfg, "--data-dir", data}, args...)...)
	}
	for _, args := range [][]string{
		{"list", "--state", "all"},
		{"show", store.IDFor("github:a/b#1")},
		{"inbox", "--json"},
		{"status"},
		{"export", "--format", "json"},
		{"report", "cross-team", "--json"},
		{"verify"},
		{"backup", "-o", filepath.Join(t.TempDir(), "b.evident")},
	} {
		if out, err := run(args...); err != nil {
			t.Errorf("%s on a read-only mount: %v\n%s", args[0], err, out)
		}
	}
	if out, _ := run("show", store.IDFor("github:a/b#1")); !strings.Contains(out, "mine") {
		t.Errorf("show did not read the note:\n%s", out)
	}
	_, err := run("confirm", store.IDFor("github:a/b#2"))
	if err == nil || exitCode(err) != exitRuntime || strings.Count(err.Error(), "\n") > 0 ||
		!strings.Contains(err.Error(), "read-only file system") || !strings.Contains(err.Error(), data) {
		t.Errorf("confirm on a read-only mount: want one sentence naming %s, got %v", data, err)
	}
}

// tmpfs mounts a 64 MiB tmpfs for the test and unmounts it after, failing
// the test if a file was left open on it. It needs root; elsewhere the test
// is skipped with the reason.
func tmpfs(t *testing.T) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs root")
	}
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", mnt).CombinedOutput(); err != nil {
			t.Errorf("umount (a file left open?): %v %s", err, out)
		}
	})
	return mnt
}

// runIn runs evident in this process with args, off a terminal, and
// returns what it printed and its error.
func runIn(args ...string) (string, error) {
	var out, errs bytes.Buffer
	a := &app{stdin: strings.NewReader(""), stdout: &out, stderr: &errs, tty: func() bool { return false }}
	root := a.rootCmd()
	root.SetArgs(args)
	err := root.Execute()
	return out.String() + errs.String(), err
}

// mcp --read-only reads as the reading commands do: beside another reader
// of the store (here the test, holding it open read-only) it answers at
// once, where opening for writing would wait for the reader and fail.
func TestMCPReadOnly_SharesTheStoreWithOtherReaders(t *testing.T) {
	_, _, _, cfg := forgetApp(t, "")
	held, err := store.Open(filepath.Join(filepath.Dir(cfg), "data"), store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	session := `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"test","version":"1"}}}
{"jsonrpc":"2.0","method":"notifications/initialized"}
{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"search_evidence","arguments":{"text":"a/b"}}}
`
	var out, errs bytes.Buffer
	a := &app{stdin: strings.NewReader(session), stdout: &out, stderr: &errs, tty: func() bool { return false }}
	root := a.rootCmd()
	root.SetArgs([]string{"--config", cfg, "mcp", "--read-only"})
	if err := root.Execute(); err != nil {
		t.Fatalf("mcp --read-only: %v\n%s", err, errs.String())
	}
	if got := out.String(); !strings.Contains(got, `"id":2,"result"`) || strings.Contains(got, `"isError":true`) || !strings.Contains(got, "github:a/b#1") {
		t.Errorf("search beside another reader:\n%s", got)
	}
}
