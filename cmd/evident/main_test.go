package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/evident-sync/evident/pipeline/store"
)

func TestMain(m *testing.M) {
	// The end-to-end tests run this test binary as the evident command.
	if os.Getenv("EVIDENT_E2E_MAIN") == "1" {
		os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	testscript.Main(m, map[string]func(){
		"evident": func() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
	})
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
		Cmds:          map[string]func(*testscript.TestScript, bool, []string){"seed": seedCmd},
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
