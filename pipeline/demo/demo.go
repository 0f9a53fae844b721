// Package demo runs a bundled sample organisation — seven teams, their
// pull requests, RFCs and Jira issues — on in-process fakes of GitHub and
// Jira (the same fakes the connector tests use) and a folder of design
// documents, so that the whole of evident can be seen without a token.
package demo

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/evident-sync/evident/config"
	"github.com/evident-sync/evident/connectors"
	"github.com/evident-sync/evident/connectors/confluence/confluencetest"
	"github.com/evident-sync/evident/connectors/gdocs/gdocstest"
	"github.com/evident-sync/evident/connectors/github/githubtest"
	"github.com/evident-sync/evident/connectors/jira/jiratest"
)

// Tokens the demo's fakes accept, set in the process environment.
const (
	githubTokenEnv = "EVIDENT_DEMO_GITHUB_TOKEN"
	jiraTokenEnv   = "EVIDENT_DEMO_JIRA_TOKEN"
	wikiTokenEnv   = "EVIDENT_DEMO_CONFLUENCE_TOKEN"
	googleTokenEnv = "EVIDENT_DEMO_GOOGLE_TOKEN"
	demoToken      = "demo-token-not-a-secret"
)

// Env is a running sample organisation.
type Env struct {
	Config *config.Config
	// YAML is the config as a file would hold it.
	YAML string
	// Env is the environment the config's token_env names.
	Env    []string
	GitHub *githubtest.Server
	Jira   *jiratest.Server
	Wiki   *confluencetest.Server
	Drive  *gdocstest.Drive
	// Counts of what the fakes hold for the user.
	Reviewed, Authored, Issues, RFCs, WikiPages, GoogleDocs int

	servers []*http.Server
	dir     string
}

// Close stops the fakes and removes the documents folder.
func (e *Env) Close() {
	for _, s := range e.servers {
		s.Close()
	}
	if e.Drive != nil {
		e.Drive.Close()
	}
	os.RemoveAll(e.dir)
}

// Start serves the sample organisation on 127.0.0.1 and returns a config
// that points evident at it, with its store in dataDir.
func Start(dataDir string, now time.Time) (*Env, error) {
	env := &Env{}
	dir, err := os.MkdirTemp("", "evident-demo-docs-")
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	env.dir = dir
	clock := connectors.RealClock
	env.GitHub = githubtest.New(clock)
	env.GitHub.Token = demoToken
	env.GitHub.SearchLimit = 600 // a fake on this machine: no need to pace the demo like github.com
	env.Jira = jiratest.New(jiratest.Cloud, jiratest.User{ID: "712020:alice", DisplayName: "Alice Chen", Email: "alice@acme.example"}, clock)
	env.Jira.Email, env.Jira.Token, env.Jira.TimeZone = "alice@acme.example", demoToken, "Europe/Berlin"
	rng := rand.New(rand.NewPCG(2026, 11))
	env.fillGitHub(rng, now)
	env.fillJira(rng, now)
	env.Wiki = confluencetest.New(confluencetest.Cloud, confluencetest.User{AccountID: "712020:alice", DisplayName: "Alice Chen"}, clock)
	env.Wiki.Email, env.Wiki.Token = "alice@acme.example", demoToken
	env.fillWiki(now)
	env.fillDrive(now)
	if err := env.writeDocs(now); err != nil {
		env.Close()
		return nil, err
	}
	ghURL, err := env.serve(env.GitHub.Handler())
	if err != nil {
		env.Close()
		return nil, err
	}
	jiraURL, err := env.serve(env.Jira.Handler())
	if err != nil {
		env.Close()
		return nil, err
	}
	wikiURL, err := env.serve(env.Wiki.Handler())
	if err != nil {
		env.Close()
		return nil, err
	}
	os.Setenv(githubTokenEnv, demoToken)
	os.Setenv(jiraTokenEnv, demoToken)
	os.Setenv(wikiTokenEnv, demoToken)
	os.Setenv(googleTokenEnv, demoToken)
	since := now.AddDate(0, -7, 0).Format(time.DateOnly)
	yaml := fmt.Sprintf(orgYAML, dataDir, ghURL, githubTokenEnv, since, jiraURL, jiraTokenEnv, since, ghURL, githubTokenEnv, dir) +
		fmt.Sprintf(wikiYAML, wikiURL+"wiki/", wikiTokenEnv, since) +
		fmt.Sprintf(driveYAML, env.Drive.URL(), googleTokenEnv, since)
	c, err := config.Parse(filepath.Join(dir, "demo.yaml"), []byte(yaml), now)
	if err != nil {
		env.Close()
		return nil, fmt.Errorf("demo config: %w", err)
	}
	env.Config = c
	env.YAML = yaml
	env.Env = []string{githubTokenEnv + "=" + demoToken, jiraTokenEnv + "=" + demoToken, wikiTokenEnv + "=" + demoToken, googleTokenEnv + "=" + demoToken}
	return env, nil
}

func (e *Env) serve(h http.Handler) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("demo: listen: %w", err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintln(os.Stderr, "demo server:", err)
		}
	}()
	e.servers = append(e.servers, srv)
	return "http://" + ln.Addr().String() + "/", nil
}

const orgYAML = `
me:
  name: Alice Chen
  github: alice
  jira: "712020:alice"
  emails: [alice@acme.example]
  teams: [platform]
data_dir: %s
org:
  org_threshold: 3
  org_wide:
    repos: [acme/architecture]
    jira_projects: [ARCH]
    confluence_spaces: [ARCH]
    gdocs_folders: [0ADemoArchitectureDr]
  teams:
    - id: platform
      name: Platform
      aliases: [sig-platform]
      members: {github: [alice, bob], jira: ["712020:alice", "712020:bob"]}
      repos: ["acme/platform-*", acme/infra]
      jira_projects: [PLAT]
      confluence_spaces: [PLAT]
    - id: payments
      name: Payments
      aliases: [sig-payments]
      members: {github: [carol, dave], jira: ["712020:carol", "712020:dave"], emails: [carol@acme.example], names: [Carol Diaz, Dave Okafor]}
      repos: ["acme/payments-*"]
      jira_projects: [PAY]
      confluence_spaces: [PAY]
      gdocs_folders: [1DemoPaymentsDesign0]
    - id: search
      name: Search
      aliases: [sig-search]
      members: {github: [erin], jira: ["712020:erin"], names: [Erin Wu]}
      repos: ["acme/search-*"]
      jira_projects: [SRCH]
      confluence_spaces: [SRCH]
      gdocs_folders: [1DemoSearchRfcs00000]
    - id: identity
      name: Identity
      aliases: [sig-auth, iam]
      members: {github: [frank], jira: ["712020:frank"], names: [Frank Ito]}
      repos: [acme/auth, "acme/identity-*"]
    - id: mobile
      name: Mobile
      members: {github: [grace, heidi]}
      repos: ["acme/ios-*", "acme/android-*"]
    - id: architecture
      name: Architecture
      aliases: [sig-architecture]
      members: {github: [ivan]}
    - id: data
      name: Data
      aliases: [sig-data]
      members: {github: [judy], jira: ["712020:judy"]}
      repos: ["acme/data-*"]
criteria:
  - id: tech-direction
    text: Sets technical direction for systems beyond a single team
    domain: technical-impact
    keywords: [design, architecture, migration, RFC, sharding]
  - id: multiplier
    text: Makes other engineers more effective through reviews, mentoring, standards and tools
    domain: org-leverage
  - id: xteam-design
    text: Shapes technical decisions beyond the home team
    domain: cross-team-influence
    keywords: [RFC, design, KEP, policy]
  - id: xteam-unblock
    text: Unblocks other teams by reviewing and aligning their work
    domain: cross-team-influence
  - id: initiative
    text: Finds and drives work nobody asked for that matters to the organisation
    domain: initiative
    keywords: [hackathon, prototype]
sources:
  github:
    - name: github
      url: %s
      token_env: %s
      owners: [acme, oss-lab]
      since: %s
      poll: 15m
  jira:
    - name: jira
      url: %s
      deployment: cloud
      email: alice@acme.example
      token_env: %s
      since: %s
      poll: 30m
      browse_url: https://acme.atlassian.net/
  rfc:
    - name: rfcs
      url: %s
      token_env: %s
      repo: acme/rfcs
      path: rfcs/
      poll: 1h
    - name: design-docs
      dir: %s
      poll: 1h
`

// wikiYAML is the demo's Confluence source, after the others.
const wikiYAML = `  confluence:
    - name: wiki
      url: %s
      deployment: cloud
      email: alice@acme.example
      token_env: %s
      spaces: [PAY, ARCH, SRCH, PLAT]
      labels: [rfc, design, adr]
      browse_url: https://acme.atlassian.net/wiki/
      since: %s
      poll: 1h
`

// driveYAML is the demo's Google Docs source, after the others.
const driveYAML = `  gdocs:
    - name: docs
      url: %s
      folders: [1DemoPaymentsDesign0, 1DemoSearchRfcs00000, 0ADemoArchitectureDr]
      token_env: %s
      since: %s
      poll: 1h
`

// fillDrive writes the design documents three teams keep in Google Docs:
// Payments' refund design, where Alice's comment threads changed the
// design (four of her six comments resolved); the event-bus migration
// Alice drafts in the org-wide Architecture shared drive; Search's ranking
// RFC she commented on once; and, never counted, a capacity spreadsheet
// she commented on and a draft in the trash.
func (e *Env) fillDrive(now time.Time) {
	at := func(daysAgo, hour int) time.Time {
		return now.AddDate(0, 0, -daysAgo).Truncate(24 * time.Hour).Add(time.Duration(hour) * time.Hour)
	}
	alice := &gdocstest.Person{Name: "Alice Chen", Email: "alice@acme.example"}
	carol := &gdocstest.Person{Name: "Carol Diaz", Email: "carol@acme.example"}
	dave := &gdocstest.Person{Name: "Dave Okafor", Email: "dave@acme.example", HideEmail: true}
	erin := &gdocstest.Person{Name: "Erin Wu", Email: "erin@acme.example"}
	frank := &gdocstest.Person{Name: "Frank Ito", Email: "frank@acme.example", HideEmail: true}
	d := gdocstest.New(alice, demoToken)
	e.Drive = d
	type F = gdocstest.File
	type R = gdocstest.Revision
	pay := d.Add(&F{ID: "1DemoPaymentsDesign0", Name: "Payments design docs", MimeType: gdocstest.Folder, Owner: carol, Created: at(300, 9)})
	y26 := d.Add(&F{ID: "1DemoPayments2026000", Name: "2026", MimeType: gdocstest.Folder, Parent: pay.ID, Owner: carol, Created: at(200, 9)})
	search := d.Add(&F{ID: "1DemoSearchRfcs00000", Name: "Search RFCs", MimeType: gdocstest.Folder, Owner: erin, Created: at(300, 9)})
	arch := d.Add(&F{ID: "0ADemoArchitectureDr", Name: "Architecture", MimeType: gdocstest.Folder, DriveID: "0ADemoArchitectureDr", Created: at(300, 9)})

	refunds := d.Add(&F{ID: "1DemoRefundsIdempot1", Name: "Refunds: one idempotency key per attempt (Accepted)", MimeType: gdocstest.Doc, Parent: y26.ID, Owner: carol, Writers: []*gdocstest.Person{dave},
		Created: at(33, 9), Modified: at(12, 16), Revisions: []R{{By: carol, At: at(33, 9)}, {By: dave, At: at(20, 11)}, {By: carol, At: at(12, 16)}}})
	for i, resolved := range []bool{true, true, false, true, true, false} {
		c := d.AddComment(refunds.ID, alice, at(28-i, 10+i), resolved)
		if resolved {
			d.AddReply(refunds.ID, c, carol, at(27-i, 9))
		}
	}
	bus := d.Add(&F{ID: "1DemoEventBusMigrat1", Name: "[Draft] Event bus: migrating the last three queues", MimeType: gdocstest.Doc, Parent: arch.ID, DriveID: arch.ID,
		Created: at(10, 9), Modified: at(4, 15), Revisions: []R{{By: alice, At: at(10, 9)}, {By: alice, At: at(4, 15)}}})
	d.AddComment(bus.ID, erin, at(6, 11), false)
	d.AddComment(bus.ID, frank, at(5, 14), true)
	ranking := d.Add(&F{ID: "1DemoRankingSignals3", Name: "Ranking signals v3 [status: in review]", MimeType: gdocstest.Doc, Parent: search.ID, Owner: erin,
		Created: at(8, 9), Modified: at(7, 9), Revisions: []R{{By: erin, At: at(8, 9)}}})
	d.AddComment(ranking.ID, alice, at(7, 13), false)
	sheet := d.Add(&F{Name: "Payments capacity 2027", MimeType: gdocstest.Spreadsheet, Parent: pay.ID, Owner: carol, Created: at(9, 9)})
	d.AddComment(sheet.ID, alice, at(9, 10), false)
	d.Add(&F{Name: "Old retry idea", MimeType: gdocstest.Doc, Parent: pay.ID, Owner: alice, Created: at(50, 9), Trashed: true})
	e.GoogleDocs = 3
}

// fillWiki writes the team's Confluence design documents: an RFC Alice
// co-wrote for Payments, a design she drives in the org-wide ARCH space,
// Search's RFC she reviewed in comments, an ADR she approves in its DACI
// table, and her own team's design.
func (e *Env) fillWiki(now time.Time) {
	at := func(daysAgo, hour int) time.Time {
		return now.AddDate(0, 0, -daysAgo).Truncate(24 * time.Hour).Add(time.Duration(hour) * time.Hour)
	}
	user := func(id string) string { return `<ac:link><ri:user ri:account-id="712020:` + id + `" /></ac:link>` }
	daci := func(status string, rows ...[2]string) string {
		b := `<ac:structured-macro ac:name="details"><ac:rich-text-body><table><tbody>`
		for _, r := range rows {
			b += "<tr><th><p>" + r[0] + "</p></th><td><p>" + r[1] + "</p></td></tr>"
		}
		return b + `<tr><th><p>Status</p></th><td><p><ac:structured-macro ac:name="status"><ac:parameter ac:name="title">` + status + `</ac:parameter></ac:structured-macro></p></td></tr></tbody></table></ac:rich-text-body></ac:structured-macro>`
	}
	for _, id := range []string{"carol", "dave", "erin", "ivan", "bob"} {
		e.Wiki.Users = append(e.Wiki.Users, confluencetest.User{AccountID: "712020:" + id, DisplayName: strings.ToUpper(id[:1]) + id[1:]})
	}
	type V = confluencetest.Version
	pages := []*confluencetest.Page{
		{ID: "98305", Space: "PAY", Title: "RFC: Refund retries with idempotency keys", Labels: []string{"rfc"},
			Versions: []V{{By: "712020:carol", When: at(40, 9)}, {By: "712020:alice", When: at(38, 15)}, {By: "712020:carol", When: at(20, 10)}},
			Body:     "<p>Tracks PAY-117; the client change is https://github.com/acme/payments-api/pull/42.</p>"},
		{ID: "98306", Space: "ARCH", Title: "Design: one event bus for all services", Labels: []string{"design"},
			Versions: []V{{By: "712020:alice", When: at(25, 11)}, {By: "712020:alice", When: at(9, 16)}},
			Body:     daci("IN REVIEW", [2]string{"Driver", user("alice")}, [2]string{"Approver", user("ivan")}, [2]string{"Contributors", user("carol") + user("erin")})},
		{ID: "98307", Space: "SRCH", Title: "RFC: Ranking signals v2", Labels: []string{"rfc"},
			Versions: []V{{By: "712020:erin", When: at(15, 9)}},
			Comments: []confluencetest.Comment{{ID: "98400", By: "712020:alice", When: at(14, 10)}, {ID: "98401", By: "712020:alice", When: at(13, 17), Location: "inline"}, {ID: "98402", By: "712020:erin", When: at(12, 9)}}},
		{ID: "98308", Space: "PAY", Title: "ADR-0007: Ledger retention", Labels: []string{"adr"},
			Versions: []V{{By: "712020:dave", When: at(6, 9)}},
			Body:     daci("DECIDED", [2]string{"Driver", user("dave")}, [2]string{"Approver", user("alice")})},
		{ID: "98309", Space: "PLAT", Title: "Design: build cache eviction", Labels: []string{"design"},
			Versions: []V{{By: "712020:alice", When: at(3, 14)}}, Comments: []confluencetest.Comment{{ID: "98403", By: "712020:bob", When: at(2, 9)}}},
		// Not design work: no label.
		{ID: "98310", Space: "PLAT", Title: "Team offsite notes", Labels: []string{"meeting-notes"}, Versions: []V{{By: "712020:alice", When: at(5, 9)}}},
	}
	e.Wiki.Add(pages...)
	e.WikiPages = 5
}

var (
	teamRepos = map[string][]string{
		"payments": {"payments-api", "payments-ledger"}, "search": {"search-ui", "search-indexer"},
		"identity": {"auth", "identity-sso"}, "mobile": {"ios-app", "android-app"}, "data": {"data-pipeline"},
		"platform": {"platform-ci", "infra"}, "architecture": {"architecture"},
	}
	teamPeople = map[string][]string{
		"payments": {"carol", "dave"}, "search": {"erin"}, "identity": {"frank"}, "mobile": {"grace", "heidi"},
		"data": {"judy"}, "platform": {"bob"}, "architecture": {"ivan"},
	}
	// alicesTitles are the changes Alice makes in Platform's repositories.
	alicesTitles = []string{"Cache module downloads in CI", "Pin the base images", "Split the deploy pipeline by service", "Retry flaky integration tests once",
		"Cut the Docker build context", "Faster checkout in CI", "Structured logs for the build runner", "Warm the Go build cache", "Move CI secrets to OIDC",
		"Drop the unused artifact store", "Shard the integration suite", "Alert on a slow main build"}
	// teamTitles are the changes each team's repositories see, so a title
	// fits the repository it is in.
	teamTitles = map[string][]string{
		"payments":     {"Add idempotency keys to refunds", "Schema migration for payouts", "Circuit breaker for the card vault", "Retry webhooks with backoff", "Shard the ledger writer", "Reconcile payouts nightly"},
		"search":       {"Stream index updates", "Rate-limit the search endpoint", "Cache tokenizer output", "Reindex without downtime"},
		"identity":     {"Drop the legacy auth path", "Rotate session keys", "Tighten CSP headers", "Refresh SAML metadata daily"},
		"mobile":       {"Faster cold start on iOS", "Batch push notifications", "Offline mode for the cart"},
		"data":         {"Partition the events table", "Deduplicate consumer events", "Backfill the warehouse loader"},
		"platform":     {"Parallelise CI test shards", "Replace cron with a scheduler", "Zero-downtime config reload", "Encrypt backups at rest"},
		"architecture": {"Trace sampling by tenant", "Move to structured logging", "Paginate the export API"},
	}
)

// titleFor is a title for a change in team's repositories, numbered when
// the same change comes again ("…, part 2"), so no two PRs share one.
func titleFor(rng *rand.Rand, team string, used map[string]int) string {
	return pick(teamTitles[team], rng, used)
}

// pick is one of list, numbered when it comes again ("…, part 2").
func pick(list []string, rng *rand.Rand, used map[string]int) string {
	t := list[rng.IntN(len(list))]
	used[t]++
	if n := used[t]; n > 1 {
		return fmt.Sprintf("%s, part %d", t, n)
	}
	return t
}

func (e *Env) fillGitHub(rng *rand.Rand, now time.Time) {
	// Weighted toward the teams Platform serves the most.
	order := []string{"payments", "payments", "payments", "search", "search", "identity", "identity", "mobile", "data", "platform", "platform", "architecture"}
	n := 0
	used := map[string]int{}
	for i := 0; i < 72; i++ {
		team := order[rng.IntN(len(order))]
		repos := teamRepos[team]
		people := teamPeople[team]
		author := people[rng.IntN(len(people))]
		if rng.IntN(6) == 0 { // a contributor from another team
			others := []string{"carol", "erin", "frank", "grace", "judy", "bob"}
			author = others[rng.IntN(len(others))]
		}
		at := now.Add(-time.Duration(rng.IntN(26*7*24)) * time.Hour).Truncate(time.Minute)
		pr := &githubtest.PR{Owner: "acme", Repo: repos[rng.IntN(len(repos))], Number: 100 + i, Title: titleFor(rng, team, used), Author: author,
			CreatedAt: at.Add(-30 * time.Hour), Additions: 10 + rng.IntN(600), Deletions: rng.IntN(200), ChangedFiles: 1 + rng.IntN(20), State: "open"}
		rounds := 1 + rng.IntN(3)
		var last time.Time
		for r := 0; r < rounds; r++ {
			state := "COMMENTED"
			switch {
			case r == rounds-1 && rng.IntN(5) > 0:
				state = "APPROVED"
			case rng.IntN(2) == 0:
				state = "CHANGES_REQUESTED"
			}
			last = at.Add(time.Duration(r) * time.Duration(20+rng.IntN(120)) * time.Hour)
			if last.After(now) {
				last = now.Add(-time.Hour)
			}
			pr.Reviews = append(pr.Reviews, githubtest.Review{User: "alice", State: state, SubmittedAt: last, Body: []string{"", "Looks good overall; see inline notes."}[rng.IntN(2)]})
			for k := rng.IntN(4); k > 0; k-- {
				pr.ReviewComments = append(pr.ReviewComments, githubtest.Comment{User: "alice", Body: "Consider handling the timeout here.", CreatedAt: last})
			}
		}
		if rng.IntN(3) == 0 {
			pr.IssueComments = append(pr.IssueComments, githubtest.Comment{User: author, Body: "Thanks for the review!", CreatedAt: last.Add(time.Hour)})
		}
		pr.UpdatedAt = last.Add(2 * time.Hour)
		if pr.UpdatedAt.After(now) {
			pr.UpdatedAt = now
		}
		if rng.IntN(4) > 0 {
			pr.Merged, pr.MergedAt, pr.State = true, pr.UpdatedAt, "closed"
		}
		e.GitHub.Add(pr)
		n++
	}
	// Two reviews in the open-source lab nobody in the org owns: unknown scope.
	for i := 0; i < 2; i++ {
		at := now.Add(-time.Duration(100+i*300) * time.Hour).Truncate(time.Minute)
		e.GitHub.Add(&githubtest.PR{Owner: "oss-lab", Repo: "fuzz-corpus", Number: 7 + i, Title: []string{"Seed corpus for the parser", "Seed corpus for the lexer"}[i], Author: "mallory",
			CreatedAt: at.Add(-time.Hour), UpdatedAt: at.Add(time.Hour), Reviews: []githubtest.Review{{User: "alice", State: "APPROVED", SubmittedAt: at}}})
		n++
	}
	// Comment-only work.
	for i := 0; i < 5; i++ {
		at := now.Add(-time.Duration(rng.IntN(20*7*24)) * time.Hour).Truncate(time.Minute)
		e.GitHub.Add(&githubtest.PR{Owner: "acme", Repo: "search-ui", Number: 300 + i, Title: fmt.Sprintf("Typeahead experiment %d", i+1), Author: "erin",
			CreatedAt: at.Add(-time.Hour), UpdatedAt: at.Add(time.Hour), IssueComments: []githubtest.Comment{{User: "alice", Body: "We hit the same in Platform; see infra#12.", CreatedAt: at}}})
		n++
	}
	e.Reviewed = n
	// Authored.
	for i := 0; i < 12; i++ {
		at := now.Add(-time.Duration(rng.IntN(26*7*24)) * time.Hour).Truncate(time.Minute)
		e.GitHub.Add(&githubtest.PR{Owner: "acme", Repo: []string{"platform-ci", "infra"}[i%2], Number: 500 + i, Title: alicesTitles[i%len(alicesTitles)], Author: "alice",
			CreatedAt: at, UpdatedAt: at.Add(20 * time.Hour), Merged: true, MergedAt: at.Add(20 * time.Hour), State: "closed",
			Additions: 20 + rng.IntN(400), Deletions: rng.IntN(100), ChangedFiles: 1 + rng.IntN(10),
			Reviews: []githubtest.Review{{User: []string{"bob", "carol", "erin"}[i%3], State: "APPROVED", SubmittedAt: at.Add(10 * time.Hour)}}})
		e.Authored++
	}
	// Noise: PRs of others the user never touched.
	for i := 0; i < 10; i++ {
		at := now.Add(-time.Duration(rng.IntN(26*7*24)) * time.Hour)
		e.GitHub.Add(&githubtest.PR{Owner: "acme", Repo: "payments-api", Number: 900 + i, Title: "Not Alice's", Author: "dave", CreatedAt: at, UpdatedAt: at,
			Reviews: []githubtest.Review{{User: "carol", State: "APPROVED", SubmittedAt: at}}})
	}
	// RFCs in a GitHub repository, reviewed through pull requests.
	at := now.AddDate(0, -2, 0).Truncate(time.Hour)
	e.GitHub.Files = map[string]map[string]string{"acme/rfcs": {
		"rfcs/0012-ledger-sharding.md":  "---\ntitle: Ledger sharding\nauthors: ['@carol', '@dave']\nteam: payments\nteams: [data]\nstatus: accepted\ncreated: " + at.AddDate(0, 0, -5).Format(time.DateOnly) + "\n---\n# Ledger sharding\n",
		"rfcs/0015-search-relevance.md": "---\ntitle: Search relevance v2\nauthors: ['@erin']\nteam: search\nstatus: draft\ncreated: " + at.Format(time.DateOnly) + "\n---\n# Search relevance v2\n",
	}}
	e.GitHub.FileCommits = map[string]map[string][]githubtest.FileCommit{"acme/rfcs": {
		"rfcs/0012-ledger-sharding.md":  {{SHA: "a1b2c3", Author: "carol", Date: at, PR: 41}},
		"rfcs/0015-search-relevance.md": {{SHA: "d4e5f6", Author: "erin", Date: at.AddDate(0, 0, 9), PR: 44}},
	}}
	e.GitHub.Add(&githubtest.PR{Owner: "acme", Repo: "rfcs", Number: 41, Title: "RFC: ledger sharding", Author: "carol", CreatedAt: at, UpdatedAt: at,
		Reviews: []githubtest.Review{{User: "alice", State: "CHANGES_REQUESTED", SubmittedAt: at.Add(26 * time.Hour)}, {User: "alice", State: "APPROVED", SubmittedAt: at.Add(80 * time.Hour)}}},
		&githubtest.PR{Owner: "acme", Repo: "rfcs", Number: 44, Title: "RFC: search relevance", Author: "erin", CreatedAt: at, UpdatedAt: at,
			Reviews: []githubtest.Review{{User: "alice", State: "COMMENTED", SubmittedAt: at.AddDate(0, 0, 10)}}})
	e.RFCs += 2
	e.Reviewed += 2 // the RFCs' pull requests are reviews too
}

func (e *Env) fillJira(rng *rand.Rand, now time.Time) {
	e.Jira.AddUsers(
		jiratest.User{ID: "712020:bob", DisplayName: "Bob Stone"}, jiratest.User{ID: "712020:carol", DisplayName: "Carol Diaz"},
		jiratest.User{ID: "712020:dave", DisplayName: "Dave Kim"}, jiratest.User{ID: "712020:erin", DisplayName: "Erin Wu"},
		jiratest.User{ID: "712020:frank", DisplayName: "Frank Ito"}, jiratest.User{ID: "712020:judy", DisplayName: "Judy Park"})
	me := "712020:alice"
	projects := []struct{ key, person string }{{"PLAT", "712020:bob"}, {"PAY", "712020:carol"}, {"SRCH", "712020:erin"}, {"ARCH", "712020:frank"}, {"PAY", "712020:dave"}}
	// Each project's own kind of issue, so a summary fits where it is;
	// numbered when one comes again.
	summaries := map[string][]string{
		"PLAT": {"Flaky deploys on Mondays", "Unify service templates", "CI runners out of disk", "Build cache misses after upgrade"},
		"PAY":  {"Refund webhook retries storm", "Ledger drift alert", "Token refresh race", "Payout file rejected by the bank"},
		"SRCH": {"Index rebuild takes 6h", "Search timeouts under load", "Stale synonyms after deploy"},
		"ARCH": {"Quarterly capacity plan", "Event bus adoption plan", "Deprecate the v1 internal API"},
	}
	usedSummary := map[string]int{}
	types := []string{"Bug", "Story", "Epic", "Incident", "Task"}
	for i := 0; i < 24; i++ {
		p := projects[rng.IntN(len(projects))]
		created := now.Add(-time.Duration(rng.IntN(25*7*24)) * time.Hour).Truncate(time.Minute)
		is := &jiratest.Issue{Key: fmt.Sprintf("%s-%d", p.key, 100+i), Project: p.key, Type: types[rng.IntN(len(types))],
			Summary: pick(summaries[p.key], rng, usedSummary), Status: "In Progress", StatusCategory: "indeterminate", Reporter: p.person, Created: created}
		at := created.Add(time.Duration(2+rng.IntN(72)) * time.Hour)
		switch i % 4 {
		case 0: // reported and resolved, self-started, by one of the user's PRs
			is.Reporter, is.Assignee = me, me
			n := i / 4
			is.Description = fmt.Sprintf("Fixed in https://github.com/acme/%s/pull/%d", []string{"platform-ci", "infra"}[n%2], 500+n)
			is.Status, is.StatusCategory, is.Resolution, is.ResolutionDate = "Done", "done", "Fixed", at
			is.History = []jiratest.Change{{Author: me, Created: created.Add(time.Hour), Items: []jiratest.ChangeItem{{Field: "assignee", To: me}}},
				{Author: me, Created: at, Items: []jiratest.ChangeItem{{Field: "status", FromString: "In Progress", ToString: "Done"}, {Field: "resolution", ToString: "Fixed"}}}}
		case 1: // commented on another team's issue
			is.Assignee = p.person
			is.Comments = []jiratest.Comment{{Author: p.person, Body: "Any ideas?", Created: created.Add(time.Hour)}, {Author: me, Body: "Seen this in Platform: it is the retry budget.", Created: at}}
		case 2: // assigned and transitioned
			is.Assignee = me
			is.History = []jiratest.Change{{Author: me, Created: at, Items: []jiratest.ChangeItem{{Field: "status", FromString: "To Do", ToString: "In Progress"}}}}
		default: // watched only: not the user's work
			is.Assignee = p.person
			is.Watchers = []string{me}
			e.Issues--
		}
		is.Updated = at.Add(time.Hour)
		if is.Updated.After(now) {
			is.Updated = now
		}
		e.Jira.Add(is)
		e.Issues++
	}
}

// writeDocs writes design documents in every format the RFC connector
// reads into the demo's folder.
func (e *Env) writeDocs(now time.Time) error {
	d := func(months int) string { return now.AddDate(0, -months, 0).Format(time.DateOnly) }
	files := map[string]string{
		"keps/sig-platform/0101-shared-build-cache/kep.yaml": fmt.Sprintf(`title: Shared build cache
kep-number: 101
authors: ["@alice", "@bob"]
owning-sig: sig-platform
participating-sigs: [sig-payments, sig-search, sig-data]
reviewers: ["@carol", "@erin"]
approvers: ["@ivan"]
status: implementable
creation-date: %s
last-updated: %s
`, d(5), d(3)),
		"keps/sig-platform/0101-shared-build-cache/README.md": "# KEP-101: Shared build cache\n",
		"keps/sig-auth/0207-token-binding/kep.yaml": fmt.Sprintf(`title: Token binding for service accounts
kep-number: 207
authors: ["@frank"]
owning-sig: sig-auth
participating-sigs: [sig-platform]
reviewers: ["@alice"]
approvers: ["@ivan"]
status: provisional
creation-date: %s
`, d(4)),
		"keps/sig-architecture/0300-api-deprecation-policy/kep.yaml": fmt.Sprintf(`title: API deprecation policy
kep-number: 300
authors: ["@ivan"]
owning-sig: sig-architecture
participating-sigs: [sig-payments, sig-auth, sig-search, wg-lts]
reviewers: ["@erin"]
approvers: ["@alice"]
status: implemented
creation-date: %s
`, d(6)),
		"peps/pep-9001.rst": fmt.Sprintf(`PEP: 9001
Title: Typed configuration for internal services
Author: Frank Ito <frank@acme.example>
Sponsor: Alice Chen <alice@acme.example>
Status: Accepted
Type: Standards Track
Created: %s

Abstract
========

Typed configuration.
`, now.AddDate(0, -3, 0).Format("02-Jan-2006")),
		"design/observability.md": fmt.Sprintf("# Proposal: Tenant-aware trace sampling\n\nAuthor(s): Alice Chen <alice@acme.example>\n\nLast updated: %s\n\nDiscussion at PLAT-120.\n", d(1)),
	}
	for name, content := range files {
		p := filepath.Join(e.dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		if err := os.WriteFile(p, []byte(strings.TrimLeft(content, "\n")), 0o644); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
	}
	e.RFCs += 5
	return nil
}
