package pipeline

import (
	"context"
	"testing"
	"testing/synctest"
	"time"
)

// The first run is due Every after the last one (at once when that is
// past), then every Every; a panicking job is an error of its run and the
// schedule goes on; Stop ends it.
func TestPeriodic_RunsEveryIntervalFromTheLastRun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		start := time.Now()
		var runs []time.Duration
		var errs []error
		calls := 0
		p := &Periodic{
			Every: 24 * time.Hour,
			Last:  start.Add(-20 * time.Hour), // due in 4 h
			Job: func(context.Context) error {
				calls++
				if calls == 2 {
					panic("disk gone")
				}
				return nil
			},
			OnRun: func(_ context.Context, ran, _ time.Time, err error) {
				if !ran.IsZero() {
					runs = append(runs, ran.Sub(start))
					errs = append(errs, err)
				}
			},
		}
		p.Start(ctx)
		time.Sleep(53 * time.Hour)
		synctest.Wait()
		p.Stop()
		want := []time.Duration{4 * time.Hour, 28 * time.Hour, 52 * time.Hour}
		if len(runs) != len(want) {
			t.Fatalf("runs at %v, want %v", runs, want)
		}
		for i := range want {
			if runs[i] != want[i] {
				t.Errorf("run %d at %v, want %v", i, runs[i], want[i])
			}
		}
		if errs[0] != nil || errs[1] == nil || errs[2] != nil {
			t.Errorf("errors %v: want only the panicking run's", errs)
		}
	})
}
