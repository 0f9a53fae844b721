// Package githubtest is a fake GitHub REST API for tests and the demo. It serves
// the payload shapes of GitHub's own examples (testdata/) over the data it
// holds, and behaves like GitHub where a client can get it wrong: search
// qualifiers that really filter, sort=updated, the 1,000-result cap,
// per_page and Link-header pagination, ETag and 304 (which cost no rate
// limit), primary and search rate limits with their headers, and injected
// faults (secondary limits, 429, 5xx, malformed bodies).
package githubtest

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/evident-sync/evident/connectors"
	"github.com/evident-sync/evident/connectors/connectorstest"
)

//go:embed testdata/*.json
var payloads embed.FS

// PR is a pull request the fake holds.
type PR struct {
	Owner, Repo  string
	Number       int
	Title        string
	Author       string
	State        string // open or closed
	Merged       bool
	CreatedAt    time.Time
	UpdatedAt    time.Time
	MergedAt     time.Time
	Additions    int
	Deletions    int
	ChangedFiles int
	Reviewers    []string // requested reviewers still pending
	Reviews      []Review
	// ReviewComments are inline comments; IssueComments are plain PR comments.
	ReviewComments []Comment
	IssueComments  []Comment
	// Files are the paths the PR changed.
	Files []string
	// Body is the PR's description; Branch its head branch's name.
	Body, Branch string
}

// Review is one submitted review round.
type Review struct {
	User        string
	State       string // APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED
	Body        string
	SubmittedAt time.Time
}

// Comment is one comment.
type Comment struct {
	User      string
	Body      string
	CreatedAt time.Time
	// Outdated: an inline review comment whose lines changed after it (the
	// author acted on it): GitHub sends position null, original_position set.
	Outdated bool
}

// Key is "owner/repo#n".
func (p *PR) Key() string { return fmt.Sprintf("%s/%s#%d", p.Owner, p.Repo, p.Number) }

// Fault is a response given instead of the real one (see package fault).
type Fault = connectorstest.Fault

// Server is the fake. Create it with New, fill PRs, serve Handler().
type Server struct {
	Clock connectors.Clock
	// Token, when set, must come as "Authorization: Bearer TOKEN" or "token TOKEN".
	Token string
	// CoreLimit and SearchLimit are the primary budgets (per hour, per minute).
	CoreLimit, SearchLimit int
	// Files are repository files for the contents API: "owner/repo" -> path -> content.
	Files map[string]map[string]string
	// FileCommits are the commits touching each file: "owner/repo" -> path -> commits, newest first.
	FileCommits map[string]map[string][]FileCommit
	// Teams are each organisation's teams.
	Teams map[string][]Team
	// IgnoreSort makes search ignore sort=updated and return results in
	// number order, as a cruder API might.
	IgnoreSort bool

	mu        sync.Mutex
	prs       map[string]*PR
	faults    connectorstest.Faults
	core      budget
	search    budget
	hits      map[string]int // endpoint -> requests
	notModded int
}

// FileCommit is one commit that touched a file.
type FileCommit struct {
	SHA     string
	Author  string // GitHub login
	Date    time.Time
	Message string
	PR      int // the pull request it came from, 0 if none
}

type budget struct {
	remaining int
	reset     time.Time
}

// New returns an empty fake on clock.
func New(clock connectors.Clock) *Server {
	return &Server{Clock: clock, CoreLimit: 5000, SearchLimit: 30, prs: map[string]*PR{}, hits: map[string]int{}}
}

// Add stores or replaces pull requests.
func (s *Server) Add(prs ...*PR) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range prs {
		s.prs[p.Key()] = p
	}
}

// Update changes a stored PR under the lock.
func (s *Server) Update(key string, fn func(*PR)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fn(s.prs[key])
}

// Inject queues a fault.
func (s *Server) Inject(f Fault) { s.faults.Add(f) }

// Hits returns how many requests each endpoint got ("search", "pull",
// "reviews", "review-comments", "issue-comments", ...) and in all ("total").
// 304s count under "not-modified" too.
func (s *Server) Hits() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]int{}
	for k, v := range s.hits {
		out[k] = v
	}
	out["not-modified"] = s.notModded
	return out
}

// ResetHits zeroes the counters.
func (s *Server) ResetHits() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hits = map[string]int{}
	s.notModded = 0
}

var (
	reSearch      = regexp.MustCompile(`^/search/issues$`)
	rePull        = regexp.MustCompile(`^/repos/([^/]+)/([^/]+)/pulls/(\d+)$`)
	rePullReviews = regexp.MustCompile(`^/repos/([^/]+)/([^/]+)/pulls/(\d+)/reviews$`)
	rePullComms   = regexp.MustCompile(`^/repos/([^/]+)/([^/]+)/pulls/(\d+)/comments$`)
	reIssueComms  = regexp.MustCompile(`^/repos/([^/]+)/([^/]+)/issues/(\d+)/comments$`)
	rePulls       = regexp.MustCompile(`^/repos/([^/]+)/([^/]+)/pulls$`)
	reContents    = regexp.MustCompile(`^/repos/([^/]+)/([^/]+)/contents(?:/(.*))?$`)
	reCommits     = regexp.MustCompile(`^/repos/([^/]+)/([^/]+)/commits$`)
	reCommitPulls = regexp.MustCompile(`^/repos/([^/]+)/([^/]+)/commits/([0-9a-f]+)/pulls$`)
)

// Handler serves the API at the root path (use the server's URL + "/" as
// the client's base URL) and under /api/v3/ (GitHub Enterprise Server).
func (s *Server) Handler() http.Handler {
	return http.HandlerFunc(s.serve)
}

type reply struct {
	status int
	body   any
	header http.Header
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	// The server's clock, as real services send it: clients read skew from it.
	w.Header().Set("Date", s.Clock.Now().UTC().Format(http.TimeFormat))
	path := strings.TrimPrefix(r.URL.Path, "/api/v3")
	if r.Method != http.MethodGet {
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"}, nil)
		return
	}
	if s.Token != "" {
		auth := r.Header.Get("Authorization")
		if auth != "Bearer "+s.Token && auth != "token "+s.Token {
			writeJSON(w, http.StatusUnauthorized, map[string]string{"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest", "status": "401"}, nil)
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	endpoint, res := s.route(path)
	s.hits[endpoint]++
	s.hits["total"]++
	if s.faults.Serve(w, r, "application/json; charset=utf-8") {
		return
	}
	b := &s.core
	limit, window := s.CoreLimit, time.Hour
	if res == "search" {
		b, limit, window = &s.search, s.SearchLimit, time.Minute
	}
	now := s.Clock.Now()
	if !b.reset.After(now) {
		b.remaining, b.reset = limit, now.Add(window)
	}
	rl := http.Header{}
	rl.Set("X-RateLimit-Limit", strconv.Itoa(limit))
	rl.Set("X-RateLimit-Resource", res)
	rl.Set("X-RateLimit-Reset", strconv.FormatInt(b.reset.Unix(), 10))
	if b.remaining <= 0 {
		rl.Set("X-RateLimit-Remaining", "0")
		rl.Set("X-RateLimit-Used", strconv.Itoa(limit))
		writeJSON(w, http.StatusForbidden, map[string]string{
			"message":           "API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, please include the request ID.",
			"documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
		}, rl)
		return
	}
	rep := s.handle(r, path, endpoint)
	body, _ := json.Marshal(rep.body)
	etag := ""
	if rep.status == http.StatusOK {
		sum := sha256.Sum256(body)
		etag = `W/"` + hex.EncodeToString(sum[:16]) + `"`
		if inm := r.Header.Get("If-None-Match"); inm != "" && inm == etag {
			// A 304 costs no rate limit.
			s.notModded++
			rl.Set("X-RateLimit-Remaining", strconv.Itoa(b.remaining))
			rl.Set("ETag", etag)
			for k, v := range rl {
				w.Header()[k] = v
			}
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	b.remaining--
	rl.Set("X-RateLimit-Remaining", strconv.Itoa(b.remaining))
	rl.Set("X-RateLimit-Used", strconv.Itoa(limit-b.remaining))
	if etag != "" {
		rl.Set("ETag", etag)
	}
	for k, v := range rep.header {
		rl[k] = v
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	for k, v := range rl {
		w.Header()[k] = v
	}
	w.WriteHeader(rep.status)
	w.Write(body)
}

func (s *Server) route(path string) (endpoint, resource string) {
	switch {
	case reSearch.MatchString(path):
		return "search", "search"
	case rePullReviews.MatchString(path):
		return "reviews", "core"
	case rePullComms.MatchString(path):
		return "review-comments", "core"
	case reIssueComms.MatchString(path):
		return "issue-comments", "core"
	case rePull.MatchString(path):
		return "pull", "core"
	case rePulls.MatchString(path):
		return "pulls", "core"
	case reContents.MatchString(path):
		return "contents", "core"
	case reCommits.MatchString(path):
		return "commits", "core"
	case reCommitPulls.MatchString(path):
		return "commit-pulls", "core"
	case rePullFiles.MatchString(path):
		return "files", "core"
	case strings.HasPrefix(path, "/orgs/"):
		return "teams", "core"
	}
	return strings.TrimPrefix(path, "/"), "core"
}

func writeJSON(w http.ResponseWriter, status int, v any, h http.Header) {
	for k, vs := range h {
		w.Header()[k] = vs
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func notFound() reply {
	return reply{status: http.StatusNotFound, body: map[string]string{"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}}
}

func unprocessable(msg string) reply {
	return reply{status: http.StatusUnprocessableEntity, body: map[string]any{
		"message": "Validation Failed", "errors": []map[string]string{{"message": msg, "resource": "Search", "field": "q", "code": "invalid"}},
		"documentation_url": "https://docs.github.com/v3/search/"}}
}

func (s *Server) handle(r *http.Request, path, endpoint string) reply {
	q := r.URL.Query()
	switch endpoint {
	case "search":
		return s.searchIssues(r, q)
	case "rate_limit":
		return s.rateLimit()
	case "user":
		u := template("user.json")
		u["login"] = "evident-user"
		return reply{status: 200, body: u}
	case "contents", "commits", "pulls", "commit-pulls":
		return s.repoFiles(r, path, endpoint, q)
	case "files", "teams":
		if rep, ok := s.teamsAndFiles(r, path); ok {
			return rep
		}
		return notFound()
	}
	var m []string
	for _, re := range []*regexp.Regexp{rePullReviews, rePullComms, reIssueComms, rePull} {
		if m = re.FindStringSubmatch(path); m != nil {
			break
		}
	}
	if m == nil {
		return notFound()
	}
	pr := s.prs[fmt.Sprintf("%s/%s#%s", m[1], m[2], m[3])]
	if pr == nil {
		return notFound()
	}
	base := "http://" + r.Host
	switch endpoint {
	case "pull":
		return reply{status: 200, body: s.pullJSON(base, pr)}
	case "reviews":
		var out []any
		for i, rv := range pr.Reviews {
			out = append(out, s.reviewJSON(base, pr, i, rv))
		}
		return s.paginate(r, out)
	case "review-comments":
		var out []any
		for i, c := range pr.ReviewComments {
			out = append(out, s.commentJSON(base, pr, i, c, "pulls-list-review-comments.json"))
		}
		return s.paginate(r, out)
	case "issue-comments":
		var out []any
		for i, c := range pr.IssueComments {
			out = append(out, s.commentJSON(base, pr, i, c, "issues-list-comments.json"))
		}
		return s.paginate(r, out)
	}
	return notFound()
}

// paginate serves one page of items with GitHub's Link header.
func (s *Server) paginate(r *http.Request, items []any) reply {
	q := r.URL.Query()
	per := 30
	if v, err := strconv.Atoi(q.Get("per_page")); err == nil && v > 0 {
		per = min(v, 100)
	}
	page := 1
	if v, err := strconv.Atoi(q.Get("page")); err == nil && v > 0 {
		page = v
	}
	last := max(1, (len(items)+per-1)/per)
	lo, hi := min((page-1)*per, len(items)), min(page*per, len(items))
	out := items[lo:hi]
	if out == nil {
		out = []any{}
	}
	h := http.Header{}
	if link := linkHeader(r, page, last); link != "" {
		h.Set("Link", link)
	}
	return reply{status: 200, body: out, header: h}
}

func linkHeader(r *http.Request, page, last int) string {
	at := func(p int) string {
		u := url.URL{Scheme: "http", Host: r.Host, Path: r.URL.Path}
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(p))
		u.RawQuery = q.Encode()
		return u.String()
	}
	var parts []string
	if page < last {
		parts = append(parts, fmt.Sprintf(`<%s>; rel="next"`, at(page+1)), fmt.Sprintf(`<%s>; rel="last"`, at(last)))
	}
	if page > 1 {
		parts = append(parts, fmt.Sprintf(`<%s>; rel="prev"`, at(page-1)), fmt.Sprintf(`<%s>; rel="first"`, at(1)))
	}
	return strings.Join(parts, ", ")
}

func (s *Server) rateLimit() reply {
	rl := template("rate-limit.json")
	now := s.Clock.Now()
	set := func(b budget, limit int) map[string]any {
		rem := b.remaining
		if !b.reset.After(now) {
			rem = limit
		}
		return map[string]any{"limit": limit, "used": limit - rem, "remaining": rem, "reset": b.reset.Unix()}
	}
	res := rl["resources"].(map[string]any)
	res["core"] = set(s.core, s.CoreLimit)
	res["search"] = set(s.search, s.SearchLimit)
	rl["rate"] = res["core"]
	return reply{status: 200, body: rl}
}

// template returns a fresh copy of a fixture body (the first element of a list).
func template(name string) map[string]any {
	b, err := payloads.ReadFile("testdata/" + name)
	if err != nil {
		panic(err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		panic(err)
	}
	if l, ok := v.([]any); ok {
		v = l[0]
	}
	return v.(map[string]any)
}

func userJSON(login string) map[string]any {
	u := template("pulls-list-reviews.json")["user"].(map[string]any)
	u["login"] = login
	u["id"] = int(crc(login))
	u["url"] = "https://api.github.com/users/" + login
	u["html_url"] = "https://github.com/" + login
	return u
}

func crc(s string) uint32 {
	sum := sha256.Sum256([]byte(s))
	return uint32(sum[0])<<16 | uint32(sum[1])<<8 | uint32(sum[2])
}

func ts(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(time.RFC3339)
}

func (s *Server) pullJSON(base string, p *PR) map[string]any {
	j := template("pulls-get.json")
	api := fmt.Sprintf("%s/repos/%s/%s", base, p.Owner, p.Repo)
	j["url"] = fmt.Sprintf("%s/pulls/%d", api, p.Number)
	j["html_url"] = fmt.Sprintf("https://github.com/%s/%s/pull/%d", p.Owner, p.Repo, p.Number)
	j["number"] = p.Number
	j["id"] = int(crc(p.Key()))
	j["title"] = p.Title
	j["user"] = userJSON(p.Author)
	j["body"] = p.Body
	if head, ok := j["head"].(map[string]any); ok && p.Branch != "" {
		head["ref"], head["label"] = p.Branch, p.Author+":"+p.Branch
	}
	state := p.State
	if state == "" {
		state = "open"
	}
	j["state"] = state
	j["created_at"], j["updated_at"], j["merged_at"] = ts(p.CreatedAt), ts(p.UpdatedAt), ts(p.MergedAt)
	if p.Merged {
		j["closed_at"] = ts(p.MergedAt)
	} else {
		j["closed_at"] = nil
	}
	j["merged"] = p.Merged
	j["comments"] = len(p.IssueComments)
	j["review_comments"] = len(p.ReviewComments)
	j["additions"], j["deletions"], j["changed_files"] = p.Additions, p.Deletions, p.ChangedFiles
	var rr []any
	for _, r := range p.Reviewers {
		rr = append(rr, userJSON(r))
	}
	if rr == nil {
		rr = []any{}
	}
	j["requested_reviewers"] = rr
	j["requested_teams"] = []any{}
	base0 := j["base"].(map[string]any)
	repo := base0["repo"].(map[string]any)
	repo["name"], repo["full_name"] = p.Repo, p.Owner+"/"+p.Repo
	repo["owner"] = userJSON(p.Owner)
	return j
}

func (s *Server) reviewJSON(base string, p *PR, i int, r Review) map[string]any {
	j := template("pulls-list-reviews.json")
	j["id"] = int(crc(p.Key()))*100 + i
	j["user"] = userJSON(r.User)
	j["body"] = r.Body
	j["state"] = r.State
	j["submitted_at"] = ts(r.SubmittedAt)
	j["html_url"] = fmt.Sprintf("https://github.com/%s/%s/pull/%d#pullrequestreview-%d", p.Owner, p.Repo, p.Number, j["id"])
	j["pull_request_url"] = fmt.Sprintf("%s/repos/%s/%s/pulls/%d", base, p.Owner, p.Repo, p.Number)
	return j
}

func (s *Server) commentJSON(base string, p *PR, i int, c Comment, tmpl string) map[string]any {
	j := template(tmpl)
	j["id"] = int(crc(p.Key()))*1000 + i
	j["user"] = userJSON(c.User)
	j["body"] = c.Body
	j["created_at"], j["updated_at"] = ts(c.CreatedAt), ts(c.CreatedAt)
	if _, inline := j["original_position"]; inline && c.Outdated {
		j["position"] = nil
	}
	return j
}

// parseSearch reads the qualifiers the fake understands; anything else is
// refused as GitHub refuses it (422).
func parseSearch(query string) (match []func(*PR) bool, owners []string, refused error) {
	for _, tok := range strings.Fields(query) {
		k, v, ok := strings.Cut(tok, ":")
		if !ok {
			return nil, nil, errors.New("free text search is not supported by the fake: " + tok)
		}
		v = strings.TrimPrefix(v, "@")
		switch k {
		case "is", "type":
			if v != "pr" && v != "pull-request" {
				return nil, nil, errors.New("the fake holds pull requests only")
			}
		case "author":
			match = append(match, func(p *PR) bool { return strings.EqualFold(p.Author, v) })
		case "reviewed-by":
			match = append(match, func(p *PR) bool {
				return slices.ContainsFunc(p.Reviews, func(rv Review) bool { return strings.EqualFold(rv.User, v) })
			})
		case "commenter":
			match = append(match, func(p *PR) bool { return commented(p, v) })
		case "involves":
			match = append(match, func(p *PR) bool {
				return strings.EqualFold(p.Author, v) || commented(p, v) ||
					slices.ContainsFunc(p.Reviews, func(rv Review) bool { return strings.EqualFold(rv.User, v) })
			})
		case "user", "org":
			owners = append(owners, strings.ToLower(v))
		case "repo":
			match = append(match, func(p *PR) bool { return strings.EqualFold(p.Owner+"/"+p.Repo, v) })
		case "updated":
			f, err := timeFilter(v)
			if err != nil {
				return nil, nil, errors.New(err.Error())
			}
			match = append(match, func(p *PR) bool { return f(p.UpdatedAt) })
		default:
			return nil, nil, errors.New("qualifier " + k + " is not supported by the fake")
		}
	}
	return match, owners, nil
}

// searchIssues implements the qualifiers evident uses: is:pr, author:,
// reviewed-by:, commenter:, involves:, user:/org: (several are ORed), repo:,
// and updated: with >=, >, <=, < and A..B over dates or date-times. It
// sorts by updated when asked, pages with per_page (max 100) and refuses
// pages beyond the first 1,000 results as GitHub does.
func (s *Server) searchIssues(r *http.Request, q url.Values) reply {
	match, owners, err := parseSearch(q.Get("q"))
	if err != nil {
		return unprocessable(err.Error())
	}
	var hits []*PR
	for _, p := range s.prs {
		if len(owners) > 0 && !slices.Contains(owners, strings.ToLower(p.Owner)) {
			continue
		}
		ok := true
		for _, m := range match {
			if !m(p) {
				ok = false
				break
			}
		}
		if ok {
			hits = append(hits, p)
		}
	}
	// GitHub's default is best match; evident asks for sort=updated.
	sort.Slice(hits, func(i, j int) bool {
		if !hits[i].UpdatedAt.Equal(hits[j].UpdatedAt) {
			return hits[i].UpdatedAt.Before(hits[j].UpdatedAt)
		}
		return hits[i].Key() < hits[j].Key()
	})
	if q.Get("sort") == "updated" && q.Get("order") != "asc" {
		slices.Reverse(hits)
	}
	if s.IgnoreSort {
		sort.Slice(hits, func(i, j int) bool { return hits[i].Number < hits[j].Number })
	}
	per := 30
	if v, err := strconv.Atoi(q.Get("per_page")); err == nil && v > 0 {
		per = min(v, 100)
	}
	page := 1
	if v, err := strconv.Atoi(q.Get("page")); err == nil && v > 0 {
		page = v
	}
	if (page-1)*per >= 1000 {
		return unprocessable("Only the first 1000 search results are available")
	}
	visible := hits[:min(len(hits), 1000)]
	lo, hi := min((page-1)*per, len(visible)), min(page*per, len(visible))
	res := template("search-issues.json")
	res["total_count"] = len(hits)
	res["incomplete_results"] = false
	delete(res, "search_type")
	items := []any{}
	base := "http://" + r.Host
	for _, p := range visible[lo:hi] {
		items = append(items, s.searchItem(base, p))
	}
	res["items"] = items
	last := max(1, (len(visible)+per-1)/per)
	h := http.Header{}
	if link := linkHeader(r, page, last); link != "" {
		h.Set("Link", link)
	}
	return reply{status: 200, body: res, header: h}
}

func commented(p *PR, login string) bool {
	has := func(cs []Comment) bool {
		return slices.ContainsFunc(cs, func(c Comment) bool { return strings.EqualFold(c.User, login) })
	}
	return has(p.IssueComments) || has(p.ReviewComments)
}

func (s *Server) searchItem(base string, p *PR) map[string]any {
	j := template("search-issues.json")["items"].([]any)[0].(map[string]any)
	api := fmt.Sprintf("%s/repos/%s/%s", base, p.Owner, p.Repo)
	j["url"] = fmt.Sprintf("%s/issues/%d", api, p.Number)
	j["repository_url"] = api
	j["comments_url"] = fmt.Sprintf("%s/issues/%d/comments", api, p.Number)
	j["html_url"] = fmt.Sprintf("https://github.com/%s/%s/pull/%d", p.Owner, p.Repo, p.Number)
	j["id"] = int(crc(p.Key()))
	j["number"] = p.Number
	j["title"] = p.Title
	j["user"] = userJSON(p.Author)
	j["state"] = map[bool]string{true: "closed", false: "open"}[p.Merged || p.State == "closed"]
	j["comments"] = len(p.IssueComments)
	j["created_at"], j["updated_at"] = ts(p.CreatedAt), ts(p.UpdatedAt)
	j["closed_at"] = ts(p.MergedAt)
	j["pull_request"] = map[string]any{
		"url":       fmt.Sprintf("%s/pulls/%d", api, p.Number),
		"html_url":  j["html_url"],
		"diff_url":  j["html_url"].(string) + ".diff",
		"patch_url": j["html_url"].(string) + ".patch",
		"merged_at": ts(p.MergedAt),
	}
	delete(j, "type")
	return j
}

// timeFilter parses the value of an updated: qualifier.
func timeFilter(v string) (func(time.Time) bool, error) {
	parse := func(s string) (time.Time, bool, error) {
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			return t, false, nil
		}
		if t, err := time.Parse(time.DateOnly, s); err == nil {
			return t, true, nil
		}
		return time.Time{}, false, fmt.Errorf("%q is not a date or date-time", s)
	}
	if a, b, ok := strings.Cut(v, ".."); ok {
		from, _, err := parse(a)
		if err != nil {
			return nil, err
		}
		to, day, err := parse(b)
		if err != nil {
			return nil, err
		}
		if day {
			to = to.Add(24*time.Hour - time.Nanosecond)
		}
		return func(t time.Time) bool { return !t.Before(from) && !t.After(to) }, nil
	}
	for _, op := range []string{">=", "<=", ">", "<"} {
		if rest, ok := strings.CutPrefix(v, op); ok {
			at, day, err := parse(rest)
			if err != nil {
				return nil, err
			}
			end := at
			if day {
				end = at.Add(24*time.Hour - time.Nanosecond)
			}
			switch op {
			case ">=":
				return func(t time.Time) bool { return !t.Before(at) }, nil
			case ">":
				return func(t time.Time) bool { return t.After(end) }, nil
			case "<=":
				return func(t time.Time) bool { return !t.After(end) }, nil
			default:
				return func(t time.Time) bool { return t.Before(at) }, nil
			}
		}
	}
	at, day, err := parse(v)
	if err != nil {
		return nil, err
	}
	if day {
		return func(t time.Time) bool { return !t.Before(at) && t.Before(at.Add(24*time.Hour)) }, nil
	}
	return func(t time.Time) bool { return t.Equal(at) }, nil
}
