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
// Only documents changed since the cursor are read again: by size, mtime and
// content hash locally, by blob SHA on GitHub. A document that cannot be read
// is reported with its path and line and skipped; a field that does not parse
// is reported and left empty, and the document still counts.
package rfc

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"slices"
	"strings"
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
	PageSize int // documents read per Fetch (default 200)
	Clock    connectors.Clock
	Base     http.RoundTripper
}

// Connector reads one RFC source.
type Connector struct {
	cfg Config
	gh  *githubRepo // nil for a local folder
}

// New returns a connector for cfg. It reads nothing yet.
func New(cfg Config) (*Connector, error) {
	if cfg.Dir == "" && cfg.Repo == "" {
		return nil, errors.New("rfc: a source needs dir or repo")
	}
	if cfg.PageSize <= 0 {
		cfg.PageSize = 200
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

type fileState struct {
	Size int64  `json:"s,omitempty"`
	Mod  int64  `json:"m,omitempty"`
	Hash string `json:"h,omitempty"` // content hash (local) or blob SHA (GitHub)
}

type cursor struct {
	V     int                  `json:"v"`
	Files map[string]fileState `json:"files"`
}

const cursorVersion = 1

func decode(b connectors.Cursor) *cursor {
	cur := &cursor{V: cursorVersion}
	if !window.Decode(b, cursorVersion, cur) {
		cur = &cursor{V: cursorVersion}
	}
	if cur.Files == nil {
		cur.Files = map[string]fileState{}
	}
	return cur
}

func encode(cur *cursor) connectors.Cursor { return window.Encode(cur) }

// Fetch reads up to PageSize changed documents.
func (c *Connector) Fetch(ctx context.Context, raw connectors.Cursor) (connectors.Page, error) {
	cur := decode(raw)
	if c.gh != nil {
		return c.gh.fetch(ctx, c, cur)
	}
	return c.fetchLocal(ctx, cur)
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
