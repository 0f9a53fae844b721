// Package frames cuts a stream into frames of at most Size bytes followed
// by an end mark, so that a stream cut short is refused rather than half
// read. With an AEAD each frame is sealed (AES-256-GCM in evident's
// backups) and authenticated with the stream's ID, its index and whether
// it is the last: a frame opens only in its own stream, at its own place.
package frames

import (
	"bufio"
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"io"
)

// Size is the most a frame holds.
const Size = 64 << 10

// derivedInfo is HKDF's info for a stream's own key.
const derivedInfo = "evident backup frames v1"

// Derived is the AEAD of a stream's own key, derived from key and the
// stream's ID with HKDF-SHA256.
func Derived(key, id []byte) (cipher.AEAD, error) {
	k, err := hkdf.Key(sha256.New, key, id, derivedInfo, 32)
	if err != nil {
		return nil, err
	}
	return AEAD(k)
}

// AEAD is AES-GCM under key (16, 24 or 32 bytes).
func AEAD(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// chunkAAD is what a frame is authenticated with: its backup's ID (none in
// the older format), its index, and whether it is the last.
func chunkAAD(id []byte, i uint64, last bool) []byte {
	b := make([]byte, len(id)+9)
	copy(b, id)
	binary.BigEndian.PutUint64(b[len(id):], i)
	if last {
		b[len(b)-1] = 1
	}
	return b
}

// Writer frames whatever is written, sealing each frame when it has an
// AEAD; Close writes the end mark.
type Writer struct {
	w    io.Writer
	aead cipher.AEAD // nil: frames in the clear
	id   []byte      // the backup's ID, in every frame's AAD
	n    uint64
}

func (s *Writer) seal(p []byte, last bool) error {
	var nonce, body []byte
	if s.aead != nil {
		nonce = make([]byte, s.aead.NonceSize())
		if _, err := rand.Read(nonce); err != nil {
			return err
		}
		body = s.aead.Seal(nil, nonce, p, chunkAAD(s.id, s.n, last))
	} else {
		body = p
	}
	s.n++
	var hdr [4]byte
	binary.BigEndian.PutUint32(hdr[:], uint32(len(body)))
	for _, b := range [][]byte{hdr[:], nonce, body} {
		if _, err := s.w.Write(b); err != nil {
			return err
		}
	}
	return nil
}

func (s *Writer) Write(p []byte) (int, error) {
	n0 := len(p)
	for len(p) > 0 {
		n := min(len(p), Size)
		if err := s.seal(p[:n], false); err != nil {
			return 0, err
		}
		p = p[n:]
	}
	return n0, nil
}

// Close writes the end mark; it does not close the writer under it.
func (s *Writer) Close() error { return s.seal(nil, true) }

// Reader reads the frames (opening sealed ones) and refuses a stream
// without its end mark.
type Reader struct {
	r    *bufio.Reader
	aead cipher.AEAD // nil: frames in the clear
	id   []byte      // the backup's ID; nil in the older format
	n    uint64
	buf  bytes.Buffer
	done bool
}

func (o *Reader) Read(p []byte) (int, error) {
	for o.buf.Len() == 0 {
		if o.done {
			return 0, io.EOF
		}
		var hdr [4]byte
		if _, err := io.ReadFull(o.r, hdr[:]); err != nil {
			return 0, errors.New("the backup is cut short")
		}
		size := binary.BigEndian.Uint32(hdr[:])
		if o.aead == nil {
			if size == 0 {
				o.done = true
				continue
			}
			if size > Size {
				return 0, errors.New("the backup is corrupt")
			}
			if _, err := io.CopyN(&o.buf, o.r, int64(size)); err != nil {
				return 0, errors.New("the backup is cut short")
			}
			continue
		}
		if size > Size+uint32(o.aead.Overhead()) {
			return 0, errors.New("the encrypted backup is corrupt")
		}
		nonce := make([]byte, o.aead.NonceSize())
		ct := make([]byte, size)
		if _, err := io.ReadFull(o.r, nonce); err != nil {
			return 0, errors.New("the encrypted backup is cut short")
		}
		if _, err := io.ReadFull(o.r, ct); err != nil {
			return 0, errors.New("the encrypted backup is cut short")
		}
		pt, err := o.aead.Open(nil, nonce, ct, chunkAAD(o.id, o.n, false))
		if err != nil {
			if pt, err = o.aead.Open(nil, nonce, ct, chunkAAD(o.id, o.n, true)); err != nil {
				return 0, errors.New("the backup cannot be decrypted with this key, or it was altered")
			}
			o.done = true
		}
		o.n++
		o.buf.Write(pt)
	}
	return o.buf.Read(p)
}

// NewWriter frames what is written to w; aead nil writes frames in the
// clear, else sealed and bound to id.
func NewWriter(w io.Writer, aead cipher.AEAD, id []byte) *Writer {
	return &Writer{w: w, aead: aead, id: id}
}

// NewReader reads the frames NewWriter wrote to r with the same aead and
// id (id nil for streams written without one).
func NewReader(r io.Reader, aead cipher.AEAD, id []byte) *Reader {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReader(r)
	}
	return &Reader{r: br, aead: aead, id: id}
}
