package pipeline

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/evident-sync/evident/config"
	"github.com/evident-sync/evident/pipeline/store"
)

const killHelperEnv = "EVIDENT_PIPELINE_KILL_HELPER"

func killConfig(dir, docs string) (*config.Config, error) {
	return config.Parse(filepath.Join(dir, "c.yaml"), []byte(fmt.Sprintf(`
me: {name: Alice, github: alice, teams: [team00]}
org:
  teams:
    - {id: team00, members: {github: [alice]}}
sources:
  rfc:
    - {name: docs, dir: %q}
`, docs)), time.Now())
}

// killHelper syncs the folder named in the environment into the store
// there, says "page N" after each committed page and, after the second,
// waits to be killed in the middle of the backfill.
func killHelper() {
	dataDir, docs := os.Getenv(killHelperEnv), os.Getenv("EVIDENT_PIPELINE_KILL_DOCS")
	c, err := killConfig(dataDir, docs)
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(3)
	}
	st, err := store.Open(dataDir, store.Options{})
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(3)
	}
	srcs, _ := Build(c, BuildOptions{})
	s, _ := NewSyncer(st, c, nil, BuildOptions{})
	s.Sync(context.Background(), srcs[0], func(stats Stats) {
		fmt.Printf("page %d\n", stats.Pages)
		if stats.Pages == 2 {
			select {} // killed here, half-way
		}
	})
	fmt.Println("error: the pass finished before the kill")
	os.Exit(3)
}

// A design-folder backfill killed with SIGKILL half-way resumes after what
// it committed: the committed documents are not read again, and no item
// comes twice.
func TestSync_DesignFolderBackfillResumesAfterSIGKILL(t *testing.T) {
	const n = 2600 // six pages of 500
	docs := t.TempDir()
	for i := range n {
		p := filepath.Join(docs, fmt.Sprintf("team%02d", i%20), fmt.Sprintf("adr-%05d.md", i))
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(fmt.Sprintf("---\ntitle: Decision %d\nauthors: [alice]\ncreated: 2026-03-01\n---\n", i)), 0o644)
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), killHelperEnv+"="+dir, "EVIDENT_PIPELINE_KILL_DOCS="+docs)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(out)
	for want := 1; want <= 2; want++ {
		line, _ := r.ReadString('\n')
		if strings.TrimSpace(line) != fmt.Sprintf("page %d", want) {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("helper said %q", line)
		}
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()

	st := openStore(t, dir)
	defer st.Close()
	ctx := context.Background()
	before, _ := st.Counts(ctx)
	if before["docs"] != 1000 {
		t.Fatalf("%d items committed before the kill, want the two pages' 1000", before["docs"])
	}
	c, _ := killConfig(dir, docs)
	srcs, _ := Build(c, BuildOptions{})
	s, _ := NewSyncer(st, c, nil, BuildOptions{})
	stats, err := s.Sync(ctx, srcs[0], nil)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Fetched != n-1000 || stats.New != n-1000 || stats.Unchanged != 0 {
		t.Errorf("the resumed pass read %d documents (%d new, %d unchanged); want only the %d not committed", stats.Fetched, stats.New, stats.Unchanged, n-1000)
	}
	after, _ := st.Counts(ctx)
	if after["docs"] != n {
		t.Errorf("%d items after the resume, want %d, none twice", after["docs"], n)
	}
}
