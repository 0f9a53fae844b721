package report

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/evident-sync/evident/classify"
	"github.com/evident-sync/evident/connectors"
	"github.com/evident-sync/evident/pipeline/store"
)

// PeriodOf makes the period a command or page asks for: a named period
// (2026, 2026-H2, 2026-Q3), or since and until days (YYYY-MM-DD, until
// inclusive), or all stored work.
func PeriodOf(named, since, until string) (Period, error) {
	if named != "" {
		if since != "" || until != "" {
			return Period{}, fmt.Errorf("a period is named with --period or bounded with --since and --until, not both")
		}
		return ParsePeriod(named, time.Local)
	}
	f, err := store.FilterInput{Since: since, Until: until}.Parse()
	if err != nil {
		return Period{}, err
	}
	return Period{Since: f.Since, Until: f.Until}, nil
}

// lean is the item without what the packet never reads (the people but an
// RFC's co-authors, the activity's details, the reasons), so a year of evidence stays small in
// memory.
func lean(it *store.Item) store.Item {
	out := *it
	a := &out.Artifact
	var authors []connectors.Identity
	if a.Kind == connectors.KindRFC {
		for _, c := range a.Counterparts {
			if c.Role == connectors.RoleAuthor {
				authors = append(authors, c)
			}
		}
	}
	a.Counterparts, a.DeclaredTeams = authors, nil
	a.Activity = connectors.Activity{}
	out.Class.ScopeReason, out.Class.DomainReason, out.Class.StrengthReasons = "", "", nil
	return out
}

// Gap is a level criterion without confirmed evidence, with the items that
// could fill it (IDs): selected items of its domain that only need tying
// to it, then suggestions, each group strongest first.
type Gap struct {
	ID          string   `json:"id"`
	Text        string   `json:"text"`
	Domain      string   `json:"domain"`
	Suggestions []string `json:"suggestions"`
	// Suggested are the suggestions' items, for pages and the Markdown.
	Suggested []store.Item `json:"-"`
}

// maxSuggestions is how many suggestions a gap lists.
const maxSuggestions = 5

// Gaps lists the criteria of cs no confirmed item of items supports, each
// with the items that could fill it: first the selected items of its
// domain that only need tying to it (edit --criterion), then up to five
// suggested items that would support it, strongest first. items is the
// period's evidence, suggested and confirmed.
func Gaps(items []store.Item, cs []classify.Criterion) []Gap {
	g := newGapFinder(cs)
	for i := range items {
		if items[i].State == store.Confirmed {
			g.confirmed(&items[i])
		}
	}
	return g.gaps(items)
}

// gapFinder gathers, from the confirmed items, which criteria have support
// and, for those that may not, the strongest selected items of their domain.
type gapFinder struct {
	cs        []classify.Criterion
	supported map[string]bool
	near      map[string][]*store.Item
}

func newGapFinder(cs []classify.Criterion) *gapFinder {
	return &gapFinder{cs: cs, supported: map[string]bool{}, near: map[string][]*store.Item{}}
}

// nearKept is how many selected items of a domain a gap lists.
const nearKept = 3

func (g *gapFinder) confirmed(it *store.Item) {
	for _, id := range it.Criteria(g.cs) {
		g.supported[id] = true
	}
	for _, c := range g.cs {
		if g.supported[c.ID] || domainOf(it) != c.Domain || slices.Contains(it.User.NoCriteria, c.ID) {
			continue
		}
		kept := lean(it)
		n := append(g.near[c.ID], &kept)
		if len(n) > 8*nearKept {
			slices.SortFunc(n, ranked)
			clear(n[nearKept:])
			n = n[:nearKept]
		}
		g.near[c.ID] = n
	}
}

// gaps are the criteria not supported, with the selected items of their
// domain and the suggested items of items that would fill them.
func (g *gapFinder) gaps(items []store.Item) []Gap {
	suggest := map[string][]*store.Item{}
	for i := range items {
		if it := &items[i]; it.State == store.Suggested {
			for _, id := range it.Criteria(g.cs) {
				suggest[id] = append(suggest[id], it)
			}
		}
	}
	out := []Gap{}
	for _, c := range g.cs {
		if g.supported[c.ID] {
			continue
		}
		gap := Gap{ID: c.ID, Text: c.Text, Domain: string(c.Domain), Suggestions: []string{}}
		near := g.near[c.ID]
		slices.SortFunc(near, ranked)
		s := suggest[c.ID]
		slices.SortFunc(s, ranked)
		for _, it := range append(near[:min(len(near), nearKept)], s[:min(len(s), maxSuggestions)]...) {
			gap.Suggestions = append(gap.Suggestions, it.ID)
			gap.Suggested = append(gap.Suggested, *it)
		}
		out = append(out, gap)
	}
	return out
}

// errEnough stops a scan that has found what it looked for.
var errEnough = errors.New("enough")

// ReadGaps reads the gaps of period p: every suggestion that speaks to a
// criterion, and the confirmed evidence newest first only until every
// criterion has support, so a big store is not read in full to learn that
// nothing is missing.
func ReadGaps(ctx context.Context, s Scanner, cs []classify.Criterion, p Period) ([]Gap, error) {
	if len(cs) == 0 {
		return []Gap{}, nil
	}
	var items []store.Item
	f := store.Filter{States: []store.State{store.Suggested}, Since: p.Since, Until: p.Until}
	if err := s.Scan(ctx, f, func(it *store.Item) error {
		if len(it.Criteria(cs)) > 0 {
			items = append(items, lean(it))
		}
		return nil
	}); err != nil {
		return nil, err
	}
	g := newGapFinder(cs)
	f.States = []store.State{store.Confirmed}
	err := s.Scan(ctx, f, func(it *store.Item) error {
		g.confirmed(it)
		if len(g.supported) == len(cs) {
			return errEnough
		}
		return nil
	})
	if err != nil && !errors.Is(err, errEnough) {
		return nil, err
	}
	return g.gaps(items), nil
}

// Digest is one week for the weekly ten minutes: its suggestions strongest
// first, the follow-ups due, the week's cross-team numbers and the
// criteria still without evidence.
type Digest struct {
	Week      string       `json:"week"`
	Items     []store.View `json:"items"`
	FollowUps []store.View `json:"follow_ups"`
	Gaps      []Gap        `json:"gaps"`
	CrossTeam *Report      `json:"cross_team"`
	// Since and Until are the week's bounds (local midnights).
	Since string `json:"since"`
	Until string `json:"until"`
}

// DigestOptions say what the digest needs beyond the items.
type DigestOptions struct {
	Week     Period
	Today    string // YYYY-MM-DD, for the follow-ups due
	Criteria []classify.Criterion
	Report   Options // for the cross-team numbers; Since and Until are the week's
}

// BuildDigest makes the digest of o.Week from the week's items (suggested
// and confirmed), the follow-ups due and the gaps (see ReadDigest).
func BuildDigest(week, due []store.Item, gaps []Gap, o DigestOptions) *Digest {
	d := &Digest{Week: o.Week.Label, Items: []store.View{}, FollowUps: []store.View{}, Gaps: gaps,
		Since: o.Week.Since.Format(time.DateOnly), Until: o.Week.Until.AddDate(0, 0, -1).Format(time.DateOnly)}
	var sugg []*store.Item
	for i := range week {
		if it := &week[i]; it.State == store.Suggested && o.Week.Contains(it.Artifact.OccurredAt) {
			sugg = append(sugg, it)
		}
	}
	slices.SortFunc(sugg, ranked)
	for _, it := range sugg {
		d.Items = append(d.Items, it.View(o.Criteria))
	}
	for i := range due {
		if due[i].FollowUpDue(o.Today) {
			d.FollowUps = append(d.FollowUps, due[i].View(o.Criteria))
		}
	}
	ro := o.Report
	ro.Since, ro.Until = o.Week.Since, o.Week.Until
	d.CrossTeam = Build(week, ro)
	return d
}

// digestTop is how many of the week's suggestions the Markdown lists.
const digestTop = 10

// Markdown writes the digest for a mail or a notification.
func (d *Digest) Markdown(w io.Writer) error {
	fmt.Fprintf(w, "# evident: week %s (%s to %s)\n\n", d.Week, d.Since, d.Until)
	switch n := len(d.Items); n {
	case 0:
		fmt.Fprintf(w, "No new suggestions this week.\n")
	default:
		fmt.Fprintf(w, "## %s to triage, strongest first\n\n", titleCase(count(n, "suggestion")))
		for i, v := range d.Items {
			if i == digestTop {
				fmt.Fprintf(w, "- and %d more (routine ones can go at once: evident dismiss --routine --week %s)\n", n-digestTop, d.Week)
				break
			}
			fmt.Fprintf(w, "- **%s** %s · %s · `%s`\n", v.Strength, link(v.Title, v.URL), mdText(v.Summary), v.ID)
			if v.Strength != string(classify.StrengthRoutine) && len(v.StrengthReasons) > 0 {
				fmt.Fprintf(w, "  - why: %s\n", mdText(strings.Join(v.StrengthReasons, "; ")))
			}
		}
	}
	if len(d.FollowUps) > 0 {
		fmt.Fprintf(w, "\n## %s due: record what came of it\n\n", titleCase(count(len(d.FollowUps), "follow-up")))
		for _, v := range d.FollowUps {
			fmt.Fprintf(w, "- %s · due %s · `evident edit %s --outcome \"...\"`\n", link(v.Title, v.URL), v.FollowUp, v.ID)
		}
	}
	fmt.Fprintf(w, "\n## Cross-team this week\n\n%s\n", mdText(d.CrossTeam.Headline))
	for _, t := range d.CrossTeam.Teams {
		var parts []string
		if t.PRsReviewed > 0 {
			parts = append(parts, count(t.PRsReviewed, "PR")+" reviewed")
		}
		if t.Comments > 0 {
			parts = append(parts, count(t.Comments, "comment"))
		}
		if t.RFCsReviewed > 0 {
			parts = append(parts, count(t.RFCsReviewed, "RFC")+" with your feedback")
		}
		fmt.Fprintf(w, "- %s: %s\n", mdText(t.Name), strings.Join(parts, ", "))
	}
	if len(d.Gaps) > 0 {
		fmt.Fprintf(w, "\n## Criteria still without evidence\n\n")
		for _, g := range d.Gaps {
			fmt.Fprintf(w, "- %s (%s)\n", mdText(g.Text), g.ID)
			for _, it := range g.Suggested[:min(len(g.Suggested), 3)] {
				if it.State == store.Confirmed {
					fmt.Fprintf(w, "  - already selected: %s — `evident edit %s --criterion %s`\n", mdText(it.Title()), it.ID, g.ID)
					continue
				}
				fmt.Fprintf(w, "  - could be filled by %s `%s`\n", mdText(it.Title()), it.ID)
			}
		}
	}
	return nil
}

// ReadDigest builds the digest of o.Week from three reads that follow the
// week, not the store: the week's items, the follow-up index, and the gaps
// of all stored work (see ReadGaps).
func ReadDigest(ctx context.Context, s Scanner, o DigestOptions) (*Digest, error) {
	var week, due []store.Item
	collect := func(to *[]store.Item) func(*store.Item) error {
		return func(it *store.Item) error { *to = append(*to, *it); return nil }
	}
	f := store.Filter{States: []store.State{store.Suggested, store.Confirmed}, Since: o.Week.Since, Until: o.Week.Until}
	if err := s.Scan(ctx, f, collect(&week)); err != nil {
		return nil, err
	}
	if err := s.Scan(ctx, store.Filter{FollowUpsDue: o.Today}, collect(&due)); err != nil {
		return nil, err
	}
	gaps, err := ReadGaps(ctx, s, o.Criteria, Period{})
	if err != nil {
		return nil, err
	}
	return BuildDigest(week, due, gaps, o), nil
}

// ThisWeek is the ISO week of now, in now's location.
func ThisWeek(now time.Time) Period {
	p, _ := WeekPeriod(WeekOf(now), now.Location())
	return p
}
