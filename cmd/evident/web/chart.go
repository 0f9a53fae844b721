package web

import (
	"fmt"
	"html/template"
	"strings"

	"github.com/evident-sync/evident/pipeline/report"
)

// palette pairs a colour with a pattern, so teams differ without colour.
var palette = []struct{ color, pattern string }{
	{"#2f6db5", "solid"}, {"#d9822b", "diagonal"}, {"#3a9a5b", "dots"}, {"#b8443c", "cross"},
	{"#7d5ba6", "horizontal"}, {"#8c6d31", "vertical"}, {"#1b8a8a", "backdiag"}, {"#5f6b7a", "grid"},
}

func patternDef(i int) string {
	p := palette[i%len(palette)]
	id := fmt.Sprintf("team-%d", i)
	lines := ""
	switch p.pattern {
	case "diagonal":
		lines = `<path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4" stroke="#fff" stroke-width="1.6"/>`
	case "dots":
		lines = `<circle cx="4" cy="4" r="1.6" fill="#fff"/>`
	case "cross":
		lines = `<path d="M0,0 l8,8 M8,0 l-8,8" stroke="#fff" stroke-width="1.2"/>`
	case "horizontal":
		lines = `<path d="M0,4 h8" stroke="#fff" stroke-width="1.6"/>`
	case "vertical":
		lines = `<path d="M4,0 v8" stroke="#fff" stroke-width="1.6"/>`
	case "backdiag":
		lines = `<path d="M-2,6 l4,4 M0,0 l8,8 M6,-2 l4,4" stroke="#fff" stroke-width="1.6"/>`
	case "grid":
		lines = `<path d="M0,4 h8 M4,0 v8" stroke="#fff" stroke-width="1"/>`
	}
	return fmt.Sprintf(`<pattern id="%s" width="8" height="8" patternUnits="userSpaceOnUse"><rect width="8" height="8" fill="%s"/>%s</pattern>`, id, p.color, lines)
}

// chart draws the cross-team review work per week as bars stacked by team.
// Each team has a colour and a pattern, every segment a tooltip, every bar
// its total, and the legend names the teams: readable without colour.
// chartWeeks is how many weeks the chart draws: the latest year of a
// longer period (the page says so, and dates pick any other).
const chartWeeks = 52

func chart(r *report.Report, name func(string) string) template.HTML {
	weeks := r.Weeks
	if len(weeks) > chartWeeks {
		weeks = weeks[len(weeks)-chartWeeks:]
	}
	if len(weeks) == 0 {
		return template.HTML(`<p class="empty">No cross-team work in this period yet.</p>`)
	}
	teams := r.TeamOrder()
	index := map[string]int{}
	for i, t := range teams {
		index[t] = i
	}
	peak := 1
	for _, w := range weeks {
		peak = max(peak, w.Total)
	}
	const (
		gap        = 8
		top, plotH = 24, 200
		left       = 34
	)
	// Bars fill at least the default width; many weeks make thinner bars.
	barW := min(48, max(14, (640-left)/len(weeks)-gap))
	legendW := 0
	for _, t := range teams {
		legendW += 24 + 7*len(name(t))
	}
	width := max(left+len(weeks)*(barW+gap)+gap, left+legendW, 640)
	height := top + plotH + 46
	step := max(1, (peak+3)/4)
	esc := template.HTMLEscapeString
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" role="img" aria-labelledby="chart-title" viewBox="0 0 %d %d" width="%d" height="%d" xmlns="http://www.w3.org/2000/svg">`, width, height, width, height)
	fmt.Fprintf(&b, `<title id="chart-title">%s</title><defs>`, esc("Cross-team work per week, stacked by team. "+r.Headline))
	for i := range teams {
		b.WriteString(patternDef(i))
	}
	b.WriteString(`</defs>`)
	// Gridlines and the y axis.
	for v := 0; v <= peak; v += step {
		y := top + plotH - v*plotH/peak
		fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" class="grid"/><text x="%d" y="%d" class="axis" text-anchor="end">%d</text>`,
			left, y, width, y, left-6, y+4, v)
	}
	for i, w := range weeks {
		x := left + gap + i*(barW+gap)
		y := top + plotH
		for _, t := range teams {
			n := w.Teams[t]
			if n == 0 {
				continue
			}
			h := n * plotH / peak
			y -= h
			fmt.Fprintf(&b, `<rect class="seg" x="%d" y="%d" width="%d" height="%d" fill="url(#team-%d)" data-team="%s"><title>%s: %d in the week of %s</title></rect>`,
				x, y, barW, h, index[t], esc(t), esc(name(t)), n, esc(w.Start))
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" class="total" text-anchor="middle">%d</text>`, x+barW/2, y-4, w.Total)
		if i%2 == 0 || len(weeks) < 14 {
			fmt.Fprintf(&b, `<text x="%d" y="%d" class="axis" text-anchor="middle">%s</text>`, x+barW/2, top+plotH+14, esc(w.Start[5:]))
		}
	}
	// Legend.
	lx, ly := left, top+plotH+30
	for i, t := range teams {
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="12" height="12" fill="url(#team-%d)" stroke="#333" stroke-width=".5"/><text x="%d" y="%d" class="legend">%s</text>`,
			lx, ly, i, lx+16, ly+10, esc(name(t)))
		lx += 24 + 7*len(name(t))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
