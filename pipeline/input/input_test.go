package input

import (
	"errors"
	"testing"
	"time"
)

func TestFollowUp_DaysWeeksAndDates(t *testing.T) {
	now := time.Date(2026, 12, 1, 23, 0, 0, 0, time.UTC)
	for in, want := range map[string]string{"2026-12-15": "2026-12-15", "6w": "2027-01-12", "90d": "2027-03-01", "1D": "2026-12-02"} {
		if got, err := FollowUp(in, now); err != nil || got != want {
			t.Errorf("%q = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"soon", "0d", "6m", "2026-13-01", "-3d"} {
		if _, err := FollowUp(bad, now); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

// An edit as typed: a follow-up from now becomes its day; a criterion both
// added and removed, or a scope that is no scope, names its field.
func TestEdit_ParseNamesTheFieldItRefuses(t *testing.T) {
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	six, none := "6w", ""
	e, err := Edit{FollowUp: &six, Criterion: []string{"initiative"}, Now: now}.Parse()
	if err != nil || e.FollowUp == nil || *e.FollowUp != "2027-01-12" || len(e.AddCriteria) != 1 {
		t.Fatalf("parsed %+v, %v", e, err)
	}
	if e, err := (Edit{FollowUp: &none}).Parse(); err != nil || e.FollowUp == nil || *e.FollowUp != "" {
		t.Errorf("an empty follow-up clears it: %+v, %v", e, err)
	}
	bad := "everywhere"
	for _, c := range []struct {
		in    Edit
		field string
	}{
		{Edit{Criterion: []string{"x"}, NoCriterion: []string{"x"}}, "criterion"},
		{Edit{Scope: &bad}, "scope"},
		{Edit{FollowUp: &bad}, "follow-up"},
	} {
		var fe *FieldError
		if _, err := c.in.Parse(); !errors.As(err, &fe) || fe.Field != c.field {
			t.Errorf("%+v: want a FieldError on %s, got %v", c.in, c.field, err)
		}
	}
}

// A filter as typed: "all" is every state, days are whole local days with
// until inclusive, and a period that ends before it starts is refused.
func TestFilter_ParseReadsDaysAndRefusesABackwardPeriod(t *testing.T) {
	f, err := Filter{State: "all", Since: "2026-01-01", Until: "2026-01-31"}.Parse()
	if err != nil || len(f.States) != 0 || f.Since.Day() != 1 || f.Until.Month() != time.February || f.Until.Day() != 1 {
		t.Errorf("parsed %+v, %v", f, err)
	}
	var fe *FieldError
	if _, err := (Filter{Since: "2026-02-01", Until: "2026-01-01"}).Parse(); !errors.As(err, &fe) || fe.Field != "period" {
		t.Errorf("a backward period: %v", err)
	}
	if _, err := Kind("blog"); err == nil {
		t.Error("an unknown kind was read")
	}
}
