package store

import (
	"context"
	"testing"

	"github.com/evident-sync/evident/connectors"
)

// What the user did is durable before the call returns: a power cut right
// after confirm, an edit or add reports success loses nothing. The seam
// records each fsync; a write that returned before one would be lost to a
// power cut (Badger does not sync writes by itself).
func TestDecisions_AreMadeDurableBeforeReturning(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t, t.TempDir())
	defer s.Close()
	if _, err := s.Commit(ctx, "github", page(3, 1), connectors.Cursor("c1")); err != nil {
		t.Fatal(err)
	}
	syncs := 0
	s.synced = func() { syncs++ }
	id := IDFor(artifact(1, 0).Artifact.Key)
	for _, c := range []struct {
		what string
		do   func() error
	}{
		{"confirm", func() error {
			_, err := s.Decide(ctx, []string{id}, Decision{State: Confirmed, Note: ptr("led the rollout")})
			return err
		}},
		{"edit", func() error { _, err := s.Edit(ctx, id, Edit{Title: ptr("Rollout review")}); return err }},
		{"add", func() error {
			eid := NewEntryID()
			_, err := s.Add(ctx, Item{ID: eid, Artifact: connectors.Artifact{Key: "entry:" + eid, Kind: connectors.KindEntry, Title: "Ran the game day"}})
			return err
		}},
	} {
		before := syncs
		if err := c.do(); err != nil {
			t.Fatalf("%s: %v", c.what, err)
		}
		if syncs != before+1 {
			t.Errorf("%s returned without making its write durable (%d fsyncs)", c.what, syncs-before)
		}
	}
	// A sync page is not fsynced on its own: it can be fetched again.
	before := syncs
	if _, err := s.Commit(ctx, "github", page(3, 2), connectors.Cursor("c2")); err != nil {
		t.Fatal(err)
	}
	if syncs != before {
		t.Errorf("a sync page was fsynced (%d): pages stay batched", syncs-before)
	}
}
