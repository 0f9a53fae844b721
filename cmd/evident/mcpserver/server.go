// Package mcpserver serves the evidence store to AI assistants over the
// Model Context Protocol (evident mcp): tools to search, read and decide
// items, the gaps, the week's digest, the cross-team report and the packet;
// the packet of this year and half and the strength rules as resources; and
// two prompts that tell an assistant to cite item URLs and never state a
// number the tools did not give. Every bad input is a tool error of one
// sentence, never a protocol error; the server keeps serving.
package mcpserver

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/evident-sync/evident/classify"
	"github.com/evident-sync/evident/config"
	"github.com/evident-sync/evident/pipeline/report"
	"github.com/evident-sync/evident/pipeline/store"
)

// Backend is what the tools need of the store, or of the daemon's client
// while `evident run` owns it.
type Backend interface {
	Scan(ctx context.Context, f store.Filter, fn func(*store.Item) error) error
	Get(ctx context.Context, id string) (store.Item, error)
	Resolve(ctx context.Context, ref string) (string, error)
	Decide(ctx context.Context, ids []string, d store.Decision) ([]store.Item, error)
	Edit(ctx context.Context, id string, e store.Edit) (store.Item, error)
	Add(ctx context.Context, it store.Item) (store.Item, error)
}

// Options configure the server.
type Options struct {
	Config *config.Config
	// Open gives the backend for one call and a function that releases it:
	// the store is opened per call, so the CLI and the daemon are never
	// locked out for the length of an assistant's session.
	Open func(ctx context.Context) (Backend, func(), error)
	// ReadOnly lists no tool that writes.
	ReadOnly bool
	Version  string
	Now      func() time.Time
	// NewEntry makes the item of an entry (evident add's rules).
	NewEntry func(in EntryInput) (store.Item, error)
}

// EntryInput is add_entry's input as the entry rules take it.
type EntryInput struct {
	Title, Date, Domain, Scope, Note, Link string
	Teams                                  []string
}

// server holds what the tools share.
type server struct {
	o        Options
	org      *classify.Org
	criteria []classify.Criterion
}

//go:embed strength.md
var strengthRules string

// New builds the MCP server.
func New(o Options) *mcp.Server {
	if o.Now == nil {
		o.Now = time.Now
	}
	s := &server{o: o, org: classify.NewOrg(o.Config), criteria: classify.CriteriaOf(o.Config)}
	srv := mcp.NewServer(&mcp.Implementation{Name: "evident", Title: "evident: your promotion evidence", Version: o.Version},
		&mcp.ServerOptions{Instructions: instructions})
	s.readTools(srv)
	if !o.ReadOnly {
		s.writeTools(srv)
	}
	s.resources(srv)
	s.prompts(srv)
	return srv
}

const instructions = `evident holds the engineer's promotion evidence: every review, RFC, PR, Jira issue and entry found, with its true date, scope and the reason for it, strength and the facts behind it, and the engineer's own notes and outcomes. Cite each item you use by its url (or its id when it has none). Never state a number, date, scope or outcome the tools did not give. The engineer decides: propose confirm, dismiss or edit, and call them only when asked.`

// with runs fn over a backend opened for the call.
func (s *server) with(ctx context.Context, fn func(b Backend) error) error {
	b, release, err := s.o.Open(ctx)
	if err != nil {
		return err
	}
	defer release()
	return fn(b)
}

// textResult is a tool result whose text is v as the CLI prints it.
func textResult(v any) *mcp.CallToolResult {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	enc.Encode(v)
	return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: buf.String()}}}
}

// resolve turns references (IDs, unique prefixes, keys) into full IDs, one
// sentence for the first that does not resolve.
func resolve(ctx context.Context, b Backend, refs []string) ([]string, error) {
	if len(refs) == 0 {
		return nil, errors.New("give at least one item id")
	}
	out := make([]string, 0, len(refs))
	for _, r := range refs {
		id, err := b.Resolve(ctx, strings.TrimSpace(r))
		var amb *store.AmbiguousError
		switch {
		case errors.Is(err, store.ErrNotFound):
			return nil, fmt.Errorf("no item has id %q (search_evidence finds items)", r)
		case errors.As(err, &amb), errors.Is(err, store.ErrTooShort):
			return nil, err
		case err != nil:
			return nil, err
		}
		out = append(out, id)
	}
	return out, nil
}

// period reads a period as the CLI does: 2026, 2026-H2, 2026-Q3, or "" for
// the default def.
func period(s string, def report.Period) (report.Period, error) {
	if s == "" {
		return def, nil
	}
	return report.ParsePeriod(s, time.Local)
}

func (s *server) thisYear() report.Period {
	p, _ := report.ParsePeriod(s.o.Now().Format("2006"), time.Local)
	return p
}

func (s *server) thisHalf() report.Period {
	now := s.o.Now()
	p, _ := report.ParsePeriod(fmt.Sprintf("%d-H%d", now.Year(), 1+int(now.Month()-1)/6), time.Local)
	return p
}

func ptr[T any](v T) *T { return &v }
