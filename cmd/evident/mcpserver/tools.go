package mcpserver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/evident-sync/evident/classify"
	"github.com/evident-sync/evident/pipeline/input"
	"github.com/evident-sync/evident/pipeline/report"
	"github.com/evident-sync/evident/pipeline/store"
)

// The tools' inputs: every field typed and described; optional ones
// omitempty (the schema marks the rest required).
type (
	searchIn struct {
		State    string `json:"state,omitempty" jsonschema:"suggested (waiting for the engineer), confirmed (selected as evidence), dismissed, or all (default: all)"`
		Scope    string `json:"scope,omitempty" jsonschema:"team, cross-team, org or unknown"`
		Strength string `json:"strength,omitempty" jsonschema:"strong, notable or routine"`
		Kind     string `json:"kind,omitempty" jsonschema:"review, pr, rfc, jira_issue or entry (work written down by hand)"`
		Source   string `json:"source,omitempty" jsonschema:"a configured source's name, or a type: github, jira, rfc, confluence, entry"`
		Since    string `json:"since,omitempty" jsonschema:"only items on or after this day, YYYY-MM-DD"`
		Until    string `json:"until,omitempty" jsonschema:"only items on or before this day, YYYY-MM-DD"`
		Text     string `json:"text,omitempty" jsonschema:"words the title, summary, note or outcome contains (case-insensitive)"`
		Limit    int    `json:"limit,omitempty" jsonschema:"at most this many items, newest first (default 50, at most 500)"`
	}
	idIn struct {
		ID string `json:"id" jsonschema:"the item's id, a unique prefix of at least 4 characters, or its key (github:acme/api#42)"`
	}
	periodIn struct {
		Period string `json:"period,omitempty" jsonschema:"a year, half or quarter: 2026, 2026-H2, 2026-Q3 (default: see the tool)"`
	}
	weekIn struct {
		Week string `json:"week,omitempty" jsonschema:"an ISO week, 2026-W47 (default: this week)"`
	}
	rangeIn struct {
		Since string `json:"since,omitempty" jsonschema:"from this day, YYYY-MM-DD (default: all stored work)"`
		Until string `json:"until,omitempty" jsonschema:"to this day inclusive, YYYY-MM-DD"`
	}
	confirmIn struct {
		IDs      []string `json:"ids" jsonschema:"the items to select as evidence"`
		Note     string   `json:"note,omitempty" jsonschema:"the engineer's impact note, in their words; only with one id"`
		FollowUp string   `json:"follow_up,omitempty" jsonschema:"when to come back for the outcome: a day (2026-12-15) or a duration (6w, 90d)"`
	}
	dismissIn struct {
		IDs    []string `json:"ids" jsonschema:"the items that are not evidence"`
		Reason string   `json:"reason,omitempty" jsonschema:"why, kept for the engineer"`
	}
	editIn struct {
		ID       string   `json:"id" jsonschema:"the item's id or a unique prefix"`
		Note     *string  `json:"note,omitempty" jsonschema:"the impact note; empty removes it"`
		Outcome  *string  `json:"outcome,omitempty" jsonschema:"what the work led to, with numbers"`
		Strength *string  `json:"strength,omitempty" jsonschema:"strong, notable or routine: the engineer's judgment"`
		Scope    *string  `json:"scope,omitempty" jsonschema:"team, cross-team, org or unknown"`
		Domain   *string  `json:"domain,omitempty" jsonschema:"technical-impact, org-leverage, cross-team-influence or initiative"`
		FollowUp *string  `json:"follow_up,omitempty" jsonschema:"a day (2026-12-15) or a duration (6w); empty removes it"`
		Criteria []string `json:"criteria,omitempty" jsonschema:"ids of level criteria the item supports"`
	}
	entryIn struct {
		Title  string   `json:"title" jsonschema:"what the engineer did, in their words"`
		Date   string   `json:"date" jsonschema:"the day of the work, YYYY-MM-DD"`
		Domain string   `json:"domain,omitempty" jsonschema:"technical-impact, org-leverage, cross-team-influence or initiative (default: by evident's rules)"`
		Scope  string   `json:"scope,omitempty" jsonschema:"team, cross-team or org (default: team, or beyond when teams are named)"`
		Teams  []string `json:"teams,omitempty" jsonschema:"other teams involved, by id or name"`
		Note   string   `json:"note,omitempty" jsonschema:"its impact"`
		Link   string   `json:"link,omitempty" jsonschema:"an http(s) link that shows it"`
	}
)

var readOnly = &mcp.ToolAnnotations{ReadOnlyHint: true, OpenWorldHint: ptr(false)}

func (s *server) readTools(srv *mcp.Server) {
	mcp.AddTool(srv, &mcp.Tool{Name: "search_evidence", Annotations: readOnly,
		Description: "Items of the evidence store, newest first, as `evident list --json` gives them: each with its url, true date, scope and the reason for it, domain, strength and the facts behind it, and the engineer's note and outcome."}, s.search)
	mcp.AddTool(srv, &mcp.Tool{Name: "get_item", Annotations: readOnly,
		Description: "One item in full, as `evident show --json` gives it: artifact facts, counterparts, rounds, reasons, related items."}, s.getItem)
	mcp.AddTool(srv, &mcp.Tool{Name: "gaps", Annotations: readOnly,
		Description: "Level criteria without selected evidence in a period (default: all stored work), each with the items that could fill it: selected items of its domain first, then suggestions."}, s.gaps)
	mcp.AddTool(srv, &mcp.Tool{Name: "digest", Annotations: readOnly,
		Description: "One week as `evident digest --json` gives it: the week's suggestions strongest first, what waits from earlier weeks, strong evidence without a note, follow-ups due, cross-team numbers, the quarter's gaps, and the week's question."}, s.digest)
	mcp.AddTool(srv, &mcp.Tool{Name: "cross_team_report", Annotations: readOnly,
		Description: "Review and RFC work for other teams, by team and week, as `evident report cross-team --json` gives it."}, s.crossTeam)
	mcp.AddTool(srv, &mcp.Tool{Name: "packet", Annotations: readOnly,
		Description: "The promotion packet (Markdown) a committee reads, for a period (default: this year), from the selected evidence."}, s.packet)
}

func (s *server) writeTools(srv *mcp.Server) {
	mcp.AddTool(srv, &mcp.Tool{Name: "confirm", Annotations: &mcp.ToolAnnotations{IdempotentHint: true, DestructiveHint: ptr(false), OpenWorldHint: ptr(false)},
		Description: "Select items as evidence (the engineer's decision: call it only when they ask). Returns the items after."}, s.confirm)
	mcp.AddTool(srv, &mcp.Tool{Name: "dismiss", Annotations: &mcp.ToolAnnotations{DestructiveHint: ptr(true), IdempotentHint: true, OpenWorldHint: ptr(false)},
		Description: "Dismiss items as not evidence: they leave every number, and sync never brings them back (reopen with evident reopen). Only when the engineer asks."}, s.dismiss)
	mcp.AddTool(srv, &mcp.Tool{Name: "edit", Annotations: &mcp.ToolAnnotations{DestructiveHint: ptr(false), OpenWorldHint: ptr(false)},
		Description: "Change the engineer's own fields of one item: note, outcome, strength, scope, domain, follow-up, criteria. Sync never overwrites them."}, s.edit)
	mcp.AddTool(srv, &mcp.Tool{Name: "add_entry", Annotations: &mcp.ToolAnnotations{DestructiveHint: ptr(false), OpenWorldHint: ptr(false)},
		Description: "Write down work that left no artifact (mentoring, a decision in a meeting, an incident led, a talk), as `evident add` does: already selected."}, s.addEntry)
}

// result is a tool result: v's JSON as text, and as structured content.
func result(v any) (*mcp.CallToolResult, any, error) {
	r := textResult(v)
	var structured any
	if b, err := json.Marshal(v); err == nil && bytes.HasPrefix(bytes.TrimSpace(b), []byte("{")) {
		structured = json.RawMessage(b)
	}
	r.StructuredContent = structured
	return r, nil, nil
}

func (s *server) search(ctx context.Context, _ *mcp.CallToolRequest, in searchIn) (*mcp.CallToolResult, any, error) {
	if in.State == "" {
		in.State = "all"
	}
	f, err := input.Filter{State: in.State, Scope: in.Scope, Source: in.Source, Strength: in.Strength, Since: in.Since, Until: in.Until}.Parse()
	if err != nil {
		return nil, nil, err
	}
	if in.Kind != "" {
		if f.Kind, err = input.Kind(in.Kind); err != nil {
			return nil, nil, err
		}
	}
	switch {
	case in.Limit < 0 || in.Limit > 500:
		return nil, nil, fmt.Errorf("limit %d is not between 1 and 500", in.Limit)
	case in.Limit == 0:
		in.Limit = 50
	}
	text := strings.ToLower(strings.TrimSpace(in.Text))
	out := struct {
		Items []store.View `json:"items"`
		More  bool         `json:"more"`
	}{Items: []store.View{}}
	errFull := errors.New("full")
	err = s.with(ctx, func(b Backend) error {
		return b.Scan(ctx, f, func(it *store.Item) error {
			if text != "" && !strings.Contains(strings.ToLower(strings.Join([]string{it.Title(), it.Class.Summary, it.User.Note, it.User.Outcome}, "\n")), text) {
				return nil
			}
			if len(out.Items) == in.Limit {
				out.More = true
				return errFull
			}
			out.Items = append(out.Items, it.View(s.criteria))
			return nil
		})
	})
	if err != nil && !errors.Is(err, errFull) {
		return nil, nil, err
	}
	return result(out)
}

func (s *server) getItem(ctx context.Context, _ *mcp.CallToolRequest, in idIn) (*mcp.CallToolResult, any, error) {
	var d store.Detail
	err := s.with(ctx, func(b Backend) error {
		ids, err := resolve(ctx, b, []string{in.ID})
		if err != nil {
			return err
		}
		it, err := b.Get(ctx, ids[0])
		d = it.Detail(s.criteria)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return result(d)
}

func (s *server) gaps(ctx context.Context, _ *mcp.CallToolRequest, in periodIn) (*mcp.CallToolResult, any, error) {
	p, err := period(in.Period, report.Period{})
	if err != nil {
		return nil, nil, err
	}
	var gs []report.Gap
	err = s.with(ctx, func(b Backend) (err error) {
		gs, err = report.ReadGaps(ctx, b, s.criteria, p)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	r := textResult(gs)
	r.StructuredContent = map[string]any{"gaps": gs}
	return r, nil, nil
}

func (s *server) digest(ctx context.Context, _ *mcp.CallToolRequest, in weekIn) (*mcp.CallToolResult, any, error) {
	now := s.o.Now()
	w := report.ThisWeek(now)
	if in.Week != "" {
		var err error
		if w, err = report.WeekPeriod(in.Week, now.Location()); err != nil {
			return nil, nil, err
		}
	}
	day := min(now.Format("2006-01-02"), w.Until.AddDate(0, 0, -1).Format("2006-01-02"))
	var d *report.Digest
	err := s.with(ctx, func(b Backend) (err error) {
		d, err = report.ReadDigest(ctx, b, report.DigestOptions{Week: w, Today: day, Criteria: s.criteria,
			Report: report.Options{TeamName: s.org.TeamName, Home: s.o.Config.Me.Teams}})
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return result(d)
}

func (s *server) crossTeam(ctx context.Context, _ *mcp.CallToolRequest, in rangeIn) (*mcp.CallToolResult, any, error) {
	p, err := report.PeriodOf("", in.Since, in.Until)
	if err != nil {
		return nil, nil, err
	}
	var r *report.Report
	err = s.with(ctx, func(b Backend) (err error) {
		r, err = report.CrossTeam(ctx, b, report.Options{Since: p.Since, Until: p.Until, TeamName: s.org.TeamName, Home: s.o.Config.Me.Teams})
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return result(r)
}

func (s *server) packet(ctx context.Context, _ *mcp.CallToolRequest, in periodIn) (*mcp.CallToolResult, any, error) {
	p, err := period(in.Period, s.thisYear())
	if err != nil {
		return nil, nil, err
	}
	md, err := s.packetOf(ctx, p)
	if err != nil {
		return nil, nil, err
	}
	return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: md}}}, nil, nil
}

// packetOf writes the packet of p from the selected evidence.
func (s *server) packetOf(ctx context.Context, p report.Period) (string, error) {
	var buf bytes.Buffer
	err := s.with(ctx, func(b Backend) error {
		return report.WritePacket(ctx, b, &buf, []store.State{store.Confirmed}, report.PacketOptions{Name: s.o.Config.Me.Name, Period: p,
			Criteria: s.criteria, TeamName: s.org.TeamName, Home: s.o.Config.Me.Teams, Now: s.o.Now(), Describe: s.org.Describe})
	})
	return buf.String(), err
}

func (s *server) decide(ctx context.Context, refs []string, d store.Decision) (*mcp.CallToolResult, any, error) {
	var items []store.Item
	err := s.with(ctx, func(b Backend) error {
		ids, err := resolve(ctx, b, refs)
		if err != nil {
			return err
		}
		items, err = b.Decide(ctx, ids, d)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	out := struct {
		Items []store.View `json:"items"`
	}{Items: []store.View{}}
	for i := range items {
		out.Items = append(out.Items, items[i].View(s.criteria))
	}
	return result(out)
}

func (s *server) confirm(ctx context.Context, _ *mcp.CallToolRequest, in confirmIn) (*mcp.CallToolResult, any, error) {
	d := store.Decision{State: store.Confirmed}
	if in.Note != "" {
		if len(in.IDs) > 1 {
			return nil, nil, errors.New("a note belongs to one item: confirm the others without it, or edit each")
		}
		d.Note = &in.Note
	}
	if in.FollowUp != "" {
		day, err := input.FollowUp(in.FollowUp, s.o.Now())
		if err != nil {
			return nil, nil, fmt.Errorf("follow_up: %w", err)
		}
		d.FollowUp = &day
	}
	return s.decide(ctx, in.IDs, d)
}

func (s *server) dismiss(ctx context.Context, _ *mcp.CallToolRequest, in dismissIn) (*mcp.CallToolResult, any, error) {
	d := store.Decision{State: store.Dismissed}
	if in.Reason != "" {
		d.Reason = &in.Reason
	}
	return s.decide(ctx, in.IDs, d)
}

func (s *server) edit(ctx context.Context, _ *mcp.CallToolRequest, in editIn) (*mcp.CallToolResult, any, error) {
	ei := input.Edit{Note: in.Note, Outcome: in.Outcome, Strength: in.Strength, Scope: in.Scope, Domain: in.Domain, FollowUp: in.FollowUp,
		Criterion: in.Criteria, Now: s.o.Now()}
	e, err := ei.Parse()
	if err != nil {
		return nil, nil, err
	}
	if e.Empty() {
		return nil, nil, errors.New("nothing to change: give note, outcome, strength, scope, domain, follow_up or criteria")
	}
	for _, c := range in.Criteria {
		if !knownCriterion(s.criteria, c) {
			return nil, nil, fmt.Errorf("no level criterion has id %q", c)
		}
	}
	var it store.Item
	err = s.with(ctx, func(b Backend) error {
		ids, err := resolve(ctx, b, []string{in.ID})
		if err != nil {
			return err
		}
		it, err = b.Edit(ctx, ids[0], e)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return result(it.View(s.criteria))
}

func knownCriterion(cs []classify.Criterion, id string) bool {
	for _, c := range cs {
		if c.ID == id {
			return true
		}
	}
	return false
}

func (s *server) addEntry(ctx context.Context, _ *mcp.CallToolRequest, in entryIn) (*mcp.CallToolResult, any, error) {
	it, err := s.o.NewEntry(EntryInput{Title: in.Title, Date: in.Date, Domain: in.Domain, Scope: in.Scope, Note: in.Note, Link: in.Link, Teams: in.Teams})
	if err != nil {
		return nil, nil, err
	}
	err = s.with(ctx, func(b Backend) (err error) {
		it, err = b.Add(ctx, it)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return result(it.View(s.criteria))
}
