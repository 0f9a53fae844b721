package localapi

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestListen_ReplacesOnlyAStaleSocket(t *testing.T) {
	dir := t.TempDir()
	// A regular file where the socket goes is the user's: left alone.
	os.WriteFile(SocketPath(dir), []byte("mine"), 0o600)
	if _, err := Listen(dir); err == nil || !strings.Contains(err.Error(), "is not evident's socket") {
		t.Fatalf("Listen over a regular file: %v", err)
	}
	if b, _ := os.ReadFile(SocketPath(dir)); string(b) != "mine" {
		t.Fatalf("the file was touched: %q", b)
	}
	// A directory too.
	dir2 := t.TempDir()
	os.Mkdir(SocketPath(dir2), 0o700)
	os.WriteFile(filepath.Join(SocketPath(dir2), "x"), nil, 0o600)
	if _, err := Listen(dir2); err == nil {
		t.Fatal("Listen over a directory succeeded")
	}
	// A stale socket (its daemon gone) is replaced.
	dir3 := t.TempDir()
	ln, err := Listen(dir3)
	if err != nil {
		t.Fatal(err)
	}
	ln.(interface{ SetUnlinkOnClose(bool) }).SetUnlinkOnClose(false)
	ln.Close()
	ln, err = Listen(dir3)
	if err != nil {
		t.Fatalf("Listen over a stale socket: %v", err)
	}
	ln.Close()
}

func TestDial_TellsNoDaemonFromABadAnswer(t *testing.T) {
	ctx := context.Background()
	// Nothing there, or a stale socket nobody listens on: no daemon.
	dir := t.TempDir()
	if _, err := Dial(ctx, dir); !errors.Is(err, ErrNoDaemon) {
		t.Errorf("no socket: %v", err)
	}
	ln, _ := Listen(dir)
	ln.(interface{ SetUnlinkOnClose(bool) }).SetUnlinkOnClose(false)
	ln.Close()
	if _, err := Dial(ctx, dir); !errors.Is(err, ErrNoDaemon) {
		t.Errorf("stale socket: %v", err)
	}
	// Something that listens but does not answer as the daemon does.
	dir2 := t.TempDir()
	ln2, err := Listen(dir2)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.Error(w, "teapot", http.StatusTeapot) })}
	go srv.Serve(ln2)
	defer srv.Close()
	_, err = Dial(ctx, dir2)
	var bad *BadDaemonError
	if !errors.As(err, &bad) || errors.Is(err, ErrNoDaemon) {
		t.Errorf("a bad answer: %v", err)
	}
	// The daemon's own server answers.
	dir3 := t.TempDir()
	ln3, _ := Listen(dir3)
	cctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- (&Server{}).Serve(cctx, ln3) }()
	cl, err := Dial(ctx, dir3)
	if err != nil {
		t.Errorf("the daemon: %v", err)
	} else {
		cl.Close()
	}
	cancel()
	<-done
}
