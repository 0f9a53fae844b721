package pipeline

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/evident-sync/evident/config"
)

type weeklyRecord struct {
	mu   sync.Mutex
	runs []time.Time
	errs []error
	next []time.Time
}

func (r *weeklyRecord) onRun(_ context.Context, ran, next time.Time, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.next = append(r.next, next)
	if !ran.IsZero() {
		r.runs = append(r.runs, ran)
		r.errs = append(r.errs, err)
	}
}

// The digest runs at its local time each week, on a fake clock: exactly
// Friday 16:00, then a week later, and nothing in between.
func TestWeekly_RunsAtItsTimeEachWeek(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		when, _ := config.ParseWeekly("fri 16:00")
		rec := &weeklyRecord{}
		jobs := 0
		w := &Weekly{When: when, Job: func(context.Context) error { jobs++; return nil }, OnRun: rec.onRun}
		start := time.Now()
		w.Start(t.Context())
		time.Sleep(3 * 7 * 24 * time.Hour)
		synctest.Wait()
		w.Stop()
		if jobs != 3 || len(rec.runs) != 3 {
			t.Fatalf("%d jobs, %d runs in three weeks, want 3", jobs, len(rec.runs))
		}
		first := when.Next(start)
		for i, ran := range rec.runs {
			want := first.AddDate(0, 0, 7*i)
			if !ran.Equal(want) {
				t.Errorf("run %d at %v, want %v", i, ran, want)
			}
			if l := ran.In(start.Location()); l.Weekday() != time.Friday || l.Hour() != 16 || l.Minute() != 0 {
				t.Errorf("run %d at %v: not Friday 16:00 local", i, l)
			}
		}
		if !rec.next[0].Equal(first) {
			t.Errorf("first published due time %v, want %v", rec.next[0], first)
		}
	})
}

// A failing digest is logged and reported once, and tried again only the
// next week: never in a loop.
func TestWeekly_FailureWaitsForNextWeek(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		when, _ := config.ParseWeekly("mon 09:30")
		rec := &weeklyRecord{}
		w := &Weekly{When: when, Job: func(context.Context) error { return errors.New("mail: no route") }, OnRun: rec.onRun}
		w.Start(t.Context())
		time.Sleep(14*24*time.Hour - time.Minute)
		synctest.Wait()
		w.Stop()
		if len(rec.runs) != 2 {
			t.Fatalf("%d attempts in two weeks of failures, want 2 (one a week)", len(rec.runs))
		}
		for _, err := range rec.errs {
			if err == nil {
				t.Error("a failure reported as success")
			}
		}
		if got := rec.runs[1].Sub(rec.runs[0]); got != 7*24*time.Hour {
			t.Errorf("retry after %v, want a week", got)
		}
	})
}

// A panicking job is a failure like any other; the schedule goes on.
func TestWeekly_PanicIsAFailure(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		when, _ := config.ParseWeekly("sunday 00:00")
		rec := &weeklyRecord{}
		w := &Weekly{When: when, Job: func(context.Context) error { panic("boom") }, OnRun: rec.onRun}
		w.Start(t.Context())
		time.Sleep(7 * 24 * time.Hour)
		synctest.Wait()
		w.Stop()
		if len(rec.runs) != 1 || rec.errs[0] == nil || !strings.Contains(rec.errs[0].Error(), "boom") {
			t.Fatalf("runs %v errs %v", rec.runs, rec.errs)
		}
	})
}

func TestRunCommand_DigestOnStdinAndFailuresSaySo(t *testing.T) {
	out := filepath.Join(t.TempDir(), "got.md")
	if err := RunCommand(t.Context(), "cat > "+out, []byte("# digest\n")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(out); string(b) != "# digest\n" {
		t.Errorf("the command got %q", b)
	}
	err := RunCommand(t.Context(), "echo 'sendmail: no such host' >&2; exit 3", nil)
	if err == nil || !strings.Contains(err.Error(), "exit status 3: sendmail: no such host") {
		t.Errorf("err = %v", err)
	}
}

func TestRunCommand_DigestCommandDoesNotSeeTheStoreKey(t *testing.T) {
	t.Setenv("EVIDENT_STORE_KEY", "store-key-canary")
	out := filepath.Join(t.TempDir(), "env.txt")
	if err := RunCommand(t.Context(), "env > "+out, nil); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "store-key-canary") {
		t.Error("the digest command inherited EVIDENT_STORE_KEY")
	}
	if !strings.Contains(string(b), "PATH=") {
		t.Error("the digest command lost the rest of the environment (no PATH)")
	}
}
