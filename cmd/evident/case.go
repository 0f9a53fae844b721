package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/spf13/cobra"

	"github.com/evident-sync/evident/classify"
	"github.com/evident-sync/evident/config"
	"github.com/evident-sync/evident/pipeline"
	"github.com/evident-sync/evident/pipeline/report"
	"github.com/evident-sync/evident/pipeline/store"
)

// printJSON writes v indented, as every --json does.
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// today is the local day, YYYY-MM-DD.
func today() string { return time.Now().Format(time.DateOnly) }

func (a *app) followupsCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "followups",
		Short: "Confirmed items whose follow-up day has come and that have no outcome yet",
		Long: `followups lists the confirmed items whose follow-up day (confirm or edit
--follow-up) is today or past and that have no outcome yet: the time to go
back and record what the work led to, with evident edit ID --outcome TEXT.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if _, err := a.config(); err != nil {
				return err
			}
			return a.withReader(ctx, func(b backend) error {
				due, err := followUpsDue(ctx, b, today())
				if err != nil {
					return err
				}
				if asJSON {
					out := make([]store.View, 0, len(due))
					for i := range due {
						out = append(out, due[i].View(a.criteria()))
					}
					return printJSON(a.stdout, out)
				}
				if len(due) == 0 {
					fmt.Fprintln(a.stdout, "No follow-ups due.")
					return nil
				}
				var rows [][]string
				for i := range due {
					it := &due[i]
					rows = append(rows, []string{it.ID, it.User.FollowUp, string(it.Strength()), oneLine(it.Where(), 40), oneLine(it.Title(), 1<<20)})
				}
				writeTable(a.stdout, []string{"ID", "DUE", "STRENGTH", "WHERE", "TITLE"}, rows, a.termWidth())
				fmt.Fprintf(a.stdout, "\n%d follow-up%s due. Record what came of it: evident edit ID --outcome TEXT (or move it: --follow-up 4w)\n", len(due), plural(len(due)))
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON array of items")
	return cmd
}

// followUpsDue reads the confirmed items with a follow-up due on today,
// the earliest first, from the store's follow-up index.
func followUpsDue(ctx context.Context, b backend, today string) ([]store.Item, error) {
	var due []store.Item
	err := b.Scan(ctx, store.Filter{FollowUpsDue: today}, func(it *store.Item) error {
		due = append(due, *it)
		return nil
	})
	return due, err
}

func (a *app) gapsCmd() *cobra.Command {
	var asJSON bool
	var period, since, until string
	cmd := &cobra.Command{
		Use:   "gaps",
		Short: "Level criteria without confirmed evidence, with suggestions that could fill them",
		Long: `gaps lists the level criteria (config criteria) that no confirmed item of
the period supports, each with up to five suggested items that would,
strongest first. The period is all stored work unless --period or
--since/--until say otherwise.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			p, err := report.PeriodOf(period, since, until)
			if err != nil {
				return usageError{err}
			}
			c, err := a.config()
			if err != nil {
				return err
			}
			if len(c.Criteria) == 0 && !asJSON {
				fmt.Fprintf(a.stdout, "No level criteria in %s: add them under criteria: (evident init writes a staff-level template).\n", c.Path)
				return nil
			}
			return a.withReader(ctx, func(b backend) error {
				gaps, err := report.ReadGaps(ctx, b, a.criteria(), p)
				if err != nil {
					return err
				}
				if asJSON {
					return printJSON(a.stdout, gaps)
				}
				if len(gaps) == 0 {
					fmt.Fprintf(a.stdout, "Every level criterion has confirmed evidence in %s.\n", p.Words())
					return nil
				}
				fmt.Fprintf(a.stdout, "%d of %d level criteria have no confirmed evidence in %s:\n", len(gaps), len(c.Criteria), p.Words())
				for _, g := range gaps {
					fmt.Fprintf(a.stdout, "\n%s  %s (%s)\n", g.ID, g.Text, classify.Domain(g.Domain).Title())
					if len(g.Suggestions) == 0 {
						fmt.Fprintln(a.stdout, "  no suggestion matches yet")
					}
					for _, it := range g.Suggested {
						if it.State == store.Confirmed {
							fmt.Fprintf(a.stdout, "  %s  selected %s  (tie it: evident edit %s --criterion %s)\n", it.ID, oneLine(it.Title(), 50), it.ID, g.ID)
							continue
						}
						fmt.Fprintf(a.stdout, "  %s  %-8s %s\n", it.ID, it.Strength(), oneLine(it.Title(), 70))
					}
				}
				fmt.Fprintln(a.stdout, "\nConfirm a suggestion (evident confirm ID), or say an item supports a criterion: evident edit ID --criterion CID")
				return nil
			})
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&asJSON, "json", false, `print a JSON list of {"id","text","domain","suggestions"}`)
	fl.StringVar(&period, "period", "", "a year, half or quarter: 2026, 2026-H2, 2026-Q3")
	fl.StringVar(&since, "since", "", "evidence on or after DATE (YYYY-MM-DD)")
	fl.StringVar(&until, "until", "", "evidence on or before DATE (YYYY-MM-DD)")
	return cmd
}

func (a *app) digestCmd() *cobra.Command {
	var asJSON, send bool
	var week string
	cmd := &cobra.Command{
		Use:   "digest",
		Short: "The week: suggestions strongest first, follow-ups due, cross-team numbers, criteria without evidence",
		Long: `digest prints the week's digest as Markdown: the week's question (what did
you do that no tool saw?) with the evident add line that answers it; its
suggestions strongest first (the top ten and a count of the rest); strong
and notable suggestions still waiting from earlier weeks; strong selected
items without an impact note; the follow-ups due; the week's cross-team
numbers; the quarter's level criteria still without evidence; and, in the
last week of a quarter, the review that closes it.

--week names an ISO week (2026-W47; default this week). --send runs
digest.command now with the digest on its standard input, as the daemon
does each week at digest.when.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if asJSON && send {
				return usagef("digest --send runs digest.command with the Markdown digest; leave out --json")
			}
			p := report.ThisWeek(time.Now())
			if week != "" {
				var err error
				if p, err = report.WeekPeriod(week, time.Local); err != nil {
					return usageError{err}
				}
			}
			c, err := a.config()
			if err != nil {
				return err
			}
			if send && c.Digest.Command == "" {
				return usagef("digest --send needs digest.command in %s (it gets the digest on standard input)", c.Path)
			}
			return a.withReader(ctx, func(b backend) error {
				d, err := report.ReadDigest(ctx, b, digestOptions(c, p))
				if err != nil {
					return err
				}
				if asJSON {
					return printJSON(a.stdout, d)
				}
				var md bytes.Buffer
				d.Markdown(&md)
				if !send {
					_, err := a.stdout.Write(md.Bytes())
					return err
				}
				if err := pipeline.RunCommand(ctx, c.Digest.Command, md.Bytes()); err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "sent the digest of %s (%d suggestion%s) to digest.command\n", d.Week, len(d.Items), plural(len(d.Items)))
				return nil
			})
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&asJSON, "json", false, `print {"week","items","waiting","unnoted","question","follow_ups","gaps","cross_team",...}`)
	fl.BoolVar(&send, "send", false, "run digest.command now with the digest on its standard input")
	fl.StringVar(&week, "week", "", "the ISO week, e.g. 2026-W47 (default: this week)")
	return cmd
}

// digestOptions are the digest's options for the configured user.
func digestOptions(c *config.Config, week report.Period) report.DigestOptions {
	org := classify.NewOrg(c)
	// Follow-ups are due as of today, or of the week's last day for a past week.
	day := min(today(), week.Until.AddDate(0, 0, -1).Format(time.DateOnly))
	return report.DigestOptions{Week: week, Today: day, Criteria: classify.CriteriaOf(c),
		Report: report.Options{TeamName: org.TeamName, Home: c.Me.Teams}}
}

// digestState is the name the weekly digest's state is kept under among
// the sources' states (no source name can start with '@').
const digestState = "@digest"

// digestSchedule is the daemon's weekly digest, or nil when digest.when is
// not set. Each run builds this week's digest from st and pipes it to
// digest.command; how it went is kept for evident status.
func digestSchedule(c *config.Config, st *store.Store, log *slog.Logger) *pipeline.Weekly {
	if c.Digest.When == "" {
		return nil
	}
	when, err := config.ParseWeekly(c.Digest.When)
	if err != nil {
		return nil // config check refused it already
	}
	return &pipeline.Weekly{
		When: when,
		Log:  log,
		Job: func(ctx context.Context) error {
			d, err := report.ReadDigest(ctx, st, digestOptions(c, report.ThisWeek(time.Now())))
			if err != nil {
				return err
			}
			var md bytes.Buffer
			d.Markdown(&md)
			return pipeline.RunCommand(ctx, c.Digest.Command, md.Bytes())
		},
		OnRun: recordRuns(st, digestState, "digest", log),
	}
}

// recordRuns is a schedule's OnRun that keeps how its runs went under name
// among the sources' states, for evident status: the next due time, the
// last attempt, the last success and the last error.
func recordRuns(st *store.Store, name, kind string, log *slog.Logger) func(ctx context.Context, ran, next time.Time, err error) {
	return func(ctx context.Context, ran, next time.Time, err error) {
		prev, _ := st.SourceStates(ctx)
		s := prev[name]
		s.Name, s.Type, s.NextRun = name, kind, next
		if !ran.IsZero() {
			s.LastAttempt, s.LastError = ran, ""
			if err != nil {
				s.LastError = err.Error()
			} else {
				s.LastSuccess = ran
			}
		}
		if perr := st.PutSourceState(ctx, s); perr != nil {
			log.Error("record the "+kind+"'s state", "error", perr.Error())
		}
	}
}
