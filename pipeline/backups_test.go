package pipeline

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/evident-sync/evident/connectors"
	"github.com/evident-sync/evident/pipeline/store"
)

func TestWriteBackup_RotatesOnlyItsOwnFilesAndEachRestores(t *testing.T) {
	ctx := t.Context()
	st := openStore(t, t.TempDir())
	defer st.Close()
	if _, err := st.Add(ctx, store.Item{ID: store.NewEntryID(), Artifact: entryArtifact("Ran the game day")}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o600); err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	var last string
	for i := range 5 {
		p, err := WriteBackup(ctx, st, dir, 3, start.Add(time.Duration(i)*7*24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		last = p
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	want := []string{"evident-20261216T090000Z.backup", "evident-20261223T090000Z.backup", "evident-20261230T090000Z.backup", "notes.txt"}
	if !slices.Equal(names, want) {
		t.Errorf("backup dir holds %v, want %v", names, want)
	}
	b, err := os.ReadFile(last)
	if err != nil {
		t.Fatal(err)
	}
	dst := openStore(t, t.TempDir())
	defer dst.Close()
	if err := dst.Restore(ctx, bytes.NewReader(b)); err != nil {
		t.Fatalf("the newest scheduled backup does not restore: %v", err)
	}
	if n, _ := dst.Counts(ctx); n[EntrySource] != 1 {
		t.Errorf("restored counts %v", n)
	}
}

func entryArtifact(title string) connectors.Artifact {
	return connectors.Artifact{Source: EntrySource, SourceType: EntrySource, Kind: connectors.KindEntry, Key: "entry:" + title, Title: title, OccurredAt: time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)}
}
