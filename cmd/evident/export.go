package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/evident-sync/evident/classify"
	"github.com/evident-sync/evident/config"
	"github.com/evident-sync/evident/pipeline/report"
	"github.com/evident-sync/evident/pipeline/store"
)

func (a *app) exportCmd() *cobra.Command {
	var format, state, since, until, period, out string
	cmd := &cobra.Command{
		Use:   "export --format markdown|json",
		Short: "Write the promotion packet (markdown) or a full dump (json)",
		Long: `export writes the promotion packet as markdown — the period and where the
evidence starts, the evidence by scope, the two or three strongest items,
then per domain every item you noted or gave an outcome (never cut) and every
strong one, ranked by what you said of them, with facts, scope and related
work; the other notable items one line each; the rest as numbers per team;
and the level criteria with the items that support them and why — or every
item as JSON.

--period names a quarter, half or year (2026-Q3, 2026-H2, 2026); each domain
then compares with the period before when it has evidence. --state defaults to confirmed for
markdown and all for json.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if format != "markdown" && format != "json" {
				return usagef("--format must be markdown or json")
			}
			if !cmd.Flags().Changed("state") {
				state = map[string]string{"markdown": "confirmed", "json": "all"}[format]
			}
			f, err := parseFilter(state, "", "", since, until)
			if err != nil {
				return err
			}
			p, err := report.PeriodOf(period, since, until)
			if err != nil {
				return usageError{err}
			}
			c, err := a.config()
			if err != nil {
				return err
			}
			return a.withReader(ctx, func(b backend) error {
				// Both formats stream from the store to the output: the JSON
				// item by item, the packet keeping only what it lists.
				err := writeOut(out, a.stdout, func(w io.Writer) error {
					if format == "json" {
						f.Since, f.Until = p.Since, p.Until
						return exportJSON(ctx, w, b, f, a.criteria())
					}
					return report.WritePacket(ctx, b, w, f.States, a.packetOptions(c, p))
				})
				if err == nil && out != "" && out != "-" {
					what := map[string]string{"markdown": "the promotion packet", "json": "the JSON export"}[format]
					fmt.Fprintf(a.stderr, "evident: %s of %s written to %s\n", what, p.Words(), out)
				}
				return err
			})
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&format, "format", "markdown", "markdown or json")
	fl.StringVar(&state, "state", "", "suggested, confirmed, dismissed or all")
	fl.StringVar(&period, "period", "", "a year, half or quarter: 2026, 2026-H2, 2026-Q3")
	fl.StringVar(&since, "since", "", "only items on or after DATE (YYYY-MM-DD)")
	fl.StringVar(&until, "until", "", "only items on or before DATE (YYYY-MM-DD)")
	fl.StringVarP(&out, "output", "o", "", "write to FILE instead of standard output")
	return cmd
}

// packetOptions are the packet's options for the configured user.
func (a *app) packetOptions(c *config.Config, p report.Period) report.PacketOptions {
	org := classify.NewOrg(c)
	return report.PacketOptions{Name: c.Me.Name, Period: p, Criteria: a.criteria(), TeamName: org.TeamName, Home: c.Me.Teams, Now: generatedAt(), Describe: org.Describe}
}

// writeOut writes what fn writes to path, or to w when path is "" or "-".
// A regular file, or a path that does not exist yet, is written atomically
// (a temporary file beside it, then a rename) with mode 0600; anything else
// — a FIFO, a device such as /dev/null, a symlink — is written through, never
// replaced.
func writeOut(path string, w io.Writer, fn func(io.Writer) error) error {
	if path == "" || path == "-" {
		bw := bufio.NewWriter(w)
		if err := fn(bw); err != nil {
			return err
		}
		return bw.Flush()
	}
	fi, err := os.Lstat(path)
	switch {
	case err == nil && !fi.Mode().IsRegular():
		return writeThrough(path, fn)
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("cannot write %s: %w", path, pathCause(err))
	}
	dir := filepath.Dir(path)
	if di, err := os.Stat(dir); err != nil || !di.IsDir() {
		return fmt.Errorf("cannot write %s: the folder %s does not exist", path, dir)
	}
	f, err := os.CreateTemp(dir, ".evident-out-*")
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", path, pathCause(err))
	}
	defer os.Remove(f.Name())
	bw := bufio.NewWriter(f)
	if err := fn(bw); err != nil {
		f.Close()
		return err
	}
	err = bw.Flush()
	if err == nil {
		err = f.Chmod(0o600)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", path, pathCause(err))
	}
	return nil
}

// writeThrough opens what is at path (following a symlink) for writing and
// writes into it, as a shell's > would.
func writeThrough(path string, fn func(io.Writer) error) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", path, pathCause(err))
	}
	bw := bufio.NewWriter(f)
	if err := fn(bw); err != nil {
		f.Close()
		return err
	}
	err = bw.Flush()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", path, pathCause(err))
	}
	return nil
}

// pathCause drops the operation and the (perhaps temporary) path from a
// file error, so the message names only the user's path.
func pathCause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}

// exportJSON writes the items f selects as an indented JSON array of
// their details, one at a time, as json.Encoder with SetIndent("", "  ")
// would write the whole array.
func exportJSON(ctx context.Context, w io.Writer, b backend, f store.Filter, cs []classify.Criterion) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("  ", "  ")
	n := 0
	err := b.Scan(ctx, f, func(it *store.Item) error {
		buf.Reset()
		if n == 0 {
			buf.WriteString("[\n  ")
		} else {
			buf.WriteString(",\n  ")
		}
		n++
		if err := enc.Encode(it.Detail(cs)); err != nil {
			return err
		}
		buf.Truncate(buf.Len() - 1) // the encoder's newline
		_, err := w.Write(buf.Bytes())
		return err
	})
	if err != nil {
		return err
	}
	if n == 0 {
		_, err = io.WriteString(w, "[]\n")
	} else {
		_, err = io.WriteString(w, "\n]\n")
	}
	return err
}

// generatedAt is now, or $SOURCE_DATE_EPOCH when set, for reproducible packets.
func generatedAt() time.Time {
	if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return time.Unix(n, 0).UTC()
		}
	}
	return time.Now()
}
