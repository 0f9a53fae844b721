// Package input reads what a person writes — on the command line, in the
// web UI's forms, in an assistant's tool call — into the store's filters
// and edits: state, scope and strength names, whole local days, follow-ups
// as days or times from now ("6w", "90d"). Each error names the field it
// is about (FieldError), so every edge says it in its own terms.
package input

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/evident-sync/evident/classify"
	"github.com/evident-sync/evident/connectors"
	"github.com/evident-sync/evident/pipeline/store"
)

// Filter is a filter as a person writes it, on the command line or in
// the web UI: a state name (or "all"), a scope, a source, and whole days.
type Filter struct {
	State, Scope, Source, Strength string
	Since, Until                   string // YYYY-MM-DD, local days; Until inclusive
}

// FieldError names the input field a parse failed on ("since", "scope"),
// so each edge can say it in its own terms (--since, a form field).
type FieldError struct {
	Field string
	Err   error
}

func (e *FieldError) Error() string { return e.Err.Error() }
func (e *FieldError) Unwrap() error { return e.Err }

// Parse checks the input and makes the Filter: dates are whole days in
// local time, Until inclusive.
func (in Filter) Parse() (store.Filter, error) {
	var f store.Filter
	if in.State != "" && in.State != "all" {
		st, err := store.ParseState(in.State)
		if err != nil {
			return f, &FieldError{"state", err}
		}
		f.States = []store.State{st}
	}
	if in.Scope != "" {
		sc, err := classify.ParseScope(in.Scope)
		if err != nil {
			return f, &FieldError{"scope", err}
		}
		f.Scope = sc
	}
	f.Source = in.Source
	if in.Strength != "" {
		st, err := classify.ParseStrength(in.Strength)
		if err != nil {
			return f, &FieldError{"strength", err}
		}
		f.Strength = st
	}
	var err error
	if f.Since, err = Day(in.Since); err != nil {
		return f, &FieldError{"since", err}
	}
	if f.Until, err = Day(in.Until); err != nil {
		return f, &FieldError{"until", err}
	}
	if !f.Until.IsZero() {
		f.Until = f.Until.AddDate(0, 0, 1)
	}
	if !f.Since.IsZero() && !f.Until.IsZero() && !f.Since.Before(f.Until) {
		return f, &FieldError{"period", fmt.Errorf("since %s is after until %s", in.Since, in.Until)}
	}
	return f, nil
}

// Kinds lists every item kind, as --kind takes them.
var Kinds = []connectors.Kind{connectors.KindReview, connectors.KindPR, connectors.KindRFC, connectors.KindJiraIssue, connectors.KindEntry}

// Kind reads an item kind.
func Kind(s string) (connectors.Kind, error) {
	for _, k := range Kinds {
		if string(k) == s {
			return k, nil
		}
	}
	return "", fmt.Errorf("unknown kind %q (want review, pr, rfc, jira_issue or entry)", s)
}

// Day reads a YYYY-MM-DD day as its start in local time; "" is the
// zero time.
func Day(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.ParseInLocation(time.DateOnly, s, time.Local)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date: write it as YYYY-MM-DD", s)
	}
	return t, nil
}

// Edit is an edit as a person writes it: nil leaves a field alone, ""
// removes the user's edit of it.
type Edit struct {
	Title, Note, Scope, Domain, Strength *string
	// FollowUp is a day (YYYY-MM-DD) or a time from Now ("6w", "90d");
	// "" removes it.
	FollowUp, Outcome      *string
	Criterion, NoCriterion []string
	Now                    time.Time
}

// Parse checks the scope and domain names and the follow-up and makes the
// Edit. Criterion IDs are the caller's to check against the config.
func (in Edit) Parse() (store.Edit, error) {
	e := store.Edit{Title: in.Title, Note: in.Note, Outcome: in.Outcome, AddCriteria: in.Criterion, RemoveCriteria: in.NoCriterion}
	if in.FollowUp != nil {
		day := ""
		if *in.FollowUp != "" {
			now := in.Now
			if now.IsZero() {
				now = time.Now()
			}
			var err error
			if day, err = FollowUp(*in.FollowUp, now); err != nil {
				return e, &FieldError{"follow-up", err}
			}
		}
		e.FollowUp = &day
	}
	for _, c := range in.Criterion {
		if slices.Contains(in.NoCriterion, c) {
			return e, &FieldError{"criterion", fmt.Errorf("criterion %q is both added and removed", c)}
		}
	}
	var err error
	if e.Scope, err = optional(in.Scope, "scope", classify.ParseScope); err != nil {
		return e, err
	}
	if e.Domain, err = optional(in.Domain, "domain", classify.ParseDomain); err != nil {
		return e, err
	}
	if e.Strength, err = optional(in.Strength, "strength", classify.ParseStrength); err != nil {
		return e, err
	}
	return e, nil
}

// optional reads an edited name: nil leaves the field alone (nil), ""
// removes the user's edit (the zero value), anything else must parse.
func optional[T ~string](s *string, field string, parse func(string) (T, error)) (*T, error) {
	if s == nil {
		return nil, nil
	}
	var v T
	if *s != "" {
		var err error
		if v, err = parse(*s); err != nil {
			return nil, &FieldError{field, err}
		}
	}
	return &v, nil
}

var followUpRE = regexp.MustCompile(`^(\d{1,4})([dw])$`)

// FollowUp reads a follow-up as a day (YYYY-MM-DD) or as days or
// weeks from now ("90d", "6w") and returns the day, in now's location.
func FollowUp(s string, now time.Time) (string, error) {
	if m := followUpRE.FindStringSubmatch(strings.ToLower(strings.TrimSpace(s))); m != nil {
		n, _ := strconv.Atoi(m[1])
		if m[2] == "w" {
			n *= 7
		}
		if n == 0 {
			return "", fmt.Errorf("a follow-up of %q is today: give a later day", s)
		}
		return now.AddDate(0, 0, n).Format(time.DateOnly), nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return "", fmt.Errorf("%q is neither a day (YYYY-MM-DD) nor a time from now like 6w or 90d", s)
	}
	return t.Format(time.DateOnly), nil
}
