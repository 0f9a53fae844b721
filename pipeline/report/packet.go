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
	// Describe gives a repository's one-line description from the config
	// ("" for none); the packet gives it the first time it names the place.
	Describe func(repo string) string
	// States are the states the packet is written from: the selected
	// (confirmed) items by default; others change its words ("found", not
	// "selected").
	States []store.State
}

// Packet writes the promotion case as Markdown for a committee that does
// not know the user's team, as the career advice evident follows has it:
// lead with the strongest example, write for readers with no context, be
// honest about scope. In order:
//
//   - the period, where the evidence starts, and the counts by scope;
//   - a headline of the two or three strongest items of all, each with the
//     user's outcome and note;
//   - per domain: one entry for every item the user wrote a note or an
//     outcome for (never cut) and every strong item, ranked by the user's
//     own signals first (strength set by hand, outcome, note), then
//     strength, scope and recency; each with the user's words, one sentence
//     of facts, its scope in plain words and its thread of related work;
//     then the other notable items one line each ("More evidence"); then
//     the rest as numbers per team and kind;
//   - the level criteria, each with the items that support it and why.
//
// items are the evidence of the period and, for a bounded period, of the
// one before it (for the comparison lines); anything else is left out.
func Packet(w io.Writer, items []store.Item, o PacketOptions) error {
	p := newPacket(o)
	for i := range items {
		p.add(&items[i])
	}
	return p.write(w)
}

// WritePacket is Packet over the items of states that s holds for the
// period (and the one before it), read in one pass: only the items the
// packet may show one by one are kept, the rest are counted as they stream
// by, so a packet of thirty years costs the memory of what it lists.
func WritePacket(ctx context.Context, s Scanner, w io.Writer, states []store.State, o PacketOptions) error {
	f := store.Filter{States: states, Since: o.Period.Since, Until: o.Period.Until}
	if prev := o.Period.Previous(); prev.Bounded() {
		f.Since = prev.Since
	}
	if o.States == nil {
		o.States = states
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
		byScope: map[classify.Scope]int{}, byState: map[store.State]int{}, teams: map[string]int{},
		doms: map[classify.Domain]*domainTally{}, before: map[classify.Domain]*[2]int{},
		critRoutine: map[string]int{}, critMore: map[string]int{}, notable: map[classify.Domain][]*store.Item{}, keep: notableKeep,
		threads: map[string][]*store.Item{}, inThread: map[string]bool{}, entries: map[string]bool{}, shown: map[string]bool{}, described: map[string]bool{}}
}

type packet struct {
	w io.Writer
	o PacketOptions
	words
	prevPeriod Period
	// cur are the period's items the packet may show as entries (noted,
	// strong, or related to others), ranked once written; the other items
	// of the period are counted as they stream by: byScope and byState (all
	// of them), orgWide (org scope by where the work lives), teams (cross-
	// team or wider, each for its one team), doms (per domain, with their
	// rollups) and critRoutine (per criterion).
	cur         []*store.Item
	byScope     map[classify.Scope]int
	byState     map[store.State]int
	orgWide     int
	teams       map[string]int
	doms        map[classify.Domain]*domainTally
	before      map[classify.Domain]*[2]int // the previous period: items, cross-team or wider
	prevTotal   int
	first       time.Time // the period's earliest item
	critRoutine map[string]int
	// notable holds, per domain, the notable items with no note, no
	// outcome and no related work that may still be listed under "More
	// evidence" (the domain's strongest moreShown); the rest are counted as
	// they are pruned, in the domain's rollup and in critMore.
	notable  map[classify.Domain][]*store.Item
	critMore map[string]int
	keep     int // notableKeep; tests lower it
	// threads maps a thread's lead to the other items of the same piece of
	// work; inThread marks those other items (they are shown under it);
	// entries marks the items written as entries of their own.
	threads  map[string][]*store.Item
	inThread map[string]bool
	entries  map[string]bool
	// shown marks every item the domain sections show (entries, thread
	// members, lines of More evidence), for the criteria's counts.
	shown map[string]bool
	// described marks the places already described.
	described map[string]bool
}

// domainTally counts a domain's items: all of them, those cross-team or
// wider, those of established team scope, and the rolled-up ones.
type domainTally struct {
	all, wide, home int
	roll            rollup
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
		b := p.before[domainOf(it)]
		if b == nil {
			b = &[2]int{}
			p.before[domainOf(it)] = b
		}
		b[0]++
		p.prevTotal++
		if wide(it) {
			b[1]++
		}
		return
	default:
		return
	}
	p.count(it)
	switch {
	case noted(it) || it.Strength() == classify.StrengthStrong || len(it.Related) > 0:
		kept := lean(it)
		p.cur = append(p.cur, &kept)
	case it.Strength() == classify.StrengthNotable:
		kept := lean(it)
		d := domainOf(it)
		p.notable[d] = append(p.notable[d], &kept)
		if len(p.notable[d]) >= p.keep {
			p.prune(d)
		}
	default:
		// Routine, with no note and on its own: only ever counted.
		p.dom(domainOf(it)).roll.add(it)
		for _, id := range it.Criteria(p.o.Criteria) {
			p.critRoutine[id]++
		}
	}
}

// count adds an item of the period to the summary's numbers.
func (p *packet) count(it *store.Item) {
	if t := it.Artifact.OccurredAt; p.first.IsZero() || t.Before(p.first) {
		p.first = t
	}
	p.byScope[it.Scope()]++
	p.byState[it.State]++
	if it.Scope() == classify.ScopeOrg && it.Class.OrgWide && it.User.Scope == "" {
		p.orgWide++
	}
	dt := p.dom(domainOf(it))
	dt.all++
	switch {
	case wide(it):
		dt.wide++
		if t := it.ForTeam(); t != "" {
			if _, ok := p.teams[t]; !ok {
				t = strings.Clone(t) // a map key must not pin the item's record
			}
			p.teams[t]++
		}
	case it.Scope() == classify.ScopeTeam:
		dt.home++
	}
}

// noted reports whether the user wrote something of their own on the
// item: those words are never cut.
func noted(it *store.Item) bool { return it.User.Note != "" || it.User.Outcome != "" }

// notableKeep is how many notable items a domain holds before pruning
// them to what may be listed.
const notableKeep = 256

// criteriaShown is how many supporters a criterion lists one by one.
const criteriaShown = 5

// moreShown is how many notable items with nothing of the user's a domain
// lists one line each under "More evidence"; the rest are counted, so the
// case stays a ten-minute read whatever the period.
const moreShown = 8

// prune keeps the notable items of domain d that may still be listed (the
// strongest moreShown) and counts the others where the packet would:
// rolled up in the domain, and among their criteria's supporters counted
// in numbers. Nothing pruned could have been listed: at least as many
// stronger items remain.
func (p *packet) prune(d classify.Domain) {
	items := p.notable[d]
	slices.SortFunc(items, ranked)
	for _, it := range items[min(len(items), moreShown):] {
		p.dom(d).roll.add(it)
		for _, c := range it.Criteria(p.o.Criteria) {
			p.critMore[c]++
		}
	}
	clear(items[min(len(items), moreShown):])
	p.notable[d] = items[:min(len(items), moreShown)]
}

// write writes the packet of what add took.
func (p *packet) write(w io.Writer) error {
	p.w = w
	for _, items := range p.notable {
		p.cur = append(p.cur, items...)
	}
	slices.SortFunc(p.cur, ranked)
	p.thread()
	for _, it := range p.cur {
		if !p.inThread[it.ID] && (noted(it) || it.Strength() == classify.StrengthStrong || len(p.threads[it.ID]) > 0) {
			p.entries[it.ID] = true
		}
	}
	p.summary()
	p.headline()
	for _, d := range append(slices.Clone(classify.Domains), "") {
		p.domain(d)
	}
	p.criteria()
	return nil
}

func (p *packet) printf(format string, a ...any) { fmt.Fprintf(p.w, format, a...) }

// userRank is how much the user said of an item themselves: strength set
// to strong by hand, an outcome recorded, a note written (most first).
func userRank(it *store.Item) int {
	r := 0
	if it.User.Strength == classify.StrengthStrong {
		r += 4
	}
	if it.User.Outcome != "" {
		r += 2
	}
	if it.User.Note != "" {
		r++
	}
	return r
}

// ranked orders items as the packet lists them: the user's own signals
// first, then strength, scope and recency.
func ranked(x, y *store.Item) int {
	if c := cmp.Compare(userRank(y), userRank(x)); c != 0 {
		return c
	}
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

// leads orders the items of one piece of work for who leads its thread:
// the one the user marked strong by hand, then the one the user authored,
// then as ranked.
func leads(x, y *store.Item) int {
	hand := func(it *store.Item) bool { return it.User.Strength == classify.StrengthStrong }
	if c := cmpBool(hand(x), hand(y)); c != 0 {
		return c
	}
	if c := cmpBool(authored(x), authored(y)); c != 0 {
		return c
	}
	return ranked(x, y)
}

func cmpBool(x, y bool) int {
	switch {
	case x == y:
		return 0
	case x:
		return -1
	}
	return 1
}

// authored reports whether the user wrote the work (an RFC or a PR) rather
// than reviewed or tracked it.
func authored(it *store.Item) bool {
	k := it.Artifact.Kind
	return (k == connectors.KindRFC || k == connectors.KindPR) && it.Artifact.HasRole(connectors.RoleAuthor)
}

func listed(it *store.Item) bool { return it.Strength() != classify.StrengthRoutine || noted(it) }

// thread joins the items related to each other (the same piece of work in
// several sources) into threads led by the item the user marked strongest
// or authored, when that item may be listed.
func (p *packet) thread() {
	byID := map[string]*store.Item{}
	for _, it := range p.cur {
		byID[it.ID] = it
	}
	seen := map[string]bool{}
	for _, start := range p.cur {
		if seen[start.ID] {
			continue
		}
		group := []*store.Item{start}
		seen[start.ID] = true
		for i := 0; i < len(group); i++ {
			for _, id := range group[i].Related {
				if o := byID[id]; o != nil && !seen[id] {
					seen[id] = true
					group = append(group, o)
				}
			}
		}
		if len(group) < 2 {
			continue
		}
		slices.SortFunc(group, leads)
		lead, rest := group[0], group[1:]
		if !listed(lead) {
			continue
		}
		slices.SortFunc(rest, func(x, y *store.Item) int {
			if c := cmp.Compare(kindOrder(x), kindOrder(y)); c != 0 {
				return c
			}
			return x.Artifact.OccurredAt.Compare(y.Artifact.OccurredAt)
		})
		p.threads[lead.ID] = rest
		for _, it := range rest {
			p.inThread[it.ID] = true
		}
	}
}

func kindOrder(it *store.Item) int {
	return slices.Index([]connectors.Kind{connectors.KindRFC, connectors.KindPR, connectors.KindReview, connectors.KindJiraIssue}, it.Artifact.Kind)
}

// selectedOnly reports whether the packet is written from the user's
// selection alone (the default), so its words may say "selected".
func (p *packet) selectedOnly() bool {
	return len(p.o.States) == 0 || (len(p.o.States) == 1 && p.o.States[0] == store.Confirmed)
}

func (p *packet) summary() {
	title := "Promotion case"
	if p.o.Name != "" {
		title += ": " + p.o.Name
	}
	p.printf("# %s\n\n", mdText(title))
	p.printf("**Period:** %s.%s Generated on %s.\n\n", p.o.Period.Words(), p.startsLate(), p.o.Now.Format(time.DateOnly))
	n := 0
	for _, k := range p.byScope {
		n += k
	}
	p.printf("**Evidence:** %s", p.evidenceWords(n))
	if parts := p.scopeParts(); len(parts) > 0 {
		p.printf(": %s", strings.Join(parts, ", "))
	}
	p.printf(".\n\n")
	p.helped()
}

// evidenceWords counts the items the packet is written from, saying which.
func (p *packet) evidenceWords(n int) string {
	if p.selectedOnly() {
		return count(n, "item") + " selected as evidence"
	}
	if open := p.byState[store.Suggested]; open > 0 {
		return fmt.Sprintf("all %s found, not yet triaged: %s", count(n, "item"), thousands(open))
	}
	return "all " + count(n, "item") + " found"
}

// startsLate says where the evidence starts when that is well after the
// period's start, so an empty half is not read as a quiet one.
func (p *packet) startsLate() string {
	if !p.o.Period.Bounded() || p.first.IsZero() || p.first.Sub(p.o.Period.Since) < 14*24*time.Hour || p.prevTotal > 0 {
		return ""
	}
	what := "selected"
	if !p.selectedOnly() {
		what = "found"
	}
	return fmt.Sprintf(" The evidence starts on %s: nothing earlier was %s.", day(p.first), what)
}

// scopeParts are the summary's counts by scope, in honest words.
func (p *packet) scopeParts() []string {
	var parts []string
	by := p.byScope
	if p.orgWide > 0 {
		parts = append(parts, thousands(p.orgWide)+" organisation-wide")
	}
	if n := by[classify.ScopeOrg] - p.orgWide; n > 0 {
		parts = append(parts, thousands(n)+" involving three or more teams")
	}
	if n := by[classify.ScopeCrossTeam]; n > 0 {
		parts = append(parts, thousands(n)+" for another team")
	}
	if n := by[classify.ScopeTeam]; n > 0 {
		parts = append(parts, thousands(n)+" within "+mdText(p.homeName()))
	}
	if n := by[classify.ScopeUnknown]; n > 0 {
		parts = append(parts, thousands(n)+" whose team is not recorded")
	}
	return parts
}

// helped names the other teams the work was for, each item counted once
// (for the team it was for), so the numbers add up.
func (p *packet) helped() {
	teams := p.teams
	if len(teams) == 0 {
		p.printf("**Teams helped beyond %s:** none in this period.\n", mdText(p.homeName()))
		return
	}
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
	p.printf("**Teams helped beyond %s:** %s.\n", mdText(p.homeName()), strings.Join(parts, ", "))
}

// headlineSize is how many items the packet opens with.
const headlineSize = 3

// headline opens the case with the strongest work of all domains: the
// items the user said most of, then the strongest, each with its outcome
// and the user's note.
func (p *packet) headline() {
	var top []*store.Item
	for _, it := range p.cur {
		if p.entries[it.ID] && len(top) < headlineSize && (userRank(it) > 0 || it.Strength() == classify.StrengthStrong) {
			top = append(top, it)
		}
	}
	if len(top) == 0 {
		return
	}
	p.printf("\n## The strongest work\n\n")
	for i, it := range top {
		p.printf("%d. **%s** (%s, %s).", i+1, link(it.Title(), it.Artifact.URL), domainOf(it).Title(), month(it.Artifact.OccurredAt))
		if it.User.Note != "" {
			p.printf(" %s", sentence(it.User.Note))
		}
		if it.User.Outcome != "" {
			p.printf(" Outcome: %s", sentence(it.User.Outcome))
		}
		if !noted(it) {
			p.printf(" %s", mdText(p.facts(it)))
		}
		p.printf("\n")
	}
}

// sentence is the user's words as one sentence of Markdown: ended with a
// full stop when they did not end it.
func sentence(s string) string {
	t := mdText(s)
	if t != "" && !strings.ContainsAny(t[len(t)-1:], ".!?") {
		t += "."
	}
	return t
}

// domain writes one domain's section.
func (p *packet) domain(d classify.Domain) {
	dt := p.dom(d)
	var entries, more []*store.Item
	for _, it := range p.cur {
		switch {
		case domainOf(it) != d:
		case p.inThread[it.ID]:
			p.shown[it.ID] = true
		case p.entries[it.ID]:
			entries = append(entries, it)
			p.shown[it.ID] = true
		case it.Strength() == classify.StrengthNotable && len(more) < moreShown:
			more = append(more, it)
			p.shown[it.ID] = true
		default:
			dt.roll.add(it) // the routine, and notable items past those listed
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
	p.compare(d, dt)
	if dt.all == 0 {
		return
	}
	for _, it := range entries {
		p.item(it)
	}
	p.elsewhere(d)
	if len(more) > 0 {
		p.printf("\n### More evidence\n\n")
		for _, it := range more {
			p.printf("- %s (%s): %s\n", link(it.Title(), it.Artifact.URL), day(it.Artifact.OccurredAt), mdText(p.facts(it)))
		}
	}
	p.rollup(&dt.roll)
}

// compare writes a domain's numbers, against the period before when that
// period has any evidence at all, and what its scope is when none of it
// reaches beyond the home team.
func (p *packet) compare(d classify.Domain, dt *domainTally) {
	beyond := "beyond " + mdText(p.homeName())
	line := fmt.Sprintf("%s, %s %s", count(dt.all, "item"), share(dt.wide, dt.all), beyond)
	if dt.all == 0 {
		line = "No evidence in this period"
	}
	if prev := p.prevPeriod; prev.Bounded() && p.prevTotal > 0 {
		before := p.before[d]
		if before == nil {
			before = &[2]int{}
		}
		name := prev.Label
		if name == "" {
			name = "the " + fmt.Sprint(int(prev.Until.Sub(prev.Since).Hours()/24+0.5)) + " days before"
		}
		if before[0] == 0 {
			line += fmt.Sprintf("; in %s: none", name)
		} else {
			line += fmt.Sprintf("; in %s: %s, %s", name, thousands(before[0]), share(before[1], before[0]))
		}
	}
	p.printf("\n%s.\n", line)
	if dt.all == 0 || dt.wide > 0 {
		return
	}
	unknown := dt.all - dt.home
	switch {
	case unknown == 0:
		p.printf("\nNone of it reaches beyond %s in this period.\n", mdText(p.homeName()))
	case dt.home == 0:
		p.printf("\nFor none of it is the team it was for recorded, so none is counted as work beyond %s or within it.\n", mdText(p.homeName()))
	default:
		p.printf("\nNone of it is recorded as reaching beyond %s: %s within it, and for %s the team is not recorded.\n", mdText(p.homeName()), thousands(dt.home), thousands(unknown))
	}
}

// elsewhere names the items of domain d that are shown in the thread of
// an entry of another domain, so the domain's section still points to
// them; every lead it names is an entry, so the pointer always lands.
func (p *packet) elsewhere(d classify.Domain) {
	for _, lead := range p.cur {
		group := p.threads[lead.ID]
		if len(group) == 0 || domainOf(lead) == d || !p.entries[lead.ID] {
			continue
		}
		var here []string
		for _, it := range group {
			if domainOf(it) == d {
				here = append(here, link(it.Title(), it.Artifact.URL))
			}
		}
		if len(here) > 0 {
			p.printf("\nShown with %s under %s: %s.\n", link(lead.Title(), lead.Artifact.URL), domainOf(lead).Title(), strings.Join(here, ", "))
		}
	}
}

func wide(it *store.Item) bool {
	s := it.Scope()
	return s == classify.ScopeCrossTeam || s == classify.ScopeOrg
}

// share is the part of n items that is cross-team or wider, as "57%".
func share(wide, n int) string {
	if n == 0 {
		return "0%"
	}
	return fmt.Sprintf("%.0f%%", 100*float64(wide)/float64(n))
}

// item writes one entry with its thread.
func (p *packet) item(it *store.Item) {
	p.printf("\n### %s\n\n", link(it.Title(), it.Artifact.URL))
	p.printf("%s · %s%s\n\n", day(it.Artifact.OccurredAt), mdText(what(it)), p.describe(it))
	if it.User.Note != "" {
		p.printf("- **Impact:** %s\n", sentence(it.User.Note))
	}
	if it.User.Outcome != "" {
		p.printf("- **Outcome:** %s\n", sentence(it.User.Outcome))
	}
	p.printf("- **Facts:** %s\n", mdText(p.facts(it)))
	p.printf("- **Scope:** %s.\n", mdText(p.words.scope(it)))
	group := p.threads[it.ID]
	if len(group) == 0 {
		return
	}
	p.printf("- **Thread:** %s\n", mdText(threadLabel(append([]*store.Item{it}, group...))))
	for _, o := range group {
		p.printf("  - %s · %s · %s\n", link(o.Title(), o.Artifact.URL), mdText(relation(it, o)), day(o.Artifact.OccurredAt))
		if o.User.Note != "" {
			p.printf("    - Impact: %s\n", sentence(o.User.Note))
		}
		if o.User.Outcome != "" {
			p.printf("    - Outcome: %s\n", sentence(o.User.Outcome))
		}
	}
}

// what is the kind of work and where it lives, for the line under an
// entry's title: "Code review of acme/ledger#990", "Design document
// docs/0042-refunds.md", "Epic PAY-117".
func what(it *store.Item) string {
	switch it.Artifact.Kind {
	case connectors.KindReview:
		return "Code review of " + it.Where()
	case connectors.KindPR:
		return "Pull request " + it.Where()
	case connectors.KindRFC:
		if path := localPath(it); path != "" {
			return "Design document " + path
		}
		if c := it.Artifact.Container; strings.Contains(c, "/") {
			return "Design document in " + c
		}
		if n := it.Artifact.ContainerName; n != "" {
			return "Design document in " + n // a Drive folder, by its name
		}
		return "Design document"
	case connectors.KindJiraIssue:
		return titleCase(kindNoun(it)) + " " + it.Where()
	case connectors.KindEntry:
		if at, seen := it.Artifact.OccurredAt, it.FirstSeen; !seen.IsZero() && seen.Sub(at) > 14*24*time.Hour {
			return "Work that left no artifact, written down on " + day(seen)
		}
		return "Work that left no artifact, written down at the time"
	}
	return titleCase(kindNoun(it))
}

// describe is ": DESCRIPTION" of the item's repository the first time the
// packet names it, where the config describes it; "" otherwise.
func (p *packet) describe(it *store.Item) string {
	c := it.Artifact.Container
	if p.o.Describe == nil || !strings.Contains(c, "/") || p.described[c] {
		return ""
	}
	d := p.o.Describe(c)
	if d == "" {
		return ""
	}
	p.described[c] = true
	return " (" + mdText(c) + ": " + mdText(d) + ")"
}

// localPath is a local design document's path within its folder (from its
// key, rfc:SOURCE:PATH), never the machine's path; "" for anything else.
func localPath(it *store.Item) string {
	if !strings.HasPrefix(it.Artifact.URL, "file:") {
		return ""
	}
	_, rest, _ := strings.Cut(it.Artifact.Key, ":")
	_, path, _ := strings.Cut(rest, ":")
	return path
}

// relation says what a thread's member is to its lead, from the kinds the
// link joined: a PR implements the design its description names, an
// issue tracks the work that names it, a PR resolves the issue it names.
func relation(lead, o *store.Item) string {
	noun := kindNoun(o)
	if o.Artifact.Kind == connectors.KindJiraIssue {
		noun += " " + o.Where()
	}
	l, k := lead.Artifact.Kind, o.Artifact.Kind
	switch {
	case l == connectors.KindRFC && k == connectors.KindPR:
		return noun + " that implements it"
	case l == connectors.KindRFC && k == connectors.KindJiraIssue:
		return noun + " that tracks it"
	case l == connectors.KindPR && k == connectors.KindRFC:
		return "the design it implements"
	case l == connectors.KindPR && k == connectors.KindJiraIssue:
		return "tracked by " + noun
	case l == connectors.KindJiraIssue && k == connectors.KindPR:
		return "resolved by this " + noun
	case l == connectors.KindJiraIssue && k == connectors.KindRFC:
		return "the design behind it"
	case k == connectors.KindReview:
		return "your review in the same work"
	}
	return noun + " in the same work"
}

// threadLabel is a thread in one line: "RFC → 2 PRs → epic PAY-117 resolved".
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

func mdText(s string) string {
	return mdEscaper.Replace(strings.Join(strings.Fields(connectors.Printable(s)), " "))
}

// link is text linked to an http(s) URL; anything else, a local document
// included (its path is the machine's, which no reader can open), is just
// the text.
func link(text, raw string) string {
	u, err := url.Parse(raw)
	if raw != "" && err == nil && (u.Scheme == "http" || u.Scheme == "https") {
		return fmt.Sprintf("[%s](%s)", mdText(text), urlEscaper.Replace(raw))
	}
	return mdText(text)
}

func day(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Local().Format(time.DateOnly)
}

// month is t as "February 2026".
func month(t time.Time) string {
	if t.IsZero() {
		return "undated"
	}
	return t.Local().Format("January 2006")
}
