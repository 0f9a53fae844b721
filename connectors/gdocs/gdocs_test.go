package gdocs

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/evident-sync/evident/config/credentials"
	"github.com/evident-sync/evident/connectors"
	"github.com/evident-sync/evident/connectors/connectorstest"
	"github.com/evident-sync/evident/connectors/gdocs/gdocstest"
	"github.com/evident-sync/evident/connectors/passtest"
)

// world is a small Drive: two configured folders (one in My Drive with a
// subfolder, one in a shared drive), documents the user owns, revised and
// commented on, and the things that never count beside them.
type world struct {
	drive                 *gdocstest.Drive
	me, carol, dave, erin *gdocstest.Person
	pay, sub, arch        *gdocstest.File
	owned, reviewed       *gdocstest.File
	revised, untouched    *gdocstest.File
	now                   time.Time
}

const token = "ya29.test-token"

func newWorld(t *testing.T) *world {
	t.Helper()
	w := &world{now: time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)}
	w.me = &gdocstest.Person{Name: "Alice Ng", Email: "alice@acme.example"}
	w.carol = &gdocstest.Person{Name: "Carol Diaz", Email: "carol@acme.example"}
	w.dave = &gdocstest.Person{Name: "Dave Okafor", Email: "dave@acme.example", HideEmail: true}
	w.erin = &gdocstest.Person{Name: "Erin Wu", Email: "erin@acme.example"}
	d := gdocstest.New(w.me, token)
	t.Cleanup(d.Close)
	w.drive = d
	day := func(n int) time.Time { return w.now.AddDate(0, 0, -n) }
	w.pay = d.Add(&gdocstest.File{ID: "1fPayFolder00000000", Name: "Payments RFCs", MimeType: gdocstest.Folder, Owner: w.carol, Created: day(300)})
	w.sub = d.Add(&gdocstest.File{ID: "1fPaySub00000000000", Name: "2026", MimeType: gdocstest.Folder, Parent: w.pay.ID, Owner: w.carol, Created: day(200)})
	w.arch = d.Add(&gdocstest.File{ID: "0AArchDrive00000000", Name: "Architecture", MimeType: gdocstest.Folder, DriveID: "0AArchDrive00000000", Created: day(300)})
	w.owned = d.Add(&gdocstest.File{Name: "Ledger split (Accepted)", MimeType: gdocstest.Doc, Parent: w.pay.ID, Owner: w.me, Created: day(40), Modified: day(9),
		Revisions: []gdocstest.Revision{{By: w.me, At: day(40)}, {By: w.me, At: day(30)}}})
	d.AddComment(w.owned.ID, w.carol, day(20), true)
	d.AddComment(w.owned.ID, w.dave, day(19), false)
	w.reviewed = d.Add(&gdocstest.File{Name: "[Draft] Payments retries", MimeType: gdocstest.Doc, Parent: w.sub.ID, Owner: w.carol, Created: day(12), Modified: day(3),
		Revisions: []gdocstest.Revision{{By: w.carol, At: day(12)}}})
	d.AddComment(w.reviewed.ID, w.me, day(10), true)
	d.AddComment(w.reviewed.ID, w.me, day(9), true)
	c := d.AddComment(w.reviewed.ID, w.me, day(8), false)
	d.Update(w.reviewed.ID, func(f *gdocstest.File) {
		c.Replies = append(c.Replies, gdocstest.Reply{By: w.carol, At: day(7)}, gdocstest.Reply{By: w.me, At: day(6)})
		f.Comments = append(f.Comments, &gdocstest.Comment{ID: "gone", By: w.me, At: day(5), Modified: day(5), Deleted: true})
	})
	w.revised = d.Add(&gdocstest.File{Name: "Event bus", MimeType: gdocstest.Doc, Parent: w.arch.ID, DriveID: w.arch.ID, Created: day(60), Modified: day(2),
		Body:      "Event bus: one for every service\r\n\r\nAuthors: Dave Okafor, Alice Ng\r\nStatus: Accepted\r\n\r\nContext\r\n",
		Revisions: []gdocstest.Revision{{By: w.dave, At: day(60)}, {By: w.me, At: day(2)}}})
	w.untouched = d.Add(&gdocstest.File{Name: "Someone else's plan", MimeType: gdocstest.Doc, Parent: w.pay.ID, Owner: w.carol, Created: day(5),
		Revisions: []gdocstest.Revision{{By: w.carol, At: day(5)}}})
	// Never counted: a spreadsheet and a PDF the user commented on, a
	// trashed document, a document outside the folders.
	sheet := d.Add(&gdocstest.File{Name: "Capacity", MimeType: gdocstest.Spreadsheet, Parent: w.pay.ID, Owner: w.me, Created: day(4)})
	d.AddComment(sheet.ID, w.me, day(4), false)
	pdf := d.Add(&gdocstest.File{Name: "Vendor.pdf", MimeType: gdocstest.PDF, Parent: w.pay.ID, Owner: w.carol, Created: day(4)})
	d.AddComment(pdf.ID, w.me, day(4), false)
	d.Add(&gdocstest.File{Name: "Old idea", MimeType: gdocstest.Doc, Parent: w.pay.ID, Owner: w.me, Created: day(4), Trashed: true})
	d.Add(&gdocstest.File{Name: "Personal notes", MimeType: gdocstest.Doc, Owner: w.me, Created: day(4)})
	return w
}

func (w *world) connector(t *testing.T, clock connectors.Clock, env string) *Connector {
	t.Helper()
	c, err := New(Config{Name: "docs", BaseURL: w.drive.URL(), Folders: []string{w.pay.ID, w.arch.ID}, Token: credentials.TokenSource{Env: env},
		Since: w.now.AddDate(-1, 0, 0), Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestFetch_RolesDatesSignalsAndPeople(t *testing.T) {
	for _, noMe := range []bool{false, true} {
		t.Run(fmt.Sprintf("me flags %v", !noMe), func(t *testing.T) { testRoles(t, noMe) })
	}
}

// testRoles: noMe leaves Drive's me flag out of every user but about's,
// so the user is known by address, or by name where Drive shows none.
func testRoles(t *testing.T, noMe bool) {
	w := newWorld(t)
	w.drive.NoMeFlags = noMe
	t.Setenv("GDOCS_T", token)
	sink := passtest.NewSink(nil)
	if err := sink.Pass(t, w.connector(t, connectorstest.NewClock(w.now), "GDOCS_T"), 50); err != nil {
		t.Fatal(err)
	}
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range sink.Got {
			yield(k)
		}
	})
	want := []string{"rfc:docs:" + w.owned.ID, "rfc:docs:" + w.reviewed.ID, "rfc:docs:" + w.revised.ID}
	slices.Sort(want)
	if !slices.Equal(keys, want) {
		t.Fatalf("items %v, want %v (spreadsheets, PDFs, trashed, outside and untouched documents never count)", keys, want)
	}
	owned := sink.Got["rfc:docs:"+w.owned.ID]
	if owned.Kind != connectors.KindRFC || owned.SourceType != "gdocs" || !slices.Equal(owned.Roles, []connectors.Role{connectors.RoleAuthor}) {
		t.Errorf("owned: kind %s type %s roles %v", owned.Kind, owned.SourceType, owned.Roles)
	}
	if owned.Title != "Ledger split (Accepted)" || owned.Activity.State != "accepted" || !strings.HasPrefix(owned.URL, "https://docs.google.com/document/d/") {
		t.Errorf("owned: title %q status %q url %q", owned.Title, owned.Activity.State, owned.URL)
	}
	// The owner's date is their own latest part: the last revision, not
	// the comments others left later.
	if want := w.now.AddDate(0, 0, -30); !owned.OccurredAt.Equal(want) || owned.Container != w.pay.ID {
		t.Errorf("owned: date %s (want %s), container %s", owned.OccurredAt, want, owned.Container)
	}
	// Drive never shows a commenter's address: on the user's own document
	// both are known by name.
	if !slices.Contains(owned.Counterparts, connectors.Identity{System: "name", ID: "Carol Diaz", Role: connectors.RoleReviewer}) ||
		!slices.Contains(owned.Counterparts, connectors.Identity{System: "name", ID: "Dave Okafor", Role: connectors.RoleReviewer}) {
		t.Errorf("owned: counterparts %+v", owned.Counterparts)
	}
	rev := sink.Got["rfc:docs:"+w.reviewed.ID]
	if !slices.Equal(rev.Roles, []connectors.Role{connectors.RoleReviewer}) || rev.Activity.Comments != 4 || rev.Activity.CommentsAddressed != 2 {
		t.Errorf("reviewed: roles %v, comments %d (want 4: three and a reply, the deleted one not), resolved %d (want 2)", rev.Roles, rev.Activity.Comments, rev.Activity.CommentsAddressed)
	}
	if want := w.now.AddDate(0, 0, -6); !rev.OccurredAt.Equal(want) || rev.Activity.State != "draft" || rev.Container != w.pay.ID {
		t.Errorf("reviewed: date %s (want the reply's, %s), status %q, container %s (want the configured folder above the subfolder)", rev.OccurredAt, want, rev.Activity.State, rev.Container)
	}
	if !slices.ContainsFunc(rev.Counterparts, func(i connectors.Identity) bool {
		return i.ID == "carol@acme.example" && i.Role == connectors.RoleAuthor
	}) {
		t.Errorf("reviewed: the owner is not a counterpart: %+v", rev.Counterparts)
	}
	// A shared drive's document: nobody owns it; a revision makes the
	// user an author.
	sh := sink.Got["rfc:docs:"+w.revised.ID]
	if !slices.Equal(sh.Roles, []connectors.Role{connectors.RoleAuthor}) || sh.Container != w.arch.ID || !sh.OccurredAt.Equal(w.now.AddDate(0, 0, -2)) {
		t.Errorf("shared drive: roles %v container %s date %s", sh.Roles, sh.Container, sh.OccurredAt)
	}
	// Its title says no status; its header does.
	if sh.Activity.State != "accepted" || sh.ContainerName != "Architecture" {
		t.Errorf("shared drive: status %q (from the document's top), folder %q", sh.Activity.State, sh.ContainerName)
	}
	if len(sink.Problems) > 0 {
		t.Errorf("problems: %v", sink.Problems)
	}
}

// A comment the user adds after a sync is found by the next sync (Drive
// moves no edit time for a comment, but the user had the document open),
// and a quiet poll costs about.get, the folder tree (a request per level)
// and one listing, no comment read.
func TestFetch_NextSyncFindsANewCommentAndAQuietPollIsCheap(t *testing.T) {
	for _, tc := range []struct {
		name string
		old  bool // a server that refuses viewedByMeTime and moves the edit time
	}{{"drive", false}, {"without viewedByMeTime", true}} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			w.drive.NoViewedQuery, w.drive.BumpOnComment = tc.old, tc.old
			t.Setenv("GDOCS_T", token)
			clock := connectorstest.NewClock(w.now)
			c := w.connector(t, clock, "GDOCS_T")
			sink := passtest.NewSink(nil)
			if err := sink.Pass(t, c, 50); err != nil {
				t.Fatal(err)
			}
			clock.Advance(time.Hour)
			before := w.drive.Requests()
			if err := sink.Pass(t, c, 50); err != nil {
				t.Fatal(err)
			}
			after := w.drive.Requests()
			// Who the user is; two levels of folders (the configured ones,
			// then the subfolder) and the empty level below; one listing of
			// documents.
			if got := after["total"] - before["total"]; got != 4 || after["comments.list"] != before["comments.list"] {
				t.Errorf("a quiet poll made %d requests (%d comment listings); want 4 and none", got, after["comments.list"]-before["comments.list"])
			}
			w.drive.AddComment(w.untouched.ID, w.me, clock.Now(), false)
			clock.Advance(time.Hour)
			before = w.drive.Requests()
			if err := sink.Pass(t, c, 50); err != nil {
				t.Fatal(err)
			}
			got, ok := sink.Got["rfc:docs:"+w.untouched.ID]
			if !ok || !got.HasRole(connectors.RoleReviewer) || !got.OccurredAt.Equal(clock.Now().Add(-time.Hour)) {
				t.Fatalf("the new comment was not found: %+v", got)
			}
			// Only the document that changed is read again.
			if n := w.drive.Requests()["comments.list"] - before["comments.list"]; n != 1 {
				t.Errorf("%d comment listings for one changed document", n)
			}
		})
	}
}

// One 429 and one 403 rateLimitExceeded are waited out; a 401 says which
// token was refused, and the token is read again on the next request (a
// token_command runs again).
func TestFetch_RateLimitsAreWaitedAndA401ReadsTheTokenAgain(t *testing.T) {
	w := newWorld(t)
	w.drive.Fail429, w.drive.Fail403Rate = 1, 1
	clock := connectorstest.NewClock(w.now)
	dir := t.TempDir()
	tokFile := filepath.Join(dir, "tok")
	os.WriteFile(tokFile, []byte("ya29.stale"), 0o600)
	c, err := New(Config{Name: "docs", BaseURL: w.drive.URL(), Folders: []string{w.pay.ID}, Token: credentials.TokenSource{Command: "cat " + tokFile},
		Since: w.now.AddDate(-1, 0, 0), Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	sink := passtest.NewSink(nil)
	err = sink.Pass(t, c, 50)
	if !errors.Is(err, connectors.ErrAuth) || !strings.Contains(err.Error(), "Google Drive rejected") || strings.Contains(err.Error(), "ya29") {
		t.Fatalf("a stale token: %v", err)
	}
	os.WriteFile(tokFile, []byte(token), 0o600)
	if err := sink.Pass(t, c, 50); err != nil {
		t.Fatalf("after the token was replaced: %v", err)
	}
	if sl := clock.Sleeps(); !slices.Equal(sl, []time.Duration{time.Second, 2 * time.Second}) {
		t.Errorf("waits %v: want a second, then two (Google's exponential backoff)", sl)
	}
	if len(sink.Got) != 2 {
		t.Errorf("got %d items from the payments folder, want 2", len(sink.Got))
	}
}

func TestFetch_AFolderNotSharedIsSaid(t *testing.T) {
	w := newWorld(t)
	t.Setenv("GDOCS_T", token)
	c, _ := New(Config{Name: "docs", BaseURL: w.drive.URL(), Folders: []string{"1fNoSuchFolder00000"}, Token: credentials.TokenSource{Env: "GDOCS_T"},
		Since: w.now.AddDate(-1, 0, 0), Clock: connectorstest.NewClock(w.now)})
	sink := passtest.NewSink(nil)
	if err := sink.Pass(t, c, 10); err != nil {
		t.Fatal(err)
	}
	if len(sink.Problems) != 1 || !strings.Contains(sink.Problems[0], "1fNoSuchFolder00000 was not found, or is not shared with you") {
		t.Errorf("problems %v", sink.Problems)
	}
}

func TestStatusOf_ReadsTheTitle(t *testing.T) {
	for title, want := range map[string]string{
		"[Draft] Ledger split": "draft", "Ledger split (Accepted)": "accepted", "REJECTED: Ledger split": "rejected",
		"Ledger split — withdrawn": "withdrawn", "RFC 12: Ledger split [status: in review]": "in review",
		"Drafting guidelines": "", "Accepted practices for on-call": "", "Ledger split": "",
	} {
		if got := statusOf(title); got != want {
			t.Errorf("statusOf(%q) = %q, want %q", title, got, want)
		}
	}
}

func TestStatusOfText_ReadsTheTopOfTheDocument(t *testing.T) {
	for text, want := range map[string]string{
		"\ufeffLedger split\r\n\r\nStatus: Accepted\r\n":                       "accepted",
		"[Draft] Ledger split\nStatus: accepted\n":                             "draft",
		"Ledger split\n| RFC status | In review |\nOwner: Carol\n":             "",
		"Ledger split\nRFC status: under review\n":                             "in review",
		"Ledger split\n" + strings.Repeat("text\n", 40) + "Status: Rejected\n": "",
		"Ledger split\nWe accepted the risk.\n":                                "",
	} {
		if got := statusOfText(text); got != want {
			t.Errorf("statusOfText(%q) = %q, want %q", text, got, want)
		}
	}
}

func TestCheck_NamesTheUser(t *testing.T) {
	w := newWorld(t)
	t.Setenv("GDOCS_T", token)
	got, err := w.connector(t, connectorstest.NewClock(w.now), "GDOCS_T").Check(context.Background())
	if err != nil || got != "Alice Ng (alice@acme.example)" {
		t.Errorf("Check = %q, %v", got, err)
	}
}

// Drive may hand back fewer files than a page asks for, and a page token
// may expire between two Fetches: every document is still found, once.
func TestFetch_ShortPagesAndAnExpiredPageToken(t *testing.T) {
	w := newWorld(t)
	w.drive.PageCap, w.drive.ExpireTokens = 1, 1
	t.Setenv("GDOCS_T", token)
	sink := passtest.NewSink(nil)
	if err := sink.Pass(t, w.connector(t, connectorstest.NewClock(w.now), "GDOCS_T"), 100); err != nil {
		t.Fatal(err)
	}
	if len(sink.Got) != 3 || sink.Ingested != 3 {
		t.Errorf("%d documents, %d delivered; want 3 and 3", len(sink.Got), sink.Ingested)
	}
}

// A long discussion is read through every page of comments (100 a page).
func TestFetch_EveryPageOfALongDiscussion(t *testing.T) {
	w := newWorld(t)
	for i := range 250 {
		w.drive.AddComment(w.untouched.ID, w.me, w.now.Add(-time.Duration(i+1)*time.Minute), i%5 == 0)
	}
	t.Setenv("GDOCS_T", token)
	sink := passtest.NewSink(nil)
	if err := sink.Pass(t, w.connector(t, connectorstest.NewClock(w.now), "GDOCS_T"), 50); err != nil {
		t.Fatal(err)
	}
	a := sink.Got["rfc:docs:"+w.untouched.ID]
	if a.Activity.Comments != 250 || a.Activity.CommentsAddressed != 50 {
		t.Errorf("comments %d (want 250), resolved %d (want 50)", a.Activity.Comments, a.Activity.CommentsAddressed)
	}
	if n := w.drive.Requests()["comments.list"]; n < 3 {
		t.Errorf("%d comment listings for 250 comments", n)
	}
}
