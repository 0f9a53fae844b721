package report

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/evident-sync/evident/classify"
	"github.com/evident-sync/evident/connectors"
	"github.com/evident-sync/evident/pipeline/input"
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
	f, err := input.Filter{Since: since, Until: until}.Parse()
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

// ThisWeek is the ISO week of now, in now's location.
func ThisWeek(now time.Time) Period {
	p, _ := WeekPeriod(WeekOf(now), now.Location())
	return p
}
