package input

import (
	"fmt"
	"strings"
	"time"

	"github.com/evident-sync/evident/classify"
	"github.com/evident-sync/evident/pipeline"
)

// Entry is work that left no trace, as a person writes it: evident add's
// flags, the web page's form, the daemon API's add and an assistant's
// add_entry all read it here, so each says the same about the same words.
type Entry struct {
	Title, Date, Domain, Scope, Strength string
	// FollowUp is a day (YYYY-MM-DD) or a time from Now ("6w", "90d").
	FollowUp            string
	Teams               []string
	Note, Outcome, Link string
	// Now is the time the day and the follow-up are read against, in the
	// person's time zone.
	Now time.Time
}

// Parse checks what the person wrote and returns the entry as
// pipeline.NewEntry takes it; every error is one sentence about the input.
func (in Entry) Parse() (pipeline.EntryInput, error) {
	e := pipeline.EntryInput{Title: in.Title, Teams: nonEmpty(in.Teams), Note: in.Note, Outcome: in.Outcome, Link: in.Link}
	now := in.Now
	if now.IsZero() {
		now = time.Now()
	}
	if strings.TrimSpace(in.Date) == "" {
		return e, &FieldError{"date", fmt.Errorf("an entry needs the day of the work (YYYY-MM-DD)")}
	}
	day, err := time.ParseInLocation(time.DateOnly, in.Date, now.Location())
	if err != nil {
		return e, &FieldError{"date", fmt.Errorf("the date %q is not a day (YYYY-MM-DD)", in.Date)}
	}
	if day.After(now) {
		return e, &FieldError{"date", fmt.Errorf("the date %s is in the future: write down work once it is done", in.Date)}
	}
	e.Day = day.Add(12 * time.Hour) // midday: the day stays the day in any nearby time zone
	if in.Domain != "" {
		if e.Domain, err = classify.ParseDomain(in.Domain); err != nil {
			return e, &FieldError{"domain", err}
		}
	}
	if in.Scope != "" {
		if e.Scope, err = classify.ParseScope(in.Scope); err != nil || e.Scope == classify.ScopeUnknown {
			return e, &FieldError{"scope", fmt.Errorf("unknown scope %q for an entry (want team, cross-team or org)", in.Scope)}
		}
	}
	if in.Strength != "" {
		if e.Strength, err = classify.ParseStrength(in.Strength); err != nil {
			return e, &FieldError{"strength", err}
		}
	}
	if in.FollowUp != "" {
		if e.FollowUp, err = FollowUp(in.FollowUp, now); err != nil {
			return e, &FieldError{"follow-up", err}
		}
	}
	return e, nil
}

func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
