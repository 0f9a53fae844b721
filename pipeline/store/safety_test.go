package store

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/evident-sync/evident/connectors"
)

// grepDir reports which of needles appear in any file under dir.
func grepDir(t *testing.T, dir string, needles ...string) []string {
	t.Helper()
	var found []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return nil
		}
		for _, n := range needles {
			if bytes.Contains(b, []byte(n)) {
				found = append(found, n+" in "+filepath.Base(p))
			}
		}
		return nil
	})
	return found
}

var secretTitle, secretURL = "Project Nightingale layoff plan", "https://github.com/acme/nightingale-secret/pull/99"

func secretPage() []Ingest {
	p := page(200, 0)
	p[0].Artifact.Title, p[0].Artifact.URL = secretTitle, secretURL
	return p
}

var key32 = []byte("0123456789abcdef0123456789abcdef")

func TestEncryption_NoTitleOrURLInPlainTextAndAWrongKeyIsRefused(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(dir, Options{EncryptionKey: key32, uncompressed: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Commit(ctx, "github", secretPage(), connectors.Cursor("c")); err != nil {
		t.Fatal(err)
	}
	// Inspect both while open (WAL) and after close (tables).
	if found := grepDir(t, dir, secretTitle, secretURL, "acme/nightingale"); len(found) > 0 {
		t.Errorf("plain text on disk while open: %v", found)
	}
	s.Close()
	if found := grepDir(t, dir, secretTitle, secretURL, "acme/nightingale"); len(found) > 0 {
		t.Errorf("plain text on disk after close: %v", found)
	}
	_, err = Open(dir, Options{EncryptionKey: []byte("another-key-of-32-bytes-length!!"), uncompressed: true})
	if err == nil || !strings.Contains(err.Error(), "encryption key does not match") {
		t.Errorf("wrong key: %v", err)
	}
	_, err = Open(dir, Options{})
	if err == nil || !strings.Contains(err.Error(), "the store is encrypted, but no key is set (configure encryption: {key_env: NAME} or {key: keyring})") {
		t.Errorf("no key on an encrypted store: %v", err)
	}
	s, err = Open(dir, Options{EncryptionKey: key32, uncompressed: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if it, err := s.Get(ctx, IDFor(secretPage()[0].Artifact.Key)); err != nil || it.Artifact.Title != secretTitle {
		t.Errorf("reading back: %v %q", err, it.Artifact.Title)
	}
	// Control: without encryption the same data is visible, so the grep works.
	plain := t.TempDir()
	p, _ := Open(plain, Options{uncompressed: true})
	p.Commit(ctx, "github", secretPage(), nil)
	p.Close()
	if found := grepDir(t, plain, secretTitle); len(found) == 0 {
		t.Error("control: the title should be visible in an unencrypted store")
	}
}

func dump(t *testing.T, s *Store) []Detail {
	var out []Detail
	s.Scan(context.Background(), Filter{}, func(it *Item) error { out = append(out, it.Detail(nil)); return nil })
	return out
}

func TestBackup_RestoreIntoAFreshDirReproducesEveryItem(t *testing.T) {
	ctx := context.Background()
	for _, key := range [][]byte{nil, key32} {
		src, _ := Open(t.TempDir(), Options{EncryptionKey: key})
		src.Commit(ctx, "github", secretPage(), connectors.Cursor("cur"))
		id := IDFor(secretPage()[3].Artifact.Key)
		src.Decide(ctx, []string{id}, Decision{State: Confirmed, Note: ptr("kept")})
		var buf bytes.Buffer
		if err := src.Backup(ctx, &buf); err != nil {
			t.Fatal(err)
		}
		want := dump(t, src)
		src.Close()
		if len(key) > 0 && bytes.Contains(buf.Bytes(), []byte(secretTitle)) {
			t.Error("the backup of an encrypted store is in plain text")
		}
		dst, _ := Open(t.TempDir(), Options{EncryptionKey: key})
		if err := dst.Restore(ctx, bytes.NewReader(buf.Bytes())); err != nil {
			t.Fatalf("restore (key %v): %v", key != nil, err)
		}
		if d := cmp.Diff(want, dump(t, dst)); d != "" {
			t.Errorf("restored store differs (-want +got):\n%s", d)
		}
		if c, _ := dst.Cursor(ctx, "github"); string(c) != "cur" {
			t.Errorf("cursor not restored: %q", c)
		}
		if err := dst.Restore(ctx, bytes.NewReader(buf.Bytes())); err != ErrNotEmpty {
			t.Errorf("a second restore: %v", err)
		}
		dst.Close()
		for _, cutAt := range []int{buf.Len() - 4, buf.Len() - 40, buf.Len() / 2} {
			cut, _ := Open(t.TempDir(), Options{EncryptionKey: key})
			if err := cut.Restore(ctx, bytes.NewReader(buf.Bytes()[:cutAt])); err == nil {
				t.Errorf("a backup cut at %d of %d bytes was accepted (encrypted %v)", cutAt, buf.Len(), key != nil)
			}
			cut.Close()
		}
	}
}

func TestForget_DropsEveryTraceOfOneSource(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, _ := Open(dir, Options{uncompressed: true})
	defer s.Close()
	s.Commit(ctx, "github", secretPage(), connectors.Cursor("gh-cursor"))
	other := page(5, 0)
	for i := range other {
		other[i].Artifact.Key = "jira:PAY-" + string(rune('1'+i))
		other[i].Artifact.Source = "jira"
		other[i].Artifact.Title = "Jira item kept"
	}
	s.Commit(ctx, "jira", other, connectors.Cursor("jira-cursor"))
	s.PutSourceState(ctx, SourceState{Name: "github", Type: "github", LastError: "x"})
	s.Close()
	s, _ = Open(dir, Options{uncompressed: true}) // the data is in tables now, not only the log
	if found := grepDir(t, dir, secretTitle); len(found) == 0 {
		t.Fatal("control: the title should be on disk before forget")
	}
	n, err := s.Forget(ctx, "github")
	if err != nil || n != 200 {
		t.Fatalf("forget: %d, %v", n, err)
	}
	if c, _ := s.Cursor(ctx, "github"); c != nil {
		t.Error("cursor kept")
	}
	states, _ := s.SourceStates(ctx)
	if _, ok := states["github"]; ok {
		t.Error("source state kept")
	}
	counts, _ := s.Counts(ctx)
	if counts["github"] != 0 || counts["jira"] != 5 {
		t.Errorf("counts after forget: %v", counts)
	}
	left := 0
	s.Scan(ctx, Filter{}, func(*Item) error { left++; return nil })
	if left != 5 {
		t.Errorf("%d items left, want the 5 of jira", left)
	}
	s.Close()
	if found := grepDir(t, dir, secretTitle, secretURL, "gh-cursor"); len(found) > 0 {
		t.Errorf("forgotten data still on disk: %v", found)
	}
	if found := grepDir(t, dir, "Jira item kept"); len(found) == 0 {
		t.Error("the other source's data is gone too")
	}
}
