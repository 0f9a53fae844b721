package localapi

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/evident-sync/evident/classify"
	"github.com/evident-sync/evident/connectors"
	"github.com/evident-sync/evident/pipeline/store"
)

// serve runs h on a socket in a fresh data dir and dials it.
func serve(t *testing.T, h http.Handler) *Client {
	t.Helper()
	dir := t.TempDir()
	ln, err := Listen(dir)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	cl, err := Dial(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cl.Close() })
	return cl
}

func storeOf(t *testing.T, n int) *store.Store {
	t.Helper()
	st, err := store.Open(t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	at := time.Date(2026, 3, 2, 9, 0, 0, 123456000, time.UTC)
	var page []store.Ingest
	for i := range n {
		a := connectors.Artifact{Source: "github", SourceType: "github", Kind: connectors.KindReview, Key: fmt.Sprintf("github:acme/ledger#%d", i),
			Title: fmt.Sprintf("Ledger change %d", i), Roles: []connectors.Role{connectors.RoleReviewer}, OccurredAt: at.Add(time.Duration(i) * time.Hour),
			Activity: connectors.Activity{Rounds: []connectors.Round{{At: at, State: "APPROVED"}}, Paths: []string{"a.go", "b.go"}}}
		page = append(page, store.Ingest{Artifact: a, Class: classify.Result{Scope: classify.ScopeCrossTeam, Teams: []string{"payments"},
			Signals: classify.Signals{Kind: string(connectors.KindReview), Rounds: 1, Lines: 40}, Strength: classify.StrengthNotable}})
	}
	if _, err := st.Commit(context.Background(), "github", page, nil); err != nil {
		t.Fatal(err)
	}
	return st
}

// Through the daemon a scan yields the items the store holds, every field
// of them (JSON lost the signals' kind), in the store's order.
func TestScan_ThroughTheDaemonYieldsTheStoresItems(t *testing.T) {
	st := storeOf(t, 700)
	cl := serve(t, (&Server{Store: st}).Handler())
	f := store.Filter{States: []store.State{store.Suggested}, Since: time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC)}
	var want, got []store.Item
	st.Scan(context.Background(), f, func(it *store.Item) error { want = append(want, *it); return nil })
	if err := cl.Scan(context.Background(), f, func(it *store.Item) error { got = append(got, *it); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(want) < 600 {
		t.Fatalf("the filter kept %d items; the test needs most of 700", len(want))
	}
	if d := cmp.Diff(want, got, cmpopts.EquateEmpty()); d != "" {
		t.Errorf("through the daemon (-store +client):\n%s", d)
	}
}

// A daemon from before this command answers items as JSON it cannot read
// whole: the client says so in one sentence, not a garbled item.
func TestClient_AnOlderDaemonIsSaidInOneSentence(t *testing.T) {
	st := storeOf(t, 3)
	h := (&Server{Store: st}).Handler()
	older := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Header.Del("Accept") // it knows no records but the list's
		h.ServeHTTP(w, r)
	})
	cl := serve(t, older)
	var some store.Item
	st.Scan(context.Background(), store.Filter{Limit: 1}, func(it *store.Item) error { some = *it; return nil })
	if _, err := cl.Get(context.Background(), some.ID); err == nil || !strings.Contains(err.Error(), "older than this command: restart it") {
		t.Errorf("an older daemon's answer: %v", err)
	}
}

// A stream cut before its end mark is an error, not a short list.
func TestScan_AStreamCutShortIsAnError(t *testing.T) {
	st := storeOf(t, 5)
	h := (&Server{Store: st}).Handler()
	cl := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/records" {
			h.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Content-Type", RecordsType)
		var it store.Item
		st.Scan(r.Context(), store.Filter{Limit: 1}, func(x *store.Item) error { it = *x; return nil })
		rec := store.AppendRecord(nil, &it)
		w.Write(append(binary.AppendUvarint(nil, uint64(len(rec))), rec...)) // one record, no end mark
	}))
	err := cl.Scan(context.Background(), store.Filter{}, func(*store.Item) error { return nil })
	if err == nil {
		t.Error("a stream without its end mark was taken as complete")
	}
}

// A too-short ID through the daemon is the store's one sentence, its
// ending said once, and still store.ErrTooShort; an entry added through the
// daemon is in the store.
func TestClient_ErrorsAndAddThroughTheDaemon(t *testing.T) {
	st := storeOf(t, 3)
	cl := serve(t, (&Server{Store: st}).Handler())
	_, err := cl.Resolve(context.Background(), "ab")
	if !errors.Is(err, store.ErrTooShort) || strings.Count(err.Error(), "at least 4 characters") != 1 {
		t.Errorf("too short through the daemon: %v", err)
	}
	it := store.Item{ID: store.NewEntryID(), Artifact: connectors.Artifact{Source: "entry", SourceType: "entry", Kind: connectors.KindEntry,
		Title: "Led the game day", OccurredAt: time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)}}
	it.Artifact.Key = "entry:" + it.ID
	if _, err := cl.Add(context.Background(), it); err != nil {
		t.Fatal(err)
	}
	got, err := st.Get(context.Background(), it.ID)
	if err != nil || got.State != store.Confirmed || got.Title() != "Led the game day" {
		t.Errorf("the entry in the store: %+v, %v", got, err)
	}
}

// evident verify through the daemon reads the daemon's store and reports
// what the store itself would.
func TestVerify_ThroughTheDaemonReportsTheStore(t *testing.T) {
	st := storeOf(t, 40)
	cl := serve(t, (&Server{Store: st}).Handler())
	rep, err := cl.Verify(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Sound() || rep.Items != 40 || rep.Damages == nil {
		t.Errorf("through the daemon: %+v", rep)
	}
	if at, result, _ := st.LastVerify(context.Background()); at.IsZero() || result != "sound" {
		t.Errorf("the daemon's store does not remember the run: %v %q", at, result)
	}
}
