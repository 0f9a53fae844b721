package localapi

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/evident-sync/evident/classify"
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
	var back EditRequest
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(e, back.edit()); d != "" || back.ID != "abcd" {
		t.Errorf("edit over the wire (-sent +received):\n%s", d)
	}
}
