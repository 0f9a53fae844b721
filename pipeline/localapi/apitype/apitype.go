// Package apitype is the wire of the daemon's local API: what its socket
// carries, with its own JSON names and plain Go types, so that neither the
// store's nor the engine's types can change the protocol by accident (as
// Tailscale's apitype does). It imports neither. Items travel in the
// store's record format (see localapi), not as these types.
package apitype

import "time"

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
	IDs    []string `json:"ids"`
	State  string   `json:"state"` // suggested, confirmed, dismissed
	Note   *string  `json:"note,omitempty"`
	Reason *string  `json:"reason,omitempty"`
	// FollowUp is the follow-up day (YYYY-MM-DD).
	FollowUp *string `json:"follow_up,omitempty"`
}

// EditRequest is POST /v1/edit. A nil field is left alone; "" removes the
// user's edit of it. Names are checked by the server.
type EditRequest struct {
	ID     string  `json:"id"`
	Title  *string `json:"title,omitempty"`
	Note   *string `json:"note,omitempty"`
	Scope  *string `json:"scope,omitempty"`
	Domain *string `json:"domain,omitempty"`
	// Strength is the user's strength.
	Strength *string `json:"strength,omitempty"`
	// FollowUp (YYYY-MM-DD or a time from now like "6w"; "" clears) and
	// Outcome; the criteria the user
	// adds or removes.
	FollowUp       *string  `json:"follow_up,omitempty"`
	Outcome        *string  `json:"outcome,omitempty"`
	AddCriteria    []string `json:"add_criteria,omitempty"`
	RemoveCriteria []string `json:"remove_criteria,omitempty"`
}

// EntryRequest is POST /v1/add from a page or a script: work that left no
// trace, in the words evident add takes. Date is YYYY-MM-DD; FollowUp a
// day or a time from now ("6w", "90d"); Teams by id, name or alias.
type EntryRequest struct {
	Title    string   `json:"title"`
	Date     string   `json:"date"`
	Domain   string   `json:"domain,omitempty"`
	Scope    string   `json:"scope,omitempty"`
	Strength string   `json:"strength,omitempty"`
	Note     string   `json:"note,omitempty"`
	Outcome  string   `json:"outcome,omitempty"`
	Link     string   `json:"link,omitempty"`
	FollowUp string   `json:"follow_up,omitempty"`
	Teams    []string `json:"teams,omitempty"`
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

// ForgetRequest is POST /v1/forget.
type ForgetRequest struct {
	Source string `json:"source"`
}

// ForgetResponse says how many items went.
type ForgetResponse struct {
	Items int `json:"items"`
}
