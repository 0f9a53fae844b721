// Package github finds the user's pull-request work on GitHub or GitHub
// Enterprise Server: every PR they reviewed or commented on (kind review)
// and every PR they authored (kind pr), within GitHub's rate limits.
//
// One pass runs three searches — reviewed-by:, commenter: and author: the
// user, updated since the query's high-water mark — sorted by updated time,
// ascending. The backfill goes newest first (see window.FirstLow): the first
// pass reads the last two weeks, then walks back to since in windows that
// grow from four weeks, each read by the same three searches bounded to it, while
// new activity is taken from the high-water marks at least every five
// minutes. Each Fetch reads the first page of one search and narrows its
// window to the newest updated time on that page (keys seen at that instant
// are remembered), so no search ever pages past GitHub's 1,000-result cap
// and a backfill cut off anywhere resumes exactly where it stopped. (Should
// a search come back unsorted, it is read page by page instead, its date
// window split in halves until each holds under 1,000 results.) Each
// PR found is read in full: the PR (author, size, merged, comment counts),
// its reviews (the user's rounds with their dates; the other reviewers),
// and, when the PR has any, its review comments and plain comments.
//
// The cursor also keeps each search's ETag: a poll with nothing new costs
// three conditional requests, answered 304, which GitHub does not count
// against the rate limit.
package github

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	gh "github.com/google/go-github/v60/github"

	"github.com/evident-sync/evident/config/credentials"
	"github.com/evident-sync/evident/connectors"
	"github.com/evident-sync/evident/connectors/transport"
	"github.com/evident-sync/evident/connectors/window"
)

// Config configures a GitHub source.
type Config struct {
	Name    string
	BaseURL string // https://api.github.com/, https://ghe.example/api/v3/, http://127.0.0.1:PORT/
	Token   credentials.TokenSource
	Login   string   // the user's login
	Owners  []string // only repositories of these users/orgs, when set
	Since   time.Time
	// Overlap re-reads this much before each high-water mark (default 5m).
	Overlap time.Duration
	// PerPage is the search page size (default and maximum 100).
	PerPage int
	Clock   connectors.Clock
	// Base is the HTTP transport under the rate-limit handling (tests).
	Base http.RoundTripper
	// Files also reads the paths each PR changed (one more request per PR),
	// for CODEOWNERS.
	Files bool
}

// What this connector can do, checked by the compiler: the pipeline
// reads it (connectors.Connector), and evident auth status asks whose
// its credential is (Check).
var (
	_ connectors.Connector = (*Connector)(nil)
	_ interface {
		Check(context.Context) (string, error)
	} = (*Connector)(nil)
)

// Connector reads one GitHub source. It is safe for one Fetch at a time.
type Connector struct {
	cfg Config
	*Client
	tr    *transport.Transport
	api   *gh.Client
	clock connectors.Clock
	// ownerQualifier limits searches to the owners: user: (GitHub reads it
	// for organisations too), or org: where a search refuses user:.
	ownerQualifier string
}

// New returns a connector for cfg. It makes no request.
func New(cfg Config) (*Connector, error) {
	if cfg.Login == "" {
		return nil, errors.New("github: the user's login (me.github) is required")
	}
	if cfg.Overlap == 0 {
		cfg.Overlap = 5 * time.Minute
	}
	if cfg.PerPage <= 0 || cfg.PerPage > 100 {
		cfg.PerPage = 100
	}
	if cfg.Clock == nil {
		cfg.Clock = connectors.RealClock
	}
	cl, err := NewClient(ClientConfig{BaseURL: cfg.BaseURL, Token: cfg.Token, Clock: cfg.Clock, Base: cfg.Base})
	if err != nil {
		return nil, err
	}
	return &Connector{cfg: cfg, Client: cl, tr: cl.Tr, api: cl.API, clock: cfg.Clock, ownerQualifier: "user"}, nil
}

// The three searches of a pass, in order.
var queries = []string{"reviewed-by", "commenter", "author"}

// firstReads is how many PRs of a source's first window are read before
// they are committed: the first inbox fills in steps of this many, for
// one more search request per step.
const firstReads = 20

// cursor is the connector's position; it is stored as JSON.
type cursor struct {
	V int `json:"v"`
	// InPass: a pass is under way; Query is its current search and From
	// that search's lower bound, Page its page (>1 only when more than a
	// page of PRs share one updated time).
	InPass bool      `json:"in_pass"`
	Query  int       `json:"query"`
	From   time.Time `json:"from"`
	Page   int       `json:"page,omitempty"`
	// HW is each search's high-water mark after its last finished pass.
	HW []time.Time `json:"hw"`
	// Recent maps PR keys to the updated time they were read at: the
	// seen-set that makes overlaps free and reads a PR found by two searches
	// once. Entries older than every search's window are dropped at the end
	// of a pass.
	Recent window.Seen `json:"recent,omitempty"`
	// ETags of search requests, by query string.
	ETags map[string]string `json:"etags,omitempty"`
	// Paged: the search came back unsorted by update time, so this search
	// is read page by page in windows [From, To] of at most 1,000 results,
	// split in halves when larger. Windows are those still to read; Newest
	// is the newest update seen in this search.
	Paged   bool           `json:"paged,omitempty"`
	To      time.Time      `json:"to,omitzero"`
	Windows [][2]time.Time `json:"windows,omitempty"`
	Newest  time.Time      `json:"newest,omitzero"`
	// The newest-first backfill's frontiers.
	window.Frontiers
	// Refused are the searches this GitHub refused in this pass: skipped
	// in its other windows, tried again next pass.
	Refused []int `json:"refused,omitempty"`
}

// cursorVersion 2 added the backward frontier; a version 1 cursor's
// backfill was oldest first and complete once its pass ended.
const cursorVersion = 2

func (c *Connector) decode(b connectors.Cursor) (*cursor, error) {
	cur := &cursor{V: cursorVersion}
	if !window.Decode(b, cursorVersion, cur) {
		old := &cursor{V: 1}
		if window.Decode(b, 1, old) && !old.InPass {
			// A finished oldest-first backfill: everything since since is read.
			cur, cur.V, cur.Low = old, cursorVersion, c.cfg.Since
		} else {
			// An unreadable cursor, or one mid-pass: start over; upserts are idempotent.
			cur = &cursor{V: cursorVersion}
		}
	}
	for len(cur.HW) < len(queries) {
		cur.HW = append(cur.HW, time.Time{})
	}
	if cur.Recent == nil {
		cur.Recent = window.Seen{}
	}
	if cur.ETags == nil {
		cur.ETags = map[string]string{}
	}
	return cur, nil
}

// startQuery positions the cursor at the start of search q of the pass:
// from its high-water mark on (never before the backward frontier) or, in
// the backward phase, over the backward window.
func (c *Connector) startQuery(cur *cursor, q int) {
	cur.Query, cur.Page = q, 1
	cur.Paged, cur.To, cur.Windows, cur.Newest = false, time.Time{}, nil, time.Time{}
	cur.From = cur.Frontiers.From(cur.HW[q], c.cfg.Since, c.cfg.Overlap)
	if cur.Back {
		cur.To = cur.Low
	}
}

func (c *Connector) queryString(q int, from, to time.Time) string {
	s := fmt.Sprintf("is:pr %s:%s updated:>=%s", queries[q], c.cfg.Login, from.UTC().Format(time.RFC3339))
	if !to.IsZero() {
		s = fmt.Sprintf("is:pr %s:%s updated:%s..%s", queries[q], c.cfg.Login, from.UTC().Format(time.RFC3339), to.UTC().Format(time.RFC3339))
	}
	for _, o := range c.cfg.Owners {
		s += " " + c.ownerQualifier + ":" + o
	}
	return s
}

// Fetch reads one page of one search and the PRs on it.
func (c *Connector) Fetch(ctx context.Context, raw connectors.Cursor) (page connectors.Page, err error) {
	defer c.tr.Meter(&page)()
	cur, _ := c.decode(raw)
	if !cur.InPass {
		cur.Begin(c.cfg.Since, c.clock.Now())
		cur.InPass = true
		c.startQuery(cur, 0)
	}
	defer func() {
		page.Backfill = cur.Report(c.cfg.Since, c.clock.Now())
		if !page.Backfill.To.IsZero() {
			page.Progress = page.Backfill.Progress // a backfill's progress is how far back it has reached
		}
	}()
	q := cur.Query
	if slices.Contains(cur.Refused, q) {
		c.finishQuery(cur, q, cur.From)
		page.Cursor, page.More = c.encode(cur)
		page.Progress = c.progress(cur)
		return page, nil
	}
	qs := c.queryString(q, cur.From, cur.To)
	res, etag, err := c.search(ctx, qs, cur.Page, cur.ETags[qs])
	if unprocessable(err) && len(c.cfg.Owners) > 0 && c.ownerQualifier == "user" {
		// Owners may be organisations a stricter search wants as org:.
		c.ownerQualifier = "org"
		qs = c.queryString(q, cur.From, cur.To)
		res, etag, err = c.search(ctx, qs, cur.Page, cur.ETags[qs])
	}
	if unprocessable(err) {
		// This GitHub refuses the search itself: skip it, keep the others.
		page.Problems = append(page.Problems, fmt.Sprintf("GitHub refused the search %q (%v); it is skipped in this pass", qs, err))
		cur.Refused = append(cur.Refused, q)
		c.finishQuery(cur, q, cur.From)
		page.Cursor, page.More = c.encode(cur)
		return page, nil
	}
	if err != nil {
		return page, err
	}
	if res == nil { // 304: nothing changed since this exact search last ran
		c.finishQuery(cur, q, cur.From)
		page.Cursor, page.More = c.encode(cur)
		page.Progress = c.progress(cur)
		return page, nil
	}
	if res.GetIncompleteResults() {
		page.Problems = append(page.Problems, fmt.Sprintf("GitHub search %q returned incomplete results; they are read again next pass", qs))
	}

	items := res.Issues
	read := make([]window.Item, len(items))
	for i, it := range items {
		key, owner, repo, err := keyOf(it)
		if err != nil {
			page.Problems = append(page.Problems, err.Error())
			read[i] = window.Item{Updated: it.GetUpdatedAt().Time} // dates the window, read nothing
			continue
		}
		read[i] = window.Item{Key: key, Updated: it.GetUpdatedAt().Time, Read: func(ctx context.Context) (*connectors.Artifact, string, error) {
			return c.readPR(ctx, owner, repo, it.GetNumber())
		}}
	}
	// A source's very first window is the last two weeks, which the user
	// triages first: its PRs are committed every firstReads, not after a
	// whole page of a hundred (three requests each).
	limit := 0
	if !cur.Back && cur.HW[q].IsZero() {
		limit = firstReads
	}
	sc, err := window.Scan(ctx, read, cur.From, cur.Recent, c.tr.ClampFuture, limit, &page, func() connectors.Cursor { b, _ := c.encode(cur); return b })
	if err != nil || sc.Partial {
		return page, err
	}
	c.step(cur, q, qs, res, etag, sc, &page)
	page.Cursor, page.More = c.encode(cur)
	page.Progress = c.progress(cur)
	return page, nil
}

// step moves the cursor on after a page of search q (query string qs) was
// read: to the next page or a narrower window of the same search, or, when
// the search has returned everything, to the next search.
func (c *Connector) step(cur *cursor, q int, qs string, res *gh.IssuesSearchResult, etag string, sc window.Scanned, page *connectors.Page) {
	items, newest := res.Issues, sc.Newest
	full := len(items) >= c.cfg.PerPage && res.GetTotal() > len(items)*cur.Page
	sorted := sort.SliceIsSorted(items, func(i, j int) bool { return items[i].GetUpdatedAt().Before(items[j].GetUpdatedAt().Time) })
	if !cur.Paged && full && !sorted {
		// This search ignores sort=updated: narrowing by time would skip
		// results, so read it page by page instead.
		cur.Paged = true
	}
	if cur.Paged {
		c.nextPage(cur, q, res.GetTotal(), len(items), newest, page)
		return
	}
	switch sc.Next(full, cur.From, time.Second, time.UTC) {
	case window.Narrow:
		// The next request starts at the newest time seen.
		cur.From, cur.Page = newest, 1
	case window.NextPage:
		// A whole page shares one updated time: page through it.
		cur.Page++
		if sc.Fresh == 0 && cur.Page > 1000/c.cfg.PerPage {
			page.Problems = append(page.Problems, fmt.Sprintf("more than 1,000 pull requests share the updated time %s; some may be missed", cur.From.Format(time.RFC3339)))
			c.finishQuery(cur, q, newest)
		}
	case window.Done:
		if etag != "" && cur.Page == 1 {
			// Remember the ETag of a search that returned everything in one
			// page: asked again unchanged, GitHub answers 304 for free.
			cur.ETags[qs] = etag
		}
		c.finishQuery(cur, q, newest)
	}
}

// nextPage moves a paged search on: the next page of the window; or, when
// the window holds more than the 1,000 results search will show, its two
// halves; or the next window; or the next search.
func (c *Connector) nextPage(cur *cursor, q, total, got int, newest time.Time, page *connectors.Page) {
	if newest.After(cur.Newest) {
		cur.Newest = newest
	}
	const cap = 1000
	if total > cap && cur.Page == 1 {
		to := cur.To
		if to.IsZero() {
			to = c.clock.Now().UTC().Truncate(time.Second).Add(time.Second)
		}
		if to.Sub(cur.From) > 2*time.Second {
			mid := cur.From.Add(to.Sub(cur.From) / 2).Truncate(time.Second)
			cur.Windows = append([][2]time.Time{{mid, to}}, cur.Windows...)
			cur.To = mid
			return
		}
		page.Problems = append(page.Problems, fmt.Sprintf("more than 1,000 pull requests were updated at %s; some may be missed", cur.From.Format(time.RFC3339)))
	}
	if got >= c.cfg.PerPage && cur.Page*c.cfg.PerPage < min(total, cap) {
		cur.Page++
		return
	}
	if len(cur.Windows) > 0 {
		w := cur.Windows[0]
		cur.Windows = cur.Windows[1:]
		cur.From, cur.To, cur.Page = w[0], w[1], 1
		return
	}
	c.finishQuery(cur, q, cur.Newest)
}

// progress estimates the pass's progress from the search under way and how
// far its window has moved towards now.
func (c *Connector) progress(cur *cursor) float64 {
	if !cur.InPass {
		return 1
	}
	start := window.Start(cur.HW[cur.Query], c.cfg.Since, c.cfg.Overlap)
	within := window.Progress(start, cur.From, c.clock.Now())
	return (float64(cur.Query) + within) / float64(len(queries))
}

// finishQuery ends search q at high-water hw and moves to the next search;
// after the last, to the next backward window (or, when the forward
// frontier is due, the forward searches again), or ends the pass.
func (c *Connector) finishQuery(cur *cursor, q int, hw time.Time) {
	if next, more := cur.Finish(q, len(queries), &cur.HW[q], hw, c.cfg.Since, c.clock.Now()); more {
		c.startQuery(cur, next)
		return
	}
	cur.InPass, cur.Refused = false, nil
	cur.Query, cur.Page = 0, 0
	// Keep only the ETags of the searches the next pass will send, and the
	// seen PRs its windows can return again.
	keep := map[string]string{}
	oldest := time.Time{}
	for i := range queries {
		probe := &cursor{HW: cur.HW}
		c.startQuery(probe, i)
		qs := c.queryString(i, probe.From, time.Time{})
		if e, ok := cur.ETags[qs]; ok {
			keep[qs] = e
		}
		if i == 0 || probe.From.Before(oldest) {
			oldest = probe.From
		}
	}
	cur.ETags = keep
	cur.Recent.Prune(oldest)
}

func (c *Connector) encode(cur *cursor) (connectors.Cursor, bool) {
	b, _ := json.Marshal(cur)
	return b, cur.InPass
}

// search runs one search request; a nil result means 304 Not Modified.
func (c *Connector) search(ctx context.Context, qs string, page int, etag string) (*gh.IssuesSearchResult, string, error) {
	u := fmt.Sprintf("search/issues?q=%s&sort=updated&order=asc&per_page=%d&page=%d", url.QueryEscape(qs), c.cfg.PerPage, page)
	req, err := c.api.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		return nil, "", err
	}
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	var res gh.IssuesSearchResult
	resp, err := c.api.Do(ctx, req, &res)
	if resp != nil && resp.StatusCode == http.StatusNotModified {
		return nil, etag, nil
	}
	var er *gh.ErrorResponse
	if errors.As(err, &er) && er.Response != nil && er.Response.StatusCode == http.StatusUnprocessableEntity {
		msg := er.Message
		for _, e := range er.Errors {
			msg += ": " + e.Message
		}
		return nil, "", &refusedSearch{msg}
	}
	if err != nil {
		return nil, "", c.explain(err, "search pull requests")
	}
	return &res, resp.Header.Get("ETag"), nil
}

// keyOf builds the artifact key from a search item.
func keyOf(it *gh.Issue) (key, owner, repo string, err error) {
	bad := fmt.Errorf("GitHub search returned an item without a usable repository_url (%q) or number", it.GetRepositoryURL())
	u, perr := url.Parse(it.GetRepositoryURL())
	if perr != nil {
		return "", "", "", bad
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(parts) < 3 || parts[len(parts)-3] != "repos" || it.GetNumber() == 0 || parts[len(parts)-2] == "" || parts[len(parts)-1] == "" {
		return "", "", "", bad
	}
	owner, repo = parts[len(parts)-2], parts[len(parts)-1]
	return fmt.Sprintf("github:%s/%s#%d", owner, repo, it.GetNumber()), owner, repo, nil
}

// ListAll pages through a list endpoint of go-github from page 1 to the last. A 404
// means the API has nothing to list there: an empty list, not a failure.
func ListAll[T any](page func(p int) ([]T, *gh.Response, error)) ([]T, error) {
	var out []T
	for p := 1; ; {
		items, resp, err := page(p)
		if notFound(err) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
		if resp.NextPage == 0 || resp.NextPage <= p {
			return out, nil
		}
		p = resp.NextPage
	}
}

// refusedSearch is GitHub's 422 Validation Failed for a search.
type refusedSearch struct{ msg string }

func (e *refusedSearch) Error() string { return "422 " + e.msg }

// unprocessable reports a refused search.
func unprocessable(err error) bool {
	var rs *refusedSearch
	return errors.As(err, &rs)
}

// notFound reports a 404 (or 410) from GitHub.
func notFound(err error) bool {
	var er *gh.ErrorResponse
	return errors.As(err, &er) && er.Response != nil && (er.Response.StatusCode == http.StatusNotFound || er.Response.StatusCode == http.StatusGone)
}

// explain is the client's Explain.
func (c *Connector) explain(err error, doing string) error { return c.Explain(err, doing) }

// readPR reads one PR and builds the user's artifact from it; nil when the
// user has no role on it since the configured date. A PR that is gone or
// forbidden is a problem to report, not a failure of the page.
func (c *Connector) readPR(ctx context.Context, owner, repo string, n int) (*connectors.Artifact, string, error) {
	ref := fmt.Sprintf("%s/%s#%d", owner, repo, n)
	pr, _, err := c.api.PullRequests.Get(ctx, owner, repo, n)
	if err != nil {
		var er *gh.ErrorResponse
		if errors.As(err, &er) && er.Response != nil && (er.Response.StatusCode == 404 || er.Response.StatusCode == 410 || (er.Response.StatusCode == 403 && !strings.Contains(strings.ToLower(er.Message), "rate limit"))) {
			return nil, fmt.Sprintf("skipped %s: GitHub answered %d %s", ref, er.Response.StatusCode, er.Message), nil
		}
		return nil, "", c.explain(err, "read pull request "+ref)
	}
	reviews, err := ListAll(func(p int) ([]*gh.PullRequestReview, *gh.Response, error) {
		return c.api.PullRequests.ListReviews(ctx, owner, repo, n, &gh.ListOptions{Page: p, PerPage: 100})
	})
	if err != nil {
		return nil, "", c.explain(err, "list reviews of "+ref)
	}
	author := pr.GetUser().GetLogin()
	mine := strings.EqualFold(author, c.cfg.Login)

	var reviewComments []*gh.PullRequestComment
	var issueComments []*gh.IssueComment
	if !mine && pr.GetReviewComments() > 0 {
		reviewComments, err = ListAll(func(p int) ([]*gh.PullRequestComment, *gh.Response, error) {
			return c.api.PullRequests.ListComments(ctx, owner, repo, n, &gh.PullRequestListCommentsOptions{ListOptions: gh.ListOptions{Page: p, PerPage: 100}})
		})
		if err != nil {
			return nil, "", c.explain(err, "list review comments of "+ref)
		}
	}
	if !mine && pr.GetComments() > 0 {
		issueComments, err = ListAll(func(p int) ([]*gh.IssueComment, *gh.Response, error) {
			return c.api.Issues.ListComments(ctx, owner, repo, n, &gh.IssueListCommentsOptions{ListOptions: gh.ListOptions{Page: p, PerPage: 100}})
		})
		if err != nil {
			return nil, "", c.explain(err, "list comments of "+ref)
		}
	}
	a := c.build(owner, repo, pr, reviews, reviewComments, issueComments)
	if a != nil {
		// Jira keys and links in the title, description and branch name.
		a.Activity.Refs = connectors.FindRefs(pr.GetTitle(), pr.GetBody(), pr.GetHead().GetRef())
	}
	if a != nil && c.cfg.Files {
		files, err := ListAll(func(p int) ([]*gh.CommitFile, *gh.Response, error) {
			return c.api.PullRequests.ListFiles(ctx, owner, repo, n, &gh.ListOptions{Page: p, PerPage: 100})
		})
		if err != nil {
			return nil, "", c.explain(err, "list the files of "+ref)
		}
		for _, f := range files {
			a.Activity.Paths = append(a.Activity.Paths, f.GetFilename())
		}
	}
	return a, "", nil
}

// build turns a PR and its activity into the user's artifact.
func (c *Connector) build(owner, repo string, pr *gh.PullRequest, reviews []*gh.PullRequestReview, rcs []*gh.PullRequestComment, ics []*gh.IssueComment) *connectors.Artifact {
	a := &connectors.Artifact{
		SourceType: "github",
		Key:        fmt.Sprintf("github:%s/%s#%d", owner, repo, pr.GetNumber()),
		URL:        pr.GetHTMLURL(),
		Title:      pr.GetTitle(),
		Container:  owner + "/" + repo,
		UpdatedAt:  pr.GetUpdatedAt().Time.UTC(),
		Activity: connectors.Activity{
			Additions: pr.GetAdditions(), Deletions: pr.GetDeletions(), ChangedFiles: pr.GetChangedFiles(),
			Merged: pr.GetMerged() || pr.MergedAt != nil, State: pr.GetState(), CreatedAt: pr.GetCreatedAt().Time.UTC(),
		},
	}
	if a.Activity.Merged {
		a.Activity.State = "merged"
	}
	if c.isMe(pr.GetUser()) {
		return c.authored(a, pr, reviews)
	}
	return c.reviewed(a, pr.GetUser().GetLogin(), reviews, rcs, ics)
}

func (c *Connector) isMe(u *gh.User) bool { return strings.EqualFold(u.GetLogin(), c.cfg.Login) }

// authored completes a PR the user wrote: its reviewers (who reviewed, or
// were asked to) are the counterparts; it is dated by its merge, else its
// creation; nil when that is before since.
func (c *Connector) authored(a *connectors.Artifact, pr *gh.PullRequest, reviews []*gh.PullRequestReview) *connectors.Artifact {
	a.Kind = connectors.KindPR
	a.Roles = []connectors.Role{connectors.RoleAuthor}
	seen := map[string]bool{}
	add := func(u *gh.User) {
		if l := u.GetLogin(); l != "" && !c.isMe(u) && !seen[strings.ToLower(l)] {
			seen[strings.ToLower(l)] = true
			a.Counterparts = append(a.Counterparts, connectors.Identity{System: "github", ID: l, Role: connectors.RoleReviewer})
		}
	}
	for _, r := range reviews {
		add(r.GetUser())
		if !c.isMe(r.GetUser()) && r.GetState() != "PENDING" {
			a.Activity.RoundsReceived++
		}
	}
	for _, u := range pr.RequestedReviewers {
		add(u)
	}
	a.OccurredAt = a.Activity.CreatedAt
	if pr.MergedAt != nil {
		a.OccurredAt = pr.GetMergedAt().Time.UTC()
	}
	if a.OccurredAt.Before(c.cfg.Since) {
		return nil
	}
	return a
}

// reviewed completes someone else's PR from the user's review rounds and
// comments since the since date; nil when there are none. Comment-only work
// is dated by the comments themselves.
func (c *Connector) reviewed(a *connectors.Artifact, author string, reviews []*gh.PullRequestReview, rcs []*gh.PullRequestComment, ics []*gh.IssueComment) *connectors.Artifact {
	since := c.cfg.Since
	a.Kind = connectors.KindReview
	a.Counterparts = []connectors.Identity{{System: "github", ID: author, Role: connectors.RoleAuthor}}
	var rounds []connectors.Round
	comments := 0
	reviewed, approved, changes := false, false, false
	for _, r := range reviews {
		if !c.isMe(r.GetUser()) || r.SubmittedAt == nil || r.GetSubmittedAt().Time.Before(since) || r.GetState() == "PENDING" {
			continue
		}
		state := r.GetState()
		reviewed = true
		approved = approved || state == "APPROVED"
		changes = changes || state == "CHANGES_REQUESTED"
		n := 0
		if strings.TrimSpace(r.GetBody()) != "" {
			n = 1
		}
		comments += n
		rounds = append(rounds, connectors.Round{At: r.GetSubmittedAt().Time.UTC(), State: state, Comments: n})
	}
	var commentTimes []time.Time
	addressed := 0
	for _, rc := range rcs {
		if c.isMe(rc.GetUser()) && !rc.GetCreatedAt().Time.Before(since) {
			comments++
			if rc.Position == nil && rc.OriginalPosition != nil {
				addressed++ // outdated: the lines under it changed after the comment
			}
			if !reviewed {
				commentTimes = append(commentTimes, rc.GetCreatedAt().Time.UTC())
			}
		}
	}
	commented := false
	for _, ic := range ics {
		if c.isMe(ic.GetUser()) && !ic.GetCreatedAt().Time.Before(since) {
			comments++
			commented = true
			commentTimes = append(commentTimes, ic.GetCreatedAt().Time.UTC())
		}
	}
	for _, t := range commentTimes {
		rounds = append(rounds, connectors.Round{At: t, State: "COMMENT", Comments: 1})
	}
	if len(rounds) == 0 {
		return nil
	}
	sort.SliceStable(rounds, func(i, j int) bool { return rounds[i].At.Before(rounds[j].At) })
	if reviewed {
		a.Roles = append(a.Roles, connectors.RoleReviewer)
	}
	if approved {
		a.Roles = append(a.Roles, connectors.RoleApprover)
	}
	if commented || (!reviewed && comments > 0) {
		a.Roles = append(a.Roles, connectors.RoleCommenter)
	}
	a.Activity.Rounds = rounds
	a.Activity.Comments = comments
	a.Activity.CommentsAddressed = addressed
	a.Activity.Approved = approved
	a.Activity.ChangesRequested = changes
	a.OccurredAt = rounds[len(rounds)-1].At
	slices.SortFunc(a.Roles, func(x, y connectors.Role) int { return strings.Compare(string(x), string(y)) })
	return a
}
