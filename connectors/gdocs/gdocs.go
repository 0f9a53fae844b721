// Package gdocs reads design documents written in Google Docs: every
// Google Doc in the configured Drive folders and their subfolders (in My
// Drive or a shared drive) that the user owns, revised or commented on.
// It writes only its searches and its mapping; the window engine drives
// the passes.
package gdocs

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/evident-sync/evident/config/credentials"
	"github.com/evident-sync/evident/connectors"
	"github.com/evident-sync/evident/connectors/transport"
	"github.com/evident-sync/evident/connectors/window"
)

// Config is one Google Docs source.
type Config struct {
	Name    string
	BaseURL string   // the API root: https://www.googleapis.com/ (drive/v3/ under it)
	Folders []string // Drive folder ids, read with their subfolders
	Token   credentials.TokenSource
	Since   time.Time
	Clock   connectors.Clock
	Base    http.RoundTripper // under the rate-limit handling (tests)
	// Overlap is how far before the last pass's newest change a pass reads
	// again (default two minutes: Drive's listing lags its writes).
	Overlap time.Duration
}

// Connector reads one Google Docs source.
type Connector struct {
	cfg    Config
	tr     *transport.Transport
	drive  *drive
	engine *window.Engine
}

var (
	_ connectors.Connector = (*Connector)(nil)
	_ interface {
		Check(context.Context) (string, error)
	} = (*Connector)(nil)
	_ window.Searcher = (*Connector)(nil)
)

// cursorVersion is the version of the cursors this connector writes.
const cursorVersion = 1

// folderBatch is how many folders one files.list query names: a query
// with a clause per folder stays well under the length Drive accepts.
const folderBatch = 40

// New builds the connector; it makes no request.
func New(cfg Config) (*Connector, error) {
	if cfg.Clock == nil {
		cfg.Clock = connectors.RealClock
	}
	if cfg.Overlap == 0 {
		cfg.Overlap = 2 * time.Minute
	}
	base, err := url.Parse(cmp.Or(cfg.BaseURL, DefaultURL))
	if err != nil || base.Host == "" {
		return nil, fmt.Errorf("gdocs: url %q is not a URL", cfg.BaseURL)
	}
	if !strings.HasSuffix(base.Path, "/") {
		base.Path += "/"
	}
	// Google's exponential backoff starts at a second.
	tr := &transport.Transport{Base: cfg.Base, Clock: cfg.Clock, LimitWait: time.Second}
	// The token is an access token, or a Grant (evident auth google) that
	// access tokens are refreshed from.
	tokens := &accessTokens{src: cfg.Token, source: cfg.Name, client: &http.Client{Transport: cmp.Or[http.RoundTripper](cfg.Base, http.DefaultTransport), Timeout: 30 * time.Second}}
	auth := &transport.AuthTransport{Base: tr, Origin: transport.OriginOf(base), Resolve: tokens.Token}
	svc := &transport.Service{
		Name: "Google Drive", Credential: cfg.Token.Describe(),
		Client: &http.Client{Transport: auth, CheckRedirect: transport.SameOrigin},
		Forget: tokens.Forget, Message: googleMessage, Denied: googleDenied, RetryAuth: true,
	}
	c := &Connector{cfg: cfg, tr: tr, drive: &drive{svc: svc, root: base.String() + "drive/v3/"}}
	c.engine = &window.Engine{
		Version: cursorVersion, Since: cfg.Since, Overlap: cfg.Overlap,
		Precision: time.Millisecond, Clock: cfg.Clock, Clamp: tr.ClampFuture,
	}
	return c, nil
}

// Fetch reads one page of the pass.
func (c *Connector) Fetch(ctx context.Context, cursor connectors.Cursor) (page connectors.Page, err error) {
	defer c.tr.Meter(&page)()
	err = c.engine.Fetch(ctx, cursor, c, &page)
	return page, err
}

// Check asks Drive who the token belongs to; it makes one request.
func (c *Connector) Check(ctx context.Context) (string, error) {
	me, err := c.drive.about(ctx)
	if err != nil {
		return "", err
	}
	if me.EmailAddress != "" {
		return fmt.Sprintf("%s (%s)", me.DisplayName, me.EmailAddress), nil
	}
	return me.DisplayName, nil
}

// state is what the connector keeps in its cursor between passes.
type state struct {
	// Roots are the configured folders the tree was read for, sorted.
	Roots []string `json:"roots"`
	// Root maps each folder of the tree to the configured folder it is
	// under (itself for a configured one).
	Root map[string]string `json:"root"`
	// Names are the configured folders' names, for a reader.
	Names map[string]string `json:"names,omitempty"`
	// NoViewed: this server refused viewedByMeTime in a query, so only
	// modifiedTime finds what changed.
	NoViewed bool `json:"no_viewed,omitempty"`
	// Me is the user as about.get named them this pass.
	Me person `json:"me"`
}

// Begin asks who the user is and reads the folder tree under the
// configured folders, one level (and one files.list per folderBatch
// folders) at a time.
func (c *Connector) Begin(ctx context.Context, raw json.RawMessage, page *connectors.Page) (window.Plan, error) {
	var old state
	_ = json.Unmarshal(raw, &old)
	// Who the user is, each pass (about.user: the one whose me is true).
	me, err := c.drive.about(ctx)
	if err != nil {
		return window.Plan{}, err
	}
	roots := slices.Compact(slices.Sorted(slices.Values(c.cfg.Folders)))
	names := old.Names
	if !slices.Equal(roots, old.Roots) {
		if names, err = c.checkRoots(ctx, roots, page); err != nil {
			return window.Plan{}, err
		}
	}
	st := state{Roots: roots, NoViewed: old.NoViewed, Names: names, Me: me}
	if st.Root, err = c.tree(ctx, roots); err != nil {
		return window.Plan{}, err
	}
	b, err := json.Marshal(st)
	if err != nil {
		return window.Plan{}, err
	}
	n := len(st.batches())
	reshaped := !slices.Equal(slices.Sorted(maps.Keys(st.Root)), slices.Sorted(maps.Keys(old.Root)))
	return window.Plan{State: b, Searches: n, Reshaped: reshaped}, nil
}

// batches are the folders each search names: every folder of the tree,
// sorted, folderBatch at a time.
func (st *state) batches() [][]string {
	return slices.Collect(slices.Chunk(slices.Sorted(maps.Keys(st.Root)), folderBatch))
}

// checkRoots reads each configured folder when the list changed: it says
// now which cannot be read, rather than find nothing in them, and returns
// their names, for a reader.
func (c *Connector) checkRoots(ctx context.Context, roots []string, page *connectors.Page) (map[string]string, error) {
	names := map[string]string{}
	for _, id := range roots {
		f, err := c.drive.folder(ctx, id)
		names[id] = f.Name
		var nf *transport.NotFoundError
		switch {
		case errors.As(err, &nf):
			page.Problems = append(page.Problems, fmt.Sprintf("Drive folder %s was not found, or is not shared with you; check the id in folders", id))
		case err != nil:
			return nil, err
		case f.MimeType != mimeFolder:
			page.Problems = append(page.Problems, fmt.Sprintf("%s is a file, not a folder (%s); folders takes folder ids", id, connectors.Printable(f.Name)))
		case f.Trashed:
			page.Problems = append(page.Problems, fmt.Sprintf("Drive folder %s (%s) is in the trash", id, connectors.Printable(f.Name)))
		}
	}
	return names, nil
}

// tree maps every folder under roots (and each root) to the configured
// folder it is under; a folder under two is the nearer one's.
func (c *Connector) tree(ctx context.Context, roots []string) (map[string]string, error) {
	root := map[string]string{}
	for _, r := range roots {
		root[r] = r
	}
	for level := roots; len(level) > 0; {
		var next []string
		for b := range slices.Chunk(level, folderBatch) {
			found, err := c.subfolders(ctx, b)
			if err != nil {
				return nil, err
			}
			for _, f := range found {
				if _, seen := root[f.ID]; seen {
					continue
				}
				for _, p := range f.Parents {
					if r, ok := root[p]; ok {
						root[f.ID] = r
						next = append(next, f.ID)
						break
					}
				}
			}
		}
		level = next
	}
	return root, nil
}

// subfolders lists the folders directly in folders, every page of them.
func (c *Connector) subfolders(ctx context.Context, folders []string) ([]file, error) {
	q := inParents(folders) + " and mimeType = " + quote(mimeFolder) + " and trashed = false"
	var out []file
	restarted := false
	for token := ""; ; {
		l, err := c.drive.list(ctx, q, "id,parents", token, "list the subfolders")
		var qe *transport.QueryError
		if errors.As(err, &qe) && token != "" && !restarted {
			// An expired page token: the listing again (what it found
			// twice is kept once).
			out, token, restarted = nil, "", true
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, l.Files...)
		if token = l.NextPageToken; token == "" {
			return out, nil
		}
	}
}

// Search lists the Google Docs of one batch of folders changed in the
// window, oldest first. A document changed when it was edited
// (modifiedTime) or when the user last opened it (viewedByMeTime): a
// comment moves no edit time, but the user who wrote one had the document
// open, so the user's own comments are found by the next pass.
func (c *Connector) Search(ctx context.Context, q window.Query, raw json.RawMessage) (window.Found, error) {
	var st state
	if err := json.Unmarshal(raw, &st); err != nil {
		return window.Found{}, nil
	}
	batches := st.batches()
	if q.Search >= len(batches) {
		return window.Found{}, nil
	}
	var learnt json.RawMessage
	l, err := c.drive.list(ctx, docsQuery(batches[q.Search], q, !st.NoViewed), docFields, q.Token, "list the documents")
	var qe *transport.QueryError
	if errors.As(err, &qe) && q.Token != "" {
		// A page token Drive no longer takes: the window again from its
		// first page (the seen-set makes that free).
		return window.Found{Restart: true}, nil
	}
	if errors.As(err, &qe) && !st.NoViewed {
		// A Drive (or proxy) without viewedByMeTime: edits alone.
		st.NoViewed = true
		learnt, _ = json.Marshal(st)
		l, err = c.drive.list(ctx, docsQuery(batches[q.Search], q, false), docFields, q.Token, "list the documents")
	}
	if err != nil {
		return window.Found{}, err
	}
	found := window.Found{Next: l.NextPageToken, State: learnt}
	if l.IncompleteSearch {
		found.Problems = append(found.Problems, "Google Drive searched only some of your shared drives for this page; documents there may come with a later sync")
	}
	for _, f := range l.Files {
		if f.MimeType != mimeDoc || f.Trashed {
			continue // what the query excludes, should a server not
		}
		root := ""
		for _, p := range f.Parents {
			if r, ok := st.Root[p]; ok {
				root = r
				break
			}
		}
		updated := f.ModifiedTime
		if f.ViewedByMeTime.After(updated) {
			updated = f.ViewedByMeTime
		}
		found.Items = append(found.Items, window.Item{
			Key: f.ID, Updated: updated,
			Read: func(ctx context.Context) (*connectors.Artifact, string, error) {
				return c.read(ctx, f, root, st.Names[root], st.Me)
			},
		})
	}
	return found, nil
}

// docsQuery selects the Google Docs in folders changed in q's window:
// edited, or (viewed) opened by the user. The bounds are strict, a
// millisecond (Drive's precision) outside the window, as Drive's own
// examples write them.
func docsQuery(folders []string, q window.Query, viewed bool) string {
	in := func(field string) string {
		s := field + " > " + driveTime(q.From.Add(-time.Millisecond))
		if !q.To.IsZero() {
			s += " and " + field + " < " + driveTime(q.To.Add(time.Millisecond))
		}
		return s
	}
	changed := in("modifiedTime")
	if viewed {
		changed = "((" + changed + ") or (" + in("viewedByMeTime") + "))"
	}
	return inParents(folders) + " and mimeType = " + quote(mimeDoc) + " and trashed = false and " + changed
}

// read reads a document's revisions and comments and makes the user's
// artifact: nil when the user has no part in it, or none since since. A
// document deleted since the listing is skipped.
func (c *Connector) read(ctx context.Context, f file, root, rootName string, me person) (*connectors.Artifact, string, error) {
	var nf *transport.NotFoundError
	var denied *transport.DeniedError
	comments, err := c.drive.comments(ctx, f.ID)
	if errors.As(err, &nf) || errors.As(err, &denied) {
		return nil, "", nil // deleted, or no longer shared, since the listing
	}
	if err != nil {
		return nil, "", err
	}
	revs, err := c.drive.revisions(ctx, f.ID)
	if errors.As(err, &nf) || errors.As(err, &denied) {
		// Revisions need edit access; a commenter's view of someone else's
		// document has none, and the comments and owners still tell the
		// user's part.
		revs, err = nil, nil
	}
	if err != nil {
		return nil, "", err
	}
	a := build(c.cfg.Name, f, root, revs, comments, me)
	if a == nil || a.OccurredAt.Before(c.cfg.Since) {
		return nil, "", nil // not the user's work, or none of it since since
	}
	a.ContainerName = rootName
	if a.Activity.State == "" {
		// The title says no status: the top of the document may ("Status:
		// Accepted" in its header table, or its first heading).
		text, err := c.drive.head(ctx, f.ID)
		switch {
		case err != nil && (errors.Is(err, connectors.ErrAuth) || ctx.Err() != nil):
			return nil, "", err
		case err == nil:
			a.Activity.State = statusOfText(text)
		}
		// Any other failure leaves the status unknown: it is a nicety,
		// and the document's part is read.
	}
	return a, "", nil
}
