package store

import (
	"bufio"
	"context"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	badger "github.com/dgraph-io/badger/v4"

	"github.com/evident-sync/evident/pipeline/store/frames"
)

// Backups are Badger's backup stream behind a small header, cut into
// frames of at most 64 KiB with an end mark, so a backup cut short is
// refused rather than half restored. When the store is encrypted, so is
// each frame: AES-256-GCM under a key of its own for each backup, derived
// from the store's key with HKDF-SHA256 and a random 16-byte backup ID
// written after the mode, each frame authenticated with that ID, its index
// and whether it is the last. A frame therefore opens only in its own
// backup at its own place. Backups written before (mode 'e': the store's
// key itself, no ID) still restore.
const (
	backupMagic  = "evident-backup/1\n"
	plainMode    = 'p'
	sealedMode   = 'e' // read only: the store's key, no backup ID
	derivedMode  = 'k'
	backupIDSize = 16
)

// ErrNotEmpty is returned by Restore into a store that holds items.
var ErrNotEmpty = errors.New("the store is not empty")

// Backup writes a full backup of the store to w.
func (s *Store) Backup(ctx context.Context, w io.Writer) error {
	key := s.opts.EncryptionKey
	mode := byte(plainMode)
	if len(key) > 0 {
		mode = derivedMode
	}
	if _, err := io.WriteString(w, backupMagic); err != nil {
		return err
	}
	if _, err := w.Write([]byte{mode}); err != nil {
		return err
	}
	var aead cipher.AEAD
	var id []byte
	if mode == derivedMode {
		id = make([]byte, backupIDSize)
		if _, err := rand.Read(id); err != nil {
			return err
		}
		if _, err := w.Write(id); err != nil {
			return err
		}
		var err error
		if aead, err = frames.Derived(key, id); err != nil {
			return err
		}
	}
	sw := frames.NewWriter(w, aead, id)
	bw := bufio.NewWriterSize(sw, frames.Size)
	err := s.withDB(func(db *badger.DB) error {
		_, err := db.Backup(bw, 0)
		return err
	})
	if err != nil {
		return fmt.Errorf("back up the store: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return sw.Close()
}

// ErrNotBackup is Restore's answer to a file that is not an evident backup.
var ErrNotBackup = errors.New("this is not an evident backup")

// Restore loads a backup into this store, which must be empty.
func (s *Store) Restore(ctx context.Context, r io.Reader) error {
	if s.readOnly {
		return ErrReadOnly
	}
	defer s.itemsChanged()
	empty := true
	s.view(func(txn *badger.Txn) error {
		return eachKey(txn, []byte(prefixID), func([]byte) (bool, error) { empty = false; return true, nil })
	})
	if !empty {
		return ErrNotEmpty
	}
	head := make([]byte, len(backupMagic)+1)
	if _, err := io.ReadFull(r, head); err != nil || string(head[:len(backupMagic)]) != backupMagic {
		return ErrNotBackup
	}
	br := bufio.NewReader(r)
	var aead cipher.AEAD
	var id []byte
	switch head[len(backupMagic)] {
	case plainMode:
		if len(s.opts.EncryptionKey) > 0 {
			return errors.New("this backup is not encrypted, and the store is: restore it into a store without encryption, or back up again from an encrypted store")
		}
	case sealedMode, derivedMode:
		if len(s.opts.EncryptionKey) == 0 {
			return errors.New("this backup is encrypted: configure the store's encryption key to restore it")
		}
		var err error
		if head[len(backupMagic)] == derivedMode {
			id = make([]byte, backupIDSize)
			if _, rerr := io.ReadFull(br, id); rerr != nil {
				return errors.New("the encrypted backup is cut short")
			}
			aead, err = frames.Derived(s.opts.EncryptionKey, id)
		} else {
			aead, err = frames.AEAD(s.opts.EncryptionKey)
		}
		if err != nil {
			return err
		}
	default:
		return errors.New("this evident backup uses a format this build does not know")
	}
	err := s.withDB(func(db *badger.DB) (err error) {
		// Whatever a crafted stream does inside Badger's loader, it is an
		// error of the backup, never a crash.
		defer func() {
			if r := recover(); r != nil {
				err = errors.New("the backup is corrupt")
			}
		}()
		return db.Load(&kvStream{r: frames.NewReader(br, aead, id)}, 256)
	})
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	return s.sync()
}

// maxKVList bounds one list of Badger's backup stream: a length prefix
// past it is a corrupt or hostile backup, refused before Badger allocates
// it (a 50 GiB prefix would exhaust memory).
const maxKVList = 64 << 20

// kvStream passes Badger's backup stream through, checking each list's
// little-endian uint64 length prefix.
type kvStream struct {
	r       io.Reader
	left    uint64 // bytes of the current list still to pass
	pending []byte // a length prefix checked and not yet passed on
}

func (k *kvStream) Read(p []byte) (int, error) {
	if len(k.pending) > 0 {
		n := copy(p, k.pending)
		k.pending = k.pending[n:]
		return n, nil
	}
	if k.left == 0 {
		var hdr [8]byte
		n, err := io.ReadFull(k.r, hdr[:])
		switch {
		case n == 0 && (err == io.EOF || err == io.ErrUnexpectedEOF):
			return 0, io.EOF
		case err == io.EOF || err == io.ErrUnexpectedEOF:
			return 0, errors.New("the backup is cut short")
		case err != nil:
			return 0, err // the frames' own word: altered, wrong key
		}
		size := binary.LittleEndian.Uint64(hdr[:])
		if size > maxKVList {
			return 0, errors.New("the backup is corrupt (a record list longer than any backup writes)")
		}
		k.left, k.pending = size, hdr[:]
		return k.Read(p)
	}
	if uint64(len(p)) > k.left {
		p = p[:k.left]
	}
	n, err := k.r.Read(p)
	k.left -= uint64(n)
	if err == io.EOF && k.left > 0 {
		return n, errors.New("the backup is cut short")
	}
	return n, err
}

// IsBackup reports whether r starts as an evident backup does: what a
// backup may be written over without asking.
func IsBackup(r io.Reader) bool {
	head := make([]byte, len(backupMagic))
	n, _ := io.ReadFull(r, head)
	return n == len(head) && string(head) == backupMagic
}
