package connectors

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Cursor is a connector's own record of how far it has read: a versioned,
// opaque blob the pipeline stores in the same transaction as the artifacts
// it covers and hands back on the next Fetch. A nil cursor means "from the
// start" (the source's configured since date).
type Cursor []byte

// Page is what one Fetch returns: artifacts and the cursor that covers them.
type Page struct {
	Artifacts []Artifact
	// Cursor is the position after this page. The pipeline commits it with
	// Artifacts atomically and passes it to the next Fetch.
	Cursor Cursor
	// More reports whether another Fetch would return more of this pass
	// (an unfinished backfill). When false the source is caught up.
	More bool
	// Requests is how many API requests this page cost.
	Requests int
	// RateLimitRemaining is the last rate-limit budget the source reported,
	// or -1 when it reports none.
	RateLimitRemaining int
	// Progress estimates how far the pass is, from 0 to 1, or -1 when the
	// connector cannot tell.
	Progress float64
	// Problems are per-item troubles (a malformed document, an unparseable
	// field) that did not stop the page. Each is one sentence.
	Problems []string
	// Marks are per-item state a MarkedConnector keeps beside its cursor (a
	// document's fingerprint), by key; a nil value removes the mark. The
	// pipeline commits them with the page and its cursor, atomically.
	Marks map[string][]byte
	// Backfill is how far a newest-first backfill has reached, for status;
	// nil when the source does not say.
	Backfill *Backfill
	// Skipped, set on the last page of a pass, lists every item the source
	// now skips, each one sentence with its reason (a file of a documents
	// folder that is not a document); nil when the source does not say.
	Skipped []string
}

// Backfill is a newest-first backfill's backward frontier: everything
// since To has been read (zero To: the backfill is complete), which is
// Progress (0..1) of the way back to the source's since date.
type Backfill struct {
	To       time.Time
	Progress float64
}

// Marks are the marks a source committed so far.
type Marks interface {
	// EachMark calls fn with every mark of the source, in key order,
	// until fn returns an error.
	EachMark(ctx context.Context, fn func(key string, value []byte) error) error
}

// A MarkedConnector keeps per-item state as marks instead of inside its
// cursor, so that a page's cost does not grow with the size of the source:
// the cursor says where a pass is, and the marks what each item looked like
// when it was last read. The pipeline calls FetchMarked instead of Fetch,
// with the source's committed marks.
type MarkedConnector interface {
	Connector
	FetchMarked(ctx context.Context, cursor Cursor, marks Marks) (Page, error)
}

// Connector reads one configured source.
//
// Fetch returns the next page of the user's artifacts after cursor. It may
// block on the network and must return promptly when ctx is done. It starts
// no goroutines and depends on no state between calls beyond what cursor
// (and, for a MarkedConnector, its marks) holds, so a crash between two
// calls loses at most the page in flight; what it keeps in memory to save
// work (a pass's listing) it uses only while the cursor it gets is the one
// it returned last. An error
// ends the pass; the pipeline retries later from the last committed cursor.
// A Page returned with an error and a non-nil Cursor holds what was read
// before the failure: it is committed first, so the retry resumes after it.
type Connector interface {
	Fetch(ctx context.Context, cursor Cursor) (Page, error)
}

// ErrAuth marks an error as the source rejecting its credentials (401, or
// 403 that is not a rate limit). The pipeline stops retrying such a source
// until its configuration changes.
var ErrAuth = errors.New("authentication failed")

// ErrNoCredential is what a source's Check says when the source reads
// without any credential (a local folder).
var ErrNoCredential = errors.New("no credential needed")

// AuthError is a failure of a source's credentials — a token missing, or
// refused — said in one sentence with what to do. It matches ErrAuth.
type AuthError struct {
	Msg string
	// Missing says no credential is configured where one is needed (an
	// unset variable, nothing stored): a config matter, not the source's.
	Missing bool
}

func (e *AuthError) Error() string { return e.Msg }

// Is makes errors.Is(err, ErrAuth) hold.
func (e *AuthError) Is(target error) bool { return target == ErrAuth }

// AuthErrorf formats an AuthError.
func AuthErrorf(format string, a ...any) error { return &AuthError{Msg: fmt.Sprintf(format, a...)} }

// Refused is the sentence every connector says when a service turns its
// credential away: "GitHub rejected the token from $GITHUB_TOKEN (401 Bad
// credentials)", "… refused access with …" for a 403.
func Refused(service, credential string, status int, msg string) error {
	verb := "rejected"
	if status == 403 {
		verb = "refused access with"
	}
	if msg = strings.TrimSpace(msg); msg != "" {
		msg = " " + msg
	}
	return AuthErrorf("%s %s %s (%d%s)", service, verb, credential, status, msg)
}
