package gdocstest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// The fake is as strict as Drive where a client can get it wrong; each
// case here is a mistake the fake must not forgive.
func TestDrive_IsAsStrictAsDrive(t *testing.T) {
	me := &Person{Name: "Alice", Email: "alice@acme.example"}
	carol := &Person{Name: "Carol", Email: "carol@acme.example"}
	d := New(me, "tok")
	defer d.Close()
	at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	d.Add(&File{ID: "folderA000", Name: "A", MimeType: Folder, Owner: carol, Created: at})
	d.Add(&File{ID: "shared0000", Name: "S", MimeType: Folder, DriveID: "shared0000", Created: at})
	doc := d.Add(&File{ID: "doc0000001", Name: "Doc", MimeType: Doc, Parent: "folderA000", Owner: carol, Created: at})
	d.Add(&File{ID: "doc0000002", Name: "In a shared drive", MimeType: Doc, Parent: "shared0000", DriveID: "shared0000", Created: at.Add(time.Hour)})
	d.Add(&File{ID: "sheet00001", Name: "Sheet", MimeType: Spreadsheet, Parent: "folderA000", Owner: carol, Created: at})
	d.AddComment(doc.ID, carol, at, false)

	get := func(path string, q url.Values, tok string) (int, map[string]any) {
		req, _ := http.NewRequest(http.MethodGet, d.URL()+"drive/v3/"+path+"?"+q.Encode(), nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		var m map[string]any
		json.Unmarshal(b, &m)
		return resp.StatusCode, m
	}
	files := func(m map[string]any) []map[string]any {
		var out []map[string]any
		for _, f := range m["files"].([]any) {
			out = append(out, f.(map[string]any))
		}
		return out
	}
	if code, _ := get("about", url.Values{"fields": {"user"}}, "wrong"); code != 401 {
		t.Errorf("a wrong token: %d", code)
	}
	if code, _ := get("about", nil, "tok"); code != 400 {
		t.Errorf("about without fields: %d", code)
	}
	// Without fields, a listing has id, name and mimeType only.
	_, m := get("files", url.Values{"q": {"'folderA000' in parents"}}, "tok")
	if f := files(m)[0]; f["modifiedTime"] != nil || f["id"] == nil {
		t.Errorf("files.list without fields answered %v", f)
	}
	// Shared drives need both flags; one of them is not enough.
	q := url.Values{"q": {"('folderA000' in parents or 'shared0000' in parents) and mimeType = '" + Doc + "'"}, "fields": {"files(id)"}, "supportsAllDrives": {"true"}}
	if _, m := get("files", q, "tok"); len(files(m)) != 1 {
		t.Errorf("a shared drive's document without includeItemsFromAllDrives: %v", m)
	}
	q.Set("includeItemsFromAllDrives", "true")
	if _, m := get("files", q, "tok"); len(files(m)) != 2 {
		t.Errorf("with both flags: %v", m)
	}
	for _, bad := range []url.Values{
		{"pageSize": {"1001"}},
		{"q": {"name contains 'x'"}},
		{"q": {"('folderA000' in parents"}},
		{"pageToken": {"forged"}},
	} {
		if code, _ := get("files", bad, "tok"); code != 400 {
			t.Errorf("%v: %d, want 400", bad, code)
		}
	}
	// Comments need fields, and never show an author's address.
	if code, _ := get("files/doc0000001/comments", nil, "tok"); code != 400 {
		t.Errorf("comments without fields: %d", code)
	}
	_, m = get("files/doc0000001/comments", url.Values{"fields": {"comments(author)"}}, "tok")
	if s, _ := json.Marshal(m); strings.Contains(string(s), "carol@") || !strings.Contains(string(s), "Carol") {
		t.Errorf("a comment's author: %s", s)
	}
	// A user who may only comment cannot list revisions.
	if code, m := get("files/doc0000001/revisions", url.Values{"fields": {"revisions(id)"}}, "tok"); code != 403 || !strings.Contains(jsonOf(m), "insufficientFilePermissions") {
		t.Errorf("revisions of another's document: %d %v", code, m)
	}
	// Page tokens page to the end, and a page is at most pageSize.
	q = url.Values{"q": {"trashed = false"}, "pageSize": {"2"}, "fields": {"nextPageToken,files(id)"}, "supportsAllDrives": {"true"}, "includeItemsFromAllDrives": {"true"}}
	n := 0
	for range 10 {
		_, m := get("files", q, "tok")
		n += len(files(m))
		tok, _ := m["nextPageToken"].(string)
		if tok == "" {
			break
		}
		q.Set("pageToken", tok)
	}
	if n != 5 {
		t.Errorf("paged through %d files, want 5", n)
	}
}

func jsonOf(v any) string { b, _ := json.Marshal(v); return string(b) }
