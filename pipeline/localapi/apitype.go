package localapi

import (
	"time"

	"github.com/evident-sync/evident/classify"
	"github.com/evident-sync/evident/pipeline"
	"github.com/evident-sync/evident/pipeline/store"
)

// The wire: what the daemon's socket carries, with its own JSON names, so
// a domain type can change without changing the protocol (as Tailscale's
// apitype does). Items travel as store.Item, whose JSON names are fixed.

// ErrorResponse is the body of every failed call.
type ErrorResponse struct {
	Error   string   `json:"error"`
	Kind    string   `json:"kind"` // not_found, ambiguous, too_short, bad_request, runtime
	Matches []string `json:"matches,omitempty"`
	Ref     string   `json:"ref,omitempty"`
}

// PingResponse answers GET /v1/ping.
type PingResponse struct {
	Daemon bool `json:"daemon"`
}

// ResolveResponse answers GET /v1/resolve.
type ResolveResponse struct {
	ID string `json:"id"`
}

// DecideRequest is POST /v1/decide.
type DecideRequest struct {
	IDs    []string    `json:"ids"`
	State  store.State `json:"state"`
	Note   *string     `json:"note,omitempty"`
	Reason *string     `json:"reason,omitempty"`
	// FollowUp is the follow-up day (YYYY-MM-DD).
	FollowUp *string `json:"follow_up,omitempty"`
}

// EditRequest is POST /v1/edit.
type EditRequest struct {
	ID     string           `json:"id"`
	Title  *string          `json:"title,omitempty"`
	Note   *string          `json:"note,omitempty"`
	Scope  *classify.Scope  `json:"scope,omitempty"`
	Domain *classify.Domain `json:"domain,omitempty"`
	// Strength is the user's strength.
	Strength *classify.Strength `json:"strength,omitempty"`
	// FollowUp (YYYY-MM-DD, "" clears) and Outcome; the criteria the user
	// adds or removes.
	FollowUp       *string  `json:"follow_up,omitempty"`
	Outcome        *string  `json:"outcome,omitempty"`
	AddCriteria    []string `json:"add_criteria,omitempty"`
	RemoveCriteria []string `json:"remove_criteria,omitempty"`
}

func editRequestOf(id string, e store.Edit) EditRequest {
	return EditRequest{ID: id, Title: e.Title, Note: e.Note, Scope: e.Scope, Domain: e.Domain, Strength: e.Strength,
		FollowUp: e.FollowUp, Outcome: e.Outcome, AddCriteria: e.AddCriteria, RemoveCriteria: e.RemoveCriteria}
}

func (r EditRequest) edit() store.Edit {
	return store.Edit{Title: r.Title, Note: r.Note, Scope: r.Scope, Domain: r.Domain, Strength: r.Strength,
		FollowUp: r.FollowUp, Outcome: r.Outcome, AddCriteria: r.AddCriteria, RemoveCriteria: r.RemoveCriteria}
}

// SyncRequest is POST /v1/sync: the sources to run now (all when none).
type SyncRequest struct {
	Sources []string `json:"sources"`
}

// SyncResult is one source's pass.
type SyncResult struct {
	Source             string   `json:"source"`
	Pages              int      `json:"pages"`
	Fetched            int      `json:"fetched"`
	New                int      `json:"new"`
	Updated            int      `json:"updated"`
	Unchanged          int      `json:"unchanged"`
	Requests           int      `json:"requests"`
	RateLimitRemaining int      `json:"rate_limit_remaining"` // -1: none reported
	Problems           []string `json:"problems,omitempty"`
	Skipped            []string `json:"skipped,omitempty"`
	Progress           float64  `json:"progress"`
	Error              string   `json:"error,omitempty"`
}

func syncResultOf(r pipeline.Result) SyncResult {
	s := r.Stats
	out := SyncResult{Source: s.Source, Pages: s.Pages, Fetched: s.Fetched, New: s.New, Updated: s.Updated, Unchanged: s.Unchanged,
		Requests: s.Requests, RateLimitRemaining: s.RateLimitRemaining, Problems: s.Problems, Skipped: s.Skipped, Progress: s.Progress}
	if r.Err != nil {
		out.Error = r.Err.Error()
	}
	return out
}

// Stats is the pass as the pipeline counts it.
func (r SyncResult) Stats() pipeline.Stats {
	return pipeline.Stats{Source: r.Source, Pages: r.Pages, Fetched: r.Fetched, New: r.New, Updated: r.Updated, Unchanged: r.Unchanged,
		Requests: r.Requests, RateLimitRemaining: r.RateLimitRemaining, Problems: r.Problems, Skipped: r.Skipped, Progress: r.Progress}
}

// SourceState is one source's state, with the daemon's next run.
type SourceState struct {
	Name               string    `json:"name"`
	Type               string    `json:"type"`
	LastAttempt        time.Time `json:"last_attempt,omitzero"`
	LastSuccess        time.Time `json:"last_success,omitzero"`
	LastError          string    `json:"last_error"`
	NextRun            time.Time `json:"next_run,omitzero"`
	RateLimitRemaining *int      `json:"rate_limit_remaining"`
	Requests           int64     `json:"requests"`
	AuthFailed         bool      `json:"auth_failed,omitempty"`
	Backfill           bool      `json:"backfill,omitempty"`
	BackfilledTo       time.Time `json:"backfilled_to,omitzero"`
	BackfillProgress   float64   `json:"backfill_progress,omitempty"`
	SkippedCount       int       `json:"skipped_count,omitempty"`
	Skipped            []string  `json:"skipped,omitempty"`
}

func sourceStateOf(s store.SourceState) SourceState {
	return SourceState{Name: s.Name, Type: s.Type, LastAttempt: s.LastAttempt, LastSuccess: s.LastSuccess, LastError: s.LastError,
		NextRun: s.NextRun, RateLimitRemaining: s.RateLimitRemaining, Requests: s.Requests, AuthFailed: s.AuthFailed,
		Backfill: s.Backfill, BackfilledTo: s.BackfilledTo, BackfillProgress: s.BackfillProgress, SkippedCount: s.SkippedCount, Skipped: s.Skipped}
}

func (s SourceState) store() store.SourceState {
	return store.SourceState{Name: s.Name, Type: s.Type, LastAttempt: s.LastAttempt, LastSuccess: s.LastSuccess, LastError: s.LastError,
		NextRun: s.NextRun, RateLimitRemaining: s.RateLimitRemaining, Requests: s.Requests, AuthFailed: s.AuthFailed,
		Backfill: s.Backfill, BackfilledTo: s.BackfilledTo, BackfillProgress: s.BackfillProgress, SkippedCount: s.SkippedCount, Skipped: s.Skipped}
}

// ForgetRequest is POST /v1/forget.
type ForgetRequest struct {
	Source string `json:"source"`
}

// ForgetResponse says how many items went.
type ForgetResponse struct {
	Items int `json:"items"`
}
