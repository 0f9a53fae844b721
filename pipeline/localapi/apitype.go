package localapi

import (
	"errors"
	"time"

	"github.com/evident-sync/evident/pipeline"
	"github.com/evident-sync/evident/pipeline/input"
	"github.com/evident-sync/evident/pipeline/localapi/apitype"
	"github.com/evident-sync/evident/pipeline/store"
)

// Between the wire (apitype) and the store's and the engine's types.

func editRequestOf(id string, e store.Edit) apitype.EditRequest {
	return apitype.EditRequest{ID: id, Title: e.Title, Note: e.Note, Scope: strOf(e.Scope), Domain: strOf(e.Domain), Strength: strOf(e.Strength),
		FollowUp: e.FollowUp, Outcome: e.Outcome, AddCriteria: e.AddCriteria, RemoveCriteria: e.RemoveCriteria}
}

// editOf reads an edit as it came over the wire, by the rules people's
// edits are read by everywhere (input.Edit): names checked, a follow-up a
// day or a time from now.
func editOf(r apitype.EditRequest, now time.Time) (store.Edit, error) {
	return input.Edit{Title: r.Title, Note: r.Note, Scope: r.Scope, Domain: r.Domain, Strength: r.Strength,
		FollowUp: r.FollowUp, Outcome: r.Outcome, Criterion: r.AddCriteria, NoCriterion: r.RemoveCriteria, Now: now}.Parse()
}

// strOf carries an optional name across the wire as a string.
func strOf[T ~string](v *T) *string {
	if v == nil {
		return nil
	}
	s := string(*v)
	return &s
}

func syncResultOf(r pipeline.Result) apitype.SyncResult {
	s := r.Stats
	out := apitype.SyncResult{Source: s.Source, Pages: s.Pages, Fetched: s.Fetched, New: s.New, Updated: s.Updated, Unchanged: s.Unchanged,
		Requests: s.Requests, RateLimitRemaining: s.RateLimitRemaining, Problems: s.Problems, Skipped: s.Skipped, Progress: s.Progress}
	if r.Err != nil {
		out.Error = r.Err.Error()
	}
	return out
}

// resultOf is a pass as the pipeline reports it; its error keeps only the
// words the daemon sent.
func resultOf(r apitype.SyncResult) pipeline.Result {
	out := pipeline.Result{Stats: pipeline.Stats{Source: r.Source, Pages: r.Pages, Fetched: r.Fetched, New: r.New, Updated: r.Updated, Unchanged: r.Unchanged,
		Requests: r.Requests, RateLimitRemaining: r.RateLimitRemaining, Problems: r.Problems, Skipped: r.Skipped, Progress: r.Progress}}
	if r.Error != "" {
		out.Err = errors.New(r.Error)
	}
	return out
}

func sourceStateOf(s store.SourceState) apitype.SourceState {
	return apitype.SourceState{Name: s.Name, Type: s.Type, LastAttempt: s.LastAttempt, LastSuccess: s.LastSuccess, LastError: s.LastError,
		NextRun: s.NextRun, RateLimitRemaining: s.RateLimitRemaining, Requests: s.Requests, AuthFailed: s.AuthFailed,
		Backfill: s.Backfill, BackfilledTo: s.BackfilledTo, BackfillProgress: s.BackfillProgress, SkippedCount: s.SkippedCount, Skipped: s.Skipped}
}

func storeStateOf(s apitype.SourceState) store.SourceState {
	return store.SourceState{Name: s.Name, Type: s.Type, LastAttempt: s.LastAttempt, LastSuccess: s.LastSuccess, LastError: s.LastError,
		NextRun: s.NextRun, RateLimitRemaining: s.RateLimitRemaining, Requests: s.Requests, AuthFailed: s.AuthFailed,
		Backfill: s.Backfill, BackfilledTo: s.BackfilledTo, BackfillProgress: s.BackfillProgress, SkippedCount: s.SkippedCount, Skipped: s.Skipped}
}
