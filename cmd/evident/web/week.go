package web

import (
	"net/http"

	"github.com/evident-sync/evident/classify"
	"github.com/evident-sync/evident/pipeline/report"
)

// weekTop is how many of the week's suggestions the page shows as cards,
// as the digest lists them.
const weekTop = 10

type weekData struct {
	Digest     *report.Digest
	Words      string
	Prev, Next string
	Items      []row
	More       int
	FollowUps  []row
	Waiting    []row
	Unnoted    []row
	Gaps       []gapRow
	IsThisWeek bool
}

type gapRow struct {
	report.Gap
	Title       string
	Suggestions []row
}

// week is the "This week" page: the digest of an ISO week (?week=2026-W47,
// default this one) with the triage keys on its suggestions, an outcome
// field on each follow-up due, the week's cross-team numbers and the
// criteria still without evidence.
func (s *Server) week(w http.ResponseWriter, r *http.Request) {
	now := s.o.Now()
	p := report.ThisWeek(now)
	if q := r.URL.Query().Get("week"); q != "" {
		var err error
		if p, err = report.WeekPeriod(q, now.Location()); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
	}
	today := now.Format("2006-01-02")
	if end := p.Until.AddDate(0, 0, -1).Format("2006-01-02"); end < today {
		today = end
	}
	d, err := memoized(r.Context(), s, "week "+p.Label+" "+today, func() (*report.Digest, error) {
		return report.ReadDigest(r.Context(), s.o.Backend, report.DigestOptions{Week: p, Today: today, Criteria: s.criteria,
			Report: report.Options{TeamName: s.org.TeamName, Home: s.o.Config.Me.Teams}})
	})
	if err != nil {
		s.fail(w, err)
		return
	}
	data := weekData{Digest: d, Words: d.Since + " to " + d.Until, IsThisWeek: p.Label == report.WeekOf(now),
		Prev: report.WeekOf(p.Since.AddDate(0, 0, -7)), Next: report.WeekOf(p.Since.AddDate(0, 0, 7))}
	// The few items the page shows as cards, read one by one.
	rowOf := func(id string) (row, bool) {
		it, err := s.o.Backend.Get(r.Context(), id)
		return toRow(&it), err == nil
	}
	for i, v := range d.Items {
		if i == weekTop {
			data.More = len(d.Items) - weekTop
			break
		}
		if rw, ok := rowOf(v.ID); ok {
			data.Items = append(data.Items, rw)
		}
	}
	s.withRelated(r.Context(), data.Items)
	for _, v := range d.FollowUps {
		if fr, ok := rowOf(v.ID); ok {
			fr.FollowUp = v.FollowUp
			data.FollowUps = append(data.FollowUps, fr)
		}
	}
	for _, v := range d.Waiting {
		if rw, ok := rowOf(v.ID); ok {
			data.Waiting = append(data.Waiting, rw)
		}
	}
	for _, v := range d.Unnoted {
		if rw, ok := rowOf(v.ID); ok {
			data.Unnoted = append(data.Unnoted, rw)
		}
	}
	for _, g := range d.Gaps {
		gr := gapRow{Gap: g, Title: classify.Domain(g.Domain).Title()}
		for i := range g.Suggested {
			gr.Suggestions = append(gr.Suggestions, toRow(&g.Suggested[i]))
		}
		data.Gaps = append(data.Gaps, gr)
	}
	s.render(w, r, "week", "This week", data)
}
