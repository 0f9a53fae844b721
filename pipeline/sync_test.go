package pipeline

import (
	"context"
	"errors"
	"testing"

	"github.com/evident-sync/evident/connectors"
)

// A connector that serves pages from a script, recording the cursors it is
// handed.
type scripted struct {
	pages []connectors.Page
	errAt int // the call (from 1) that fails; 0 never
	seen  []string
	calls int
}

func (s *scripted) Fetch(_ context.Context, cur connectors.Cursor) (connectors.Page, error) {
	s.calls++
	s.seen = append(s.seen, string(cur))
	if s.calls == s.errAt {
		return connectors.Page{RateLimitRemaining: -1}, errors.New("upstream 502")
	}
	i := 0
	if len(cur) > 0 {
		i = int(cur[0]-'0') + 0
	}
	return s.pages[i], nil
}

func page(next byte, more bool, keys ...string) connectors.Page {
	p := connectors.Page{Cursor: []byte{next}, More: more, RateLimitRemaining: -1}
	for _, k := range keys {
		p.Artifacts = append(p.Artifacts, connectors.Artifact{Kind: connectors.KindReview, Key: k, Container: "acme/x"})
	}
	return p
}

func TestCursor_AdvancesOnlyAfterCommit(t *testing.T) {
	ctx := context.Background()
	st := openStore(t, t.TempDir())
	defer st.Close()
	s := newSyncer(t, st)
	conn := &scripted{pages: []connectors.Page{
		page('1', true, "github:acme/x#1", "github:acme/x#2"),
		page('2', true, "github:acme/x#3"),
		page('3', false, "github:acme/x#4"),
	}, errAt: 3}
	src := Source{Name: "gh", Type: "github", Conn: conn}
	if _, err := s.Sync(ctx, src, nil); err == nil {
		t.Fatal("want the third call's error")
	}
	if c, _ := st.Cursor(ctx, "gh"); string(c) != "2" {
		t.Fatalf("cursor after two committed pages = %q, want the second page's", c)
	}
	counts, _ := st.Counts(ctx)
	if counts["gh"] != 3 {
		t.Errorf("stored %d items, want the 3 of the committed pages", counts["gh"])
	}
	states, _ := st.SourceStates(ctx)
	if states["gh"].LastError != "upstream 502" || !states["gh"].LastSuccess.IsZero() {
		t.Errorf("state after the failure: %+v", states["gh"])
	}
	conn.errAt = 0
	stats, err := s.Sync(ctx, src, nil)
	if err != nil {
		t.Fatal(err)
	}
	if conn.seen[3] != "2" || stats.Fetched != 1 {
		t.Errorf("the next pass must resume at the committed cursor: handed %q, fetched %d", conn.seen[3], stats.Fetched)
	}
	if counts, _ := st.Counts(ctx); counts["gh"] != 4 {
		t.Errorf("stored %d, want 4", counts["gh"])
	}
}
