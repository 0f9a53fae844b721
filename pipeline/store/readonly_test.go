package store

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// A store on a read-only mount (a restored snapshot, a disk remounted
// read-only after errors) is refused in one sentence naming the folder and
// what to do, and nothing in it changes. It needs root to mount; elsewhere
// it is skipped with the reason.
func TestOpen_ReadOnlyMountSaysSoInOneSentence(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting a read-only tmpfs needs root")
	}
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", mnt).Run() })
	dir := filepath.Join(mnt, "data")
	s := openTemp(t, dir)
	s.Close()
	before, _ := os.ReadDir(dir)
	if out, err := exec.Command("mount", "-o", "remount,ro", mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot remount read-only here: %v %s", err, out)
	}
	_, err := Open(dir, Options{})
	var ro *ReadOnlyError
	if !errors.As(err, &ro) {
		t.Fatalf("want a ReadOnlyError, got %v", err)
	}
	if msg := err.Error(); !strings.Contains(msg, dir) || !strings.Contains(msg, "--data-dir") || strings.Contains(msg, "\n") {
		t.Errorf("message: %q", msg)
	}
	after, _ := os.ReadDir(dir)
	if len(after) != len(before) {
		t.Errorf("the folder changed: %d entries before, %d after", len(before), len(after))
	}
}
