// Package pipeline runs the sources: it owns every goroutine and every
// schedule, fetches pages through the connectors, classifies each artifact
// and commits it with the cursor that covers it.
package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/evident-sync/evident/classify"
	"github.com/evident-sync/evident/config"
	"github.com/evident-sync/evident/config/credentials"
	"github.com/evident-sync/evident/connectors"
	"github.com/evident-sync/evident/pipeline/store"
)

// Source is one configured source ready to sync.
type Source struct {
	Name string
	Type string // github, jira, rfc
	Poll time.Duration
	Conn connectors.Connector
	// Hash identifies the source's configuration, so that a source stopped
	// by an authentication failure tries again once its config changes.
	Hash string
	// Token is where the source's credential comes from; a token that is
	// certainly missing fails the pass before any request.
	Token credentials.TokenSource
	// Host is the server the source reaches ("" for a local folder), for
	// saying what a sync is trying.
	Host string
}

// Stats counts one sync pass of one source.
type Stats struct {
	Source             string
	Pages              int
	Fetched            int
	New                int
	Updated            int
	Unchanged          int
	Requests           int
	RateLimitRemaining int // -1: the source reports none
	Problems           []string
	Progress           float64 // 0..1, or -1 when the connector cannot tell
	// Backfill is how far a newest-first backfill has reached (the last
	// page's word); nil when the source does not say.
	Backfill *connectors.Backfill
	// Skipped are the items the source now skips, each with its reason, as
	// the pass's last page said; nil when it did not say.
	Skipped []string
}

// Result is one source's pass.
type Result struct {
	Stats
	Err error
}

// SyncAll runs one pass of every source at once. One source's failure or
// slowness does not hold up the others. Results come back in srcs order.
func (s *Syncer) SyncAll(ctx context.Context, srcs []Source, progress func(Stats)) []Result {
	out := make([]Result, len(srcs))
	var wg sync.WaitGroup
	for i, src := range srcs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st, err := s.Sync(ctx, src, progress)
			out[i] = Result{st, err}
		}()
	}
	wg.Wait()
	return out
}

// Syncer runs sync passes: connector → classify → store.
type Syncer struct {
	Store *store.Store
	// Org is the model from the config; the GitHub enrichment, when
	// configured, completes it.
	Org *classify.Org
	// OrgHash identifies the org model; when it differs from the one the
	// store last saw, still-suggested items are re-classified.
	OrgHash string
	Log     *slog.Logger

	enrich *enricher
}

// NewSyncer returns a Syncer over st for the config c.
func NewSyncer(st *store.Store, c *config.Config, log *slog.Logger, o BuildOptions) (*Syncer, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	e, err := newEnricher(c, st, log, o)
	if err != nil {
		return nil, err
	}
	return &Syncer{Store: st, Org: classify.NewOrg(c), OrgHash: OrgHash(c), Log: log, enrich: e}, nil
}

// org is the model classification uses now.
func (s *Syncer) org() *classify.Org {
	if s.enrich == nil {
		return s.Org
	}
	return s.enrich.org(s.Org)
}

// OrgHash fingerprints the parts of the config classification reads.
func OrgHash(c *config.Config) string {
	b, _ := json.Marshal(struct {
		Me  config.Me
		Org config.Org
	}{c.Me, c.Org})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}

// Reclassify re-tags still-suggested items if the org model changed since
// the store last saw it, and returns how many changed.
func (s *Syncer) Reclassify(ctx context.Context) (int, error) {
	hash := s.OrgHash
	if s.enrich != nil {
		s.enrich.refreshTeams(ctx)
		hash += "+" + s.enrich.hash()
	}
	old, err := s.Store.Meta(ctx, "org-hash")
	if err != nil {
		return 0, err
	}
	if string(old) == hash {
		return 0, nil
	}
	if s.enrich != nil {
		s.enrich.loadCodeOwners(ctx)
	}
	org := s.org()
	n, err := s.Store.Reclassify(ctx, func(a *connectors.Artifact) classify.Result { return org.Classify(a) })
	if err != nil {
		return n, err
	}
	if err := s.Store.SetMeta(ctx, "org-hash", []byte(hash)); err != nil {
		return n, err
	}
	return n, nil
}

// PanicError is a connector panic, recovered and reported as the source's error.
type PanicError struct {
	Value any
	Stack []byte
}

func (e *PanicError) Error() string { return fmt.Sprintf("connector crashed: %v", e.Value) }

// fetch calls the connector (with the source's marks, for a
// MarkedConnector), turning a panic into an error.
func fetch(ctx context.Context, c connectors.Connector, cur connectors.Cursor, marks connectors.Marks) (p connectors.Page, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &PanicError{Value: r, Stack: debug.Stack()}
		}
	}()
	if mc, ok := c.(connectors.MarkedConnector); ok {
		return mc.FetchMarked(ctx, cur, marks)
	}
	return c.Fetch(ctx, cur)
}

// Sync runs one pass of src: page after page until the connector says it is
// caught up, each page committed with its cursor, so that a crash loses at
// most the page in flight and the next pass resumes from the last commit.
// progress, if not nil, is called after every committed page. The source's
// state (last success, last error, rate limit) is recorded either way.
func (s *Syncer) Sync(ctx context.Context, src Source, progress func(Stats)) (Stats, error) {
	st := Stats{Source: src.Name, RateLimitRemaining: -1, Progress: -1}
	prev, err := s.sourceState(ctx, src)
	if err != nil {
		return st, err
	}
	state := prev
	state.LastAttempt = time.Now().UTC()
	state.ConfigHash = src.Hash

	// How far the backfill has reached is kept as it moves, so status and
	// the web UI can say it while a long backfill runs.
	withBackfill := func(x Stats) {
		if b := x.Backfill; b != nil && (!state.Backfill || !b.To.Equal(state.BackfilledTo) || b.Progress-state.BackfillProgress >= 0.01) {
			setBackfill(&state, b)
			if perr := s.Store.PutSourceState(context.WithoutCancel(ctx), state); perr != nil {
				s.Log.Warn("record backfill progress", "source", src.Name, "error", perr.Error())
			}
		}
		if progress != nil {
			progress(x)
		}
	}
	err = s.pass(ctx, src, &st, withBackfill)
	if st.Backfill != nil {
		setBackfill(&state, st.Backfill)
	}
	if st.Skipped != nil {
		state.SkippedCount = len(st.Skipped)
		state.Skipped = st.Skipped[:min(len(st.Skipped), store.SkippedKept)]
	}
	state.Requests += int64(st.Requests)
	if st.RateLimitRemaining >= 0 {
		r := st.RateLimitRemaining
		state.RateLimitRemaining = &r
	}
	switch {
	case err == nil:
		state.LastSuccess = time.Now().UTC()
		state.LastError = ""
		state.AuthFailed = false
	case errors.Is(err, context.Canceled) && ctx.Err() != nil:
		// Shutdown: not the source's failure; the cursor says where to resume.
	default:
		state.LastError = err.Error()
		state.AuthFailed = errors.Is(err, connectors.ErrAuth)
	}
	// Record the state even when ctx is done: the pass is over either way.
	if perr := s.Store.PutSourceState(context.WithoutCancel(ctx), state); perr != nil && err == nil {
		err = fmt.Errorf("record source state: %w", perr)
	}
	return st, err
}

func setBackfill(state *store.SourceState, b *connectors.Backfill) {
	state.Backfill, state.BackfilledTo, state.BackfillProgress = true, b.To, b.Progress
}

func (s *Syncer) sourceState(ctx context.Context, src Source) (store.SourceState, error) {
	all, err := s.Store.SourceStates(ctx)
	if err != nil {
		return store.SourceState{}, err
	}
	st, ok := all[src.Name]
	if !ok {
		st = store.SourceState{Name: src.Name, Type: src.Type}
	}
	st.Type = src.Type
	return st, nil
}

func (s *Syncer) pass(ctx context.Context, src Source, st *Stats, progress func(Stats)) error {
	if err := src.Token.Check(); err != nil {
		return err
	}
	if err := s.Store.CheckSpace(); err != nil {
		return err
	}
	if _, err := s.Reclassify(ctx); err != nil {
		return err
	}
	cur, err := s.Store.Cursor(ctx, src.Name)
	if err != nil {
		return err
	}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		page, err := fetch(ctx, src.Conn, cur, s.Store.Marks(src.Name))
		st.Requests += page.Requests
		if page.RateLimitRemaining >= 0 {
			st.RateLimitRemaining = page.RateLimitRemaining
		}
		if err != nil {
			var pe *PanicError
			if errors.As(err, &pe) {
				s.Log.Error("connector panic", "source", src.Name, "panic", fmt.Sprint(pe.Value), "stack", string(pe.Stack))
				return err
			}
			if page.Cursor != nil {
				// What was read before the failure is kept.
				if cerr := s.commit(ctx, src, page, st, progress); cerr != nil {
					return cerr
				}
			}
			return err
		}
		if err := s.commit(ctx, src, page, st, progress); err != nil {
			return err
		}
		if !page.More {
			return nil
		}
		if page.Cursor != nil {
			cur = page.Cursor
		}
	}
}

// commit classifies and stores one page with its cursor.
func (s *Syncer) commit(ctx context.Context, src Source, page connectors.Page, st *Stats, progress func(Stats)) error {
	for i := range page.Artifacts {
		page.Artifacts[i].Source, page.Artifacts[i].SourceType = src.Name, src.Type
	}
	if s.enrich != nil {
		s.enrich.ensureCodeOwners(ctx, page.Artifacts)
	}
	org := s.org()
	ins := make([]store.Ingest, len(page.Artifacts))
	for i := range page.Artifacts {
		a := &page.Artifacts[i]
		// Titles come from other people's servers: no escape sequence
		// reaches a terminal, a packet or a digest.
		a.Title, a.Container, a.ContainerName = connectors.Printable(a.Title), connectors.Printable(a.Container), connectors.Printable(a.ContainerName)
		ins[i] = store.Ingest{Artifact: *a, Class: org.Classify(a)}
	}
	// The write in flight finishes even during shutdown: a page is
	// committed whole, with its cursor, or not at all.
	cs, err := s.Store.CommitMarked(context.WithoutCancel(ctx), src.Name, ins, page.Cursor, page.Marks)
	if err != nil {
		return err
	}
	st.Pages++
	st.Fetched += len(page.Artifacts)
	st.New += cs.New
	st.Updated += cs.Updated
	st.Unchanged += cs.Unchanged
	st.Problems = append(st.Problems, page.Problems...)
	st.Progress = page.Progress
	if page.Backfill != nil {
		st.Backfill = page.Backfill
	}
	if page.Skipped != nil {
		st.Skipped = page.Skipped
	}
	for _, p := range page.Problems {
		s.Log.Warn("source problem", "source", src.Name, "problem", p)
	}
	if progress != nil {
		progress(*st)
	}
	return nil
}
