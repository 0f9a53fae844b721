package store

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/evident-sync/evident/classify"
)

var caseCriteria = []classify.Criterion{
	{ID: "xteam-design", Domain: classify.DomainCrossTeamInfluence, Keywords: []string{"RFC"}},
	{ID: "xteam-unblock", Domain: classify.DomainCrossTeamInfluence},
	{ID: "initiative", Domain: classify.DomainInitiative},
}

// The user's criteria, follow-up and outcome are theirs: kept over a
// re-sync, hand choices winning over the automatic match both ways.
func TestEdit_CriteriaFollowUpAndOutcomeSurviveResync(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t, t.TempDir())
	defer s.Close()
	if _, err := s.Commit(ctx, "github", page(3, 1), nil); err != nil {
		t.Fatal(err)
	}
	id := IDFor(artifact(0, 1).Artifact.Key)
	it, _ := s.Get(ctx, id)
	if d := cmp.Diff([]string{"xteam-unblock"}, it.Criteria(caseCriteria)); d != "" {
		t.Errorf("automatic criteria (-want +got):\n%s", d)
	}
	e := Edit{FollowUp: ptr("2027-01-12"), Outcome: ptr("p99 down 40%"), AddCriteria: []string{"initiative"}, RemoveCriteria: []string{"xteam-unblock"}}
	if _, err := s.Edit(ctx, id, e); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Commit(ctx, "github", page(3, 2), nil); err != nil {
		t.Fatal(err)
	}
	it, _ = s.Get(ctx, id)
	if d := cmp.Diff([]string{"initiative"}, it.Criteria(caseCriteria)); d != "" {
		t.Errorf("criteria after the hand choice and a re-sync (-want +got):\n%s", d)
	}
	if it.User.FollowUp != "2027-01-12" || it.User.Outcome != "p99 down 40%" {
		t.Errorf("follow-up %q, outcome %q", it.User.FollowUp, it.User.Outcome)
	}
	v := it.View(caseCriteria)
	if v.FollowUp != "2027-01-12" || v.Outcome != "p99 down 40%" {
		t.Errorf("view: %+v", v)
	}
	// Adding back what was removed flips it; an empty follow-up clears it.
	e = Edit{AddCriteria: []string{"xteam-unblock"}, FollowUp: ptr("")}
	it, _ = s.Edit(ctx, id, e)
	if d := cmp.Diff([]string{"xteam-unblock", "initiative"}, it.Criteria(caseCriteria)); d != "" || it.User.FollowUp != "" {
		t.Errorf("criteria (-want +got):\n%s; follow-up %q", d, it.User.FollowUp)
	}
}

func TestFollowUpDue_OnlyConfirmedPastAndWithoutOutcome(t *testing.T) {
	for _, c := range []struct {
		state             State
		followUp, outcome string
		want              bool
	}{
		{Confirmed, "2026-12-01", "", true},
		{Confirmed, "2026-11-01", "", true},
		{Confirmed, "2026-12-02", "", false},
		{Confirmed, "2026-11-01", "shipped", false},
		{Suggested, "2026-11-01", "", false},
		{Confirmed, "", "", false},
	} {
		it := Item{State: c.state, User: UserFields{FollowUp: c.followUp, Outcome: c.outcome}}
		if got := it.FollowUpDue("2026-12-01"); got != c.want {
			t.Errorf("%+v: due = %v", c, got)
		}
	}
}

// Follow-ups due come from their own index: due on or before the day,
// confirmed, without outcome; an outcome, a reopening, a new day or a
// forget takes the item out, and nothing else is read.
func TestScan_FollowUpsDueFromTheirIndex(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t, t.TempDir())
	defer s.Close()
	if _, err := s.Commit(ctx, "github", page(6, 0), nil); err != nil {
		t.Fatal(err)
	}
	id := func(i int) string { return IDFor(artifact(i, 0).Artifact.Key) }
	for i, day := range []string{"2026-11-01", "2026-12-01", "2026-12-02", "2026-10-15"} {
		d := day
		if _, err := s.Decide(ctx, []string{id(i)}, Decision{State: Confirmed, FollowUp: &d}); err != nil {
			t.Fatal(err)
		}
	}
	due := func() []string {
		var out []string
		if err := s.Scan(ctx, Filter{FollowUpsDue: "2026-12-01"}, func(it *Item) error { out = append(out, it.ID); return nil }); err != nil {
			t.Fatal(err)
		}
		return out
	}
	if d := cmp.Diff([]string{id(3), id(0), id(1)}, due()); d != "" {
		t.Errorf("due, earliest first (-want +got):\n%s", d)
	}
	s.Edit(ctx, id(0), Edit{Outcome: ptr("shipped")})
	s.Decide(ctx, []string{id(3)}, Decision{State: Suggested})
	s.Edit(ctx, id(1), Edit{FollowUp: ptr("2027-01-05")})
	if got := due(); len(got) != 0 {
		t.Errorf("after an outcome, a reopening and a later day: %v", got)
	}
	s.Edit(ctx, id(2), Edit{FollowUp: ptr("2026-11-30")})
	if d := cmp.Diff([]string{id(2)}, due()); d != "" {
		t.Errorf("moved earlier (-want +got):\n%s", d)
	}
	if _, err := s.Forget(ctx, "github"); err != nil {
		t.Fatal(err)
	}
	if got := due(); len(got) != 0 {
		t.Errorf("after forget: %v", got)
	}
}
