// Package store keeps evident's data in an embedded Badger database: the
// artifacts and the evidence built from them, the user's decisions, and each
// source's cursor and status. It is the only package that knows Badger.
//
// The key layout is documented in keys.go. Writes from sync (Commit) and from
// triage (Decide, Edit) are separate transactions over the same records;
// Badger's conflict detection plus a retry makes them safe to interleave, and
// the upsert rule in Commit keeps the user's decisions untouched. Decisions
// are synced to disk before the call returns.
package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	badger "github.com/dgraph-io/badger/v4"
)

// SchemaVersion is the key-layout version this build reads and writes.
const SchemaVersion = 3

// migrations[i] upgrades a store from schema version i+1 to i+2. A step
// runs in its own transaction and bumps meta/schema with it, or, when too
// big for one, runs in as many as it needs and bumps meta/schema after the
// last; either way an interrupted upgrade resumes where it stopped.
var migrations = []migration{
	{inTxn: repairSubMicrosecond},
	{batched: rewriteCBOR},
}

type migration struct {
	inTxn   func(txn *badger.Txn) error
	batched func(db *badger.DB) error
}

// rewriteCBOR (schema 2 to 3) rewrites the items still stored as CBOR in
// the record format, a few hundred per transaction. A record already
// rewritten is left alone, so a rerun after a crash goes on where it
// stopped.
func rewriteCBOR(db *badger.DB) error {
	type rec struct{ key, val []byte }
	var after []byte
	for {
		var todo []rec
		err := db.View(func(txn *badger.Txn) error {
			opts := badger.DefaultIteratorOptions
			opts.Prefix = []byte(prefixItem)
			it := txn.NewIterator(opts)
			defer it.Close()
			it.Seek(opts.Prefix)
			if after != nil {
				it.Seek(after)
				if it.ValidForPrefix(opts.Prefix) && bytes.Equal(it.Item().Key(), after) {
					it.Next()
				}
			}
			for ; it.ValidForPrefix(opts.Prefix) && len(todo) < 2000; it.Next() {
				k := it.Item().KeyCopy(nil)
				after = k
				err := it.Item().Value(func(v []byte) error {
					if len(v) < 2 || v[1] == recBinary {
						return nil
					}
					var item Item
					if err := decodeValue(v, &item); err != nil {
						return fmt.Errorf("item record %x: %w", k, err)
					}
					todo = append(todo, rec{k, encodeRecord(&item)})
					return nil
				})
				if err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil || len(todo) == 0 {
			return err
		}
		for size := 500; len(todo) > 0; {
			n := min(size, len(todo))
			err := db.Update(func(txn *badger.Txn) error {
				for _, r := range todo[:n] {
					if err := txn.Set(r.key, r.val); err != nil {
						return err
					}
				}
				return nil
			})
			if errors.Is(err, badger.ErrTxnTooBig) && n > 1 {
				size = n / 2
				continue
			}
			if err != nil {
				return err
			}
			todo = todo[n:]
		}
	}
}

// repairSubMicrosecond (schema 1 to 2) removes what schema 1 left behind
// for items whose time had digits below the microsecond (a file's mtime):
// a decision rewrote the record at its microsecond place and left the
// first one, with its state index entry, so the item was listed twice and
// stayed in the inbox. The id index says which record is the item's.
func repairSubMicrosecond(txn *badger.Txn) error {
	var drop [][]byte
	scan := func(prefix []byte, each func(k []byte) error) error {
		return eachKey(txn, prefix, func(k []byte) (bool, error) { return false, each(slices.Clone(k)) })
	}
	// A key <prefix><t8><id> belongs to the item only if the id index puts
	// the item at that t8.
	stale := func(k []byte, prefixLen int) (bool, error) {
		if len(k) < prefixLen+8 {
			return false, nil
		}
		t8, id := k[prefixLen:prefixLen+8], string(k[prefixLen+8:])
		at, err := placeOf(txn, id)
		if errors.Is(err, badger.ErrKeyNotFound) {
			return true, nil
		}
		if err != nil {
			return false, err
		}
		return !bytes.Equal(at, t8), nil
	}
	if err := scan([]byte(prefixItem), func(k []byte) error {
		bad, err := stale(k, len(prefixItem))
		if bad {
			drop = append(drop, k)
		}
		return err
	}); err != nil {
		return err
	}
	for _, st := range States {
		p := statePrefix(st)
		if err := scan(p, func(k []byte) error {
			bad, err := stale(k, len(p))
			if !bad && err == nil {
				// The place is right; the state must be the record's too.
				rec, gerr := getItem(txn, string(k[len(p)+8:]))
				bad = gerr == nil && rec.State != st
			}
			if bad {
				drop = append(drop, k)
			}
			return err
		}); err != nil {
			return err
		}
	}
	for _, k := range drop {
		if err := txn.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// ErrNotFound is returned for an ID or key that names no item.
var ErrNotFound = errors.New("no such item")

// LockedError is returned by Open when another process holds the data dir.
type LockedError struct{ Dir string }

func (e *LockedError) Error() string {
	return fmt.Sprintf("another evident process is using %s", e.Dir)
}

// Options tune Open.
type Options struct {
	// Logger receives Badger's warnings and errors; nil discards them.
	Logger *slog.Logger
	// EncryptionKey, when set (16, 24 or 32 bytes), encrypts the store at rest.
	EncryptionKey []byte
	// IdleClose, when set, closes the database after this long without use
	// and opens it again on the next call, keeping the data dir locked
	// throughout: an idle daemon then holds no Badger memory and runs no
	// Badger goroutines.
	IdleClose time.Duration
	// FreeSpace measures the free bytes of dir's file system; nil asks the
	// file system. Tests set it to play a full disk.
	FreeSpace func(dir string) (free uint64, ok bool)
	// ReadOnly opens the store for reading: no lock or pid file written, no
	// memtable made, no compaction started, and other readers share it (a
	// writer does not). It works from a read-only mount. A store that must
	// be written before it can be read (not closed cleanly, or from an older
	// evident) is opened for writing instead when its folder allows it.
	ReadOnly bool

	// uncompressed turns block compression off, so that tests can look for
	// plain text on disk and see it when it is there.
	uncompressed bool
}

// Store is an open evident data dir.
type Store struct {
	dir  string
	lock *os.File
	opts badger.Options
	idle time.Duration
	// madePrivate says Open found the dir open to others and closed it.
	madePrivate bool
	freeSpace   func(string) (uint64, bool)
	// synced, in tests, is called each time writes were made durable.
	synced func()
	// readOnly says the store was opened with Options.ReadOnly.
	readOnly bool

	mu    sync.Mutex
	db    *badger.DB // nil while hibernating
	users int
	timer *time.Timer
	gen   uint64 // bumped on every use, so a stale idle timer does nothing
	// items is Version.
	items atomic.Uint64
}

// Exists reports whether dir holds a store (Badger's manifest is there):
// read commands use it never to create an empty store where the user
// mistyped a path.
func Exists(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "MANIFEST"))
	return err == nil
}

// Open opens (creating if needed) the store in dir. One process at a time
// may have it open for writing, and then no other may open it; readers
// (Options.ReadOnly) share it with each other. Anyone else gets a
// *LockedError.
func Open(dir string, o Options) (*Store, error) {
	if o.ReadOnly {
		s, err := openReadOnly(dir, o)
		var nw *needsWriteError
		if !errors.As(err, &nw) {
			return s, err
		}
		s, err = open(dir, o)
		if errors.Is(err, syscall.EROFS) {
			return nil, &ReadOnlyError{Dir: dir, Why: nw.why}
		}
		return s, err
	}
	s, err := open(dir, o)
	if errors.Is(err, syscall.EROFS) {
		return nil, &ReadOnlyError{Dir: dir, Write: true}
	}
	return s, err
}

// ReadOnlyError says the data dir is on a read-only file system (a
// restored snapshot, a disk the kernel remounted read-only after errors)
// and the command must write there.
type ReadOnlyError struct {
	Dir string
	// Write says the command itself writes; else the store must be
	// written once before it can be read, for Why.
	Write bool
	Why   string
}

func (e *ReadOnlyError) Error() string {
	fs, remount := "a read-only file system", "remount it read-write"
	if m := mountPoint(e.Dir); m != "" {
		fs, remount = "the read-only file system mounted on "+m, "remount "+m+" read-write"
	}
	if e.Write {
		return fmt.Sprintf("%s is on %s, so this command cannot write there (reading commands still work): copy the folder to a writable disk and name the copy with --data-dir, or %s", e.Dir, fs, remount)
	}
	return fmt.Sprintf("%s is on %s and the store in it %s, which needs one write before it can be read: copy the folder to a writable disk and name the copy with --data-dir, or %s", e.Dir, fs, e.Why, remount)
}

// needsWriteError says a read-only open cannot serve the store as it is
// on disk: it must be opened for writing once (why says the reason).
type needsWriteError struct{ why string }

func (e *needsWriteError) Error() string { return "the store " + e.why }

// openReadOnly opens the store for reading only (Options.ReadOnly).
func openReadOnly(dir string, o Options) (*Store, error) {
	if !Exists(dir) {
		return nil, fmt.Errorf("there is no evident store in %s", dir)
	}
	lock, err := shareLock(dir)
	if err != nil {
		return nil, err
	}
	// A clean close flushes the memtable and removes its log; a log left
	// behind must be replayed, which a reader cannot do (and Badger, failing
	// a read-only open on one, leaves the log's file open).
	if logs, _ := filepath.Glob(filepath.Join(dir, "*.mem")); len(logs) > 0 {
		lock.Close()
		return nil, &needsWriteError{why: "was not closed cleanly"}
	}
	opts := badgerOptions(dir, o).WithReadOnly(true)
	s := &Store{dir: dir, lock: lock, opts: opts, readOnly: true, freeSpace: o.FreeSpace}
	if err := s.open(); err != nil {
		s.Close()
		// Badger's wrapping keeps the words, not the error.
		if errors.Is(err, badger.ErrTruncateNeeded) || strings.Contains(err.Error(), badger.ErrTruncateNeeded.Error()) {
			return nil, &needsWriteError{why: "was not closed cleanly"}
		}
		return nil, err
	}
	v, err := s.schema()
	switch {
	case err != nil:
		s.Close()
		return nil, err
	case v == 0:
		s.Close()
		return nil, &needsWriteError{why: "was never opened by evident"}
	case v < SchemaVersion:
		s.Close()
		return nil, &needsWriteError{why: "was written by an older evident"}
	case v > SchemaVersion:
		s.Close()
		return nil, newerSchemaError(dir, v)
	}
	s.withDB(func(db *badger.DB) error { s.items.Store(db.MaxVersion()); return nil })
	return s, nil
}

// shareLock takes a shared lock on the data dir's lock file, so that no
// writer (sync, the daemon) opens the store while it is read. A lock file
// that is not there (a copied folder on a read-only disk) is no lock to
// take: Badger's own shared lock on the folder still keeps a writer out.
func shareLock(dir string) (*os.File, error) {
	f, err := os.Open(filepath.Join(dir, "evident.lock"))
	if errors.Is(err, os.ErrNotExist) {
		return os.Open(dir) // held, not locked: it marks the store open
	}
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, &LockedError{Dir: dir}
		}
		return nil, fmt.Errorf("lock data dir: %w", err)
	}
	return f, nil
}

// schema reads the store's schema version: 0 for a store evident never
// wrote to.
func (s *Store) schema() (uint32, error) {
	var v uint32
	err := s.view(func(txn *badger.Txn) error {
		it, err := txn.Get([]byte(keySchema))
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		return it.Value(func(b []byte) error {
			if len(b) != 4 {
				return fmt.Errorf("schema version record has %d bytes", len(b))
			}
			v = binary.BigEndian.Uint32(b)
			return nil
		})
	})
	if err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	return v, nil
}

func newerSchemaError(dir string, v uint32) error {
	return fmt.Errorf("the store in %s was written by a newer evident (schema %d; this build knows %d)", dir, v, SchemaVersion)
}

// ErrReadOnly is returned by a write on a store opened with
// Options.ReadOnly.
var ErrReadOnly = errors.New("the store was opened for reading only")

func open(dir string, o Options) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data dir: %w", err)
	}
	// A data dir others can read or enter (made by hand, 0755) holds
	// titles and notes in its tables: it is made private.
	private := false
	if fi, err := os.Stat(dir); err == nil && fi.Mode().Perm()&0o077 != 0 {
		if err := os.Chmod(dir, 0o700); err == nil {
			private = true
		}
	}
	lock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	s := &Store{dir: dir, lock: lock, opts: badgerOptions(dir, o), idle: o.IdleClose, madePrivate: private, freeSpace: o.FreeSpace}
	if err := s.open(); err != nil {
		lock.Close()
		return nil, err
	}
	if err := s.migrate(); err != nil {
		s.Close()
		return nil, err
	}
	s.withDB(func(db *badger.DB) error { s.items.Store(db.MaxVersion()); return nil })
	return s, nil
}

// open opens the Badger database; the caller holds s.mu or owns s alone.
func (s *Store) open() error {
	db, err := badger.Open(s.opts)
	if err != nil {
		if strings.Contains(err.Error(), "Another process is using this Badger database") {
			return &LockedError{Dir: s.dir}
		}
		if errors.Is(err, badger.ErrEncryptionKeyMismatch) && len(s.opts.EncryptionKey) == 0 {
			return fmt.Errorf("open store in %s: the store is encrypted, but no key is set (configure encryption: {key_env: NAME} or {key: keyring})", s.dir)
		}
		if errors.Is(err, badger.ErrEncryptionKeyMismatch) {
			return fmt.Errorf("open store in %s: the encryption key does not match the one the store was written with", s.dir)
		}
		return fmt.Errorf("open store in %s: %w", s.dir, err)
	}
	s.db = db
	return nil
}

// withDB runs fn with the database open, opening it again if it was closed
// for idleness, and arms the idle timer when the last user is done.
func (s *Store) withDB(fn func(db *badger.DB) error) error {
	s.mu.Lock()
	if s.lock == nil {
		s.mu.Unlock()
		return errors.New("store is closed")
	}
	if s.db == nil {
		if err := s.open(); err != nil {
			s.mu.Unlock()
			return err
		}
	}
	s.users++
	s.gen++
	db := s.db
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.users--
		if s.users == 0 && s.idle > 0 {
			gen := s.gen
			if s.timer != nil {
				s.timer.Stop()
			}
			s.timer = time.AfterFunc(s.idle, func() { s.hibernate(gen) })
		}
		s.mu.Unlock()
	}()
	return guard(s.dir, func() error { return fn(db) })
}

func (s *Store) view(fn func(txn *badger.Txn) error) error {
	return s.withDB(func(db *badger.DB) error { return db.View(fn) })
}

func lockDir(dir string) (*os.File, error) {
	f, err := os.OpenFile(filepath.Join(dir, "evident.lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, &LockedError{Dir: dir}
		}
		return nil, fmt.Errorf("lock data dir: %w", err)
	}
	return f, nil
}

// MadePrivate reports whether Open found the data dir open to other users
// and made it 0700.
func (s *Store) MadePrivate() bool { return s.madePrivate }

// Dir is the data dir the store was opened in.
func (s *Store) Dir() string { return s.dir }

// Close flushes and closes the store and releases the data dir.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.timer != nil {
		s.timer.Stop()
	}
	var err error
	if s.db != nil {
		err = s.db.Close()
		s.db = nil
	}
	if s.lock != nil {
		s.lock.Close()
		s.lock = nil
	}
	if err != nil {
		return fmt.Errorf("close store: %w", err)
	}
	return nil
}

func (s *Store) migrate() error {
	for {
		v, err := s.schema()
		if err != nil {
			return err
		}
		switch {
		case v == 0:
			return s.withDB(func(db *badger.DB) error {
				return db.Update(func(txn *badger.Txn) error { return setSchema(txn, SchemaVersion) })
			})
		case v == SchemaVersion:
			return nil
		case v > SchemaVersion:
			return newerSchemaError(s.dir, v)
		}
		step := migrations[v-1]
		if err := s.withDB(func(db *badger.DB) error {
			if step.batched != nil {
				if err := step.batched(db); err != nil {
					return err
				}
			}
			return db.Update(func(txn *badger.Txn) error {
				if step.inTxn != nil {
					if err := step.inTxn(txn); err != nil {
						return err
					}
				}
				return setSchema(txn, v+1)
			})
		}); err != nil {
			return fmt.Errorf("migrate store from schema %d: %w", v, err)
		}
	}
}

func setSchema(txn *badger.Txn, v uint32) error {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], v)
	return txn.Set([]byte(keySchema), b[:])
}

// badgerLogger passes Badger's warnings and errors to slog and drops the rest.
type badgerLogger struct{ l *slog.Logger }

func (b badgerLogger) Errorf(f string, a ...any) {
	if b.l != nil {
		b.l.Error("store: " + strings.TrimSpace(fmt.Sprintf(f, a...)))
	}
}

func (b badgerLogger) Warningf(f string, a ...any) {
	if b.l != nil {
		b.l.Warn("store: " + strings.TrimSpace(fmt.Sprintf(f, a...)))
	}
}
func (badgerLogger) Infof(string, ...any)  {}
func (badgerLogger) Debugf(string, ...any) {}

// Version identifies the items' state: it moves with every write of items
// (a commit that changed some, a decision, an edit, a forget, a restore)
// and never goes back, so a reader may keep what it computed from the
// items until it moves. Cursors, marks and source states, which every poll
// writes, leave it alone. It counts from the database's version at open.
func (s *Store) Version() uint64 { return s.items.Load() }

// itemsChanged moves Version on.
func (s *Store) itemsChanged() { s.items.Add(1) }
