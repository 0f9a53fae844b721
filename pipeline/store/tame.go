package store

// What keeps Badger fit for a background service on a laptop, in one
// place: its options (small memtables and caches, few compactors, quiet
// logs); hibernation (an idle daemon closes the database and holds no
// Badger memory); Tidy (a compaction when much of the store sits above its
// deepest level, after decisions rewrite records); purge and dropPrefix
// (Forget's rewrite); and the value log's garbage collection. Giving back
// the pages a long scan mapped is releaseTables (release_linux.go), and the
// free-space check before writes is space.go.

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"time"

	badger "github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/options"
)

// hibernate closes an idle database unless it was used since gen.
func (s *Store) hibernate(gen uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.db == nil || s.users > 0 || s.gen != gen {
		return
	}
	s.db.Close()
	s.db = nil
	debug.FreeOSMemory()
}

// badgerOptions are tuned for a background service on a laptop: small
// memtables and caches, few compactors, no metrics, values inline in the LSM
// tree (evidence records are small) and quiet logs. The block cache is
// small because evident reads by scans, which pass each block once: a
// bigger one only held decompressed blocks nobody read again (7 MiB of a
// 50,000-item report's peak). Tables stay Snappy-compressed: uncompressed
// tables made scans a fifth faster but doubled what compactions write, and
// a first sync of 200,000 items fell from 26,000 to 15,000 artifacts/s.
func badgerOptions(dir string, o Options) badger.Options {
	opts := badger.DefaultOptions(dir).
		WithMemTableSize(4 << 20).
		WithNumMemtables(2).
		WithNumLevelZeroTables(2).
		WithNumLevelZeroTablesStall(8).
		WithBaseTableSize(2 << 20).
		WithBaseLevelSize(8 << 20).
		WithValueLogFileSize(16 << 20).
		WithValueThreshold(256 << 10).
		WithBlockCacheSize(1 << 20).
		WithIndexCacheSize(2 << 20).
		WithNumCompactors(2).
		WithNumGoroutines(2).
		WithCompression(options.Snappy).
		WithMetricsEnabled(false).
		WithLogger(badgerLogger{o.Logger})
	if len(o.EncryptionKey) > 0 {
		opts = opts.WithEncryptionKey(o.EncryptionKey)
	}
	if o.uncompressed {
		opts = opts.WithCompression(options.None)
	}
	return opts
}

// CollectGarbage rewrites value-log files that are mostly stale. The daemon
// calls it periodically; it returns when there is nothing left to reclaim or
// ctx is done.
func (s *Store) CollectGarbage(ctx context.Context) error {
	if s.readOnly {
		return nil
	}
	for ctx.Err() == nil {
		err := s.withDB(func(db *badger.DB) error { return db.RunValueLogGC(0.5) })
		if errors.Is(err, badger.ErrNoRewrite) || errors.Is(err, badger.ErrRejected) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("value log gc: %w", err)
		}
	}
	return ctx.Err()
}

// purge rewrites the store so deleted data leaves the disk: the memtable is
// flushed by closing and reopening, every level compacted into one (which
// drops deleted and superseded versions), and stale value-log files
// collected.
func (s *Store) purge(ctx context.Context) error {
	s.mu.Lock()
	if s.users == 0 && s.db != nil {
		if err := s.db.Close(); err != nil {
			s.mu.Unlock()
			return err
		}
		s.db = nil
		// Reopen with level 0 holding one table at most, so even a young
		// store's single table is compacted down (and its dead versions
		// dropped); the next open uses the usual options again.
		normal := s.opts.NumLevelZeroTables
		s.opts.NumLevelZeroTables = 1
		err := s.open()
		s.opts.NumLevelZeroTables = normal
		if err != nil {
			s.mu.Unlock()
			return err
		}
	}
	s.mu.Unlock()
	// Let the compactors move level 0 down (deleted and superseded versions
	// are dropped on the way), then flatten whatever levels remain.
	err := s.withDB(func(db *badger.DB) error {
		for tries := 0; ; tries++ {
			levels := map[int]bool{}
			for _, t := range db.Tables() {
				levels[t.Level] = true
			}
			if !levels[0] && len(levels) <= 1 {
				return nil
			}
			if len(levels) > 1 {
				if err := db.Flatten(2); err != nil {
					return err
				}
			}
			if tries > 200 {
				return errors.New("compaction did not settle")
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(50 * time.Millisecond):
			}
		}
	})
	if err != nil {
		return fmt.Errorf("compact: %w", err)
	}
	return s.CollectGarbage(ctx)
}

// dropPrefix deletes every key under p.
func (s *Store) dropPrefix(p []byte) error {
	return s.withDB(func(db *badger.DB) error { return db.DropPrefix(p) })
}

// Tidy compacts the store when much of it sits above its deepest level,
// where superseded versions (every decision and re-sync writes a record
// anew) and deletions wait for compaction: a listing has to step over them,
// and at 50,000 items an untidy store read three times slower than a tidy
// one. It reports whether it compacted. The daemon calls it hourly, and
// sync after a run that wrote.
func (s *Store) Tidy(ctx context.Context) (bool, error) {
	if s.readOnly {
		return false, nil // a reader leaves compaction to writers
	}
	var due bool
	if err := s.withDB(func(db *badger.DB) error { due = untidy(db.Tables()); return nil }); err != nil {
		return false, err
	}
	if !due {
		return false, nil
	}
	return true, s.purge(ctx)
}

// untidy says whether tables hold enough above their deepest level, at
// least tidyMinUpper and a quarter of them, to be worth a compaction.
func untidy(tables []badger.TableInfo) bool {
	deepest := 0
	for _, t := range tables {
		deepest = max(deepest, t.Level)
	}
	var upper, total int64
	for _, t := range tables {
		total += int64(t.OnDiskSize)
		if t.Level < deepest {
			upper += int64(t.OnDiskSize)
		}
	}
	return upper >= tidyMinUpper && upper*4 >= total
}

// tidyMinUpper is how much must sit above the deepest level before Tidy
// compacts: less is read past in a few milliseconds.
const tidyMinUpper = 1 << 20
