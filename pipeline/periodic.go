package pipeline

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// Periodic runs a job every Every, the first run due Every after Last (at
// once when Last is zero or already that far behind). Like Weekly, the
// pipeline owns its goroutine; a panicking job is an error of that run.
type Periodic struct {
	Every time.Duration
	Last  time.Time
	Job   func(ctx context.Context) error
	Log   *slog.Logger
	// OnRun, if set, is told of every run and, at Start, of the first due
	// time (with a zero run time).
	OnRun func(ctx context.Context, ran, next time.Time, err error)
	// Now is the clock; nil is time.Now.
	Now func() time.Time

	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// Start begins the schedule.
func (p *Periodic) Start(ctx context.Context) {
	ctx, p.cancel = context.WithCancel(ctx)
	if p.Log == nil {
		p.Log = slog.New(slog.DiscardHandler)
	}
	if p.Now == nil {
		p.Now = time.Now
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		p.loop(ctx)
	}()
}

// Stop ends the schedule, waiting for a run in progress.
func (p *Periodic) Stop() {
	if p.cancel != nil {
		p.cancel()
	}
	p.wg.Wait()
}

func (p *Periodic) loop(ctx context.Context) {
	next := p.Last.Add(p.Every)
	if now := p.Now(); p.Last.IsZero() || next.Before(now) {
		next = now
	}
	if p.OnRun != nil {
		p.OnRun(ctx, time.Time{}, next, nil)
	}
	for {
		t := time.NewTimer(time.Until(next))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		ran := p.Now()
		err := p.run(ctx)
		next = ran.Add(p.Every)
		if err != nil {
			p.Log.Error("scheduled job failed", "error", err.Error())
		}
		if p.OnRun != nil {
			p.OnRun(ctx, ran, next, err)
		}
	}
}

func (p *Periodic) run(ctx context.Context) error {
	return runJob(ctx, p.Log, "scheduled job", p.Job)
}
