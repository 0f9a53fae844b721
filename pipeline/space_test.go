package pipeline

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/evident-sync/evident/connectors"
	"github.com/evident-sync/evident/pipeline/store"
)

// A disk that fills up mid-pass stops the pass at its last committed page,
// with one sentence saying how much is free and how much is needed; the
// source's state carries the sentence for status, and the next pass after
// space is freed resumes at the committed cursor.
func TestSync_DiskFullStopsAtTheLastCommitAndResumes(t *testing.T) {
	ctx := t.Context()
	var free atomic.Uint64
	free.Store(1 << 30)
	st, err := store.Open(t.TempDir(), store.Options{FreeSpace: func(string) (uint64, bool) { return free.Load(), true }})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	s := newSyncer(t, st)
	conn := &fillingDisk{scripted: scripted{pages: []connectors.Page{
		page('1', true, "github:acme/x#1", "github:acme/x#2"),
		page('2', false, "github:acme/x#3"),
	}}, free: &free}
	src := Source{Name: "gh", Type: "github", Conn: conn}
	_, err = s.Sync(ctx, src, nil)
	var full *store.DiskFullError
	if !errors.As(err, &full) {
		t.Fatalf("want a DiskFullError, got %v", err)
	}
	msg := err.Error()
	for _, want := range []string{"256 KiB free", "40.0 MiB", "nothing is lost"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q: %s", want, msg)
		}
	}
	if strings.Contains(msg, "\n") {
		t.Errorf("not one sentence: %q", msg)
	}
	if c, _ := st.Cursor(ctx, "gh"); string(c) != "1" {
		t.Errorf("cursor = %q, want the first (committed) page's", c)
	}
	if n, _ := st.Counts(ctx); n["gh"] != 2 {
		t.Errorf("stored %d items, want the first page's 2", n["gh"])
	}
	if states, _ := st.SourceStates(ctx); !strings.Contains(states["gh"].LastError, "free") {
		t.Errorf("status does not carry the disk-full sentence: %+v", states["gh"])
	}

	// A pass on a disk already full never starts.
	calls := conn.calls
	if _, err := s.Sync(ctx, src, nil); !errors.As(err, &full) || conn.calls != calls {
		t.Errorf("a pass on a full disk fetched (%d calls) or did not say so: %v", conn.calls-calls, err)
	}

	free.Store(1 << 30)
	conn.fillAt = 0
	if _, err := s.Sync(ctx, src, nil); err != nil {
		t.Fatal(err)
	}
	if n, _ := st.Counts(ctx); n["gh"] != 3 {
		t.Errorf("after space was freed, stored %d, want 3", n["gh"])
	}
}

// fillingDisk serves scripted pages and fills the disk while serving the
// second.
type fillingDisk struct {
	scripted
	free   *atomic.Uint64
	fillAt int
}

func (f *fillingDisk) Fetch(ctx context.Context, cur connectors.Cursor) (connectors.Page, error) {
	if f.fillAt == 0 && f.calls == 0 {
		f.fillAt = 2
	}
	p, err := f.scripted.Fetch(ctx, cur)
	if f.calls == f.fillAt {
		f.free.Store(256 << 10)
	}
	return p, err
}
