package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/evident-sync/evident/classify"
	"github.com/evident-sync/evident/pipeline/store"
)

// The inbox table, for the weekly ten minutes.
const (
	inboxWeeks    = 4  // the newest weeks with suggestions shown, without --all
	foldRoutineAt = 4  // a week's routine suggestions fold into one line from this many
	strongestTop  = 10 // the strong suggestions of older weeks shown first
)

// inboxWeek is one ISO week's suggestions, strongest first, then newest.
type inboxWeek struct {
	week  string
	items []store.Item
}

// printInbox writes the suggestions as a person triages them: the
// strongest waiting from older weeks first, then week by week, newest
// week first, strongest first in each, a week's routine suggestions folded
// into one line with the command that keeps them; older weeks summed up.
// With all, every week and every row. It returns how many suggestions
// there are.
func (a *app) printInbox(ctx context.Context, b backend, all bool) (int, error) {
	var items []store.Item
	if err := b.Scan(ctx, store.Filter{States: []store.State{store.Suggested}}, func(it *store.Item) error {
		items = append(items, *it)
		return nil
	}); err != nil {
		return 0, err
	}
	if len(items) == 0 {
		return 0, nil
	}
	weeks := byWeek(items)
	shown := weeks
	if !all && len(weeks) > inboxWeeks {
		shown = weeks[:inboxWeeks]
	}
	var t inboxTable
	older := weeks[len(shown):]
	if top := strongest(older); len(top) > 0 {
		t.heading(fmt.Sprintf("Strongest waiting, from %s and before", older[0].week))
		for i := range top {
			t.row(&top[i])
		}
	}
	for _, w := range shown {
		t.heading(weekWords(w.week))
		var routine []*store.Item
		for i := range w.items {
			if it := &w.items[i]; it.Strength() == classify.StrengthRoutine {
				routine = append(routine, it)
			}
		}
		fold := !all && len(routine) >= foldRoutineAt
		for i := range w.items {
			if it := &w.items[i]; !fold || it.Strength() != classify.StrengthRoutine {
				t.row(it)
			}
		}
		if fold {
			t.line(fmt.Sprintf("  %d routine — keep them: evident confirm --routine --week %s (not evidence: dismiss --routine)", len(routine), w.week))
		}
	}
	if len(older) > 0 {
		n, wide := 0, 0
		for _, w := range older {
			for i := range w.items {
				n++
				if w.items[i].Strength() != classify.StrengthRoutine {
					wide++
				}
			}
		}
		t.line("")
		verb := "hold"
		if len(older) == 1 {
			verb = "holds"
		}
		t.line(fmt.Sprintf("%d older week%s %s %d more suggestion%s (%d strong or notable): evident inbox --all", len(older), plural(len(older)), verb, n, plural(n), wide))
	}
	t.write(a.stdout, a.termWidth())
	return len(items), nil
}

// byWeek groups items by ISO week, newest week first, strongest first in
// each, then newest.
func byWeek(items []store.Item) []inboxWeek {
	sortItems(items, orderWeek)
	var weeks []inboxWeek
	for _, it := range items {
		w := isoWeekOf(it.Artifact.OccurredAt)
		if len(weeks) == 0 || weeks[len(weeks)-1].week != w {
			weeks = append(weeks, inboxWeek{week: w})
		}
		last := &weeks[len(weeks)-1]
		last.items = append(last.items, it)
	}
	return weeks
}

// strongest are the strong suggestions of weeks, newest first, at most
// strongestTop.
func strongest(weeks []inboxWeek) []store.Item {
	var out []store.Item
	for _, w := range weeks {
		for _, it := range w.items {
			if it.Strength() == classify.StrengthStrong && len(out) < strongestTop {
				out = append(out, it)
			}
		}
	}
	return out
}

// weekWords heads a week: "2026-W48 · Mon 23 Nov to Sun 29 Nov".
func weekWords(week string) string {
	var y, w int
	if _, err := fmt.Sscanf(week, "%4d-W%2d", &y, &w); err != nil {
		return week
	}
	jan4 := time.Date(y, time.January, 4, 0, 0, 0, 0, time.Local)
	mon := jan4.AddDate(0, 0, -((int(jan4.Weekday())+6)%7)+7*(w-1))
	return fmt.Sprintf("%s · %s to %s", week, mon.Format("Mon 2 Jan"), mon.AddDate(0, 0, 6).Format("Mon 2 Jan"))
}

// inboxTable lays out rows under headings with one set of column widths,
// the title getting what the terminal has left.
type inboxTable struct {
	lines []inboxLine
}

type inboxLine struct {
	text string   // a heading or a line of its own
	row  []string // or a row: ID, date, scope, strength, where, title
	head bool
}

func (t *inboxTable) heading(s string) { t.lines = append(t.lines, inboxLine{text: s, head: true}) }
func (t *inboxTable) line(s string)    { t.lines = append(t.lines, inboxLine{text: s}) }
func (t *inboxTable) row(it *store.Item) {
	t.lines = append(t.lines, inboxLine{row: []string{it.ID, day(it.Artifact.OccurredAt), string(it.Scope()), string(it.Strength()),
		oneLine(it.Where(), 32), oneLine(it.Title(), 1<<20)}})
}

func (t *inboxTable) write(w io.Writer, width int) {
	head := []string{"ID", "DATE", "SCOPE", "STRENGTH", "WHERE", "TITLE"}
	widths := make([]int, len(head)-1)
	for _, l := range append([]inboxLine{{row: head}}, t.lines...) {
		for i, c := range l.row[:min(len(l.row), len(widths))] {
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	used := 0
	for _, wd := range widths {
		used += wd + 2
	}
	room := max(width-used-1, 20)
	bw := bufio.NewWriter(w)
	cells := func(r []string) {
		for i, c := range r[:len(widths)] {
			bw.WriteString(c)
			bw.WriteString(strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c)+2))
		}
		bw.WriteString(oneLine(r[len(widths)], room))
		bw.WriteString("\n")
	}
	cells(head)
	for _, l := range t.lines {
		switch {
		case l.head:
			bw.WriteString("\n" + l.text + "\n")
		case l.row != nil:
			cells(l.row)
		default:
			bw.WriteString(l.text + "\n")
		}
	}
	bw.Flush()
}
