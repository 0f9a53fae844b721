package report

import (
	"context"
	"slices"
	"time"

	"github.com/evident-sync/evident/classify"
	"github.com/evident-sync/evident/pipeline/store"
)

// Review is the quarterly self-review (evident review): the period against
// the one before, domain by domain, the level criteria with their items,
// and what needs the user's attention — strong items without a note or an
// outcome, outcomes due, thin domains.
type Review struct {
	Period      string         `json:"period"`
	Since       string         `json:"since"`
	Until       string         `json:"until"`
	Previous    ReviewPeriod   `json:"previous"`
	Domains     []DomainReview `json:"domains"`
	Criteria    []CriterionRow `json:"criteria"`
	Unnoted     []store.View   `json:"unnoted"`
	OutcomesDue []store.View   `json:"outcomes_due"`
	Thin        []string       `json:"thin"`
}

// ReviewPeriod names a period: its label and its days (until inclusive).
type ReviewPeriod struct {
	Period string `json:"period"`
	Since  string `json:"since"`
	Until  string `json:"until"`
}

// DomainCounts are one domain's selected items in a period: all, strong,
// and the share beyond the home team (0..1).
type DomainCounts struct {
	Confirmed      int     `json:"confirmed"`
	Strong         int     `json:"strong"`
	CrossTeamShare float64 `json:"cross_team_share"`
	wide           int
}

// DomainReview is one domain in the period and the one before.
type DomainReview struct {
	Domain string `json:"domain"`
	DomainCounts
	Previous DomainCounts `json:"previous"`
}

// CriterionRow is one level criterion: the selected items that support it
// and, when there are none, the items that could (selected items of its
// domain, then suggestions).
type CriterionRow struct {
	ID          string   `json:"id"`
	Text        string   `json:"text"`
	Items       []string `json:"items"`
	Suggestions []string `json:"suggestions"`
}

// thinBelow is how few selected items make a domain thin.
const thinBelow = 2

// ReviewOptions say what the review covers.
type ReviewOptions struct {
	Period   Period
	Today    string // YYYY-MM-DD, for the outcomes due
	Criteria []classify.Criterion
}

// ReadReview reads the review of o.Period in two passes: the period and
// the one before it (suggested and selected items), and the follow-up
// index. Only counts, IDs and the few items it lists are kept.
func ReadReview(ctx context.Context, s Scanner, o ReviewOptions) (*Review, error) {
	p, prev := o.Period, o.Period.Previous()
	r := &Review{Period: p.Label, Since: p.Since.Format(time.DateOnly), Until: p.Until.AddDate(0, 0, -1).Format(time.DateOnly),
		Previous: ReviewPeriod{Period: prev.Label, Since: prev.Since.Format(time.DateOnly), Until: prev.Until.AddDate(0, 0, -1).Format(time.DateOnly)},
		Unnoted:  []store.View{}, OutcomesDue: []store.View{}, Thin: []string{}}
	cur, before := map[classify.Domain]*DomainCounts{}, map[classify.Domain]*DomainCounts{}
	for _, d := range classify.Domains {
		cur[d], before[d] = &DomainCounts{}, &DomainCounts{}
	}
	items := map[string][]string{}
	g := newGapFinder(o.Criteria)
	var suggested []store.Item
	f := store.Filter{States: []store.State{store.Suggested, store.Confirmed}, Since: prev.Since, Until: p.Until}
	err := s.Scan(ctx, f, func(it *store.Item) error {
		at := it.Artifact.OccurredAt
		switch {
		case it.State == store.Suggested && p.Contains(at):
			if len(it.Criteria(o.Criteria)) > 0 {
				suggested = append(suggested, lean(it))
			}
		case it.State != store.Confirmed:
		case prev.Contains(at):
			before[domainOf(it)].count(it)
		case p.Contains(at):
			if c := cur[domainOf(it)]; c != nil {
				c.count(it)
			}
			for _, id := range it.Criteria(o.Criteria) {
				items[id] = append(items[id], it.ID)
			}
			g.confirmed(it)
			if it.Strength() == classify.StrengthStrong && !noted(it) {
				r.Unnoted = append(r.Unnoted, it.View(o.Criteria))
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = s.Scan(ctx, store.Filter{FollowUpsDue: o.Today}, func(it *store.Item) error {
		if it.FollowUpDue(o.Today) {
			r.OutcomesDue = append(r.OutcomesDue, it.View(o.Criteria))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	r.fill(cur, before, items, g.gaps(suggested), o.Criteria)
	return r, nil
}

func (c *DomainCounts) count(it *store.Item) {
	if c == nil {
		return
	}
	c.Confirmed++
	if it.Strength() == classify.StrengthStrong {
		c.Strong++
	}
	if wide(it) {
		c.wide++
	}
	c.CrossTeamShare = float64(c.wide) / float64(c.Confirmed)
}

// fill writes the domains, criteria and thin domains from what the scan
// counted.
func (r *Review) fill(cur, before map[classify.Domain]*DomainCounts, items map[string][]string, gaps []Gap, cs []classify.Criterion) {
	for _, d := range classify.Domains {
		r.Domains = append(r.Domains, DomainReview{Domain: string(d), DomainCounts: *cur[d], Previous: *before[d]})
		if cur[d].Confirmed < thinBelow {
			r.Thin = append(r.Thin, string(d))
		}
	}
	r.Criteria = []CriterionRow{}
	for _, c := range cs {
		row := CriterionRow{ID: c.ID, Text: c.Text, Items: items[c.ID], Suggestions: []string{}}
		if row.Items == nil {
			row.Items = []string{}
		}
		if i := slices.IndexFunc(gaps, func(g Gap) bool { return g.ID == c.ID }); i >= 0 {
			row.Suggestions = gaps[i].Suggestions
		}
		r.Criteria = append(r.Criteria, row)
	}
}
