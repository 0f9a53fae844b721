// Package github finds the user's pull-request work on GitHub or GitHub
// Enterprise Server: every PR they reviewed or commented on (kind review)
// and every PR they authored (kind pr), within GitHub's rate limits.
//
// It writes a window.Searcher — three searches, reviewed-by:, commenter:
// and author: the user, over updated time, sorted ascending — and the
// window.Engine drives them: the newest-first backfill (the last two weeks
// first, then back to since in growing windows, new activity taken at
// least every five minutes), the high-water marks and the seen-set, and
// narrowing a window to the newest updated time of a full page, so no
// search pages past GitHub's 1,000-result cap and a backfill cut off
// anywhere resumes where it stopped. The first window's PRs are handed
// over every firstReads. Should a search come back unsorted, it is read
// page by page instead, its window split in halves until each holds under
// 1,000 results. Each PR found is read in full: the PR (author, size,
// merged, comment counts), its reviews (the user's rounds with their
// dates; the other reviewers), and, when the PR has any, its review
// comments and plain comments.
//
// The cursor also keeps each forward search's ETag: a poll with nothing
// new costs three conditional requests, answered 304, which GitHub does
// not count against the rate limit.
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
	// engine drives the searches (Search) through passes and backfills.
	engine *window.Engine
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
	c := &Connector{cfg: cfg, Client: cl, tr: cl.Tr, api: cl.API, clock: cfg.Clock, ownerQualifier: "user"}
	c.engine = &window.Engine{Version: cursorVersion, Since: cfg.Since, Overlap: cfg.Overlap, Capped: true, Precision: time.Second,
		Zone: time.UTC, Clock: cfg.Clock, Clamp: cl.Tr.ClampFuture, Upgrade: c.upgrade, FirstReads: firstReads}
	return c, nil
}

// The three searches of a pass, in order.
var queries = []string{"reviewed-by", "commenter", "author"}

// firstReads is how many PRs of a source's first window are read before
// they are committed: the first inbox fills in steps of this many, for
// one more search request per step.
const firstReads = 20

// cursorVersion is the version of the engine's cursor for GitHub: 3.
// Versions 1 and 2 were the connector's own (upgrade reads them).
const cursorVersion = 3

// maxResults is the most results a search shows, page after page.
const maxResults = 1000

// Fetch reads one page of one search and the PRs on it.
func (c *Connector) Fetch(ctx context.Context, raw connectors.Cursor) (page connectors.Page, err error) {
	defer c.tr.Meter(&page)()
	err = c.engine.Fetch(ctx, raw, c, &page)
	return page, err
}

// state is what the connector keeps in the cursor besides the engine's
// position: each search's ETag and the searches this GitHub refused.
type state struct {
	// ETags is each forward search's last query and its ETag, when that
	// query returned everything in one page: asked again unchanged,
	// GitHub answers 304 for free.
	ETags [3]etag `json:"etags"`
	// Refused are the searches refused (422) in this pass: skipped in its
	// other windows, tried again next pass.
	Refused []int `json:"refused,omitempty"`
}

type etag struct {
	Query string `json:"q,omitempty"`
	ETag  string `json:"etag,omitempty"`
}

// Begin starts a pass: the three searches, no search refused yet.
func (c *Connector) Begin(_ context.Context, raw json.RawMessage, _ *connectors.Page) (window.Plan, error) {
	var st state
	json.Unmarshal(raw, &st) // a state it cannot read starts without ETags
	st.Refused = nil
	b, _ := json.Marshal(st)
	return window.Plan{State: b, Searches: len(queries)}, nil
}

// token is a page token: the search page, and, for a search that came
// back unsorted (see Search), the window it pages through and the windows
// still to read.
type token struct {
	Page     int            `json:"p"`
	Unsorted bool           `json:"u,omitempty"`
	From     time.Time      `json:"from,omitzero"`
	To       time.Time      `json:"to,omitzero"`
	Windows  [][2]time.Time `json:"w,omitempty"`
}

// Search reads one page of search q: sorted by updated time, ascending,
// so the engine narrows the window past a full page. A search that comes
// back unsorted (some servers ignore sort=updated) is read page by page
// instead, its window split in halves until each holds under the 1,000
// results search shows.
func (c *Connector) Search(ctx context.Context, q window.Query, raw json.RawMessage) (window.Found, error) {
	var st state
	json.Unmarshal(raw, &st)
	tok := token{Page: 1, From: q.From, To: q.To}
	if q.Token != "" && json.Unmarshal([]byte(q.Token), &tok) != nil {
		return window.Found{Restart: true}, nil
	}
	if slices.Contains(st.Refused, q.Search) {
		return window.Found{}, nil
	}
	if !tok.Unsorted && tok.Page > maxResults/c.cfg.PerPage {
		return window.Found{Problems: []string{fmt.Sprintf("more than 1,000 pull requests share the updated time %s; some may be missed", q.From.Format(time.RFC3339))}}, nil
	}
	qs := c.queryString(q.Search, tok.From, tok.To)
	sent := ""
	if q.To.IsZero() && st.ETags[q.Search].Query == qs {
		sent = st.ETags[q.Search].ETag
	}
	res, tag, err := c.search(ctx, qs, tok.Page, sent)
	if unprocessable(err) && len(c.cfg.Owners) > 0 && c.ownerQualifier == "user" {
		// Owners may be organisations a stricter search wants as org:.
		c.ownerQualifier = "org"
		qs = c.queryString(q.Search, tok.From, tok.To)
		res, tag, err = c.search(ctx, qs, tok.Page, "")
	}
	if unprocessable(err) {
		// This GitHub refuses the search itself: skip it, keep the others.
		st.Refused = append(st.Refused, q.Search)
		b, _ := json.Marshal(st)
		return window.Found{State: b, Problems: []string{fmt.Sprintf("GitHub refused the search %q (%v); it is skipped in this pass", qs, err)}}, nil
	}
	if err != nil {
		return window.Found{}, err
	}
	if res == nil { // 304: nothing changed since this exact search last ran
		return window.Found{}, nil
	}
	var found window.Found
	if res.GetIncompleteResults() {
		found.Problems = append(found.Problems, fmt.Sprintf("GitHub search %q returned incomplete results; they are read again next pass", qs))
	}
	found.Items = c.items(res.Issues, &found)
	full := len(res.Issues) >= c.cfg.PerPage && res.GetTotal() > len(res.Issues)*tok.Page
	sorted := sort.SliceIsSorted(res.Issues, func(i, j int) bool { return res.Issues[i].GetUpdatedAt().Before(res.Issues[j].GetUpdatedAt().Time) })
	if !tok.Unsorted && full && !sorted {
		tok.Unsorted = true // narrowing by time would skip results: page through it instead
	}
	if tok.Unsorted {
		found.Unsorted = true
		found.Next = c.nextPage(tok, res.GetTotal(), len(res.Issues), &found)
		return found, nil
	}
	if full {
		found.Next = fmt.Sprintf(`{"p":%d}`, tok.Page+1)
	} else if tag != "" && tok.Page == 1 && q.To.IsZero() {
		st.ETags[q.Search] = etag{Query: qs, ETag: tag}
		found.State, _ = json.Marshal(st)
	}
	return found, nil
}

// items are the search's results as the engine reads them: each PR is
// read in full when its updated time is new.
func (c *Connector) items(issues []*gh.Issue, found *window.Found) []window.Item {
	read := make([]window.Item, len(issues))
	for i, it := range issues {
		key, owner, repo, err := keyOf(it)
		if err != nil {
			found.Problems = append(found.Problems, err.Error())
			read[i] = window.Item{Updated: it.GetUpdatedAt().Time} // dates the window, read nothing
			continue
		}
		read[i] = window.Item{Key: key, Updated: it.GetUpdatedAt().Time, Read: func(ctx context.Context) (*connectors.Artifact, string, error) {
			return c.readPR(ctx, owner, repo, it.GetNumber())
		}}
	}
	return read
}

// nextPage is the token after a page of an unsorted search: the next page
// of its window; or, when the window holds more than the 1,000 results
// search will show, its first half (the second waits its turn); or the
// next window; or "" when the search is done.
func (c *Connector) nextPage(tok token, total, got int, found *window.Found) string {
	next := func(t token) string { b, _ := json.Marshal(t); return string(b) }
	if total > maxResults && tok.Page == 1 {
		to := tok.To
		if to.IsZero() {
			to = c.clock.Now().UTC().Truncate(time.Second).Add(time.Second)
		}
		if to.Sub(tok.From) > 2*time.Second {
			mid := tok.From.Add(to.Sub(tok.From) / 2).Truncate(time.Second)
			tok.Windows = append([][2]time.Time{{mid, to}}, tok.Windows...)
			tok.To = mid
			return next(tok)
		}
		found.Problems = append(found.Problems, fmt.Sprintf("more than 1,000 pull requests were updated at %s; some may be missed", tok.From.Format(time.RFC3339)))
	}
	if got >= c.cfg.PerPage && tok.Page*c.cfg.PerPage < min(total, maxResults) {
		tok.Page++
		return next(tok)
	}
	if len(tok.Windows) > 0 {
		w := tok.Windows[0]
		tok.Windows, tok.From, tok.To, tok.Page = tok.Windows[1:], w[0], w[1], 1
		return next(tok)
	}
	return ""
}

// upgrade reads the connector's own cursors of versions 2 and 1 into the
// engine's position: the marks, the seen-set and the frontiers carry over
// (a version 1 cursor between passes finished an oldest-first backfill);
// a search under way starts its window's first page again (the seen-set
// makes that free). ETags start afresh: one poll pays 200s for its 304s.
func (c *Connector) upgrade(raw connectors.Cursor) (window.Position, bool) {
	var old struct {
		V      int         `json:"v"`
		InPass bool        `json:"in_pass"`
		Query  int         `json:"query"`
		From   time.Time   `json:"from"`
		HW     []time.Time `json:"hw"`
		Recent window.Seen `json:"recent"`
		window.Frontiers
	}
	if json.Unmarshal(raw, &old) != nil || (old.V != 1 && old.V != 2) || (old.V == 1 && old.InPass) {
		return window.Position{}, false
	}
	if old.V == 1 {
		old.Low, old.Back, old.BackFrom = c.cfg.Since, false, time.Time{}
	}
	return window.Position{InPass: old.InPass, Search: old.Query, From: old.From, HW: old.HW, Seen: old.Recent, Frontiers: old.Frontiers}, true
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
