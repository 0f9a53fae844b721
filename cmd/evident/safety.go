package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/evident-sync/evident/pipeline/localapi"
	"github.com/evident-sync/evident/pipeline/store"
)

func (a *app) backupCmd() *cobra.Command {
	var out string
	var force bool
	cmd := &cobra.Command{
		Use:   "backup -o FILE",
		Short: "Write a backup of the store (encrypted when the store is)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return usagef("backup needs -o FILE (or -o - for standard output)")
			}
			if err := refuseOverwrite(out, force); err != nil {
				return err
			}
			ctx := cmd.Context()
			return a.withReader(ctx, func(b backend) error {
				if err := writeOut(out, a.stdout, func(w io.Writer) error { return b.Backup(ctx, w) }); err != nil {
					return err
				}
				if out != "-" {
					fmt.Fprintf(a.stderr, "evident: backup written to %s\n", out)
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "the backup file (- for standard output)")
	cmd.Flags().BoolVar(&force, "force", false, "replace an existing file that is not an evident backup")
	return cmd
}

// refuseOverwrite refuses to replace a regular file that holds something
// other than an evident backup, unless forced: -o packet.md by mistake
// must not destroy the packet.
func refuseOverwrite(path string, force bool) error {
	if force || path == "-" {
		return nil
	}
	fi, err := os.Lstat(path)
	if err != nil || !fi.Mode().IsRegular() || fi.Size() == 0 {
		return nil // nothing there, or a FIFO, device or link written through
	}
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	if store.IsBackup(f) {
		return nil
	}
	return usagef("%s exists and is not an evident backup; choose another file, or add --force to replace it", path)
}

func (a *app) restoreCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "restore FILE",
		Short: "Restore a backup into an empty data dir",
		Args:  exactArgs(1, "one backup FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			c, err := a.config()
			if err != nil {
				return err
			}
			if cl, err := localapi.Dial(ctx, c.DataDir); err == nil {
				cl.Close()
				return usagef("the daemon is running on %s; stop it, or restore into another data dir (--data-dir)", c.DataDir)
			}
			f, err := os.Open(args[0])
			if err != nil {
				return usagef("cannot read the backup: %v", pathCause(err))
			}
			defer f.Close()
			_, statErr := os.Stat(c.DataDir)
			created := errors.Is(statErr, fs.ErrNotExist)
			st, err := a.openStore(ctx, c, store.Options{})
			if err != nil {
				return err
			}
			if err := st.Restore(ctx, f); err != nil {
				st.Close()
				if created {
					// Leave no empty store behind for a restore that did nothing.
					os.RemoveAll(c.DataDir)
				}
				switch {
				case errors.Is(err, store.ErrNotEmpty):
					return usagef("%s already holds items: restore into a fresh data dir (--data-dir DIR)", c.DataDir)
				case errors.Is(err, store.ErrNotBackup):
					return usagef("%s is not an evident backup (write one with evident backup -o FILE)", args[0])
				}
				return err
			}
			defer st.Close()
			counts, _ := st.Counts(ctx)
			n := 0
			for _, v := range counts {
				n += v
			}
			fmt.Fprintf(a.stdout, "restored %d item%s into %s\n", n, plural(n), c.DataDir)
			return nil
		},
	}
}

// Both backends: the store, and the daemon's client while it owns it.
var (
	_ backend = (*store.Store)(nil)
	_ backend = (*localapi.Client)(nil)
)

func (a *app) forgetCmd() *cobra.Command {
	var source string
	var yes bool
	cmd := &cobra.Command{
		Use:   "forget --source NAME [--yes]",
		Short: "Drop every item, cursor and state of one source, keeping nothing of it",
		Long: `forget deletes one source's items — confirmed ones and their notes too —
its cursor and its state, and compacts them off the disk. On a terminal it
says what will go and asks; elsewhere it needs --yes. Take a backup first
(evident backup -o FILE) if you may want them back.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if source == "" {
				return usagef("forget needs --source NAME")
			}
			ctx := cmd.Context()
			return a.withBackend(ctx, func(b backend) error {
				if err := a.knownSource(ctx, b, source, false); err != nil {
					return err
				}
				if err := a.confirmForget(ctx, b, source, yes); err != nil {
					return err
				}
				n, err := b.Forget(ctx, source)
				if err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "forgot source %s: %d item%s, its cursor and its state\n", source, n, plural(n))
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&source, "source", "", "the source to forget")
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "do not ask (needed when not on a terminal)")
	return cmd
}

// confirmForget says what forgetting source drops, by state, and asks on a
// terminal; off a terminal it needs yes.
func (a *app) confirmForget(ctx context.Context, b backend, source string, yes bool) error {
	if yes {
		return nil
	}
	by := map[store.State]int{}
	err := b.Scan(ctx, store.Filter{}, func(it *store.Item) error {
		if it.Artifact.Source == source {
			by[it.State]++
		}
		return nil
	})
	if err != nil {
		return err
	}
	what := fmt.Sprintf("%d confirmed, %d suggested and %d dismissed item%s of source %s",
		by[store.Confirmed], by[store.Suggested], by[store.Dismissed], plural(by[store.Confirmed]+by[store.Suggested]+by[store.Dismissed]), source)
	if !a.stdinTerminal() {
		return usagef("forget would delete %s; run it again with --yes to do so (evident backup -o FILE keeps a copy)", what)
	}
	fmt.Fprintf(a.stderr, "This deletes %s, with your notes and edits, and cannot be undone.\nTake a backup first with: evident backup -o evident-backup.evb\nForget source %s? [y/N] ", what, source)
	line, _ := bufio.NewReader(a.stdin).ReadString('\n')
	if ans := strings.ToLower(strings.TrimSpace(line)); ans != "y" && ans != "yes" {
		return runtimeErrors([]string{"nothing forgotten"})
	}
	return nil
}

// stdinTerminal reports whether standard input is a terminal a person can
// answer at.
func (a *app) stdinTerminal() bool {
	if a.tty != nil {
		return a.tty()
	}
	f, ok := a.stdin.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// readSecret reads a line without echo on a terminal, or from stdin.
func (a *app) readSecret(prompt string) (string, error) {
	if f, ok := a.stdin.(*os.File); ok && a.stdinTerminal() {
		fmt.Fprint(a.stderr, prompt)
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(a.stderr)
		if err != nil {
			return "", err
		}
		return strings.TrimSpace(string(b)), nil
	}
	line, err := bufio.NewReader(a.stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", usagef("no secret given on standard input")
	}
	v := strings.TrimSpace(line)
	if v == "" {
		return "", usagef("no secret given")
	}
	return v, nil
}
