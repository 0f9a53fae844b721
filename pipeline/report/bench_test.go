package report

import (
	"context"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/evident-sync/evident/classify"
	"github.com/evident-sync/evident/connectors"
	"github.com/evident-sync/evident/pipeline/store"
)

// store50k is a store of 50,000 reviews over about thirty years (a heavy
// reviewer's 1,750 a year), for five other teams and the home team, one in
// ten notable, all but 500 confirmed, tidied as the CLI leaves it.
func store50k(b *testing.B) *store.Store {
	b.Helper()
	ctx := context.Background()
	s, err := store.Open(b.TempDir(), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	teams := []string{"payments", "search", "identity", "data", "mobile"}
	end := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	var page []store.Ingest
	var ids []string
	for i := range 50_000 {
		at := end.Add(-time.Duration(i) * 5 * time.Hour)
		team := teams[i%len(teams)]
		scope, foreign := classify.ScopeCrossTeam, []string{team}
		if i%5 == 4 {
			scope, foreign = classify.ScopeTeam, nil
		}
		strength := classify.StrengthRoutine
		if i%10 == 0 {
			strength = classify.StrengthNotable
		}
		key := fmt.Sprintf("github:acme/%s-api#%d", team, i)
		a := connectors.Artifact{Source: "github", SourceType: "github", Kind: connectors.KindReview, Key: key,
			URL: fmt.Sprintf("https://github.com/acme/%s-api/pull/%d", team, i), Title: fmt.Sprintf("Change %d in %s-api", i, team),
			Container: "acme/" + team + "-api", Roles: []connectors.Role{connectors.RoleReviewer},
			Activity:   connectors.Activity{Comments: i % 7, Rounds: []connectors.Round{{At: at.Add(-time.Hour), State: "COMMENTED"}, {At: at, State: "APPROVED"}}},
			OccurredAt: at, UpdatedAt: at}
		page = append(page, store.Ingest{Artifact: a, Class: classify.Result{Scope: scope, Teams: foreign, Domain: classify.DomainCrossTeamInfluence,
			Strength: strength, Summary: "Reviewed " + key, Signals: classify.Signals{Kind: string(connectors.KindReview), Rounds: 2, Comments: i % 7}}})
		if i >= 500 {
			ids = append(ids, store.IDFor(key))
		}
	}
	if _, err := s.Commit(ctx, "github", page, nil); err != nil {
		b.Fatal(err)
	}
	if _, err := s.Decide(ctx, ids, store.Decision{State: store.Confirmed}); err != nil {
		b.Fatal(err)
	}
	if _, err := s.Tidy(ctx); err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkCrossTeam_50k is report cross-team over all of a 50,000-item
// store.
func BenchmarkCrossTeam_50k(b *testing.B) {
	s := store50k(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := CrossTeam(context.Background(), s, Options{})
		if err != nil || r.ReviewsTotal != 50_000 {
			b.Fatalf("%v, %+v", err, r)
		}
	}
}

// BenchmarkPacket_50k writes the packet of all stored work (export
// --format markdown) from a 50,000-item store.
func BenchmarkPacket_50k(b *testing.B) {
	s := store50k(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := WritePacket(context.Background(), s, io.Discard, []store.State{store.Confirmed}, PacketOptions{Name: "Alice", Now: time.Now()}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPacket_OneYearOf50k writes the packet of 2026 from the same
// store: the cost follows the period asked for.
func BenchmarkPacket_OneYearOf50k(b *testing.B) {
	s := store50k(b)
	p, err := ParsePeriod("2026", time.UTC)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := WritePacket(context.Background(), s, io.Discard, []store.State{store.Confirmed}, PacketOptions{Name: "Alice", Period: p, Now: time.Now()}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReview_50k is evident review (this quarter against the one
// before) over a 50,000-item store.
func BenchmarkReview_50k(b *testing.B) {
	s := store50k(b)
	p, _ := ParsePeriod("2026-Q4", time.UTC)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := ReadReview(context.Background(), s, ReviewOptions{Period: p, Today: "2026-12-01"})
		if err != nil || len(r.Domains) != 4 {
			b.Fatalf("%v, %+v", err, r)
		}
	}
}

// BenchmarkDigest_50k is the week's digest over a 50,000-item store: the
// week, the follow-ups, what waits from earlier weeks (every suggestion),
// the last year's strong items, and the quarter's gaps.
func BenchmarkDigest_50k(b *testing.B) {
	s := store50k(b)
	w, _ := WeekPeriod("2026-W48", time.UTC)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := ReadDigest(context.Background(), s, DigestOptions{Week: w, Today: "2026-11-29"}); err != nil {
			b.Fatal(err)
		}
	}
}
