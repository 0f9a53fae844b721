package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
	"go.uber.org/goleak"

	"github.com/evident-sync/evident/pipeline/store"
)

func TestMain(m *testing.M) {
	// The end-to-end tests run this test binary as the evident command.
	if os.Getenv("EVIDENT_E2E_MAIN") == "1" {
		os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	testscript.Main(leakCheck{m}, map[string]func(){
		"evident": func() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
	})
}

// leakCheck runs the tests, then fails them if a goroutine outlives them:
// every command, server and daemon loop must stop what it starts.
type leakCheck struct{ m *testing.M }

func (l leakCheck) Run() int {
	code := l.m.Run()
	if code != 0 {
		return code
	}
	// signal.Notify's loop lives as long as the process, by design.
	if err := goleak.Find(goleak.IgnoreTopFunction("os/signal.signal_recv"), goleak.IgnoreAnyFunction("os/signal.loop")); err != nil {
		fmt.Fprintf(os.Stderr, "goleak: goroutines outlived the tests: %v\n", err)
		return 1
	}
	return 0
}

// TestScripts runs the CLI scripts in testdata/script: each is a user's
// session with the built command, checked through the contract.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: filepath.Join("testdata", "script"),
		Setup: func(e *testscript.Env) error {
			home := e.WorkDir + "/home"
			e.Setenv("HOME", home)
			e.Setenv("XDG_CONFIG_HOME", home+"/.config")
			e.Setenv("XDG_DATA_HOME", home+"/.local/share")
			e.Setenv("TZ", "UTC")
			return nil
		},
		Cmds: map[string]func(*testscript.TestScript, bool, []string){
			"seed": seedCmd, "seedyear": seedYearCmd, "freeport": freeportCmd, "http": httpCmd, "setenvfile": setenvfileCmd, "flipbyte": flipbyteCmd,
		},
		UpdateScripts: os.Getenv("EVIDENT_UPDATE_GOLDEN") != "",
	})
}

// seedCmd stores the artifacts of testdata/seed.json in DATA_DIR as a sync
// would, and sets $ID_<n> to each item's ID (n from 1, in file order).
//
//	seed DATA_DIR
func seedCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: seed DATA_DIR")
	}
	data, err := os.ReadFile(filepath.Join(os.Getenv("EVIDENT_TESTDATA"), "seed.json"))
	if err != nil {
		ts.Fatalf("%v", err)
	}
	var in []store.Ingest
	if err := json.Unmarshal(data, &in); err != nil {
		ts.Fatalf("seed.json: %v", err)
	}
	s, err := store.Open(ts.MkAbs(args[0]), store.Options{})
	if err != nil {
		ts.Fatalf("%v", err)
	}
	defer s.Close()
	if _, err := s.Commit(context.Background(), "seed", in, nil); err != nil {
		ts.Fatalf("%v", err)
	}
	for i, x := range in {
		ts.Setenv(fmt.Sprintf("ID_%d", i+1), store.IDFor(x.Artifact.Key))
	}
}

func init() {
	wd, _ := os.Getwd()
	os.Setenv("EVIDENT_TESTDATA", filepath.Join(wd, "testdata"))
}

// freeportCmd sets VAR to a TCP port free on 127.0.0.1.
//
//	freeport VAR
func freeportCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: freeport VAR")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		ts.Fatalf("%v", err)
	}
	defer ln.Close()
	ts.Setenv(args[0], strconv.Itoa(ln.Addr().(*net.TCPAddr).Port))
}

// setenvfileCmd sets VAR to the trimmed content of FILE.
//
//	setenvfile VAR FILE
func setenvfileCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: setenvfile VAR FILE")
	}
	ts.Setenv(args[0], strings.TrimSpace(ts.ReadFile(args[1])))
}

// httpCmd sends one request, waiting up to 10 s for the server to listen,
// and writes "status N", the Location and Set-Cookie headers and the body
// to stdout. Redirects are not followed.
//
//	http [-H 'Name: value']... METHOD URL [BODY]
func httpCmd(ts *testscript.TestScript, neg bool, args []string) {
	var hdr []string
	for len(args) >= 2 && args[0] == "-H" {
		hdr, args = append(hdr, args[1]), args[2:]
	}
	if neg || len(args) < 2 || len(args) > 3 {
		ts.Fatalf("usage: http [-H 'Name: value']... METHOD URL [BODY]")
	}
	var res *http.Response
	cl := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for deadline := time.Now().Add(10 * time.Second); ; {
		var body io.Reader
		if len(args) == 3 {
			body = strings.NewReader(args[2])
		}
		req, err := http.NewRequest(args[0], args[1], body)
		if err != nil {
			ts.Fatalf("%v", err)
		}
		for _, h := range hdr {
			k, v, _ := strings.Cut(h, ":")
			if strings.EqualFold(k, "Host") {
				req.Host = strings.TrimSpace(v)
			} else {
				req.Header.Add(k, strings.TrimSpace(v))
			}
		}
		if res, err = cl.Do(req); err == nil {
			break
		}
		if time.Now().After(deadline) {
			ts.Fatalf("%s %s: %v", args[0], args[1], err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	out := fmt.Sprintf("status %d\n", res.StatusCode)
	if l := res.Header.Get("Location"); l != "" {
		out += "location: " + l + "\n"
	}
	for _, c := range res.Header.Values("Set-Cookie") {
		out += "set-cookie: " + c + "\n"
	}
	ts.Stdout().Write([]byte(out + string(b)))
}

// TestRepository_RefersToNothingOutsideIt: the project documents itself; no
// tracked file sends a reader to a folder beside the checkout.
func TestRepository_RefersToNothingOutsideIt(t *testing.T) {
	outside := "../" + "shared"
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata" && strings.Contains(p, "rfc")) {
			return filepath.SkipDir
		}
		ext := filepath.Ext(p)
		if d.IsDir() || (ext != ".go" && ext != ".md" && ext != ".yaml" && ext != ".txtar" && ext != ".html" && d.Name() != "run") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if strings.Contains(string(b), outside) {
			t.Errorf("%s refers to %s", p, outside)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// flipbyteCmd flips one byte a third of the way into the first table of a
// store: damage as a failing disk or a bad copy would leave it.
//
//	flipbyte DATA_DIR
func flipbyteCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: flipbyte DATA_DIR")
	}
	tables, _ := filepath.Glob(filepath.Join(ts.MkAbs(args[0]), "*.sst"))
	if len(tables) == 0 {
		ts.Fatalf("no table in %s", args[0])
	}
	b, err := os.ReadFile(tables[0])
	if err != nil {
		ts.Fatalf("%v", err)
	}
	b[len(b)/3] ^= 0xff
	if err := os.WriteFile(tables[0], b, 0o600); err != nil {
		ts.Fatalf("%v", err)
	}
}
