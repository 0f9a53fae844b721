// Command evident collects the traces of a senior engineer's work — reviews,
// RFCs, Jira issues — as candidate promotion evidence, and serves the weekly
// triage over them. Run "evident demo" to see it on a sample organisation.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/evident-sync/evident/config"
	"github.com/evident-sync/evident/pipeline/store"
)

func main() {
	privateFiles()
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// Exit codes of the contract.
const (
	exitOK      = 0
	exitRuntime = 1
	exitUsage   = 2
)

// usageError marks an error as the user's to fix: a bad flag or argument,
// an invalid config, an unknown or ambiguous ID. It exits 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

// run is the whole program; main only exits with its code.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// A reader that goes away (evident demo | head -1) makes writes fail
	// with EPIPE instead of killing the process, so deferred clean-ups run.
	signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr}
	root := a.rootCmd()
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	code := exitCode(err)
	if errors.Is(err, syscall.EPIPE) {
		return code // the reader is gone; there is no one to tell
	}
	if msg := message(err); msg != "" {
		fmt.Fprintln(stderr, "evident: "+msg)
	} else {
		fmt.Fprintln(stderr, "evident: failed for an unknown reason (please report it)")
	}
	return code
}

func exitCode(err error) int {
	var ue usageError
	var ce *config.Error
	var amb *store.AmbiguousError
	var ne *config.NotExistError
	switch {
	case strings.HasPrefix(err.Error(), "unknown command"), strings.HasPrefix(err.Error(), "unknown shorthand flag"):
		return exitUsage
	case errors.As(err, &ue), errors.As(err, &ce), errors.As(err, &amb), errors.As(err, &ne):
		return exitUsage
	}
	return exitRuntime
}

// message is the one sentence printed for err; a config error keeps its
// list of FILE:LINE problems, one per line.
func message(err error) string {
	var ce *config.Error
	if errors.As(err, &ce) {
		return fmt.Sprintf("%s has %d problem%s:\n%s", ce.Path, len(ce.Problems), plural(len(ce.Problems)), ce.Error())
	}
	return strings.TrimSpace(err.Error())
}

// runtimeError is a runtime failure (exit 1) with one line per cause, each
// a sentence of its own on stderr.
type runtimeError struct{ lines []string }

func (e runtimeError) Error() string { return strings.Join(e.lines, "\nevident: ") }

// runtimeErrors is a runtime failure with one line per cause.
func runtimeErrors(lines []string) error { return runtimeError{lines: lines} }

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
