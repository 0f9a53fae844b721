package localapi

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/evident-sync/evident/classify"
	"github.com/evident-sync/evident/connectors"
	"github.com/evident-sync/evident/pipeline/store"
)

// A filter crosses the socket exactly: every field, times to the
// nanosecond.
func TestFilterQuery_RoundTripsEveryField(t *testing.T) {
	f := store.Filter{States: []store.State{store.Suggested, store.Confirmed}, Scope: classify.ScopeCrossTeam, Source: "gh",
		Kind: connectors.KindReview, Strength: classify.StrengthStrong, Since: time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC),
		Until: time.Date(2026, 12, 2, 3, 4, 5, 6, time.UTC), Limit: 40, FollowUpsDue: "2026-12-01"}
	got, err := queryFilter(filterQuery(f))
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(f, got); d != "" {
		t.Errorf("(-sent +received):\n%s", d)
	}
	if _, err := queryFilter(map[string][]string{"follow_ups_due": {"soon"}}); err == nil {
		t.Error("a follow-up day that is not a date was accepted")
	}
}
