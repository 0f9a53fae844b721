package main

import (
	"context"
	"io"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/evident-sync/evident/cmd/evident/mcpserver"
	"github.com/evident-sync/evident/pipeline/store"
)

// mcpCmd serves the evidence store to an AI assistant over stdio.
func (a *app) mcpCmd() *cobra.Command {
	var readOnly bool
	cmd := &cobra.Command{
		Use:   "mcp [--read-only]",
		Short: "Serve your evidence to an AI assistant (Model Context Protocol, over stdio)",
		Long: `mcp serves the evidence store to an assistant (Claude, Cursor, VS Code...) over
the Model Context Protocol on standard input and output: tools to search and
read items, the gaps, the week's digest, the cross-team report and the
packet, and, unless --read-only, to confirm, dismiss, edit and add entries.
It reads the store directly, or through the daemon while evident run owns it,
opening it for each call only, so the CLI and the daemon are never locked
out.

What the assistant reads goes to its provider: --read-only lets it read
without changing anything; nothing leaves the machine unless the assistant
asks for it.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			c, err := a.config()
			if err != nil {
				return err
			}
			a.creates = true  // an entry may be the first thing written
			var mu sync.Mutex // one call at a time holds the store
			srv := mcpserver.New(mcpserver.Options{Config: c, ReadOnly: readOnly, Version: version,
				Open: func(ctx context.Context) (mcpserver.Backend, func(), error) {
					mu.Lock()
					b, err := a.openFor(ctx, readOnly) // --read-only writes nothing, not even a lock
					if err != nil {
						mu.Unlock()
						return nil, nil, err
					}
					return b, func() {
						if st, ok := b.(*store.Store); ok {
							a.tidy(ctx, st)
						}
						b.Close()
						mu.Unlock()
					}, nil
				},
				NewEntry: func(in mcpserver.EntryInput) (store.Item, error) {
					return newEntry(c, entryFlags{title: in.Title, date: in.Date, domain: in.Domain, scope: in.Scope, teams: in.Teams, note: in.Note, link: in.Link})
				},
			})
			return srv.Run(ctx, mcpserver.Stdio(io.NopCloser(a.stdin), nopCloser{a.stdout}, 30*time.Second))
		},
	}
	cmd.Flags().BoolVar(&readOnly, "read-only", false, "list no tool that writes: the assistant reads, never decides")
	return cmd
}

// nopCloser lets the command's output be the transport's writer.
type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }
