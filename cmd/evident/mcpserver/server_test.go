package mcpserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/evident-sync/evident/classify"
	"github.com/evident-sync/evident/config"
	"github.com/evident-sync/evident/connectors"
	"github.com/evident-sync/evident/pipeline/store"
)

var now = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

// fixture is a store of a few reviews, one selected with a note, and a
// config with a criterion.
func fixture(t *testing.T) (*store.Store, *config.Config) {
	t.Helper()
	st, err := store.Open(t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	var page []store.Ingest
	for i := range 6 {
		at := now.AddDate(0, 0, -3*i)
		key := fmt.Sprintf("github:acme/payments-api#%d", 40+i)
		page = append(page, store.Ingest{
			Artifact: connectors.Artifact{Source: "github", SourceType: "github", Kind: connectors.KindReview, Key: key,
				URL: fmt.Sprintf("https://github.com/acme/payments-api/pull/%d", 40+i), Title: fmt.Sprintf("Refund change %d", i),
				Container: "acme/payments-api", Roles: []connectors.Role{connectors.RoleReviewer}, OccurredAt: at,
				Activity: connectors.Activity{Rounds: []connectors.Round{{At: at, State: "APPROVED"}}}},
			Class: classify.Result{Scope: classify.ScopeCrossTeam, Teams: []string{"payments"}, Domain: classify.DomainCrossTeamInfluence,
				Strength: []classify.Strength{classify.StrengthStrong, classify.StrengthRoutine}[min(i, 1)], Summary: "Reviewed " + key,
				Signals: classify.Signals{Kind: string(connectors.KindReview), Rounds: 1}}})
	}
	if _, err := st.Commit(context.Background(), "github", page, nil); err != nil {
		t.Fatal(err)
	}
	note := "Caught a double refund before launch"
	if _, err := st.Decide(context.Background(), []string{store.IDFor("github:acme/payments-api#40")}, store.Decision{State: store.Confirmed, Note: &note}); err != nil {
		t.Fatal(err)
	}
	c := &config.Config{Me: config.Me{Name: "Alice Chen", Teams: []string{"platform"}},
		Org:      config.Org{OrgThreshold: 3, Teams: []config.Team{{ID: "platform", Name: "Platform"}, {ID: "payments", Name: "Payments"}}},
		Criteria: []config.Criterion{{ID: "xteam", Text: "Shapes decisions beyond the home team", Domain: "cross-team-influence"}}}
	return st, c
}

// session connects the SDK's own client to a server over st.
func session(t *testing.T, st *store.Store, c *config.Config, readOnly bool) *mcp.ClientSession {
	t.Helper()
	var mu sync.Mutex
	srv := New(Options{Config: c, ReadOnly: readOnly, Version: "test", Now: func() time.Time { return now },
		Open: func(context.Context) (Backend, func(), error) { mu.Lock(); return st, mu.Unlock, nil },
		NewEntry: func(in EntryInput) (store.Item, error) {
			if in.Title == "" {
				return store.Item{}, errors.New("an entry needs a title: what did you do?")
			}
			id := store.NewEntryID()
			day, err := time.Parse(time.DateOnly, in.Date)
			if err != nil {
				return store.Item{}, fmt.Errorf("the date %q is not a day (YYYY-MM-DD)", in.Date)
			}
			return store.Item{ID: id, Artifact: connectors.Artifact{Source: "entry", SourceType: "entry", Kind: connectors.KindEntry, Key: "entry:" + id,
				Title: in.Title, OccurredAt: day}, User: store.UserFields{Note: in.Note}}, nil
		}})
	ct, ss := mcp.NewInMemoryTransports()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx, ss) }()
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "test-client", Version: "1"}, nil).Connect(ctx, ct, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cs.Close(); cancel(); <-done })
	return cs
}

func call(t *testing.T, cs *mcp.ClientSession, tool string, args map[string]any) (*mcp.CallToolResult, string) {
	t.Helper()
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: tool, Arguments: args})
	if err != nil {
		t.Fatalf("%s: a protocol error: %v", tool, err)
	}
	var text []string
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			text = append(text, tc.Text)
		}
	}
	return res, strings.Join(text, "\n")
}

// The tool list: every read tool with a typed, described input schema and
// readOnlyHint; the write tools with theirs; --read-only lists none that
// writes.
func TestTools_ListedWithSchemasAndAnnotations(t *testing.T) {
	st, c := fixture(t)
	reads := []string{"cross_team_report", "digest", "gaps", "get_item", "packet", "search_evidence"}
	writes := []string{"add_entry", "confirm", "dismiss", "edit"}
	for _, ro := range []bool{false, true} {
		cs := session(t, st, c, ro)
		res, err := cs.ListTools(context.Background(), nil)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, tool := range res.Tools {
			names = append(names, tool.Name)
			a := tool.Annotations
			if a == nil {
				t.Errorf("%s has no annotations", tool.Name)
				continue
			}
			if a.ReadOnlyHint != slices.Contains(reads, tool.Name) {
				t.Errorf("%s: readOnlyHint %v", tool.Name, a.ReadOnlyHint)
			}
			if tool.Name == "dismiss" && (a.DestructiveHint == nil || !*a.DestructiveHint) {
				t.Errorf("dismiss is not marked destructive")
			}
			if tool.Name == "confirm" && !a.IdempotentHint {
				t.Errorf("confirm is not marked idempotent")
			}
			schema, _ := json.Marshal(tool.InputSchema)
			if !strings.Contains(string(schema), `"type":"object"`) || (tool.Name != "packet" && tool.Name != "gaps" && tool.Name != "digest" && tool.Name != "cross_team_report" && !strings.Contains(string(schema), `"description"`)) {
				t.Errorf("%s: schema %s", tool.Name, schema)
			}
		}
		slices.Sort(names)
		want := slices.Sorted(slices.Values(append(slices.Clone(reads), writes...)))
		if ro {
			want = reads
		}
		if !slices.Equal(names, want) {
			t.Errorf("read-only %v: tools %v, want %v", ro, names, want)
		}
	}
}

// Every read tool answers with what the CLI's JSON gives, as text and as
// structured content.
func TestTools_ReadToolsAnswerAsTheCLIDoes(t *testing.T) {
	st, c := fixture(t)
	cs := session(t, st, c, true)
	noted := store.IDFor("github:acme/payments-api#40")
	for _, tc := range []struct {
		tool string
		args map[string]any
		want []string
	}{
		{"search_evidence", map[string]any{"state": "confirmed"}, []string{`"id": "` + noted + `"`, `"note": "Caught a double refund before launch"`, `"more": false`}},
		{"search_evidence", map[string]any{"text": "change 3", "limit": 5}, []string{`"title": "Refund change 3"`}},
		{"search_evidence", map[string]any{"limit": 2}, []string{`"more": true`}},
		{"get_item", map[string]any{"id": noted[:6]}, []string{`"scope_reason"`, `"source_type": "github"`}},
		{"gaps", map[string]any{}, []string{"[]"}},
		{"digest", map[string]any{"week": "2026-W48"}, []string{`"week": "2026-W48"`, `"question": "What was the most significant thing`}},
		{"cross_team_report", map[string]any{"since": "2026-01-01"}, []string{`"reviews_cross_team": 6`}},
		{"packet", map[string]any{"period": "2026"}, []string{"# Promotion case: Alice Chen", "Caught a double refund before launch"}},
	} {
		res, text := call(t, cs, tc.tool, tc.args)
		if res.IsError {
			t.Errorf("%s %v: a tool error: %s", tc.tool, tc.args, text)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s %v: no %q in\n%s", tc.tool, tc.args, w, text[:min(len(text), 800)])
			}
		}
		if tc.tool != "packet" && res.StructuredContent == nil {
			t.Errorf("%s: no structured content", tc.tool)
		}
	}
}

// Bad input is a tool error of one sentence, and the server keeps serving.
func TestTools_BadInputIsAToolErrorAndTheServerGoesOn(t *testing.T) {
	st, c := fixture(t)
	cs := session(t, st, c, false)
	for _, tc := range []struct {
		tool string
		args map[string]any
		want string
	}{
		{"get_item", map[string]any{"id": "zzzzzz"}, `no item has id "zzzzzz"`},
		{"get_item", map[string]any{"id": "ab"}, "at least 4 characters"},
		{"get_item", map[string]any{}, "id"},
		{"search_evidence", map[string]any{"since": "2026-13-01"}, "is not a date"},
		{"search_evidence", map[string]any{"scope": "galaxy"}, `unknown scope "galaxy"`},
		{"search_evidence", map[string]any{"limit": "ten"}, "limit"},
		{"digest", map[string]any{"week": "2026-W99"}, "is not an ISO week"},
		{"packet", map[string]any{"period": "2026-Q5"}, "is not a period"},
		{"confirm", map[string]any{"ids": []string{"nope1"}}, `no item has id "nope1"`},
		{"edit", map[string]any{"id": store.IDFor("github:acme/payments-api#41")}, "nothing to change"},
		{"edit", map[string]any{"id": store.IDFor("github:acme/payments-api#41"), "strength": "mighty"}, `unknown strength "mighty"`},
		{"edit", map[string]any{"id": store.IDFor("github:acme/payments-api#41"), "criteria": []string{"nosuch"}}, `no level criterion has id "nosuch"`},
		{"add_entry", map[string]any{"title": "Led the game day", "date": "someday"}, `is not a day`},
	} {
		res, text := call(t, cs, tc.tool, tc.args)
		if !res.IsError || !strings.Contains(text, tc.want) || strings.Count(text, "\n") > 1 {
			t.Errorf("%s %v: error %v, %q; want one sentence with %q", tc.tool, tc.args, res.IsError, text, tc.want)
		}
	}
	if res, _ := call(t, cs, "search_evidence", map[string]any{"limit": 1}); res.IsError {
		t.Error("the server stopped serving after bad input")
	}
}

// Writes reach the store: confirm with a note and a follow-up, edit an
// outcome, dismiss with a reason, add an entry.
func TestTools_WritesReachTheStore(t *testing.T) {
	st, c := fixture(t)
	cs := session(t, st, c, false)
	ctx := context.Background()
	id := store.IDFor("github:acme/payments-api#41")
	if res, text := call(t, cs, "confirm", map[string]any{"ids": []string{id[:8]}, "note": "Unblocked the refunds launch", "follow_up": "6w"}); res.IsError {
		t.Fatalf("confirm: %s", text)
	}
	if res, text := call(t, cs, "edit", map[string]any{"id": id, "outcome": "Refund retries fell to zero", "criteria": []string{"xteam"}}); res.IsError {
		t.Fatalf("edit: %s", text)
	}
	it, _ := st.Get(ctx, id)
	if it.State != store.Confirmed || it.User.Note != "Unblocked the refunds launch" || it.User.Outcome != "Refund retries fell to zero" ||
		it.User.FollowUp != now.AddDate(0, 0, 42).Format(time.DateOnly) || !slices.Contains(it.User.Criteria, "xteam") {
		t.Errorf("after confirm and edit: %+v", it.User)
	}
	other := store.IDFor("github:acme/payments-api#42")
	if res, text := call(t, cs, "dismiss", map[string]any{"ids": []string{other}, "reason": "a typo fix"}); res.IsError {
		t.Fatalf("dismiss: %s", text)
	}
	if it, _ := st.Get(ctx, other); it.State != store.Dismissed || it.User.DismissReason != "a typo fix" {
		t.Errorf("after dismiss: %s %q", it.State, it.User.DismissReason)
	}
	res, text := call(t, cs, "add_entry", map[string]any{"title": "Led the game day", "date": "2026-11-20", "note": "Found two missing alerts"})
	if res.IsError {
		t.Fatalf("add_entry: %s", text)
	}
	n := 0
	st.Scan(ctx, store.Filter{Kind: connectors.KindEntry}, func(it *store.Item) error {
		if it.Title() == "Led the game day" && it.State == store.Confirmed {
			n++
		}
		return nil
	})
	if n != 1 {
		t.Errorf("%d entries in the store", n)
	}
}

// Resources: the packet of this year and half, and the strength rules;
// prompts that tell the assistant to cite urls and never invent numbers.
func TestResourcesAndPrompts(t *testing.T) {
	st, c := fixture(t)
	cs := session(t, st, c, true)
	ctx := context.Background()
	res, err := cs.ListResources(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	var uris []string
	for _, r := range res.Resources {
		uris = append(uris, r.URI)
	}
	slices.Sort(uris)
	if !slices.Equal(uris, []string{"evident://packet/2026", "evident://packet/2026-H2", "evident://strength"}) {
		t.Errorf("resources %v", uris)
	}
	rr, err := cs.ReadResource(ctx, &mcp.ReadResourceParams{URI: "evident://packet/2026"})
	if err != nil || !strings.Contains(rr.Contents[0].Text, "Caught a double refund before launch") {
		t.Errorf("the packet resource: %v", err)
	}
	rr, err = cs.ReadResource(ctx, &mcp.ReadResourceParams{URI: "evident://strength"})
	if err != nil || !strings.Contains(rr.Contents[0].Text, "6 or more is strong") {
		t.Errorf("the strength resource: %v", err)
	}
	for _, p := range []struct{ name, arg, value string }{{"draft_self_review", "period", "2026-H2"}, {"weekly_triage", "week", "2026-W48"}} {
		gp, err := cs.GetPrompt(ctx, &mcp.GetPromptParams{Name: p.name, Arguments: map[string]string{p.arg: p.value}})
		if err != nil {
			t.Fatalf("%s: %v", p.name, err)
		}
		text := gp.Messages[0].Content.(*mcp.TextContent).Text
		if !strings.Contains(text, "url") || !strings.Contains(text, "Never state a number") || !strings.Contains(text, p.value) {
			t.Errorf("%s: %s", p.name, text)
		}
	}
}

// The strength rules the assistant reads are the README's: every row of
// the README's table is in strength.md.
func TestStrengthRules_AreTheREADMEs(t *testing.T) {
	readme, err := os.ReadFile("../../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	a, b := strings.Index(text, "Strength is scored from points"), strings.Index(text, "So a lone approval")
	if a < 0 || b < a {
		t.Fatal("the README's strength table is not where this test looks")
	}
	rows := 0
	for _, line := range strings.Split(text[a:b], "\n") {
		if strings.HasPrefix(line, "| ") {
			rows++
			if !strings.Contains(strengthRules, line) {
				t.Errorf("strength.md lacks the README's row %q (copy the table again)", line)
			}
		}
	}
	if rows < 20 {
		t.Errorf("%d rows read from the README's table", rows)
	}
}
