package pipeline

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/evident-sync/evident/config"
	"github.com/evident-sync/evident/connectors/connectorstest"
	"github.com/evident-sync/evident/connectors/github/githubtest"
)

// BenchmarkSync_1250PRs is a first sync of a heavy reviewer's year through
// the real path: GitHub connector against the fake, classification (with
// signals and strength), commit (with the link index). Profile it to see
// what significance and linking cost:
//
//	go test -run '^$' -bench Sync_1250 -benchtime 3x -cpuprofile cpu.out ./pipeline
//	go tool pprof -top -focus 'classify.strength|signalsOf|store.link|FindRefs' pipeline.test cpu.out
func BenchmarkSync_1250PRs(b *testing.B) {
	at := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	var prs []*githubtest.PR
	for i := range 1250 {
		t := at.Add(time.Duration(i) * 6 * time.Hour)
		pr := &githubtest.PR{Owner: "acme", Repo: fmt.Sprintf("svc-%d", i%12), Number: i + 1, Title: fmt.Sprintf("PAY-%d: change %d", i%90+1, i),
			Author: []string{"carol", "dave", "erin"}[i%3], CreatedAt: t.Add(-time.Hour), UpdatedAt: t, Additions: i % 700, Deletions: i % 90, ChangedFiles: 1 + i%11,
			Body:    fmt.Sprintf("Part of PAY-%d. Design: https://github.com/acme/rfcs/blob/main/rfcs/%04d.md", i%90+1, i%12),
			Branch:  fmt.Sprintf("PAY-%d-change", i%90+1),
			Reviews: []githubtest.Review{{User: "alice", State: "APPROVED", SubmittedAt: t}}}
		if i%5 == 0 {
			pr.Reviews = append([]githubtest.Review{{User: "alice", State: "CHANGES_REQUESTED", SubmittedAt: t.Add(-30 * time.Minute)}}, pr.Reviews...)
			pr.ReviewComments = []githubtest.Comment{{User: "alice", Body: "race", CreatedAt: t.Add(-30 * time.Minute), Outdated: true}, {User: "alice", Body: "nit", CreatedAt: t.Add(-30 * time.Minute)}}
		}
		prs = append(prs, pr)
	}
	clock := connectorstest.NewClock(at.AddDate(1, 0, 0))
	fake := githubtest.New(clock)
	fake.Token, fake.SearchLimit = "tok", 100000
	fake.Add(prs...)
	srv := httptest.NewServer(fake.Handler())
	defer srv.Close()
	b.Setenv("BENCH_GH_TOKEN", "tok")
	c, err := config.Parse("c.yaml", []byte(fmt.Sprintf(`
me: {github: alice, teams: [platform]}
org:
  teams:
    - {id: platform, members: {github: [alice]}, repos: ["acme/svc-1*"]}
    - {id: payments, members: {github: [carol, dave]}, repos: ["acme/svc-*"]}
sources:
  github:
    - {name: github, url: %q, token_env: BENCH_GH_TOKEN, since: 2026-01-01}
`, srv.URL+"/")), at)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		st := openStore(b, b.TempDir())
		srcs, err := Build(c, BuildOptions{Clock: clock})
		if err != nil {
			b.Fatal(err)
		}
		s, err := NewSyncer(st, c, nil, BuildOptions{Clock: clock})
		if err != nil {
			b.Fatal(err)
		}
		stats, err := s.Sync(context.Background(), srcs[0], nil)
		if err != nil || stats.Fetched != 1250 {
			b.Fatalf("sync: %v, %d fetched", err, stats.Fetched)
		}
		st.Close()
	}
}
