package pipeline

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/evident-sync/evident/config"
)

// designFolder writes n front-matter design documents, a fifth of them the
// user's, spread over a hundred team folders, as a monorepo's docs/ tree.
func designFolder(b *testing.B, n int) string {
	dir := b.TempDir()
	for i := range n {
		p := filepath.Join(dir, fmt.Sprintf("team%02d", i%100), fmt.Sprintf("adr-%05d.md", i))
		os.MkdirAll(filepath.Dir(p), 0o755)
		author := []string{"alice", "carol", "dave", "erin", "frank"}[i%5]
		doc := fmt.Sprintf("---\ntitle: Decision %d\nauthors: [%s]\nreviewers: [alice]\nstatus: accepted\ncreated: 2026-%02d-%02d\nteam: team%02d\n---\n# Decision %d\n\nContext, decision and consequences.\n",
			i, author, 1+i%12, 1+i%28, i%100, i)
		if err := os.WriteFile(p, []byte(doc), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return dir
}

// BenchmarkSync_DesignFolder syncs a folder of 5,000 and of 50,000 design
// documents through the real sync path (connector, classification, the
// store), first from nothing, then a quiet poll with nothing changed. The
// documents/s of the first sync should be flat between the two sizes.
func BenchmarkSync_DesignFolder(b *testing.B) {
	for _, n := range []int{5000, 50000} {
		dir := designFolder(b, n)
		c, err := config.Parse("c.yaml", []byte(fmt.Sprintf(`
me: {name: Alice, github: alice, teams: [team00]}
org:
  teams:
    - {id: team00, members: {github: [alice]}}
    - {id: team01, members: {github: [carol]}}
sources:
  rfc:
    - {name: docs, dir: %q}
`, dir)), time.Now())
		if err != nil {
			b.Fatal(err)
		}
		sync := func(b *testing.B, st interface{ Close() error }, s *Syncer, src Source) Stats {
			stats, err := s.Sync(context.Background(), src, nil)
			if err != nil {
				b.Fatal(err)
			}
			return stats
		}
		b.Run(fmt.Sprintf("first/%d", n), func(b *testing.B) {
			for b.Loop() {
				st := openStore(b, b.TempDir())
				srcs, _ := Build(c, BuildOptions{})
				s, _ := NewSyncer(st, c, nil, BuildOptions{})
				stats := sync(b, st, s, srcs[0])
				if stats.New != n {
					b.Fatalf("%d new items, want %d", stats.New, n)
				}
				st.Close()
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "docs/s")
		})
		b.Run(fmt.Sprintf("quiet/%d", n), func(b *testing.B) {
			st := openStore(b, b.TempDir())
			defer st.Close()
			srcs, _ := Build(c, BuildOptions{})
			s, _ := NewSyncer(st, c, nil, BuildOptions{})
			sync(b, st, s, srcs[0])
			for b.Loop() {
				if stats := sync(b, st, s, srcs[0]); stats.Fetched != 0 {
					b.Fatalf("a quiet poll read %d documents", stats.Fetched)
				}
			}
		})
	}
}
