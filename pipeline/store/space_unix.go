//go:build unix

package store

import (
	"path/filepath"
	"syscall"
)

// freeSpace is the space an unprivileged user may still write in dir's
// file system.
func freeSpace(dir string) (uint64, bool) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, false
	}
	return uint64(st.Bavail) * uint64(st.Bsize), true
}

// mountPoint is the folder dir's file system is mounted on: the highest
// ancestor of dir on the same device ("" when it cannot be told).
func mountPoint(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	var st syscall.Stat_t
	if syscall.Stat(abs, &st) != nil {
		return ""
	}
	for {
		parent := filepath.Dir(abs)
		var pst syscall.Stat_t
		if parent == abs || syscall.Stat(parent, &pst) != nil || pst.Dev != st.Dev {
			return abs
		}
		abs = parent
	}
}
