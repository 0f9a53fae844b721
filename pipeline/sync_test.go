package pipeline

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/evident-sync/evident/config"
	"github.com/evident-sync/evident/connectors"
	"github.com/evident-sync/evident/pipeline/store"
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

// When the org model changes, the next pass re-tags still-suggested items;
// a confirmed item keeps the tags it was confirmed with, and user edits stay.
func TestReclassify_AfterAConfigEditOnlySuggestedItemsChange(t *testing.T) {
	ctx := context.Background()
	st := openStore(t, t.TempDir())
	defer st.Close()
	conf := func(yaml string) *Syncer {
		c, err := config.Parse("c.yaml", []byte(yaml), time.Now())
		if err != nil {
			t.Fatal(err)
		}
		s, err := NewSyncer(st, c, nil, BuildOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	before := conf("me: {github: alice, teams: [platform]}\norg:\n  teams:\n    - {id: platform, members: {github: [alice]}}\n")
	arts := []connectors.Artifact{}
	for i, repo := range []string{"acme/payments-api", "acme/payments-web"} {
		arts = append(arts, connectors.Artifact{Kind: connectors.KindReview, Key: fmt.Sprintf("github:%s#%d", repo, i), Container: repo,
			Counterparts: []connectors.Identity{{System: "github", ID: "carol", Role: connectors.RoleAuthor}}})
	}
	src := Source{Name: "github", Type: "github", Conn: &scripted{pages: []connectors.Page{{Artifacts: arts, RateLimitRemaining: -1}}}}
	if _, err := before.Sync(ctx, src, nil); err != nil {
		t.Fatal(err)
	}
	id0, id1 := store.IDFor(arts[0].Key), store.IDFor(arts[1].Key)
	if it, _ := st.Get(ctx, id0); it.Scope() != "unknown" {
		t.Fatalf("before the edit: %s", it.Scope())
	}
	st.Decide(ctx, []string{id1}, store.Decision{State: store.Confirmed})
	// The user maps Payments' repos and Carol: the next pass re-tags.
	after := conf("me: {github: alice, teams: [platform]}\norg:\n  teams:\n    - {id: platform, members: {github: [alice]}}\n    - {id: payments, members: {github: [carol]}, repos: [\"acme/payments-*\"]}\n")
	src.Conn = &scripted{pages: []connectors.Page{{RateLimitRemaining: -1}}}
	if _, err := after.Sync(ctx, src, nil); err != nil {
		t.Fatal(err)
	}
	if it, _ := st.Get(ctx, id0); it.Scope() != "cross-team" || !strings.Contains(it.ScopeReason(), "owned by payments") {
		t.Errorf("suggested item after the edit: %s %q", it.Scope(), it.ScopeReason())
	}
	if it, _ := st.Get(ctx, id1); it.Scope() != "unknown" {
		t.Errorf("the confirmed item was re-tagged: %s", it.Scope())
	}
}
