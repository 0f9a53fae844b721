package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/evident-sync/evident/classify"
	"github.com/evident-sync/evident/config"
	"github.com/evident-sync/evident/pipeline/report"
)

func (a *app) reportCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Reports over your evidence",
		Args:  noArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	var asJSON bool
	var since, until string
	ct := &cobra.Command{
		Use:   "cross-team",
		Short: "Review and RFC work for other teams, by team and week",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			f, err := parseFilter("all", "", "", since, until)
			if err != nil {
				return err
			}
			c, err := a.config()
			if err != nil {
				return err
			}
			return a.withReader(ctx, func(b backend) error {
				r, err := crossTeam(ctx, b, c, f.Since, f.Until)
				if err != nil {
					return err
				}
				if asJSON {
					enc := json.NewEncoder(a.stdout)
					enc.SetEscapeHTML(false)
					enc.SetIndent("", "  ")
					return enc.Encode(r)
				}
				printReport(a.stdout, r)
				return nil
			})
		},
	}
	fl := ct.Flags()
	fl.BoolVar(&asJSON, "json", false, "print the report as JSON")
	fl.StringVar(&since, "since", "", "work on or after DATE (YYYY-MM-DD)")
	fl.StringVar(&until, "until", "", "work on or before DATE (YYYY-MM-DD)")
	cmd.AddCommand(ct)
	return cmd
}

// crossTeam builds the cross-team report over every item.
func crossTeam(ctx context.Context, b backend, c *config.Config, since, until time.Time) (*report.Report, error) {
	org := classify.NewOrg(c)
	return report.CrossTeam(ctx, b, report.Options{Since: since, Until: until, TeamName: org.TeamName, Home: c.Me.Teams})
}

func printReport(w io.Writer, r *report.Report) {
	fmt.Fprintln(w, r.Headline)
	if len(r.Teams) == 0 {
		return
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "TEAM\tPRs\tROUNDS\tCOMMENTS\tAPPROVED\tCHANGES\tRFCs\tWEEKS\t")
	for _, t := range r.Teams {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t\n", t.Name, t.PRsReviewed, t.ReviewRounds, t.Comments, t.Approvals, t.ChangesRequested, t.RFCsReviewed, t.WeeksActive)
	}
	tw.Flush()
	fmt.Fprintln(w)
	peak := 1
	for _, wk := range r.Weeks {
		peak = max(peak, wk.Total)
	}
	for _, wk := range r.Weeks {
		bar := strings.Repeat("█", (wk.Total*40+peak-1)/peak)
		fmt.Fprintf(w, "%s  %-40s %d\n", wk.Week, bar, wk.Total)
	}
}
