package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/spf13/cobra"

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
	var addr, logFormat, logLevel string
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
			return a.daemon(ctx, log, c, st, srcs, addr)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&addr, "addr", defaultAddr, "where to serve the web UI, /healthz and /metrics")
	fl.StringVar(&logFormat, "log-format", "text", "text or json")
	fl.StringVar(&logLevel, "log-level", "info", "debug, info, warn or error")
	return cmd
}

// daemon runs the scheduler, the local API and the web server until ctx is
// done, then stops them in order: polls first (a page being written is
// committed), then the servers.
func (a *app) daemon(ctx context.Context, log *slog.Logger, c *config.Config, st *store.Store, srcs []pipeline.Source, addr string) error {
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
	defer os.Remove(localapi.SocketPath(c.DataDir))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		sock.Close()
		return fmt.Errorf("serve the web UI on %s: %w", addr, err)
	}
	if host, _, _ := net.SplitHostPort(addr); !isLoopback(host) {
		log.Warn("the web UI listens beyond this machine; anyone who can reach it can see your evidence", "addr", addr)
	}
	ui, err := web.New(web.Options{Backend: st, Config: c, Addr: ln.Addr().String(), Log: log})
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintln(w, `{"status":"ok"}`)
	})
	mux.Handle("/", ui)
	srv := &http.Server{Handler: web.HostGuard(ln.Addr().String(), mux), ReadHeaderTimeout: 10 * time.Second}

	sctx, stopServers := context.WithCancel(context.WithoutCancel(ctx))
	defer stopServers()
	api := &localapi.Server{Store: st, Runner: runner, Log: log}
	apiDone := make(chan error, 1)
	go func() { apiDone <- api.Serve(sctx, sock) }()
	webDone := make(chan error, 1)
	go func() {
		err := srv.Serve(ln)
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		webDone <- err
	}()
	runner.Start(ctx)
	log.Info("evident is running", "data_dir", c.DataDir, "ui", "http://"+ln.Addr().String()+"/", "sources", len(srcs))
	fmt.Fprintf(a.stderr, "evident: running; web UI on http://%s/ (Ctrl-C to stop)\n", ln.Addr())

	var failure error
	select {
	case <-ctx.Done():
	case failure = <-webDone:
	}
	log.Info("stopping")
	runner.Stop()
	shut, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	srv.Shutdown(shut)
	stopServers()
	<-apiDone
	if failure != nil {
		return fmt.Errorf("web server: %w", failure)
	}
	log.Info("stopped")
	return nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

func (a *app) serveCmd() *cobra.Command {
	var addr string
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
			var b backend
			if cl, err := localapi.Dial(ctx, c.DataDir); err == nil {
				b = cl // the daemon owns the store
			} else {
				st, err := a.openStore(ctx, c, store.Options{IdleClose: 30 * time.Second})
				if err != nil {
					return err
				}
				b = st
			}
			defer b.Close()
			return a.serveUI(ctx, b, c, addr)
		},
	}
	cmd.Flags().StringVar(&addr, "addr", defaultAddr, "where to serve the web UI")
	return cmd
}

// serveUI serves the web UI over b until ctx is done.
func (a *app) serveUI(ctx context.Context, b web.Backend, c *config.Config, addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("serve the web UI on %s: %w", addr, err)
	}
	ui, err := web.New(web.Options{Backend: b, Config: c, Addr: ln.Addr().String()})
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: ui, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(a.stderr, "evident: web UI on http://%s/ (Ctrl-C to stop)\n", ln.Addr())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case <-ctx.Done():
		shut, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		srv.Shutdown(shut)
		return nil
	case err := <-done:
		return fmt.Errorf("web server: %w", err)
	}
}
