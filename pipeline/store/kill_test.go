package store

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
)

// The helper process: open the store, confirm one item, say so, then wait
// to be killed without ever closing the store.
func TestMain(m *testing.M) {
	if dir := os.Getenv("EVIDENT_STORE_KILL_HELPER"); dir != "" {
		ctx := context.Background()
		s, err := Open(dir, Options{})
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(3)
		}
		id := os.Getenv("EVIDENT_STORE_KILL_ID")
		if _, err := s.Decide(ctx, []string{id}, Decision{State: Confirmed, Note: ptr("kept after kill")}); err != nil {
			fmt.Println("error:", err)
			os.Exit(3)
		}
		if _, err := s.Edit(ctx, id, Edit{Title: ptr("edited before kill")}); err != nil {
			fmt.Println("error:", err)
			os.Exit(3)
		}
		fmt.Println("acknowledged")
		select {}
	}
	os.Exit(m.Run())
}

func TestDecide_SurvivesSIGKILLAfterAcknowledgement(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openTemp(t, dir)
	if _, err := s.Commit(ctx, "github", page(100, 0), nil); err != nil {
		t.Fatal(err)
	}
	s.Close()
	id := IDFor(artifact(42, 0).Artifact.Key)

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "EVIDENT_STORE_KILL_HELPER="+dir, "EVIDENT_STORE_KILL_ID="+id)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(out).ReadString('\n')
	if strings.TrimSpace(line) != "acknowledged" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("helper said %q", line)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()

	s = openTemp(t, dir)
	defer s.Close()
	it, err := s.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if it.State != Confirmed || it.User.Note != "kept after kill" || it.Title() != "edited before kill" {
		t.Errorf("after SIGKILL: state %s note %q title %q", it.State, it.User.Note, it.Title())
	}
}
