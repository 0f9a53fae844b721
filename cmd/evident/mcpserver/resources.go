package mcpserver

import (
	"context"
	"fmt"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/evident-sync/evident/pipeline/report"
)

// resources are the packet of this year and of this half, and the
// strength rules, so an assistant can explain why an item is strong.
func (s *server) resources(srv *mcp.Server) {
	for _, p := range []report.Period{s.thisYear(), s.thisHalf()} {
		srv.AddResource(&mcp.Resource{URI: "evident://packet/" + p.Label, Name: "packet-" + p.Label, Title: "The promotion packet of " + p.Label,
			Description: "The Markdown packet a committee reads, from the selected evidence of " + p.Words() + ".", MIMEType: "text/markdown"},
			func(ctx context.Context, req *mcp.ReadResourceRequest) (*mcp.ReadResourceResult, error) {
				md, err := s.packetOf(ctx, p)
				if err != nil {
					return nil, err
				}
				return &mcp.ReadResourceResult{Contents: []*mcp.ResourceContents{{URI: req.Params.URI, MIMEType: "text/markdown", Text: md}}}, nil
			})
	}
	srv.AddResource(&mcp.Resource{URI: "evident://strength", Name: "strength", Title: "How evident scores strength",
		Description: "The rules that make an item strong, notable or routine, with the reasons items show.", MIMEType: "text/markdown"},
		func(_ context.Context, req *mcp.ReadResourceRequest) (*mcp.ReadResourceResult, error) {
			return &mcp.ReadResourceResult{Contents: []*mcp.ResourceContents{{URI: req.Params.URI, MIMEType: "text/markdown", Text: strengthRules}}}, nil
		})
}

// prompts tell an assistant how to draft from the evidence: cite every
// item's url, never state a number the tools did not give.
func (s *server) prompts(srv *mcp.Server) {
	srv.AddPrompt(&mcp.Prompt{Name: "draft_self_review", Title: "Draft a self-review from the evidence",
		Description: "A self-review for a period, drafted from the selected evidence, its notes and outcomes.",
		Arguments:   []*mcp.PromptArgument{{Name: "period", Description: "a year, half or quarter: 2026, 2026-H2, 2026-Q3 (default: this half)"}}},
		func(_ context.Context, req *mcp.GetPromptRequest) (*mcp.GetPromptResult, error) {
			p := req.Params.Arguments["period"]
			if p == "" {
				p = s.thisHalf().Label
			}
			if _, err := report.ParsePeriod(p, s.o.Now().Location()); err != nil {
				return nil, err
			}
			return promptOf("A self-review for "+p, fmt.Sprintf(`Draft my self-review for %s from my evidence in evident.

1. Read the packet (tool packet, period %s) and the quarter's or half's gaps (tool gaps).
2. Lead with the two or three strongest pieces of work, each with its impact and outcome in my own words (the note and outcome fields).
3. Cover the four domains: technical impact, organisational leverage, cross-team influence, initiative; say plainly where a domain is thin.
4. Cite every item you use by its url (or id when it has none).
5. Never state a number, date, team or outcome the tools did not give; where a claim needs a number I have not recorded, ask me for it instead.
6. Be honest about scope: "three teams" is not "organisation-wide"; unknown scope is not my team's.`, p, p)), nil
		})
	srv.AddPrompt(&mcp.Prompt{Name: "weekly_triage", Title: "Triage a week with me",
		Description: "Walk through a week's digest: what to select, what to dismiss, what needs a note.",
		Arguments:   []*mcp.PromptArgument{{Name: "week", Description: "an ISO week, 2026-W47 (default: this week)"}}},
		func(_ context.Context, req *mcp.GetPromptRequest) (*mcp.GetPromptResult, error) {
			w := req.Params.Arguments["week"]
			if w == "" {
				w = report.WeekOf(s.o.Now())
			}
			if _, err := report.WeekPeriod(w, s.o.Now().Location()); err != nil {
				return nil, err
			}
			return promptOf("Triage of "+w, fmt.Sprintf(`Help me triage week %s in evident (tool digest, week %s).

1. Ask me the week's question first, and offer to write the answer down with add_entry.
2. Go through the suggestions strongest first; for each, give its url, why evident rates it so (strength reasons, scope reason), and propose confirm (with a note in my words) or dismiss. Call confirm or dismiss only when I say so.
3. Remind me of strong evidence without a note, what still waits from earlier weeks, and follow-ups due.
4. Never state a number the tools did not give; cite items by url.`, w, w)), nil
		})
}

func promptOf(desc, text string) *mcp.GetPromptResult {
	return &mcp.GetPromptResult{Description: desc, Messages: []*mcp.PromptMessage{{Role: "user", Content: &mcp.TextContent{Text: text}}}}
}
