package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/spf13/cobra"

	"github.com/evident-sync/evident/classify"
	"github.com/evident-sync/evident/cmd/evident/web"
	"github.com/evident-sync/evident/config"
	"github.com/evident-sync/evident/pipeline"
	"github.com/evident-sync/evident/pipeline/localapi"
	"github.com/evident-sync/evident/pipeline/store"
)

const defaultAddr = "127.0.0.1:7788"

func newLogger(w io.Writer, format, level string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, usagef("--log-level %q is not debug, info, warn or error", level)
	}
	o := &slog.HandlerOptions{Level: lv}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, o)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, o)), nil
	}
	return nil, usagef("--log-format %q is not text or json", format)
}

func (a *app) runCmd() *cobra.Command {
	var logFormat, logLevel string
	var wf webFlags
	cmd := &cobra.Command{
		Use:   "run [--addr HOST:PORT]",
		Short: "The daemon: poll every source on its schedule and serve the web UI",
		Long: `run keeps every source current on its own schedule and serves the web UI
(default http://127.0.0.1:7788), /healthz and Prometheus /metrics. While it
runs, every other evident command works through it. SIGINT or SIGTERM stops
it cleanly. See README for the systemd unit and the launchd agent.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			log, err := newLogger(a.stderr, logFormat, logLevel)
			if err != nil {
				return err
			}
			c, err := a.config()
			if err != nil {
				return err
			}
			// Another daemon refuses at once; a short command holding the
			// store is waited for.
			if cl, err := localapi.Dial(ctx, c.DataDir); err == nil {
				cl.Close()
				return &store.LockedError{Dir: c.DataDir}
			}
			st, err := a.openStore(ctx, c, store.Options{Logger: log, IdleClose: 30 * time.Second})
			if err != nil {
				return err
			}
			defer st.Close()
			srcs, err := pipeline.Build(c, pipeline.BuildOptions{})
			if err != nil {
				return err
			}
			wl, err := a.listenWeb(wf, c.DataDir)
			if err != nil {
				return err
			}
			return a.daemon(ctx, log, c, st, srcs, wl)
		},
	}
	fl := cmd.Flags()
	wf.register(fl, "the web UI, /healthz and /metrics")
	fl.StringVar(&logFormat, "log-format", "text", "text or json")
	fl.StringVar(&logLevel, "log-level", "info", "debug, info, warn or error")
	return cmd
}

// daemon runs the scheduler, the local API and the web server until ctx is
// done, then stops them in order: polls first (a page being written is
// committed), then the servers.
func (a *app) daemon(ctx context.Context, log *slog.Logger, c *config.Config, st *store.Store, srcs []pipeline.Source, wl *webListener) error {
	defer wl.ln.Close()
	syncer, err := pipeline.NewSyncer(st, c, log, pipeline.BuildOptions{})
	if err != nil {
		return err
	}
	if n, err := syncer.Reclassify(ctx); err != nil {
		return err
	} else if n > 0 {
		log.Info("re-classified suggested items for the new org model", "items", n)
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	metrics := pipeline.NewMetrics(ctx, reg, st)
	runner := &pipeline.Runner{Syncer: syncer, Sources: srcs, Log: log, OnResult: metrics.Observe}

	sock, err := localapi.Listen(c.DataDir)
	if err != nil {
		return err
	}
	defer localapi.RemoveSocket(c.DataDir)
	ui, err := web.New(web.Options{Backend: st, Config: c, Access: wl.access, Log: log})
	if err != nil {
		sock.Close()
		return err
	}
	ui.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	ui.Handle("GET /healthz", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintln(w, `{"status":"ok"}`)
	}))

	sctx, stopServers := context.WithCancel(context.WithoutCancel(ctx))
	defer stopServers()
	api := &localapi.Server{Store: st, Runner: runner, Org: classify.NewOrg(c), Criteria: classify.CriteriaOf(c), Log: log}
	apiDone := make(chan error, 1)
	go func() { apiDone <- api.Serve(sctx, sock) }()
	webDone := make(chan error, 1)
	go func() { webDone <- wl.serve(sctx, ui) }()
	runner.Start(ctx)
	digest := digestSchedule(c, st, log)
	if digest != nil {
		digest.Start(ctx)
	}
	backups := backupSchedule(ctx, c, st, log)
	if backups != nil {
		backups.Start(ctx)
	}
	// One start-up line: the log's. On a terminal the sign-in URL is
	// printed too, outside the log, so the token never reaches a journal;
	// beyond loopback the network warning is.
	log.Info("evident is running; web UI on "+wl.url, "data_dir", c.DataDir, "sources", len(srcs))
	if wl.reachable || wl.open || a.stderrIsTerminal() {
		a.announceWeb(wl, "evident: ")
	}

	var failure error
	select {
	case <-ctx.Done():
	case failure = <-webDone:
	}
	log.Info("stopping")
	runner.Stop()
	if digest != nil {
		digest.Stop()
	}
	if backups != nil {
		backups.Stop()
	}
	stopServers()
	if failure == nil {
		failure = <-webDone
	}
	<-apiDone
	if failure != nil {
		return fmt.Errorf("web server: %w", failure)
	}
	log.Info("stopped")
	return nil
}

func (a *app) serveCmd() *cobra.Command {
	var wf webFlags
	cmd := &cobra.Command{
		Use:   "serve [--addr HOST:PORT]",
		Short: "The web UI alone, over the store",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			c, err := a.config()
			if err != nil {
				return err
			}
			wl, err := a.listenWeb(wf, c.DataDir)
			if err != nil {
				return err
			}
			defer wl.ln.Close()
			if cl, err := localapi.Dial(ctx, c.DataDir); err == nil {
				defer cl.Close()
				return a.serveUI(ctx, cl, c, wl) // the daemon owns the store
			}
			st, err := a.openStore(ctx, c, store.Options{IdleClose: 30 * time.Second})
			if err != nil {
				return err
			}
			defer st.Close()
			// The store is shared over the socket, as evident run shares it:
			// the CLI works beside serve, and the page shows its decisions.
			sock, err := localapi.Listen(c.DataDir)
			if err != nil {
				return err
			}
			defer localapi.RemoveSocket(c.DataDir)
			sctx, stop := context.WithCancel(context.WithoutCancel(ctx))
			apiDone := make(chan error, 1)
			go func() {
				apiDone <- (&localapi.Server{Store: st, Org: classify.NewOrg(c), Criteria: classify.CriteriaOf(c)}).Serve(sctx, sock)
			}()
			err = a.serveUI(ctx, st, c, wl)
			stop()
			<-apiDone
			return err
		},
	}
	wf.register(cmd.Flags(), "the web UI")
	return cmd
}

// serveUI serves the web UI over b until ctx is done.
func (a *app) serveUI(ctx context.Context, b web.Backend, c *config.Config, wl *webListener) error {
	ui, err := web.New(web.Options{Backend: b, Config: c, Access: wl.access})
	if err != nil {
		return err
	}
	a.announceWeb(wl, "evident: ")
	return wl.serve(ctx, ui)
}
