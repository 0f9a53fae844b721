package rfc

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/evident-sync/evident/connectors/passtest"

	"github.com/evident-sync/evident/connectors"
	"github.com/evident-sync/evident/connectors/connectorstest"
	"github.com/evident-sync/evident/connectors/github/githubtest"
)

// writeDocs writes n front-matter documents authored by alice under dir,
// spread over ten folders.
func writeDocs(t testing.TB, dir string, n int) {
	t.Helper()
	for i := range n {
		p := filepath.Join(dir, fmt.Sprintf("team%02d", i%10), fmt.Sprintf("%05d-design.md", i))
		os.MkdirAll(filepath.Dir(p), 0o755)
		doc := fmt.Sprintf("---\ntitle: Design %d\nauthors: [alice]\nstatus: accepted\ncreated: 2026-0%d-1%d\n---\n# Design %d\n\nBody.\n", i, 1+i%9, i%10, i)
		if err := os.WriteFile(p, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// A pass cut off after its first page resumes after what was committed: the
// committed documents are not read again and none comes twice.
func TestLocal_ResumeReadsOnlyWhatWasNotCommitted(t *testing.T) {
	dir := t.TempDir()
	writeDocs(t, dir, 7)
	c, _ := New(Config{Name: "docs", Dir: dir, Me: Me{GitHub: "alice"}, PageSize: 3})
	s := passtest.NewSink(nil)
	page, err := c.FetchMarked(context.Background(), nil, s)
	if err != nil || len(page.Artifacts) != 3 || !page.More {
		t.Fatalf("first page: %d artifacts, more %v, %v", len(page.Artifacts), page.More, err)
	}
	s.Cursor, s.Marks = page.Cursor, page.Marks
	// A new process: nothing in memory but the committed cursor and marks.
	c2, _ := New(Config{Name: "docs", Dir: dir, Me: Me{GitHub: "alice"}, PageSize: 3})
	if err := s.Pass(t, c2, 10); err != nil {
		t.Fatal(err)
	}
	if len(s.Got) != 4 || s.Ingested != 4 {
		t.Errorf("after the restart %d documents (%d delivered), want the 4 not committed", len(s.Got), s.Ingested)
	}
	for _, a := range page.Artifacts {
		if _, again := s.Got[a.Key]; again {
			t.Errorf("%s was read again", a.Key)
		}
	}
	if len(s.Marks) != 7 {
		t.Errorf("%d marks, want one per document", len(s.Marks))
	}
}

// A version 1 cursor (every fingerprint inside it) becomes marks on the
// next pass without reading a document again.
func TestLocal_VersionOneCursorUpgradesWithoutReReading(t *testing.T) {
	dir := t.TempDir()
	writeDocs(t, dir, 5)
	files, _ := walk(dir)
	old := map[string]fileState{}
	for _, f := range files {
		b, _ := os.ReadFile(filepath.Join(dir, f.rel))
		old[f.rel] = fileState{Size: f.size, Mod: f.mod, Hash: hashOf(b)}
	}
	v1, _ := json.Marshal(map[string]any{"v": 1, "files": old})
	c, _ := New(Config{Name: "docs", Dir: dir, Me: Me{GitHub: "alice"}})
	s := passtest.NewSink(v1)
	if err := s.Pass(t, c, 10); err != nil {
		t.Fatal(err)
	}
	if len(s.Got) != 0 || len(s.Marks) != 5 {
		t.Errorf("upgrade: %d documents read again, %d marks; want 0 and 5", len(s.Got), len(s.Marks))
	}
	var cur cursor
	json.Unmarshal(s.Cursor, &cur)
	if cur.V != cursorVersion || cur.Files != nil {
		t.Errorf("cursor after the upgrade: %s", s.Cursor)
	}
	p := filepath.Join(dir, files[2].rel)
	b, _ := os.ReadFile(p)
	os.WriteFile(p, append(b, "More.\n"...), 0o644)
	if err := s.Pass(t, c, 10); err != nil {
		t.Fatal(err)
	}
	if len(s.Got) != 1 {
		t.Errorf("after one edit %d documents, want 1", len(s.Got))
	}
}

// A deleted document's mark goes with the pass that sees it gone.
func TestLocal_DeletedDocumentLosesItsMark(t *testing.T) {
	dir := t.TempDir()
	writeDocs(t, dir, 4)
	c, _ := New(Config{Name: "docs", Dir: dir, Me: Me{GitHub: "alice"}})
	s := passtest.NewSink(nil)
	s.Pass(t, c, 10)
	os.Remove(filepath.Join(dir, "team01", "00001-design.md"))
	s.Pass(t, c, 10)
	if _, ok := s.Marks["team01/00001-design.md"]; ok || len(s.Marks) != 3 {
		t.Errorf("marks %d after a deletion, want 3", len(s.Marks))
	}
}

// On GitHub an unchanged folder is one request (its tree SHA); an edit
// reads that one document.
func TestGitHub_QuietPollIsOneRequestAndAnEditReadsOneDocument(t *testing.T) {
	clock := connectorstest.NewClock(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	fake := githubtest.New(clock)
	files := map[string]string{"README.md": "# RFCs\n"}
	for i := range 12 {
		files[fmt.Sprintf("rfcs/area%d/%04d.md", i%3, i)] = fmt.Sprintf("---\ntitle: RFC %d\nauthors: ['@alice']\ncreated: 2026-03-0%d\n---\n", i, 1+i%9)
	}
	fake.Files = map[string]map[string]string{"acme/rfcs": files}
	srv := httptest.NewServer(fake.Handler())
	defer srv.Close()
	c, err := New(Config{Name: "rfcs", BaseURL: srv.URL + "/", Repo: "acme/rfcs", Path: "rfcs", Me: Me{GitHub: "alice"}, Clock: clock, PageSize: 5})
	if err != nil {
		t.Fatal(err)
	}
	s := passtest.NewSink(nil)
	if err := s.Pass(t, c, 10); err != nil || len(s.Got) != 12 {
		t.Fatalf("first pass: %d documents, %v", len(s.Got), err)
	}
	fake.ResetHits()
	s.Got = map[string]connectors.Artifact{}
	if err := s.Pass(t, c, 10); err != nil || len(s.Got) != 0 || fake.Hits()["total"] != 1 {
		t.Errorf("quiet poll: %d documents, hits %v, %v", len(s.Got), fake.Hits(), err)
	}
	fake.Files["acme/rfcs"]["rfcs/area1/0004.md"] += "\nAn edit.\n"
	fake.ResetHits()
	if err := s.Pass(t, c, 10); err != nil || len(s.Got) != 1 || s.Got["rfc:rfcs:area1/0004.md"].Key == "" {
		t.Errorf("after one edit: %v, %v", keys(s.Got), err)
	}
	// The tree probe, the four folders' listings and the one document.
	if h := fake.Hits()["contents"]; h != 6 {
		t.Errorf("after one edit %d contents requests, want 6", h)
	}
}

// A folder's first sync reads the newest documents (by file time) first,
// and says how far back it has reached.
func TestLocal_NewestDocumentsFirst(t *testing.T) {
	dir := t.TempDir()
	writeDocs(t, dir, 3)
	base := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	for i, name := range []string{"team00/00000-design.md", "team01/00001-design.md", "team02/00002-design.md"} {
		at := base.AddDate(0, i, 0) // 00002 is the newest
		os.Chtimes(filepath.Join(dir, name), at, at)
	}
	c, _ := New(Config{Name: "docs", Dir: dir, Me: Me{GitHub: "alice"}, PageSize: 1})
	s := passtest.NewSink(nil)
	var order []string
	for {
		page, err := c.FetchMarked(context.Background(), s.Cursor, s)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range page.Artifacts {
			order = append(order, a.Key)
		}
		s.Cursor = page.Cursor
		for k, v := range page.Marks {
			if s.Marks == nil {
				s.Marks = map[string][]byte{}
			}
			s.Marks[k] = v
		}
		if len(order) == 1 && (page.Backfill == nil || !page.Backfill.To.Equal(base.AddDate(0, 2, 0))) {
			t.Errorf("after the newest document the backfill is %+v", page.Backfill)
		}
		if !page.More {
			break
		}
	}
	want := []string{"rfc:docs:team02/00002-design.md", "rfc:docs:team01/00001-design.md", "rfc:docs:team00/00000-design.md"}
	if fmt.Sprint(order) != fmt.Sprint(want) {
		t.Errorf("order %v, want newest first %v", order, want)
	}
}
