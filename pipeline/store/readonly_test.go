package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/evident-sync/evident/connectors"
)

// snapshot lists the data dir's files with their sizes and times, to see
// that a reader changed nothing.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		out[d.Name()] = fmt.Sprint(fi.ModTime().Format(time.RFC3339Nano), " ", fi.Mode(), " ", fi.Size())
		return nil
	})
	return out
}

// A reader opens the store without writing anything: no pid file, no
// memtable, no compaction. It sees what was written, shares the store with
// other readers, keeps a writer out, and refuses writes in one error.
func TestOpenReadOnly_ReadsWithoutWritingAndSharesWithReaders(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	w := openTemp(t, dir)
	if _, err := w.Commit(ctx, "github", page(50, 1), connectors.Cursor("c1")); err != nil {
		t.Fatal(err)
	}
	id := IDFor(artifact(7, 0).Artifact.Key)
	if _, err := w.Decide(ctx, []string{id}, Decision{State: Confirmed, Note: ptr("led it")}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, dir)

	r1, err := Open(dir, Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("read-only open: %v", err)
	}
	r2, err := Open(dir, Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("a second reader: %v", err)
	}
	if _, err := Open(dir, Options{}); !errors.As(err, new(*LockedError)) {
		t.Errorf("a writer beside readers: want a LockedError, got %v", err)
	}
	it, err := r1.Get(ctx, id)
	if err != nil || it.User.Note != "led it" || it.State != Confirmed {
		t.Fatalf("reader sees %+v, %v", it, err)
	}
	n := 0
	if err := r2.Scan(ctx, Filter{}, func(*Item) error { n++; return nil }); err != nil || n != 50 {
		t.Errorf("scan saw %d items (%v), want 50", n, err)
	}
	if _, err := r1.Decide(ctx, []string{id}, Decision{State: Dismissed}); !errors.Is(err, ErrReadOnly) {
		t.Errorf("a write on a reader: want ErrReadOnly, got %v", err)
	}
	if _, err := r1.Commit(ctx, "github", page(1, 2), connectors.Cursor("c2")); !errors.Is(err, ErrReadOnly) {
		t.Errorf("a commit on a reader: want ErrReadOnly, got %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "LOCK")); err == nil {
		t.Error("a reader wrote Badger's pid file")
	}
	r1.Close()
	r2.Close()
	after := snapshot(t, dir)
	if len(before) != len(after) {
		t.Errorf("files before %v, after %v", before, after)
	}
	for name, b := range before {
		if after[name] != b {
			t.Errorf("%s changed: %s then %s", name, b, after[name])
		}
	}
	w = openTemp(t, dir) // and the writer gets it back
	w.Close()
}

// A store left by a crash (its memtable log not yet flushed) cannot be
// read without replaying the log: a read-only open of such a store opens it
// for writing instead, once, and the reader sees every committed write.
func TestOpenReadOnly_AStoreNotClosedCleanlyIsRecoveredFirst(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	w := openTemp(t, dir)
	if _, err := w.Commit(ctx, "github", page(5, 1), connectors.Cursor("c1")); err != nil {
		t.Fatal(err)
	}
	id := IDFor(artifact(2, 0).Artifact.Key)
	if _, err := w.Decide(ctx, []string{id}, Decision{State: Confirmed}); err != nil {
		t.Fatal(err)
	}
	// The crash: the files as they are while the writer has them open.
	crashed := t.TempDir()
	copyDir(t, dir, crashed)
	w.Close()
	os.Remove(filepath.Join(crashed, "LOCK"))

	r, err := Open(crashed, Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("read-only open after a crash: %v", err)
	}
	defer r.Close()
	it, err := r.Get(ctx, id)
	if err != nil || it.State != Confirmed {
		t.Fatalf("after recovery the reader sees %+v, %v", it, err)
	}
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	entries, err := os.ReadDir(from)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(from, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(to, e.Name()), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// A store on a read-only mount (a restored snapshot, a disk remounted
// read-only after errors) is read as it is; a write is refused in one
// sentence naming the folder and what to do, and nothing in it changes. It
// needs root to mount; elsewhere it is skipped with the reason.
func TestOpen_ReadOnlyMountReadsAndRefusesWritesInOneSentence(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting a read-only tmpfs needs root")
	}
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", mnt).CombinedOutput(); err != nil {
			t.Logf("umount: %v %s", err, out)
		}
	})
	ctx := context.Background()
	dir := filepath.Join(mnt, "data")
	s := openTemp(t, dir)
	if _, err := s.Commit(ctx, "github", page(3, 1), connectors.Cursor("c1")); err != nil {
		t.Fatal(err)
	}
	s.Close()
	// And a copy as a crash left it, which needs a write to be read.
	crashed := filepath.Join(mnt, "crashed")
	os.Mkdir(crashed, 0o700)
	w := openTemp(t, filepath.Join(mnt, "live"))
	if _, err := w.Commit(ctx, "github", page(3, 1), connectors.Cursor("c1")); err != nil {
		t.Fatal(err)
	}
	copyDir(t, filepath.Join(mnt, "live"), crashed)
	w.Close()
	before := snapshot(t, dir)
	if out, err := exec.Command("mount", "-o", "remount,ro", mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot remount read-only here: %v %s", err, out)
	}

	r, err := Open(dir, Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("reading from a read-only mount: %v", err)
	}
	if n, err := r.CountState(ctx, Suggested); err != nil || n != 3 {
		t.Errorf("read %d suggested (%v), want 3", n, err)
	}
	r.Close()

	_, err = Open(dir, Options{})
	var ro *ReadOnlyError
	if !errors.As(err, &ro) || !ro.Write {
		t.Fatalf("a write open: want a ReadOnlyError, got %v", err)
	}
	if msg := err.Error(); !strings.Contains(msg, dir) || !strings.Contains(msg, "mounted on "+mnt) || !strings.Contains(msg, "--data-dir") || strings.Contains(msg, "\n") {
		t.Errorf("message: %q", msg)
	}
	_, err = Open(crashed, Options{ReadOnly: true})
	if !errors.As(err, &ro) || ro.Write || !strings.Contains(err.Error(), "not closed cleanly") {
		t.Errorf("reading a crashed store from a read-only mount: want a ReadOnlyError saying why, got %v", err)
	}
	after := snapshot(t, dir)
	if len(after) != len(before) {
		t.Errorf("the folder changed: %v before, %v after", before, after)
	}
	fds, _ := os.ReadDir("/proc/self/fd")
	for _, fd := range fds {
		if p, err := os.Readlink("/proc/self/fd/" + fd.Name()); err == nil && strings.HasPrefix(p, mnt) {
			t.Errorf("still open: %s", p)
		}
	}
}
