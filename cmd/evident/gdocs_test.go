package main

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/evident-sync/evident/connectors/gdocs/gdocstest"
)

// Google Docs through the binary: the first sync finds the user's part in
// each document; a decision survives the next sync, which also finds a
// comment written since; a quiet sync costs three requests; status and
// auth status name the source.
func TestE2E_GoogleDocs_DecisionsKeptNewCommentsFoundQuietSyncsCheap(t *testing.T) {
	now := time.Now().UTC().Truncate(time.Second)
	me := &gdocstest.Person{Name: "Alice Ng", Email: "alice@acme.example"}
	carol := &gdocstest.Person{Name: "Carol Diaz", Email: "carol@acme.example"}
	d := gdocstest.New(me, "ya29.e2e")
	defer d.Close()
	folder := d.Add(&gdocstest.File{ID: "1fPayRfcsFolder0000", Name: "Payments RFCs", MimeType: gdocstest.Folder, Owner: carol, Created: now.AddDate(0, -6, 0)})
	design := d.Add(&gdocstest.File{ID: "1fLedgerSplitDoc000", Name: "Ledger split (Accepted)", MimeType: gdocstest.Doc, Parent: folder.ID, Owner: carol,
		Created: now.AddDate(0, 0, -20), Revisions: []gdocstest.Revision{{By: carol, At: now.AddDate(0, 0, -20)}}})
	d.AddComment(design.ID, me, now.AddDate(0, 0, -15), true)
	other := d.Add(&gdocstest.File{ID: "1fRetriesDoc0000000", Name: "[Draft] Retries", MimeType: gdocstest.Doc, Parent: folder.ID, Owner: carol,
		Created: now.AddDate(0, 0, -3), Revisions: []gdocstest.Revision{{By: carol, At: now.AddDate(0, 0, -3)}}})
	cfg := writeConfig(t, fmt.Sprintf(`me: {name: Alice Ng, emails: [alice@acme.example], teams: [platform]}
data_dir: %s
org:
  teams:
    - {id: platform, name: Platform}
    - {id: payments, name: Payments, gdocs_folders: [%s], members: {names: [Carol Diaz]}}
sources:
  gdocs:
    - {name: docs, url: %q, folders: [%s], token_env: GOOGLE_T, since: %s}
`, filepath.Join(t.TempDir(), "data"), folder.ID, d.URL(), folder.ID, now.AddDate(-1, 0, 0).Format(time.DateOnly)))
	c := newCLI(t, "GOOGLE_T=ya29.e2e")
	if out, errs, code := c.run("--config", cfg, "sync"); code != 0 {
		t.Fatalf("sync: %d %s %s", code, out, errs)
	}
	items := c.list("--config", cfg)
	if len(items) != 1 || items[0].Key != "rfc:docs:"+design.ID || items[0].Scope != "cross-team" || items[0].Source != "docs" || items[0].Kind != "rfc" {
		t.Fatalf("after the first sync: %+v", items)
	}
	id := items[0].ID
	if _, errs, code := c.run("--config", cfg, "confirm", id, "--note", "my comment moved the ledger to two writers"); code != 0 {
		t.Fatalf("confirm: %s", errs)
	}
	before := d.Requests()["total"]
	if _, errs, code := c.run("--config", cfg, "sync"); code != 0 {
		t.Fatalf("quiet sync: %s", errs)
	}
	if n := d.Requests()["total"] - before; n != 3 {
		t.Errorf("a quiet sync made %d requests, want 3 (who you are; the folder's subfolders, none; the documents changed, none)", n)
	}
	c2 := d.AddComment(design.ID, me, now, false)
	d.AddReply(design.ID, c2, carol, now)
	d.AddComment(other.ID, me, now, false)
	if _, errs, code := c.run("--config", cfg, "sync"); code != 0 {
		t.Fatalf("sync after new comments: %s", errs)
	}
	items = c.list("--config", cfg)
	byKey := map[string]int{}
	for i, v := range items {
		byKey[v.Key] = i
	}
	first, ok := byKey["rfc:docs:"+design.ID]
	if !ok || items[first].State != "confirmed" || items[first].Note != "my comment moved the ledger to two writers" {
		t.Errorf("the confirmed document after a sync: %+v", items[first])
	}
	if i, ok := byKey["rfc:docs:"+other.ID]; !ok || items[i].State != "suggested" || !slices.Contains(items[i].Roles, "reviewer") {
		t.Errorf("the new comment's document: %+v", items)
	}
	// A source type filters like a source's name.
	if out, errs, code := c.run("--config", cfg, "list", "--source", "gdocs", "--json"); code != 0 || !strings.Contains(out, "rfc:docs:"+design.ID) {
		t.Errorf("list --source gdocs: %d %s %s", code, out, errs)
	}
	out, _, _ := c.run("--config", cfg, "status")
	if !strings.Contains(out, "docs") || !strings.Contains(out, "gdocs") {
		t.Errorf("status does not name the source:\n%s", out)
	}
	out, errs, code := c.run("--config", cfg, "auth", "status")
	if code != 0 || !strings.Contains(out, "Alice Ng (alice@acme.example)") {
		t.Errorf("auth status: %d\n%s%s", code, out, errs)
	}
	// Without a client, the sign-in says what to do; nothing is stored.
	_, errs, code = c.run("--config", cfg, "auth", "google", "--no-browser")
	if code == 0 || !strings.Contains(errs, "needs your OAuth client") {
		t.Errorf("auth google without a client: %d %s", code, errs)
	}
}
