package main

import (
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/evident-sync/evident/config"
	"github.com/evident-sync/evident/pipeline/localapi"
	"github.com/evident-sync/evident/pipeline/store"
)

// statusJSON is the contract's `status --json`.
type statusJSON struct {
	Daemon  bool           `json:"daemon"`
	Sources []sourceStatus `json:"sources"`
	// Digest is the weekly digest's schedule, when digest.when is set.
	Digest *digestStatus `json:"digest,omitempty"`
	// Backup is the daemon's scheduled backup, when backup.every is set.
	Backup *backupStatus `json:"backup,omitempty"`
	// Verify is the last evident verify, once one has run.
	Verify *verifyStatus `json:"verify,omitempty"`
}

type backupStatus struct {
	Every     string  `json:"every"`
	Dir       string  `json:"dir"`
	Keep      int     `json:"keep"`
	LastRun   *string `json:"last_run"`
	LastError string  `json:"last_error"`
	NextRun   *string `json:"next_run"`
}

type verifyStatus struct {
	LastRun   *string `json:"last_run"`
	LastSound *string `json:"last_sound"`
	Damage    string  `json:"damage"`
}

type digestStatus struct {
	When        string  `json:"when"`
	LastSent    *string `json:"last_sent"`
	LastAttempt *string `json:"last_attempt"`
	LastError   string  `json:"last_error"`
	NextRun     *string `json:"next_run"`
}

type sourceStatus struct {
	Name               string  `json:"name"`
	Type               string  `json:"type"`
	LastSuccess        *string `json:"last_success"`
	LastError          string  `json:"last_error"`
	Items              int     `json:"items"`
	NextRun            *string `json:"next_run"`
	RateLimitRemaining *int    `json:"rate_limit_remaining"`
	// BackfilledTo is the day the newest-first backfill has reached (null
	// once complete); BackfillProgress its share of the way back, 0..1.
	BackfilledTo     *string `json:"backfilled_to"`
	BackfillProgress float64 `json:"backfill_progress"`
	// SkippedCount is how many files the source does not read as documents
	// (as its last full pass said), Skipped the first few with why.
	SkippedCount int      `json:"skipped_count,omitempty"`
	Skipped      []string `json:"skipped,omitempty"`
}

func (a *app) statusCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Per source: last success, last error, items, next run, rate limit left",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			c, err := a.config()
			if err != nil {
				return err
			}
			return a.withReader(ctx, func(b backend) error {
				counts, err := b.Counts(ctx)
				if err != nil {
					return err
				}
				states, err := b.SourceStates(ctx)
				if err != nil {
					return err
				}
				_, daemon := b.(*localapi.Client)
				out := statusOf(c, counts, states, daemon)
				if asJSON {
					return printJSON(a.stdout, out)
				}
				defer a.printVerifyStatus(out.Verify)
				defer a.printBackupStatus(out.Backup)
				defer a.printDigestStatus(out.Digest)
				if len(out.Sources) == 0 {
					fmt.Fprintln(a.stdout, "No sources configured. Add some under sources: in the config (evident init writes an example).")
					return nil
				}
				tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
				fmt.Fprintln(tw, "SOURCE\tTYPE\tITEMS\tBACKFILL\tLAST SUCCESS\tNEXT RUN\tRATE LEFT\tLAST ERROR")
				for _, s := range out.Sources {
					rate := "-"
					if s.RateLimitRemaining != nil {
						rate = fmt.Sprint(*s.RateLimitRemaining)
					}
					lastErr := s.LastError
					if lastErr == "" {
						lastErr = "-"
					}
					fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\n", s.Name, s.Type, s.Items, backfillWords(s), ago(s.LastSuccess), ago(s.NextRun), rate, oneLine(lastErr, 100))
				}
				if err := tw.Flush(); err != nil {
					return err
				}
				for _, s := range out.Sources {
					if s.SkippedCount == 0 {
						continue
					}
					fmt.Fprintf(a.stdout, "\n%s skips %d file%s that %s not design documents:\n", s.Name, s.SkippedCount, plural(s.SkippedCount), map[bool]string{true: "is", false: "are"}[s.SkippedCount == 1])
					for _, sk := range s.Skipped {
						fmt.Fprintf(a.stdout, "  %s\n", oneLine(sk, 200))
					}
					if more := s.SkippedCount - len(s.Skipped); more > 0 {
						fmt.Fprintf(a.stdout, "  and %d more: evident sync --source %s --verbose lists them all\n", more, s.Name)
					}
				}
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print status as JSON")
	return cmd
}

// ago renders an RFC 3339 time for people: local time, or "never".
func ago(s *string) string {
	if s == nil {
		return "never"
	}
	t, err := time.Parse(time.RFC3339, *s)
	if err != nil {
		return *s
	}
	return t.Local().Format("2006-01-02 15:04")
}

func (a *app) printDigestStatus(d *digestStatus) {
	if d == nil {
		return
	}
	line := fmt.Sprintf("\nWeekly digest (%s): last sent %s, next %s", d.When, ago(d.LastSent), ago(d.NextRun))
	if d.NextRun == nil {
		line = fmt.Sprintf("\nWeekly digest (%s): last sent %s; sent by evident run", d.When, ago(d.LastSent))
	}
	fmt.Fprintln(a.stdout, line)
	if d.LastError != "" {
		fmt.Fprintf(a.stdout, "  last attempt %s failed: %s (evident digest --send tries it now)\n", ago(d.LastAttempt), oneLine(d.LastError, 200))
	}
}

// backfillOf is a source's backfill as status reports it: the day its
// backward frontier has reached (nil once complete) and how far it is.
func backfillOf(st store.SourceState) (*string, float64) {
	switch {
	case st.Backfill && !st.BackfilledTo.IsZero():
		d := st.BackfilledTo.UTC().Format(time.RFC3339)
		return &d, st.BackfillProgress
	case st.Backfill || !st.LastSuccess.IsZero():
		return nil, 1
	}
	return nil, 0
}

// backfillWords says it for people: "to 2026-03-02, 64%", "complete".
func backfillWords(s sourceStatus) string {
	switch {
	case s.BackfilledTo != nil:
		t, _ := time.Parse(time.RFC3339, *s.BackfilledTo)
		return fmt.Sprintf("to %s, %.0f%%", t.Local().Format(time.DateOnly), 100*s.BackfillProgress)
	case s.BackfillProgress >= 1:
		return "complete"
	}
	return "not started"
}

// printVerifyStatus says when evident verify last ran and what it found.
func (a *app) printVerifyStatus(v *verifyStatus) {
	if v == nil {
		return
	}
	if v.Damage != "" {
		fmt.Fprintf(a.stdout, "\nLast verify (%s) found damage: %s. Run evident verify for what to do.\n", ago(v.LastRun), oneLine(v.Damage, 200))
		return
	}
	fmt.Fprintf(a.stdout, "\nLast verify: %s, the store was sound.\n", ago(v.LastRun))
}

// printBackupStatus says when the scheduled backup last ran and where.
func (a *app) printBackupStatus(b *backupStatus) {
	if b == nil {
		return
	}
	fmt.Fprintf(a.stdout, "\nBackups: every %s into %s, keeping %d; last %s, next %s.\n", b.Every, b.Dir, b.Keep, ago(b.LastRun), ago(b.NextRun))
	if b.LastError != "" {
		fmt.Fprintf(a.stdout, "The last backup failed: %s\n", oneLine(b.LastError, 200))
	}
}

// days writes a duration of whole days as people do ("7d").
func days(d time.Duration) string {
	if d >= 24*time.Hour && d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	}
	return d.String()
}

// statusOf is what status says: each configured source with its items and
// state, and the digest, backup and verify schedules that are configured.
// Without the daemon nothing is scheduled, so no next run is given.
func statusOf(c *config.Config, counts map[string]int, states map[string]store.SourceState, daemon bool) statusJSON {
	out := statusJSON{Daemon: daemon, Sources: []sourceStatus{}}
	for _, s := range c.AllSources() {
		st := states[s.Name]
		if !daemon {
			st.NextRun = time.Time{} // nothing is scheduled without the daemon
		}
		ss := sourceStatus{
			Name: s.Name, Type: s.Type, LastSuccess: store.RFC3339(st.LastSuccess),
			LastError: st.LastError, Items: counts[s.Name], NextRun: store.RFC3339(st.NextRun),
			RateLimitRemaining: st.RateLimitRemaining,
		}
		ss.BackfilledTo, ss.BackfillProgress = backfillOf(st)
		ss.SkippedCount, ss.Skipped = st.SkippedCount, st.Skipped
		out.Sources = append(out.Sources, ss)
	}
	if c.Digest.When != "" {
		d := states[digestState]
		if !daemon {
			d.NextRun = time.Time{}
		}
		out.Digest = &digestStatus{When: c.Digest.When, LastSent: store.RFC3339(d.LastSuccess), LastAttempt: store.RFC3339(d.LastAttempt),
			LastError: d.LastError, NextRun: store.RFC3339(d.NextRun)}
	}
	if c.Backup.Every.D > 0 {
		b := states[backupState]
		if !daemon {
			b.NextRun = time.Time{}
		}
		out.Backup = &backupStatus{Every: days(c.Backup.Every.D), Dir: c.Backup.Dir, Keep: c.Backup.Keep,
			LastRun: store.RFC3339(b.LastSuccess), LastError: b.LastError, NextRun: store.RFC3339(b.NextRun)}
	}
	if v, ok := states[store.VerifyState]; ok {
		out.Verify = &verifyStatus{LastRun: store.RFC3339(v.LastAttempt), LastSound: store.RFC3339(v.LastSuccess), Damage: v.LastError}
	}
	return out
}
