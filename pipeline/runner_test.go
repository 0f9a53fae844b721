package pipeline

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/evident-sync/evident/config"
	"github.com/evident-sync/evident/connectors"
	"github.com/evident-sync/evident/pipeline/store"
)

// fakeConn is a connector whose behaviour a test scripts.
type fakeConn struct {
	fetch func(ctx context.Context, call int) (connectors.Page, error)
	mu    sync.Mutex
	calls []time.Time
	live  atomic.Int32
	peak  atomic.Int32
}

func (f *fakeConn) Fetch(ctx context.Context, cur connectors.Cursor) (connectors.Page, error) {
	n := f.live.Add(1)
	defer f.live.Add(-1)
	for {
		p := f.peak.Load()
		if n <= p || f.peak.CompareAndSwap(p, n) {
			break
		}
	}
	f.mu.Lock()
	f.calls = append(f.calls, time.Now())
	call := len(f.calls)
	f.mu.Unlock()
	return f.fetch(ctx, call)
}

func (f *fakeConn) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.calls)
}

func (f *fakeConn) gaps() []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []time.Duration
	for i := 1; i < len(f.calls); i++ {
		out = append(out, f.calls[i].Sub(f.calls[i-1]))
	}
	return out
}

func ok(call int) (connectors.Page, error) {
	a := connectors.Artifact{Kind: connectors.KindReview, Key: fmt.Sprintf("github:acme/x#%d", call), Container: "acme/x", OccurredAt: time.Now()}
	return connectors.Page{Artifacts: []connectors.Artifact{a}, Cursor: []byte(fmt.Sprint(call)), RateLimitRemaining: -1}, nil
}

func newSyncer(t *testing.T, st *store.Store) *Syncer {
	c, err := config.Parse("c.yaml", []byte("me: {github: alice}\n"), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewSyncer(st, c, nil, BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func openStore(t testing.TB, dir string) *store.Store {
	st, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// The runner's tests run in a synctest bubble: its timers run on a fake
// clock that moves when every goroutine waits, so waits of minutes and
// hours take no time, and the gaps between runs are exact.

func TestBackoff_DoublesFromTheFloorUpToTheCap(t *testing.T) {
	for _, tc := range []struct {
		failures int
		poll     time.Duration
		lo, hi   time.Duration
		want     time.Duration
	}{
		{0, 15 * time.Minute, 0, 0, 0},
		{1, 15 * time.Minute, 0, 0, time.Minute},
		{2, 15 * time.Minute, 0, 0, 2 * time.Minute},
		{5, 15 * time.Minute, 0, 0, 16 * time.Minute},
		{8, 15 * time.Minute, 0, 0, 2 * time.Hour},
		{100, 15 * time.Minute, 0, 0, 2 * time.Hour},
		{100, 6 * time.Hour, 0, 0, 6 * time.Hour},
		{3, time.Minute, 10 * time.Second, 30 * time.Second, 30 * time.Second},
		{2, time.Minute, 10 * time.Second, 30 * time.Second, 20 * time.Second},
	} {
		if got := Backoff(tc.failures, tc.poll, tc.lo, tc.hi); got != tc.want {
			t.Errorf("Backoff(%d, poll %v, %v, %v) = %v, want %v", tc.failures, tc.poll, tc.lo, tc.hi, got, tc.want)
		}
	}
}

func TestRunner_APanicIsThatSourcesErrorAndTheOthersGoOn(t *testing.T) {
	dir := t.TempDir()
	synctest.Test(t, func(t *testing.T) {
		st := openStore(t, dir)
		defer st.Close()
		bad := &fakeConn{fetch: func(context.Context, int) (connectors.Page, error) { panic("nil map in connector") }}
		good := &fakeConn{fetch: func(_ context.Context, n int) (connectors.Page, error) { return ok(n) }}
		var mu sync.Mutex
		errs := map[string]error{}
		r := &Runner{Syncer: newSyncer(t, st), Sources: []Source{{Name: "bad", Type: "github", Poll: 15 * time.Minute, Conn: bad}, {Name: "good", Type: "github", Poll: 15 * time.Minute, Conn: good}},
			OnResult: func(s Source, res Result) { mu.Lock(); errs[s.Name] = res.Err; mu.Unlock() }}
		r.Start(context.Background())
		time.Sleep(time.Hour)
		synctest.Wait()
		r.Stop()
		var pe *PanicError
		mu.Lock()
		defer mu.Unlock()
		if !errors.As(errs["bad"], &pe) || len(pe.Stack) == 0 || errs["good"] != nil || good.count() < 4 || bad.count() < 3 {
			t.Errorf("bad: %v (%d calls), good: %v (%d calls)", errs["bad"], bad.count(), errs["good"], good.count())
		}
		states, _ := st.SourceStates(context.Background())
		if states["bad"].LastError != "connector crashed: nil map in connector" {
			t.Errorf("status of the panicking source: %q", states["bad"].LastError)
		}
	})
}

func TestRunner_BacksOffExponentiallyAndResetsOnSuccess(t *testing.T) {
	dir := t.TempDir()
	synctest.Test(t, func(t *testing.T) {
		st := openStore(t, dir)
		defer st.Close()
		c := &fakeConn{fetch: func(_ context.Context, n int) (connectors.Page, error) {
			if n <= 4 {
				return connectors.Page{RateLimitRemaining: -1}, errors.New("502 from upstream")
			}
			return ok(n)
		}}
		r := &Runner{Syncer: newSyncer(t, st), Sources: []Source{{Name: "s", Type: "github", Poll: 15 * time.Minute, Conn: c}}}
		r.Start(context.Background())
		time.Sleep(2 * time.Hour)
		synctest.Wait()
		r.Stop()
		g := c.gaps()
		if len(g) < 6 {
			t.Fatalf("only %d calls", len(g)+1)
		}
		// Failures 1..4 wait 1, 2, 4, 8 minutes; after the success, the poll (15 min ±10%).
		for i, want := range []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute} {
			if g[i] != want {
				t.Errorf("wait %d after a failure: %v, want %v", i+1, g[i], want)
			}
		}
		for _, gap := range g[4:] {
			if gap < 13*time.Minute+30*time.Second || gap > 16*time.Minute+30*time.Second {
				t.Errorf("after success the poll interval should return: %v", g[4:])
				break
			}
		}
	})
}

func TestRunner_NeverOverlapsARunOfTheSameSource(t *testing.T) {
	dir := t.TempDir()
	synctest.Test(t, func(t *testing.T) {
		st := openStore(t, dir)
		defer st.Close()
		c := &fakeConn{fetch: func(_ context.Context, n int) (connectors.Page, error) {
			time.Sleep(20 * time.Minute) // longer than the poll interval
			return ok(n)
		}}
		r := &Runner{Syncer: newSyncer(t, st), Sources: []Source{{Name: "slow", Type: "github", Poll: 5 * time.Minute, Conn: c}}}
		r.Start(context.Background())
		// Sync now while a run may be under way: it waits its turn.
		res := r.SyncNow(context.Background(), nil)
		time.Sleep(2 * time.Hour)
		synctest.Wait()
		r.Stop()
		if c.peak.Load() != 1 {
			t.Errorf("%d runs of one source at once", c.peak.Load())
		}
		if res[0].Err != nil || res[0].Fetched != 1 {
			t.Errorf("sync now: %+v", res[0])
		}
	})
}

func TestRunner_AuthFailureStopsTheSourceUntilItsConfigChanges(t *testing.T) {
	dir := t.TempDir()
	synctest.Test(t, func(t *testing.T) {
		st := openStore(t, dir)
		defer st.Close()
		c := &fakeConn{fetch: func(context.Context, int) (connectors.Page, error) {
			return connectors.Page{RateLimitRemaining: -1}, fmt.Errorf("GitHub rejected the token from $GITHUB_TOKEN (401 Bad credentials): %w", connectors.ErrAuth)
		}}
		src := Source{Name: "gh", Type: "github", Poll: 5 * time.Minute, Conn: c, Hash: "v1"}
		run := func(s Source) {
			r := &Runner{Syncer: newSyncer(t, st), Sources: []Source{s}}
			r.Start(context.Background())
			time.Sleep(time.Hour) // twelve polls, had it not stopped
			synctest.Wait()
			if next, known := r.NextRun(s.Name); !known || !next.IsZero() {
				t.Errorf("an auth-stopped source has no next run, got %v", next)
			}
			r.Stop()
		}
		run(src)
		if n := c.count(); n != 1 {
			t.Fatalf("a rejected token was retried: %d calls", n)
		}
		states, _ := st.SourceStates(context.Background())
		if !states["gh"].AuthFailed {
			t.Error("the auth failure is not recorded")
		}
		run(src) // same config: still stopped
		if n := c.count(); n != 1 {
			t.Errorf("restarted with the same config, the source ran again: %d calls", n)
		}
		src.Hash = "v2"
		run(src) // config changed: one try
		if n := c.count(); n != 2 {
			t.Errorf("after a config change: %d calls, want 2", n)
		}
	})
}

func TestRunner_StopCancelsARunAndWaits(t *testing.T) {
	dir := t.TempDir()
	synctest.Test(t, func(t *testing.T) {
		st := openStore(t, dir)
		defer st.Close()
		started := make(chan struct{})
		var once sync.Once
		c := &fakeConn{fetch: func(ctx context.Context, _ int) (connectors.Page, error) {
			once.Do(func() { close(started) })
			<-ctx.Done() // a hanging server
			return connectors.Page{RateLimitRemaining: -1}, ctx.Err()
		}}
		r := &Runner{Syncer: newSyncer(t, st), Sources: []Source{{Name: "hang", Type: "github", Poll: time.Minute, Conn: c}}}
		r.Start(context.Background())
		<-started
		r.Stop() // returns only when the hung run has ended
		states, _ := st.SourceStates(context.Background())
		if states["hang"].LastError != "" {
			t.Errorf("a shutdown is not the source's failure: %q", states["hang"].LastError)
		}
	})
}
