package main

import (
	"context"
	"fmt"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/evident-sync/evident/classify"
	"github.com/evident-sync/evident/connectors"
	"github.com/evident-sync/evident/pipeline/store"
)

// seedYearCmd fills a store with a generated year of a heavy reviewer's
// work in 2026: 460 reviews from 2026-01-05 to 2026-11-26, for
// Payments, Search and the home team, one in twenty strong and one in five
// notable. Everything up to 2026-10-04 is selected but every fourth
// routine item (dismissed); the rest waits in the inbox. It sets
// WAITING_STRONG and WAITING_WEEK (the first strong suggestion and its
// week), UNNOTED_STRONG (a selected strong item without a note) and
// ROUTINE_WEEK (2026-W43, a week of suggestions with routine ones).
//
//	seedyear DATA_DIR
func seedYearCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: seedyear DATA_DIR")
	}
	ctx := context.Background()
	s, err := store.Open(ts.MkAbs(args[0]), store.Options{})
	if err != nil {
		ts.Fatalf("%v", err)
	}
	defer s.Close()
	var page []store.Ingest
	var confirm, dismiss []string
	start := time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC)
	cut := time.Date(2026, 10, 5, 0, 0, 0, 0, time.UTC)
	for i := range 460 {
		at := start.Add(time.Duration(i) * 17 * time.Hour)
		team, scope, domain := []string{"payments"}, classify.ScopeCrossTeam, classify.DomainCrossTeamInfluence
		switch i % 3 {
		case 1:
			team = []string{"search"}
		case 2:
			team, scope, domain = nil, classify.ScopeTeam, classify.DomainOrgLeverage
		}
		strength := classify.StrengthRoutine
		switch {
		case i%20 == 0:
			strength = classify.StrengthStrong
		case i%5 == 0:
			strength = classify.StrengthNotable
		}
		key := fmt.Sprintf("github:acme/repo%d#%d", i%3, 1000+i)
		a := connectors.Artifact{Source: "github", SourceType: "github", Kind: connectors.KindReview, Key: key,
			URL: fmt.Sprintf("https://github.com/acme/repo%d/pull/%d", i%3, 1000+i), Title: fmt.Sprintf("Change %d", i),
			Container: fmt.Sprintf("acme/repo%d", i%3), Roles: []connectors.Role{connectors.RoleReviewer},
			Activity:   connectors.Activity{Comments: i % 5, Rounds: []connectors.Round{{At: at, State: "APPROVED"}}},
			OccurredAt: at, UpdatedAt: at}
		page = append(page, store.Ingest{Artifact: a, Class: classify.Result{Scope: scope, Teams: team, Domain: domain, Strength: strength,
			Summary: "Reviewed " + key, Signals: classify.Signals{Kind: string(connectors.KindReview), Rounds: 1, Comments: i % 5}}})
		id := store.IDFor(key)
		switch {
		case at.After(cut):
			if strength == classify.StrengthStrong && ts.Getenv("WAITING_STRONG") == "" {
				ts.Setenv("WAITING_STRONG", id)
				ts.Setenv("WAITING_WEEK", isoWeekOf(at))
			}
		case strength == classify.StrengthRoutine && i%4 == 1:
			dismiss = append(dismiss, id)
		default:
			confirm = append(confirm, id)
			if strength == classify.StrengthStrong {
				ts.Setenv("UNNOTED_STRONG", id)
			}
		}
	}
	if _, err := s.Commit(ctx, "github", page, nil); err != nil {
		ts.Fatalf("%v", err)
	}
	if _, err := s.Decide(ctx, confirm, store.Decision{State: store.Confirmed}); err != nil {
		ts.Fatalf("%v", err)
	}
	if _, err := s.Decide(ctx, dismiss, store.Decision{State: store.Dismissed}); err != nil {
		ts.Fatalf("%v", err)
	}
	ts.Setenv("ROUTINE_WEEK", "2026-W43")
}
