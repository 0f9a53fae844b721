package store

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// tableRSS sums the resident kilobytes of this process's mappings of the
// table files in dir, from /proc/self/smaps.
func tableRSS(t *testing.T, dir string) int {
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Skip("no /proc/self/smaps")
	}
	defer f.Close()
	prefix := filepath.Clean(dir) + "/"
	kb, in := 0, false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		fields := strings.Fields(line)
		if len(fields) > 0 && strings.Contains(fields[0], "-") && !strings.HasSuffix(fields[0], ":") {
			path := fields[len(fields)-1]
			in = strings.HasPrefix(path, prefix) && strings.HasSuffix(path, ".sst")
			continue
		}
		if in && len(fields) >= 2 && fields[0] == "Rss:" {
			n, _ := strconv.Atoi(fields[1])
			kb += n
		}
	}
	return kb
}

// A full scan reads every table; releasing the pages afterwards leaves
// next to none of them resident, and the data reads the same again.
func TestScan_GivesBackTheTablePagesItRead(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openTemp(t, dir)
	defer s.Close()
	p := page(30_000, 0)
	for lo := 0; lo < len(p); lo += 500 {
		if _, err := s.Commit(ctx, "github", p[lo:lo+500], nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.purge(ctx); err != nil { // everything into tables
		t.Fatal(err)
	}
	count := func() int {
		n := 0
		if err := s.Scan(ctx, Filter{States: []State{Suggested, Confirmed}}, func(*Item) error { n++; return nil }); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(); n != len(p) {
		t.Fatalf("scanned %d, want %d", n, len(p))
	}
	tables, _ := filepath.Glob(filepath.Join(dir, "*.sst"))
	total := 0
	for _, f := range tables {
		if fi, err := os.Stat(f); err == nil {
			total += int(fi.Size() / 1024)
		}
	}
	read := tableRSS(t, dir)
	releaseTables(dir)
	left := tableRSS(t, dir)
	if total < 4096 || read > total/2 || left > 64 {
		t.Errorf("tables of %d KiB: %d KiB resident after a full scan (want at most half), %d KiB after a release (want none)", total, read, left)
	}
	if n := count(); n != len(p) {
		t.Errorf("after the release the scan reads %d items, want %d", n, len(p))
	}
}
