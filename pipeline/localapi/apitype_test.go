package localapi

import (
	"encoding/json"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/evident-sync/evident/classify"
	"github.com/evident-sync/evident/pipeline"
	"github.com/evident-sync/evident/pipeline/localapi/apitype"
	"github.com/evident-sync/evident/pipeline/store"
)

// Every field of an edit crosses the socket: a field the wire forgot
// would be dropped silently while the daemon runs.
func TestEditRequest_CarriesEveryField(t *testing.T) {
	s := func(v string) *string { return &v }
	sc, dm, st := classify.ScopeOrg, classify.DomainInitiative, classify.StrengthStrong
	e := store.Edit{Title: s("t"), Note: s("n"), Scope: &sc, Domain: &dm, Strength: &st, FollowUp: s("2026-12-15"), Outcome: s("p99 -40%"),
		AddCriteria: []string{"xteam-design"}, RemoveCriteria: []string{"initiative"}}
	b, err := json.Marshal(editRequestOf("abcd", e))
	if err != nil {
		t.Fatal(err)
	}
	var back apitype.EditRequest
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	got, err := editOf(back, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(e, got); d != "" || back.ID != "abcd" {
		t.Errorf("edit over the wire (-sent +received):\n%s", d)
	}
	// An edit that leaves the names alone sends none of them.
	b, _ = json.Marshal(editRequestOf("abcd", store.Edit{Note: s("n")}))
	if string(b) != `{"id":"abcd","note":"n"}` {
		t.Errorf("an edit of the note alone: %s", b)
	}
}

// A pass crosses the socket whole, its error as its words.
func TestSyncResult_CarriesThePass(t *testing.T) {
	r := pipeline.Result{Stats: pipeline.Stats{Source: "gh", Pages: 2, Fetched: 150, New: 3, Updated: 1, Unchanged: 146, Requests: 17,
		RateLimitRemaining: 4900, Problems: []string{"p"}, Skipped: []string{"s"}, Progress: 0.5}, Err: errors.New("rate limited")}
	b, _ := json.Marshal(syncResultOf(r))
	var wire apitype.SyncResult
	if err := json.Unmarshal(b, &wire); err != nil {
		t.Fatal(err)
	}
	back := resultOf(wire)
	if d := cmp.Diff(r.Stats, back.Stats); d != "" || back.Err == nil || back.Err.Error() != "rate limited" {
		t.Errorf("a pass over the wire (-sent +received):\n%s, error %v", d, back.Err)
	}
}

// The wire package stays free of the store's and the engine's types.
func TestApitype_ImportsNeitherTheStoreNorTheEngine(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "./apitype").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, "github.com/evident-sync/evident/") && dep != "github.com/evident-sync/evident/pipeline/localapi/apitype" {
			t.Errorf("apitype depends on %s", dep)
		}
	}
}
