package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/evident-sync/evident/config"
)

func (a *app) initCmd() *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Write a commented example config to edit",
		Long: `init writes a commented example config (mode 0600) to the config path:
--config, else $EVIDENT_CONFIG, else $XDG_CONFIG_HOME/evident/config.yaml.
It refuses to overwrite an existing file unless --force is given.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			path, _ := a.configPath()
			if _, err := os.Stat(path); err == nil && !force {
				return usagef("%s already exists; edit it, or pass --force to replace it", path)
			} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("check config path: %w", err)
			}
			if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
				return fmt.Errorf("create config folder: %w", err)
			}
			if err := os.WriteFile(path, config.Example, 0o600); err != nil {
				return fmt.Errorf("write config: %w", err)
			}
			if err := os.Chmod(path, 0o600); err != nil {
				return fmt.Errorf("write config: %w", err)
			}
			fmt.Fprintf(a.stdout, "Wrote %s\nEdit it (who you are, your teams, your sources), then run: evident config check\n", path)
			return nil
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "replace an existing config")
	return cmd
}

func (a *app) configCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Work with the config file",
		Args:  noArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	var strict bool
	check := &cobra.Command{
		Use:   "check [--strict]",
		Short: "Validate the config: exit 0, or 2 with every problem as FILE:LINE: message",
		Long: `check validates the config and lists every problem as FILE:LINE: message
(exit 2). What is valid but almost certainly not meant — a placeholder left
from the template, a token variable that is not set, a poll faster than the
source allows — is listed as FILE:LINE: warning: message, and exits 0 unless
--strict is given.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			path, _ := a.configPath()
			c, err := config.Load(path)
			if err != nil {
				return err
			}
			a.warnHygiene(c)
			for _, w := range c.Warnings {
				fmt.Fprintf(a.stderr, "%s:%d: warning: %s\n", path, w.Line, w.Msg)
			}
			if strict && len(c.Warnings) > 0 {
				return usagef("%s has %d warning%s, and --strict makes them errors", path, len(c.Warnings), plural(len(c.Warnings)))
			}
			fmt.Fprintf(a.stdout, "%s: ok (%d source%s, %d team%s; data in %s)\n", path,
				len(c.AllSources()), plural(len(c.AllSources())), len(c.Org.Teams), plural(len(c.Org.Teams)), c.DataDir)
			return nil
		},
	}
	check.Flags().BoolVar(&strict, "strict", false, "treat warnings as errors (exit 2)")
	cmd.AddCommand(check)
	return cmd
}
