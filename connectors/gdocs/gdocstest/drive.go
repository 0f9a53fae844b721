// Package gdocstest is a fake Google Drive API v3 on 127.0.0.1, as strict as
// the real one where evident depends on it: files.list parses q (parents,
// mimeType, modifiedTime, trashed, or-groups) and answers only the fields
// asked for (id, name and mimeType without fields), caps pageSize, pages
// with opaque tokens and leaves shared-drive files out unless both
// supportsAllDrives and includeItemsFromAllDrives are set; comments.list
// refuses a request without fields and never shows a comment author's
// e-mail; revisions.list refuses a user who may only comment; the token is
// checked on every request. It links no testing code: the demo serves its
// sample documents with it.
package gdocstest

import (
	"cmp"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Person is a Drive user. HideEmail: Drive shows their name only.
type Person struct {
	Name      string
	Email     string
	HideEmail bool
}

// File is a document or folder of the fake.
type File struct {
	ID, Name, MimeType string
	Parent             string
	Owner              *Person // nil in a shared drive
	DriveID            string  // the shared drive it is in
	Created, Modified  time.Time
	// Viewed is when the user (Me) last opened the file.
	Viewed  time.Time
	Trashed bool
	// Writers may edit (and list revisions); the owner may too.
	Writers   []*Person
	Revisions []Revision
	Comments  []*Comment
	// Body is a document's text, as export to text/plain gives it.
	Body string
}

// Revision is one revision of a document.
type Revision struct {
	By *Person
	At time.Time
}

// Comment is a comment thread.
type Comment struct {
	ID       string
	By       *Person
	At       time.Time
	Modified time.Time
	Resolved bool
	Deleted  bool
	Replies  []Reply
}

// Reply is a reply in a thread.
type Reply struct {
	By     *Person
	At     time.Time
	Action string // "resolve" or ""
}

// The MIME types the fake knows.
const (
	Folder      = "application/vnd.google-apps.folder"
	Doc         = "application/vnd.google-apps.document"
	Spreadsheet = "application/vnd.google-apps.spreadsheet"
	PDF         = "application/pdf"
)

// Drive is the fake.
type Drive struct {
	// Me is whose token Token is.
	Me    *Person
	Token string
	// Fail429 answers that many of the next requests 429 (no
	// Retry-After); Fail403Rate as many 403 rateLimitExceeded.
	Fail429, Fail403Rate int
	// BumpOnComment moves a document's modifiedTime when a comment or
	// reply is added (real Drive shows the last edit; off by default).
	BumpOnComment bool
	// NoViewedQuery refuses viewedByMeTime in q with a 400, as a server
	// that knows only the terms of an older Drive would.
	NoViewedQuery bool
	// PageCap is the most files a listing page holds whatever pageSize
	// asks (Drive may return fewer than asked); 0: no cap.
	PageCap int
	// ExpireTokens refuses that many of the next page tokens with a 400,
	// as Drive does an expired one.
	ExpireTokens int
	// NoMeFlags leaves me out of every user but about.user's: the user is
	// then known by address or name alone.
	NoMeFlags bool

	mu       sync.Mutex
	files    map[string]*File
	order    []string
	requests map[string]int
	srv      *httptest.Server
	nextID   int
}

// New starts a fake Drive whose user is me, with token token. Close it
// when done.
func New(me *Person, token string) *Drive {
	d := &Drive{Me: me, Token: token, files: map[string]*File{}, requests: map[string]int{}}
	d.srv = httptest.NewServer(http.HandlerFunc(d.serve))
	return d
}

// URL is the API root (drive/v3/ under it).
func (d *Drive) URL() string { return d.srv.URL + "/" }

// Close stops the server.
func (d *Drive) Close() { d.srv.Close() }

// Requests counts the requests by method ("files.list", "comments.list",
// "revisions.list", "files.get", "about.get"), and "total".
func (d *Drive) Requests() map[string]int {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := map[string]int{}
	for k, v := range d.requests {
		out[k] = v
	}
	return out
}

// Add adds a file (its ID assigned when empty) and returns it.
func (d *Drive) Add(f *File) *File {
	d.mu.Lock()
	defer d.mu.Unlock()
	if f.ID == "" {
		d.nextID++
		f.ID = fmt.Sprintf("1%s%06dxYz", strings.Repeat("F", 20), d.nextID)
	}
	if f.Modified.IsZero() {
		f.Modified = f.Created
	}
	d.files[f.ID] = f
	d.order = append(d.order, f.ID)
	return f
}

// SetToken replaces the token the fake accepts (the old one expired).
func (d *Drive) SetToken(tok string) {
	d.mu.Lock()
	d.Token = tok
	d.mu.Unlock()
}

// Update changes a file under the lock (to add a comment between syncs).
func (d *Drive) Update(id string, fn func(f *File)) {
	d.mu.Lock()
	defer d.mu.Unlock()
	fn(d.files[id])
}

// AddComment adds a thread by p at t to a document.
func (d *Drive) AddComment(id string, p *Person, t time.Time, resolved bool) *Comment {
	var c *Comment
	d.Update(id, func(f *File) {
		c = &Comment{ID: fmt.Sprintf("AAAA%d", len(f.Comments)+1), By: p, At: t, Modified: t, Resolved: resolved}
		f.Comments = append(f.Comments, c)
		d.touched(f, p, t)
	})
	return c
}

// AddReply adds a reply by p at t to a thread of a document.
func (d *Drive) AddReply(id string, c *Comment, p *Person, t time.Time) {
	d.Update(id, func(f *File) {
		c.Replies = append(c.Replies, Reply{By: p, At: t})
		c.Modified = t
		d.touched(f, p, t)
	})
}

// touched is what a comment or reply by p at t changes: the user who wrote
// it had the document open.
func (d *Drive) touched(f *File, p *Person, t time.Time) {
	if p == d.Me && t.After(f.Viewed) {
		f.Viewed = t
	}
	if d.BumpOnComment && t.After(f.Modified) {
		f.Modified = t
	}
}

func (d *Drive) serve(w http.ResponseWriter, r *http.Request) {
	method := d.method(r)
	d.mu.Lock()
	d.requests[method]++
	d.requests["total"]++
	authed := r.Header.Get("Authorization") == "Bearer "+d.Token
	fail429 := authed && d.Fail429 > 0
	fail403 := authed && !fail429 && d.Fail403Rate > 0
	if fail429 {
		d.Fail429--
	} else if fail403 {
		d.Fail403Rate--
	}
	d.mu.Unlock()
	switch {
	case !authed:
		googleError(w, 401, "Request had invalid authentication credentials. Expected OAuth 2 access token.", "authError")
	case fail429:
		googleError(w, 429, "Rate Limit Exceeded", "rateLimitExceeded")
	case fail403:
		googleError(w, 403, "User Rate Limit Exceeded", "userRateLimitExceeded")
	case r.Method != http.MethodGet:
		googleError(w, 405, "Method not allowed", "badRequest")
	default:
		d.mu.Lock()
		defer d.mu.Unlock()
		d.route(w, r, method)
	}
}

func (d *Drive) method(r *http.Request) string {
	p := strings.TrimPrefix(r.URL.Path, "/drive/v3/")
	parts := strings.Split(p, "/")
	switch {
	case p == "about":
		return "about.get"
	case p == "files":
		return "files.list"
	case len(parts) == 2 && parts[0] == "files":
		return "files.get"
	case len(parts) == 3 && parts[2] == "comments":
		return "comments.list"
	case len(parts) == 3 && parts[2] == "revisions":
		return "revisions.list"
	case len(parts) == 3 && parts[2] == "export":
		return "files.export"
	}
	return "unknown"
}

func (d *Drive) route(w http.ResponseWriter, r *http.Request, method string) {
	q := r.URL.Query()
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/drive/v3/"), "/")
	switch method {
	case "about.get":
		if q.Get("fields") == "" {
			googleError(w, 400, "The 'fields' parameter is required for this method.", "required")
			return
		}
		me := d.user(d.Me, false)
		me["me"] = true
		writeFields(w, map[string]any{"user": me}, q.Get("fields"), "")
	case "files.list":
		d.list(w, q)
	case "files.get":
		f := d.files[parts[1]]
		if f == nil || (f.DriveID != "" && q.Get("supportsAllDrives") != "true") {
			googleError(w, 404, "File not found: "+parts[1]+".", "notFound")
			return
		}
		writeFields(w, d.fileJSON(f), q.Get("fields"), "id,name,mimeType,kind")
	case "comments.list":
		d.comments(w, q, parts[1])
	case "revisions.list":
		d.revisions(w, q, parts[1])
	case "files.export":
		f := d.files[parts[1]]
		switch {
		case f == nil:
			googleError(w, 404, "File not found: "+parts[1]+".", "notFound")
		case f.MimeType != Doc || q.Get("mimeType") != "text/plain":
			googleError(w, 400, "Export only supports Docs Editors files.", "fileNotExportable")
		default:
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			io.WriteString(w, "\ufeff"+f.Body)
		}
	default:
		googleError(w, 404, "Not Found", "notFound")
	}
}

func (d *Drive) user(p *Person, comment bool) map[string]any {
	u := map[string]any{"kind": "drive#user", "displayName": p.Name}
	if !d.NoMeFlags {
		u["me"] = p == d.Me
	}
	if !comment && !p.HideEmail && p.Email != "" {
		u["emailAddress"] = p.Email
	}
	return u
}

func (d *Drive) fileJSON(f *File) map[string]any {
	m := map[string]any{
		"kind": "drive#file", "id": f.ID, "name": f.Name, "mimeType": f.MimeType,
		"createdTime": stamp(f.Created), "modifiedTime": stamp(f.Modified), "trashed": f.Trashed,
		"webViewLink": "https://docs.google.com/document/d/" + f.ID + "/edit?usp=drivesdk",
	}
	if f.Parent != "" {
		m["parents"] = []any{f.Parent}
	}
	if f.DriveID != "" {
		m["driveId"] = f.DriveID
	}
	if !f.Viewed.IsZero() {
		m["viewedByMeTime"] = stamp(f.Viewed)
	}
	if f.Owner != nil {
		m["owners"] = []any{d.user(f.Owner, false)}
	}
	return m
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func (d *Drive) list(w http.ResponseWriter, q map[string][]string) {
	get := func(k string) string {
		if v := q[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	size := 100
	if s := get("pageSize"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 1000 {
			googleError(w, 400, "Invalid value '"+s+"'. Values must be within the range: [1, 1000]", "invalid")
			return
		}
		size = n
	}
	match, err := parseQuery(get("q"))
	if d.NoViewedQuery && strings.Contains(get("q"), "viewedByMeTime") {
		err = fmt.Errorf("unknown term")
	}
	if err != nil {
		googleError(w, 400, "Invalid Value", "invalid")
		return
	}
	allDrives := get("supportsAllDrives") == "true" && get("includeItemsFromAllDrives") == "true"
	var hits []*File
	for _, id := range d.order {
		f := d.files[id]
		if f.DriveID != "" && !allDrives {
			continue
		}
		if match(f) {
			hits = append(hits, f)
		}
	}
	switch get("orderBy") {
	case "modifiedTime":
		slices.SortStableFunc(hits, func(a, b *File) int { return a.Modified.Compare(b.Modified) })
	case "":
		// Drive's own order: newest first, for a client that asked none.
		slices.SortStableFunc(hits, func(a, b *File) int { return b.Modified.Compare(a.Modified) })
	default:
		googleError(w, 400, "Invalid Value", "invalid")
		return
	}
	start, ok := pageStart(get("pageToken"), get("q"))
	if get("pageToken") != "" && d.ExpireTokens > 0 {
		d.ExpireTokens--
		ok = false
	}
	if !ok {
		googleError(w, 400, "Invalid Value", "invalid")
		return
	}
	if d.PageCap > 0 {
		size = min(size, d.PageCap)
	}
	end := min(start+size, len(hits))
	start = min(start, end)
	var files []any
	for _, f := range hits[start:end] {
		files = append(files, d.fileJSON(f))
	}
	out := map[string]any{"kind": "drive#fileList", "incompleteSearch": false, "files": files}
	if end < len(hits) {
		out["nextPageToken"] = pageToken(end, get("q"))
	}
	writeFields(w, out, get("fields"), "kind,incompleteSearch,nextPageToken,files(id,name,mimeType,kind)")
}

// pageToken is opaque to the client: the next offset, tied to the query.
func pageToken(offset int, q string) string {
	return base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "%d|%s", offset, q))
}

func pageStart(tok, q string) (int, bool) {
	if tok == "" {
		return 0, true
	}
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return 0, false
	}
	n, rest, ok := strings.Cut(string(b), "|")
	off, err := strconv.Atoi(n)
	return off, ok && err == nil && rest == q
}

func (d *Drive) canWrite(f *File) bool {
	return f.Owner == d.Me || slices.Contains(f.Writers, d.Me) || (f.DriveID != "" && slices.ContainsFunc(f.Revisions, func(r Revision) bool { return r.By == d.Me }))
}

func (d *Drive) revisions(w http.ResponseWriter, q map[string][]string, id string) {
	f := d.files[id]
	if f == nil {
		googleError(w, 404, "File not found: "+id+".", "notFound")
		return
	}
	if !d.canWrite(f) {
		googleError(w, 403, "The user does not have sufficient permissions for this file.", "insufficientFilePermissions")
		return
	}
	size, tok, ok := paging(w, q, 1000)
	if !ok {
		return
	}
	start, ok := pageStart(tok, "rev:"+id)
	if !ok {
		googleError(w, 400, "Invalid Value", "invalid")
		return
	}
	end := min(start+size, len(f.Revisions))
	var revs []any
	for i, r := range f.Revisions[min(start, end):end] {
		revs = append(revs, map[string]any{"kind": "drive#revision", "id": strconv.Itoa(start + i + 1), "mimeType": f.MimeType, "modifiedTime": stamp(r.At), "lastModifyingUser": d.user(r.By, false)})
	}
	out := map[string]any{"kind": "drive#revisionList", "revisions": revs}
	if end < len(f.Revisions) {
		out["nextPageToken"] = pageToken(end, "rev:"+id)
	}
	writeFields(w, out, first(q, "fields"), "kind,nextPageToken,revisions(id,mimeType,kind,modifiedTime)")
}

func (d *Drive) comments(w http.ResponseWriter, q map[string][]string, id string) {
	f := d.files[id]
	if f == nil {
		googleError(w, 404, "File not found: "+id+".", "notFound")
		return
	}
	if first(q, "fields") == "" {
		googleError(w, 400, "The 'fields' parameter is required for this method.", "required")
		return
	}
	size, tok, ok := paging(w, q, 100)
	if !ok {
		return
	}
	var since time.Time
	if s := first(q, "startModifiedTime"); s != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			googleError(w, 400, "Invalid Value", "invalid")
			return
		}
		since = t
	}
	var all []*Comment
	for _, c := range f.Comments {
		if (c.Deleted && first(q, "includeDeleted") != "true") || c.Modified.Before(since) {
			continue
		}
		all = append(all, c)
	}
	start, ok := pageStart(tok, "com:"+id)
	if !ok {
		googleError(w, 400, "Invalid Value", "invalid")
		return
	}
	end := min(start+size, len(all))
	var list []any
	for _, c := range all[min(start, end):end] {
		var replies []any
		for _, r := range c.Replies {
			m := map[string]any{"kind": "drive#reply", "createdTime": stamp(r.At), "modifiedTime": stamp(r.At), "author": d.user(r.By, true), "deleted": false, "content": "…"}
			if r.Action != "" {
				m["action"] = r.Action
			}
			replies = append(replies, m)
		}
		list = append(list, map[string]any{"kind": "drive#comment", "id": c.ID, "createdTime": stamp(c.At), "modifiedTime": stamp(c.Modified),
			"resolved": c.Resolved, "deleted": c.Deleted, "author": d.user(c.By, true), "replies": replies, "content": "…"})
	}
	out := map[string]any{"kind": "drive#commentList", "comments": list}
	if end < len(all) {
		out["nextPageToken"] = pageToken(end, "com:"+id)
	}
	writeFields(w, out, first(q, "fields"), "")
}

func first(q map[string][]string, k string) string {
	if v := q[k]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// paging reads pageSize (1..most) and pageToken.
func paging(w http.ResponseWriter, q map[string][]string, most int) (int, string, bool) {
	size := cmp.Or(most/10, 20)
	if s := first(q, "pageSize"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > most {
			googleError(w, 400, fmt.Sprintf("Invalid value '%s'. Values must be within the range: [1, %d]", s, most), "invalid")
			return 0, "", false
		}
		size = n
	}
	return size, first(q, "pageToken"), true
}

func googleError(w http.ResponseWriter, code int, msg, reason string) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{
		"code": code, "message": msg,
		"errors": []any{map[string]any{"domain": "global", "reason": reason, "message": msg}},
	}})
}
