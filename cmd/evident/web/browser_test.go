package web

import (
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/evident-sync/evident/pipeline/store"
)

// chromium finds Debian's Chromium. The test may skip only where it is
// absent and CI is unset; CI installs it.
func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is not installed; .ci/run installs it")
	}
	t.Skip("chromium is not installed (apt-get install chromium)")
	return ""
}

// newSignedInServer is newServer behind the login, as evident serves it:
// a browser signs in once with the token in the URL and keeps the session
// cookie for every page and API call after.
func newSignedInServer(t *testing.T) (*store.Store, *httptest.Server, string) {
	tf, err := OpenToken(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	tok, _ := tf.Load()
	_, st, srv := newServerWith(t, tf)
	return st, srv, tok
}

// browser starts a headless Chromium for one test.
func browser(t *testing.T) context.Context {
	bin := chromium(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin), chromedp.NoSandbox, chromedp.Headless, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true), chromedp.Flag("no-first-run", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1200, 1000))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	ctx, cancel = context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// TestBrowser_TriageByKeyboardAndClickThenTheReport drives the UI in a real
// Chromium: confirm with the keyboard, dismiss with a click, check the
// store, open the report and check the chart is drawn. Screenshots of the
// inbox and the report go to $EVIDENT_SCREENSHOTS when set.
func TestBrowser_TriageByKeyboardAndClickThenTheReport(t *testing.T) {
	ctx := browser(t)
	st, srv, tok := newSignedInServer(t)

	first := store.IDFor("github:acme/payments-api#1") // the week's strongest: selected on load
	second := store.IDFor("github:acme/platform-ci#4") // routine: folded until shown
	third := store.IDFor("github:acme/payments-api#2") // the week before's only, routine
	step := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	step("open the inbox", chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/inbox?token="+tok), chromedp.WaitVisible(`article.item.sel`)))
	inboxPNG, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	step("screenshot the inbox", err)
	step("confirm with c", chromedp.Do(ctx, chromedp.KeyEvent("c"), chromedp.WaitVisible(`article.item.done[data-id="`+first+`"]`)))
	hidden, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('article.item[data-id="`+second+`"]').closest("details:not([open])") !== null`))
	step("see routine items folded", err)
	if !hidden {
		t.Error("a routine item is not folded under its week's routine line")
	}
	_, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelectorAll("details.routine").forEach((d) => d.open = true), true`))
	step("show the routine items", err)
	step("see them", chromedp.Do(ctx, chromedp.WaitVisible(`article.item[data-id="`+second+`"]`)))
	step("dismiss with a click", chromedp.Do(ctx,
		chromedp.Click(`article.item[data-id="`+second+`"] button[data-action="dismiss"]`),
		chromedp.WaitVisible(`article.item.done.was-dismissed[data-id="`+second+`"]`)))
	step("note with n", chromedp.Do(ctx,
		chromedp.KeyEvent("n"),
		chromedp.WaitVisible(`article.item.sel form.note-form input`),
		chromedp.SendKeys(`article.item.sel form.note-form input`, "Unblocked the search launch"+kb.Enter),
		chromedp.WaitVisible(`article.item.sel .note`)))
	// u undoes the last decision: the dismissed item is back in the inbox.
	step("undo with u", chromedp.Do(ctx, chromedp.KeyEvent("u"),
		chromedp.WaitVisible(`article.item:not(.done)[data-id="`+second+`"]`)))
	if it, _ := st.Get(context.Background(), second); it.State != store.Suggested {
		t.Errorf("undo did not reach the store: %s", it.State)
	}
	step("dismiss again with a click", chromedp.Do(ctx,
		chromedp.Click(`article.item[data-id="`+second+`"] button[data-action="dismiss"]`),
		chromedp.WaitVisible(`article.item.done.was-dismissed[data-id="`+second+`"]`)))
	step("dismiss a week's routine items at once", chromedp.Do(ctx,
		chromedp.Click(`section.week[data-week="2026-W11"] button[data-bulk-routine="dismiss"]`),
		chromedp.WaitVisible(`article.item.done[data-id="`+third+`"]`)))
	if it, _ := st.Get(context.Background(), third); it.State != store.Dismissed {
		t.Errorf("dismiss all routine did not reach the store: %s", it.State)
	}
	count, err := chromedp.Run(ctx, chromedp.Text(`#inbox-count`))
	step("read the count", err)
	step("open the report", chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/report?all=1"), chromedp.WaitVisible(`svg.chart rect.seg`)))
	headline, err := chromedp.Run(ctx, chromedp.Text(`#headline`))
	step("read the headline", err)
	segments, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("svg.chart rect.seg").length`))
	step("count the bars", err)
	reportPNG, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	step("screenshot the report", err)
	bg := context.Background()
	if it, _ := st.Get(bg, first); it.State != store.Confirmed {
		t.Errorf("keyboard confirm did not reach the store: %s", it.State)
	}
	if it, _ := st.Get(bg, second); it.State != store.Dismissed {
		t.Errorf("click dismiss did not reach the store: %s", it.State)
	}
	noted := 0
	st.Scan(bg, store.Filter{}, func(it *store.Item) error {
		if it.User.Note == "Unblocked the search launch" {
			noted++
		}
		return nil
	})
	if noted != 1 {
		var notes []string
		st.Scan(bg, store.Filter{}, func(it *store.Item) error { notes = append(notes, it.ID+":"+it.User.Note); return nil })
		html, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerHTML`))
		t.Errorf("the note was saved on %d items, want 1: %v\n%s", noted, notes, html[:min(len(html), 3000)])
	}
	if strings.TrimSpace(count) != "1" {
		t.Errorf("inbox count %q, want 1", count)
	}
	if segments < 2 || !strings.Contains(headline, "other teams") {
		t.Errorf("chart: %d segments, headline %q", segments, headline)
	}
	if dir := os.Getenv("EVIDENT_SCREENSHOTS"); dir != "" {
		os.WriteFile(filepath.Join(dir, "inbox.png"), inboxPNG, 0o644)
		os.WriteFile(filepath.Join(dir, "report.png"), reportPNG, 0o644)
	}
}

// TestBrowser_ThisWeek opens the week page in a real Chromium: the week's
// suggestions strongest first with the triage keys, an outcome recorded on
// a follow-up due, the cross-team numbers and a criterion without evidence.
func TestBrowser_ThisWeek(t *testing.T) {
	ctx := browser(t)
	st, srv, tok := newSignedInServer(t)
	bg := context.Background()
	older := store.IDFor("github:acme/payments-api#2") // last week's: confirmed, follow-up due
	day := "2026-03-16"
	if _, err := st.Decide(bg, []string{older}, store.Decision{State: store.Confirmed, FollowUp: &day}); err != nil {
		t.Fatal(err)
	}
	first := store.IDFor("github:acme/payments-api#1") // the week's strongest
	step := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	step("open the inbox", chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/inbox?token="+tok), chromedp.WaitVisible(`p.followups-due`)))
	due, err := chromedp.Run(ctx, chromedp.Text(`p.followups-due`))
	step("read the follow-ups line", err)
	if !strings.HasPrefix(strings.TrimSpace(due), "1 follow-up due") {
		t.Errorf("inbox says %q", due)
	}
	step("open This week", chromedp.Do(ctx, chromedp.Click(`nav a[href="/week"]`), chromedp.WaitVisible(`#suggestions article.item.sel`)))
	order, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#suggestions article.item")).map((e) => e.dataset.id)`))
	step("read the order", err)
	if len(order) != 3 || order[0] != first {
		t.Errorf("suggestions %v, want 3 with %s (strongest) first", order, first)
	}
	step("confirm with c", chromedp.Do(ctx, chromedp.KeyEvent("c"), chromedp.WaitVisible(`article.item.done[data-id="`+first+`"]`)))
	step("record the outcome", chromedp.Do(ctx,
		chromedp.SendKeys(`.followup[data-id="`+older+`"] input[name="outcome"]`, "Refund errors down 90%"+kb.Enter),
		chromedp.WaitVisible(`.followup[data-id="`+older+`"] .outcome`)))
	gap, err := chromedp.Run(ctx, chromedp.Text(`#gaps li.gap[data-criterion="mentor"]`))
	step("read the gap", err)
	headline, err := chromedp.Run(ctx, chromedp.Text(`#week-headline`))
	step("read the cross-team line", err)
	if it, _ := st.Get(bg, first); it.State != store.Confirmed {
		t.Errorf("c on This week did not confirm: %s", it.State)
	}
	if it, _ := st.Get(bg, older); it.User.Outcome != "Refund errors down 90%" {
		t.Errorf("outcome %q", it.User.Outcome)
	}
	if !strings.Contains(gap, "Mentors engineers on other teams") {
		t.Errorf("gap %q", gap)
	}
	if !strings.Contains(headline, "you reviewed") {
		t.Errorf("cross-team line %q", headline)
	}
	if dir := os.Getenv("EVIDENT_SCREENSHOTS"); dir != "" {
		png, _ := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		os.WriteFile(filepath.Join(dir, "week.png"), png, 0o644)
	}
}

// TestBrowser_AddWhatLeftNoTraceAndRecordAnOutcome drives the weekly habit
// in a real Chromium: write down work that left no trace from This week's
// form, then record an outcome on the Evidence page with the keyboard, and
// find both in the store.
func TestBrowser_AddWhatLeftNoTraceAndRecordAnOutcome(t *testing.T) {
	ctx := browser(t)
	st, srv, tok := newSignedInServer(t)
	bg := context.Background()
	id := store.IDFor("github:acme/payments-api#1")
	if _, err := st.Decide(bg, []string{id}, store.Decision{State: store.Confirmed}); err != nil {
		t.Fatal(err)
	}
	step := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	step("open This week", chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/week?token="+tok), chromedp.WaitVisible(`form.entry-form input[name="title"]`)))
	step("fill in the form", chromedp.Do(ctx,
		chromedp.SendKeys(`form.entry-form input[name="title"]`, "Mentored Dana through her first design review"),
		chromedp.SetValue(`form.entry-form input[name="date"]`, now.Format(time.DateOnly)),
		chromedp.SendKeys(`form.entry-form input[name="note"]`, "She ran the next one alone"),
		chromedp.Click(`form.entry-form button[type="submit"]`)))
	var entry store.Item
	for deadline := time.Now().Add(10 * time.Second); entry.ID == "" && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		st.Scan(bg, store.Filter{Kind: "entry"}, func(it *store.Item) error { entry = *it; return nil })
	}
	if entry.Title() != "Mentored Dana through her first design review" || entry.State != store.Confirmed || entry.User.Note != "She ran the next one alone" {
		html, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerHTML`))
		t.Fatalf("the form's entry in the store: %+v\n%s", entry, html[:min(len(html), 2000)])
	}
	step("open the Evidence page", chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/evidence"),
		chromedp.WaitVisible(`article.item.evidence[data-id="`+entry.ID+`"]`),
		chromedp.WaitVisible(`article.item.evidence[data-id="`+id+`"]`)))
	step("select the review and press o", chromedp.Do(ctx,
		chromedp.Click(`article.item.evidence[data-id="`+id+`"] .summary`),
		chromedp.KeyEvent("o"),
		chromedp.WaitVisible(`article.item.evidence[data-id="`+id+`"] form.item-outcome-form input`)))
	step("type the outcome", chromedp.Do(ctx,
		chromedp.SendKeys(`article.item.evidence[data-id="`+id+`"] form.item-outcome-form input`, "p99 latency down 40%"+kb.Enter),
		chromedp.WaitVisible(`article.item.evidence[data-id="`+id+`"] .outcome`)))
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	step("screenshot the evidence", err)
	if it, _ := st.Get(bg, id); it.User.Outcome != "p99 latency down 40%" {
		t.Errorf("the outcome did not reach the store: %q", it.User.Outcome)
	}
	if dir := os.Getenv("EVIDENT_SCREENSHOTS"); dir != "" {
		os.WriteFile(filepath.Join(dir, "evidence.png"), shot, 0o644)
	}
}

// A browser that comes without the token (a bookmark, a new profile) gets
// the sign-in form; typing the token there opens the page it asked for.
func TestBrowser_SignInWithTheForm(t *testing.T) {
	ctx := browser(t)
	_, srv, tok := newSignedInServer(t)
	step := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	step("open the inbox without the token", chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/inbox"), chromedp.WaitVisible(`input#token`)))
	step("type the token", chromedp.Do(ctx, chromedp.SendKeys(`input#token`, tok+kb.Enter), chromedp.WaitVisible(`article.item.sel`)))
	url, err := chromedp.Run(ctx, chromedp.Location())
	step("read the address", err)
	if !strings.HasSuffix(url, "/inbox") {
		t.Errorf("after signing in the address is %s: the token should be gone from it", url)
	}
}
