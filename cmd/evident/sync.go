package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/evident-sync/evident/config"
	"github.com/evident-sync/evident/connectors"
	"github.com/evident-sync/evident/pipeline"
	"github.com/evident-sync/evident/pipeline/localapi"
	"github.com/evident-sync/evident/pipeline/store"
)

func (a *app) syncCmd() *cobra.Command {
	var names []string
	var verbose bool
	cmd := &cobra.Command{
		Use:   "sync [--source NAME]...",
		Short: "One sync pass over the sources, then exit (exit 1 if any source failed)",
		Long: `sync runs one pass over every configured source (or those named with
--source), storing what each fetched, and prints a summary per source. A
source that fails does not stop the others; the exit code is then 1.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			c, err := a.config()
			if err != nil {
				return err
			}
			srcs, err := pipeline.Build(c, pipeline.BuildOptions{})
			if err != nil {
				return err
			}
			if srcs, err = selectSources(srcs, names); err != nil {
				return err
			}
			if len(srcs) == 0 {
				if _, err := os.Stat(c.Path); err != nil {
					return usagef("there is no config at %s: run evident init, then add your sources", c.Path)
				}
				return usagef("no sources are configured in %s (add some under sources:)", c.Path)
			}
			a.verbose = verbose
			if cl, err := localapi.Dial(ctx, c.DataDir); err == nil {
				defer cl.Close()
				return a.syncViaDaemon(ctx, cl, names)
			}
			st, err := a.openStore(ctx, c, store.Options{})
			if err != nil {
				return err
			}
			defer st.Close()
			return a.syncWith(ctx, st, c, srcs)
		},
	}
	cmd.Flags().StringArrayVar(&names, "source", nil, "only this source (repeatable)")
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "list every file a source skips, with the reason")
	return cmd
}

func selectSources(srcs []pipeline.Source, names []string) ([]pipeline.Source, error) {
	if len(names) == 0 {
		return srcs, nil
	}
	var out []pipeline.Source
	for _, n := range names {
		i := slices.IndexFunc(srcs, func(s pipeline.Source) bool { return s.Name == n })
		if i < 0 {
			var known []string
			for _, s := range srcs {
				known = append(known, s.Name)
			}
			return nil, usagef("no source is named %q (configured: %s)", n, strings.Join(known, ", "))
		}
		out = append(out, srcs[i])
	}
	return out, nil
}

// syncWith runs one pass of srcs over st, reporting progress and a summary.
func (a *app) syncWith(ctx context.Context, st *store.Store, c *config.Config, srcs []pipeline.Source) error {
	s, err := pipeline.NewSyncer(st, c, nil, pipeline.BuildOptions{})
	if err != nil {
		return err
	}
	if _, err := s.Reclassify(ctx); err != nil {
		return err
	}
	p := newProgress(a.stderr, srcs)
	p.start(srcs)
	res := s.SyncAll(ctx, srcs, p.update)
	a.tidy(ctx, st)
	return a.summarise(ctx, res)
}

// syncViaDaemon asks the running daemon for the pass and prints the same
// summary.
func (a *app) syncViaDaemon(ctx context.Context, cl *localapi.Client, names []string) error {
	fmt.Fprintln(a.stderr, "evident: the daemon is running; asking it to sync now")
	results, err := cl.Sync(ctx, names)
	if err != nil {
		return err
	}
	return a.summarise(ctx, results)
}

// summarise prints a line per source and fails if any source failed.
func (a *app) summarise(ctx context.Context, results []pipeline.Result) error {
	var failed []string
	missing := 0 // failures that are a credential the config lacks
	for _, r := range results {
		line := fmt.Sprintf("%s: fetched %d, new %d, updated %d, requests %d", r.Source, r.Fetched, r.New, r.Updated, r.Requests)
		if r.RateLimitRemaining >= 0 {
			line += fmt.Sprintf(", rate limit left %d", r.RateLimitRemaining)
		}
		var problems []string
		for _, pr := range r.Problems {
			if r.Skipped == nil || !strings.HasSuffix(pr, "; skipped") {
				problems = append(problems, pr) // a skipped file is said below, once
			}
		}
		if len(problems) > 0 {
			line += fmt.Sprintf(", %d problem%s", len(problems), plural(len(problems)))
		}
		if n := len(r.Skipped); n > 0 && !a.verbose {
			line += fmt.Sprintf(", %d file%s skipped (evident sync --verbose says why)", n, plural(n))
		}
		switch {
		case r.Err == nil:
		case errors.Is(r.Err, context.Canceled) && ctx.Err() != nil:
			line += "; interrupted (the next sync resumes here)"
		default:
			line += "; failed (see below)"
			failed = append(failed, fmt.Sprintf("%s: %s", r.Source, oneLine(r.Err.Error(), 300)))
			if ae := (*connectors.AuthError)(nil); errors.As(r.Err, &ae) && ae.Missing {
				missing++
			}
		}
		fmt.Fprintln(a.stdout, line)
		for _, pr := range problems {
			fmt.Fprintf(a.stdout, "  %s: %s\n", r.Source, oneLine(pr, 300))
		}
		if a.verbose {
			for _, sk := range r.Skipped {
				fmt.Fprintf(a.stdout, "  %s: %s\n", r.Source, oneLine(sk, 300))
			}
		}
	}
	if ctx.Err() != nil {
		fmt.Fprintln(a.stderr, "evident: sync interrupted; the next sync resumes where this one stopped")
		return nil
	}
	if len(failed) > 0 && missing == len(failed) {
		return usageError{runtimeErrors(failed)} // every failure is the config's: exit 2
	}
	if len(failed) > 0 {
		return runtimeErrors(failed)
	}
	return nil
}

// progress draws one bar per source on a terminal, and plain lines (one per
// page, at most every few pages) elsewhere.
type progress struct {
	mu    sync.Mutex
	w     io.Writer
	tty   bool
	names []string
	last  map[string]pipeline.Stats
	drawn bool
}

func newProgress(w io.Writer, srcs []pipeline.Source) *progress {
	p := &progress{w: w, last: map[string]pipeline.Stats{}}
	for _, s := range srcs {
		p.names = append(p.names, s.Name)
	}
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 && os.Getenv("TERM") != "dumb" {
			p.tty = true
		}
	}
	return p
}

// start says, on a terminal, what each source is trying before its first
// page arrives: a server that does not answer is not a silent wait.
func (p *progress) start(srcs []pipeline.Source) {
	if !p.tty {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, s := range srcs {
		what := "reading the folder"
		if s.Host != "" {
			what = "reaching " + s.Host + "…"
		}
		fmt.Fprintf(p.w, "\x1b[2K%-12s %s %s\n", s.Name, strings.Repeat("·", 30), what)
	}
	p.drawn = true
}

func (p *progress) update(st pipeline.Stats) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.last[st.Source] = st
	if !p.tty {
		if st.Pages == 1 || st.Pages%10 == 0 {
			fmt.Fprintf(p.w, "%s: %d fetched so far (page %d)\n", st.Source, st.Fetched, st.Pages)
		}
		return
	}
	if p.drawn {
		fmt.Fprintf(p.w, "\x1b[%dA", len(p.names))
	}
	for _, n := range p.names {
		s, ok := p.last[n]
		bar := strings.Repeat("·", 30)
		if ok && s.Progress >= 0 {
			filled := int(s.Progress * 30)
			bar = strings.Repeat("█", filled) + strings.Repeat("·", 30-filled)
		}
		fmt.Fprintf(p.w, "\x1b[2K%-12s %s %6d fetched\n", n, bar, s.Fetched)
	}
	p.drawn = true
}
