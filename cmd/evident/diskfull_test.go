package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// A sync on a disk with next to no space left stops before it writes, in
// one sentence saying how much is free and how much is needed, with no
// stack trace and nothing lost; once space is freed the next sync stores
// what it finds. The data dir is on a real 64 MiB tmpfs filled to about
// 256 KiB, which needs root; elsewhere the test is skipped with the reason.
func TestSync_OnAFullDiskStopsInOneSentenceAndResumes(t *testing.T) {
	mnt := tmpfs(t)
	dir := t.TempDir()
	docs := filepath.Join(dir, "docs")
	os.MkdirAll(docs, 0o755)
	doc := func(n int) {
		os.WriteFile(filepath.Join(docs, fmt.Sprintf("%04d-design.md", n)), []byte(fmt.Sprintf("---\ntitle: Design %d\nauthors: [\"@alice\"]\ncreated: 2026-02-%02d\n---\nBody.\n", n, n)), 0o644)
	}
	doc(1)
	cfg := filepath.Join(dir, "config.yaml")
	os.WriteFile(cfg, []byte(fmt.Sprintf("me: {github: alice, teams: [platform]}\ndata_dir: %s\norg: {teams: [{id: platform, name: Platform}]}\nsources:\n  rfc:\n    - {name: docs, dir: %s, owner_team: platform}\n",
		filepath.Join(mnt, "data"), docs)), 0o600)
	run := func(args ...string) (string, error) { return runIn(append([]string{"--config", cfg}, args...)...) }
	if out, err := run("sync"); err != nil {
		t.Fatalf("the first sync: %v\n%s", err, out)
	}

	// Fill the disk to about 256 KiB free, and write a second document.
	filler := filepath.Join(mnt, "filler")
	exec.Command("dd", "if=/dev/zero", "of="+filler, "bs=1M", "count=64").Run()
	if err := os.Truncate(filler, mustSize(t, filler)-256<<10); err != nil {
		t.Fatal(err)
	}
	doc(2)
	out, err := run("sync")
	if err == nil || exitCode(err) != exitRuntime {
		t.Fatalf("sync on a full disk: want exit %d, got %v\n%s", exitRuntime, err, out)
	}
	msg := err.Error()
	if !strings.Contains(msg, "free") || !strings.Contains(msg, "40.0 MiB") || strings.Contains(msg, "\n") || strings.Contains(out+msg, "goroutine") {
		t.Errorf("not one sentence of how much is free and needed:\n%s\n%s", msg, out)
	}
	if list, err := run("list", "--state", "all"); err != nil || !strings.Contains(list, "Design 1") || strings.Contains(list, "Design 2") {
		t.Errorf("after the full disk the store holds:\n%s (%v)", list, err)
	}

	os.Remove(filler)
	if out, err := run("sync"); err != nil {
		t.Fatalf("sync after space was freed: %v\n%s", err, out)
	}
	if list, _ := run("list", "--state", "all"); !strings.Contains(list, "Design 1") || !strings.Contains(list, "Design 2") {
		t.Errorf("after space was freed the store holds:\n%s", list)
	}
}

func mustSize(t *testing.T, p string) int64 {
	t.Helper()
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}
