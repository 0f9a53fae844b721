// Package report builds the cross-team report: the review and RFC work the
// user did for other teams, by team and by week. It is pure: items in,
// figures out.
package report

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/evident-sync/evident/classify"
	"github.com/evident-sync/evident/connectors"
	"github.com/evident-sync/evident/pipeline/store"
)

// Report is the cross-team report for a period.
type Report struct {
	Since    *string `json:"since"`
	Until    *string `json:"until"`
	Headline string  `json:"headline"`
	// ReviewsTotal counts every PR the user reviewed in the period;
	// ReviewsCrossTeam those for other teams.
	ReviewsTotal     int       `json:"reviews_total"`
	ReviewsCrossTeam int       `json:"reviews_cross_team"`
	ShareOutside     float64   `json:"share_outside"` // 0..1
	OtherTeams       int       `json:"other_teams"`
	Teams            []TeamRow `json:"teams"`
	Weeks            []WeekRow `json:"weeks"`
}

// TeamRow is the work done for one other team.
type TeamRow struct {
	Team             string `json:"team"`
	Name             string `json:"name"`
	PRsReviewed      int    `json:"prs_reviewed"`
	ReviewRounds     int    `json:"review_rounds"`
	Comments         int    `json:"comments"`
	Approvals        int    `json:"approvals"`
	ChangesRequested int    `json:"changes_requested"`
	RFCsReviewed     int    `json:"rfcs_reviewed"`
	// Entries counts the work the user wrote down (evident add) that
	// names this team.
	Entries     int `json:"entries"`
	WeeksActive int `json:"weeks_active"`
}

// WeekRow is one ISO week: PRs and RFCs worked on per other team.
type WeekRow struct {
	Week  string         `json:"week"`  // 2026-W10
	Start string         `json:"start"` // the week's Monday, YYYY-MM-DD
	Teams map[string]int `json:"teams"`
	Total int            `json:"total"`
}

// Options say what the report covers.
type Options struct {
	Since, Until time.Time // Until exclusive; zero: unbounded
	// TeamName gives a team id's display name.
	TeamName func(id string) string
	// Home names the user's home teams, for the headline.
	Home []string
}

// Scanner is where the report reads items: the store, or the daemon's
// client while the daemon owns it.
type Scanner interface {
	Scan(ctx context.Context, f store.Filter, fn func(*store.Item) error) error
}

// CrossTeam reads the review and RFC work the report counts (suggested and
// confirmed items) and builds the report.
// The items stream through the builder: none is kept, so memory does not
// grow with the store.
func CrossTeam(ctx context.Context, s Scanner, o Options) (*Report, error) {
	b := newBuilder(o)
	err := s.Scan(ctx, store.Filter{States: []store.State{store.Suggested, store.Confirmed}}, func(it *store.Item) error {
		if k := it.Artifact.Kind; k == connectors.KindReview || k == connectors.KindRFC || k == connectors.KindEntry {
			b.add(it)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return b.finish(), nil
}

// Build makes the report from every item (dismissed items are left out).
func Build(items []store.Item, o Options) *Report {
	b := newBuilder(o)
	for i := range items {
		b.add(&items[i])
	}
	return b.finish()
}

func newBuilder(o Options) *builder {
	if o.TeamName == nil {
		o.TeamName = func(id string) string { return id }
	}
	return &builder{o: o, r: &Report{Since: store.RFC3339(o.Since), Until: store.RFC3339(o.Until), Teams: []TeamRow{}, Weeks: []WeekRow{}},
		rows: map[string]*TeamRow{}, weeksByTeam: map[string]map[string]bool{}, weeks: map[string]*WeekRow{}}
}

// weekOf is an ISO week (in UTC): its key and its Monday.
type weekOf struct {
	key   string
	start time.Time
}

// weekOf is t's week, worked out once per week seen: a report of thirty
// years dates hundreds of thousands of rounds.
func (b *builder) weekOf(t time.Time) weekOf {
	// 1970-01-01 was a Thursday: day d since then is in week (d+3)/7,
	// counting from Monday 1969-12-29.
	n := t.Unix()/86400 + 3
	if t.Unix() < 0 && t.Unix()%86400 != 0 {
		n-- // floor, for days before 1970
	}
	idx := n / 7
	if n < 0 && n%7 != 0 {
		idx--
	}
	if wk, ok := b.weekCache[idx]; ok {
		return wk
	}
	k, start := isoWeek(t)
	wk := weekOf{k, start}
	if b.weekCache == nil {
		b.weekCache = map[int64]weekOf{}
	}
	b.weekCache[idx] = wk
	return wk
}

// intern is the builder's own copy of a team id: an item's strings share
// its whole record's memory, and the report keeps team ids as keys for
// every week, which would keep tens of thousands of records alive.
func (b *builder) intern(s string) string {
	if v, ok := b.names[s]; ok {
		return v
	}
	v := strings.Clone(s)
	if b.names == nil {
		b.names = map[string]string{}
	}
	b.names[v] = v
	return v
}

// builder accumulates the report item by item.
type builder struct {
	names       map[string]string
	weekCache   map[int64]weekOf
	o           Options
	r           *Report
	rows        map[string]*TeamRow
	weeksByTeam map[string]map[string]bool
	weeks       map[string]*WeekRow
}

func (b *builder) in(t time.Time) bool {
	return (b.o.Since.IsZero() || !t.Before(b.o.Since)) && (b.o.Until.IsZero() || t.Before(b.o.Until))
}

// add counts one item: a review, or feedback on someone else's RFC, dated
// by its rounds (each in its own week) within the period.
func (b *builder) add(it *store.Item) {
	if it.State == store.Dismissed {
		return
	}
	a := &it.Artifact
	review, entry := a.Kind == connectors.KindReview, a.Kind == connectors.KindEntry
	if !review && !entry && !(a.Kind == connectors.KindRFC && !a.HasRole(connectors.RoleAuthor)) {
		return
	}
	var dates []time.Time
	for _, rd := range a.Activity.Rounds {
		if !rd.At.IsZero() && b.in(rd.At) {
			dates = append(dates, rd.At)
		}
	}
	if len(a.Activity.Rounds) == 0 && b.in(a.OccurredAt) {
		dates = append(dates, a.OccurredAt)
	}
	if len(dates) == 0 {
		return
	}
	foreign := it.Scope() == classify.ScopeCrossTeam || it.Scope() == classify.ScopeOrg
	if review {
		b.r.ReviewsTotal++
		if foreign && it.ForTeam() != "" {
			b.r.ReviewsCrossTeam++
		}
	}
	if !foreign {
		return
	}
	// The item's weeks, each once (an item has a handful of rounds).
	var itemWeeks []weekOf
	for _, d := range dates {
		if wk := b.weekOf(d); !slices.Contains(itemWeeks, wk) {
			itemWeeks = append(itemWeeks, wk)
		}
	}
	team := it.ForTeam()
	if team == "" {
		return
	}
	// Each review counts for one team (store.Item.ForTeam), so the rows add
	// up to the cross-team total; the item's teams still list every team.
	team = b.intern(team)
	row := b.row(team)
	switch {
	case review:
		b.countReview(row, a)
	case entry:
		row.Entries++
	default:
		row.RFCsReviewed++
	}
	for _, wk := range itemWeeks {
		k := wk.key
		b.weeksByTeam[team][k] = true
		w := b.weeks[k]
		if w == nil {
			w = &WeekRow{Week: k, Start: wk.start.Format(time.DateOnly), Teams: map[string]int{}}
			b.weeks[k] = w
		}
		w.Teams[team]++
		w.Total++
	}
}

func (b *builder) row(team string) *TeamRow {
	row := b.rows[team]
	if row == nil {
		row = &TeamRow{Team: team, Name: b.o.TeamName(team)}
		b.rows[team] = row
		b.weeksByTeam[team] = map[string]bool{}
	}
	return row
}

// countReview adds a review's rounds within the period and its comments.
func (b *builder) countReview(row *TeamRow, a *connectors.Artifact) {
	row.PRsReviewed++
	for _, rd := range a.Activity.Rounds {
		if rd.At.IsZero() || !b.in(rd.At) {
			continue
		}
		switch rd.State {
		case "APPROVED":
			row.Approvals++
			row.ReviewRounds++
		case "CHANGES_REQUESTED":
			row.ChangesRequested++
			row.ReviewRounds++
		case "COMMENTED", "DISMISSED":
			row.ReviewRounds++
		}
	}
	row.Comments += a.Activity.Comments
}

// finish orders the teams (most work first) and the weeks (quiet ones
// filled in), and writes the headline.
func (b *builder) finish() *Report {
	r := b.r
	for team, row := range b.rows {
		row.WeeksActive = len(b.weeksByTeam[team])
		r.Teams = append(r.Teams, *row)
	}
	sort.Slice(r.Teams, func(i, j int) bool {
		x, y := r.Teams[i], r.Teams[j]
		if nx, ny := x.PRsReviewed+x.RFCsReviewed+x.Entries, y.PRsReviewed+y.RFCsReviewed+y.Entries; nx != ny {
			return nx > ny
		}
		return x.Team < y.Team
	})
	for _, w := range b.weeks {
		r.Weeks = append(r.Weeks, *w)
	}
	sort.Slice(r.Weeks, func(i, j int) bool { return r.Weeks[i].Start < r.Weeks[j].Start })
	r.Weeks = fillGaps(r.Weeks, b.o.Since, b.o.Until)
	r.OtherTeams = len(r.Teams)
	if r.ReviewsTotal > 0 {
		r.ShareOutside = float64(r.ReviewsCrossTeam) / float64(r.ReviewsTotal)
	}
	r.Headline = headline(r, b.o)
	return r
}

func headline(r *Report, o Options) string {
	last := func(t time.Time) string { return t.Add(-time.Nanosecond).Format(time.DateOnly) }
	var period string
	switch {
	case !o.Since.IsZero() && !o.Until.IsZero():
		period = fmt.Sprintf("From %s to %s", o.Since.Format(time.DateOnly), last(o.Until))
	case !o.Since.IsZero():
		period = "Since " + o.Since.Format(time.DateOnly)
	case !o.Until.IsZero():
		period = "Until " + last(o.Until)
	case len(r.Weeks) > 0:
		period = fmt.Sprintf("In all your stored work (weeks %s to %s)", r.Weeks[0].Week, r.Weeks[len(r.Weeks)-1].Week)
	default:
		period = "In all your stored work"
	}
	rfcs, entries := 0, 0
	for _, t := range r.Teams {
		rfcs += t.RFCsReviewed
		entries += t.Entries
	}
	if r.ReviewsCrossTeam == 0 && rfcs == 0 && entries == 0 {
		s := period + ", there is no review or RFC work for other teams yet"
		if r.ReviewsTotal > 0 {
			s += fmt.Sprintf("; all %s you reviewed were your own team's", plural(r.ReviewsTotal, "PR"))
		}
		return s + "."
	}
	// One count of teams, the JSON's other_teams: every team the work
	// named, whatever its kind.
	var parts []string
	if r.ReviewsCrossTeam > 0 {
		parts = append(parts, "reviewed "+plural(r.ReviewsCrossTeam, "PR"))
	}
	if rfcs > 0 {
		parts = append(parts, "gave feedback on "+plural(rfcs, "RFC"))
	}
	if entries > 0 {
		parts = append(parts, "wrote down "+plural(entries, "piece of work"))
	}
	parts[len(parts)-1] += " for " + plural(r.OtherTeams, "other team")
	s := period + ", you " + strings.Join(parts, " and ")
	if r.ReviewsTotal > 0 {
		var home []string
		for _, h := range o.Home {
			home = append(home, o.TeamName(h))
		}
		outside := "your teams"
		if len(home) > 0 {
			outside = strings.Join(home, " and ")
		}
		verb := "were"
		if r.ReviewsTotal == 1 {
			verb = "was"
		}
		s += fmt.Sprintf("; %.0f%% of your %s %s outside %s", 100*r.ShareOutside, plural(r.ReviewsTotal, "review"), verb, outside)
	}
	return s + "."
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	if w, rest, ok := strings.Cut(noun, " of "); ok {
		return fmt.Sprintf("%d %ss of %s", n, w, rest) // "2 pieces of work"
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// isoWeek names the ISO week of t and gives its Monday.
func isoWeek(t time.Time) (string, time.Time) {
	t = t.UTC()
	y, w := t.ISOWeek()
	wd := (int(t.Weekday()) + 6) % 7
	monday := time.Date(t.Year(), t.Month(), t.Day()-wd, 0, 0, 0, 0, time.UTC)
	return fmt.Sprintf("%d-W%02d", y, w), monday
}

// TeamOrder lists the report's teams, biggest first, for stacking.
func (r *Report) TeamOrder() []string {
	var out []string
	for _, t := range r.Teams {
		out = append(out, t.Team)
	}
	return slices.Clip(out)
}

// fillGaps adds the quiet weeks, so the weeks read as a time line: from
// the period's first week (else the first with work) to its last (else the
// last with work).
func fillGaps(ws []WeekRow, since, until time.Time) []WeekRow {
	var start, end time.Time
	if len(ws) > 0 {
		start, _ = time.Parse(time.DateOnly, ws[0].Start)
		end, _ = time.Parse(time.DateOnly, ws[len(ws)-1].Start)
	}
	if !since.IsZero() {
		_, start = isoWeek(since)
	}
	if !until.IsZero() {
		_, end = isoWeek(until.Add(-time.Nanosecond))
	}
	if start.IsZero() || end.Before(start) || end.Sub(start) > 60*366*24*time.Hour {
		return ws
	}
	var out []WeekRow
	i := 0
	for i < len(ws) && ws[i].Start < start.Format(time.DateOnly) {
		out = append(out, ws[i]) // before the period: cannot happen, kept
		i++
	}
	for d := start; !d.After(end); d = d.AddDate(0, 0, 7) {
		if i < len(ws) && ws[i].Start == d.Format(time.DateOnly) {
			out = append(out, ws[i])
			i++
			continue
		}
		k, _ := isoWeek(d)
		out = append(out, WeekRow{Week: k, Start: d.Format(time.DateOnly), Teams: map[string]int{}})
	}
	return append(out, ws[i:]...)
}
