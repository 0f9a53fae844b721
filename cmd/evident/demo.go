package main

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/evident-sync/evident/pipeline"
	"github.com/evident-sync/evident/pipeline/demo"
	"github.com/evident-sync/evident/pipeline/store"
)

func (a *app) demoCmd() *cobra.Command {
	var noServe bool
	var wf webFlags
	cmd := &cobra.Command{
		Use:   "demo [--no-serve]",
		Short: "The whole flow on a bundled sample organisation, no tokens needed",
		Long: `demo starts fakes of GitHub and Jira holding a sample organisation of seven
teams, and a folder of design documents, on 127.0.0.1; syncs them through the
real connectors into a temporary store; prints the inbox and the cross-team
summary; then serves the web UI until interrupted (or exits, with --no-serve).
The store is removed on exit, unless --data-dir DIR names where to keep it:
then DIR/demo.yaml is written too, and evident --config DIR/demo.yaml inbox
(or list, show, serve) reads it later.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			dir := a.dataDirFlag
			if dir != "" {
				abs, err := filepath.Abs(dir)
				if err != nil {
					return fmt.Errorf("demo store %s: %w", dir, err)
				}
				dir = abs
			}
			if dir == "" {
				tmp, err := os.MkdirTemp("", "evident-demo-")
				if err != nil {
					return fmt.Errorf("create demo store: %w", err)
				}
				defer os.RemoveAll(tmp)
				dir = tmp
			}
			var wl *webListener
			if !noServe {
				// A busy port is said at once, not after the whole sync.
				var err error
				if wl, err = a.listenWeb(wf, dir); err != nil {
					return err
				}
				wl.sample = true
				defer wl.ln.Close()
			}
			env, err := demo.Start(dir, time.Now())
			if err != nil {
				return err
			}
			defer env.Close()
			a.cfg = env.Config
			fmt.Fprintf(a.stderr, "Sample organisation: 7 teams on fake GitHub, Jira, Confluence and Google Drive at 127.0.0.1, design documents in a folder.\nSyncing through the real connectors into %s ...\n", dir)
			st, err := openStoreWith(ctx, dir, store.Options{})
			if err != nil {
				return err
			}
			srcs, err := pipeline.Build(env.Config, pipeline.BuildOptions{})
			if err != nil {
				st.Close()
				return err
			}
			if err := a.syncWith(ctx, st, env.Config, srcs); err != nil {
				st.Close()
				return err
			}
			fmt.Fprintln(a.stdout)
			more := "the web UI (evident demo, without --no-serve), or keep this store with evident --data-dir DIR demo"
			if a.dataDirFlag != "" {
				cfg := filepath.Join(dir, "demo.yaml")
				if err := os.WriteFile(cfg, keptDemoConfig(env.YAML), 0o600); err != nil {
					st.Close()
					return fmt.Errorf("write %s: %w", cfg, err)
				}
				more = "evident --config " + cfg + " inbox"
			}
			if err := a.demoSummary(cmd, st, more); err != nil {
				st.Close()
				return err
			}
			if noServe || ctx.Err() != nil {
				return st.Close()
			}
			defer st.Close()
			return a.serveUI(ctx, st, env.Config, wl)
		},
	}
	cmd.Flags().BoolVar(&noServe, "no-serve", false, "print the inbox and the cross-team summary, then exit")
	wf.register(cmd.Flags(), "the web UI")
	return cmd
}

func (a *app) demoSummary(cmd *cobra.Command, st *store.Store, more string) error {
	ctx := cmd.Context()
	fmt.Fprintln(a.stdout, "Inbox (newest first):")
	n, err := a.printItems(ctx, st, store.Filter{States: []store.State{store.Suggested}, Limit: 15}, false)
	if err != nil {
		return err
	}
	total := 0
	st.Scan(ctx, store.Filter{States: []store.State{store.Suggested}}, func(*store.Item) error { total++; return nil })
	if total > n {
		fmt.Fprintf(a.stdout, "... and %d more: %s\n", total-n, more)
	}
	fmt.Fprintln(a.stdout, "\nCross-team work:")
	r, err := crossTeam(ctx, st, a.cfg, time.Time{}, time.Time{})
	if err != nil {
		return err
	}
	printReport(a.stdout, r)
	return nil
}

// keptDemoConfig is the demo's config without its sources (fakes and a
// folder that are gone when the demo ends): the org model, to read the kept
// store with.
func keptDemoConfig(y string) []byte {
	var doc yaml.Node
	if yaml.Unmarshal([]byte(y), &doc) != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return []byte(y)
	}
	m := doc.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == "sources" {
			m.Content = append(m.Content[:i], m.Content[i+2:]...)
			break
		}
	}
	out, err := yaml.Marshal(&doc)
	if err != nil {
		return []byte(y)
	}
	return append([]byte("# The evident demo's organisation, to read the store kept beside this file.\n# Its sources were fakes that ended with the demo.\n"), out...)
}
