package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/evident-sync/evident/classify"
	"github.com/evident-sync/evident/config"
	"github.com/evident-sync/evident/connectors"
	"github.com/evident-sync/evident/pipeline/input"
	"github.com/evident-sync/evident/pipeline/report"
	"github.com/evident-sync/evident/pipeline/store"
)

func (a *app) inboxCmd() *cobra.Command {
	var asJSON, all bool
	cmd := &cobra.Command{
		Use:   "inbox",
		Short: "Suggested items waiting for your decision: by week, newest first; strongest first in each week",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f := store.Filter{States: []store.State{store.Suggested}}
			return a.withReader(cmd.Context(), func(b backend) error {
				// The table ranks each week strongest first; the JSON keeps the
				// contract's newest-first order and fields for scripts (list
				// --sort strength ranks JSON).
				var n int
				var err error
				if asJSON {
					n, err = a.printItemsIn(cmd.Context(), b, f, orderDate, true)
				} else {
					if due, err := followUpsDue(cmd.Context(), b, today()); err == nil && len(due) > 0 {
						fmt.Fprintf(a.stdout, "%d follow-up%s due: record what came of it (evident followups)\n\n", len(due), plural(len(due)))
					}
					n, err = a.printInbox(cmd.Context(), b, all)
				}
				if err == nil && !asJSON {
					if n == 0 {
						fmt.Fprintln(a.stdout, "Inbox empty: nothing waiting for a decision.")
					} else {
						fmt.Fprintf(a.stdout, "\n%d suggested item%s. Decide with: evident confirm ID [--note TEXT] | evident dismiss ID | evident show ID\n", n, plural(n))
					}
				}
				return err
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON array of items")
	cmd.Flags().BoolVar(&all, "all", false, "every week and every row, routine ones included")
	return cmd
}

func (a *app) listCmd() *cobra.Command {
	var (
		asJSON                               bool
		state, scope, source, strength, kind string
		since, until, order                  string
	)
	cmd := &cobra.Command{
		Use:   "list",
		Short: "Items of any state, newest first, filtered",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := parseFilter(state, scope, source, since, until)
			if err != nil {
				return err
			}
			if strength != "" {
				st, err := classify.ParseStrength(strength)
				if err != nil {
					return usageError{err}
				}
				f.Strength = st
			}
			if kind != "" {
				if f.Kind, err = input.Kind(kind); err != nil {
					return usageError{err}
				}
			}
			if order != orderDate && order != orderStrength {
				return usagef("--sort %q is not date or strength", order)
			}
			return a.withReader(cmd.Context(), func(b backend) error {
				if err := a.knownSource(cmd.Context(), b, source, true); err != nil {
					return err
				}
				n, err := a.printItemsIn(cmd.Context(), b, f, order, asJSON)
				if err == nil && !asJSON && n == 0 {
					fmt.Fprintln(a.stdout, "No items match.")
				}
				return err
			})
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&asJSON, "json", false, "print a JSON array of items")
	fl.StringVar(&state, "state", "all", "suggested, confirmed, dismissed or all")
	fl.StringVar(&scope, "scope", "", "team, cross-team, org or unknown")
	fl.StringVar(&source, "source", "", "a source name, or a type (github, jira, rfc, confluence, gdocs, entry): every source of it")
	fl.StringVar(&strength, "strength", "", "strong, notable or routine")
	fl.StringVar(&kind, "kind", "", "review, pr, rfc, jira_issue or entry")
	fl.StringVar(&order, "sort", orderDate, "date (newest first) or strength (strongest first, then newest)")
	fl.StringVar(&since, "since", "", "only items on or after DATE (YYYY-MM-DD)")
	fl.StringVar(&until, "until", "", "only items on or before DATE (YYYY-MM-DD)")
	return cmd
}

// parseFilter turns the list flags into a store filter. Dates are whole
// days in local time; until is inclusive.
func parseFilter(state, scope, source, since, until string) (store.Filter, error) {
	f, err := input.Filter{State: state, Scope: scope, Source: source, Since: since, Until: until}.Parse()
	var fe *input.FieldError
	if errors.As(err, &fe) {
		if fe.Field == "since" || fe.Field == "until" {
			return f, usagef("--%s %v", fe.Field, fe.Err) // --since "2026-13-01" is not a date…
		}
		return f, usageError{err}
	}
	return f, err
}

// printItems streams the items f selects as a JSON array or a table and
// returns how many it printed.
// Orders of a listing.
const (
	orderDate     = "date"     // newest first, streamed
	orderStrength = "strength" // strongest first, then newest
	orderWeek     = "week"     // by week, newest week first; in each, strongest first, then newest
)

// scanIn streams the items f selects in order: by date straight from the
// store, otherwise gathered and sorted.
func scanIn(ctx context.Context, b backend, f store.Filter, order string, fn func(*store.Item) error) error {
	if order == "" || order == orderDate {
		return b.Scan(ctx, f, fn)
	}
	limit := f.Limit
	f.Limit = 0
	var items []store.Item
	if err := b.Scan(ctx, f, func(it *store.Item) error { items = append(items, *it); return nil }); err != nil {
		return err
	}
	sortItems(items, order)
	for i := range items {
		if limit > 0 && i >= limit {
			break
		}
		if err := fn(&items[i]); err != nil {
			return err
		}
	}
	return nil
}

// sortItems orders items by strength (within each week for orderWeek),
// then newest first.
func sortItems(items []store.Item, order string) {
	sort.SliceStable(items, func(i, j int) bool {
		x, y := &items[i], &items[j]
		if order == orderWeek {
			wx, wy := isoWeekOf(x.Artifact.OccurredAt), isoWeekOf(y.Artifact.OccurredAt)
			if wx != wy {
				return wx > wy
			}
		}
		if rx, ry := x.Strength().Rank(), y.Strength().Rank(); rx != ry {
			return rx < ry
		}
		return x.Artifact.OccurredAt.After(y.Artifact.OccurredAt)
	})
}

// isoWeekOf names t's ISO week in local time: 2026-W47.
func isoWeekOf(t time.Time) string {
	y, w := t.Local().ISOWeek()
	return fmt.Sprintf("%d-W%02d", y, w)
}

func (a *app) printItems(ctx context.Context, b backend, f store.Filter, asJSON bool) (int, error) {
	return a.printItemsIn(ctx, b, f, orderDate, asJSON)
}

// printItemsIn prints the items f selects, in order, as a JSON array or a
// table, and returns how many it printed.
func (a *app) printItemsIn(ctx context.Context, b backend, f store.Filter, order string, asJSON bool) (int, error) {
	w := bufio.NewWriterSize(a.stdout, 64<<10)
	n := 0
	var err error
	if asJSON {
		// One compact item per line: valid JSON, and friendly to grep.
		arr := store.NewViewArray(w, a.criteria(), true)
		err = scanIn(ctx, b, f, order, arr.Add)
		n = arr.Len()
		arr.Close()
	} else {
		var rows [][]string
		err = scanIn(ctx, b, f, order, func(it *store.Item) error {
			n++
			rows = append(rows, []string{it.ID, day(it.Artifact.OccurredAt), string(it.State), string(it.Scope()), string(it.Strength()), string(it.Artifact.Kind),
				oneLine(it.Where(), 40), oneLine(it.Title(), 1<<20)})
			return nil
		})
		if n > 0 {
			writeTable(w, []string{"ID", "DATE", "STATE", "SCOPE", "STRENGTH", "KIND", "WHERE", "TITLE"}, rows, a.termWidth())
		}
	}
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	return n, err
}

func day(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Local().Format(time.DateOnly)
}

func oneLine(s string, max int) string {
	s = strings.Join(strings.Fields(connectors.Printable(s)), " ")
	if r := []rune(s); len(r) > max {
		return string(r[:max-1]) + "…"
	}
	return s
}

// resolve turns every ref into a full ID before anything is changed, so a
// typo in the third ID leaves the first two undecided.
func resolve(ctx context.Context, b backend, refs []string) ([]string, error) {
	ids := make([]string, 0, len(refs))
	for _, r := range refs {
		id, err := b.Resolve(ctx, r)
		if errors.Is(err, store.ErrNotFound) {
			return nil, usagef("no item has ID %q (see evident list)", r)
		}
		var amb *store.AmbiguousError
		if errors.As(err, &amb) {
			return nil, usageError{err}
		}
		if errors.Is(err, store.ErrTooShort) {
			return nil, usageError{err}
		}
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}

func (a *app) showCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show ID",
		Short: "One item with its artifact facts and the reason for its scope",
		Args:  exactArgs(1, "one ID (a unique prefix of at least 4 characters)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			return a.withReader(ctx, func(b backend) error {
				ids, err := resolve(ctx, b, args)
				if err != nil {
					return err
				}
				it, err := b.Get(ctx, ids[0])
				if err != nil {
					return err
				}
				if asJSON {
					enc := json.NewEncoder(a.stdout)
					enc.SetEscapeHTML(false)
					enc.SetIndent("", "  ")
					return enc.Encode(it.Detail(a.criteria()))
				}
				printDetail(a.stdout, &it, a.criteria())
				// The same piece of work in other sources.
				for _, id := range it.Related {
					if o, err := b.Get(ctx, id); err == nil {
						fmt.Fprintf(a.stdout, "Related       %s  %s (%s) %s\n", o.ID, oneLine(o.Title(), 60), o.Artifact.Kind, o.Artifact.URL)
					}
				}
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the item as JSON")
	return cmd
}

func printDetail(w io.Writer, it *store.Item, cs []classify.Criterion) {
	a := &it.Artifact
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	row := func(k, v string) {
		if v != "" {
			fmt.Fprintf(tw, "%s\t%s\n", k, connectors.Printable(v))
		}
	}
	row("ID", it.ID)
	row("Title", it.Title())
	row("State", string(it.State))
	row("Summary", it.Class.Summary)
	row("Source", fmt.Sprintf("%s (%s) %s", a.Source, a.SourceType, a.Key))
	row("Kind", string(a.Kind))
	if a.Kind != connectors.KindEntry {
		row("URL", a.URL)
	}
	row("Container", a.Container)
	row("Date", day(a.OccurredAt))
	var roles []string
	for _, r := range a.Roles {
		roles = append(roles, string(r))
	}
	row("Your roles", strings.Join(roles, ", "))
	row("Scope", string(it.Scope()))
	row("Why", it.ScopeReason())
	row("Teams", strings.Join(it.Class.Teams, ", "))
	row("Domain", string(it.Domain()))
	row("Why domain", it.Class.DomainReason)
	row("Strength", string(it.Strength()))
	row("Why strength", strings.Join(it.StrengthReasons(), "; "))
	if sig, err := json.Marshal(it.View(nil).Signals); err == nil && it.Class.Signals.Kind != "" {
		row("Signals", string(sig))
	}
	var cps []string
	for _, c := range a.Counterparts {
		s := c.System + ":" + c.ID
		if c.Role != "" {
			s += " (" + string(c.Role) + ")"
		}
		cps = append(cps, s)
	}
	row("Counterparts", strings.Join(cps, ", "))
	row("Declared teams", strings.Join(a.DeclaredTeams, ", "))
	act := &a.Activity
	var facts []string
	if len(act.Rounds) > 0 {
		facts = append(facts, fmt.Sprintf("%d round%s", len(act.Rounds), plural(len(act.Rounds))))
	}
	if act.Comments > 0 {
		facts = append(facts, fmt.Sprintf("%d comment%s", act.Comments, plural(act.Comments)))
	}
	if act.Additions+act.Deletions > 0 {
		facts = append(facts, fmt.Sprintf("+%d −%d", act.Additions, act.Deletions))
	}
	for _, s := range []string{act.State, act.Resolution, act.IssueType} {
		if s != "" {
			facts = append(facts, s)
		}
	}
	row("Facts", strings.Join(facts, ", "))
	for i, r := range act.Rounds {
		row(fmt.Sprintf("  round %d", i+1), strings.TrimSpace(day(r.At)+" "+r.State))
	}
	row("Note", it.User.Note)
	row("Outcome", it.User.Outcome)
	if f := it.User.FollowUp; f != "" && it.User.Outcome == "" {
		row("Follow-up", f+": come back and record the outcome (evident edit "+it.ID+" --outcome ...)")
	} else if f != "" {
		row("Follow-up", f)
	}
	if ids := it.Criteria(cs); len(ids) > 0 {
		var named []string
		for _, id := range ids {
			for _, c := range cs {
				if c.ID == id {
					named = append(named, id+" ("+c.Text+")")
				}
			}
		}
		row("Criteria", strings.Join(named, "; "))
	}
	if it.Artifact.Kind == connectors.KindEntry {
		row("Link", a.URL)
		row("Entry", "written down by you; sync never changes it")
	}
	row("Dismissed because", it.User.DismissReason)
	for _, p := range act.Problems {
		row("Problem", p)
	}
	tw.Flush()
}

func (a *app) decideCmd(verb string, to store.State) *cobra.Command {
	var note, reason, week, followUp string
	var routine, sameNote bool
	short := map[store.State]string{
		store.Confirmed: "Confirm items as evidence (state → confirmed)",
		store.Dismissed: "Dismiss items (state → dismissed); sync never brings them back",
		store.Suggested: "Put items back in the inbox (state → suggested)",
	}[to]
	cmd := &cobra.Command{
		Use:   verb + " ID...",
		Short: short,
		Args: func(cmd *cobra.Command, args []string) error {
			if routine {
				if len(args) > 0 {
					return usagef("%s --routine takes no IDs: it decides the week's routine suggestions", verb)
				}
				return nil
			}
			return minArgs(1, "one or more IDs (unique prefixes of at least 4 characters)")(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if routine {
				return a.decideRoutine(ctx, to, week, reason, cmd.Flags().Changed("reason"))
			}
			d := store.Decision{State: to}
			if cmd.Flags().Changed("note") {
				if len(args) > 1 && !sameNote {
					return usagef("--note with %d IDs would copy one note onto every item: give one ID, or add --same-note if they share it", len(args))
				}
				d.Note = &note
			}
			if cmd.Flags().Changed("reason") {
				d.Reason = &reason
			}
			if cmd.Flags().Changed("follow-up") {
				day, err := input.FollowUp(followUp, time.Now())
				if err != nil {
					return usagef("--follow-up: %v", err)
				}
				d.FollowUp = &day
			}
			return a.withBackend(ctx, func(b backend) error {
				ids, err := resolve(ctx, b, args)
				if err != nil {
					return err
				}
				was := map[string]store.State{}
				for _, id := range ids {
					if it, err := b.Get(ctx, id); err == nil {
						was[id] = it.State
					}
				}
				items, err := b.Decide(ctx, ids, d)
				if err != nil {
					return err
				}
				for _, it := range items {
					verb := pastTense(to)
					if was[it.ID] == to {
						verb = "already " + verb
						if d.Note != nil || d.Reason != nil {
							verb += " (note updated)"
						}
					}
					fmt.Fprintf(a.stdout, "%s %s  %s\n", verb, it.ID, oneLine(it.Title(), 70))
				}
				if d.FollowUp != nil && *d.FollowUp != "" {
					fmt.Fprintf(a.stdout, "follow-up on %s: evident followups lists it then\n", *d.FollowUp)
				}
				return nil
			})
		},
	}
	switch to {
	case store.Confirmed:
		cmd.Use = verb + " ID... | confirm --routine --week YYYY-Www"
		cmd.Flags().StringVar(&note, "note", "", "your impact note: outcome, numbers, who benefited")
		cmd.Flags().BoolVar(&sameNote, "same-note", false, "with several IDs, give each the same --note")
		cmd.Flags().StringVar(&followUp, "follow-up", "", "DATE (YYYY-MM-DD) or DURATION (6w, 90d): when to come back and record the outcome")
		cmd.Flags().BoolVar(&routine, "routine", false, "keep every routine suggestion of --week as evidence: rolled up in the packet, counted everywhere")
		cmd.Flags().StringVar(&week, "week", "", "the ISO week of --routine, e.g. 2026-W47")
	case store.Dismissed:
		cmd.Use = verb + " ID... | dismiss --routine --week YYYY-Www"
		cmd.Flags().StringVar(&reason, "reason", "", "why it is not evidence (kept for you)")
		cmd.Flags().BoolVar(&routine, "routine", false, "dismiss every routine suggestion of --week as not evidence: they leave the numbers")
		cmd.Flags().StringVar(&week, "week", "", "the ISO week of --routine, e.g. 2026-W47")
	}
	return cmd
}

func pastTense(s store.State) string {
	switch s {
	case store.Confirmed:
		return "confirmed"
	case store.Dismissed:
		return "dismissed"
	}
	return "reopened "
}

func (a *app) editCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "edit ID",
		Short: "Edit an item's title, note, scope, domain, strength, criteria, follow-up or outcome; sync never overwrites your edits",
		Long: `edit changes your own fields of an item. Sync never overwrites them.
An empty value (--title "") removes your edit and shows the synced value again.

--follow-up takes a day (2026-12-15) or a time from today (6w, 90d): the day
to come back and record the outcome with --outcome. --criterion CID says the
item supports a level criterion; --no-criterion CID says it does not (both
win over the automatic match; repeat them for several).`,
		Args: exactArgs(1, "one ID (a unique prefix of at least 4 characters)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			in := input.Edit{Now: time.Now()}
			fl := cmd.Flags()
			for name, p := range map[string]**string{"title": &in.Title, "note": &in.Note, "scope": &in.Scope, "domain": &in.Domain,
				"strength": &in.Strength, "follow-up": &in.FollowUp, "outcome": &in.Outcome} {
				if fl.Changed(name) {
					v, _ := fl.GetString(name)
					*p = &v
				}
			}
			in.Criterion, _ = fl.GetStringArray("criterion")
			in.NoCriterion, _ = fl.GetStringArray("no-criterion")
			e, err := in.Parse()
			if err != nil {
				return usageError{err}
			}
			if e.Empty() {
				return usagef("edit needs at least one of --title, --note, --scope, --domain, --strength, --follow-up, --outcome, --criterion, --no-criterion")
			}
			if err := a.checkCriteria(append(slices.Clone(in.Criterion), in.NoCriterion...)); err != nil {
				return err
			}
			return a.withBackend(ctx, func(b backend) error {
				ids, err := resolve(ctx, b, args)
				if err != nil {
					return err
				}
				it, err := b.Edit(ctx, ids[0], e)
				if err != nil {
					return err
				}
				tags := fmt.Sprintf("%s, %s", it.Scope(), it.Domain())
				if in.Strength != nil {
					tags += ", " + string(it.Strength())
				}
				fmt.Fprintf(a.stdout, "edited %s  %s [%s]\n", it.ID, oneLine(it.Title(), 60), tags)
				if in.FollowUp != nil && it.User.FollowUp != "" {
					fmt.Fprintf(a.stdout, "follow-up on %s: evident followups lists it then\n", it.User.FollowUp)
				}
				if len(in.Criterion)+len(in.NoCriterion) > 0 {
					cs := it.Criteria(a.criteria())
					if len(cs) == 0 {
						fmt.Fprintln(a.stdout, "supports no level criterion")
					} else {
						fmt.Fprintf(a.stdout, "supports %s\n", strings.Join(cs, ", "))
					}
				}
				return nil
			})
		},
	}
	fl := cmd.Flags()
	fl.String("title", "", "your title for the item")
	fl.String("note", "", "your impact note")
	fl.String("scope", "", "team, cross-team, org or unknown")
	fl.String("domain", "", "technical-impact, org-leverage, cross-team-influence or initiative")
	fl.String("strength", "", "strong, notable or routine: your judgment, never recomputed")
	fl.String("follow-up", "", "DATE (YYYY-MM-DD) or DURATION (6w, 90d): when to record the outcome")
	fl.String("outcome", "", "what the work led to, with numbers where they exist")
	fl.StringArray("criterion", nil, "a level criterion ID the item supports (repeatable)")
	fl.StringArray("no-criterion", nil, "a level criterion ID the item does not support (repeatable)")
	return cmd
}

// checkCriteria is a usage error for any ID not among the configured
// criteria, naming those that are.
func (a *app) checkCriteria(ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	if _, err := a.config(); err != nil {
		return err
	}
	cs := a.criteria()
	var known []string
	for _, c := range cs {
		known = append(known, c.ID)
	}
	for _, id := range ids {
		if !slices.Contains(known, id) {
			if len(known) == 0 {
				return usagef("unknown criterion %q: the config has no criteria (add them under criteria:, see evident init)", id)
			}
			return usagef("unknown criterion %q (the config's criteria: %s)", id, strings.Join(known, ", "))
		}
	}
	return nil
}

// knownSource accepts a configured source's name, a source type (when
// types is set), or the name of a source that still has items in the
// store; anything else is a usage error naming the configured sources.
func (a *app) knownSource(ctx context.Context, b backend, name string, types bool) error {
	if name == "" {
		return nil
	}
	c, err := a.config()
	if err != nil {
		return err
	}
	var known []string
	for _, t := range tokensBySource(c) {
		if t.name == name {
			return nil
		}
		known = append(known, t.name)
	}
	if _, ok := config.TypeOf(name); types && (ok || name == "entry") {
		return nil // a source type: every source of it
	}
	if counts, err := b.Counts(ctx); err == nil && counts[name] > 0 {
		return nil
	}
	if len(known) == 0 {
		return usagef("no source is named %q (none is configured in %s)", name, c.Path)
	}
	return usagef("no source is named %q (configured: %s)", name, strings.Join(known, ", "))
}

// writeTable writes rows under head in aligned columns. The last column
// (the title) is cut to fit width; the others are never cut. A width of 0
// means no limit.
func writeTable(w io.Writer, head []string, rows [][]string, width int) {
	widths := make([]int, len(head))
	for _, r := range append([][]string{head}, rows...) {
		for i, c := range r[:len(r)-1] {
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	used := 0
	for _, wd := range widths[:len(widths)-1] {
		used += wd + 2
	}
	room := 0
	if width > 0 {
		room = max(width-used-1, 20)
	}
	bw := bufio.NewWriter(w)
	for _, r := range append([][]string{head}, rows...) {
		for i, c := range r[:len(r)-1] {
			bw.WriteString(c)
			bw.WriteString(strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c)+2))
		}
		last := r[len(r)-1]
		if room > 0 {
			last = oneLine(last, room)
		}
		bw.WriteString(last)
		bw.WriteString("\n")
	}
	bw.Flush()
}

// termWidth is the width to fit tables to: the terminal's, else $COLUMNS,
// else 120 columns' worth of title.
func (a *app) termWidth() int {
	if f, ok := a.stdout.(*os.File); ok {
		if w, _, err := term.GetSize(int(f.Fd())); err == nil && w > 0 {
			return w
		}
	}
	if c, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && c > 0 {
		return c
	}
	return 160
}

var weekRE = regexp.MustCompile(`^\d{4}-W\d{2}$`)

// decideRoutine moves every routine suggestion of week to state to: kept
// as routine (confirm: still counted everywhere, rolled up in the packet)
// or dismissed as not evidence (gone from the numbers).
func (a *app) decideRoutine(ctx context.Context, to store.State, week, reason string, withReason bool) error {
	verb := map[store.State]string{store.Confirmed: "confirm", store.Dismissed: "dismiss"}[to]
	if !weekRE.MatchString(week) {
		return usagef("%s --routine needs --week YYYY-Www (for example %s)", verb, isoWeekOf(time.Now()))
	}
	if _, err := report.WeekPeriod(week, time.Local); err != nil {
		return usagef("--week %s: %v", week, err)
	}
	return a.withBackend(ctx, func(b backend) error {
		var ids []string
		kept := 0
		err := b.Scan(ctx, store.Filter{States: []store.State{store.Suggested}}, func(it *store.Item) error {
			if isoWeekOf(it.Artifact.OccurredAt) != week {
				return nil
			}
			if it.Strength() == classify.StrengthRoutine {
				ids = append(ids, it.ID)
			} else {
				kept++
			}
			return nil
		})
		if err != nil {
			return err
		}
		if len(ids) == 0 {
			fmt.Fprintf(a.stdout, "no routine suggestions in %s\n", week)
			return nil
		}
		d := store.Decision{State: to}
		if withReason {
			d.Reason = &reason
		}
		if _, err := b.Decide(ctx, ids, d); err != nil {
			return err
		}
		what := "kept %d routine suggestion%s of %s as evidence (rolled up, still counted)"
		if to == store.Dismissed {
			what = "dismissed %d routine suggestion%s of %s (they leave the numbers)"
		}
		fmt.Fprintf(a.stdout, what+"; %d stronger one%s still in the inbox\n", len(ids), plural(len(ids)), week, kept, plural(kept))
		return nil
	})
}
