package pipeline

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/evident-sync/evident/pipeline/store"
)

// backupPrefix and backupSuffix frame the scheduled backups' names: only
// files named so are ever rotated away.
const (
	backupPrefix = "evident-"
	backupSuffix = ".backup"
)

// WriteBackup writes a full backup of st into dir as
// evident-YYYYMMDDTHHMMSSZ.backup (through a temporary file, fsynced, then
// renamed, so a file of that name is always whole), then removes the
// oldest scheduled backups beyond keep. Files of other names are never
// touched. It returns the new file's path.
func WriteBackup(ctx context.Context, st *store.Store, dir string, keep int, now time.Time) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("create backup dir: %w", err)
	}
	name := backupPrefix + now.UTC().Format("20060102T150405Z") + backupSuffix
	tmp, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return "", fmt.Errorf("create backup: %w", err)
	}
	defer os.Remove(tmp.Name())
	bw := bufio.NewWriter(tmp)
	if err := st.Backup(ctx, bw); err != nil {
		tmp.Close()
		return "", err
	}
	if err := bw.Flush(); err != nil {
		tmp.Close()
		return "", fmt.Errorf("write backup: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return "", fmt.Errorf("write backup: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("write backup: %w", err)
	}
	path := filepath.Join(dir, name)
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", fmt.Errorf("write backup: %w", err)
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync() // the rename itself is durable
		d.Close()
	}
	return path, rotate(dir, keep)
}

// rotate removes the oldest scheduled backups in dir beyond keep.
func rotate(dir string, keep int) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("rotate backups: %w", err)
	}
	var ours []string
	for _, e := range entries {
		if n := e.Name(); e.Type().IsRegular() && strings.HasPrefix(n, backupPrefix) && strings.HasSuffix(n, backupSuffix) {
			ours = append(ours, n)
		}
	}
	slices.Sort(ours) // the names sort by time
	for len(ours) > max(keep, 1) {
		if err := os.Remove(filepath.Join(dir, ours[0])); err != nil {
			return fmt.Errorf("rotate backups: %w", err)
		}
		ours = ours[1:]
	}
	return nil
}
