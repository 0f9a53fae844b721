package report

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/evident-sync/evident/classify"
	"github.com/evident-sync/evident/connectors"
	"github.com/evident-sync/evident/pipeline/store"
)

// tally counts rolled-up items of one kind for one team.
type tally struct{ n, comments, changes, merged, resolved int }

// rollup counts the items a domain rolls up: n in all, more of them
// notable (past the listed ones), and per kind, per team, a tally.
type rollup struct {
	n, more int
	byKind  map[connectors.Kind]map[string]*tally
}

// The rollup's teams that are not teams: the user's own, and none known.
const rollHome, rollUnplaced = "\x00home", "\x00unplaced"

// add counts one item for the one team it was for (store.Item.ForTeam),
// so the numbers per team add up to the items.
func (r *rollup) add(it *store.Item) {
	r.n++
	if it.Strength() != classify.StrengthRoutine {
		r.more++
	}
	if r.byKind == nil {
		r.byKind = map[connectors.Kind]map[string]*tally{}
	}
	byTeam := r.byKind[it.Artifact.Kind]
	if byTeam == nil {
		byTeam = map[string]*tally{}
		r.byKind[it.Artifact.Kind] = byTeam
	}
	team := rollHome
	switch {
	case wide(it) && it.ForTeam() != "":
		team = it.ForTeam()
		if _, ok := byTeam[team]; !ok {
			team = strings.Clone(team) // a map key must not pin the item's record
		}
	case it.Scope() == classify.ScopeUnknown, wide(it):
		team = rollUnplaced
	}
	t := byTeam[team]
	if t == nil {
		t = &tally{}
		byTeam[team] = t
	}
	s := &it.Class.Signals
	t.n++
	t.comments += s.Comments
	if s.ChangesRequested {
		t.changes++
	}
	if s.Merged {
		t.merged++
	}
	if s.Resolved {
		t.resolved++
	}
}

// rollup writes the items not listed one by one as numbers per kind and
// team.
func (p *packet) rollup(r *rollup) {
	if r.n == 0 {
		return
	}
	p.printf("\n### The rest, in numbers\n\n")
	kinds := []struct {
		kind        connectors.Kind
		label, unit string
	}{
		{connectors.KindReview, "Code reviews", "PR"},
		{connectors.KindRFC, "Design documents written or reviewed", "document"},
		{connectors.KindPR, "Pull requests authored", "PR"},
		{connectors.KindJiraIssue, "Issues", "issue"},
		{connectors.KindEntry, "Work recorded without an artifact", "entry"},
	}
	for _, k := range kinds {
		if byTeam := r.byKind[k.kind]; len(byTeam) > 0 {
			p.rollupKind(byTeam, k.label, k.unit)
		}
	}
	if r.more > 0 {
		p.printf("\n%s in all, %s of them notable beyond those listed above.\n", titleCase(count(r.n, "item")), thousands(r.more))
		return
	}
	p.printf("\n%s in all.\n", titleCase(count(r.n, "item")))
}

func (p *packet) rollupKind(byTeam map[string]*tally, label, unit string) {
	teams := make([]string, 0, len(byTeam))
	for t := range byTeam {
		teams = append(teams, t)
	}
	slices.SortFunc(teams, func(a, b string) int {
		if c := cmp.Compare(byTeam[b].n, byTeam[a].n); c != 0 {
			return c
		}
		if c := cmp.Compare(p.teamName(a), p.teamName(b)); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	var foreign []string
	for _, t := range teams {
		if t != rollHome && t != rollUnplaced {
			foreign = append(foreign, fmt.Sprintf("%s — %s", mdText(p.teamName(t)), byTeam[t].words(unit)))
		}
	}
	if len(foreign) > 0 {
		p.printf("- %s for other teams: %s.\n", label, strings.Join(foreign, "; "))
	}
	if t := byTeam[rollHome]; t != nil {
		p.printf("- %s within %s: %s.\n", label, mdText(p.homeName()), t.words(unit))
	}
	if t := byTeam[rollUnplaced]; t != nil {
		p.printf("- %s whose team is not recorded: %s.\n", label, t.words(unit))
	}
}

func (t *tally) words(unit string) string {
	parts := []string{count(t.n, unit)}
	if t.comments > 0 {
		parts = append(parts, count(t.comments, "comment"))
	}
	if t.changes > 0 {
		parts = append(parts, count(t.changes, "change request"))
	}
	if t.merged > 0 {
		parts = append(parts, thousands(t.merged)+" merged")
	}
	if t.resolved > 0 {
		parts = append(parts, thousands(t.resolved)+" resolved")
	}
	return strings.Join(parts, ", ")
}

// criteria writes the level criteria, each with the items that support it
// and, in a clause, why; where no item matches a criterion's keywords but
// items of its domain exist, it names them rather than claim there is no
// evidence.
func (p *packet) criteria() {
	if len(p.o.Criteria) == 0 {
		return
	}
	p.printf("\n## Level criteria\n")
	for _, c := range p.o.Criteria {
		p.printf("\n### %s\n\n", mdText(c.Text))
		var support []*store.Item
		for _, it := range p.cur {
			if slices.Contains(it.Criteria(p.o.Criteria), c.ID) {
				support = append(support, it)
			}
		}
		total := len(support) + p.critRoutine[c.ID] + p.critMore[c.ID]
		if total == 0 {
			p.unmet(c)
			continue
		}
		p.printf("%s, in %s:\n\n", titleCase(count(total, "item")), strings.ToLower(c.Domain.Title()))
		listedHere, above, counted := 0, 0, p.critRoutine[c.ID]+p.critMore[c.ID]
		for _, it := range support {
			switch {
			case !p.shown[it.ID]:
				counted++
			case listedHere == criteriaShown:
				above++
			default:
				listedHere++
				p.printf("- %s (%s): %s\n", link(it.Title(), it.Artifact.URL), day(it.Artifact.OccurredAt), why(c, it))
			}
		}
		if above > 0 {
			p.printf("- and %s more shown in its section above\n", thousands(above))
		}
		switch {
		case counted > 0 && listedHere+above == 0:
			p.printf("- %s, counted in its section's numbers\n", count(counted, "item"))
		case counted > 0:
			p.printf("- and %s counted in its section's numbers\n", count(counted, "more item"))
		}
	}
}

// why is the clause that says how an item meets a criterion.
func why(c classify.Criterion, it *store.Item) string {
	if slices.Contains(it.User.Criteria, c.ID) {
		return "chosen by you"
	}
	if k := c.Keyword(it.Title(), it.Class.Summary, it.User.Note, it.User.Outcome); k != "" {
		return fmt.Sprintf("%s work that mentions “%s”", strings.ToLower(c.Domain.Title()), mdText(k))
	}
	return strings.ToLower(c.Domain.Title()) + " work"
}

// unmet writes a criterion no item supports: the items of its domain that
// may speak to it, or that the period has none.
func (p *packet) unmet(c classify.Criterion) {
	var near []string
	for _, it := range p.cur {
		if domainOf(it) == c.Domain && listed(it) && len(near) < criteriaShown {
			near = append(near, link(it.Title(), it.Artifact.URL))
		}
	}
	n := p.dom(c.Domain).all
	switch {
	case n == 0:
		p.printf("No evidence in %s in this period.\n", strings.ToLower(c.Domain.Title()))
	case len(c.Keywords) == 0:
		p.printf("No item is tied to it yet.\n")
	case len(near) > 0:
		p.printf("No item mentions %s, but these %s items may speak to it: %s.\n", orList(c.Keywords), strings.ToLower(c.Domain.Title()), strings.Join(near, ", "))
	default:
		p.printf("No item mentions %s, but the %s of %s, counted in its section, may speak to it.\n", orList(c.Keywords), count(n, "item"), strings.ToLower(c.Domain.Title()))
	}
}

func orList(words []string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = "“" + mdText(w) + "”"
	}
	switch len(q) {
	case 0:
		return ""
	case 1:
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}
