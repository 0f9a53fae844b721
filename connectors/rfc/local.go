package rfc

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"math"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/evident-sync/evident/connectors"
)

// docFile is a document found in the folder.
type docFile struct {
	rel  string
	size int64
	mod  int64
}

// walk lists the documents under dir: kep.yaml stands for its whole folder;
// other files are documents by their extension.
func walk(dir string) ([]docFile, error) {
	var out []docFile
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			if p == dir {
				return err
			}
			return nil // unreadable corner: skip it
		}
		name := e.Name()
		if e.IsDir() {
			if p != dir && (strings.HasPrefix(name, ".") || name == "node_modules" || name == "vendor") {
				return filepath.SkipDir
			}
			if fi, err := os.Stat(filepath.Join(p, "kep.yaml")); err == nil {
				rel, _ := filepath.Rel(dir, filepath.Join(p, "kep.yaml"))
				out = append(out, docFile{filepath.ToSlash(rel), fi.Size(), fi.ModTime().UnixNano()})
				return filepath.SkipDir
			}
			return nil
		}
		switch strings.ToLower(path.Ext(name)) {
		case ".md", ".markdown", ".rst", ".txt":
		default:
			return nil
		}
		fi, err := e.Info()
		if err != nil || !fi.Mode().IsRegular() {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		out = append(out, docFile{filepath.ToSlash(rel), fi.Size(), fi.ModTime().UnixNano()})
		return nil
	})
	return out, err
}

func (c *Connector) fetchLocal(ctx context.Context, cur *cursor, raw []byte, marks connectors.Marks) (connectors.Page, error) {
	page := connectors.Page{RateLimitRemaining: -1, Progress: -1}
	p := c.pass
	if p == nil || cur.Pass == 0 || !bytes.Equal(p.next, raw) {
		files, err := walk(c.cfg.Dir)
		if err != nil {
			return page, fmt.Errorf("read RFC folder %s: %w", c.cfg.Dir, err)
		}
		// Newest first (by file time), so a first sync shows this week's
		// documents first; the path breaks ties.
		sort.Slice(files, func(i, j int) bool { return files[i].order() < files[j].order() })
		m, err := loadMarks(ctx, marks, cur, &page)
		if err != nil {
			return page, err
		}
		p = &pass{files: files, marks: m}
		if cur.Pass == 0 {
			cur.Pass, cur.After = c.cfg.Clock.Now().UnixNano(), ""
		}
		p.i = after(len(files), func(i int) string { return files[i].order() }, cur.After)
		c.pass = p
	}
	read := 0
	for ; p.i < len(p.files) && read < c.cfg.PageSize; p.i++ {
		if err := ctx.Err(); err != nil {
			c.pass = nil
			return connectors.Page{RateLimitRemaining: -1, Progress: -1}, err
		}
		f := p.files[p.i]
		old, ok := p.marks[f.rel]
		if ok && old.Size == f.size && old.Mod == f.mod {
			continue // unchanged since it was read
		}
		read++
		c.readLocal(ctx, p, f, old, &page)
	}
	if p.i == len(p.files) {
		present := make(map[string]bool, len(p.files))
		for _, f := range p.files {
			present[f.rel] = true
		}
		for k := range p.marks {
			if !present[k] {
				delete(p.marks, k)
				setMark(&page, k, nil)
			}
		}
		cur.Pass, cur.After = 0, ""
		page.Backfill = &connectors.Backfill{Progress: 1}
		page.Skipped = skipped(p.marks)
	} else {
		last := p.files[p.i-1]
		cur.After = last.order()
		page.More = true
		page.Backfill = &connectors.Backfill{To: time.Unix(0, last.mod).UTC(), Progress: float64(p.i) / float64(len(p.files))}
	}
	page.Cursor = encode(cur)
	p.next = page.Cursor
	if !page.More {
		c.pass = nil
	}
	page.Progress = 1
	if len(p.files) > 0 {
		page.Progress = float64(p.i) / float64(len(p.files))
	}
	return page, nil
}

// order is the document's place in a pass: newest file time first, then
// by path (a fixed-width hex of the inverted time, so strings sort as times).
func (f docFile) order() string {
	return fmt.Sprintf("%016x/%s", uint64(math.MaxInt64-f.mod), f.rel)
}

// readLocal reads one document whose fingerprint changed: a new mark, and
// its artifact when its content changed and the user has a part in it.
func (c *Connector) readLocal(ctx context.Context, p *pass, f docFile, old fileState, page *connectors.Page) {
	content, err := os.ReadFile(filepath.Join(c.cfg.Dir, filepath.FromSlash(f.rel)))
	if err != nil {
		page.Problems = append(page.Problems, fmt.Sprintf("%s: cannot read: %v; skipped", f.rel, err))
		return
	}
	st := fileState{Size: f.size, Mod: f.mod, Hash: hashOf(content)}
	if old.Hash == st.Hash {
		st.Skip = old.Skip
		p.marks[f.rel] = st
		setMark(page, f.rel, st.mark())
		return // touched, not changed
	}
	d, err := Parse(f.rel, content)
	if err != nil {
		st.Skip = err.Error()
		page.Problems = append(page.Problems, err.Error())
	}
	p.marks[f.rel] = st
	setMark(page, f.rel, st.mark())
	if d == nil {
		return
	}
	page.Problems = append(page.Problems, d.Problems...)
	var x extra
	if len(d.People) == 0 || d.Created.IsZero() {
		if !p.histRead {
			p.hist, p.histRead = readGitHistory(ctx, c.cfg.Dir), true
		}
		x = p.hist.extra(f.rel, d.PRs)
	}
	if x.created.IsZero() && d.Created.IsZero() && d.Updated.IsZero() {
		x.updated = time.Unix(0, f.mod).UTC()
	}
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(filepath.Join(c.cfg.Dir, filepath.FromSlash(f.rel)))}
	if a := c.artifact(d, x, u.String(), c.cfg.Name); a != nil {
		page.Artifacts = append(page.Artifacts, *a)
	}
}
