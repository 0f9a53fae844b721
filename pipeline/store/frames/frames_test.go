package frames

import (
	"bytes"
	"crypto/cipher"
	"io"
	"strings"
	"testing"
)

func write(t *testing.T, key, id []byte, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	var w *Writer
	if key == nil {
		w = NewWriter(&buf, nil, nil)
	} else {
		aead, err := Derived(key, id)
		if err != nil {
			t.Fatal(err)
		}
		w = NewWriter(&buf, aead, id)
	}
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func read(key, id, stream []byte) ([]byte, error) {
	var r *Reader
	if key == nil {
		r = NewReader(bytes.NewReader(stream), nil, nil)
	} else {
		aead, _ := Derived(key, id)
		r = NewReader(bytes.NewReader(stream), aead, id)
	}
	return io.ReadAll(r)
}

// A stream reads back whole, in the clear and sealed; cut short (even at a
// frame boundary) it is refused; sealed, it opens only with its key and
// its ID, and a frame moved from another stream is refused.
func TestFrames_ReadBackWholeOrNotAtAll(t *testing.T) {
	data := bytes.Repeat([]byte("evidence "), 3*Size/9+5) // three frames and a bit
	key := bytes.Repeat([]byte{7}, 32)
	idA, idB := []byte("backup-A-0123456"), []byte("backup-B-0123456")
	for _, c := range []struct {
		name    string
		key, id []byte
	}{{"clear", nil, nil}, {"sealed", key, idA}} {
		s := write(t, c.key, c.id, data)
		if got, err := read(c.key, c.id, s); err != nil || !bytes.Equal(got, data) {
			t.Errorf("%s: read %d bytes, %v", c.name, len(got), err)
		}
		for _, cut := range []int{len(s) - 1, len(s) - 4, len(s) / 2} {
			if _, err := read(c.key, c.id, s[:cut]); err == nil || !strings.Contains(err.Error(), "cut short") {
				t.Errorf("%s cut at %d of %d: %v", c.name, cut, len(s), err)
			}
		}
	}
	a := write(t, key, idA, data)
	if _, err := read(bytes.Repeat([]byte{8}, 32), idA, a); err == nil {
		t.Error("a sealed stream opened with another key")
	}
	if _, err := read(key, idB, a); err == nil {
		t.Error("a sealed stream opened with another stream's ID")
	}
	// Frame 0 of stream B in place of frame 0 of stream A.
	b := write(t, key, idB, data)
	frame := 4 + 12 + Size + 16 // length, nonce, sealed frame
	spliced := append(append([]byte{}, b[:frame]...), a[frame:]...)
	if _, err := read(key, idA, spliced); err == nil {
		t.Error("a frame moved from another stream was accepted")
	}
}

// BenchmarkFrames_SealedAndPlain is the gate of backup encryption: a
// 32 MiB backup written through the frames sealed with AES-256-GCM and in
// the clear. Sealing earns its place while its MB/s stay far above a
// disk's.
func BenchmarkFrames_SealedAndPlain(b *testing.B) {
	data := bytes.Repeat([]byte("evident backup frame "), 32<<20/21)
	for _, sealed := range []bool{false, true} {
		name := "plain"
		if sealed {
			name = "sealed"
		}
		b.Run(name, func(b *testing.B) {
			var aead cipher.AEAD
			if sealed {
				var err error
				if aead, err = Derived(bytes.Repeat([]byte{7}, 32), []byte("backup-id")); err != nil {
					b.Fatal(err)
				}
			}
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				w := NewWriter(io.Discard, aead, []byte("backup-id"))
				if _, err := w.Write(data); err != nil {
					b.Fatal(err)
				}
				if err := w.Close(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
