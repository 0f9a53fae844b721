package config

import (
	"fmt"
	"strings"
	"time"
)

// Weekly is a time of the week in local time, as digest.when writes it.
type Weekly struct {
	Day          time.Weekday
	Hour, Minute int
}

var weekdays = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

// ParseWeekly reads "fri 16:00" (a day's first three letters or its whole
// English name, any case, and a 24-hour time).
func ParseWeekly(s string) (Weekly, error) {
	f := strings.Fields(strings.ToLower(s))
	bad := fmt.Errorf("%q is not a time of the week (write it like \"fri 16:00\")", s)
	if len(f) != 2 || len(f[0]) < 3 {
		return Weekly{}, bad
	}
	d, ok := weekdays[f[0][:3]]
	if !ok || !strings.HasPrefix(strings.ToLower(time.Weekday(d).String()), f[0]) {
		return Weekly{}, bad
	}
	t, err := time.Parse("15:04", f[1])
	if err != nil {
		return Weekly{}, bad
	}
	return Weekly{Day: d, Hour: t.Hour(), Minute: t.Minute()}, nil
}

// Next is the first time at or after now (in now's location) that w names.
func (w Weekly) Next(now time.Time) time.Time {
	t := time.Date(now.Year(), now.Month(), now.Day(), w.Hour, w.Minute, 0, 0, now.Location())
	t = t.AddDate(0, 0, (int(w.Day)-int(t.Weekday())+7)%7)
	if t.Before(now) {
		t = t.AddDate(0, 0, 7)
	}
	return t
}
