package classify

import (
	"testing"

	"github.com/evident-sync/evident/config"
	"github.com/evident-sync/evident/connectors"
	"github.com/evident-sync/evident/connectors/rfc"
)

// A source type whose documents are reviewed in comment threads says so
// in the signals (so the contract's JSON shows comments and
// comments_resolved on every item, zeros too); others do not.
func TestSignals_CommentThreadsAreFactsForTheSourceTypesThatHaveThem(t *testing.T) {
	config.RegisterSource(config.SourceType{Name: "threads-test", New: func() config.Source { return &rfc.Source{} }, Threads: true})
	o := NewOrg(&config.Config{Me: config.Me{Name: "Alice"}})
	for typ, want := range map[string]bool{"threads-test": true, "confluence": false} {
		a := &connectors.Artifact{Kind: connectors.KindRFC, SourceType: typ, Roles: []connectors.Role{connectors.RoleAuthor}}
		if got := o.signalsOf(a, nil); got.Threads != want || got.Role != "author" {
			t.Errorf("%s: threads %v, role %q; want threads %v", typ, got.Threads, got.Role, want)
		}
	}
}
