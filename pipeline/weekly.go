package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os/exec"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/evident-sync/evident/config"
	"github.com/evident-sync/evident/config/credentials"
)

// Weekly runs Job once a week at When (local time). A run that fails is
// logged and reported to OnRun, and the next run is the next week's: a
// failing job is never retried in a loop. The wall clock is checked at
// least once a minute, so a laptop that slept through the time runs the
// job once when it wakes. Start derives a context and starts the loop;
// Stop cancels it and waits.
type Weekly struct {
	When config.Weekly
	Job  func(ctx context.Context) error
	Log  *slog.Logger
	// OnRun, if set, is told of every run: when it ran, when the next is
	// due and how it went. It is also called once at Start with a zero run
	// time, to publish the first due time.
	OnRun func(ctx context.Context, ran, next time.Time, err error)

	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// weeklyCheck is how often the wall clock is looked at.
const weeklyCheck = time.Minute

// Start begins the schedule.
func (w *Weekly) Start(ctx context.Context) {
	ctx, w.cancel = context.WithCancel(ctx)
	if w.Log == nil {
		w.Log = slog.New(slog.DiscardHandler)
	}
	w.wg.Add(1)
	go w.loop(ctx)
}

// Stop ends the schedule and waits for a run in progress.
func (w *Weekly) Stop() {
	if w.cancel != nil {
		w.cancel()
	}
	w.wg.Wait()
}

func (w *Weekly) loop(ctx context.Context) {
	defer w.wg.Done()
	next := w.When.Next(time.Now())
	if w.OnRun != nil {
		w.OnRun(ctx, time.Time{}, next, nil)
	}
	for {
		wait := min(time.Until(next), weeklyCheck)
		if wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return
			case <-t.C:
			}
			if time.Now().Before(next) {
				continue
			}
		}
		ran := time.Now()
		err := w.run(ctx)
		if ctx.Err() != nil {
			return
		}
		// From a minute past the due time, so a run that took no time is
		// not due again at once.
		next = w.When.Next(maxTime(ran, next).Add(time.Minute))
		if err != nil {
			w.Log.Error("weekly digest failed; next try at its next time", "error", err.Error(), "next", next.Format(time.RFC3339))
		} else {
			w.Log.Info("weekly digest sent", "next", next.Format(time.RFC3339))
		}
		if w.OnRun != nil {
			w.OnRun(ctx, ran, next, err)
		}
	}
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func (w *Weekly) run(ctx context.Context) error { return runJob(ctx, w.Log, "weekly job", w.Job) }

// runJob runs a scheduled job, a panic in it becoming that run's error
// (logged with its stack) so the schedule goes on.
func runJob(ctx context.Context, log *slog.Logger, what string, job func(context.Context) error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			log.Error(what+" panicked", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			err = fmt.Errorf("%s panicked: %v", what, p)
		}
	}()
	return job(ctx)
}

// commandTimeout bounds a digest command.
const commandTimeout = 2 * time.Minute

// RunCommand runs command with sh -c, body on its standard input, as the
// digest's command. Its error says how the command failed, with the first
// line it wrote to standard error.
func RunCommand(ctx context.Context, command string, body []byte) error {
	ctx, cancel := context.WithTimeout(ctx, commandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "/bin/sh", "-c", command)
	cmd.Env = credentials.CommandEnv() // no store key, no tokens
	cmd.Stdin = bytes.NewReader(body)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.WaitDelay = 5 * time.Second
	err := cmd.Run()
	if err == nil {
		return nil
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("digest command did not finish within %s", commandTimeout)
	}
	msg := err.Error()
	if line, _, _ := strings.Cut(strings.TrimSpace(stderr.String()), "\n"); line != "" {
		msg += ": " + oneLine(line, 200)
	}
	return fmt.Errorf("digest command failed (%s)", msg)
}

func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
