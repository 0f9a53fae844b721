package window

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/evident-sync/evident/connectors"
)

var t0 = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

func TestDecode_AnOtherVersionStartsOver(t *testing.T) {
	type cur struct {
		V    int    `json:"v"`
		Mark string `json:"mark"`
	}
	c := cur{V: 2}
	if Decode(Encode(cur{V: 1, Mark: "old"}), 2, &c) || c.Mark != "" {
		t.Errorf("a version-1 cursor was read as version 2: %+v", c)
	}
	if Decode([]byte("{not json"), 2, &c) || Decode(nil, 2, &c) {
		t.Error("garbage or nothing decoded")
	}
	if !Decode(Encode(cur{V: 2, Mark: "now"}), 2, &c) || c.Mark != "now" {
		t.Errorf("round trip: %+v", c)
	}
}

func TestStart_OverlapsTheHighWaterMarkNeverBeforeSince(t *testing.T) {
	since := t0.AddDate(0, -1, 0)
	for _, tc := range []struct {
		hw, want time.Time
	}{
		{time.Time{}, since},
		{t0, t0.Add(-5 * time.Minute)},
		{since.Add(time.Minute), since},
	} {
		if got := Start(tc.hw, since, 5*time.Minute); !got.Equal(tc.want) {
			t.Errorf("Start(%v) = %v, want %v", tc.hw, got, tc.want)
		}
	}
}

func TestScan_SkipsWhatWasSeenAndKeepsAPartialPageOnError(t *testing.T) {
	seen := Seen{"a": t0}
	var read []string
	item := func(key string, at time.Time, fail bool) Item {
		return Item{Key: key, Updated: at, Read: func(context.Context) (*connectors.Artifact, string, error) {
			if fail {
				return nil, "", errors.New("502")
			}
			read = append(read, key)
			return &connectors.Artifact{Key: key}, "", nil
		}}
	}
	var page connectors.Page
	saved := 0
	sc, err := Scan(context.Background(), []Item{
		item("a", t0, false),                    // seen at this version: skipped
		item("b", t0.Add(time.Minute), false),   // fresh
		item("c", t0.Add(2*time.Minute), true),  // fails the page
		item("d", t0.Add(3*time.Minute), false), // not reached
	}, t0, seen, nil, 0, &page, func() connectors.Cursor { saved++; return connectors.Cursor(fmt.Sprint(len(seen))) })
	if err == nil || fmt.Sprint(read) != "[b]" || len(page.Artifacts) != 1 || !page.More || saved != 1 || string(page.Cursor) != "2" {
		t.Errorf("err %v, read %v, page %+v, saved %d", err, read, page, saved)
	}
	// The next page, resumed: b is not read again; a newer a is.
	read, page = nil, connectors.Page{}
	sc, err = Scan(context.Background(), []Item{item("a", t0.Add(time.Hour), false), item("b", t0.Add(time.Minute), false)}, t0, seen, nil, 0, &page, nil)
	if err != nil || fmt.Sprint(read) != "[a]" || sc.Fresh != 1 || !sc.Newest.Equal(t0.Add(time.Hour)) {
		t.Errorf("resumed: %v %v %+v", err, read, sc)
	}
}

func TestScan_AFutureTimeIsClampedAndReported(t *testing.T) {
	clamp := func(what string, at time.Time) (time.Time, string) {
		if at.After(t0) {
			return t0, what + " is in the future"
		}
		return at, ""
	}
	var page connectors.Page
	sc, _ := Scan(context.Background(), []Item{{Key: "x", Updated: t0.AddDate(3, 0, 0), Read: func(context.Context) (*connectors.Artifact, string, error) { return nil, "", nil }}},
		t0.Add(-time.Hour), Seen{}, clamp, 0, &page, nil)
	if !sc.Newest.Equal(t0) || len(page.Problems) != 1 {
		t.Errorf("newest %v problems %q", sc.Newest, page.Problems)
	}
}

// With a read limit a page stops after that many fresh reads, its cursor
// saved; asked again, the same items skip what the seen-set holds and read
// on, so every item is read once and the page ends complete.
func TestScan_AReadLimitStopsThePageAndTheNextCallReadsOn(t *testing.T) {
	seen := Seen{}
	reads := map[string]int{}
	var items []Item
	for i := range 7 {
		key := fmt.Sprintf("k%d", i)
		items = append(items, Item{Key: key, Updated: t0.Add(time.Duration(i) * time.Minute), Read: func(context.Context) (*connectors.Artifact, string, error) {
			reads[key]++
			return &connectors.Artifact{Key: key}, "", nil
		}})
	}
	saves, calls := 0, 0
	var got []string
	for {
		calls++
		var page connectors.Page
		sc, err := Scan(context.Background(), items, t0, seen, nil, 3, &page, func() connectors.Cursor { saves++; return connectors.Cursor("c") })
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range page.Artifacts {
			got = append(got, a.Key)
		}
		if !sc.Partial {
			break
		}
		if !page.More || len(page.Artifacts) != 3 || page.Cursor == nil {
			t.Fatalf("a partial page: more %v, %d artifacts, cursor %q", page.More, len(page.Artifacts), page.Cursor)
		}
	}
	if calls != 3 || saves != 2 || len(got) != 7 {
		t.Errorf("%d calls, %d saves, read %v", calls, saves, got)
	}
	for k, n := range reads {
		if n != 1 {
			t.Errorf("%s read %d times", k, n)
		}
	}
}

// A full page that reached items dated in the future is done rather than
// narrowed to the present (which would return the same items forever), and
// such an item is fresh once: its server time, not the moving present, is
// what the seen-set keeps.
func TestScan_FutureItemsEndTheSearchAndAreReadOnce(t *testing.T) {
	now := t0
	clamp := func(what string, at time.Time) (time.Time, string) {
		if at.After(now) {
			return now, what + " is in the future"
		}
		return at, ""
	}
	reads := 0
	items := []Item{
		{Key: "past", Updated: t0.Add(-time.Hour), Read: func(context.Context) (*connectors.Artifact, string, error) { reads++; return nil, "", nil }},
		{Key: "ahead", Updated: t0.AddDate(0, 0, 3), Read: func(context.Context) (*connectors.Artifact, string, error) { reads++; return nil, "", nil }},
	}
	seen := Seen{}
	var page connectors.Page
	sc, _ := Scan(context.Background(), items, t0.Add(-2*time.Hour), seen, clamp, 0, &page, nil)
	if !sc.Clamped || sc.Next(true, t0.Add(-2*time.Hour), time.Second, time.UTC) != Done {
		t.Errorf("a full page ending in the future: clamped %v, step %v; want Done", sc.Clamped, sc.Next(true, t0.Add(-2*time.Hour), time.Second, time.UTC))
	}
	if Next(true, t0.Add(-2*time.Hour), sc.Newest, time.Second, time.UTC) != Narrow {
		t.Error("without the future item the same page narrows")
	}
	now = t0.Add(time.Minute) // the present moves on; the item is not newer
	Scan(context.Background(), items, t0.Add(-2*time.Hour), seen, clamp, 0, &page, nil)
	if reads != 2 {
		t.Errorf("%d reads; want each item once", reads)
	}
}

func TestNext_NarrowsPagesOrFinishesAtTheSearchPrecision(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	for _, tc := range []struct {
		full      bool
		from, new time.Time
		precision time.Duration
		want      Step
	}{
		{false, t0, t0.Add(time.Hour), time.Second, Done},
		{true, t0, t0.Add(time.Second), time.Second, Narrow},
		{true, t0, t0.Add(500 * time.Millisecond), time.Second, NextPage},
		{true, t0, t0.Add(30 * time.Second), time.Minute, NextPage},
		{true, t0, t0.Add(time.Minute), time.Minute, Narrow},
	} {
		if got := Next(tc.full, tc.from, tc.new, tc.precision, berlin); got != tc.want {
			t.Errorf("Next(%v, +%v at %v) = %v, want %v", tc.full, tc.new.Sub(tc.from), tc.precision, got, tc.want)
		}
	}
}

func TestProgress_IsTheShareOfTimeCovered(t *testing.T) {
	if p := Progress(t0, t0.Add(6*time.Hour), t0.Add(24*time.Hour)); p != 0.25 {
		t.Errorf("a quarter: %v", p)
	}
	if p := Progress(t0, t0.Add(48*time.Hour), t0.Add(24*time.Hour)); p != 1 {
		t.Errorf("capped: %v", p)
	}
}

// A source's first pass reads the last two weeks, then walks back in
// growing windows to since, taking the forward frontier again when it is
// due; the backfill's report follows the frontier.
func TestFrontiers_NewestFirstThenBackToSince(t *testing.T) {
	since := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	var f Frontiers
	f.Begin(since, now)
	if !f.Low.Equal(now.Add(-RecentSpan)) || f.Back || !f.Floor(since).Equal(f.Low) {
		t.Fatalf("first pass: %+v", f)
	}
	if r := f.Report(since, now); r.To.IsZero() || r.Progress <= 0 || r.Progress >= 0.1 {
		t.Errorf("after the start: %+v", r)
	}
	var lows []time.Time
	for f.Next(since, now) {
		if !f.Back {
			t.Fatalf("forward again with no time passed: %+v", f)
		}
		if !f.BackFrom.Before(f.Low) || f.BackFrom.Before(since) {
			t.Fatalf("window [%v, %v]", f.BackFrom, f.Low)
		}
		lows = append(lows, f.BackFrom)
		if len(lows) > 20 {
			t.Fatal("the walk does not end")
		}
	}
	if !f.Low.Equal(since) || len(lows) > 6 {
		t.Errorf("after %d windows the frontier is %v, want since %v in a handful", len(lows), f.Low, since)
	}
	if r := f.Report(since, now); !r.To.IsZero() || r.Progress != 1 {
		t.Errorf("complete: %+v", r)
	}
	// Mid-walk, five minutes on, the forward frontier comes first.
	var g Frontiers
	g.Begin(since, now)
	g.Next(since, now) // forward done: back
	if !g.Next(since, now.Add(ForwardEvery)) || g.Back {
		t.Errorf("the forward frontier was not taken when due: %+v", g)
	}
}

// A pass's searches step through the frontiers the same way for every
// source: a forward search raises its high-water mark and a backward one
// does not; the next search follows, then the next window; the pass ends
// when the backfill has reached since.
func TestFrontiers_FinishStepsThroughSearchesAndWindows(t *testing.T) {
	since := t0.AddDate(0, -3, 0)
	var f Frontiers
	f.Begin(since, t0)
	hw := time.Time{}
	if got := f.From(hw, since, time.Hour); !got.Equal(f.Low) {
		t.Errorf("a first forward search starts at %v, want the frontier %v", got, f.Low)
	}
	newest := t0.Add(-time.Hour)
	if next, more := f.Finish(0, 2, &hw, newest, since, t0); next != 1 || !more || !hw.Equal(newest) {
		t.Errorf("after search 0 of 2: next %d, more %v, hw %v", next, more, hw)
	}
	next, more := f.Finish(1, 2, &hw, newest, since, t0)
	if next != 0 || !more || !f.Back {
		t.Fatalf("after the round: next %d, more %v, back %v; want the first backward window", next, more, f.Back)
	}
	if got := f.From(hw, since, time.Hour); !got.Equal(f.BackFrom) {
		t.Errorf("a backward search starts at %v, want %v", got, f.BackFrom)
	}
	before := hw
	for rounds := 0; more; rounds++ {
		if rounds > 20 {
			t.Fatal("the pass does not end")
		}
		_, more = f.Finish(1, 2, &hw, t0, since, t0)
	}
	if !hw.Equal(before) {
		t.Errorf("a backward search moved the high-water mark to %v", hw)
	}
	if !f.Low.Equal(since) {
		t.Errorf("the pass ended with the frontier at %v, want since %v", f.Low, since)
	}
}
