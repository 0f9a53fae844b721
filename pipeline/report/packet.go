package report

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/evident-sync/evident/classify"
	"github.com/evident-sync/evident/connectors"
	"github.com/evident-sync/evident/pipeline/store"
)

// PacketOptions say whose packet it is and what it covers.
type PacketOptions struct {
	Name   string
	Period Period
	// Criteria are the level criteria the packet addresses.
	Criteria []classify.Criterion
	TeamName func(id string) string
	// Home names the user's home teams.
	Home []string
	Now  time.Time
}

// Packet writes the promotion case as Markdown for a committee that does
// not know the user's team: a summary (period, counts by scope, the teams
// helped, the strongest item of each domain); per domain, in packet order,
// the strong and notable items strongest first, each with its impact note,
// one sentence of facts with numbers, its scope in plain words, its
// outcome and the thread of related items folded under it, then the
// routine items rolled up into numbers per team and kind; and the level
// criteria with the items that support them. items are the evidence of the
// period and, for a bounded period, of the one before it (for the
// comparison lines); anything else is left out.
func Packet(w io.Writer, items []store.Item, o PacketOptions) error {
	p := newPacket(o)
	for i := range items {
		p.add(&items[i])
	}
	return p.write(w)
}

// WritePacket is Packet over the items of states that s holds for the
// period (and the one before it), read in one pass: only the items the
// packet shows one by one are kept, the routine rest is counted as it
// streams by, so a packet of thirty years costs the memory of its strong
// and notable items.
func WritePacket(ctx context.Context, s Scanner, w io.Writer, states []store.State, o PacketOptions) error {
	f := store.Filter{States: states, Since: o.Period.Since, Until: o.Period.Until}
	if prev := o.Period.Previous(); prev.Bounded() {
		f.Since = prev.Since
	}
	p := newPacket(o)
	if err := s.Scan(ctx, f, func(it *store.Item) error { p.add(it); return nil }); err != nil {
		return err
	}
	return p.write(w)
}

func newPacket(o PacketOptions) *packet {
	if o.TeamName == nil {
		o.TeamName = func(id string) string { return id }
	}
	return &packet{o: o, words: words{teamName: o.TeamName, home: o.Home}, prevPeriod: o.Period.Previous(),
		byScope: map[classify.Scope]int{}, teams: map[string]int{}, doms: map[classify.Domain]*domainTally{},
		before: map[classify.Domain]*[2]int{}, best: map[classify.Domain]*store.Item{}, critRoutine: map[string]int{},
		critMore: map[string]int{}, notable: map[classify.Domain][]*store.Item{}, keep: notableKeep,
		threads: map[string][]*store.Item{}, inThread: map[string]bool{}}
}

type packet struct {
	w io.Writer
	o PacketOptions
	words
	prevPeriod Period
	// cur are the period's items the packet may show one by one (strong,
	// notable, or in a thread), strongest first once written; the other
	// items of the period are counted as they stream by: byScope (all of them),
	// teams (cross-team or wider), doms (per domain, with their rollups),
	// critRoutine (per criterion), and best keeps each domain's strongest.
	cur         []*store.Item
	byScope     map[classify.Scope]int
	teams       map[string]int
	doms        map[classify.Domain]*domainTally
	before      map[classify.Domain]*[2]int // the previous period: items, cross-team or wider
	best        map[classify.Domain]*store.Item
	critRoutine map[string]int
	// notable holds, per domain, the notable items on their own (no
	// thread) that may still be listed: at most the domain's strongest
	// maxNotable and, for each criterion, its strongest criteriaShown; the
	// rest are counted as they are pruned, in the domain's rollup and in
	// critMore (listed supporters past those shown).
	notable  map[classify.Domain][]*store.Item
	critMore map[string]int
	keep     int // notableKeep; tests lower it
	// threads maps a thread's lead to the other items of the same piece of
	// work; inThread marks those other items (they are shown under it).
	threads  map[string][]*store.Item
	inThread map[string]bool
}

// domainTally counts a domain's items: all of them, those cross-team or
// wider, and the rolled-up ones.
type domainTally struct {
	all, wide int
	roll      rollup
}

// domainOf is the section an item is written in: its domain, or "" (not
// placed) for none of the four.
func domainOf(it *store.Item) classify.Domain {
	if d := it.Domain(); slices.Contains(classify.Domains, d) {
		return d
	}
	return ""
}

func (p *packet) dom(d classify.Domain) *domainTally {
	t := p.doms[d]
	if t == nil {
		t = &domainTally{}
		p.doms[d] = t
	}
	return t
}

// add takes one item of the period or of the one before it.
func (p *packet) add(it *store.Item) {
	t := it.Artifact.OccurredAt
	switch {
	case p.o.Period.Contains(t):
	case p.prevPeriod.Bounded() && p.prevPeriod.Contains(t):
		b := p.before[it.Domain()]
		if b == nil {
			b = &[2]int{}
			p.before[it.Domain()] = b
		}
		b[0]++
		if wide(it) {
			b[1]++
		}
		return
	default:
		return
	}
	p.byScope[it.Scope()]++
	if wide(it) {
		for _, t := range it.Class.Teams {
			p.teams[t]++
		}
	}
	dt := p.dom(domainOf(it))
	dt.all++
	if wide(it) {
		dt.wide++
	}
	if it.Strength() == classify.StrengthNotable && len(it.Related) == 0 {
		kept := lean(it)
		d := domainOf(it)
		p.notable[d] = append(p.notable[d], &kept)
		if len(p.notable[d]) >= p.keep {
			p.prune(d)
		}
		return
	}
	if listed(it) || len(it.Related) > 0 {
		kept := lean(it)
		p.cur = append(p.cur, &kept)
		return
	}
	// Routine and on its own: only ever counted, and shown only if it is
	// the strongest of its domain.
	dt.roll.add(it)
	for _, id := range it.Criteria(p.o.Criteria) {
		p.critRoutine[id]++
	}
	if b := p.best[it.Domain()]; b == nil || stronger(it, b) < 0 {
		kept := lean(it)
		p.best[it.Domain()] = &kept
	}
}

// notableKeep is how many notable items a domain holds before pruning
// them to what may be listed.
const notableKeep = 256

// criteriaShown is how many supporters a criterion lists one by one.
const criteriaShown = 5

// prune keeps the notable items of domain d that may still be listed (the
// strongest maxNotable, and each criterion's strongest criteriaShown) and
// counts the others where the packet would: rolled up in the domain, and
// among their criteria's listed supporters past those shown. Nothing
// pruned could have been listed: at least as many stronger items remain.
func (p *packet) prune(d classify.Domain) {
	items := p.notable[d]
	slices.SortFunc(items, stronger)
	perCriterion := map[string]int{}
	kept := items[:0]
	for i, it := range items {
		crit := it.Criteria(p.o.Criteria)
		keep := i < maxNotable
		for _, c := range crit {
			if perCriterion[c] < criteriaShown {
				keep = true
			}
			perCriterion[c]++
		}
		if keep {
			kept = append(kept, it)
			continue
		}
		p.dom(d).roll.add(it)
		for _, c := range crit {
			p.critMore[c]++
		}
	}
	clear(items[len(kept):])
	p.notable[d] = kept
}

// write writes the packet of what add took.
func (p *packet) write(w io.Writer) error {
	p.w = w
	for _, items := range p.notable {
		p.cur = append(p.cur, items...)
	}
	slices.SortFunc(p.cur, stronger)
	p.thread()
	p.summary()
	for _, d := range append(slices.Clone(classify.Domains), "") {
		p.domain(d)
	}
	p.criteria()
	return nil
}

func (p *packet) printf(format string, a ...any) { fmt.Fprintf(p.w, format, a...) }

// stronger orders items strongest first, then widest scope, then newest.
func stronger(x, y *store.Item) int {
	if c := cmp.Compare(x.Strength().Rank(), y.Strength().Rank()); c != 0 { // strong is rank 0
		return c
	}
	if c := cmp.Compare(y.Scope().Rank(), x.Scope().Rank()); c != 0 {
		return c
	}
	if c := y.Artifact.OccurredAt.Compare(x.Artifact.OccurredAt); c != 0 {
		return c
	}
	return cmp.Compare(x.ID, y.ID)
}

func listed(it *store.Item) bool { return it.Strength() != classify.StrengthRoutine }

// thread joins the items related to each other (the same piece of work in
// several sources) into threads led by their strongest item, when that
// item is strong or notable.
func (p *packet) thread() {
	byID := map[string]*store.Item{}
	for _, it := range p.cur {
		byID[it.ID] = it
	}
	seen := map[string]bool{}
	for _, lead := range p.cur { // strongest first: the first of a thread leads it
		if seen[lead.ID] {
			continue
		}
		var group []*store.Item
		queue := []*store.Item{lead}
		seen[lead.ID] = true
		for len(queue) > 0 {
			it := queue[0]
			queue = queue[1:]
			if it != lead {
				group = append(group, it)
			}
			for _, id := range it.Related {
				if o := byID[id]; o != nil && !seen[id] {
					seen[id] = true
					queue = append(queue, o)
				}
			}
		}
		if len(group) == 0 || !listed(lead) {
			continue
		}
		slices.SortFunc(group, func(x, y *store.Item) int {
			if c := cmp.Compare(kindOrder(x), kindOrder(y)); c != 0 {
				return c
			}
			return x.Artifact.OccurredAt.Compare(y.Artifact.OccurredAt)
		})
		p.threads[lead.ID] = group
		for _, it := range group {
			p.inThread[it.ID] = true
		}
	}
}

func kindOrder(it *store.Item) int {
	return slices.Index([]connectors.Kind{connectors.KindRFC, connectors.KindPR, connectors.KindReview, connectors.KindJiraIssue}, it.Artifact.Kind)
}

func (p *packet) summary() {
	title := "Promotion case"
	if p.o.Name != "" {
		title += ": " + p.o.Name
	}
	p.printf("# %s\n\n", mdText(title))
	by, teams := p.byScope, p.teams
	p.printf("**Period:** %s. Generated by evident on %s.\n\n", p.o.Period.Words(), p.o.Now.Format(time.DateOnly))
	var scopes []string
	for _, s := range []struct {
		scope classify.Scope
		words string
	}{{classify.ScopeOrg, "organisation-wide"}, {classify.ScopeCrossTeam, "cross-team"}, {classify.ScopeTeam, "within " + p.homeName()}, {classify.ScopeUnknown, "scope not established"}} {
		if by[s.scope] > 0 {
			scopes = append(scopes, thousands(by[s.scope])+" "+s.words)
		}
	}
	n := 0
	for _, k := range by {
		n += k
	}
	p.printf("**Evidence:** %s", count(n, "confirmed item"))
	if len(scopes) > 0 {
		p.printf(": %s", strings.Join(scopes, ", "))
	}
	p.printf(".\n\n")
	if len(teams) > 0 {
		ids := make([]string, 0, len(teams))
		for t := range teams {
			ids = append(ids, t)
		}
		slices.SortFunc(ids, func(a, b string) int {
			if c := cmp.Compare(teams[b], teams[a]); c != 0 {
				return c
			}
			return cmp.Compare(p.teamName(a), p.teamName(b))
		})
		var parts []string
		for i, t := range ids {
			unit := ""
			if i == 0 {
				unit = " items"
				if teams[t] == 1 {
					unit = " item"
				}
			}
			parts = append(parts, fmt.Sprintf("%s (%s%s)", mdText(p.teamName(t)), thousands(teams[t]), unit))
		}
		p.printf("**Teams helped beyond %s:** %s.\n\n", mdText(p.homeName()), strings.Join(parts, ", "))
	} else {
		p.printf("**Teams helped beyond %s:** none in this period.\n\n", mdText(p.homeName()))
	}
	p.printf("**Strongest in each domain:**\n\n")
	for _, d := range classify.Domains {
		var top *store.Item
		for _, it := range p.cur {
			if it.Domain() == d {
				top = it
				break
			}
		}
		if b := p.best[d]; b != nil && (top == nil || stronger(b, top) < 0) {
			top = b
		}
		if top == nil {
			p.printf("- %s: no confirmed evidence in this period.\n", d.Title())
			continue
		}
		line := p.words.facts(top)
		if top.User.Note != "" {
			line = mdText(top.User.Note)
		} else {
			line = mdText(line)
		}
		p.printf("- %s: %s (%s). %s\n", d.Title(), link(top.Title(), top.Artifact.URL), strings.ToLower(string(top.Strength())), line)
	}
}

// maxNotable is how many notable items a domain lists one by one (every
// strong one is listed): past it they count in the rolled-up numbers, so
// the case stays a ten-minute read whatever the period.
const maxNotable = 15

// domain writes one domain's section.
func (p *packet) domain(d classify.Domain) {
	dt := p.dom(d)
	var here, items []*store.Item
	notable := 0
	for _, it := range p.cur {
		if domainOf(it) != d {
			continue
		}
		here = append(here, it)
		switch {
		case p.inThread[it.ID]:
		case it.Strength() == classify.StrengthStrong,
			it.Strength() == classify.StrengthNotable && notable < maxNotable:
			if it.Strength() == classify.StrengthNotable {
				notable++
			}
			items = append(items, it)
		default:
			dt.roll.add(it) // the routine, and notable items past the cap
		}
	}
	if d == "" {
		if dt.all == 0 {
			return
		}
		p.printf("\n## Not placed in a domain\n")
	} else {
		p.printf("\n## %s\n", d.Title())
	}
	if prev := p.prevPeriod; prev.Bounded() {
		before := p.before[d]
		if before == nil {
			before = &[2]int{}
		}
		name := prev.Label
		if name == "" {
			name = "the previous " + fmt.Sprint(int(prev.Until.Sub(prev.Since).Hours()/24+0.5)) + " days"
		}
		p.printf("\nCompared with %s: %s (was %s); %s cross-team or wider (was %s).\n", name, count(dt.all, "item"), thousands(before[0]), share(dt.wide, dt.all), share(before[1], before[0]))
	}
	if dt.all == 0 {
		p.printf("\nNo confirmed evidence in this period.\n")
		return
	}
	if dt.wide == 0 {
		p.printf("\nNo cross-team evidence in this domain in this period: all of it is within %s.\n", mdText(p.homeName()))
	}
	for _, it := range items {
		p.item(it)
	}
	p.elsewhere(here, d)
	p.rollup(&dt.roll)
}

// elsewhere names the items of domain d that are shown in the thread of
// an item of another domain, so the domain's section still points to them.
func (p *packet) elsewhere(all []*store.Item, d classify.Domain) {
	for _, lead := range p.cur {
		group := p.threads[lead.ID]
		if len(group) == 0 || lead.Domain() == d {
			continue
		}
		var here []string
		for _, it := range group {
			if slices.Contains(all, it) {
				here = append(here, link(it.Title(), it.Artifact.URL))
			}
		}
		if len(here) > 0 {
			p.printf("\nIn the thread of %s under %s: %s.\n", link(lead.Title(), lead.Artifact.URL), lead.Domain().Title(), strings.Join(here, ", "))
		}
	}
}

func wide(it *store.Item) bool {
	s := it.Scope()
	return s == classify.ScopeCrossTeam || s == classify.ScopeOrg
}

// share is the part of n items that is cross-team or wider, as "57%"
// ("-" for none).
func share(wide, n int) string {
	if n == 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f%%", 100*float64(wide)/float64(n))
}

// item writes one strong or notable item with its thread.
func (p *packet) item(it *store.Item) {
	p.printf("\n### %s\n\n", link(it.Title(), it.Artifact.URL))
	p.printf("%s · %s · %s\n\n", titleCase(string(it.Strength())), day(it.Artifact.OccurredAt), mdText(kindNoun(it)+" "+placeOf(it)))
	if it.User.Note != "" {
		p.printf("- **Impact:** %s\n", mdText(it.User.Note))
	}
	p.printf("- **Facts:** %s\n", mdText(p.words.facts(it)))
	p.printf("- **Scope:** %s.\n", mdText(p.words.scope(it)))
	if it.User.Outcome != "" {
		p.printf("- **Outcome:** %s\n", mdText(it.User.Outcome))
	}
	if group := p.threads[it.ID]; len(group) > 0 {
		p.printf("- **Thread:** %s\n", mdText(threadLabel(append([]*store.Item{it}, group...))))
		for _, o := range group {
			p.printf("  - %s · %s · %s\n", link(o.Title(), o.Artifact.URL), mdText(kindNoun(o)), day(o.Artifact.OccurredAt))
		}
	}
}

// placeOf is where an item's work happened, for the line under its title.
func placeOf(it *store.Item) string {
	w := it.Where()
	if w == "" {
		return ""
	}
	if it.Artifact.Kind == connectors.KindRFC {
		return "in " + w
	}
	return w
}

// threadLabel is a thread in one line: "RFC → 6 PRs → epic PAY-117 resolved".
func threadLabel(items []*store.Item) string {
	sorted := slices.Clone(items)
	slices.SortStableFunc(sorted, func(x, y *store.Item) int { return cmp.Compare(kindOrder(x), kindOrder(y)) })
	var parts []string
	for i := 0; i < len(sorted); {
		j := i
		for j < len(sorted) && sorted[j].Artifact.Kind == sorted[i].Artifact.Kind {
			j++
		}
		group := sorted[i:j]
		first := group[0]
		switch {
		case first.Artifact.Kind == connectors.KindJiraIssue && len(group) == 1:
			s := kindNoun(first) + " " + first.Where()
			if first.Class.Signals.Resolved {
				s += " resolved"
			}
			parts = append(parts, s)
		case first.Artifact.Kind == connectors.KindJiraIssue:
			parts = append(parts, count(len(group), "Jira issue"))
		case len(group) == 1:
			parts = append(parts, kindNoun(first))
		default:
			parts = append(parts, count(len(group), kindNoun(first)))
		}
		i = j
	}
	return strings.Join(parts, " → ")
}

// tally counts routine items of one kind for one team.
type tally struct{ n, comments, changes, merged, resolved int }

// rollup counts the items a domain rolls up: n in all, more of them
// notable (past the listed ones), and per kind, per team, a tally.
type rollup struct {
	n, more int
	byKind  map[connectors.Kind]map[string]*tally
}

// The rollup's teams that are not teams: the user's own, and none known.
const rollHome, rollUnplaced = "\x00home", "\x00unplaced"

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
	add := func(team string) {
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
	switch {
	case wide(it) && len(it.Class.Teams) > 0:
		for _, t := range it.Class.Teams {
			add(t)
		}
	case it.Scope() == classify.ScopeUnknown:
		add(rollUnplaced)
	default:
		add(rollHome)
	}
}

// rollup writes the routine items as numbers per kind and team.
func (p *packet) rollup(r *rollup) {
	if r.n == 0 {
		return
	}
	p.printf("\n### Routine work\n\n")
	kinds := []struct {
		kind        connectors.Kind
		label, unit string
	}{
		{connectors.KindReview, "Reviews", "PR"},
		{connectors.KindRFC, "Design-document feedback and authorship", "RFC"},
		{connectors.KindPR, "Pull requests authored", "PR"},
		{connectors.KindJiraIssue, "Jira issues", "issue"},
	}
	for _, k := range kinds {
		byTeam := r.byKind[k.kind]
		if len(byTeam) == 0 {
			continue
		}
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
				foreign = append(foreign, fmt.Sprintf("%s — %s", mdText(p.teamName(t)), byTeam[t].words(k.unit)))
			}
		}
		if len(foreign) > 0 {
			p.printf("- %s for other teams: %s.\n", k.label, strings.Join(foreign, "; "))
		}
		if t := byTeam[rollHome]; t != nil {
			p.printf("- %s within %s: %s.\n", k.label, mdText(p.homeName()), t.words(k.unit))
		}
		if t := byTeam[rollUnplaced]; t != nil {
			p.printf("- %s not placed in a team: %s.\n", k.label, t.words(k.unit))
		}
	}
	if r.more > 0 {
		p.printf("\n%s rolled up here (%s of them notable, past the %d listed above); each is listed in the JSON export.\n", titleCase(count(r.n, "item")), thousands(r.more), maxNotable)
		return
	}
	p.printf("\n%s rolled up here; each is listed in the JSON export.\n", titleCase(count(r.n, "routine item")))
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

// criteria writes the level criteria with the items that support them.
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
			p.printf("%s: no evidence yet.\n", c.Domain.Title())
			continue
		}
		p.printf("%s: %s.\n\n", c.Domain.Title(), count(total, "item"))
		shown, more, routine := 0, p.critMore[c.ID], p.critRoutine[c.ID]
		for _, it := range support {
			switch {
			case !listed(it):
				routine++
			case shown == criteriaShown:
				more++
			default:
				shown++
				p.printf("- %s · %s · %s\n", link(it.Title(), it.Artifact.URL), strings.ToLower(string(it.Strength())), day(it.Artifact.OccurredAt))
			}
		}
		if more > 0 {
			p.printf("- and %s more strong or notable\n", thousands(more))
		}
		if routine > 0 {
			p.printf("- %s, counted in the domain's routine work\n", count(routine, "routine item"))
		}
	}
}

func titleCase(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// urlEscaper keeps a link's URL inside Markdown's parentheses; built once
// (a replacer per link was most of a packet's allocations).
var urlEscaper = strings.NewReplacer("(", "%28", ")", "%29", " ", "%20")

var mdEscaper = strings.NewReplacer(`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`, "<", "&lt;", ">", "&gt;")

func mdText(s string) string { return mdEscaper.Replace(strings.Join(strings.Fields(s), " ")) }

// link is text linked to an http(s) URL; a local document shows its path
// instead, and anything else just the text.
func link(text, raw string) string {
	u, err := url.Parse(raw)
	switch {
	case raw == "" || err != nil:
		return mdText(text)
	case u.Scheme == "http" || u.Scheme == "https":
		return fmt.Sprintf("[%s](%s)", mdText(text), urlEscaper.Replace(raw))
	case u.Scheme == "file":
		return fmt.Sprintf("%s (%s)", mdText(text), mdText(u.Path))
	}
	return mdText(text)
}

func day(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Local().Format(time.DateOnly)
}
