package store

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
)

// releaseTables gives back this process's hold on the pages of the
// store's table files that a long scan has read. Badger maps its tables
// into memory, so every page a scan touches counts in the resident set
// until the process exits: a listing of 200,000 items would hold 80 MB it
// will not read again. MADV_DONTNEED on a shared, file-backed mapping
// only drops the process's page-table entries; the pages stay in the page
// cache, and the file's contents are untouched (nothing in these mappings
// is private). A page read again is mapped again from the cache.
func releaseTables(dir string) {
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		return
	}
	defer f.Close()
	prefix := []byte(filepath.Clean(dir) + "/")
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// 7f1c2a000000-7f1c2a400000 r--s 00000000 08:01 1234 /data/000001.sst
		line := sc.Bytes()
		i := bytes.IndexByte(line, '/')
		if i < 0 || !bytes.HasSuffix(line, []byte(".sst")) || !bytes.HasPrefix(line[i:], prefix) {
			continue
		}
		dash := bytes.IndexByte(line, '-')
		sp := bytes.IndexByte(line, ' ')
		if dash < 0 || sp < dash {
			continue
		}
		start, err1 := strconv.ParseUint(string(line[:dash]), 16, 64)
		end, err2 := strconv.ParseUint(string(line[dash+1:sp]), 16, 64)
		if err1 != nil || err2 != nil || end <= start {
			continue
		}
		syscall.Syscall(syscall.SYS_MADVISE, uintptr(start), uintptr(end-start), syscall.MADV_DONTNEED)
	}
}
