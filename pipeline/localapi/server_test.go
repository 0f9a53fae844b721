package localapi

import (
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
