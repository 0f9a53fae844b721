package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/evident-sync/evident/pipeline/report"
	"github.com/evident-sync/evident/pipeline/store"
)

func (a *app) exportCmd() *cobra.Command {
	var format, state, since, until, out string
	cmd := &cobra.Command{
		Use:   "export --format markdown|json",
		Short: "Write the promotion packet (markdown) or a full dump (json)",
		Long: `export writes the promotion packet as markdown — confirmed items grouped by
the four domains, strongest scope first, each with its link, date, scope,
reason and your note — or every item as JSON.

--state defaults to confirmed for markdown and all for json.`,
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
			c, err := a.config()
			if err != nil {
				return err
			}
			return a.withBackend(ctx, func(b backend) error {
				var items []store.Item
				if err := b.Scan(ctx, f, func(it *store.Item) error {
					items = append(items, *it)
					return nil
				}); err != nil {
					return err
				}
				return writeOut(out, a.stdout, func(w io.Writer) error {
					if format == "json" {
						return exportJSON(w, items)
					}
					return report.Packet(w, items, c.Me.Name, since, until, generatedAt())
				})
			})
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&format, "format", "markdown", "markdown or json")
	fl.StringVar(&state, "state", "", "suggested, confirmed, dismissed or all")
	fl.StringVar(&since, "since", "", "only items on or after DATE (YYYY-MM-DD)")
	fl.StringVar(&until, "until", "", "only items on or before DATE (YYYY-MM-DD)")
	fl.StringVarP(&out, "output", "o", "", "write to FILE instead of standard output")
	return cmd
}

// writeOut writes to path atomically (temp file, then rename), or to w when
// path is empty.
func writeOut(path string, w io.Writer, fn func(io.Writer) error) error {
	if path == "" || path == "-" {
		bw := bufio.NewWriter(w)
		if err := fn(bw); err != nil {
			return err
		}
		return bw.Flush()
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".evident-export-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(f.Name())
	bw := bufio.NewWriter(f)
	if err := fn(bw); err != nil {
		f.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Chmod(f.Name(), 0o600); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

func exportJSON(w io.Writer, items []store.Item) error {
	out := make([]store.Detail, len(items))
	for i := range items {
		out[i] = items[i].Detail()
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
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
