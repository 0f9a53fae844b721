package classify

import (
	"encoding/json"
	"testing"

	"github.com/evident-sync/evident/config"
	"github.com/evident-sync/evident/connectors"
	"github.com/evident-sync/evident/connectors/rfc"
)

// mapSignals is how the signals were written before MarshalJSON appended
// by hand: a map, so encoding/json sorted the keys.
func mapSignals(s Signals) []byte {
	m := map[string]any{}
	switch s.Kind {
	case connectors.KindReview:
		m["rounds"], m["comments"], m["comments_addressed"] = s.Rounds, s.Comments, s.CommentsAddressed
		m["changes_requested"], m["approved_after_changes"] = s.ChangesRequested, s.ApprovedAfterChanges
		m["lines"], m["files"] = s.Lines, s.Files
	case connectors.KindPR:
		m["lines"], m["files"], m["reviewers"], m["reviewer_teams"] = s.Lines, s.Files, s.Reviewers, s.ReviewerTeams
		m["rounds_received"], m["merged"] = s.RoundsReceived, s.Merged
	case connectors.KindRFC:
		m["role"], m["participants"], m["teams_declared"] = s.Role, s.Participants, s.TeamsDeclared
		if s.Status != "" {
			m["status"] = s.Status
		}
		if s.Comments > 0 || s.CommentsAddressed > 0 {
			m["comments"], m["comments_resolved"] = s.Comments, s.CommentsAddressed
		}
	case connectors.KindJiraIssue:
		m["type"], m["resolved"], m["comments"], m["links"] = s.Type, s.Resolved, s.Comments, s.Links
		if s.Priority != "" {
			m["priority"] = s.Priority
		}
		if s.Resolved {
			m["days_to_resolve"] = s.DaysToResolve
		}
	}
	b, _ := json.Marshal(m)
	return b
}

func TestSignals_JSONKeepsItsSortedKeysPerKind(t *testing.T) {
	full := Signals{Rounds: 3, Comments: 11, CommentsAddressed: 9, ChangesRequested: true, ApprovedAfterChanges: true,
		Lines: 2400, Files: 31, Reviewers: 4, ReviewerTeams: 2, RoundsReceived: 5, Merged: true,
		Role: "author", Status: "implementable <draft> & \"final\"", Participants: 7, TeamsDeclared: 3,
		Type: "Epic", Priority: "P1", Resolved: true, DaysToResolve: 12, Links: 4}
	var cases []Signals
	for _, k := range []connectors.Kind{connectors.KindReview, connectors.KindPR, connectors.KindRFC, connectors.KindJiraIssue, "other"} {
		s := full
		s.Kind = k
		zero := Signals{Kind: k}
		cases = append(cases, s, zero)
	}
	for _, s := range cases {
		got, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if want := mapSignals(s); string(got) != string(want) {
			t.Errorf("kind %q:\n got %s\nwant %s", s.Kind, got, want)
		}
	}
}

// A source type whose documents are reviewed in comment threads shows
// comments and comments_resolved on every item, zeros too; others only
// where there are some.
func TestSignals_CommentThreadsAreFactsForTheSourceTypesThatHaveThem(t *testing.T) {
	config.RegisterSource(config.SourceType{Name: "threads-test", New: func() config.Source { return &rfc.Source{} }, Threads: true})
	o := NewOrg(&config.Config{Me: config.Me{Name: "Alice"}})
	for typ, want := range map[string]string{
		"threads-test": `{"comments":0,"comments_resolved":0,"participants":0,"role":"author","teams_declared":0}`,
		"confluence":   `{"participants":0,"role":"author","teams_declared":0}`,
	} {
		a := &connectors.Artifact{Kind: connectors.KindRFC, SourceType: typ, Roles: []connectors.Role{connectors.RoleAuthor}}
		got, _ := json.Marshal(o.signalsOf(a, nil))
		if string(got) != want {
			t.Errorf("%s: %s, want %s", typ, got, want)
		}
	}
}
