package localapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/evident-sync/evident/classify"
	"github.com/evident-sync/evident/config"
	"github.com/evident-sync/evident/pipeline/store"
)

func call(t *testing.T, h http.Handler, method, path, body string, hdr ...string) (int, string, http.Header) {
	t.Helper()
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	b, _ := io.ReadAll(w.Result().Body)
	return w.Code, string(b), w.Result().Header
}

// One handler answers an item call two ways: the contract's item JSON
// (what `list --json` prints) for a page or a script, and the whole item
// as the store keeps it for the CLI, which runs the store's own code.
func TestAPI_AnItemIsTheContractsItemInJSONAndWholeInRecords(t *testing.T) {
	st := storeOf(t, 3)
	h := (&Server{Store: st}).Handler()
	var it store.Item
	st.Scan(context.Background(), store.Filter{Limit: 1}, func(x *store.Item) error { it = *x; return nil })

	code, body, hdr := call(t, h, "GET", "/v1/items/"+it.ID, "")
	want := it.View(nil)
	if code != 200 || hdr.Get("Content-Type") != "application/json" || body != string(want.AppendJSON(nil))+"\n" {
		t.Errorf("an item in JSON: %d %s\nwant %s", code, body, want.AppendJSON(nil))
	}
	code, list, _ := call(t, h, "GET", "/v1/items?state=all", "")
	var views []store.View
	if err := json.Unmarshal([]byte(list), &views); err != nil || code != 200 || len(views) != 3 || views[0].ScopeReason != it.ScopeReason() {
		t.Errorf("the list in JSON: %d %v %s", code, err, list)
	}
	if strings.Contains(list, `"artifact"`) || strings.Contains(list, `"class"`) {
		t.Errorf("the JSON list carries the store's own fields: %s", list)
	}

	cl := serve(t, h)
	got, err := cl.Get(context.Background(), it.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(it, got, cmpopts.EquateEmpty()); d != "" {
		t.Errorf("an item through the client (-store +client):\n%s", d)
	}
	decided, err := cl.Decide(context.Background(), []string{it.ID}, store.Decision{State: store.Confirmed})
	if err != nil || len(decided) != 1 || decided[0].State != store.Confirmed || decided[0].Artifact.Activity.Paths[1] != "b.go" {
		t.Errorf("a decision through the client: %+v, %v", decided, err)
	}
}

// An entry written in words (a page's form, a script) is read by evident
// add's rules: a day in the future is refused in one sentence, and a good
// one is stored and answered as the contract's item.
func TestAPI_AnEntryInWordsFollowsAddsRules(t *testing.T) {
	st := storeOf(t, 1)
	now := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	h := (&Server{Store: st, Org: classify.NewOrg(&config.Config{}), Now: func() time.Time { return now }}).Handler()
	code, body, _ := call(t, h, "POST", "/v1/add", `{"title":"Led the game day","date":"2026-03-11"}`)
	if code != 400 || !strings.Contains(body, "is in the future") || !strings.Contains(body, `"kind":"bad_request"`) {
		t.Errorf("a future day: %d %s", code, body)
	}
	code, body, _ = call(t, h, "POST", "/v1/add", `{"title":"Led the game day","date":"2026-03-09","domain":"org-leverage","follow_up":"6w"}`)
	var v store.View
	if err := json.Unmarshal([]byte(body), &v); err != nil || code != 200 || v.Kind != "entry" || v.Domain != "org-leverage" || v.FollowUp != "2026-04-21" {
		t.Fatalf("an entry: %d %s", code, body)
	}
	if it, err := st.Get(context.Background(), v.ID); err != nil || it.State != store.Confirmed {
		t.Errorf("the entry in the store: %s %v", it.State, err)
	}
	if code, body, _ := call(t, h, "POST", "/v1/add", `{"title":`); code != 400 || !strings.Contains(body, "malformed entry") {
		t.Errorf("a malformed entry: %d %s", code, body)
	}
}

// An edit is read as people write it wherever it comes from: a follow-up
// of "6w" is a day, an unknown scope is refused and changes nothing.
func TestAPI_AnEditIsReadAsPeopleWriteIt(t *testing.T) {
	st := storeOf(t, 1)
	now := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	h := (&Server{Store: st, Now: func() time.Time { return now }}).Handler()
	var it store.Item
	st.Scan(context.Background(), store.Filter{}, func(x *store.Item) error { it = *x; return nil })
	if code, body, _ := call(t, h, "POST", "/v1/edit", `{"id":"`+it.ID+`","scope":"galaxy","note":"n"}`); code != 400 || !strings.Contains(body, "galaxy") {
		t.Errorf("an unknown scope: %d %s", code, body)
	}
	if got, _ := st.Get(context.Background(), it.ID); got.User.Note != "" {
		t.Errorf("a refused edit wrote the note %q", got.User.Note)
	}
	code, body, _ := call(t, h, "POST", "/v1/edit", `{"id":"`+it.ID+`","follow_up":"6w"}`)
	if code != 200 || !strings.Contains(body, `"follow_up":"2026-04-21"`) {
		t.Errorf("a follow-up of 6w: %d %s", code, body)
	}
}

// A person's page gets the calls it uses, never the whole-store ones:
// backup, verify, forget and sync answer only on the socket.
func TestAPI_RoutesLeaveTheWholeStoreCallsToTheSocket(t *testing.T) {
	st := storeOf(t, 2)
	mux := http.NewServeMux()
	(&Server{Store: st}).Routes(mux)
	for _, r := range [][2]string{{"GET", "/v1/backup"}, {"POST", "/v1/verify"}, {"POST", "/v1/forget"}, {"POST", "/v1/sync"}, {"GET", "/v1/records"}} {
		if code, _, _ := call(t, mux, r[0], r[1], `{"source":"github"}`); code != 404 {
			t.Errorf("%s %s on a page's routes: %d, want 404", r[0], r[1], code)
		}
	}
	if n, _ := st.CountState(context.Background(), store.Suggested); n != 2 {
		t.Errorf("the store lost items: %d", n)
	}
	if code, body, _ := call(t, mux, "GET", "/v1/counts?state=suggested", ""); code != 200 || strings.TrimSpace(body) != `{"suggested":2}` {
		t.Errorf("the inbox's count: %d %s", code, body)
	}
}

// failing is a store whose reads fail with words a page must not show.
type failing struct{ *store.Store }

func (failing) Get(context.Context, string) (store.Item, error) {
	return store.Item{}, errors.New("read /home/alice/.local/share/evident/000042.vlog: input/output error")
}

// Behind the web (Public) the store's own failure is one sentence without
// its path, and is logged; on the socket the CLI hears it whole.
func TestAPI_PublicSaysNoPathOfTheStore(t *testing.T) {
	st := failing{storeOf(t, 1)}
	_, body, _ := call(t, (&Server{Store: st, Public: true}).Handler(), "GET", "/v1/items/0123456789ab", "")
	if strings.Contains(body, "/home/alice") || !strings.Contains(body, "see the daemon's log") {
		t.Errorf("a public failure: %s", body)
	}
	_, body, _ = call(t, (&Server{Store: st}).Handler(), "GET", "/v1/items/0123456789ab", "")
	if !strings.Contains(body, "input/output error") {
		t.Errorf("the socket's failure: %s", body)
	}
}

// The names the page used before /v1 still answer as they did, through
// the one API's handlers: a script written against them keeps working.
func TestAPI_OlderNamesAnswerAsTheyDid(t *testing.T) {
	st := storeOf(t, 3)
	mux := http.NewServeMux()
	(&Server{Store: st}).OlderRoutes(mux)
	var ids []string
	st.Scan(context.Background(), store.Filter{}, func(it *store.Item) error { ids = append(ids, it.ID); return nil })
	code, body, _ := call(t, mux, "POST", "/api/items/"+ids[0]+"/decide", `{"state":"confirmed","note":"n"}`)
	if code != 200 || !strings.HasPrefix(body, `{"id":"`+ids[0]+`","state":"confirmed"`) {
		t.Errorf("decide by its older name: %d %s", code, body)
	}
	code, body, _ = call(t, mux, "POST", "/api/dismiss", `{"ids":["`+ids[1]+`","`+ids[2]+`"]}`)
	if code != 200 || strings.TrimSpace(body) != `{"dismissed":2}` {
		t.Errorf("dismiss by its older name: %d %s", code, body)
	}
	if code, body, _ := call(t, mux, "GET", "/api/items?state=all", ""); code != 200 || strings.Count(body, `"id":`) != 3 {
		t.Errorf("the list by its older name: %d %s", code, body)
	}
}

// Only an entry is added: a record of any other item is refused on the
// socket, and a page (Public) may not send records at all.
func TestAPI_AddTakesEntriesOnly(t *testing.T) {
	st := storeOf(t, 1)
	var review store.Item
	st.Scan(context.Background(), store.Filter{}, func(x *store.Item) error { review = *x; return nil })
	review.ID, review.Artifact.Key = "0123456789ab", "github:acme/forged#1"
	var b bytes.Buffer
	rw := newRecordWriter(&b)
	rw.add(&review)
	rw.close()
	for _, public := range []bool{false, true} {
		h := (&Server{Store: st, Public: public}).Handler()
		if code, body, _ := call(t, h, "POST", "/v1/add", b.String(), "Content-Type", RecordsType); code != 400 {
			t.Errorf("public %v: a forged review added: %d %s", public, code, body)
		}
	}
	if _, err := st.Get(context.Background(), "0123456789ab"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the forged item is in the store: %v", err)
	}
}

// scanFailing is a store whose listing fails after its first item.
type scanFailing struct{ *store.Store }

func (s scanFailing) Scan(ctx context.Context, f store.Filter, fn func(*store.Item) error) error {
	n := 0
	err := s.Store.Scan(ctx, f, func(it *store.Item) error {
		if n++; n > 1 {
			return errors.New("read 000042.vlog: input/output error")
		}
		return fn(it)
	})
	return err
}

// A listing that fails half-way is cut short where the reader sees it: the
// record stream lacks its end mark, so the CLI says so rather than taking
// a short list; the JSON array ends where it stopped.
func TestAPI_AListingThatFailsHalfWayIsCutShort(t *testing.T) {
	st := scanFailing{storeOf(t, 3)}
	h := (&Server{Store: st}).Handler()
	cl := serve(t, h)
	n := 0
	if err := cl.Scan(context.Background(), store.Filter{}, func(*store.Item) error { n++; return nil }); err == nil || !strings.Contains(err.Error(), "cut the list short") {
		t.Errorf("through the client: %d items, %v", n, err)
	}
	var views []store.View
	_, body, _ := call(t, h, "GET", "/v1/items", "")
	if err := json.Unmarshal([]byte(body), &views); err != nil || len(views) != 1 {
		t.Errorf("the JSON list: %v, %s", err, body)
	}
}

// A request that is not the JSON a call takes is one sentence naming the
// field, never Go's own words for it.
func TestAPI_AMalformedRequestIsASentenceForAPerson(t *testing.T) {
	h := (&Server{Store: storeOf(t, 1)}).Handler()
	for body, want := range map[string]string{
		`{"ids":"abcd","state":"confirmed"}`: `malformed decision: \"ids\" is not a list`,
		`{"ids":["abcd"],"state":`:           `malformed decision: it is not a JSON object`,
	} {
		code, got, _ := call(t, h, "POST", "/v1/decide", body)
		if code != 400 || !strings.Contains(got, want) || strings.Contains(got, "Go struct") {
			t.Errorf("%s: %d %s", body, code, got)
		}
	}
}
