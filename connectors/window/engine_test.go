package window

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/evident-sync/evident/connectors"
	"github.com/evident-sync/evident/connectors/connectorstest"
)

// toy is a source of timestamped items: one search, pages of size items
// oldest first, a page token that is the offset.
type toy struct {
	items  map[string]time.Time
	size   int
	begins int
	reads  map[string]int
	expire bool // refuse the next page token once
	// unsorted returns the items newest first, as a server that ignores
	// the sort may, and says so.
	unsorted bool
}

func (s *toy) Begin(ctx context.Context, state json.RawMessage, page *connectors.Page) (Plan, error) {
	s.begins++
	return Plan{State: json.RawMessage(`{"n":` + strconv.Itoa(s.begins) + `}`), Searches: 1}, nil
}

func (s *toy) Search(ctx context.Context, q Query, state json.RawMessage) (Found, error) {
	if q.Token != "" && s.expire {
		s.expire = false
		return Found{Restart: true}, nil
	}
	var keys []string
	for k, at := range s.items {
		if !at.Before(q.From) && (q.To.IsZero() || !at.After(q.To)) {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b string) int { return s.items[a].Compare(s.items[b]) })
	if s.unsorted {
		slices.Reverse(keys)
	}
	off, _ := strconv.Atoi(q.Token)
	end := min(off+s.size, len(keys))
	f := Found{Unsorted: s.unsorted}
	for _, k := range keys[min(off, end):end] {
		f.Items = append(f.Items, Item{Key: k, Updated: s.items[k], Read: func(context.Context) (*connectors.Artifact, string, error) {
			s.reads[k]++
			return &connectors.Artifact{Key: k}, "", nil
		}})
	}
	if end < len(keys) {
		f.Next = strconv.Itoa(end)
	}
	return f, nil
}

// pass runs Fetch until the pass ends and returns the keys delivered.
func pass(t *testing.T, e *Engine, s Searcher, cur *connectors.Cursor) []string {
	t.Helper()
	var got []string
	for range 1000 {
		var page connectors.Page
		if err := e.Fetch(context.Background(), *cur, s, &page); err != nil {
			t.Fatal(err)
		}
		for _, a := range page.Artifacts {
			got = append(got, a.Key)
		}
		*cur = page.Cursor
		if !page.More {
			if page.Progress != 1 || page.Backfill == nil || !page.Backfill.To.IsZero() {
				t.Errorf("a finished pass says progress %v, backfill %+v", page.Progress, page.Backfill)
			}
			return got
		}
	}
	t.Fatal("the pass did not end")
	return nil
}

// The engine drives a source through a newest-first backfill (each item
// read once, the last two weeks first), then forward passes that read only
// what changed, whether the search is capped (narrowing) or pages by
// token, and when a page token expires.
func TestEngine_BackfillsNewestFirstThenReadsOnlyWhatChanged(t *testing.T) {
	for _, capped := range []bool{false, true} {
		t.Run(fmt.Sprintf("capped %v", capped), func(t *testing.T) {
			now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
			clock := connectorstest.NewClock(now)
			s := &toy{items: map[string]time.Time{}, size: 3, reads: map[string]int{}, expire: true}
			for i := range 60 { // one every six days, back a year
				s.items[fmt.Sprintf("k%02d", i)] = now.Add(-time.Duration(i) * 6 * 24 * time.Hour).Add(-time.Hour)
			}
			e := &Engine{Version: 1, Since: now.AddDate(-1, 0, 0), Overlap: time.Minute, Capped: capped, Precision: time.Second, Clock: clock}
			var cur connectors.Cursor
			got := pass(t, e, s, &cur)
			if len(got) != 60 || len(s.reads) != 60 {
				t.Fatalf("first pass delivered %d, read %d distinct; want 60", len(got), len(s.reads))
			}
			for k, n := range s.reads {
				if n != 1 {
					t.Errorf("%s read %d times", k, n)
				}
			}
			// The two weeks before now come before anything older.
			if !slices.Contains(got[:3], "k00") || !slices.Contains(got[:3], "k02") {
				t.Errorf("the first items delivered %v are not the last two weeks'", got[:3])
			}
			clock.Advance(time.Hour)
			s.items["new"] = clock.Now().Add(-time.Minute)
			if got := pass(t, e, s, &cur); !slices.Equal(got, []string{"new"}) {
				t.Errorf("the next pass delivered %v, want only the new item", got)
			}
			if s.begins != 2 {
				t.Errorf("Begin ran %d times for two passes", s.begins)
			}
		})
	}
}

// A cursor of another version starts afresh, unless Upgrade reads it.
func TestEngine_UpgradeReadsAnOlderCursorWhereItStood(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	s := &toy{items: map[string]time.Time{"a": now.Add(-time.Hour), "b": now.AddDate(0, 0, -100)}, size: 10, reads: map[string]int{}}
	e := &Engine{Version: 2, Since: now.AddDate(-1, 0, 0), Overlap: time.Minute, Clock: connectorstest.NewClock(now)}
	old := connectors.Cursor(`{"v":1}`)
	if got := pass(t, e, s, &old); len(got) != 2 {
		t.Errorf("without Upgrade an old cursor starts afresh: got %v", got)
	}
	e.Upgrade = func(raw connectors.Cursor) (Position, bool) {
		return Position{HW: []time.Time{now}, Seen: Seen{}, Frontiers: Frontiers{Low: e.Since, Forward: now}}, true
	}
	old = connectors.Cursor(`{"v":1}`)
	if got := pass(t, e, s, &old); len(got) != 0 {
		t.Errorf("an upgraded cursor, caught up to now, read %v again", got)
	}
}

// A cursor of the right version whose position makes no sense (damaged)
// starts a new pass rather than failing or panicking.
func TestEngine_ADamagedPositionStartsANewPass(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	s := &toy{items: map[string]time.Time{"a": now.Add(-time.Hour)}, size: 10, reads: map[string]int{}}
	e := &Engine{Version: 1, Since: now.AddDate(-1, 0, 0), Overlap: time.Minute, Clock: connectorstest.NewClock(now)}
	for _, raw := range []string{`{"v":1,"in_pass":true,"q":5,"hw":["2026-01-01T00:00:00Z"]}`, `{"v":1,"in_pass":true,"q":-1}`, `{"v":1,"in_pass":true}`} {
		cur := connectors.Cursor(raw)
		if got := pass(t, e, s, &cur); len(got) > 1 {
			t.Errorf("%s: delivered %v", raw, got)
		}
	}
}

// An unsorted search is followed page by page (narrowing would skip what
// a page did not show), and its high-water mark is the newest item of all
// its pages, not of its last.
func TestEngine_AnUnsortedSearchFollowsItsPagesAndEndsAtItsNewest(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	s := &toy{items: map[string]time.Time{}, size: 4, reads: map[string]int{}, unsorted: true}
	for i := range 30 {
		s.items[fmt.Sprintf("k%02d", i)] = now.Add(-time.Duration(i) * time.Hour)
	}
	e := &Engine{Version: 1, Since: now.AddDate(0, 0, -10), Overlap: time.Minute, Capped: true, Precision: time.Second, Clock: connectorstest.NewClock(now)}
	var cur connectors.Cursor
	if got := pass(t, e, s, &cur); len(got) != 30 {
		t.Errorf("delivered %d of 30", len(got))
	}
	var c engineCursor
	json.Unmarshal(cur, &c)
	if !c.HW[0].Equal(now) {
		t.Errorf("high-water mark %v, want the newest item's %v", c.HW[0], now)
	}
}

// skippingToy has nothing to say for a search while skip is set (a 304,
// a refused search).
type skippingToy struct {
	toy
	skip bool
}

func (s *skippingToy) Search(ctx context.Context, q Query, state json.RawMessage) (Found, error) {
	if s.skip {
		return Found{Problems: []string{"skipped"}}, nil
	}
	return s.toy.Search(ctx, q, state)
}

// A skipped search ends at its window's start: its mark does not move, so
// what it did not read is read by the next pass that does not skip it.
func TestEngine_ASkippedSearchEndsAtItsWindowsStart(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	clock := connectorstest.NewClock(now)
	s := &skippingToy{toy: toy{items: map[string]time.Time{"a": now.Add(-time.Hour)}, size: 10, reads: map[string]int{}}}
	e := &Engine{Version: 1, Since: now.AddDate(0, 0, -10), Overlap: time.Minute, Capped: true, Precision: time.Second, Clock: clock}
	var cur connectors.Cursor
	pass(t, e, s, &cur)
	clock.Advance(time.Hour)
	s.items["b"] = clock.Now().Add(-time.Minute)
	s.skip = true
	if got := pass(t, e, s, &cur); len(got) != 0 {
		t.Errorf("a skipped search delivered %v", got)
	}
	s.skip = false
	if got := pass(t, e, s, &cur); !slices.Equal(got, []string{"b"}) {
		t.Errorf("after the skip the next pass delivered %v, want b", got)
	}
}

// learningToy says with every page what it learnt.
type learningToy struct{ toy }

func (s *learningToy) Search(ctx context.Context, q Query, state json.RawMessage) (Found, error) {
	f, err := s.toy.Search(ctx, q, state)
	f.State = json.RawMessage(`{"learnt":true}`)
	return f, err
}

// The first window's items are handed over FirstReads at a time, and what
// a search learnt takes effect only once its page is read whole: a page
// asked again is asked as it was.
func TestEngine_FirstReadsHandOverInStepsAndStateWaitsForTheWholePage(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	s := &learningToy{toy{items: map[string]time.Time{}, size: 10, reads: map[string]int{}}}
	for i := range 5 {
		s.items[fmt.Sprintf("k%d", i)] = now.Add(-time.Duration(i+1) * time.Hour)
	}
	e := &Engine{Version: 1, Since: now.AddDate(0, 0, -10), Overlap: time.Minute, Capped: true, Precision: time.Second,
		Clock: connectorstest.NewClock(now), FirstReads: 2}
	var page connectors.Page
	if err := e.Fetch(context.Background(), nil, s, &page); err != nil {
		t.Fatal(err)
	}
	var c engineCursor
	json.Unmarshal(page.Cursor, &c)
	if len(page.Artifacts) != 2 || !page.More || string(c.State) != `{"n":1}` {
		t.Errorf("the first step: %d items, more %v, state %s", len(page.Artifacts), page.More, c.State)
	}
	cur := page.Cursor
	if got := pass(t, e, s, &cur); len(got) != 3 {
		t.Errorf("the rest of the window: %v", got)
	}
	json.Unmarshal(cur, &c)
	if string(c.State) != `{"learnt":true}` {
		t.Errorf("after the whole page the state is %s", c.State)
	}
}
