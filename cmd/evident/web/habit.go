package web

import (
	"net/http"
	"time"

	"github.com/evident-sync/evident/classify"
	"github.com/evident-sync/evident/pipeline/report"
)

// quarterData is the Quarter page: the self-review of a period.
type quarterData struct {
	R          *report.Review
	Domains    []quarterDomain
	Criteria   []quarterCriterion
	Unnoted    []row
	Due        []row
	Thin       []string
	Prev, Next string
}

type quarterDomain struct {
	report.DomainReview
	Title string
}

type quarterCriterion struct {
	report.CriterionRow
	Fill []row
}

// quarter is the quarterly self-review (?period=2026-Q4, default this
// quarter), as evident review prints it.
func (s *Server) quarter(w http.ResponseWriter, r *http.Request) {
	now := s.o.Now()
	p := report.QuarterOf(now)
	if q := r.URL.Query().Get("period"); q != "" {
		var err error
		if p, err = report.ParsePeriod(q, now.Location()); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
	}
	rv, err := report.ReadReview(r.Context(), s.o.Backend, report.ReviewOptions{Period: p, Today: now.Format(time.DateOnly), Criteria: s.criteria})
	if err != nil {
		s.fail(w, err)
		return
	}
	d := quarterData{R: rv, Prev: p.Previous().Label, Next: report.QuarterOf(p.Until).Label}
	if p.Label != "" && len(p.Label) != 7 { // a year or a half: step by the same length
		d.Next = ""
	}
	for _, dr := range rv.Domains {
		d.Domains = append(d.Domains, quarterDomain{dr, classify.Domain(dr.Domain).Title()})
	}
	rowOf := func(id string) (row, bool) {
		it, err := s.o.Backend.Get(r.Context(), id)
		return toRow(&it), err == nil
	}
	for _, c := range rv.Criteria {
		qc := quarterCriterion{CriterionRow: c}
		for _, id := range c.Suggestions {
			if rw, ok := rowOf(id); ok {
				qc.Fill = append(qc.Fill, rw)
			}
		}
		d.Criteria = append(d.Criteria, qc)
	}
	for _, v := range rv.Unnoted {
		if rw, ok := rowOf(v.ID); ok {
			d.Unnoted = append(d.Unnoted, rw)
		}
	}
	for _, v := range rv.OutcomesDue {
		if rw, ok := rowOf(v.ID); ok {
			d.Due = append(d.Due, rw)
		}
	}
	for _, t := range rv.Thin {
		d.Thin = append(d.Thin, classify.Domain(t).Title())
	}
	s.render(w, r, "quarter", "Quarter", d)
}
