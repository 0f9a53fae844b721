package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"runtime/debug"
	"sync"
	"time"

	"github.com/evident-sync/evident/connectors"
)

// Runner keeps every source current: one goroutine per source with its own
// poll interval, an initial offset and jitter; a run in progress is never
// overlapped (the next tick waits for it); failures back off exponentially
// up to a cap and reset on success; a source whose credentials were
// rejected stops until its configuration changes. Start derives a context
// and starts the loops; Stop cancels it and waits for them.
type Runner struct {
	Syncer  *Syncer
	Sources []Source
	Log     *slog.Logger
	// OnResult, if set, is called after every run of a source.
	OnResult func(Source, Result)
	// GCInterval is how often the store's value log is collected (default 1h).
	GCInterval time.Duration
	// MinBackoff and MaxBackoff bound the waits after failures (defaults
	// one minute and two hours, or the poll interval if longer).
	MinBackoff, MaxBackoff time.Duration

	mu      sync.Mutex
	state   map[string]*runState
	trigger map[string]chan chan Result
	cancel  context.CancelFunc
	wg      sync.WaitGroup
}

type runState struct {
	running     bool
	next        time.Time
	authStopped bool
}

// Backoff bounds: the first retry after a failure, and the most a source
// waits between retries.
const (
	minBackoff = time.Minute
	maxBackoff = 2 * time.Hour
)

// Start begins polling. ctx bounds the runner's life; Stop ends it sooner.
func (r *Runner) Start(ctx context.Context) {
	ctx, r.cancel = context.WithCancel(ctx)
	if r.Log == nil {
		r.Log = slog.New(slog.DiscardHandler)
	}
	r.mu.Lock()
	r.state = map[string]*runState{}
	r.trigger = map[string]chan chan Result{}
	for _, s := range r.Sources {
		r.state[s.Name] = &runState{}
		r.trigger[s.Name] = make(chan chan Result)
	}
	r.mu.Unlock()
	for i, src := range r.Sources {
		r.wg.Add(1)
		go r.loop(ctx, i, src)
	}
	r.wg.Add(1)
	go r.gcLoop(ctx)
}

// Stop cancels every loop and waits for them; a page being written is
// committed first.
func (r *Runner) Stop() {
	if r.cancel != nil {
		r.cancel()
	}
	r.wg.Wait()
}

// SyncNow asks each named source (all when names is empty) to run now and
// waits for the results. A source that is running finishes its run first.
func (r *Runner) SyncNow(ctx context.Context, names []string) []Result {
	if len(names) == 0 {
		for _, s := range r.Sources {
			names = append(names, s.Name)
		}
	}
	out := make([]Result, len(names))
	var wg sync.WaitGroup
	for i, n := range names {
		r.mu.Lock()
		ch := r.trigger[n]
		r.mu.Unlock()
		if ch == nil {
			out[i] = Result{Stats: Stats{Source: n, RateLimitRemaining: -1}, Err: errors.New("no such source")}
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			reply := make(chan Result, 1)
			select {
			case ch <- reply:
			case <-ctx.Done():
				out[i] = Result{Stats: Stats{Source: n, RateLimitRemaining: -1}, Err: ctx.Err()}
				return
			}
			select {
			case res := <-reply:
				out[i] = res
			case <-ctx.Done():
				out[i] = Result{Stats: Stats{Source: n, RateLimitRemaining: -1}, Err: ctx.Err()}
			}
		}()
	}
	wg.Wait()
	return out
}

// NextRun is when a source runs next (zero while it runs or when stopped).
func (r *Runner) NextRun(name string) (time.Time, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	st := r.state[name]
	if st == nil || st.running || st.authStopped {
		return time.Time{}, st != nil
	}
	return st.next, true
}

func jitter(d time.Duration) time.Duration {
	return time.Duration(float64(d) * (0.9 + 0.2*rand.Float64()))
}

func (r *Runner) loop(ctx context.Context, i int, src Source) {
	defer r.wg.Done()
	log := r.Log.With("source", src.Name)
	// A source that failed on authentication with this very config waits
	// for the config to change.
	prev, _ := r.Syncer.sourceState(ctx, src)
	auth := prev.AuthFailed && prev.ConfigHash == src.Hash
	// Stagger the first runs a little so sources do not start at once.
	wait := min(time.Duration(i)*2*time.Second+time.Duration(rand.Int64N(int64(time.Second))), src.Poll)
	failures := 0
	for {
		r.mu.Lock()
		st := r.state[src.Name]
		st.authStopped = auth
		st.next = time.Now().Add(wait)
		r.mu.Unlock()
		if auth {
			log.Warn("source stopped: its credentials were rejected; fix them and change the config (or run evident sync) to retry")
		} else {
			r.recordNext(ctx, src, time.Now().Add(wait))
		}
		var reply chan Result
		var timer <-chan time.Time
		var t *time.Timer
		if !auth {
			t = time.NewTimer(wait)
			timer = t.C
		}
		select {
		case <-ctx.Done():
		case <-timer:
		case reply = <-r.trigger[src.Name]:
		}
		if t != nil {
			t.Stop()
		}
		if ctx.Err() != nil {
			return
		}
		r.mu.Lock()
		st.running = true
		r.mu.Unlock()
		res := r.runOnce(ctx, src)
		r.mu.Lock()
		st.running = false
		r.mu.Unlock()
		if reply != nil {
			reply <- res
		}
		if r.OnResult != nil {
			r.OnResult(src, res)
		}
		switch {
		case ctx.Err() != nil:
			return
		case res.Err == nil:
			failures, auth = 0, false
			wait = jitter(src.Poll)
			log.Info("sync done", "fetched", res.Fetched, "new", res.New, "updated", res.Updated, "requests", res.Requests)
		case errors.Is(res.Err, connectors.ErrAuth):
			auth = true
			log.Error("sync failed: credentials rejected", "error", res.Err.Error())
		default:
			failures++
			wait = Backoff(failures, src.Poll, r.MinBackoff, r.MaxBackoff)
			log.Warn("sync failed; backing off", "error", res.Err.Error(), "failures", failures, "retry_in", wait.String())
		}
	}
}

// Backoff is how long a source waits after its failures-th failure in a
// row: lo (default a minute), doubling, up to hi (default two hours, or the
// poll interval when that is longer).
func Backoff(failures int, poll, lo, hi time.Duration) time.Duration {
	if lo == 0 {
		lo = minBackoff
	}
	if hi == 0 {
		hi = max(maxBackoff, poll)
	}
	if failures < 1 {
		return 0
	}
	return min(lo<<min(failures-1, 16), hi)
}

// runOnce runs one pass, turning a panic anywhere in it into the source's
// error, logged with its stack, so one source cannot take the daemon down.
func (r *Runner) runOnce(ctx context.Context, src Source) (res Result) {
	defer func() {
		if p := recover(); p != nil {
			stack := debug.Stack()
			r.Log.Error("sync pass panic", "source", src.Name, "panic", fmt.Sprint(p), "stack", string(stack))
			res = Result{Stats: Stats{Source: src.Name, RateLimitRemaining: -1}, Err: &PanicError{Value: p, Stack: stack}}
		}
	}()
	st, err := r.Syncer.Sync(ctx, src, nil)
	return Result{st, err}
}

func (r *Runner) recordNext(ctx context.Context, src Source, next time.Time) {
	st, err := r.Syncer.sourceState(ctx, src)
	if err != nil {
		return
	}
	st.NextRun = next.UTC()
	r.Syncer.Store.PutSourceState(ctx, st)
}

func (r *Runner) gcLoop(ctx context.Context) {
	defer r.wg.Done()
	every := r.GCInterval
	if every == 0 {
		every = time.Hour
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			// A compaction collects the value log's garbage too.
			tidied, err := r.Syncer.Store.Tidy(ctx)
			if err != nil && ctx.Err() == nil {
				r.Log.Warn("store compaction failed", "error", err.Error())
			}
			if tidied {
				continue
			}
			if err := r.Syncer.Store.CollectGarbage(ctx); err != nil && ctx.Err() == nil {
				r.Log.Warn("store garbage collection failed", "error", err.Error())
			}
		}
	}
}
