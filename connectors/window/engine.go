package window

import (
	"context"
	"encoding/json"
	"time"

	"github.com/evident-sync/evident/connectors"
)

// A Searcher is what a source writes to have an Engine drive it: its
// searches over updated time, and what it reads once a pass. Everything
// else — the cursor, its version, the two frontiers of the newest-first
// backfill, the overlap and the seen-set, a page kept when an item fails,
// narrowing, progress — is the Engine's.
type Searcher interface {
	// Begin starts a pass: it reads what the source needs once a pass (who
	// the user is, a folder tree), given the state the last pass kept (nil
	// the first time), and says what to search. Per-item troubles go in
	// page.Problems.
	Begin(ctx context.Context, state json.RawMessage, page *connectors.Page) (Plan, error)
	// Search reads one page of search q.Search: the items updated in
	// [q.From, q.To] (To zero: up to now) after the page token q.Token (""
	// for the first page), with state as Begin left it. A Capped search
	// returns them oldest first; any other in any order.
	Search(ctx context.Context, q Query, state json.RawMessage) (Found, error)
}

// Plan is what a pass searches.
type Plan struct {
	// State is what the source keeps in the cursor from pass to pass
	// (small: it is written with every page).
	State json.RawMessage
	// Searches is how many searches a window runs (at least 1).
	Searches int
	// Reshaped says the searches cover other things than last pass's (a
	// folder added): every search starts from the earliest high-water
	// mark, so nothing the new shape covers is skipped.
	Reshaped bool
}

// Query is one page of one search.
type Query struct {
	Search   int
	From, To time.Time
	Token    string
}

// Found is a page of a search. A Found without items or Next (nothing
// changed since the search last ran, or the server refuses it) ends the
// search at its window's start.
type Found struct {
	// Items are the page's items (oldest first, for a Capped search).
	Items []Item
	// Next is the next page's token; "" on the search's last page.
	Next string
	// State, when not nil, replaces the source's state: what the search
	// learnt (a clause this server refuses).
	State json.RawMessage
	// Restart says the page token expired: the search reads its window
	// again from the first page (the seen-set makes that free).
	Restart bool
	// Unsorted says the page is not in updated order (a server that
	// ignores the sort): the engine follows Next instead of narrowing,
	// and the search's high-water mark is the newest item of all its
	// pages.
	Unsorted bool
	// Zone is the zone the search's precision is counted in (nil:
	// Engine.Zone), for a source whose zone is learnt (a Jira profile's).
	Zone *time.Location
	// Problems are troubles of the page that did not stop it, each one
	// sentence.
	Problems []string
}

// Engine drives a Searcher through newest-first backfills and forward
// passes, one page per Fetch.
type Engine struct {
	// Version is the version of the cursors this source writes; a cursor
	// of another version starts afresh (upserts make that free).
	Version int
	// Since is the source's since date; Overlap how far before its
	// high-water mark a forward search starts again.
	Since   time.Time
	Overlap time.Duration
	// Capped says a search returns at most a fixed number of results (a
	// search API's cap): a full page then moves the window's start to its
	// newest item rather than following the page token. Precision is what
	// the search's times tell apart, counted in Zone (UTC when nil).
	Capped    bool
	Precision time.Duration
	Zone      *time.Location
	Clock     connectors.Clock
	// Clamp keeps an item's time from passing the present (nil: none).
	Clamp Clamp
	// Upgrade reads a cursor of an earlier version into a Position (false:
	// start afresh); nil when there is none.
	Upgrade func(raw connectors.Cursor) (Position, bool)
	// FirstReads, when above 0, is how many items of a source's very first
	// window (its most recent weeks, which the user triages first) are read
	// before they are handed over: one more search request per step, and
	// the first inbox fills that much sooner (see Scan's limit).
	FirstReads int
}

// Position is where an Engine's source is, as its cursor keeps it; an
// Upgrade returns one for a source's older cursors.
type Position struct {
	// InPass says a pass is under way: search Search, its window starting
	// at From, at page Token.
	InPass bool      `json:"in_pass,omitempty"`
	Search int       `json:"q,omitempty"`
	From   time.Time `json:"from,omitzero"`
	Token  string    `json:"token,omitempty"`
	// HW is each search's high-water mark; Seen the keys read at each
	// updated time; State the source's own.
	HW    []time.Time     `json:"hw,omitempty"`
	Seen  Seen            `json:"seen,omitempty"`
	State json.RawMessage `json:"state,omitempty"`
	// Newest is the newest item so far of an unsorted search.
	Newest time.Time `json:"newest,omitzero"`
	Frontiers
}

// engineCursor is the position an Engine keeps for its source, versioned.
type engineCursor struct {
	V int `json:"v"`
	Position
}

// Fetch reads one page of the pass the cursor raw is in (starting one when
// it is between passes) into page: its artifacts, problems, cursor, More,
// Progress and Backfill. A failed item keeps what the page read before it,
// with its cursor, and returns the error (see Scan).
func (e *Engine) Fetch(ctx context.Context, raw connectors.Cursor, s Searcher, page *connectors.Page) error {
	cur := &engineCursor{V: e.Version}
	if !Decode(raw, e.Version, cur) {
		cur = &engineCursor{V: e.Version}
		if p, ok := e.upgrade(raw); ok {
			cur.Position = p
		}
	}
	if cur.Seen == nil {
		cur.Seen = Seen{}
	}
	if cur.Search < 0 || cur.Search >= len(cur.HW) {
		// A position no pass of this engine writes (a damaged cursor): a
		// new pass, from the marks the cursor still has.
		cur.InPass, cur.Search = false, 0
	}
	now := e.Clock.Now()
	defer func() { page.Backfill = cur.Report(e.Since, e.Clock.Now()) }()
	if !cur.InPass {
		if err := e.begin(ctx, cur, s, page, now); err != nil {
			return err
		}
	}
	q := Query{Search: cur.Search, From: cur.From, Token: cur.Token}
	if cur.Back {
		q.To = cur.Low
	}
	found, err := s.Search(ctx, q, cur.State)
	if err != nil {
		return err
	}
	page.Problems = append(page.Problems, found.Problems...)
	if found.Restart {
		cur.learn(found)
		cur.Token = ""
		page.Cursor, page.More = Encode(cur), true
		page.Progress = cur.Report(e.Since, e.Clock.Now()).Progress
		return nil
	}
	limit := 0
	if !cur.Back && cur.HW[cur.Search].IsZero() {
		limit = e.FirstReads
	}
	sc, err := Scan(ctx, found.Items, cur.From, cur.Seen, e.Clamp, limit, page, func() connectors.Cursor { return Encode(cur) })
	if err != nil || sc.Partial {
		return err
	}
	// What the search learnt takes effect once its page is read whole: a
	// page read again (after a failed item, or a read limit) is asked as
	// it was (an ETag kept for it now would answer "unchanged").
	cur.learn(found)
	zone := e.Zone
	if found.Zone != nil {
		zone = found.Zone
	}
	e.step(cur, sc, found, zone)
	page.Cursor, page.More = Encode(cur), cur.InPass
	page.Progress = 1
	if cur.InPass {
		page.Progress = cur.Report(e.Since, e.Clock.Now()).Progress
	}
	return nil
}

// learn keeps the state a search returned, if it returned one.
func (cur *engineCursor) learn(found Found) {
	if found.State != nil {
		cur.State = found.State
	}
}

// upgrade reads an older cursor with Upgrade, if the engine has one; a
// position that makes no sense is caught where every cursor's is.
func (e *Engine) upgrade(raw connectors.Cursor) (Position, bool) {
	if e.Upgrade == nil || len(raw) == 0 {
		return Position{}, false
	}
	return e.Upgrade(raw)
}

// begin starts a pass: the source's Begin, the frontiers, the first
// search of the first window.
func (e *Engine) begin(ctx context.Context, cur *engineCursor, s Searcher, page *connectors.Page, now time.Time) error {
	plan, err := s.Begin(ctx, cur.State, page)
	if err != nil {
		return err
	}
	cur.State = plan.State
	n := max(1, plan.Searches)
	if plan.Reshaped || len(cur.HW) != n {
		var earliest time.Time
		for i, hw := range cur.HW {
			if i == 0 || hw.Before(earliest) {
				earliest = hw
			}
		}
		cur.HW = make([]time.Time, n)
		for i := range cur.HW {
			cur.HW[i] = earliest
		}
	}
	cur.Begin(e.Since, now)
	cur.InPass = true
	e.start(cur, 0)
	return nil
}

// start positions the cursor at the first page of search q.
func (e *Engine) start(cur *engineCursor, q int) {
	cur.Search, cur.Token, cur.Newest = q, "", time.Time{}
	cur.From = cur.Frontiers.From(cur.HW[q], e.Since, e.Overlap)
}

// step moves the cursor on after a page Scan read.
func (e *Engine) step(cur *engineCursor, sc Scanned, found Found, zone *time.Location) {
	newest := sc.Newest // the window's start when the page had no items
	switch {
	case found.Unsorted:
		if newest.After(cur.Newest) {
			cur.Newest = newest
		}
		if found.Next != "" {
			cur.Token = found.Next
			return
		}
		newest = cur.Newest
	case found.Next != "":
		st := NextPage
		if e.Capped {
			st = sc.Next(true, cur.From, e.Precision, zone)
		}
		switch st {
		case Narrow:
			cur.From, cur.Token = sc.Newest, ""
			return
		case NextPage:
			cur.Token = found.Next
			return
		}
		// Done: a full page of items dated in the future (see Scanned.Next).
	}
	cur.Newest = time.Time{}
	next, inPass := cur.Finish(cur.Search, len(cur.HW), &cur.HW[cur.Search], newest, e.Since, e.Clock.Now())
	if inPass {
		e.start(cur, next)
		return
	}
	cur.InPass, cur.Token = false, ""
	earliest := cur.HW[0]
	for _, hw := range cur.HW {
		if hw.Before(earliest) {
			earliest = hw
		}
	}
	cur.Seen.Prune(earliest.Add(-e.Overlap))
}
