package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/evident-sync/evident/pipeline/localapi"
	"github.com/evident-sync/evident/pipeline/store"
)

func (a *app) backupCmd() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "backup -o FILE",
		Short: "Write a backup of the store (encrypted when the store is)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return usagef("backup needs -o FILE (or -o - for standard output)")
			}
			ctx := cmd.Context()
			return a.withBackend(ctx, func(b backend) error {
				bk, ok := b.(interface {
					Backup(context.Context, io.Writer) error
				})
				if !ok {
					return errors.New("this backend cannot back up")
				}
				if err := writeOut(out, a.stdout, func(w io.Writer) error { return bk.Backup(ctx, w) }); err != nil {
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
	return cmd
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
				return usagef("cannot read the backup: %v", err)
			}
			defer f.Close()
			st, err := a.openStore(ctx, c, store.Options{})
			if err != nil {
				return err
			}
			defer st.Close()
			if err := st.Restore(ctx, f); err != nil {
				if errors.Is(err, store.ErrNotEmpty) {
					return usagef("%s already holds items: restore into a fresh data dir (--data-dir DIR)", c.DataDir)
				}
				return err
			}
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

func (a *app) forgetCmd() *cobra.Command {
	var source string
	cmd := &cobra.Command{
		Use:   "forget --source NAME",
		Short: "Drop every item, cursor and state of one source, keeping nothing of it",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if source == "" {
				return usagef("forget needs --source NAME")
			}
			ctx := cmd.Context()
			return a.withBackend(ctx, func(b backend) error {
				fg, ok := b.(interface {
					Forget(context.Context, string) (int, error)
				})
				if !ok {
					return errors.New("this backend cannot forget")
				}
				n, err := fg.Forget(ctx, source)
				if err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "forgot source %s: %d item%s, its cursor and its state\n", source, n, plural(n))
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&source, "source", "", "the source to forget")
	return cmd
}

// readSecret reads a line without echo on a terminal, or from stdin.
func (a *app) readSecret(prompt string) (string, error) {
	if f, ok := a.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
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
