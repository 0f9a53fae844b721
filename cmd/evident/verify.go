package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/evident-sync/evident/pipeline/store"
)

func (a *app) verifyCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Read the whole store and say whether it is sound (checksums, records, indexes)",
		Long: `verify reads every table of the store with its checksums, decodes every
item record and checks every index against the records. It exits 0 when the
store is sound and 1, naming what is damaged, when it is not. status shows when
it last ran.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			c, err := a.config()
			if err != nil {
				return err
			}
			check := func(b backend) error {
				rep, err := b.Verify(ctx)
				var dmg *store.DamagedError
				if errors.As(err, &dmg) {
					rep.Damages = append(rep.Damages, store.Damage{What: "a table that cannot be read"})
				} else if err != nil {
					return err
				}
				if asJSON {
					if err := printJSON(a.stdout, rep); err != nil {
						return err
					}
					if !rep.Sound() {
						return runtimeErrors([]string{damageSentence(c.DataDir, rep)})
					}
					return nil
				}
				if rep.Sound() {
					fmt.Fprintf(a.stdout, "The store in %s is sound: %d item%s and %d keys read, every checksum and index matches.\n", c.DataDir, rep.Items, plural(rep.Items), rep.Keys)
					return nil
				}
				return runtimeErrors([]string{damageSentence(c.DataDir, rep)})
			}
			// Verify keeps its result for status; on a read-only disk it
			// still checks, and keeps nothing.
			err = a.withBackend(ctx, check)
			if ro := (*store.ReadOnlyError)(nil); errors.As(err, &ro) && ro.Write {
				err = a.withReader(ctx, check)
			}
			return err
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the report as JSON (exit 1 still says damaged)")
	return cmd
}

// damageSentence says what is damaged, how many items it touches and
// what to do, in one sentence.
func damageSentence(dir string, rep store.VerifyReport) string {
	var parts []string
	indexOnly := true
	for _, d := range rep.Damages {
		indexOnly = indexOnly && d.Index
		if d.Items > 0 {
			parts = append(parts, fmt.Sprintf("%s (%d)", d.What, d.Items))
		} else {
			parts = append(parts, d.What)
		}
	}
	fix := "restore a backup written before the damage with evident restore BACKUP (notes and decisions live only in the store and its backups); source data also comes back with evident forget --source NAME then evident sync"
	if indexOnly {
		fix = "every record reads back whole, so your notes are intact, but listings may miss items: restore a backup written before the damage with evident restore BACKUP"
	}
	return fmt.Sprintf("the store in %s is damaged: %s; %s", dir, strings.Join(parts, "; "), fix)
}
