package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/evident-sync/evident/classify"
	"github.com/evident-sync/evident/pipeline/report"
)

// reviewCmd is the quarterly self-review.
func (a *app) reviewCmd() *cobra.Command {
	var asJSON bool
	var period string
	cmd := &cobra.Command{
		Use:   "review [--period P]",
		Short: "The quarterly self-review: each domain against the period before, criteria, strong items without notes, outcomes due, thin domains",
		Long: `review looks back over a period (default: this quarter) against the one
before it: per domain, the items you selected, the strong ones and the share
beyond your team; each level criterion with its items, or the items that
could fill it; strong items with no note or outcome; outcomes due; and the
domains with fewer than two selected items.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			p := report.QuarterOf(time.Now())
			if period != "" {
				var err error
				if p, err = report.ParsePeriod(period, time.Local); err != nil {
					return usageError{err}
				}
			}
			c, err := a.config()
			if err != nil {
				return err
			}
			return a.withReader(ctx, func(b backend) error {
				r, err := report.ReadReview(ctx, b, report.ReviewOptions{Period: p, Today: today(), Criteria: a.criteria()})
				if err != nil {
					return err
				}
				if asJSON {
					return printJSON(a.stdout, r)
				}
				home := "your team"
				if len(c.Me.Teams) > 0 {
					home = classify.NewOrg(c).TeamName(c.Me.Teams[0])
				}
				printReview(a.stdout, r, home)
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, `print {"period","since","until","previous","domains","criteria","unnoted","outcomes_due","thin"}`)
	cmd.Flags().StringVar(&period, "period", "", "a quarter, half or year: 2026-Q4, 2026-H2, 2026 (default: this quarter)")
	return cmd
}

func printReview(w io.Writer, r *report.Review, home string) {
	fmt.Fprintf(w, "%s (%s to %s), against %s\n\n", r.Period, r.Since, r.Until, r.Previous.Period)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "DOMAIN\tSELECTED\tSTRONG\tBEYOND %s\n", strings.ToUpper(home))
	for _, d := range r.Domains {
		fmt.Fprintf(tw, "%s\t%d (was %d)\t%d (was %d)\t%.0f%% (was %.0f%%)\n", classify.Domain(d.Domain).Title(), d.Confirmed, d.Previous.Confirmed,
			d.Strong, d.Previous.Strong, 100*d.CrossTeamShare, 100*d.Previous.CrossTeamShare)
	}
	tw.Flush()
	if len(r.Criteria) > 0 {
		fmt.Fprintf(w, "\nLevel criteria\n")
		for _, c := range r.Criteria {
			switch {
			case len(c.Items) > 0:
				fmt.Fprintf(w, "  %s  %s: %d item%s\n", c.ID, c.Text, len(c.Items), plural(len(c.Items)))
			case len(c.Suggestions) > 0:
				fmt.Fprintf(w, "  %s  %s: none yet; could be filled by %s (evident edit ID --criterion %s, or confirm a suggestion)\n", c.ID, c.Text, strings.Join(c.Suggestions, ", "), c.ID)
			default:
				fmt.Fprintf(w, "  %s  %s: none yet, and nothing found that could fill it\n", c.ID, c.Text)
			}
		}
	}
	if len(r.Unnoted) > 0 {
		fmt.Fprintf(w, "\nStrong, without a note or outcome (a committee reads the impact): evident edit ID --note \"...\"\n")
		for _, v := range r.Unnoted {
			fmt.Fprintf(w, "  %s  %s\n", v.ID, oneLine(v.Title, 70))
		}
	}
	if len(r.OutcomesDue) > 0 {
		fmt.Fprintf(w, "\nOutcomes due: evident edit ID --outcome \"...\"\n")
		for _, v := range r.OutcomesDue {
			fmt.Fprintf(w, "  %s  due %s  %s\n", v.ID, v.FollowUp, oneLine(v.Title, 60))
		}
	}
	if len(r.Thin) > 0 {
		var names []string
		for _, d := range r.Thin {
			names = append(names, classify.Domain(d).Title())
		}
		fmt.Fprintf(w, "\nThin (fewer than two selected items): %s. Work that left no trace counts too: evident add\n", strings.Join(names, ", "))
	}
}
