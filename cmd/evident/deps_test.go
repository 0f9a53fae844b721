package main

import (
	"os/exec"
	"strings"
	"testing"
)

// The binary (the demo included) links no test code: test helpers that
// import testing stay in packages only tests import.
func TestBinary_LinksNoTestingPackage(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool on PATH to list the binary's packages")
	}
	out, err := exec.Command(goTool, "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	for _, p := range strings.Fields(string(out)) {
		if p == "testing" || strings.HasPrefix(p, "testing/") || strings.HasSuffix(p, "/passtest") {
			t.Errorf("the evident binary links %s", p)
		}
	}
}
