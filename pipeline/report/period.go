package report

import (
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// Period is a stretch of days: Since inclusive, Until exclusive (local
// midnights); a zero bound is open. Label names it ("2026-Q3") when it is a
// named period.
type Period struct {
	Since, Until time.Time
	Label        string
}

var periodRE = regexp.MustCompile(`^(\d{4})(?:-(Q[1-4]|H[12]))?$`)

// ParsePeriod reads 2026, 2026-H2 or 2026-Q3 as local days.
func ParsePeriod(s string, loc *time.Location) (Period, error) {
	m := periodRE.FindStringSubmatch(s)
	if m == nil {
		return Period{}, fmt.Errorf("%q is not a period (write it as 2026, 2026-H2 or 2026-Q3)", s)
	}
	y, _ := strconv.Atoi(m[1])
	start, months := time.January, 12
	switch p := m[2]; {
	case p == "":
	case p[0] == 'H':
		start, months = time.Month(1+6*int(p[1]-'1')), 6
	default:
		start, months = time.Month(1+3*int(p[1]-'1')), 3
	}
	since := time.Date(y, start, 1, 0, 0, 0, 0, loc)
	return Period{Since: since, Until: since.AddDate(0, months, 0), Label: s}, nil
}

// Bounded reports whether both ends are set.
func (p Period) Bounded() bool { return !p.Since.IsZero() && !p.Until.IsZero() }

// Contains reports whether t falls in the period.
func (p Period) Contains(t time.Time) bool {
	return (p.Since.IsZero() || !t.Before(p.Since)) && (p.Until.IsZero() || t.Before(p.Until))
}

// Previous is the period of the same length just before p: the previous
// quarter, half or year for a named one, else as many days. It is the zero
// Period when p is not bounded.
func (p Period) Previous() Period {
	if !p.Bounded() {
		return Period{}
	}
	if p.Label != "" {
		months := (p.Until.Year()-p.Since.Year())*12 + int(p.Until.Month()-p.Since.Month())
		prev := Period{Since: p.Since.AddDate(0, -months, 0), Until: p.Since}
		y := prev.Since.Year()
		switch months {
		case 12:
			prev.Label = strconv.Itoa(y)
		case 6:
			prev.Label = fmt.Sprintf("%d-H%d", y, 1+int(prev.Since.Month()-1)/6)
		case 3:
			prev.Label = fmt.Sprintf("%d-Q%d", y, 1+int(prev.Since.Month()-1)/3)
		}
		return prev
	}
	days := int(p.Until.Sub(p.Since).Hours()/24 + 0.5)
	return Period{Since: p.Since.AddDate(0, 0, -days), Until: p.Since}
}

// Words names the period for a heading: "2026-Q3 (2026-07-01 to
// 2026-09-30)", "since 2026-01-01", "all stored work".
func (p Period) Words() string {
	last := func(t time.Time) string { return t.AddDate(0, 0, -1).Format(time.DateOnly) }
	var s string
	switch {
	case p.Bounded():
		s = fmt.Sprintf("%s to %s", p.Since.Format(time.DateOnly), last(p.Until))
	case !p.Since.IsZero():
		s = "since " + p.Since.Format(time.DateOnly)
	case !p.Until.IsZero():
		s = "until " + last(p.Until)
	default:
		return "all stored work"
	}
	if p.Label != "" {
		return fmt.Sprintf("%s (%s)", p.Label, s)
	}
	return s
}

// WeekPeriod is the ISO week "2026-W47" in loc: Monday to Monday.
func WeekPeriod(week string, loc *time.Location) (Period, error) {
	var y, w int
	if _, err := fmt.Sscanf(week, "%4d-W%2d", &y, &w); err != nil || len(week) != 8 || w < 1 || w > 53 {
		return Period{}, fmt.Errorf("%q is not an ISO week (write it as 2026-W47)", week)
	}
	jan4 := time.Date(y, time.January, 4, 0, 0, 0, 0, loc)
	monday := jan4.AddDate(0, 0, -((int(jan4.Weekday())+6)%7)+7*(w-1))
	if yy, ww := monday.ISOWeek(); yy != y || ww != w {
		return Period{}, fmt.Errorf("%d has no week %d", y, w)
	}
	return Period{Since: monday, Until: monday.AddDate(0, 0, 7), Label: week}, nil
}

// WeekOf names t's ISO week in t's location: 2026-W47.
func WeekOf(t time.Time) string {
	y, w := t.ISOWeek()
	return fmt.Sprintf("%d-W%02d", y, w)
}
