package rfc

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/evident-sync/evident/connectors/passtest"

	"github.com/evident-sync/evident/connectors"
)

// gitRepo is a git repository built in a test, commit by commit, with
// authors and dates set.
type gitRepo struct {
	t   *testing.T
	dir string
	n   int
}

func newGitRepo(t *testing.T) *gitRepo {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	r := &gitRepo{t: t, dir: t.TempDir()}
	r.git("", "init", "-q", "-b", "master")
	return r
}

// git runs git as who ("Name <email>", or "" for the committer default).
func (r *gitRepo) git(who string, args ...string) string {
	r.t.Helper()
	name, email := "Merger Bot", "merger@example.org"
	if who != "" {
		n, e, _ := strings.Cut(who, " <")
		name, email = n, strings.TrimSuffix(e, ">")
	}
	r.n++
	at := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(r.n) * time.Hour).Format(time.RFC3339)
	cmd := exec.Command("git", args...)
	cmd.Dir = r.dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME="+name, "GIT_AUTHOR_EMAIL="+email, "GIT_AUTHOR_DATE="+at,
		"GIT_COMMITTER_NAME="+name, "GIT_COMMITTER_EMAIL="+email, "GIT_COMMITTER_DATE="+at, "GIT_CONFIG_NOSYSTEM=1", "HOME="+r.dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		r.t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func (r *gitRepo) write(rel, content string) {
	r.t.Helper()
	p := filepath.Join(r.dir, filepath.FromSlash(rel))
	os.MkdirAll(filepath.Dir(p), 0o755)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

func (r *gitRepo) commit(who, msg string) {
	r.t.Helper()
	r.git(who, "add", "-A")
	r.git(who, "commit", "-q", "-m", msg)
}

func rustRFC(title, pr string) string {
	return "- Feature Name: `" + title + "`\n- Start Date: 2020-01-01\n- RFC PR: [rust-lang/rfcs#" + pr + "](https://github.com/rust-lang/rfcs/pull/" + pr + ")\n\n## Summary\n\nText.\n"
}

// authorsOf syncs the folder as me and returns each document's key
// suffix whose author the user is.
func authorsOf(t *testing.T, dir string, me Me) []string {
	t.Helper()
	c, _ := New(Config{Name: "rfcs", Dir: dir, Me: me})
	got, _, _ := fetchAll(t, c, nil)
	var out []string
	for k, a := range got {
		if slices.Contains(a.Roles, connectors.RoleAuthor) {
			out = append(out, strings.TrimPrefix(k, "rfc:rfcs:"))
		}
	}
	slices.Sort(out)
	return out
}

// The merger renames a proposal into place: the author stays whoever
// wrote it.
func TestHistory_ADocumentRenamedByItsMergerKeepsItsAuthor(t *testing.T) {
	r := newGitRepo(t)
	r.write("README.md", "# RFCs\n")
	r.commit("", "start")
	r.write("text/0000-union.md", rustRFC("untagged_union", "0000"))
	r.commit("Josh Triplett <josh@example.org>", "RFC: unions")
	r.git("Niko Matsakis <niko@example.org>", "mv", "text/0000-union.md", "text/1444-union.md")
	r.commit("Niko Matsakis <niko@example.org>", "rename #1444")
	if got := authorsOf(t, r.dir, Me{Name: "Josh Triplett"}); !slices.Equal(got, []string{"text/1444-union.md"}) {
		t.Errorf("Josh authored %v, want the renamed RFC", got)
	}
	if got := authorsOf(t, r.dir, Me{Name: "Niko Matsakis"}); len(got) != 0 {
		t.Errorf("the merger is credited with %v", got)
	}
}

// A PR branch merged with a merge commit, the PR named in the header: the
// author of the branch's first commit is the author, even when the merger
// wrote the file in place.
func TestHistory_ThePRBranchsFirstCommitNamesTheAuthor(t *testing.T) {
	r := newGitRepo(t)
	r.write("README.md", "# RFCs\n")
	r.commit("", "start")
	r.git("", "checkout", "-q", "-b", "nll")
	r.write("text/0000-nll.md", rustRFC("nll", "2094"))
	r.commit("Niko Matsakis <niko@example.org>", "RFC: non-lexical lifetimes")
	r.write("text/0000-nll.md", rustRFC("nll", "2094")+"More.\n")
	r.commit("Aaron Turon <aturon@example.org>", "a typo")
	r.git("", "checkout", "-q", "master")
	r.git("Aaron Turon <aturon@example.org>", "merge", "-q", "--no-ff", "-m", "Merge pull request #2094 from nikomatsakis/nll", "nll")
	// The merger then writes the accepted RFC under its number.
	r.git("Aaron Turon <aturon@example.org>", "rm", "-q", "text/0000-nll.md")
	r.write("text/2094-nll.md", rustRFC("nll", "2094")+"Accepted.\n")
	r.commit("Aaron Turon <aturon@example.org>", "RFC 2094: non-lexical lifetimes")
	if got := authorsOf(t, r.dir, Me{Name: "Niko Matsakis"}); !slices.Equal(got, []string{"text/2094-nll.md"}) {
		t.Errorf("Niko authored %v, want RFC 2094", got)
	}
	if got := authorsOf(t, r.dir, Me{Name: "Aaron Turon"}); len(got) != 0 {
		t.Errorf("the merger is credited with %v", got)
	}
}

// A fork's own pull request numbers come in with merged branches: only the
// mainline's merges name this repository's pull requests.
func TestHistory_AForksPRNumberIsNotThisRepositorys(t *testing.T) {
	r := newGitRepo(t)
	r.write("README.md", "# RFCs\n")
	r.commit("", "start")
	r.write("text/0003-lint.md", rustRFC("lint", "3"))
	r.commit("Steven Fackler <sfackler@example.org>", "RFC: the lint")
	r.git("", "checkout", "-q", "-b", "fork")
	r.git("", "checkout", "-q", "-b", "fork-topic")
	r.write("CONTRIBUTING.md", "# Contributing\n")
	r.commit("Josh Triplett <josh@example.org>", "affiliation language")
	r.git("", "checkout", "-q", "fork")
	r.git("Josh Triplett <josh@example.org>", "merge", "-q", "--no-ff", "-m", "Merge pull request #3 from joshtriplett/clarify", "fork-topic")
	r.git("", "checkout", "-q", "master")
	r.git("", "merge", "-q", "--no-ff", "-m", "Merge pull request #4000 from joshtriplett/fork", "fork")
	if got := authorsOf(t, r.dir, Me{Name: "Josh Triplett"}); len(got) != 0 {
		t.Errorf("a fork's PR #3 credits Josh with %v", got)
	}
	if got := authorsOf(t, r.dir, Me{Name: "Steven Fackler"}); !slices.Equal(got, []string{"text/0003-lint.md"}) {
		t.Errorf("Steven authored %v", got)
	}
}

// A layout commit that moves every file (rust-lang/rfcs's "Revise RFC file
// layout") changes no author.
func TestHistory_ALayoutCommitMovingManyFilesChangesNoAuthor(t *testing.T) {
	r := newGitRepo(t)
	authors := []string{"Ann Author <ann@example.org>", "Bo Writer <bo@example.org>", "Cy Drafter <cy@example.org>"}
	for i := range 30 {
		r.write("active/"+strings.Repeat("0", 3)+string(rune('a'+i%26))+"-"+string(rune('a'+i/26))+".md", rustRFC("f", "1"))
		r.commit(authors[i%3], "RFC")
	}
	r.git("Felix Klock <felix@example.org>", "mv", "active", "text")
	r.commit("Felix Klock <felix@example.org>", "Revise RFC file layout")
	if got := authorsOf(t, r.dir, Me{Name: "Felix Klock"}); len(got) != 0 {
		t.Errorf("the layout commit credits %d documents to its committer", len(got))
	}
	if got := authorsOf(t, r.dir, Me{Name: "Ann Author"}); len(got) != 10 {
		t.Errorf("Ann authored %d, want 10: %v", len(got), got)
	}
}

// An older file of the same name that was deleted is another document.
func TestHistory_ADeletedFileOfTheSameNameIsAnotherDocument(t *testing.T) {
	r := newGitRepo(t)
	r.write("text/0000-idea.md", rustRFC("idea", "1"))
	r.commit("Old Hand <old@example.org>", "first idea")
	r.git("", "rm", "-q", "text/0000-idea.md")
	r.commit("", "withdrawn")
	r.write("text/0000-idea.md", rustRFC("idea", "2"))
	r.commit("New Voice <new@example.org>", "another idea, same name")
	if got := authorsOf(t, r.dir, Me{Name: "New Voice"}); !slices.Equal(got, []string{"text/0000-idea.md"}) {
		t.Errorf("New Voice authored %v", got)
	}
	if got := authorsOf(t, r.dir, Me{Name: "Old Hand"}); len(got) != 0 {
		t.Errorf("the deleted file's author is credited with %v", got)
	}
}

// The Rust RFCs whose headers are irregular, as they are written in
// rust-lang/rfcs (testdata/rust-headers): each is a document, with the
// title, start date and pull request a reader of it would give.
func TestParse_RustHeadersAsTheRFCsWriteThem(t *testing.T) {
	for _, c := range []struct {
		file, title, date string
		pr                int
	}{
		{"3654-return-type-notation.md", "Return type notation (RTN) in bounds and where-clauses", "2024-06-04", 3654}, // "## Title" before the list
		{"3052-optional-authors-field.md", "Make the authors field optional", "2021-01-07", 3052},                      // "## RFC: …"
		{"0243-trait-based-exception-handling.md", "question_mark, try_catch", "2014-09-16", 243},                      // "- Feature-gates:", "- RFC PR #:"
		{"1649-atomic-access.md", "atomic_access", "2016-06-15", 1649},                                                 // "q- Feature Name:"
		{"3631-rustdoc-cfgs-handling.md", "Rustdoc: stabilization of the `doc(cfg*)` attributes", "2022-12-07", 3631},  // "- Features Name:", a title line
		{"2947-crates-io-token-scopes.md", "crates.io token scopes RFC", "2020-06-24", 2947},                           // "# Title" before the list
		{"3668-async-closures.md", "async_closure", "2024-06-25", 3668},                                                // footnotes inside the list
		{"3673-rustdoc-types-maintainers.md", "rustdoc types maintainers", "2023-10-03", 3505},                         // 2023-10-3
		{"1653-assert_ne.md", "Assert Not Equals Macro (assert_ne)", "2016-06-17", 1653},                               // a date in parentheses
		{"0179-and-mut-patterns.md", "and mut patterns", "2014-07-23", 179},                                            // 23-07-2014
		{"1860-manually-drop.md", "manually_drop", "2017-01-20", 1860},                                                 // not "Drawbacks"
		{"3672-Project-Goals-2024h2.md", "Project Goals 2024h2", "2024-07-09", 3672},                                   // not "Reference-level explanation"
		{"1990-external-doc-attribute.md", "external_doc", "2017-04-26", 1990},                                         // a licence comment first, "I'm an example" in a code block
		{"1317-ide.md", "ide", "2015-10-13", 1317},                                                                     // Feature Name: n/a
		{"0979-align-splitn-with-other-languages.md", "align splitn with other languages", "2015-03-15", 979},          // Feature Name: N/A
	} {
		b, err := os.ReadFile(filepath.Join("testdata", "rust-headers", c.file))
		if err != nil {
			t.Fatal(err)
		}
		d, err := Parse("text/"+c.file, b)
		if err != nil || d == nil {
			t.Errorf("%s: not a document: %v", c.file, err)
			continue
		}
		got := []any{d.Format, d.Title, d.Created.Format(time.DateOnly), d.PRs}
		want := []any{"rust", c.title, c.date, []int{c.pr}}
		if d.Format != "rust" || d.Title != c.title || d.Created.Format(time.DateOnly) != c.date || !slices.Equal(d.PRs, []int{c.pr}) || len(d.Problems) > 0 {
			t.Errorf("%s: got %q, want %q (problems %v)", c.file, got, want, d.Problems)
		}
	}
}

// A heading inside a code block is not a title; placeholder feature names
// are not titles; a document with any heading is a document.
func TestParse_TitlesAsAReaderWouldGiveThem(t *testing.T) {
	for _, c := range []struct{ name, text, title string }{
		{"a.md", "Intro text.\n\n```markdown\n# I'm an example\n```\n\n## Storage quotas for tenants\n\nBody.\n", "Storage quotas for tenants"},
		{"b.md", "## Summary\n\nWe should.\n\n## Drawbacks\n\nNone.\n", "b"},
		{"0042-retry-budgets.md", "- Feature Name: none\n- Start Date: 2026-01-05\n\n## Summary\n", "retry budgets"},
		{"c.md", "- Feature Name: ...\n- Start Date: 2026-01-05\n\n# Summary\n", "c"},
		{"d.md", "- Feature Name: not applicable\n- Start Date: 2026-01-05\n", "d"},
		{"e.md", "~~~\n# not this\n~~~\n### Third-level title\n", "Third-level title"},
	} {
		d, err := Parse(c.name, []byte(c.text))
		if err != nil || d == nil {
			t.Errorf("%s: not a document: %v", c.name, err)
			continue
		}
		if d.Title != c.title {
			t.Errorf("%s: title %q, want %q", c.name, d.Title, c.title)
		}
	}
}

// The PEP template (pep-0012/pep-NNNN.rst) is skipped with its reason, as
// READMEs are, not read as a PEP and warned about.
func TestParse_ThePEPTemplateIsSkipped(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "pep-template", "pep-0012", "pep-NNNN.rst"))
	if err != nil {
		t.Fatal(err)
	}
	d, err := Parse("pep-0012/pep-NNNN.rst", b)
	var skip *SkipError
	if d != nil || !errors.As(err, &skip) || !strings.Contains(skip.Why, "template") {
		t.Errorf("the template: %+v, %v", d, err)
	}
}

// A file that is not a design document is said every pass, with its
// reason, until it changes: the first pass reads it, the next ones only
// see its fingerprint; once it gains a heading it is a document.
func TestLocal_SkippedFilesAreSaidUntilTheyChange(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "README.md"), []byte("# About this folder\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "notes.md"), []byte("just a thought, no heading\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "0042-quotas.md"), []byte("---\ntitle: Quotas\nauthors: [\"@alice\"]\n---\nBody\n"), 0o644)
	c, _ := New(Config{Name: "docs", Dir: dir, Me: Me{GitHub: "alice"}})
	s := passtest.NewSink(nil)
	pass := func() []string {
		t.Helper()
		s.Skipped = nil
		if err := s.Pass(t, c, 10); err != nil {
			t.Fatal(err)
		}
		return s.Skipped
	}
	want := []string{"README.md: a Readme file, not a design document; skipped",
		"notes.md: no heading, header list, front matter or Author line, so it is not read as a design document; skipped"}
	if got := pass(); !slices.Equal(got, want) {
		t.Errorf("first pass skipped %q", got)
	}
	if got := pass(); !slices.Equal(got, want) {
		t.Errorf("an unchanged folder's pass skipped %q, want them still said", got)
	}
	later := time.Now().Add(time.Minute)
	os.WriteFile(filepath.Join(dir, "notes.md"), []byte("## Retry budgets\n\nBody\n"), 0o644)
	os.Chtimes(filepath.Join(dir, "notes.md"), later, later)
	if got := pass(); !slices.Equal(got, want[:1]) {
		t.Errorf("after the note gained a heading: %q", got)
	}
}
