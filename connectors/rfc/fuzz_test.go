package rfc

import (
	"os"
	"path/filepath"
	"testing"
)

// The document parsers read files other people wrote: no input panics.
// Seeds are the real KEPs, PEPs and Rust RFCs in testdata.
func FuzzParse_NeverPanics(f *testing.F) {
	seeds := 0
	for _, glob := range []string{"testdata/*/*.md", "testdata/*/*.rst", "testdata/*/*.yaml", "testdata/*/*/*.md", "testdata/*/*/*.yaml", "testdata/*/*/*/*.yaml", "testdata/*/*/*/*.md"} {
		files, _ := filepath.Glob(glob)
		for _, p := range files {
			if b, err := os.ReadFile(p); err == nil && len(b) < 64<<10 && seeds < 300 {
				f.Add(filepath.Base(p), b)
				seeds++
			}
		}
	}
	f.Add("0001-x.md", []byte("---\ntitle: [\n---\n"))
	f.Add("pep-0001.rst", []byte("PEP: 1\nTitle: \xff\nAuthor: <>,,\n"))
	f.Add("kep.yaml", []byte("title: x\nauthors: [&a [*a]]\n"))
	f.Fuzz(func(t *testing.T, name string, content []byte) {
		Parse(name, content)
	})
}
