package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	badger "github.com/dgraph-io/badger/v4"
	"github.com/google/go-cmp/cmp"

	"github.com/evident-sync/evident/classify"
	"github.com/evident-sync/evident/connectors"
)

var base = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func artifact(i int, rev int) Ingest {
	key := fmt.Sprintf("github:acme/repo%d#%d", i%7, i)
	return Ingest{
		Artifact: connectors.Artifact{
			Source: "github", SourceType: "github", Kind: connectors.KindReview, Key: key,
			URL:       fmt.Sprintf("https://github.com/acme/repo%d/pull/%d", i%7, i),
			Title:     fmt.Sprintf("PR %d rev %d", i, rev),
			Container: fmt.Sprintf("acme/repo%d", i%7),
			Roles:     []connectors.Role{connectors.RoleReviewer},
			Activity:  connectors.Activity{Comments: rev, Rounds: []connectors.Round{{At: base.Add(time.Duration(i) * time.Hour), State: "APPROVED"}}},
			// A re-sync may move the date: indexes must follow.
			OccurredAt: base.Add(time.Duration(i)*time.Hour + time.Duration(rev)*time.Minute),
			UpdatedAt:  base.Add(time.Duration(i+rev) * time.Hour),
		},
		Class: classify.Result{
			Scope: classify.ScopeCrossTeam, ScopeReason: fmt.Sprintf("rev %d reason", rev),
			Teams: []string{"payments"}, Domain: classify.DomainCrossTeamInfluence,
			Summary: fmt.Sprintf("Reviewed #%d rev %d", i, rev),
		},
	}
}

func page(n, rev int) []Ingest {
	out := make([]Ingest, n)
	for i := range out {
		out[i] = artifact(i, rev)
	}
	return out
}

func openTemp(t testing.TB, dir string) *Store {
	t.Helper()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	return s
}

func ptr[T any](v T) *T { return &v }

func TestCommit_ResyncKeepsDecisionsAndRefreshesFacts(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openTemp(t, dir)
	st, err := s.Commit(ctx, "github", page(1000, 1), connectors.Cursor("c1"))
	if err != nil {
		t.Fatal(err)
	}
	if st.New != 1000 {
		t.Fatalf("new = %d, want 1000", st.New)
	}
	id := func(i int) string { return IDFor(artifact(i, 0).Artifact.Key) }
	// Decisions and edits on a spread of items.
	want := map[string]func(*Item) string{}
	for i := 0; i < 1000; i += 10 {
		switch i % 40 {
		case 0:
			if _, err := s.Decide(ctx, []string{id(i)}, Decision{State: Confirmed, Note: ptr(fmt.Sprintf("saved $%d", i))}); err != nil {
				t.Fatal(err)
			}
			note := fmt.Sprintf("saved $%d", i)
			want[id(i)] = func(it *Item) string {
				return check(it.State == Confirmed && it.User.Note == note, "confirmed with note")
			}
		case 10:
			if _, err := s.Decide(ctx, []string{id(i)}, Decision{State: Dismissed, Reason: ptr("not mine")}); err != nil {
				t.Fatal(err)
			}
			want[id(i)] = func(it *Item) string {
				return check(it.State == Dismissed && it.User.DismissReason == "not mine", "dismissed with reason")
			}
		case 20:
			if _, err := s.Edit(ctx, id(i), Edit{Title: ptr("My title"), Scope: ptr(classify.ScopeOrg), Domain: ptr(classify.DomainInitiative)}); err != nil {
				t.Fatal(err)
			}
			want[id(i)] = func(it *Item) string {
				return check(it.State == Suggested && it.Title() == "My title" && it.Scope() == classify.ScopeOrg &&
					it.Domain() == classify.DomainInitiative && it.Class.ScopeReason == "rev 2 reason", "edited, still suggested, reclassified underneath")
			}
		case 30:
			if _, err := s.Decide(ctx, []string{id(i)}, Decision{State: Confirmed}); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Decide(ctx, []string{id(i)}, Decision{State: Suggested}); err != nil {
				t.Fatal(err)
			}
			want[id(i)] = func(it *Item) string {
				return check(it.State == Suggested && it.Class.ScopeReason == "rev 2 reason", "reopened")
			}
		}
	}

	verify := func(s *Store) {
		t.Helper()
		n := 0
		err := s.Scan(ctx, Filter{}, func(it *Item) error {
			n++
			i := 0
			fmt.Sscanf(it.Artifact.Title, "PR %d", &i)
			if it.Artifact.Title != fmt.Sprintf("PR %d rev 2", i) || it.Artifact.Activity.Comments != 2 {
				t.Errorf("%s: facts not refreshed: %q", it.ID, it.Artifact.Title)
			}
			if w, ok := want[it.ID]; ok {
				if msg := w(it); msg != "" {
					t.Errorf("%s (PR %d): %s: %+v", it.ID, i, msg, it.User)
				}
			} else if it.State != Suggested || it.Class.ScopeReason != "rev 2 reason" {
				t.Errorf("%s: untouched item should be suggested and reclassified, got %s %q", it.ID, it.State, it.Class.ScopeReason)
			}
			if it.State != Suggested && it.Class.ScopeReason != "rev 1 reason" {
				t.Errorf("%s: decided item re-classified: %q", it.ID, it.Class.ScopeReason)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if n != 1000 {
			t.Errorf("scan saw %d items, want 1000 (no duplicates, nothing lost)", n)
		}
		counts := map[State]int{}
		for _, state := range States {
			s.Scan(ctx, Filter{States: []State{state}}, func(*Item) error { counts[state]++; return nil })
		}
		if d := cmp.Diff(map[State]int{Confirmed: 25, Dismissed: 25, Suggested: 950}, counts); d != "" {
			t.Errorf("state index counts (-want +got):\n%s", d)
		}
	}

	st, err = s.Commit(ctx, "github", page(1000, 2), connectors.Cursor("c2"))
	if err != nil {
		t.Fatal(err)
	}
	if st.Updated != 1000 || st.New != 0 {
		t.Fatalf("re-ingest stats %+v, want 1000 updated", st)
	}
	verify(s)
	// Ingesting the same page again changes nothing.
	if st, err = s.Commit(ctx, "github", page(1000, 2), connectors.Cursor("c2")); err != nil || st.Unchanged != 1000 {
		t.Fatalf("third ingest: %+v, %v; want all unchanged", st, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openTemp(t, dir)
	defer s.Close()
	verify(s)
	if c, _ := s.Cursor(ctx, "github"); string(c) != "c2" {
		t.Errorf("cursor = %q, want c2", c)
	}
}

func check(ok bool, what string) string {
	if ok {
		return ""
	}
	return "want " + what
}

func TestCommit_DismissedStaysDismissedWhenUpstreamChanges(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t, t.TempDir())
	defer s.Close()
	a := artifact(1, 1)
	if _, err := s.Commit(ctx, "github", []Ingest{a}, nil); err != nil {
		t.Fatal(err)
	}
	id := IDFor(a.Artifact.Key)
	if _, err := s.Decide(ctx, []string{id}, Decision{State: Dismissed}); err != nil {
		t.Fatal(err)
	}
	a = artifact(1, 5)
	a.Class.Scope = classify.ScopeOrg
	if _, err := s.Commit(ctx, "github", []Ingest{a}, nil); err != nil {
		t.Fatal(err)
	}
	it, err := s.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if it.State != Dismissed || it.Scope() != classify.ScopeCrossTeam || it.Artifact.Title != "PR 1 rev 5" {
		t.Errorf("got state %s scope %s title %q; want dismissed, cross-team, refreshed title", it.State, it.Scope(), it.Artifact.Title)
	}
	n := 0
	s.Scan(ctx, Filter{States: []State{Suggested}}, func(*Item) error { n++; return nil })
	if n != 0 {
		t.Errorf("inbox has %d items after upstream change of a dismissed one, want 0", n)
	}
}

func TestScan_NewestFirstWithFilters(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t, t.TempDir())
	defer s.Close()
	p := page(50, 0)
	p[3].Artifact.Source, p[3].Artifact.SourceType = "jira", "jira"
	p[4].Class.Scope = classify.ScopeTeam
	if _, err := s.Commit(ctx, "github", p, nil); err != nil {
		t.Fatal(err)
	}
	ids := func(f Filter) []string {
		var out []string
		if err := s.Scan(ctx, f, func(it *Item) error {
			out = append(out, it.Artifact.Title)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return out
	}
	all := ids(Filter{})
	if len(all) != 50 || all[0] != "PR 49 rev 0" || all[49] != "PR 0 rev 0" {
		t.Errorf("want newest first, got %v", all)
	}
	got := ids(Filter{Since: base.Add(10 * time.Hour), Until: base.Add(13 * time.Hour)})
	if d := cmp.Diff([]string{"PR 12 rev 0", "PR 11 rev 0", "PR 10 rev 0"}, got); d != "" {
		t.Errorf("since/until (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"PR 3 rev 0"}, ids(Filter{Source: "jira"})); d != "" {
		t.Errorf("source filter (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"PR 4 rev 0"}, ids(Filter{Scope: classify.ScopeTeam})); d != "" {
		t.Errorf("scope filter (-want +got):\n%s", d)
	}
	if got := ids(Filter{Limit: 2}); len(got) != 2 {
		t.Errorf("limit: got %d", len(got))
	}
	if got := ids(Filter{States: []State{Suggested, Dismissed}}); len(got) != 50 {
		t.Errorf("two states: got %d", len(got))
	}
	counts, err := s.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(map[string]int{"github": 49, "jira": 1}, counts); d != "" {
		t.Errorf("counts (-want +got):\n%s", d)
	}
}

func TestResolve_PrefixKeyAndAmbiguity(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t, t.TempDir())
	defer s.Close()
	if _, err := s.Commit(ctx, "github", page(300, 0), nil); err != nil {
		t.Fatal(err)
	}
	id := IDFor(artifact(7, 0).Artifact.Key)
	if got, err := s.Resolve(ctx, id[:8]); err != nil || got != id {
		t.Errorf("Resolve(%s) = %s, %v", id[:8], got, err)
	}
	if got, err := s.Resolve(ctx, artifact(7, 0).Artifact.Key); err != nil || got != id {
		t.Errorf("Resolve(key) = %s, %v", got, err)
	}
	if _, err := s.Resolve(ctx, "abc"); err == nil {
		t.Error("a 3-character prefix must be refused")
	}
	if _, err := s.Resolve(ctx, "zzzz"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown: %v", err)
	}
	// 3,000 ids share some 4-character prefixes: such a prefix is ambiguous.
	if _, err := s.Commit(ctx, "github", page(3000, 0), nil); err != nil {
		t.Fatal(err)
	}
	byPrefix := map[string][]string{}
	s.Scan(ctx, Filter{}, func(it *Item) error { byPrefix[it.ID[:4]] = append(byPrefix[it.ID[:4]], it.ID); return nil })
	tested := false
	for p, group := range byPrefix {
		if len(group) < 2 {
			continue
		}
		_, err := s.Resolve(ctx, p)
		var amb *AmbiguousError
		if !errors.As(err, &amb) || len(amb.Matches) != len(group) {
			t.Errorf("Resolve(%s) = %v, want ambiguity listing %v", p, err, group)
		}
		tested = true
		break
	}
	if !tested {
		t.Fatal("no shared 4-character prefix among 3,000 ids")
	}
}

func TestOpen_SecondOpenerGetsOneSentence(t *testing.T) {
	dir := t.TempDir()
	s := openTemp(t, dir)
	defer s.Close()
	_, err := Open(dir, Options{})
	var le *LockedError
	if !errors.As(err, &le) {
		t.Fatalf("second open: %v, want *LockedError", err)
	}
	if want := "another evident process is using " + dir; err.Error() != want {
		t.Errorf("message %q, want %q", err, want)
	}
}

func TestOpen_RefusesNewerSchema(t *testing.T) {
	dir := t.TempDir()
	s := openTemp(t, dir)
	s.withDB(func(db *badger.DB) error {
		return db.Update(func(txn *badgerTxn) error { return setSchema(txn, SchemaVersion+1) })
	})
	s.Close()
	_, err := Open(dir, Options{})
	if err == nil || !contains(err.Error(), "newer evident") {
		t.Fatalf("open of a newer store: %v", err)
	}
}

func TestReclassify_OnlySuggestedItems(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t, t.TempDir())
	defer s.Close()
	if _, err := s.Commit(ctx, "github", page(10, 0), nil); err != nil {
		t.Fatal(err)
	}
	confirmed := IDFor(artifact(3, 0).Artifact.Key)
	s.Decide(ctx, []string{confirmed}, Decision{State: Confirmed})
	n, err := s.Reclassify(ctx, func(a *connectors.Artifact) classify.Result {
		return classify.Result{Scope: classify.ScopeOrg, ScopeReason: "new org model"}
	})
	if err != nil || n != 9 {
		t.Fatalf("reclassified %d, %v; want 9", n, err)
	}
	it, _ := s.Get(ctx, confirmed)
	if it.Scope() != classify.ScopeCrossTeam {
		t.Errorf("confirmed item re-tagged to %s", it.Scope())
	}
}

func TestStore_IdleCloseHibernatesAndWakesOnUse(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(dir, Options{IdleClose: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Commit(ctx, "github", page(10, 0), nil); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	s.mu.Lock()
	asleep := s.db == nil
	s.mu.Unlock()
	if !asleep {
		t.Fatal("the idle store did not close its database")
	}
	// Still locked against other processes while asleep.
	if _, err := Open(dir, Options{}); err == nil {
		t.Fatal("a second opener got in while the store slept")
	}
	n := 0
	if err := s.Scan(ctx, Filter{}, func(*Item) error { n++; return nil }); err != nil || n != 10 {
		t.Fatalf("after waking: %d items, %v", n, err)
	}
}

// A data dir others can read (made by hand, 0755) is made private on open,
// and the store says so; a private one is left as it is.
func TestOpen_MakesAnOpenDataDirPrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o755)
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(dir)
	if !s.MadePrivate() || fi.Mode().Perm() != 0o700 {
		t.Errorf("made private %v, mode %o", s.MadePrivate(), fi.Mode().Perm())
	}
	s.Close()
	s, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.MadePrivate() {
		t.Error("a private dir is said to be made private again")
	}
}

// A hostile backup is refused in one sentence, never a panic or an
// allocation of its length prefix; a plain backup does not restore into an
// encrypted store.
func TestRestore_AHostileBackupIsRefused(t *testing.T) {
	frame := func(body []byte) []byte {
		var b bytes.Buffer
		b.WriteString(backupMagic)
		b.WriteByte(plainMode)
		var hdr [4]byte
		binary.BigEndian.PutUint32(hdr[:], uint32(len(body)))
		b.Write(hdr[:])
		b.Write(body)
		b.Write([]byte{0, 0, 0, 0})
		return b.Bytes()
	}
	huge := make([]byte, 8)
	binary.LittleEndian.PutUint64(huge, 50<<30)
	short := make([]byte, 38)
	binary.LittleEndian.PutUint64(short, 30)
	for i := 8; i < len(short); i++ {
		short[i] = 0xff
	}
	for name, body := range map[string][]byte{"a 50 GiB length prefix": huge, "38 bytes of garbage": short, "a cut length": {1, 2, 3}} {
		s, err := Open(t.TempDir(), Options{})
		if err != nil {
			t.Fatal(err)
		}
		err = s.Restore(context.Background(), bytes.NewReader(frame(body)))
		if err == nil || strings.Contains(err.Error(), "goroutine") {
			t.Errorf("%s: %v", name, err)
		}
		s.Close()
	}
	key := bytes.Repeat([]byte{7}, 32)
	enc, err := Open(t.TempDir(), Options{EncryptionKey: key})
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	if err := enc.Restore(context.Background(), bytes.NewReader(frame(nil))); err == nil || !strings.Contains(err.Error(), "not encrypted, and the store is") {
		t.Errorf("a plain backup into an encrypted store: %v", err)
	}
}
