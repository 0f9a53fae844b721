package rfc

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/evident-sync/evident/connectors/passtest"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/evident-sync/evident/classify"
	"github.com/evident-sync/evident/config"
	"github.com/evident-sync/evident/config/credentials"
	"github.com/evident-sync/evident/connectors"
	"github.com/evident-sync/evident/connectors/connectorstest"
	"github.com/evident-sync/evident/connectors/github/githubtest"
)

// manifest reads a corpus MANIFEST.tsv into rows keyed by their first column.
func manifest(t *testing.T, path string) map[string]map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	sc.Scan()
	cols := strings.Split(sc.Text(), "\t")
	out := map[string]map[string]string{}
	for sc.Scan() {
		vals := strings.Split(sc.Text(), "\t")
		row := map[string]string{}
		for i, c := range cols {
			if i < len(vals) {
				row[c] = vals[i]
			}
		}
		out[vals[0]] = row
	}
	return out
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

func TestParse_EveryKEPsSIGsExactlyAsItsKepYAMLStates(t *testing.T) {
	rows := manifest(t, "testdata/kep/MANIFEST.tsv")
	if len(rows) != 44 {
		t.Fatalf("manifest has %d KEPs, want 44", len(rows))
	}
	for dir, row := range rows {
		content, err := os.ReadFile(filepath.Join("testdata/kep", dir, "kep.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		d, err := Parse(dir+"/kep.yaml", content)
		if err != nil {
			t.Errorf("%s: %v", dir, err)
			continue
		}
		if d.Format != "kep" || d.Title != row["title"] || d.OwningTeam != row["owning_sig"] || d.Status != row["status"] {
			t.Errorf("%s: got %s %q owner %q status %q; manifest %q %q %q", dir, d.Format, d.Title, d.OwningTeam, d.Status, row["title"], row["owning_sig"], row["status"])
		}
		if d := cmp.Diff(splitList(row["participating_sigs"]), d.Participating, cmpopts.EquateEmpty()); d != "" {
			t.Errorf("%s participating-sigs (-kep.yaml +got):\n%s", dir, d)
		}
		count := func(r connectors.Role) string {
			n := 0
			for _, p := range d.People {
				if p.Role == r {
					n++
				}
			}
			return fmt.Sprint(n)
		}
		if count(connectors.RoleAuthor) != row["n_authors"] || count(connectors.RoleReviewer) != row["n_reviewers"] || count(connectors.RoleApprover) != row["n_approvers"] {
			t.Errorf("%s: people %s/%s/%s, manifest %s/%s/%s", dir, count(connectors.RoleAuthor), count(connectors.RoleReviewer), count(connectors.RoleApprover),
				row["n_authors"], row["n_reviewers"], row["n_approvers"])
		}
	}
}

func TestParse_RealIrregularitiesAreReportedAndKept(t *testing.T) {
	dir := "sig-api-machinery/4355-coordinated-leader-election"
	content, _ := os.ReadFile(filepath.Join("testdata/kep", dir, "kep.yaml"))
	d, err := Parse(dir+"/kep.yaml", content)
	if err != nil {
		t.Fatalf("an impossible date must not drop the KEP: %v", err)
	}
	if !d.Created.IsZero() || len(d.Problems) != 1 || !strings.Contains(d.Problems[0], `creation-date "2023-14-05" is not a date`) {
		t.Errorf("created %v, problems %v", d.Created, d.Problems)
	}
	dir = "sig-node/2625-cpumanager-policies-thread-placement"
	content, _ = os.ReadFile(filepath.Join("testdata/kep", dir, "kep.yaml"))
	if d, _ := Parse(dir+"/kep.yaml", content); d.Status != "imlpemented" {
		t.Errorf("a misspelt status is kept as written, got %q", d.Status)
	}
	if _, err := Parse("bad/kep.yaml", []byte("title: x\nauthors:\n  - a\n - b\n")); err == nil || !strings.HasPrefix(err.Error(), "bad/kep.yaml:3: malformed YAML: did not find expected key; skipped") {
		t.Errorf("malformed kep.yaml: %v", err)
	}
	if _, err := Parse("doc.md", []byte("---\ntitle: [unclosed\n---\n# T\n")); err == nil || !strings.HasPrefix(err.Error(), "doc.md:") {
		t.Errorf("malformed front matter: %v", err)
	}
}

func TestParse_EveryPEPsAuthorsAndStatus(t *testing.T) {
	rows := manifest(t, "testdata/pep/MANIFEST.tsv")
	if len(rows) != 25 {
		t.Fatalf("manifest has %d PEPs", len(rows))
	}
	for file, row := range rows {
		content, err := os.ReadFile(filepath.Join("testdata/pep", file))
		if err != nil {
			t.Fatal(err)
		}
		d, err := Parse(file, content)
		if err != nil {
			t.Errorf("%s: %v", file, err)
			continue
		}
		if d.Format != "pep" || d.Status != row["status"] || d.Title != row["title"] {
			t.Errorf("%s: %s %q %q, manifest %q %q", file, d.Format, d.Status, d.Title, row["status"], row["title"])
		}
		var names, want []string
		for _, p := range d.People {
			if p.Role == connectors.RoleAuthor {
				names = append(names, strings.TrimSpace(p.Name+" "+p.Email))
			}
		}
		for _, a := range splitPeople(row["author"]) {
			p, _ := parsePerson(a)
			want = append(want, strings.TrimSpace(p.Name+" "+p.Email))
		}
		if d := cmp.Diff(want, names); d != "" {
			t.Errorf("%s authors (-manifest +got):\n%s", file, d)
		}
		if row["sponsor"] != "" && !slices.ContainsFunc(d.People, func(p Person) bool { return p.Role == connectors.RoleSponsor }) {
			t.Errorf("%s: sponsor %q not read", file, row["sponsor"])
		}
	}
	d, _ := Parse("pep-0484.rst", mustRead(t, "testdata/pep/pep-0484.rst"))
	if !slices.Contains(d.People, Person{Name: "Mark Shannon", Role: connectors.RoleDelegate}) ||
		!slices.Contains(d.People, Person{Name: "Guido van Rossum", Email: "guido@python.org", Role: connectors.RoleAuthor}) {
		t.Errorf("PEP 484 people: %+v", d.People)
	}
	if d.Created.Format(time.DateOnly) != "2014-09-29" {
		t.Errorf("PEP 484 created %v", d.Created)
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParse_RustAndGoDesignDocs(t *testing.T) {
	d, _ := Parse("0002-rfc-process.md", mustRead(t, "testdata/rust/0002-rfc-process.md"))
	if d.Format != "rust" || d.Created.Format(time.DateOnly) != "2014-03-11" || d.Title == "" {
		t.Errorf("rust: %+v", d)
	}
	d, _ = Parse("design/2981-go-test-json.md", mustRead(t, "testdata/go-proposal/design/2981-go-test-json.md"))
	if d.Format != "go-design" || d.Title != "`-json` flag in `go test`" || len(d.People) != 1 || d.People[0].Email != "nodir@google.com" {
		t.Errorf("go design: %+v", d)
	}
}

func sampleOrg(t *testing.T) *classify.Org {
	c, err := config.Parse("org.yaml", []byte(`
me: {github: spiffxp, teams: [architecture]}
org:
  teams:
    - {id: architecture, aliases: [sig-architecture]}
    - {id: testing, aliases: [sig-testing]}
    - {id: release, aliases: [sig-release]}
    - {id: node, aliases: [sig-node]}
`), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return classify.NewOrg(c)
}

// committed are the marks each connector's passes committed, as the store
// keeps them between passes.
var committed sync.Map // *Connector -> map[string][]byte

func fetchAll(t *testing.T, c *Connector, cur connectors.Cursor) (map[string]connectors.Artifact, connectors.Cursor, []string) {
	t.Helper()
	s := passtest.NewSink(cur)
	if m, ok := committed.Load(c); ok && cur != nil {
		s.Marks = m.(map[string][]byte)
	}
	defer func() { committed.Store(c, s.Marks) }()
	if err := s.Pass(t, c, 100); err != nil {
		t.Fatal(err)
	}
	return s.Got, s.Cursor, s.Problems
}

func TestLocal_AuthorOfOneKEPApproverOfAnotherGetsExactlyThoseTwo(t *testing.T) {
	c, err := New(Config{Name: "keps", Dir: "testdata/kep", Me: Me{GitHub: "@spiffxp"}, PageSize: 10})
	if err != nil {
		t.Fatal(err)
	}
	got, _, problems := fetchAll(t, c, nil)
	if len(got) != 2 {
		t.Fatalf("got %d documents, want 2: %v", len(got), keys(got))
	}
	org := sampleOrg(t)
	a := got["rfc:keps:sig-architecture/960-conformance-behaviors/kep.yaml"]
	if !slices.Equal(a.Roles, []connectors.Role{connectors.RoleAuthor, connectors.RoleReviewer}) || org.Classify(&a).Scope != classify.ScopeCrossTeam {
		t.Errorf("960: roles %v scope %s (%s)", a.Roles, org.Classify(&a).Scope, org.Classify(&a).ScopeReason)
	}
	b := got["rfc:keps:sig-release/1498-kubernetes-yearly-support-period/kep.yaml"]
	if !slices.Equal(b.Roles, []connectors.Role{connectors.RoleApprover}) || org.Classify(&b).Scope != classify.ScopeOrg {
		t.Errorf("1498: roles %v scope %s", b.Roles, org.Classify(&b).Scope)
	}
	if b.Title != "Kubernetes Yearly Support Period" || b.OwningTeam != "sig-release" || len(b.DeclaredTeams) != 6 {
		t.Errorf("1498 facts: %+v", b)
	}
	if !slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, "2023-14-05") }) {
		t.Errorf("the impossible date was not reported: %v", problems)
	}
}

func keys(m map[string]connectors.Artifact) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func TestLocal_ReReadsOnlyChangedDocuments(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("testdata/pep")); err != nil {
		t.Fatal(err)
	}
	c, _ := New(Config{Name: "peps", Dir: dir, Me: Me{Name: "Guido van Rossum"}})
	got, cur, _ := fetchAll(t, c, nil)
	if len(got) == 0 {
		t.Fatal("Guido authored several of these PEPs")
	}
	again, cur, _ := fetchAll(t, c, cur)
	if len(again) != 0 {
		t.Errorf("nothing changed, yet %d documents came again", len(again))
	}
	// Touching a file without changing it reads it but reports nothing.
	p := filepath.Join(dir, "pep-0484.rst")
	now := time.Now().Add(time.Hour)
	os.Chtimes(p, now, now)
	again, cur, _ = fetchAll(t, c, cur)
	if len(again) != 0 {
		t.Errorf("a touched, unchanged file came again")
	}
	b, _ := os.ReadFile(p)
	os.WriteFile(p, append(b, []byte("\nAn added line.\n")...), 0o644)
	again, _, _ = fetchAll(t, c, cur)
	if len(again) != 1 || again["rfc:peps:pep-0484.rst"].Key == "" {
		t.Errorf("after one edit: %v", keys(again))
	}
}

func TestLocal_GitGivesAuthorshipWhereTheDocumentDoesNot(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	dir := t.TempDir()
	run := func(env []string, args ...string) {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), env...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	run(nil, "init", "-q")
	os.WriteFile(filepath.Join(dir, "caching.md"), []byte("# Shared caching layer\n\nWe propose...\n"), 0o644)
	who := []string{"GIT_AUTHOR_NAME=Alice Chen", "GIT_AUTHOR_EMAIL=alice@acme.example", "GIT_AUTHOR_DATE=2026-02-03T10:00:00Z",
		"GIT_COMMITTER_NAME=Alice Chen", "GIT_COMMITTER_EMAIL=alice@acme.example", "GIT_COMMITTER_DATE=2026-02-03T10:00:00Z"}
	run(who, "add", ".")
	run(who, "commit", "-q", "-m", "caching RFC")
	c, _ := New(Config{Name: "notes", Dir: dir, Me: Me{Emails: []string{"alice@acme.example"}}})
	got, _, _ := fetchAll(t, c, nil)
	a := got["rfc:notes:caching.md"]
	if a.Title != "Shared caching layer" || !slices.Equal(a.Roles, []connectors.Role{connectors.RoleAuthor}) || a.OccurredAt.Format(time.DateOnly) != "2026-02-03" {
		t.Errorf("git authorship: %+v", a)
	}
}

func TestGitHub_RFCWhosePRTheUserReviewedShowsThemAsReviewer(t *testing.T) {
	clock := connectorstest.NewClock(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	fake := githubtest.New(clock)
	at := time.Date(2026, 4, 2, 9, 0, 0, 0, time.UTC)
	fake.Files = map[string]map[string]string{"acme/rfcs": {
		"rfcs/0042-idempotency.md": "---\ntitle: Idempotent retries\nauthors: ['@carol']\nteam: payments\nteams: [search]\nstatus: accepted\ncreated: 2026-03-30\n---\n# Idempotent retries\n",
		"rfcs/0043-plain.md":       "# A plain proposal\n\nNo metadata at all.\n",
		"README.md":                "# RFCs\n",
	}}
	fake.FileCommits = map[string]map[string][]githubtest.FileCommit{"acme/rfcs": {
		"rfcs/0042-idempotency.md": {{SHA: "bbb", Author: "carol", Date: at.Add(24 * time.Hour), PR: 7}, {SHA: "aaa", Author: "carol", Date: at, PR: 7}},
		"rfcs/0043-plain.md":       {{SHA: "ccc", Author: "alice", Date: at, PR: 8}},
	}}
	fake.Add(&githubtest.PR{Owner: "acme", Repo: "rfcs", Number: 7, Title: "RFC 42", Author: "carol", CreatedAt: at, UpdatedAt: at,
		Reviews: []githubtest.Review{{User: "alice", State: "CHANGES_REQUESTED", SubmittedAt: at.Add(2 * time.Hour)}, {User: "erin", State: "APPROVED", SubmittedAt: at.Add(3 * time.Hour)}}},
		&githubtest.PR{Owner: "acme", Repo: "rfcs", Number: 8, Title: "RFC 43", Author: "alice", CreatedAt: at, UpdatedAt: at,
			Reviews: []githubtest.Review{{User: "bob", State: "APPROVED", SubmittedAt: at.Add(time.Hour)}}})
	srv := httptest.NewServer(fake.Handler())
	defer srv.Close()
	c, err := New(Config{Name: "rfcs", BaseURL: srv.URL + "/", Repo: "acme/rfcs", Path: "rfcs/", Me: Me{GitHub: "alice"}, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	got, cur, _ := fetchAll(t, c, nil)
	r := got["rfc:rfcs:0042-idempotency.md"]
	if !slices.Equal(r.Roles, []connectors.Role{connectors.RoleReviewer}) || r.Container != "acme/rfcs" || r.OwningTeam != "payments" ||
		!slices.Equal(r.DeclaredTeams, []string{"payments", "search"}) || len(r.Activity.Rounds) != 1 || !r.OccurredAt.Equal(at.Add(2*time.Hour)) {
		t.Errorf("reviewed RFC: %+v", r)
	}
	p := got["rfc:rfcs:0043-plain.md"]
	if !slices.Equal(p.Roles, []connectors.Role{connectors.RoleAuthor}) || p.Title != "A plain proposal" ||
		!slices.ContainsFunc(p.Counterparts, func(i connectors.Identity) bool { return i.ID == "bob" && i.Role == connectors.RoleApprover }) {
		t.Errorf("plain RFC authored through its PR: %+v", p)
	}
	if len(got) != 2 {
		t.Errorf("got %v", keys(got))
	}
	fake.ResetHits()
	again, _, _ := fetchAll(t, c, cur)
	if len(again) != 0 || fake.Hits()["contents"] != 1 || fake.Hits()["total"] != 1 {
		t.Errorf("nothing changed: %d documents, hits %v", len(again), fake.Hits())
	}
}

// BenchmarkLocal_KEPCorpus reads the whole KEP corpus, then again with
// nothing changed.
func BenchmarkLocal_KEPCorpus(b *testing.B) {
	for _, name := range []string{"full", "unchanged"} {
		b.Run(name, func(b *testing.B) {
			c, _ := New(Config{Name: "keps", Dir: "testdata/kep", Me: Me{GitHub: "spiffxp"}})
			var warm connectors.Cursor
			if name == "unchanged" {
				p, _ := c.Fetch(context.Background(), nil)
				warm = p.Cursor
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := c.Fetch(context.Background(), warm); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestParse_FrontMatterReadsTheKEPKeysAndNamesUnknownOnes(t *testing.T) {
	d, err := Parse("docs/caching.md", []byte("---\ntitle: Shared caching\nauthors: alice\nowning-sig: sig-auth\nparticipating-sigs: [sig-node, sig-apps]\ncreation-date: 2026-02-03\nreviewrs: [bob]\nlayout: post\n---\n# Shared caching\n"))
	if err != nil {
		t.Fatal(err)
	}
	if d.OwningTeam != "sig-auth" || !slices.Equal(d.Teams, []string{"sig-auth", "sig-node", "sig-apps"}) || d.Created.Format(time.DateOnly) != "2026-02-03" {
		t.Errorf("teams %v owner %q created %v", d.Teams, d.OwningTeam, d.Created)
	}
	if len(d.People) != 1 || d.People[0].Login != "alice" || d.People[0].Role != connectors.RoleAuthor {
		t.Errorf("a single author written as a string: %+v", d.People)
	}
	if len(d.Problems) != 1 || !strings.Contains(d.Problems[0], `docs/caching.md:7: front-matter key "reviewrs" is not one evident reads`) {
		t.Errorf("problems: %q", d.Problems)
	}
	for _, k := range []string{"owning-team: payments\nparticipating-teams: [search]", "team: payments\nteams: [search]"} {
		d, _ := Parse("x.md", []byte("---\ntitle: X\n"+k+"\n---\n"))
		if !slices.Equal(d.Teams, []string{"payments", "search"}) || len(d.Problems) != 0 {
			t.Errorf("%q: %v %q", k, d.Teams, d.Problems)
		}
	}
}

func TestParse_APlainNoteIsNotADesignDocument(t *testing.T) {
	for name, body := range map[string]string{
		"notes.md":    "- buy milk\n- ask bob about caching\n",
		"README.md":   "# Design docs\n\nOne file per proposal.\n",
		"TEMPLATE.md": "# Title\n\nAuthor(s): [name]\n",
	} {
		d, err := Parse(name, []byte(body))
		var skip *SkipError
		if d != nil || !errors.As(err, &skip) || !strings.Contains(err.Error(), name+": ") || !strings.HasSuffix(err.Error(), "; skipped") {
			t.Errorf("%s: %v %v", name, d, err)
		}
	}
	if d, err := Parse("caching.md", []byte("# Shared caching layer\n\nWe propose...\n")); d == nil || err != nil {
		t.Errorf("a titled document: %v %v", d, err)
	}
}

func TestGitHub_HistoryPagesToTheOldestCommit(t *testing.T) {
	clock := connectorstest.NewClock(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	fake := githubtest.New(clock)
	first := time.Date(2025, 1, 6, 9, 0, 0, 0, time.UTC)
	var commits []githubtest.FileCommit
	for i := 249; i >= 0; i-- { // newest first; the oldest by alice
		who := "bob"
		if i == 0 {
			who = "alice"
		}
		commits = append(commits, githubtest.FileCommit{SHA: fmt.Sprintf("%040x", i+1), Author: who, Date: first.Add(time.Duration(i) * 24 * time.Hour)})
	}
	fake.Files = map[string]map[string]string{"acme/rfcs": {"rfcs/0001-long.md": "# A long-lived design\n"}}
	fake.FileCommits = map[string]map[string][]githubtest.FileCommit{"acme/rfcs": {"rfcs/0001-long.md": commits}}
	srv := httptest.NewServer(fake.Handler())
	defer srv.Close()
	c, _ := New(Config{Name: "rfcs", BaseURL: srv.URL + "/", Repo: "acme/rfcs", Path: "rfcs/", Me: Me{GitHub: "alice"}, Clock: clock})
	got, _, _ := fetchAll(t, c, nil)
	a, ok := got["rfc:rfcs:0001-long.md"]
	if !ok || !slices.Equal(a.Roles, []connectors.Role{connectors.RoleAuthor}) || !a.Activity.CreatedAt.Equal(first) {
		t.Errorf("past 100 commits, the author and creation date come from the oldest: %v %+v", ok, a)
	}
	if h := fake.Hits()["commits"]; h != 3 {
		t.Errorf("commit pages read: %d, want 3", h)
	}
}

func TestGitHub_ARotatedTokenCommandIsReadAgainAfterA401(t *testing.T) {
	clock := connectorstest.NewClock(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	fake := githubtest.New(clock)
	fake.Token = "new-token"
	fake.Files = map[string]map[string]string{"acme/rfcs": {"rfcs/0001.md": "# One\n"}}
	srv := httptest.NewServer(fake.Handler())
	defer srv.Close()
	tokFile := filepath.Join(t.TempDir(), "tok")
	os.WriteFile(tokFile, []byte("old-token"), 0o600)
	c, _ := New(Config{Name: "rfcs", BaseURL: srv.URL + "/", Repo: "acme/rfcs", Path: "rfcs/", Me: Me{GitHub: "alice"}, Clock: clock,
		Token: credentials.TokenSource{Command: "cat " + tokFile}})
	if _, err := c.Fetch(context.Background(), nil); !errors.Is(err, connectors.ErrAuth) {
		t.Fatalf("old token: %v", err)
	}
	os.WriteFile(tokFile, []byte("new-token"), 0o600) // the user rotates it
	if _, err := c.Fetch(context.Background(), nil); err != nil {
		t.Fatalf("after rotation the command is read again: %v", err)
	}
}
