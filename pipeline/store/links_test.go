package store

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/evident-sync/evident/connectors"
)

// One piece of work in three sources: an RFC in a repository, a PR whose
// description names the Jira epic and links the RFC, and the epic whose
// description links the PR.
func linkedWork() []Ingest {
	at := time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)
	rfc := connectors.Artifact{Source: "rfcs", SourceType: "rfc", Kind: connectors.KindRFC, Key: "rfc:rfcs:0042-ledger.md",
		URL: "https://github.com/acme/rfcs/blob/main/rfcs/0042-ledger.md", Title: "Ledger", OccurredAt: at}
	pr := connectors.Artifact{Source: "github", SourceType: "github", Kind: connectors.KindPR, Key: "github:acme/ledger#812",
		URL: "https://github.com/acme/ledger/pull/812", Title: "PAY-117: double-entry ledger", OccurredAt: at.Add(24 * time.Hour),
		Activity: connectors.Activity{Refs: connectors.FindRefs("PAY-117: double-entry ledger",
			"Implements https://github.com/acme/rfcs/blob/main/rfcs/0042-ledger.md.", "pay-117-ledger")}}
	epic := connectors.Artifact{Source: "jira", SourceType: "jira", Kind: connectors.KindJiraIssue, Key: "jira:PAY-117",
		URL: "https://acme.atlassian.net/browse/PAY-117", Title: "Ledger epic", OccurredAt: at.Add(48 * time.Hour),
		Activity: connectors.Activity{Refs: connectors.FindRefs("Done in https://github.com/acme/ledger/pull/812")}}
	noise := connectors.Artifact{Source: "github", SourceType: "github", Kind: connectors.KindReview, Key: "github:acme/other#1",
		URL: "https://github.com/acme/other/pull/1", Title: "UTF-8 fix", OccurredAt: at,
		Activity: connectors.Activity{Refs: connectors.FindRefs("UTF-8 and SHA-256 are not Jira keys here")}}
	return []Ingest{{Artifact: rfc}, {Artifact: pr}, {Artifact: epic}, {Artifact: noise}}
}

func relatedOf(t *testing.T, s *Store) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	s.Scan(context.Background(), Filter{}, func(it *Item) error {
		var keys []string
		for _, id := range it.Related {
			o, err := s.Get(context.Background(), id)
			if err != nil {
				t.Fatalf("related %s of %s: %v", id, it.Artifact.Key, err)
			}
			keys = append(keys, o.Artifact.Key)
		}
		slices.Sort(keys)
		out[it.Artifact.Key] = keys
		return nil
	})
	return out
}

func TestLinks_TheSameWhicheverSourceSyncsFirst(t *testing.T) {
	want := map[string][]string{
		"rfc:rfcs:0042-ledger.md": {"github:acme/ledger#812"},
		"github:acme/ledger#812":  {"jira:PAY-117", "rfc:rfcs:0042-ledger.md"},
		"jira:PAY-117":            {"github:acme/ledger#812"},
		"github:acme/other#1":     nil,
	}
	orders := [][]int{{0, 1, 2, 3}, {2, 1, 0, 3}, {1, 3, 2, 0}, {3, 2, 0, 1}}
	for _, order := range orders {
		s, err := Open(t.TempDir(), Options{})
		if err != nil {
			t.Fatal(err)
		}
		work := linkedWork()
		for _, i := range order {
			// Each in a page of its own, as separate sources would commit them.
			if _, err := s.Commit(context.Background(), work[i].Artifact.Source, []Ingest{work[i]}, nil); err != nil {
				t.Fatal(err)
			}
		}
		got := relatedOf(t, s)
		for k, w := range want {
			if !slices.Equal(got[k], w) {
				t.Errorf("order %v: %s related %v, want %v", order, k, got[k], w)
			}
		}
		s.Close()
	}
}

func TestLinks_FollowAChangeAndAForget(t *testing.T) {
	s, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	work := linkedWork()
	s.Commit(ctx, "all", work, nil)
	// The PR's description no longer names the epic or the RFC.
	pr := work[1]
	pr.Artifact.Activity.Refs = nil
	pr.Artifact.Title = "double-entry ledger"
	s.Commit(ctx, "github", []Ingest{pr}, nil)
	got := relatedOf(t, s)
	if !slices.Equal(got["github:acme/ledger#812"], []string{"jira:PAY-117"}) || got["rfc:rfcs:0042-ledger.md"] != nil {
		t.Errorf("after the change: %v", got)
	}
	// Forgetting Jira leaves no link to it.
	if _, err := s.Forget(ctx, "jira"); err != nil {
		t.Fatal(err)
	}
	if got := relatedOf(t, s); got["github:acme/ledger#812"] != nil {
		t.Errorf("after forgetting jira: %v", got)
	}
}
