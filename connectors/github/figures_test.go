package github

import (
	"context"
	"testing"
	"time"

	"github.com/evident-sync/evident/connectors/github/githubtest"
	"github.com/google/go-cmp/cmp"
)

// The connector's cost holds its figures, measured before its searches
// moved onto window.Engine: the requests of a heavy reviewer's year (2,070
// PRs) and until its last two weeks are in, a quiet poll after it (304s
// only), an unsorted search paged and split under the cap, and searches
// refused. None may grow.
func TestRequests_HoldTheirFigures(t *testing.T) {
	if testing.Short() {
		t.Skip("reads a year of 2,070 PRs")
	}
	got := map[string]int{}
	prs, end := yearOfReviews(2070)
	conn, fake := newBackfillHarness(t, prs, end, 0)
	r := runBackfill(t, conn, fake, prs, end)
	if len(r.Got) != len(prs) {
		t.Errorf("%d of %d PRs arrived", len(r.Got), len(prs))
	}
	got["year"], got["year: last two weeks in"] = r.TotalRequests, r.RecentRequests
	cur := r.Cursor
	for _, name := range []string{"poll after", "quiet poll"} {
		before, before304 := fake.Hits()["total"], fake.Hits()["not-modified"]
		page, err := conn.Fetch(context.Background(), cur)
		for err == nil && page.More {
			page, err = conn.Fetch(context.Background(), page.Cursor)
		}
		if err != nil {
			t.Fatal(err)
		}
		cur = page.Cursor
		got[name], got[name+": 304"] = fake.Hits()["total"]-before, fake.Hits()["not-modified"]-before304
	}

	heavy, _, _, _ := heavyReviewer()
	h := newHarness(t, heavy, nil)
	if err := h.pass(); err != nil {
		t.Fatal(err)
	}
	got["heavy reviewer"] = h.fake.Hits()["total"]
	h.clock.Advance(time.Hour)
	if err := h.pass(); err != nil {
		t.Fatal(err)
	}
	got["heavy reviewer: next pass"] = h.fake.Hits()["total"] - got["heavy reviewer"]

	unsorted := append([]*githubtest.PR(nil), heavy[:2000]...)
	for i, p := range unsorted {
		q := *p
		q.UpdatedAt = t0.Add(time.Duration((i*7919)%2000) * 3 * time.Hour)
		unsorted[i] = &q
	}
	hu := newHarness(t, unsorted, nil)
	hu.fake.IgnoreSort = true
	if err := hu.pass(); err != nil {
		t.Fatal(err)
	}
	got["unsorted"] = hu.fake.Hits()["total"]

	hr := newHarness(t, heavy[:100], func(c *Config) { c.Owners = []string{"acme"} })
	hr.fake.Inject(githubtest.Fault{Path: "/search/issues", Status: 422, Times: 2, Body: `{"message":"Validation Failed","errors":[]}`})
	if err := hr.pass(); err != nil {
		t.Fatal(err)
	}
	got["refused"] = hr.fake.Hits()["total"]
	want := map[string]int{"year": 4178, "year: last two weeks in": 162, "poll after": 3, "poll after: 304": 0, "quiet poll": 3, "quiet poll: 304": 3,
		"heavy reviewer": 5820, "heavy reviewer: next pass": 3, "unsorted": 5649, "refused": 214}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("requests (-before +now):\n%s", d)
	}
}
