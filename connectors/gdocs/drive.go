package gdocs

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/evident-sync/evident/connectors/transport"
)

// The Drive API v3, as much of it as evident reads: who the user is, the
// folders under the configured ones, the Google Docs in them, and each
// document's revisions and comments. Every request names the fields it
// uses (comments.list refuses a request without fields; files.list
// without them answers only id, name and mimeType), and every listing
// pages through nextPageToken to its end.

// The MIME types Drive gives folders and Google Docs.
const (
	mimeFolder = "application/vnd.google-apps.folder"
	mimeDoc    = "application/vnd.google-apps.document"
)

// Page sizes: the most each listing allows.
const (
	filesPage     = 1000
	commentsPage  = 100
	revisionsPage = 1000
)

// person is a Drive user as a file, revision or comment shows them. Drive
// leaves emailAddress out for people who hide it, and always for comment
// authors; me says it is the user whose token this is.
type person struct {
	DisplayName  string `json:"displayName"`
	EmailAddress string `json:"emailAddress"`
	Me           bool   `json:"me"`
}

// file is a Drive file, as files.list answers with docFields.
type file struct {
	ID           string    `json:"id"`
	Name         string    `json:"name"`
	MimeType     string    `json:"mimeType"`
	Parents      []string  `json:"parents"`
	CreatedTime  time.Time `json:"createdTime"`
	ModifiedTime time.Time `json:"modifiedTime"`
	WebViewLink  string    `json:"webViewLink"`
	Trashed      bool      `json:"trashed"`
	// Owners is empty for a file in a shared drive: the drive owns it.
	Owners []person `json:"owners"`
	// ViewedByMeTime is when the user last opened the file.
	ViewedByMeTime time.Time `json:"viewedByMeTime"`
}

// docFields are the fields a listing of documents asks for.
const docFields = "id,name,mimeType,parents,createdTime,modifiedTime,viewedByMeTime,webViewLink,trashed,owners(displayName,emailAddress,me)"

type fileList struct {
	Files         []file `json:"files"`
	NextPageToken string `json:"nextPageToken"`
	// IncompleteSearch: Drive searched only some of the shared drives.
	IncompleteSearch bool `json:"incompleteSearch"`
}

type revision struct {
	ModifiedTime      time.Time `json:"modifiedTime"`
	LastModifyingUser person    `json:"lastModifyingUser"`
}

type revisionList struct {
	Revisions     []revision `json:"revisions"`
	NextPageToken string     `json:"nextPageToken"`
}

type reply struct {
	CreatedTime time.Time `json:"createdTime"`
	Author      person    `json:"author"`
	Deleted     bool      `json:"deleted"`
}

type comment struct {
	CreatedTime time.Time `json:"createdTime"`
	Resolved    bool      `json:"resolved"`
	Deleted     bool      `json:"deleted"`
	Author      person    `json:"author"`
	Replies     []reply   `json:"replies"`
}

type commentList struct {
	Comments      []comment `json:"comments"`
	NextPageToken string    `json:"nextPageToken"`
}

// drive is the Drive API at one root.
type drive struct {
	svc  *transport.Service
	root string // https://www.googleapis.com/drive/v3/
}

// googleMessage reads the message of Google's error body:
// {"error": {"code": 403, "message": "...", "errors": [{"reason": ...}]}}.
func googleMessage(body []byte) string {
	var e struct {
		Error struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &e) != nil {
		return ""
	}
	return e.Error.Message
}

// googleDenied reports a 403 that refuses one file to this user (a
// reader asking for revisions), not the token.
func googleDenied(body []byte) bool {
	return strings.Contains(string(body), "insufficientFilePermissions")
}

func (d *drive) url(path string, q url.Values) string {
	return d.root + path + "?" + q.Encode()
}

// about is the user whose token this is.
func (d *drive) about(ctx context.Context) (person, error) {
	var a struct {
		User person `json:"user"`
	}
	err := d.svc.GetJSON(ctx, d.url("about", url.Values{"fields": {"user(displayName,emailAddress,me)"}}), &a, "find who you are on Google Drive")
	return a.User, err
}

// folder reads one folder by id: that it exists, is shared with the user
// and is a folder.
func (d *drive) folder(ctx context.Context, id string) (file, error) {
	var f file
	q := url.Values{"fields": {"name,mimeType,trashed"}, "supportsAllDrives": {"true"}}
	err := d.svc.GetJSON(ctx, d.url("files/"+url.PathEscape(id), q), &f, "read folder "+id)
	return f, err
}

// list reads one page of files.list for query q after the page token
// (in Drive's own order: the window engine takes the newest of a page,
// wherever it is).
func (d *drive) list(ctx context.Context, q, fields, token string, doing string) (fileList, error) {
	v := url.Values{
		"q":                         {q},
		"fields":                    {"nextPageToken,incompleteSearch,files(" + fields + ")"},
		"pageSize":                  {fmt.Sprint(filesPage)},
		"supportsAllDrives":         {"true"},
		"includeItemsFromAllDrives": {"true"},
		"corpora":                   {"allDrives"},
	}
	if token != "" {
		v.Set("pageToken", token)
	}
	var l fileList
	err := d.svc.GetJSON(ctx, d.url("files", v), &l, doing)
	return l, err
}

// inParents is a query clause for files directly in any of folders.
func inParents(folders []string) string {
	var or []string
	for _, f := range folders {
		or = append(or, quote(f)+" in parents")
	}
	return "(" + strings.Join(or, " or ") + ")"
}

// quote is a string literal of Drive's query language.
func quote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// driveTime is a time as Drive's query language takes it (RFC 3339, UTC).
func driveTime(t time.Time) string { return quote(t.UTC().Format("2006-01-02T15:04:05.000Z")) }

// revisions lists a document's revisions, oldest first.
func (d *drive) revisions(ctx context.Context, id string) ([]revision, error) {
	return all(ctx, d, "files/"+url.PathEscape(id)+"/revisions", "nextPageToken,revisions(modifiedTime,lastModifyingUser(displayName,emailAddress,me))",
		revisionsPage, "read the revisions of a document", func(l *revisionList) ([]revision, string) { return l.Revisions, l.NextPageToken })
}

// comments lists a document's comments and their replies (deleted ones
// left out).
func (d *drive) comments(ctx context.Context, id string) ([]comment, error) {
	return all(ctx, d, "files/"+url.PathEscape(id)+"/comments", "nextPageToken,comments(createdTime,resolved,deleted,author(displayName,emailAddress,me),replies(createdTime,deleted,author(displayName,emailAddress,me)))",
		commentsPage, "read the comments of a document", func(l *commentList) ([]comment, string) { return l.Comments, l.NextPageToken })
}

// all reads every page of a listing at path, asking for fields, size
// items a page; items says what a page (L) holds and its next token.
func all[T, L any](ctx context.Context, d *drive, path, fields string, size int, doing string, items func(*L) ([]T, string)) ([]T, error) {
	var out []T
	for token := ""; ; {
		v := url.Values{"fields": {fields}, "pageSize": {fmt.Sprint(size)}}
		if token != "" {
			v.Set("pageToken", token)
		}
		var l L
		if err := d.svc.GetJSON(ctx, d.url(path, v), &l, doing); err != nil {
			return nil, err
		}
		page, next := items(&l)
		out = append(out, page...)
		if token = next; token == "" {
			return out, nil
		}
	}
}

// headMax is how much of a document's text is read for its status: the
// title block and the first heading are at its top.
const headMax = 16 << 10

// head is the start of a document's text (files.export as text/plain).
func (d *drive) head(ctx context.Context, id string) (string, error) {
	return d.svc.GetText(ctx, d.url("files/"+url.PathEscape(id)+"/export", url.Values{"mimeType": {"text/plain"}}), headMax, "read the start of a document")
}
