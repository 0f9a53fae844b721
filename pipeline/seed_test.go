package pipeline

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/evident-sync/evident/config"
	"github.com/evident-sync/evident/connectors"
	"github.com/evident-sync/evident/pipeline/store"
)

// seedConnector makes a heavy reviewer's history without a network: n
// artifacts (reviews of other teams' PRs, some authored PRs), one every
// few hours back from end, in pages of 500, as a GitHub connector would.
type seedConnector struct {
	n   int
	end time.Time
}

func (s seedConnector) Fetch(_ context.Context, raw connectors.Cursor) (connectors.Page, error) {
	from, _ := strconv.Atoi(string(raw))
	to := min(from+500, s.n)
	page := connectors.Page{Cursor: []byte(strconv.Itoa(to)), More: to < s.n, RateLimitRemaining: -1, Progress: float64(to) / float64(s.n)}
	teams := []string{"carol", "dave", "erin", "frank", "grace", "bob"}
	for i := from; i < to; i++ {
		at := s.end.Add(-time.Duration(i) * 5 * time.Hour)
		repo := []string{"payments-api", "search-ui", "identity-sso", "platform-ci", "data-pipeline", "ios-app"}[i%6]
		a := connectors.Artifact{Kind: connectors.KindReview, Key: fmt.Sprintf("github:acme/%s#%d", repo, i+1),
			URL: fmt.Sprintf("https://github.com/acme/%s/pull/%d", repo, i+1), Title: fmt.Sprintf("Change %d in %s", i, repo),
			Container: "acme/" + repo, Roles: []connectors.Role{connectors.RoleReviewer},
			Counterparts: []connectors.Identity{{System: "github", ID: teams[i%6], Role: connectors.RoleAuthor}},
			Activity: connectors.Activity{Rounds: []connectors.Round{{At: at.Add(-time.Hour), State: "COMMENTED"}, {At: at, State: "APPROVED"}},
				Comments: i % 7, Additions: 10 + i%400, Deletions: i % 50, ChangedFiles: 1 + i%12, Merged: i%3 == 0},
			OccurredAt: at, UpdatedAt: at}
		if i%10 == 0 {
			a.Kind, a.Roles = connectors.KindPR, []connectors.Role{connectors.RoleAuthor}
			a.Counterparts = []connectors.Identity{{System: "github", ID: teams[(i+1)%6], Role: connectors.RoleReviewer}}
		}
		page.Artifacts = append(page.Artifacts, a)
	}
	return page, nil
}

const seedConfig = `me: {name: Alice Chen, github: alice, teams: [platform]}
data_dir: %s
org:
  teams:
    - {id: platform, name: Platform, members: {github: [alice, bob]}, repos: ["acme/platform-*"]}
    - {id: payments, name: Payments, members: {github: [carol]}, repos: ["acme/payments-*"]}
    - {id: search, name: Search, members: {github: [dave]}, repos: ["acme/search-*"]}
    - {id: identity, name: Identity, members: {github: [erin]}, repos: ["acme/identity-*"]}
    - {id: data, name: Data, members: {github: [frank]}, repos: ["acme/data-*"]}
    - {id: mobile, name: Mobile, members: {github: [grace]}, repos: ["acme/ios-*"]}
criteria:
  - {id: xteam-unblock, text: Unblocks other teams by reviewing their work, domain: cross-team-influence}
  - {id: initiative, text: Finds and drives work nobody asked for, domain: initiative}
`

// Seed builds a store of n items through the real sync path (classify,
// the store's commit), the newest 500 left suggested and the rest
// confirmed, and writes config.yaml beside it, for timing commands on a
// store of any size:
//
//	EVIDENT_SEED_DIR=/tmp/s50k EVIDENT_SEED_ITEMS=50000 go test ./pipeline -run TestSeed -v
//	evident --config /tmp/s50k/config.yaml inbox --json
func TestSeed(t *testing.T) {
	dir := os.Getenv("EVIDENT_SEED_DIR")
	if dir == "" {
		t.Skip("set EVIDENT_SEED_DIR (and EVIDENT_SEED_ITEMS, default 50000) to build a store")
	}
	n, _ := strconv.Atoi(os.Getenv("EVIDENT_SEED_ITEMS"))
	if n <= 0 {
		n = 50000
	}
	data := filepath.Join(dir, "data")
	cfgPath := filepath.Join(dir, "config.yaml")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfgPath, []byte(fmt.Sprintf(seedConfig, data)), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	st := openStore(t, data)
	defer st.Close()
	s, err := NewSyncer(st, c, nil, BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	// The rate of each 50,000 on the way, to show ingest stays linear.
	mark, last := 50_000, began
	progress := func(p Stats) {
		if p.New >= mark {
			t.Logf("items %d-%d: %.0f artifacts/s", mark-50_000, mark, 50_000/time.Since(last).Seconds())
			mark, last = mark+50_000, time.Now()
		}
	}
	stats, err := s.Sync(context.Background(), Source{Name: "github", Type: "github", Conn: seedConnector{n: n, end: time.Now().Add(-time.Hour)}}, progress)
	if err != nil {
		t.Fatal(err)
	}
	ingest := time.Since(began)
	var ids []string
	i := 0
	st.Scan(context.Background(), store.Filter{}, func(it *store.Item) error {
		if i++; i > 500 {
			ids = append(ids, it.ID)
		}
		return nil
	})
	began = time.Now()
	for len(ids) > 0 {
		k := min(len(ids), 5000)
		if _, err := st.Decide(context.Background(), ids[:k], store.Decision{State: store.Confirmed}); err != nil {
			t.Fatal(err)
		}
		ids = ids[k:]
	}
	// As the CLI does after a command that wrote.
	if _, err := st.Tidy(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d items: ingest %v (%.0f artifacts/s), decisions %v (%.0f/s)", stats.New, ingest.Round(time.Millisecond),
		float64(stats.New)/ingest.Seconds(), time.Since(began).Round(time.Millisecond), float64(i-500)/time.Since(began).Seconds())
}
