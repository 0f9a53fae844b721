package main

import (
	"context"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/evident-sync/evident/classify"
	"github.com/evident-sync/evident/pipeline/input"
	"github.com/evident-sync/evident/pipeline/store"
)

// completeValues teaches shell completion the values of evident's flags
// and the item IDs its commands take, on every command below root.
func (a *app) completeValues(root *cobra.Command) {
	fixed := map[string][]string{
		"state":      {"suggested", "confirmed", "dismissed", "all"},
		"format":     {"markdown", "json"},
		"log-format": {"text", "json"},
		"log-level":  {"debug", "info", "warn", "error"},
		"sort":       {"date", "strength"},
	}
	for _, k := range input.Kinds {
		fixed["kind"] = append(fixed["kind"], string(k))
	}
	for _, s := range classify.Strengths {
		fixed["strength"] = append(fixed["strength"], string(s))
	}
	for _, s := range classify.Scopes {
		fixed["scope"] = append(fixed["scope"], string(s))
	}
	for _, d := range classify.Domains {
		fixed["domain"] = append(fixed["domain"], string(d))
	}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for name, vals := range fixed {
			if c.Flags().Lookup(name) != nil {
				c.RegisterFlagCompletionFunc(name, cobra.FixedCompletions(vals, cobra.ShellCompDirectiveNoFileComp))
			}
		}
		if c.Flags().Lookup("source") != nil {
			c.RegisterFlagCompletionFunc("source", a.completeSources)
		}
		for _, name := range []string{"criterion", "no-criterion"} {
			if c.Flags().Lookup(name) != nil {
				c.RegisterFlagCompletionFunc(name, a.completeCriteria)
			}
		}
		if c.Flags().Lookup("team") != nil {
			c.RegisterFlagCompletionFunc("team", a.completeTeams)
		}
		switch c.Name() {
		case "show", "edit":
			c.ValidArgsFunction = a.completeIDs(nil)
		case "confirm", "dismiss":
			c.ValidArgsFunction = a.completeIDs([]store.State{store.Suggested})
		case "reopen":
			c.ValidArgsFunction = a.completeIDs([]store.State{store.Confirmed, store.Dismissed})
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// completeCriteria offers the configured level criteria's IDs.
func (a *app) completeCriteria(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	if _, err := a.config(); err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []string
	for _, c := range a.criteria() {
		out = append(out, c.ID+"\t"+c.Text)
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// completeTeams offers the configured teams' IDs.
func (a *app) completeTeams(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	c, err := a.config()
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []string
	for _, t := range c.Org.Teams {
		out = append(out, t.ID+"\t"+t.Name)
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// completeSources offers the configured sources' names.
func (a *app) completeSources(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	c, err := a.config()
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []string
	for _, s := range c.AllSources() {
		out = append(out, s.Name+"\t"+s.Type)
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// completeIDs offers the IDs of items in the given states (any, when
// none), newest first, each with its title. It never creates a store.
func (a *app) completeIDs(states []store.State) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, prefix string) ([]string, cobra.ShellCompDirective) {
		if cmd.Name() == "show" || cmd.Name() == "edit" {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
		}
		c, err := a.config()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		if _, err := os.Stat(c.DataDir); err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		ctx, cancel := context.WithTimeout(cmd.Context(), 3*time.Second)
		defer cancel()
		b, err := a.openFor(ctx, true)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		defer b.Close()
		var out []string
		b.Scan(ctx, store.Filter{States: states, Limit: 500}, func(it *store.Item) error {
			if strings.HasPrefix(it.ID, prefix) {
				out = append(out, it.ID+"\t"+oneLine(it.Title(), 60))
			}
			return nil
		})
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}
