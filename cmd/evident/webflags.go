package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/evident-sync/evident/cmd/evident/web"
)

// webFlags are the flags of every command that serves the web UI.
type webFlags struct {
	addr            string
	hosts           []string
	tlsCert, tlsKey string
	publicHealth    bool
}

func (f *webFlags) register(fl *pflag.FlagSet, what string) {
	fl.StringVar(&f.addr, "addr", defaultAddr, "where to serve "+what+"; an address beyond loopback requires the login token")
	fl.StringArrayVar(&f.hosts, "host", nil, "a name the UI is reached by, accepted in the Host header (repeatable)")
	fl.StringVar(&f.tlsCert, "tls-cert", "", "serve HTTPS with this certificate (PEM; with --tls-key)")
	fl.StringVar(&f.tlsKey, "tls-key", "", "the private key of --tls-cert (PEM)")
	fl.BoolVar(&f.publicHealth, "public-health", false, "let /healthz answer without the login token")
}

// webListener is the web UI's socket, opened before any slow work so a busy
// port is reported at once, with the access rules for its address.
type webListener struct {
	ln     net.Listener
	access web.Access
	tls    *tls.Config
	url    string // without the token
	token  string // "" on loopback
}

// listenWeb checks the web flags, opens the listener and, off loopback, the
// login token in dataDir.
func (a *app) listenWeb(f webFlags, dataDir string) (*webListener, error) {
	if (f.tlsCert == "") != (f.tlsKey == "") {
		return nil, usagef("--tls-cert and --tls-key go together")
	}
	_, port, err := net.SplitHostPort(f.addr)
	if err != nil {
		return nil, usagef("--addr %q is not HOST:PORT (for example 127.0.0.1:7788)", f.addr)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return nil, usagef("--addr %q: the port must be a number from 1 to 65535 (0 picks a free one)", f.addr)
	}
	wl := &webListener{access: web.Access{Hosts: f.hosts, PublicHealth: f.publicHealth, TLS: f.tlsCert != ""}}
	if f.tlsCert != "" {
		cert, err := tls.LoadX509KeyPair(f.tlsCert, f.tlsKey)
		if err != nil {
			return nil, usagef("--tls-cert %s and --tls-key %s are not a PEM certificate and its key: %v", f.tlsCert, f.tlsKey, err)
		}
		wl.tls = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	if web.NeedsLogin(f.addr) {
		tf, err := web.OpenToken(dataDir)
		if err != nil {
			return nil, fmt.Errorf("the web UI's login token: %w", err)
		}
		if wl.token, err = tf.Load(); err != nil {
			return nil, fmt.Errorf("the web UI's login token: %w", err)
		}
		wl.access.Token = tf
	}
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		var oe *net.OpError
		if errors.As(err, &oe) {
			err = oe.Err
		}
		return nil, fmt.Errorf("cannot serve the web UI on %s (%w); choose another address with --addr", f.addr, err)
	}
	wl.ln = ln
	host, _, _ := net.SplitHostPort(f.addr)
	_, port, _ = net.SplitHostPort(ln.Addr().String())
	wl.access.Addr = net.JoinHostPort(host, port)
	scheme := "http"
	if wl.tls != nil {
		scheme = "https"
	}
	wl.url = scheme + "://" + web.URLHost(wl.access.Addr, f.hosts) + "/"
	return wl, nil
}

// announceWeb prints, once, where the UI is: off loopback with the login
// token in the URL and a line saying the UI is reachable from the network.
func (a *app) announceWeb(wl *webListener, prefix string) {
	if wl.token == "" {
		fmt.Fprintf(a.stderr, "%sweb UI on %s (Ctrl-C to stop)\n", prefix, wl.url)
		return
	}
	if f, ok := a.stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprintf(a.stderr, "%sweb UI on %s?token=%s\n", prefix, wl.url, wl.token)
	} else {
		// Off a terminal this line lands in a log (the journal, a file):
		// the token stays out of it.
		fmt.Fprintf(a.stderr, "%sweb UI on %s (it needs its login token: evident auth web-token prints the sign-in URL)\n", prefix, wl.url)
	}
	if wl.tls != nil {
		fmt.Fprintf(a.stderr, "evident: the web UI is reachable from the network on %s over HTTPS; only that token opens it (evident auth web-token --rotate replaces it)\n", wl.access.Addr)
		return
	}
	_, port, _ := net.SplitHostPort(wl.access.Addr)
	fmt.Fprintf(a.stderr, "evident: the web UI is reachable from the network on %s without encryption; serve it over HTTPS (--tls-cert, --tls-key) or bind 127.0.0.1 and use an SSH tunnel (ssh -L %s:127.0.0.1:%s THIS-HOST)\n", wl.access.Addr, port, port)
}

// serve serves h on the listener until ctx is done, then shuts down within
// 5 s.
func (wl *webListener) serve(ctx context.Context, h http.Handler) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute, IdleTimeout: 2 * time.Minute, TLSConfig: wl.tls}
	done := make(chan error, 1)
	go func() {
		if wl.tls != nil {
			done <- srv.ServeTLS(wl.ln, "", "")
		} else {
			done <- srv.Serve(wl.ln)
		}
	}()
	select {
	case <-ctx.Done():
		shut, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		srv.Shutdown(shut)
		<-done
		return nil
	case err := <-done:
		return fmt.Errorf("web server: %w", err)
	}
}
