// Package rfc reads design documents — RFCs, KEPs, PEPs, design docs — from
// a local folder (plain files or a git checkout) or from a path in a GitHub
// repository, and makes an artifact of each one in which the user has a
// part: author, reviewer, approver, sponsor or delegate.
//
// Formats are recognised by content (see Parse): Kubernetes KEPs (kep.yaml),
// Python PEPs (RFC 822 headers), Rust RFCs (a header list), Markdown with
// YAML front matter, Go-style design docs (an Author(s): line) and plain
// Markdown. Where a document does not say who wrote it or when, git history
// (local) or the commits and pull requests that changed it (GitHub) do; on
// GitHub the reviews of those pull requests say who reviewed and approved it.
//
// Only documents changed since they were last read are read again: by size,
// mtime and content hash locally, by blob SHA on GitHub, kept as one mark per
// document beside the cursor; on GitHub an unchanged folder tree SHA makes a
// quiet poll one request. A document that cannot be read
// is reported with its path and line and skipped; a field that does not parse
// is reported and left empty, and the document still counts.
package rfc

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/evident-sync/evident/config/credentials"
	"github.com/evident-sync/evident/connectors"
	"github.com/evident-sync/evident/connectors/window"
)

// Me is how documents may name the user.
type Me struct {
	GitHub string
	Name   string
	Emails []string
}

// Config configures an RFC source: Dir, or Repo (and Path) on GitHub.
type Config struct {
	Name string
	Dir  string

	BaseURL string
	Token   credentials.TokenSource
	Repo    string // owner/name
	Path    string // folder inside the repository

	Me       Me
	PageSize int // documents read per Fetch (default 500)
	Clock    connectors.Clock
	Base     http.RoundTripper
}

// What this connector can do, checked by the compiler: the pipeline
// reads it (connectors.MarkedConnector), and evident auth status asks whose
// its credential is (Check).
var (
	_ connectors.MarkedConnector = (*Connector)(nil)
	_ interface {
		Check(context.Context) (string, error)
	} = (*Connector)(nil)
)

// Connector reads one RFC source.
type Connector struct {
	cfg Config
	gh  *githubRepo // nil for a local folder

	mu   sync.Mutex
	pass *pass // the pass under way; see pass
}

// New returns a connector for cfg. It reads nothing yet.
func New(cfg Config) (*Connector, error) {
	if cfg.Dir == "" && cfg.Repo == "" {
		return nil, errors.New("rfc: a source needs dir or repo")
	}
	if cfg.PageSize <= 0 {
		cfg.PageSize = 500
	}
	if cfg.Clock == nil {
		cfg.Clock = connectors.RealClock
	}
	c := &Connector{cfg: cfg}
	if cfg.Repo != "" {
		g, err := newGitHubRepo(cfg)
		if err != nil {
			return nil, err
		}
		c.gh = g
	}
	return c, nil
}

// Local reports whether the source reads a local folder (no credential).
func (c *Connector) Local() bool { return c.gh == nil }

type fileState struct {
	Size int64  `json:"s,omitempty"`
	Mod  int64  `json:"m,omitempty"`
	Hash string `json:"h,omitempty"` // content hash (local) or blob SHA (GitHub)
	// Skip is why the file is not read as a document ("" when it is):
	// kept with the fingerprint, so the source says it every pass until the
	// file changes.
	Skip string `json:"-"`
}

// The mark of a document: its fingerprint when it was last read, as 8
// bytes of size, 8 of mtime (both big-endian) and the hash, then, for a
// skipped file, a NUL and why.
func (f fileState) mark() []byte {
	b := make([]byte, 16, 16+len(f.Hash)+1+len(f.Skip))
	binary.BigEndian.PutUint64(b, uint64(f.Size))
	binary.BigEndian.PutUint64(b[8:], uint64(f.Mod))
	b = append(b, f.Hash...)
	if f.Skip != "" {
		b = append(append(b, 0), f.Skip...)
	}
	return b
}

func stateOf(mark []byte) fileState {
	if len(mark) < 16 {
		return fileState{}
	}
	hash, skip, _ := strings.Cut(string(mark[16:]), "\x00")
	return fileState{Size: int64(binary.BigEndian.Uint64(mark)), Mod: int64(binary.BigEndian.Uint64(mark[8:])), Hash: hash, Skip: skip}
}

// skipped lists the skipped files of marks, by path.
func skipped(marks map[string]fileState) []string {
	out := []string{}
	for _, st := range marks {
		if st.Skip != "" {
			out = append(out, st.Skip)
		}
	}
	sort.Strings(out)
	return out
}

// cursor is where a pass is. Per-document fingerprints are marks (see
// connectors.MarkedConnector), read once per pass: a page's cost does not
// grow with the size of the folder.
type cursor struct {
	V int `json:"v"`
	// Pass is the start (unix nanoseconds) of an unfinished pass and After
	// the path of the last document it covered, in the walk's sorted order;
	// zero and empty when the source is caught up.
	Pass  int64  `json:"pass,omitempty"`
	After string `json:"after,omitempty"`
	// Tree is the GitHub folder's tree SHA when the last pass finished;
	// PassTree the one the pass under way is reading.
	Tree     string `json:"tree,omitempty"`
	PassTree string `json:"pass_tree,omitempty"`
	// Files is version 1's every fingerprint in the cursor: read once to
	// become marks.
	Files map[string]fileState `json:"files,omitempty"`
}

// cursorVersion 2 moved the fingerprints out of the cursor into marks.
const cursorVersion = 2

func decode(b connectors.Cursor) *cursor {
	cur := &cursor{V: cursorVersion}
	if window.Decode(b, cursorVersion, cur) {
		return cur
	}
	old := &cursor{V: 1}
	if window.Decode(b, 1, old) {
		return &cursor{V: cursorVersion, Files: old.Files} // upgraded by the next pass
	}
	return &cursor{V: cursorVersion}
}

func encode(cur *cursor) connectors.Cursor { return window.Encode(cur) }

// pass is what the connector keeps between the pages of one pass, so that
// no page walks the folder or reads the marks again: valid only while the
// next Fetch continues from the cursor the last page returned.
type pass struct {
	next     []byte               // the cursor the next page continues from
	files    []docFile            // the documents, sorted by path
	remote   []remoteFile         // on GitHub, sorted by path
	marks    map[string]fileState // the fingerprints, with this pass's updates
	i        int                  // the next document to look at
	hist     *gitHistory
	histRead bool
}

// Fetch reads up to PageSize changed documents, without marks: every
// document is read again each pass (the store keeps it unchanged). The
// pipeline calls FetchMarked.
func (c *Connector) Fetch(ctx context.Context, raw connectors.Cursor) (connectors.Page, error) {
	return c.FetchMarked(ctx, raw, nil)
}

// FetchMarked reads up to PageSize changed documents after the cursor: a
// document whose fingerprint (size and mtime, or blob SHA) matches its mark
// is not read again. The pass's list of documents and its marks are read
// once, on its first page (or the first after a restart).
func (c *Connector) FetchMarked(ctx context.Context, raw connectors.Cursor, marks connectors.Marks) (connectors.Page, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	cur := decode(raw)
	if c.gh != nil {
		return c.gh.fetch(ctx, c, cur, raw, marks)
	}
	return c.fetchLocal(ctx, cur, raw, marks)
}

// loadMarks reads the committed marks, and a version 1 cursor's
// fingerprints, which the page being built writes as marks.
func loadMarks(ctx context.Context, marks connectors.Marks, cur *cursor, page *connectors.Page) (map[string]fileState, error) {
	out := map[string]fileState{}
	if marks != nil {
		err := marks.EachMark(ctx, func(k string, v []byte) error {
			out[k] = stateOf(v)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("read the documents' fingerprints: %w", err)
		}
	}
	for k, st := range cur.Files {
		out[k] = st
		setMark(page, k, st.mark())
	}
	cur.Files = nil
	return out, nil
}

func setMark(page *connectors.Page, k string, v []byte) {
	if page.Marks == nil {
		page.Marks = map[string][]byte{}
	}
	page.Marks[k] = v
}

// after is the index of the first name in sorted names after last.
func after(n int, name func(int) string, last string) int {
	if last == "" {
		return 0
	}
	return sort.Search(n, func(i int) bool { return name(i) > last })
}

func hashOf(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:12])
}

// extra is what history adds to a document: authors and dates where the
// document states none, and on GitHub the reviews of its pull requests.
type extra struct {
	authors []Person
	people  []Person
	rounds  []connectors.Round
	created time.Time
	updated time.Time
}

func (c *Connector) isMe(p Person) bool {
	me := c.cfg.Me
	switch {
	case p.Login != "" && me.GitHub != "" && strings.EqualFold(strings.TrimPrefix(p.Login, "@"), strings.TrimPrefix(me.GitHub, "@")):
		return true
	case p.Email != "" && slices.ContainsFunc(me.Emails, func(e string) bool { return strings.EqualFold(e, p.Email) }):
		return true
	case p.Name != "" && me.Name != "" && strings.EqualFold(strings.TrimSpace(p.Name), strings.TrimSpace(me.Name)):
		return true
	}
	return false
}

// artifact makes the user's artifact from a document; nil when the user has
// no part in it.
func (c *Connector) artifact(d *Doc, x extra, url, container string) *connectors.Artifact {
	people := slices.Clone(d.People)
	if !slices.ContainsFunc(people, func(p Person) bool { return p.Role == connectors.RoleAuthor }) {
		people = append(people, x.authors...)
	}
	people = append(people, x.people...)
	roles := map[connectors.Role]bool{}
	var counterparts []connectors.Identity
	seen := map[connectors.Identity]bool{}
	for _, p := range people {
		if c.isMe(p) {
			roles[p.Role] = true
			continue
		}
		id := p.Identity()
		if !seen[id] {
			seen[id] = true
			counterparts = append(counterparts, id)
		}
	}
	if len(roles) == 0 {
		return nil
	}
	a := &connectors.Artifact{
		SourceType:    "rfc",
		Kind:          connectors.KindRFC,
		Key:           "rfc:" + c.cfg.Name + ":" + d.Path,
		URL:           url,
		Title:         d.Title,
		Container:     container,
		Counterparts:  counterparts,
		DeclaredTeams: d.Teams,
		OwningTeam:    d.OwningTeam,
		Activity:      connectors.Activity{State: d.Status, Problems: d.Problems},
	}
	for _, r := range []connectors.Role{connectors.RoleApprover, connectors.RoleAuthor, connectors.RoleDelegate, connectors.RoleReviewer, connectors.RoleSponsor} {
		if roles[r] {
			a.Roles = append(a.Roles, r)
		}
	}
	created, updated := d.Created, d.Updated
	if created.IsZero() {
		created = x.created
	}
	if updated.IsZero() {
		updated = x.updated
	}
	if updated.IsZero() {
		updated = created
	}
	a.Activity.CreatedAt = created
	a.UpdatedAt = updated
	a.Activity.Rounds = x.rounds
	switch {
	case len(x.rounds) > 0 && !roles[connectors.RoleAuthor]:
		a.OccurredAt = x.rounds[len(x.rounds)-1].At
	case roles[connectors.RoleAuthor] && !created.IsZero():
		a.OccurredAt = created
	default:
		a.OccurredAt = updated
	}
	return a
}
