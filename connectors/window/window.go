// Package window is what every source that reads "what changed since"
// shares, so that a source writes only its own part — the query and the
// mapping — and no copy of the rest: a versioned cursor, the start of a
// pass (the high-water mark less an overlap, never before the since date),
// a seen-set of the keys read at each updated time (which makes overlaps
// free and a resumed page exact), reading a page item by item while keeping
// what was read when an item fails, narrowing the window to the newest
// time seen so no search pages past a cap, and an estimate of progress.
//
// It starts no goroutine and makes no request. A source either writes a
// Searcher and lets an Engine drive its passes (GitHub, Jira, Confluence,
// Google Docs), or calls these pieces from its own Fetch.
package window

import (
	"context"
	"encoding/json"
	"time"

	"github.com/evident-sync/evident/connectors"
)

// Decode reads a cursor written by Encode into cur, whose V field must be
// the version the connector writes now. An empty, unreadable or other
// version's cursor leaves cur as it was (a fresh start; upserts are
// idempotent, so starting over never duplicates an item) and returns false.
func Decode(raw connectors.Cursor, version int, cur any) bool {
	if len(raw) == 0 {
		return false
	}
	var probe struct {
		V int `json:"v"`
	}
	if json.Unmarshal(raw, &probe) != nil || probe.V != version {
		return false
	}
	return json.Unmarshal(raw, cur) == nil
}

// Encode writes a cursor.
func Encode(cur any) connectors.Cursor {
	b, _ := json.Marshal(cur)
	return b
}

// Start is the lower bound of a new pass over a search whose last pass
// ended at high-water mark hw: overlap before it (a late write there is
// read again; the seen-set makes that free), never before since. A search
// never passed starts at since.
func Start(hw, since time.Time, overlap time.Duration) time.Time {
	from := since
	if !hw.IsZero() {
		from = hw.Add(-overlap)
	}
	if from.Before(since) {
		from = since
	}
	return from.UTC()
}

// Seen maps the keys read to the updated time they were read at.
type Seen map[string]time.Time

// Fresh reports whether key, now updated at upd, has not been read at that
// version (or a later one) yet.
func (s Seen) Fresh(key string, upd time.Time) bool {
	t, ok := s[key]
	return !ok || upd.After(t)
}

// Prune forgets what no window from before onwards can return again.
func (s Seen) Prune(before time.Time) {
	for k, t := range s {
		if t.Before(before) {
			delete(s, k)
		}
	}
}

// Item is one result of a search: its key, its updated time as the
// service reports it, and what reads it in full.
type Item struct {
	Key     string
	Updated time.Time
	// Read builds the artifact (nil: not the user's work) and may report a
	// problem; an error fails the page.
	Read func(ctx context.Context) (*connectors.Artifact, string, error)
	// SeenAt, when set, is called after a successful Read: an item read
	// whole (a page with every comment) is seen as of the time it says, so
	// a later hit on it up to that time (a comment another search finds)
	// does not read it again.
	SeenAt func() time.Time
}

// Clamp keeps an updated time from passing the present (see the
// transport's ClampFuture); it returns the time to use and a problem.
type Clamp func(what string, at time.Time) (time.Time, string)

// Scanned is what a page of items gave.
type Scanned struct {
	// Newest is the newest updated time on the page (from, when none).
	Newest time.Time
	// Fresh counts the items not read before at their updated time.
	Fresh int
	// Partial says the read limit stopped the page before its end: the
	// page is returned as it is (its cursor set, More true).
	Partial bool
	// Clamped says an item was dated in the future and read as now.
	Clamped bool
}

// Next is the Step after a page Scan read (see Next). A full page that
// reached items dated in the future is Done: narrowing to its newest time,
// the present, would return the same future items again on every request,
// as long as the server's clock runs ahead. What lies beyond them is read
// by a later pass (the high-water mark is the present, so nothing later is
// hidden).
func (sc Scanned) Next(full bool, from time.Time, precision time.Duration, in *time.Location) Step {
	st := Next(full, from, sc.Newest, precision, in)
	if st == Narrow && sc.Clamped {
		return Done
	}
	return st
}

// Scan reads a page's items in order: each updated time clamped to the
// present, items seen at that version skipped, fresh ones read, added to
// page and marked seen. When a read fails, the page keeps the artifacts
// read so far with the cursor save makes (which remembers them), More set,
// and the error is returned: the next Fetch resumes after them.
//
// limit, when above 0, is the most items read in one call: past it the
// page stops the same way, without an error, and Scanned.Partial is set;
// the caller returns the page as it is, and the next Fetch asks for the
// same search page again and reads on past what the seen-set holds. It
// costs one more search request, and the items read so far are committed
// (and in the inbox) that much sooner.
func Scan(ctx context.Context, items []Item, from time.Time, seen Seen, clamp Clamp, limit int, page *connectors.Page, save func() connectors.Cursor) (Scanned, error) {
	out := Scanned{Newest: from}
	for _, it := range items {
		if limit > 0 && out.Fresh == limit { // and at least this item is left
			out.Partial = true
			page.Cursor, page.More = save(), true
			return out, nil
		}
		raw := it.Updated.UTC()
		upd := raw
		if clamp != nil {
			var problem string
			if upd, problem = clamp(it.Key, upd); problem != "" {
				page.Problems = append(page.Problems, problem)
				out.Clamped = true
			}
		}
		if upd.After(out.Newest) {
			out.Newest = upd
		}
		// The seen-set keeps the time the server gave: a future time read
		// as now would look newer on every call as now moves on.
		if it.Key == "" || !seen.Fresh(it.Key, raw) {
			continue
		}
		out.Fresh++
		a, problem, err := it.Read(ctx)
		if err != nil {
			if len(page.Artifacts) > 0 {
				page.Cursor, page.More = save(), true
			}
			return out, err
		}
		seen[it.Key] = raw
		if it.SeenAt != nil {
			if at := it.SeenAt(); at.After(raw) {
				seen[it.Key] = at
			}
		}
		if problem != "" {
			page.Problems = append(page.Problems, problem)
		}
		if a != nil {
			page.Artifacts = append(page.Artifacts, *a)
		}
	}
	return out, nil
}

// Step is how a search moves on after a page.
type Step int

const (
	// Narrow: the page was full and its newest time moved past the window's
	// start: the next request starts at that time, page 1.
	Narrow Step = iota
	// NextPage: the page was full but every item shares the window's start
	// (at the search's precision): page through that instant.
	NextPage
	// Done: the search returned everything; its high-water mark is Newest.
	Done
)

// Next decides the Step after a page. precision is what the search can
// tell apart (a second on GitHub, a minute in JQL); in is the zone that
// precision is counted in.
func Next(full bool, from, newest time.Time, precision time.Duration, in *time.Location) Step {
	if !full {
		return Done
	}
	if in == nil {
		in = time.UTC
	}
	if newest.In(in).Truncate(precision).After(from.In(in).Truncate(precision)) {
		return Narrow
	}
	return NextPage
}

// Progress estimates how far a pass that started at start has come when
// its window starts at from: the share of the time from start to now.
func Progress(start, from, now time.Time) float64 {
	span := now.Sub(start)
	if span <= 0 {
		return 1
	}
	return min(1, max(0, float64(from.Sub(start))/float64(span)))
}

// The newest-first backfill. A source's first pass reads the recent window
// (RecentSpan back from now) first, so the user triages this week's work in
// the first minute; the backward frontier Low then walks back to since one
// window at a time, while every pass (and, during a long backfill, every
// ForwardEvery) first takes new activity from the forward frontier (the
// high-water marks). Everything updated in [Low, the high-water mark] has
// been read.
const (
	RecentSpan   = 14 * 24 * time.Hour
	BackStep     = 28 * 24 * time.Hour
	ForwardEvery = 5 * time.Minute
)

// FirstLow is where a source that never synced starts its backward
// frontier: RecentSpan before now, never before since.
func FirstLow(since, now time.Time) time.Time {
	low := now.Add(-RecentSpan).UTC().Truncate(time.Second)
	if low.Before(since) {
		return since.UTC()
	}
	return low
}

// NextBack is the next backward window below low, [from, low], never
// before since; ok is false when the backfill has reached since. Windows
// grow with their distance from now (at least BackStep, else as long as
// what is already read), so a year takes a handful of windows and the
// recent past comes in the finest steps.
func NextBack(low, since, now time.Time) (from time.Time, ok bool) {
	if !low.After(since) {
		return time.Time{}, false
	}
	from = low.Add(-max(BackStep, now.Sub(low)))
	if from.Before(since) {
		from = since
	}
	return from.UTC(), true
}

// BackfillOf reports a backward frontier for status: how far back it has
// reached and the share of [since, now] behind it; a finished backfill has
// To zero and Progress 1, one not started Progress 0.
func BackfillOf(low, since, now time.Time) *connectors.Backfill {
	if low.IsZero() {
		return &connectors.Backfill{Progress: 0}
	}
	if !low.After(since) {
		return &connectors.Backfill{Progress: 1}
	}
	span := now.Sub(since)
	p := 1.0
	if span > 0 {
		p = min(1, max(0, float64(now.Sub(low))/float64(span)))
	}
	return &connectors.Backfill{To: low, Progress: p}
}

// Frontiers is a newest-first backfill's state, embedded in a connector's
// cursor: Low is the backward frontier (everything updated since it has
// been read); Back says the pass is reading the backward window
// [BackFrom, Low]; Forward is when the forward searches last finished.
type Frontiers struct {
	Low      time.Time `json:"low,omitzero"`
	Back     bool      `json:"back,omitempty"`
	BackFrom time.Time `json:"back_from,omitzero"`
	Forward  time.Time `json:"forward,omitzero"`
}

// Begin starts a pass, forward first; a source's first pass puts the
// backward frontier RecentSpan back from now.
func (f *Frontiers) Begin(since, now time.Time) {
	if f.Low.IsZero() {
		f.Low = FirstLow(since, now)
	}
	f.Back = false
}

// Floor is the earliest a forward search starts: the backward frontier,
// never before since.
func (f *Frontiers) Floor(since time.Time) time.Time {
	if f.Low.After(since) {
		return f.Low
	}
	return since
}

// Next is called when a round of the pass's searches has finished (forward,
// or the backward window): it moves the frontier it covered and reports
// whether the pass goes on, and in which direction (Back) — new activity
// first when the forward frontier is due, else the next backward window.
func (f *Frontiers) Next(since, now time.Time) bool {
	if f.Back {
		f.Low = f.BackFrom
	} else {
		f.Forward = now
	}
	from, ok := NextBack(f.Low, since, now)
	if !ok {
		f.Back, f.BackFrom = false, time.Time{}
		return false
	}
	if now.Sub(f.Forward) >= ForwardEvery {
		f.Back = false
	} else {
		f.Back, f.BackFrom = true, from
	}
	return true
}

// From is where a search whose high-water mark is hw starts in this
// pass: the backward window's start while the pass walks back, else the
// high-water mark less the overlap, never before the backward frontier.
func (f *Frontiers) From(hw, since time.Time, overlap time.Duration) time.Time {
	if f.Back {
		return f.BackFrom
	}
	return Start(hw, f.Floor(since), overlap)
}

// Finish ends search q of n, whose newest item was newest: a forward
// search raises its high-water mark hw. It says what the pass does next:
// search q+1, or (a round of searches done) search 0 of the next window,
// or, when the backfill has reached since and new activity is taken, the
// end of the pass (inPass false).
func (f *Frontiers) Finish(q, n int, hw *time.Time, newest, since, now time.Time) (next int, inPass bool) {
	if !f.Back && newest.After(*hw) {
		*hw = newest
	}
	if q+1 < n {
		return q + 1, true
	}
	if f.Next(since, now) {
		return 0, true
	}
	return 0, false
}

// Report is the backfill for status.
func (f *Frontiers) Report(since, now time.Time) *connectors.Backfill {
	return BackfillOf(f.Low, since, now)
}
