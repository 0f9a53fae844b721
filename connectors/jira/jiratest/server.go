// Package jiratest is a fake Jira for tests and the demo, in either
// deployment. It serves the payload shapes of Atlassian's and real
// instances' responses (testdata/) over the issues it holds:
//
//   - Cloud: /rest/api/{2,3}/search/jql paged by nextPageToken until isLast,
//     no total, only ids unless fields are asked for; the removed
//     /rest/api/{2,3}/search answers 410 Gone. Basic auth (email:token).
//   - Server/Data Center: /rest/api/2/search with startAt, maxResults and
//     total; no /search/jql. A personal access token as a bearer.
//   - Both: /myself with the user's time zone, in which JQL dates are read;
//     /field; issues with an embedded page of comments and changelog
//     (expand=changelog) shorter than the whole, and the endpoints that page
//     the rest (/comment; /changelog on Cloud only); 429 with Retry-After
//     and 5xx faults on demand.
package jiratest

import (
	"embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
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

// Deployments.
const (
	Cloud      = "cloud"
	DataCenter = "server" // Server and Data Center
)

// User is a Jira user: ID is the Cloud accountId or the Server username.
type User struct {
	ID, DisplayName, Email string
}

// Issue is an issue the fake holds.
type Issue struct {
	Key            string
	Project        string
	Type           string // Epic, Story, Bug, Incident, Task
	Summary        string
	Status         string
	StatusCategory string // new, indeterminate, done
	Resolution     string
	Reporter       string
	Assignee       string
	Created        time.Time
	Updated        time.Time
	ResolutionDate time.Time
	StoryPoints    float64
	Comments       []Comment
	History        []Change
	Watchers       []string
	// Unwatched are users who stopped watching (or have autowatch off):
	// not watchers, even though they commented.
	Unwatched []string
	// Description is the issue's description.
	Description string
	// Priority is the priority's name (Highest, High, Medium…); "" none.
	Priority string
	// Links are the keys of issues linked to this one.
	Links []string
	// RemoteLinks are URLs linked from the issue (a pull request, a
	// document), served by /remotelink.
	RemoteLinks []string
}

// Comment is one comment.
type Comment struct {
	Author  string
	Body    string
	Created time.Time
}

// Change is one changelog entry.
type Change struct {
	Author  string
	Created time.Time
	Items   []ChangeItem
}

// ChangeItem is one field changed.
type ChangeItem struct {
	Field, From, FromString, To, ToString string
}

func (is *Issue) watchers() []string {
	w := slices.Clone(is.Watchers)
	w = append(w, is.Reporter)
	for _, c := range is.Comments {
		w = append(w, c.Author) // commenting watches an issue, as in Jira's default
	}
	return slices.DeleteFunc(w, func(u string) bool { return slices.Contains(is.Unwatched, u) })
}

// Fault is a response given instead of the real one (see package fault).
type Fault = connectorstest.Fault

// Server is the fake.
type Server struct {
	Deployment string
	// Me is the authenticated user; Email and Token authenticate them.
	Me          User
	Email       string
	Token       string
	TimeZone    string // the user's profile time zone (IANA)
	Clock       connectors.Clock
	EmbedLimit  int // comments and histories embedded in an issue (default 5)
	MaxResults  int // the largest page the searches serve (default 50)
	StoryPoints string

	mu     sync.Mutex
	issues map[string]*Issue
	users  map[string]User
	faults connectorstest.Faults
	hits   map[string]int
	pages  map[string][]string // nextPageToken -> remaining keys
}

// New returns an empty fake.
func New(deployment string, me User, clock connectors.Clock) *Server {
	return &Server{Deployment: deployment, Me: me, TimeZone: "UTC", Clock: clock, EmbedLimit: 5, MaxResults: 50,
		StoryPoints: "customfield_10016", issues: map[string]*Issue{}, users: map[string]User{me.ID: me}, hits: map[string]int{}, pages: map[string][]string{}}
}

// AddUsers registers people so that responses carry their names.
func (s *Server) AddUsers(us ...User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range us {
		s.users[u.ID] = u
	}
}

// Add stores issues.
func (s *Server) Add(is ...*Issue) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, i := range is {
		s.issues[i.Key] = i
	}
}

// Inject queues a fault.
func (s *Server) Inject(f Fault) { s.faults.Add(f) }

// Hits counts requests by endpoint ("search", "comment", "changelog",
// "issue", "myself", "field") and in all ("total").
func (s *Server) Hits() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]int{}
	for k, v := range s.hits {
		out[k] = v
	}
	return out
}

// Handler serves the API.
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serve) }

var (
	reSearchJQL = regexp.MustCompile(`^/rest/api/[23]/search/jql$`)
	reSearch    = regexp.MustCompile(`^/rest/api/[23]/search$`)
	reIssue     = regexp.MustCompile(`^/rest/api/[23]/issue/([A-Z][A-Z0-9_]*-\d+)$`)
	reComment   = regexp.MustCompile(`^/rest/api/[23]/issue/([A-Z][A-Z0-9_]*-\d+)/comment$`)
	reChangelog = regexp.MustCompile(`^/rest/api/[23]/issue/([A-Z][A-Z0-9_]*-\d+)/changelog$`)
	reMyself    = regexp.MustCompile(`^/rest/api/[23]/myself$`)
	reField     = regexp.MustCompile(`^/rest/api/[23]/field$`)
	reRemote    = regexp.MustCompile(`^/rest/api/[23]/issue/([A-Z][A-Z0-9_]*-\d+)/remotelink$`)
)

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	// The server's clock, as real services send it: clients read skew from it.
	w.Header().Set("Date", s.Clock.Now().UTC().Format(http.TimeFormat))
	s.mu.Lock()
	defer s.mu.Unlock()
	path := r.URL.Path
	ep := "other"
	for name, re := range map[string]*regexp.Regexp{"search-jql": reSearchJQL, "search": reSearch, "issue": reIssue, "comment": reComment, "changelog": reChangelog, "myself": reMyself, "field": reField, "remotelink": reRemote} {
		if re.MatchString(path) {
			ep = name
		}
	}
	s.hits[ep]++
	s.hits["total"]++
	if !s.authorised(r) {
		w.Header().Set("WWW-Authenticate", `Basic realm="protected-area"`)
		writeJSON(w, http.StatusUnauthorized, map[string]any{"errorMessages": []string{"You are not authenticated. Authentication required to perform this operation."}, "errors": map[string]any{}})
		return
	}
	if s.faults.Serve(w, r, "application/json;charset=UTF-8") {
		return
	}
	base := "http://" + r.Host
	switch ep {
	case "search-jql":
		if s.Deployment == DataCenter {
			writeJSON(w, http.StatusNotFound, errBody("null for uri: "+base+path))
			return
		}
		s.searchJQL(w, r, base)
	case "search":
		if s.Deployment == Cloud {
			writeJSON(w, http.StatusGone, errBody("The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046"))
			return
		}
		s.searchLegacy(w, r, base)
	case "issue":
		is := s.issues[reIssue.FindStringSubmatch(path)[1]]
		if is == nil {
			writeJSON(w, http.StatusNotFound, errBody("Issue does not exist or you do not have permission to see it."))
			return
		}
		limit := s.EmbedLimit
		if s.Deployment == DataCenter {
			limit = len(is.History)
		}
		writeJSON(w, 200, s.issueJSONLimit(base, is, fieldsParam(r), strings.Contains(r.URL.Query().Get("expand"), "changelog"), true, limit))
	case "comment":
		s.commentPage(w, r, base, reComment.FindStringSubmatch(path)[1])
	case "changelog":
		if s.Deployment == DataCenter {
			writeJSON(w, http.StatusNotFound, errBody("null for uri: "+base+path))
			return
		}
		s.changelogPage(w, r, base, reChangelog.FindStringSubmatch(path)[1])
	case "remotelink":
		is := s.issues[reRemote.FindStringSubmatch(path)[1]]
		if is == nil {
			writeJSON(w, http.StatusNotFound, errBody("Issue does not exist or you do not have permission to see it."))
			return
		}
		writeJSON(w, 200, s.remoteLinksJSON(base, is))
	case "myself":
		writeJSON(w, 200, s.userJSON(base, s.Me.ID, true))
	case "field":
		var fields []any
		json.Unmarshal(read("field-server.json"), &fields)
		fields = append(fields, map[string]any{"id": s.StoryPoints, "name": "Story Points", "custom": true, "orderable": true, "navigable": true, "searchable": true,
			"clauseNames": []string{"cf[10016]", "Story Points"}, "schema": map[string]any{"type": "number", "custom": "com.atlassian.jira.plugin.system.customfieldtypes:float", "customId": 10016}})
		writeJSON(w, 200, fields)
	default:
		writeJSON(w, http.StatusNotFound, errBody("null for uri: "+base+path))
	}
}

func errBody(msg string) map[string]any {
	return map[string]any{"errorMessages": []string{msg}, "errors": map[string]any{}}
}

func (s *Server) authorised(r *http.Request) bool {
	auth := r.Header.Get("Authorization")
	if s.Deployment == Cloud {
		want := "Basic " + base64.StdEncoding.EncodeToString([]byte(s.Email+":"+s.Token))
		return auth == want
	}
	return auth == "Bearer "+s.Token
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func read(name string) []byte {
	b, err := payloads.ReadFile("testdata/" + name)
	if err != nil {
		panic(err)
	}
	return b
}

func tmpl(name string) map[string]any {
	var v map[string]any
	if err := json.Unmarshal(read(name), &v); err != nil {
		panic(err)
	}
	return v
}

func jiraTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format("2006-01-02T15:04:05.000-0700")
}

func (s *Server) loc() *time.Location {
	l, err := time.LoadLocation(s.TimeZone)
	if err != nil {
		return time.UTC
	}
	return l
}

func (s *Server) userJSON(base, id string, full bool) any {
	if id == "" {
		return nil
	}
	u, ok := s.users[id]
	if !ok {
		u = User{ID: id, DisplayName: id}
	}
	var j map[string]any
	if full {
		j = tmpl("myself-cloud.json")
		j["timeZone"] = s.TimeZone
	} else {
		j = map[string]any{"active": true, "avatarUrls": map[string]any{}}
	}
	j["displayName"] = u.DisplayName
	j["emailAddress"] = u.Email
	if s.Deployment == Cloud {
		j["accountId"], j["accountType"] = u.ID, "atlassian"
		delete(j, "key")
		delete(j, "name")
		j["self"] = base + "/rest/api/2/user?accountId=" + u.ID
	} else {
		delete(j, "accountId")
		delete(j, "accountType")
		j["name"], j["key"] = u.ID, "JIRAUSER"+strconv.Itoa(len(u.ID)*7919)
		j["self"] = base + "/rest/api/2/user?username=" + u.ID
	}
	return j
}

func fieldsParam(r *http.Request) []string {
	var out []string
	for _, f := range r.URL.Query()["fields"] {
		for _, p := range strings.Split(f, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// issueJSON renders an issue with the fields asked for (all when none are
// and all is true; only id and key when none are and all is false).
func (s *Server) issueJSON(base string, is *Issue, fields []string, changelog, all bool) map[string]any {
	return s.issueJSONLimit(base, is, fields, changelog, all, s.EmbedLimit)
}

// issueJSONLimit renders an issue embedding at most limit histories: the
// search results embed a page; Server's GET issue returns the whole changelog.
func (s *Server) issueJSONLimit(base string, is *Issue, fields []string, changelog, all bool, limit int) map[string]any {
	j := tmpl("issue-server.json")
	id := strconv.Itoa(10000 + int(crc(is.Key)))
	j["id"], j["key"], j["self"] = id, is.Key, base+"/rest/api/2/issue/"+id
	j["expand"] = "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations"
	f := j["fields"].(map[string]any)
	f["summary"] = is.Summary
	it := f["issuetype"].(map[string]any)
	it["name"], it["subtask"] = is.Type, false
	st := f["status"].(map[string]any)
	st["name"] = is.Status
	st["statusCategory"] = map[string]any{"key": is.StatusCategory, "name": map[string]string{"new": "To Do", "indeterminate": "In Progress", "done": "Done"}[is.StatusCategory]}
	if is.Resolution != "" {
		f["resolution"] = map[string]any{"self": base + "/rest/api/2/resolution/1", "id": "1", "name": is.Resolution, "description": "A fix for this issue is checked in."}
	} else {
		f["resolution"] = nil
	}
	f["resolutiondate"] = jiraTime(is.ResolutionDate)
	f["reporter"] = s.userJSON(base, is.Reporter, false)
	f["assignee"] = s.userJSON(base, is.Assignee, false)
	f["created"], f["updated"] = jiraTime(is.Created), jiraTime(is.Updated)
	f["description"] = is.Description
	f["priority"] = nil
	if is.Priority != "" {
		f["priority"] = map[string]any{"self": base + "/rest/api/2/priority/2", "id": "2", "name": is.Priority}
	}
	links := []any{}
	for i, k := range is.Links {
		links = append(links, map[string]any{"id": strconv.Itoa(30000 + i), "type": map[string]any{"name": "Relates", "inward": "relates to", "outward": "relates to"},
			"outwardIssue": map[string]any{"key": k, "self": base + "/rest/api/2/issue/" + k}})
	}
	f["issuelinks"] = links
	p := f["project"].(map[string]any)
	p["key"], p["name"], p["self"] = is.Project, is.Project, base+"/rest/api/2/project/"+is.Project
	if is.StoryPoints != 0 {
		f[s.StoryPoints] = is.StoryPoints
	} else {
		f[s.StoryPoints] = nil
	}
	n := min(len(is.Comments), s.EmbedLimit)
	var cs []any
	for i, c := range is.Comments[:n] {
		cs = append(cs, s.commentJSON(base, is, i, c))
	}
	if cs == nil {
		cs = []any{}
	}
	f["comment"] = map[string]any{"startAt": 0, "maxResults": s.EmbedLimit, "total": len(is.Comments), "comments": cs}
	if len(fields) > 0 {
		keep := map[string]any{}
		for _, k := range fields {
			if k == "*all" || k == "*navigable" {
				keep = f
				break
			}
			if v, ok := f[k]; ok {
				keep[k] = v
			}
		}
		j["fields"] = keep
	} else if !all {
		delete(j, "fields")
	}
	if changelog {
		n := min(len(is.History), limit)
		var hs []any
		for i, h := range is.History[:n] {
			hs = append(hs, s.historyJSON(base, is, i, h))
		}
		if hs == nil {
			hs = []any{}
		}
		j["changelog"] = map[string]any{"startAt": 0, "maxResults": max(n, min(limit, len(is.History))), "total": len(is.History), "histories": hs}
	} else {
		delete(j, "changelog")
	}
	return j
}

func (s *Server) commentJSON(base string, is *Issue, i int, c Comment) map[string]any {
	j := tmpl("comment-page-server.json")["comments"].([]any)[0].(map[string]any)
	id := strconv.Itoa(20000 + int(crc(is.Key))*100 + i)
	j["id"], j["self"] = id, base+"/rest/api/2/issue/"+is.Key+"/comment/"+id
	j["author"], j["updateAuthor"] = s.userJSON(base, c.Author, false), s.userJSON(base, c.Author, false)
	j["body"] = c.Body
	j["created"], j["updated"] = jiraTime(c.Created), jiraTime(c.Created)
	return j
}

func (s *Server) historyJSON(base string, is *Issue, i int, h Change) map[string]any {
	var items []any
	for _, it := range h.Items {
		item := map[string]any{"field": it.Field, "fieldtype": "jira", "from": nilIfEmpty(it.From), "fromString": nilIfEmpty(it.FromString),
			"to": nilIfEmpty(it.To), "toString": nilIfEmpty(it.ToString)}
		if s.Deployment == Cloud {
			item["fieldId"] = it.Field
		}
		items = append(items, item)
	}
	return map[string]any{"id": strconv.Itoa(30000 + int(crc(is.Key))*100 + i), "author": s.userJSON(base, h.Author, false),
		"created": jiraTime(h.Created), "items": items}
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func crc(s string) uint32 {
	var h uint32 = 2166136261
	for i := 0; i < len(s); i++ {
		h = (h ^ uint32(s[i])) * 16777619
	}
	return h % 100000
}

func (s *Server) match(jql string) ([]*Issue, *query, error) {
	q, err := parseJQL(jql, s.loc(), s.Me.ID, s.Deployment == Cloud)
	if err != nil {
		return nil, nil, err
	}
	var out []*Issue
	for _, is := range s.issues {
		if q.where == nil || q.where.eval(s, is) {
			out = append(out, is)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Updated.Equal(out[j].Updated) {
			return out[i].Updated.Before(out[j].Updated)
		}
		return out[i].Key < out[j].Key
	})
	if q.orderDesc {
		slices.Reverse(out)
	}
	return out, q, nil
}

func (s *Server) pageSize(r *http.Request) int {
	n := 50
	if v, err := strconv.Atoi(r.URL.Query().Get("maxResults")); err == nil && v > 0 {
		n = v
	}
	return min(n, s.MaxResults)
}

func (s *Server) searchJQL(w http.ResponseWriter, r *http.Request, base string) {
	q := r.URL.Query()
	var keys []string
	if tok := q.Get("nextPageToken"); tok != "" {
		var ok bool
		if keys, ok = s.pages[tok]; !ok {
			writeJSON(w, http.StatusBadRequest, errBody("The provided next page token is invalid or expired."))
			return
		}
	} else {
		issues, _, err := s.match(q.Get("jql"))
		if err != nil {
			writeJSON(w, http.StatusBadRequest, errBody(err.Error()))
			return
		}
		for _, is := range issues {
			keys = append(keys, is.Key)
		}
	}
	n := min(s.pageSize(r), len(keys))
	res := tmpl("search-jql-cloud.json")
	var out []any
	for _, k := range keys[:n] {
		out = append(out, s.issueJSON(base, s.issues[k], fieldsParam(r), strings.Contains(q.Get("expand"), "changelog"), false))
	}
	if out == nil {
		out = []any{}
	}
	res["issues"] = out
	rest := keys[n:]
	if len(rest) > 0 {
		tok := fmt.Sprintf("tok-%d-%d", len(s.pages)+1, crc(strings.Join(rest, ",")))
		s.pages[tok] = rest
		res["nextPageToken"], res["isLast"] = tok, false
	} else {
		delete(res, "nextPageToken")
		res["isLast"] = true
	}
	writeJSON(w, 200, res)
}

func (s *Server) searchLegacy(w http.ResponseWriter, r *http.Request, base string) {
	q := r.URL.Query()
	issues, _, err := s.match(q.Get("jql"))
	if err != nil {
		writeJSON(w, http.StatusBadRequest, errBody(err.Error()))
		return
	}
	start, _ := strconv.Atoi(q.Get("startAt"))
	n := s.pageSize(r)
	lo, hi := min(start, len(issues)), min(start+n, len(issues))
	res := tmpl("search-server.json")
	var out []any
	for _, is := range issues[lo:hi] {
		// Server returns navigable fields when none are asked for.
		out = append(out, s.issueJSON(base, is, fieldsParam(r), strings.Contains(q.Get("expand"), "changelog"), true))
	}
	if out == nil {
		out = []any{}
	}
	res["issues"], res["startAt"], res["maxResults"], res["total"] = out, start, n, len(issues)
	res["isLast"] = hi >= len(issues)
	writeJSON(w, 200, res)
}

func (s *Server) commentPage(w http.ResponseWriter, r *http.Request, base, key string) {
	is := s.issues[key]
	if is == nil {
		writeJSON(w, http.StatusNotFound, errBody("Issue does not exist or you do not have permission to see it."))
		return
	}
	start, _ := strconv.Atoi(r.URL.Query().Get("startAt"))
	n := s.pageSize(r)
	lo, hi := min(start, len(is.Comments)), min(start+n, len(is.Comments))
	var cs []any
	for i := lo; i < hi; i++ {
		cs = append(cs, s.commentJSON(base, is, i, is.Comments[i]))
	}
	if cs == nil {
		cs = []any{}
	}
	writeJSON(w, 200, map[string]any{"startAt": start, "maxResults": n, "total": len(is.Comments), "comments": cs})
}

func (s *Server) changelogPage(w http.ResponseWriter, r *http.Request, base, key string) {
	is := s.issues[key]
	if is == nil {
		writeJSON(w, http.StatusNotFound, errBody("Issue does not exist or you do not have permission to see it."))
		return
	}
	start, _ := strconv.Atoi(r.URL.Query().Get("startAt"))
	n := s.pageSize(r)
	lo, hi := min(start, len(is.History)), min(start+n, len(is.History))
	res := tmpl("changelog-page-cloud.json")
	var vs []any
	for i := lo; i < hi; i++ {
		vs = append(vs, s.historyJSON(base, is, i, is.History[i]))
	}
	if vs == nil {
		vs = []any{}
	}
	res["values"], res["startAt"], res["maxResults"], res["total"], res["isLast"] = vs, start, n, len(is.History), hi >= len(is.History)
	res["self"] = fmt.Sprintf("%s/rest/api/2/issue/%s/changelog?startAt=%d&maxResults=%d", base, key, start, n)
	if hi < len(is.History) {
		res["nextPage"] = fmt.Sprintf("%s/rest/api/2/issue/%s/changelog?startAt=%d&maxResults=%d", base, key, hi, n)
	} else {
		delete(res, "nextPage")
	}
	writeJSON(w, 200, res)
}

// remoteLinksJSON renders an issue's remote links in the shape of
// go-jira's recorded remote_links.json.
func (s *Server) remoteLinksJSON(base string, is *Issue) []any {
	var raw []any
	if err := json.Unmarshal(read("remote-links.json"), &raw); err != nil || len(raw) == 0 {
		panic("remote-links.json")
	}
	out := []any{}
	for i, u := range is.RemoteLinks {
		var j map[string]any
		b, _ := json.Marshal(raw[0])
		json.Unmarshal(b, &j)
		j["id"] = 10000 + i
		j["self"] = fmt.Sprintf("%s/rest/api/2/issue/%s/remotelink/%d", base, is.Key, 10000+i)
		obj := j["object"].(map[string]any)
		obj["url"], obj["title"] = u, u
		out = append(out, j)
	}
	return out
}
