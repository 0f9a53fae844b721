package localapi

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/evident-sync/evident/pipeline/store"
)

// The record stream comes over a socket from another process: whatever it
// holds, reading it ends in items or one error, never a panic.
func FuzzReadRecords_NeverPanics(f *testing.F) {
	var good []byte
	for _, title := range []string{"Review of acme/payments#12", "RFC 0042: retries"} {
		it := store.Item{ID: store.IDFor("github:" + title), State: store.Confirmed}
		it.Artifact.Title, it.Artifact.Key = title, "github:"+title
		rec := store.AppendRecord(nil, &it)
		good = binary.AppendUvarint(good, uint64(len(rec)))
		good = append(good, rec...)
	}
	f.Add(append(append([]byte{}, good...), 0))
	f.Add(good) // no end mark
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	f.Add([]byte{3, 's', 0xff, 0x00, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		readRecords(bytes.NewReader(b), func(*store.Item) error { return nil })
	})
}
