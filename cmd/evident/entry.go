package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/evident-sync/evident/classify"
	"github.com/evident-sync/evident/config"
	"github.com/evident-sync/evident/pipeline"
	"github.com/evident-sync/evident/pipeline/input"
	"github.com/evident-sync/evident/pipeline/store"
)

// addCmd writes down work that left no artifact.
func (a *app) addCmd() *cobra.Command {
	var in struct {
		date, domain, scope, note, outcome, link, strength, followUp string
		teams                                                        []string
	}
	cmd := &cobra.Command{
		Use:   "add TITLE --date YYYY-MM-DD",
		Short: "Write down work that left no trace: mentoring, a decision in a meeting, an incident you led, a talk",
		Long: `add records work no source can see as an entry: already selected, kept
with your note and outcome, counted and shown wherever evidence is (the
packet, the digest, the report's numbers where it names a team). Sync never
touches it and forget --source never deletes it. It prints the new ID.

The domain, unless --domain says it: beyond your team (--team names another)
is cross-team influence; a title naming an incident, outage, migration,
launch, rollout or on-call is technical impact; one naming a prototype,
hackathon or initiative is initiative; anything else is organisational
leverage. The scope is team unless --team names other teams or --scope says.`,
		Args: exactArgs(1, "the title, in quotes: what you did"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			c, err := a.config()
			if err != nil {
				return err
			}
			it, err := newEntry(c, entryFlags{title: args[0], date: in.date, domain: in.domain, scope: in.scope, strength: in.strength,
				followUp: in.followUp, teams: in.teams, note: in.note, outcome: in.outcome, link: in.link})
			if err != nil {
				return usageError{err}
			}
			a.creates = true // work written down before any sync starts the store
			return a.withBackend(ctx, func(b backend) error {
				it, err := b.Add(ctx, it)
				if err != nil {
					return err
				}
				fmt.Fprintln(a.stdout, it.ID)
				fmt.Fprintf(a.stderr, "added %s  %s [%s, %s]\n", it.ID, oneLine(it.Title(), 60), it.Scope(), it.Domain())
				if it.User.FollowUp != "" {
					fmt.Fprintf(a.stderr, "follow-up on %s: evident followups lists it then\n", it.User.FollowUp)
				}
				return nil
			})
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&in.date, "date", "", "the day of the work (YYYY-MM-DD)")
	fl.StringVar(&in.domain, "domain", "", "technical-impact, org-leverage, cross-team-influence or initiative")
	fl.StringVar(&in.scope, "scope", "", "team, cross-team or org")
	fl.StringArrayVar(&in.teams, "team", nil, "another team involved, by id, name or alias (repeatable)")
	fl.StringVar(&in.note, "note", "", "its impact: outcome, numbers, who benefited")
	fl.StringVar(&in.outcome, "outcome", "", "what it led to, if you know already")
	fl.StringVar(&in.link, "link", "", "an http(s) link to what shows it (slides, a recording, notes)")
	fl.StringVar(&in.strength, "strength", "", "strong, notable or routine (default notable)")
	fl.StringVar(&in.followUp, "follow-up", "", "DATE (YYYY-MM-DD) or DURATION (6w, 90d): when to record the outcome")
	return cmd
}

// entryFlags are an entry as a person writes it (evident add's flags, the
// web form, an assistant's add_entry).
type entryFlags struct {
	title, date, domain, scope, strength, followUp string
	teams                                          []string
	note, outcome, link                            string
}

// newEntry checks what the user wrote and makes the entry's item; every
// error is one sentence about the input.
func newEntry(c *config.Config, in entryFlags) (store.Item, error) {
	if in.date == "" {
		return store.Item{}, fmt.Errorf("add needs --date YYYY-MM-DD: the day of the work")
	}
	e, err := input.Entry{Title: in.title, Date: in.date, Domain: in.domain, Scope: in.scope, Strength: in.strength, FollowUp: in.followUp,
		Teams: in.teams, Note: in.note, Outcome: in.outcome, Link: in.link, Now: time.Now()}.Parse()
	var fe *input.FieldError
	if errors.As(err, &fe) && fe.Field == "follow-up" {
		return store.Item{}, fmt.Errorf("--follow-up: %w", fe.Err)
	}
	if err != nil {
		return store.Item{}, err
	}
	return pipeline.NewEntry(classify.NewOrg(c), e)
}
