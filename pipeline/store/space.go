package store

import (
	"fmt"
)

// SpaceNeeded is the free space, in bytes, the data dir's file system must
// have before a sync pass and before each page is committed: Badger's two
// memtables (2 × 4 MiB, written through mmap), one value log file (16 MiB)
// and 16 MiB for the level-0 tables a flush and a compaction write. Below it
// a write through mmap can fault (SIGBUS) instead of failing, so evident
// stops first.
const SpaceNeeded = 2*(4<<20) + 16<<20 + 16<<20

// DiskFullError says the data dir's file system has too little free space
// to write safely. Nothing is lost: the pass stopped at its last commit.
type DiskFullError struct {
	Dir        string
	Free, Need uint64
}

func (e *DiskFullError) Error() string {
	return fmt.Sprintf("the disk holding %s has %s free and evident needs %s to write safely; sync stopped at its last saved page (nothing is lost): free some space and it resumes", e.Dir, mib(e.Free), mib(e.Need))
}

func mib(n uint64) string {
	if n < 1<<20 {
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}

// CheckSpace returns a *DiskFullError when the data dir's file system has
// less than SpaceNeeded free. Where free space cannot be measured it
// returns nil.
func (s *Store) CheckSpace() error {
	measure := s.freeSpace
	if measure == nil {
		measure = freeSpace
	}
	free, ok := measure(s.dir)
	if !ok || free >= SpaceNeeded {
		return nil
	}
	return &DiskFullError{Dir: s.dir, Free: free, Need: SpaceNeeded}
}
