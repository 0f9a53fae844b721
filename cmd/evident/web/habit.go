package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/evident-sync/evident/classify"
	"github.com/evident-sync/evident/pipeline"
	"github.com/evident-sync/evident/pipeline/input"
	"github.com/evident-sync/evident/pipeline/localapi"
	"github.com/evident-sync/evident/pipeline/report"
)

// apiAddEntry writes down work that left no trace (the page's "Add what
// left no trace" form), as evident add does.
func (s *Server) apiAddEntry(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Title, Date, Domain, Scope, Note, Outcome, Link, Strength, FollowUp string
		Teams                                                               []string
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&req); err != nil {
		localapi.WriteJSON(w, 400, map[string]string{"error": "malformed request"})
		return
	}
	in, err := s.entryInput(req.Title, req.Date, req.Domain, req.Scope, req.Strength, req.FollowUp)
	if err != nil {
		localapi.WriteJSON(w, 400, map[string]string{"error": err.Error()})
		return
	}
	in.Teams, in.Note, in.Outcome, in.Link = nonEmpty(req.Teams), req.Note, req.Outcome, req.Link
	it, err := pipeline.NewEntry(s.org, in)
	if err != nil {
		localapi.WriteJSON(w, 400, map[string]string{"error": err.Error()})
		return
	}
	it, err = s.o.Backend.Add(r.Context(), it)
	if err != nil {
		s.fail(w, err)
		return
	}
	localapi.WriteJSON(w, 200, it.View(s.criteria))
}

// entryInput reads the form's words as evident add reads its flags.
func (s *Server) entryInput(title, date, domain, scope, strength, followUp string) (pipeline.EntryInput, error) {
	in := pipeline.EntryInput{Title: title}
	now := s.o.Now()
	day, err := time.ParseInLocation(time.DateOnly, date, now.Location())
	if err != nil {
		return in, fmt.Errorf("the date %q is not a day (YYYY-MM-DD)", date)
	}
	if day.After(now) {
		return in, fmt.Errorf("the date %s is in the future: write down work once it is done", date)
	}
	in.Day = day.Add(12 * time.Hour)
	if domain != "" {
		if in.Domain, err = classify.ParseDomain(domain); err != nil {
			return in, err
		}
	}
	if scope != "" {
		if in.Scope, err = classify.ParseScope(scope); err != nil || in.Scope == classify.ScopeUnknown {
			return in, fmt.Errorf("unknown scope %q for an entry (want team, cross-team or org)", scope)
		}
	}
	if strength != "" {
		if in.Strength, err = classify.ParseStrength(strength); err != nil {
			return in, err
		}
	}
	if followUp != "" {
		if in.FollowUp, err = input.FollowUp(followUp, now); err != nil {
			return in, err
		}
	}
	return in, nil
}

func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

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
