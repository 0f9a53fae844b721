package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"html"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/evident-sync/evident/cmd/evident/web"
	"github.com/evident-sync/evident/config/credentials"
)

// webFlags are the flags of every command that serves the web UI.
type webFlags struct {
	addr            string
	hosts           []string
	tlsCert, tlsKey string
	publicHealth    bool
	open            bool
}

func (f *webFlags) register(fl *pflag.FlagSet, what string) {
	fl.StringVar(&f.addr, "addr", defaultAddr, "where to serve "+what+" (it always needs its login token; beyond loopback, serve it over HTTPS)")
	fl.StringArrayVar(&f.hosts, "host", nil, "a name the UI is reached by, accepted in the Host header (repeatable)")
	fl.StringVar(&f.tlsCert, "tls-cert", "", "serve HTTPS with this certificate (PEM; with --tls-key)")
	fl.StringVar(&f.tlsKey, "tls-key", "", "the private key of --tls-cert (PEM)")
	fl.BoolVar(&f.publicHealth, "public-health", false, "let /healthz answer without the login token off loopback (on loopback it always does)")
	fl.BoolVar(&f.open, "open", false, "open the web UI, signed in, in a browser ($BROWSER, else xdg-open or open)")
}

// webListener is the web UI's socket, opened before any slow work so a busy
// port is reported at once, with the access rules for its address.
type webListener struct {
	ln     net.Listener
	access web.Access
	tls    *tls.Config
	url    string // without the token
	token  string
	// reachable says other machines reach it (not bound to loopback).
	reachable bool
	open      bool // --open
	dataDir   string
	// sample says it serves the demo's sample data: its URL carries the
	// token everywhere, so the demo signs in by itself.
	sample bool
}

// listenWeb checks the web flags, opens the listener and the login token
// in dataDir.
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
	reachable := web.Reachable(f.addr)
	wl := &webListener{reachable: reachable, open: f.open, dataDir: dataDir,
		access: web.Access{Hosts: f.hosts, PublicHealth: f.publicHealth || !reachable, TLS: f.tlsCert != ""}}
	if f.tlsCert != "" {
		cert, err := tls.LoadX509KeyPair(f.tlsCert, f.tlsKey)
		if err != nil {
			return nil, usagef("--tls-cert %s and --tls-key %s are not a PEM certificate and its key: %v", f.tlsCert, f.tlsKey, err)
		}
		wl.tls = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	tf, err := web.OpenToken(dataDir)
	if err != nil {
		return nil, fmt.Errorf("the web UI's login token: %w", err)
	}
	if wl.token, err = tf.Load(); err != nil {
		return nil, fmt.Errorf("the web UI's login token: %w", err)
	}
	wl.access.Token = tf
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

// announceWeb prints, once, where the UI is. On a terminal the URL
// carries the login token, so that one click signs in; off one the line
// lands in a log (the journal, a file) and the token stays out of it.
// Beyond loopback a second line says the UI is reachable from the network.
// With --open the signed-in URL goes to a browser.
func (a *app) announceWeb(wl *webListener, prefix string) {
	withToken := wl.sample || a.stderrIsTerminal()
	signIn := wl.url + "?token=" + wl.token
	if withToken {
		fmt.Fprintf(a.stderr, "%sweb UI on %s (Ctrl-C to stop)\n", prefix, signIn)
	} else {
		fmt.Fprintf(a.stderr, "%sweb UI on %s (it needs its login token: evident auth web-token prints the sign-in URL)\n", prefix, wl.url)
	}
	if wl.open {
		if err := openSignedIn(wl.dataDir, signIn); err != nil {
			fmt.Fprintf(a.stderr, "evident: cannot open a browser (%v): evident auth web-token prints the sign-in URL\n", err)
		}
	}
	if !wl.reachable {
		return
	}
	if wl.tls != nil {
		fmt.Fprintf(a.stderr, "evident: the web UI is reachable from the network on %s over HTTPS; only that token opens it (evident auth web-token --rotate replaces it)\n", wl.access.Addr)
		return
	}
	_, port, _ := net.SplitHostPort(wl.access.Addr)
	fmt.Fprintf(a.stderr, "evident: the web UI is reachable from the network on %s without encryption; serve it over HTTPS (--tls-cert, --tls-key) or bind 127.0.0.1 and use an SSH tunnel (ssh -L %s:127.0.0.1:%s THIS-HOST)\n", wl.access.Addr, port, port)
}

// stderrIsTerminal reports whether the command's error output is a
// terminal a person reads (not a log).
func (a *app) stderrIsTerminal() bool {
	f, ok := a.stderr.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// openSignedIn opens the sign-in URL in the user's browser without
// putting the token on a command line, where another user of the machine
// would read it (ps, /proc): the browser is given a page in the data dir,
// mode 0600, that forwards to the URL, as Jupyter does.
func openSignedIn(dataDir, signIn string) error {
	page := filepath.Join(dataDir, "web-open.html")
	abs, err := filepath.Abs(page)
	if err != nil {
		return err
	}
	u := html.EscapeString(signIn)
	body := `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=` + u + `"><title>evident</title><a href="` + u + `">Open evident</a>` + "\n"
	if err := os.WriteFile(abs, []byte(body), 0o600); err != nil {
		return err
	}
	return openBrowser((&url.URL{Scheme: "file", Path: abs}).String())
}

// openBrowser opens url in the user's browser: $BROWSER when set (the
// convention xdg-utils and Python's webbrowser share), else xdg-open, or
// open on macOS. The target goes as an argument, never through a shell.
func openBrowser(target string) error {
	argv := []string{"xdg-open", target}
	if runtime.GOOS == "darwin" {
		argv[0] = "open"
	}
	// $BROWSER is a list of commands split by ':'; the first is used, with
	// %s standing for the URL where it is given.
	if first, _, _ := strings.Cut(os.Getenv("BROWSER"), ":"); strings.TrimSpace(first) != "" {
		argv = strings.Fields(first)
		if !strings.Contains(first, "%s") {
			argv = append(argv, target)
		}
		for i := range argv {
			argv[i] = strings.ReplaceAll(argv[i], "%s", target)
		}
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = credentials.CommandEnv()
	if err := cmd.Start(); err != nil {
		return err
	}
	go cmd.Wait() // a browser may outlive the command; reap it if not
	return nil
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
