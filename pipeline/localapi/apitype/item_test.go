package apitype

import (
	"encoding/json"
	"testing"
)

// mapSignals is how the signals were written before MarshalJSON appended
// by hand: a map, so encoding/json sorted the keys.
func mapSignals(s Signals) []byte {
	m := map[string]any{}
	switch s.Kind {
	case "review":
		m["rounds"], m["comments"], m["comments_addressed"] = s.Rounds, s.Comments, s.CommentsAddressed
		m["changes_requested"], m["approved_after_changes"] = s.ChangesRequested, s.ApprovedAfterChanges
		m["lines"], m["files"] = s.Lines, s.Files
	case "pr":
		m["lines"], m["files"], m["reviewers"], m["reviewer_teams"] = s.Lines, s.Files, s.Reviewers, s.ReviewerTeams
		m["rounds_received"], m["merged"] = s.RoundsReceived, s.Merged
	case "rfc":
		m["role"], m["participants"], m["teams_declared"] = s.Role, s.Participants, s.TeamsDeclared
		if s.Status != "" {
			m["status"] = s.Status
		}
		if s.Threads || s.Comments > 0 || s.CommentsAddressed > 0 {
			m["comments"], m["comments_resolved"] = s.Comments, s.CommentsAddressed
		}
	case "jira_issue":
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
	for _, k := range []string{"review", "pr", "rfc", "jira_issue", "other"} {
		s := full
		s.Kind = k
		zero := Signals{Kind: k}
		threads := Signals{Kind: k, Threads: true} // reviewed in comment threads: zeros are facts
		cases = append(cases, s, zero, threads)
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
