// Package confluencetest is a fake Confluence, Cloud or Data Center, as
// strict as the real one where evident depends on it: the v1 REST
// resources under /wiki/rest/api (Cloud) or /rest/api (Data Center) for
// CQL content search (Cloud pages by an opaque _links.next cursor and
// refuses start; Data Center pages by start), content with expansions
// (fields not asked for are only named under _expandable), a page's
// versions and comments (footer and inline), and the current user;
// results capped per page as the services cap them; basic auth with email
// and API token (Cloud) or a bearer PAT (Data Center); a Date header;
// scripted faults (429 with Retry-After, 5xx). The bodies follow the
// schemas of Atlassian's published Confluence REST API description (see
// testdata/schemas.json and its README).
package confluencetest

import (
	"encoding/base64"
	"encoding/json"
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

// Deployments.
const (
	Cloud      = "cloud"
	DataCenter = "server"
)

// User is an Atlassian account: AccountID on Cloud, Username and UserKey
// on Data Center.
type User struct {
	AccountID, Username, UserKey, DisplayName string
}

// Version is one edit of a page.
type Version struct {
	By   string // a user's id (AccountID or Username)
	When time.Time
}

// Comment is a footer or inline comment on a page.
type Comment struct {
	ID       string
	By       string
	When     time.Time
	Location string // footer (default) or inline
}

// Page is a Confluence page. Its first version is its creation.
type Page struct {
	ID, Space, Title string
	Labels           []string
	Versions         []Version // oldest first; Versions[0] is the creation
	Comments         []Comment
	Body             string // storage format (XHTML with ac:/ri: elements)
}

// Server is the fake.
type Server struct {
	Deployment string
	Email      string // Cloud: the account's email for basic auth
	Token      string
	Clock      connectors.Clock
	// Me is the user the token belongs to; Users names everyone.
	Me    User
	Users []User

	mu     sync.Mutex
	pages  map[string]*Page
	hits   map[string]int
	faults connectorstest.Faults
	base   string // the URL the fake is served at, for _links.base
}

// New returns an empty fake.
func New(deployment string, me User, clock connectors.Clock) *Server {
	return &Server{Deployment: deployment, Me: me, Users: []User{me}, Clock: clock, pages: map[string]*Page{}, hits: map[string]int{}}
}

// Add stores or replaces pages.
func (s *Server) Add(pages ...*Page) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range pages {
		s.pages[p.ID] = p
	}
}

// Update changes a page under the lock.
func (s *Server) Update(id string, fn func(*Page)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fn(s.pages[id])
}

// Inject queues a fault.
func (s *Server) Inject(f connectorstest.Fault) { s.faults.Add(f) }

// Hits counts requests by endpoint (search, content, version, comment,
// user) and in all (total).
func (s *Server) Hits() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]int{}
	for k, v := range s.hits {
		out[k] = v
	}
	return out
}

// ResetHits zeroes the counters.
func (s *Server) ResetHits() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hits = map[string]int{}
}

// searchCap is the most results a search page holds: Cloud allows 25 with
// expansions, Data Center (this fake) 20.
func (s *Server) searchCap() int {
	if s.Deployment == Cloud {
		return 25
	}
	return 20
}

// prefix is where the API lives: /wiki/rest/api on Cloud.
func (s *Server) prefix() string {
	if s.Deployment == Cloud {
		return "/wiki/rest/api/"
	}
	return "/rest/api/"
}

var (
	reSearch  = regexp.MustCompile(`^content/search$`)
	reContent = regexp.MustCompile(`^content/([^/]+)$`)
	reVersion = regexp.MustCompile(`^content/([^/]+)/version$`)
	reComment = regexp.MustCompile(`^content/([^/]+)/child/comment$`)
	reUser    = regexp.MustCompile(`^user/current$`)
	reUserBy  = regexp.MustCompile(`^user$`)
)

// Handler serves the fake.
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serve) }

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Date", s.Clock.Now().UTC().Format(http.TimeFormat))
	s.mu.Lock()
	if s.base == "" {
		s.base = "http://" + r.Host
		if s.Deployment == Cloud {
			s.base += "/wiki"
		}
	}
	rest, ok := strings.CutPrefix(r.URL.Path, s.prefix())
	ep := "other"
	for _, e := range []struct {
		name string
		re   *regexp.Regexp
	}{{"search", reSearch}, {"version", reVersion}, {"comment", reComment}, {"user", reUser}, {"user-by", reUserBy}, {"content", reContent}} {
		if ok && e.re.MatchString(rest) {
			ep = e.name
			break
		}
	}
	s.hits[ep]++
	s.hits["total"]++
	s.mu.Unlock()
	if !s.authorised(r) {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"statusCode": 401, "message": "Current user not permitted to use Confluence", "reason": "Unauthorized"})
		return
	}
	if s.faults.Serve(w, r, "application/json") {
		return
	}
	if r.Method != http.MethodGet {
		writeJSON(w, http.StatusMethodNotAllowed, map[string]any{"statusCode": 405, "message": "the fake serves GET only"})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	q := r.URL.Query()
	switch ep {
	case "user":
		writeJSON(w, 200, s.user(s.Me))
	case "user-by":
		// GET /rest/api/user?key=KEY (Data Center), ?accountId=ID (Cloud),
		// ?username=NAME: a user no one else mentions is 404.
		for _, u := range s.Users {
			if k := q.Get("key"); k != "" && u.UserKey == k || q.Get("accountId") != "" && u.AccountID == q.Get("accountId") || q.Get("username") != "" && u.Username == q.Get("username") {
				writeJSON(w, 200, s.user(u))
				return
			}
		}
		writeJSON(w, http.StatusNotFound, map[string]any{"statusCode": 404, "message": "No user found with key: " + q.Get("key")})
	case "search":
		s.search(w, q)
	case "content":
		p := s.pages[reContent.FindStringSubmatch(rest)[1]]
		if p == nil {
			notFound(w)
			return
		}
		writeJSON(w, 200, s.pageJSON(p, expansions(q)))
	case "version":
		p := s.pages[reVersion.FindStringSubmatch(rest)[1]]
		if p == nil {
			notFound(w)
			return
		}
		var out []any
		for i, v := range p.Versions {
			out = append(out, s.versionJSON(v, i+1))
		}
		s.list(w, r, q, out, 200)
	case "comment":
		p := s.pages[reComment.FindStringSubmatch(rest)[1]]
		if p == nil {
			notFound(w)
			return
		}
		var out []any
		for _, c := range p.Comments {
			out = append(out, s.commentJSON(p, c, expansions(q)))
		}
		s.list(w, r, q, out, 25)
	default:
		notFound(w)
	}
}

func (s *Server) authorised(r *http.Request) bool {
	h := r.Header.Get("Authorization")
	if s.Deployment == Cloud {
		user, pass, ok := r.BasicAuth()
		return ok && user == s.Email && pass == s.Token
	}
	return h == "Bearer "+s.Token
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func notFound(w http.ResponseWriter) {
	writeJSON(w, http.StatusNotFound, map[string]any{"statusCode": 404, "message": "No content found with id", "reason": "Not Found"})
}

// badRequest answers 400 with Confluence's message shape (capitalised, as
// it writes them).
func badRequest(w http.ResponseWriter, msg string) {
	if msg != "" {
		msg = strings.ToUpper(msg[:1]) + msg[1:]
	}
	writeJSON(w, http.StatusBadRequest, map[string]any{"statusCode": 400, "message": msg, "reason": "Bad Request"})
}

// expansions are the fields expand asks for, with their parents
// (history.lastUpdated expands history too).
func expansions(q url.Values) map[string]bool {
	out := map[string]bool{}
	for _, e := range strings.Split(q.Get("expand"), ",") {
		parts := strings.Split(strings.TrimSpace(e), ".")
		for i := range parts {
			if k := strings.Join(parts[:i+1], "."); k != "" {
				out[k] = true
			}
		}
	}
	return out
}

func (s *Server) find(id string) User {
	for _, u := range s.Users {
		if u.AccountID == id || u.Username == id || u.UserKey == id {
			return u
		}
	}
	return User{AccountID: id, Username: id, DisplayName: id}
}

// user is a user as the deployment shows one.
func (s *Server) user(u User) map[string]any {
	j := map[string]any{"type": "known", "displayName": u.DisplayName, "_expandable": map[string]any{"operations": "", "personalSpace": ""},
		"_links": map[string]any{"self": s.base + "/rest/api/user?accountId=" + u.AccountID}}
	if s.Deployment == Cloud {
		j["accountId"], j["accountType"], j["publicName"] = u.AccountID, "atlassian", u.DisplayName
	} else {
		j["username"], j["userKey"] = u.Username, u.UserKey
	}
	return j
}

func (s *Server) userOf(id string) map[string]any { return s.user(s.find(id)) }

func (s *Server) versionJSON(v Version, n int) map[string]any {
	return map[string]any{"by": s.userOf(v.By), "when": v.When.UTC().Format("2006-01-02T15:04:05.000Z"), "number": n, "minorEdit": false,
		"_expandable": map[string]any{"content": ""}, "_links": map[string]any{}}
}

// pageJSON is a page with what expand asks for; the rest under _expandable.
func (s *Server) pageJSON(p *Page, exp map[string]bool) map[string]any {
	j := map[string]any{"id": p.ID, "type": "page", "status": "current", "title": p.Title,
		"_links": map[string]any{"webui": "/spaces/" + p.Space + "/pages/" + p.ID, "self": s.base + "/rest/api/content/" + p.ID, "base": s.base}}
	expandable := map[string]any{"container": "/rest/api/space/" + p.Space, "children": "", "descendants": "", "restrictions": "", "ancestors": "", "operations": ""}
	last := p.Versions[len(p.Versions)-1]
	if exp["space"] {
		j["space"] = map[string]any{"id": len(p.Space), "key": p.Space, "name": p.Space, "type": "global", "status": "current", "_links": map[string]any{}, "_expandable": map[string]any{}}
	} else {
		expandable["space"] = "/rest/api/space/" + p.Space
	}
	if exp["history"] {
		h := map[string]any{"latest": true, "createdBy": s.userOf(p.Versions[0].By), "createdDate": p.Versions[0].When.UTC().Format("2006-01-02T15:04:05.000Z"),
			"_links": map[string]any{}}
		if exp["history.lastUpdated"] {
			h["lastUpdated"] = s.versionJSON(last, len(p.Versions))
		} else {
			h["_expandable"] = map[string]any{"lastUpdated": "", "previousVersion": "", "contributors": "", "nextVersion": ""}
		}
		j["history"] = h
	} else {
		expandable["history"] = "/rest/api/content/" + p.ID + "/history"
	}
	if exp["version"] {
		j["version"] = s.versionJSON(last, len(p.Versions))
	} else {
		expandable["version"] = ""
	}
	if exp["metadata.labels"] {
		var ls []any
		for _, l := range p.Labels {
			ls = append(ls, map[string]any{"prefix": "global", "name": l, "id": l})
		}
		j["metadata"] = map[string]any{"labels": map[string]any{"results": ls, "start": 0, "limit": 200, "size": len(ls), "_links": map[string]any{}}}
	} else {
		expandable["metadata"] = ""
	}
	if exp["body.storage"] {
		j["body"] = map[string]any{"storage": map[string]any{"value": p.Body, "representation": "storage"}}
	} else {
		expandable["body"] = ""
	}
	j["_expandable"] = expandable
	return j
}

func (s *Server) commentJSON(p *Page, c Comment, exp map[string]bool) map[string]any {
	loc := c.Location
	if loc == "" {
		loc = "footer"
	}
	j := map[string]any{"id": c.ID, "type": "comment", "status": "current", "title": "Re: " + p.Title,
		"_links": map[string]any{"webui": "/spaces/" + p.Space + "/pages/" + p.ID + "?focusedCommentId=" + c.ID}}
	expandable := map[string]any{"children": "", "descendants": ""}
	if exp["version"] {
		j["version"] = s.versionJSON(Version{By: c.By, When: c.When}, 1)
	} else {
		expandable["version"] = ""
	}
	if exp["history"] {
		j["history"] = map[string]any{"latest": true, "createdBy": s.userOf(c.By), "createdDate": c.When.UTC().Format("2006-01-02T15:04:05.000Z")}
	} else {
		expandable["history"] = ""
	}
	if exp["container"] {
		j["container"] = map[string]any{"id": p.ID, "type": "page", "status": "current", "title": p.Title}
	} else {
		expandable["container"] = "/rest/api/content/" + p.ID
	}
	if exp["extensions.location"] || exp["extensions"] {
		j["extensions"] = map[string]any{"location": loc}
	} else {
		expandable["extensions"] = ""
	}
	j["_expandable"] = expandable
	return j
}

// list answers a v1 list resource paged by start and limit (capped).
func (s *Server) list(w http.ResponseWriter, r *http.Request, q url.Values, all []any, maxLimit int) {
	start, _ := strconv.Atoi(q.Get("start"))
	limit, _ := strconv.Atoi(q.Get("limit"))
	if limit <= 0 || limit > maxLimit {
		limit = maxLimit
	}
	start = min(max(start, 0), len(all))
	end := min(start+limit, len(all))
	links := map[string]any{"base": s.base, "context": strings.TrimPrefix(s.base, "http://"+r.Host)}
	if end < len(all) {
		nq := url.Values{}
		for k, v := range q {
			nq[k] = v
		}
		nq.Set("start", strconv.Itoa(end))
		nq.Set("limit", strconv.Itoa(limit))
		links["next"] = strings.TrimPrefix(r.URL.Path, strings.TrimSuffix(strings.TrimPrefix(s.base, "http://"+r.Host), "/")) + "?" + nq.Encode()
	}
	results := all[start:end]
	if results == nil {
		results = []any{}
	}
	writeJSON(w, 200, map[string]any{"results": results, "start": start, "limit": limit, "size": len(results), "_links": links})
}

// hit is one search result before paging.
type hit struct {
	at   time.Time
	id   string
	body map[string]any
}

func (s *Server) search(w http.ResponseWriter, q url.Values) {
	cq, err := parseCQL(q.Get("cql"))
	if err != nil {
		badRequest(w, err.Error())
		return
	}
	// A user may be named by any of their ids (account ID, username, key).
	for _, id := range slices.Clone(cq.users) {
		u := s.find(id)
		for _, alt := range []string{u.AccountID, u.Username, u.UserKey} {
			if alt != "" && !slices.Contains(cq.users, alt) {
				cq.users = append(cq.users, alt)
			}
		}
	}
	var hits []hit
	exp := expansions(q)
	for _, p := range s.pages {
		switch cq.typ {
		case "page":
			if !cq.matchPage(p) && !(cq.mention && cq.inSpace(p.Space) && cq.inTime(p.Versions[len(p.Versions)-1].When) && cq.labelled(p) && s.mentions(cq, p)) {
				continue
			}
			hits = append(hits, hit{p.Versions[len(p.Versions)-1].When, p.ID, s.pageJSON(p, exp)})
		case "comment":
			if !cq.inSpace(p.Space) {
				continue
			}
			for _, c := range p.Comments {
				if !cq.byUser(c.By) || !cq.inTime(c.When) {
					continue
				}
				hits = append(hits, hit{c.When, c.ID, s.commentJSON(p, c, exp)})
			}
		}
	}
	sort.Slice(hits, func(i, j int) bool {
		if !hits[i].at.Equal(hits[j].at) {
			return hits[i].at.Before(hits[j].at)
		}
		return hits[i].id < hits[j].id
	})
	limit, _ := strconv.Atoi(q.Get("limit"))
	if limit <= 0 || limit > s.searchCap() {
		limit = s.searchCap()
	}
	start := 0
	if s.Deployment == Cloud {
		if q.Has("start") {
			badRequest(w, "The 'start' parameter is not supported by content search; use the cursor from _links.next")
			return
		}
		if c := q.Get("cursor"); c != "" {
			b, err := base64.RawURLEncoding.DecodeString(c)
			n, err2 := strconv.Atoi(strings.TrimPrefix(string(b), "offset:"))
			if err != nil || err2 != nil {
				badRequest(w, "Invalid cursor")
				return
			}
			start = n
		}
	} else {
		start, _ = strconv.Atoi(q.Get("start"))
	}
	start = min(max(start, 0), len(hits))
	end := min(start+limit, len(hits))
	results := []any{}
	for _, h := range hits[start:end] {
		results = append(results, h.body)
	}
	links := map[string]any{"base": s.base, "context": "/wiki"}
	if s.Deployment != Cloud {
		links["context"] = ""
	}
	if end < len(hits) {
		nq := url.Values{"cql": {q.Get("cql")}, "limit": {strconv.Itoa(limit)}}
		if q.Get("expand") != "" {
			nq.Set("expand", q.Get("expand"))
		}
		if s.Deployment == Cloud {
			nq.Set("cursor", base64.RawURLEncoding.EncodeToString([]byte("offset:"+strconv.Itoa(end))))
			nq.Set("next", "true")
		} else {
			nq.Set("start", strconv.Itoa(end))
		}
		links["next"] = "/rest/api/content/search?" + nq.Encode()
	}
	body := map[string]any{"results": results, "limit": limit, "size": len(results), "_links": links}
	if s.Deployment != Cloud {
		body["start"] = start
	}
	writeJSON(w, 200, body)
}

// cql is the subset of CQL the fake understands, strictly: anything else
// is a 400, as an unparseable query is on the real services.
type cql struct {
	typ      string
	users    []string // creator/contributor/mention (pages), creator (comments)
	contrib  bool
	mention  bool
	spaces   []string
	labels   []string
	from, to time.Time // on lastmodified (pages) or created (comments), minutes, inclusive
	order    string
}

var (
	reGroup   = regexp.MustCompile(`^\((.*)\)$`)
	reEq      = regexp.MustCompile(`^(type|creator|contributor|mention)\s*=\s*"?([^"]*)"?$`)
	reIn      = regexp.MustCompile(`^(space|label)\s+IN\s*\((.*)\)$`)
	reCmp     = regexp.MustCompile(`^(lastmodified|created)\s*(>=|<=)\s*"(\d{4}/\d{2}/\d{2} \d{2}:\d{2})"$`)
	reOrderBy = regexp.MustCompile(`(?i)\s+ORDER BY\s+(lastmodified|created)\s+ASC$`)
)

func parseCQL(s string) (*cql, error) {
	q := &cql{}
	m := reOrderBy.FindStringSubmatch(s)
	if m == nil {
		return nil, fmt.Errorf("could not parse cql : %s (the fake needs ORDER BY lastmodified|created ASC)", s)
	}
	q.order = strings.ToLower(m[1])
	s = s[:len(s)-len(m[0])]
	for _, clause := range splitAnd(s) {
		clause = strings.TrimSpace(clause)
		if g := reGroup.FindStringSubmatch(clause); g != nil {
			for _, alt := range strings.Split(g[1], " OR ") {
				e := reEq.FindStringSubmatch(strings.TrimSpace(alt))
				if e == nil || e[1] == "type" {
					return nil, fmt.Errorf("could not parse cql : %q", alt)
				}
				q.users = append(q.users, e[2])
				q.contrib = q.contrib || e[1] == "contributor"
				q.mention = q.mention || e[1] == "mention"
			}
			continue
		}
		if e := reEq.FindStringSubmatch(clause); e != nil {
			switch e[1] {
			case "type":
				if e[2] != "page" && e[2] != "comment" {
					return nil, fmt.Errorf("the fake searches type page or comment, not %q", e[2])
				}
				q.typ = e[2]
			default:
				q.users = append(q.users, e[2])
				q.contrib = q.contrib || e[1] == "contributor"
				q.mention = q.mention || e[1] == "mention"
			}
			continue
		}
		if e := reIn.FindStringSubmatch(clause); e != nil {
			var vals []string
			for _, v := range strings.Split(e[2], ",") {
				vals = append(vals, strings.Trim(strings.TrimSpace(v), `"`))
			}
			if e[1] == "space" {
				q.spaces = vals
			} else {
				q.labels = vals
			}
			continue
		}
		if e := reCmp.FindStringSubmatch(clause); e != nil {
			t, err := time.Parse("2006/01/02 15:04", e[3])
			if err != nil {
				return nil, fmt.Errorf("could not parse cql date %q", e[3])
			}
			if e[1] != q.order {
				return nil, fmt.Errorf("the fake compares the field it orders by (%s), not %s", q.order, e[1])
			}
			if e[2] == ">=" {
				q.from = t
			} else {
				q.to = t
			}
			continue
		}
		return nil, fmt.Errorf("could not parse cql : %q", clause)
	}
	if q.typ == "" || len(q.users) == 0 {
		return nil, fmt.Errorf("the fake needs a type and a user in the cql")
	}
	return q, nil
}

// splitAnd splits on AND outside parentheses.
func splitAnd(s string) []string {
	var out []string
	depth, last := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			depth--
		}
		if depth == 0 && strings.HasPrefix(s[i:], " AND ") {
			out = append(out, s[last:i])
			last = i + len(" AND ")
			i += len(" AND ") - 1
		}
	}
	return append(out, s[last:])
}

func (q *cql) labelled(p *Page) bool {
	return len(q.labels) == 0 || slices.ContainsFunc(p.Labels, func(l string) bool { return slices.Contains(q.labels, l) })
}

func (q *cql) byUser(id string) bool { return slices.Contains(q.users, id) }

func (q *cql) inSpace(space string) bool {
	return len(q.spaces) == 0 || slices.Contains(q.spaces, space)
}

// inTime compares at minute precision, as CQL dates do.
func (q *cql) inTime(t time.Time) bool {
	m := t.UTC().Truncate(time.Minute)
	return (q.from.IsZero() || !m.Before(q.from)) && (q.to.IsZero() || !m.After(q.to))
}

// mentions reports whether a page's body links to one of the query's users.
func (s *Server) mentions(q *cql, p *Page) bool {
	for _, id := range q.users {
		u := s.find(id)
		for _, ref := range []string{`ri:account-id="` + u.AccountID + `"`, `ri:userkey="` + u.UserKey + `"`} {
			if !strings.HasSuffix(ref, `=""`) && strings.Contains(p.Body, ref) {
				return true
			}
		}
	}
	return false
}

func (q *cql) matchPage(p *Page) bool {
	if !q.inSpace(p.Space) || !q.inTime(p.Versions[len(p.Versions)-1].When) {
		return false
	}
	if !q.labelled(p) {
		return false
	}
	if q.byUser(p.Versions[0].By) {
		return true // creator
	}
	if q.contrib {
		for _, v := range p.Versions {
			if q.byUser(v.By) {
				return true
			}
		}
	}
	return false
}
