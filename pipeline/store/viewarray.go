package store

import (
	"io"

	"github.com/evident-sync/evident/classify"
)

// ViewArray writes items as a JSON array of their views (the contract's
// item), one element at a time: a listing of the whole store never sits in
// memory. The CLI writes one element per line, friendly to grep; the web
// API writes them on one line. Close ends the array; a caller that stops
// early on an error still closes it, and the array ends where it stopped.
type ViewArray struct {
	w        io.Writer
	crit     []classify.Criterion
	sep      string // before every element but the first
	lines    bool
	n        int
	buf      []byte
	finished bool
}

// NewViewArray starts the array on w; lines puts each element on a line of
// its own. crit are the configured criteria, for each view's criteria.
func NewViewArray(w io.Writer, crit []classify.Criterion, lines bool) *ViewArray {
	a := &ViewArray{w: w, crit: crit, sep: ",", lines: lines, buf: []byte{'['}}
	if lines {
		a.sep = ",\n"
	}
	return a
}

// Add writes it's view as the next element.
func (a *ViewArray) Add(it *Item) error {
	switch {
	case a.n > 0:
		a.buf = append(a.buf, a.sep...)
	case a.lines:
		a.buf = append(a.buf, '\n')
	}
	a.n++
	v := it.View(a.crit)
	a.buf = v.AppendJSON(a.buf)
	_, err := a.w.Write(a.buf)
	a.buf = a.buf[:0]
	return err
}

// Len is how many items were added.
func (a *ViewArray) Len() int { return a.n }

// Close ends the array (and the line it is on).
func (a *ViewArray) Close() error {
	if a.finished {
		return nil
	}
	a.finished = true
	if a.lines && a.n > 0 {
		a.buf = append(a.buf, '\n')
	}
	a.buf = append(a.buf, "]\n"...)
	_, err := a.w.Write(a.buf)
	return err
}
