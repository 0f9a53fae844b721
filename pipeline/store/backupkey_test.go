package store

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	badger "github.com/dgraph-io/badger/v4"

	"github.com/evident-sync/evident/connectors"
	"github.com/evident-sync/evident/pipeline/store/frames"
)

// Each encrypted backup has a key of its own (HKDF from the store's key and
// a random backup ID): two backups of one store differ from their first
// frame, and a frame moved from one into the other is refused.
func TestBackup_EachEncryptedBackupHasItsOwnKey(t *testing.T) {
	ctx := context.Background()
	src, err := Open(t.TempDir(), Options{EncryptionKey: key32})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	src.Commit(ctx, "github", secretPage(), connectors.Cursor("cur"))
	var a, b bytes.Buffer
	if err := src.Backup(ctx, &a); err != nil {
		t.Fatal(err)
	}
	if err := src.Backup(ctx, &b); err != nil {
		t.Fatal(err)
	}
	head := len(backupMagic) + 1
	if a.Bytes()[head-1] != derivedMode {
		t.Fatalf("mode %q, want %q", a.Bytes()[head-1], derivedMode)
	}
	idA, idB := a.Bytes()[head:head+backupIDSize], b.Bytes()[head:head+backupIDSize]
	if bytes.Equal(idA, idB) {
		t.Fatal("two backups share an ID")
	}
	// b's header and ID with a's frames: every frame fails to open.
	spliced := append(append([]byte{}, b.Bytes()[:head+backupIDSize]...), a.Bytes()[head+backupIDSize:]...)
	dst, _ := Open(t.TempDir(), Options{EncryptionKey: key32})
	defer dst.Close()
	err = dst.Restore(ctx, bytes.NewReader(spliced))
	if err == nil || !strings.Contains(err.Error(), "altered") {
		t.Errorf("frames of another backup were accepted: %v", err)
	}
	if err := dst.Restore(ctx, bytes.NewReader(a.Bytes())); err != nil {
		t.Errorf("the backup itself: %v", err)
	}
}

// A backup written before per-backup keys (mode 'e': the store's key, no
// ID) still restores.
func TestRestore_AnOlderEncryptedBackupStillRestores(t *testing.T) {
	ctx := context.Background()
	src, err := Open(t.TempDir(), Options{EncryptionKey: key32})
	if err != nil {
		t.Fatal(err)
	}
	src.Commit(ctx, "github", secretPage(), connectors.Cursor("cur"))
	want := dump(t, src)
	var old bytes.Buffer
	old.WriteString(backupMagic)
	old.WriteByte(sealedMode)
	aead, err := frames.AEAD(key32)
	if err != nil {
		t.Fatal(err)
	}
	sw := frames.NewWriter(&old, aead, nil)
	bw := bufio.NewWriterSize(sw, frames.Size)
	if err := src.withDB(func(db *badger.DB) error { _, err := db.Backup(bw, 0); return err }); err != nil {
		t.Fatal(err)
	}
	bw.Flush()
	sw.Close()
	src.Close()
	dst, _ := Open(t.TempDir(), Options{EncryptionKey: key32})
	defer dst.Close()
	if err := dst.Restore(ctx, io.Reader(&old)); err != nil {
		t.Fatalf("an older backup: %v", err)
	}
	if got := dump(t, dst); len(got) != len(want) {
		t.Errorf("restored %d records, want %d", len(got), len(want))
	}
}
