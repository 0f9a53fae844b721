package rfc

import (
	"bufio"
	"bytes"
	"context"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// gitHistory is what a local folder's git history says of each document:
// who wrote it, when it was first and last changed. It follows renames,
// so a document moved by whoever merged it (rust-lang/rfcs renames
// text/0000-name.md to text/1444-name.md on merge) or by a layout commit
// that moved every file keeps the author who wrote it; and where a
// document names the pull request that brought it and that pull request's
// merge commit is in history, the author of the branch's first commit is
// its author, whoever later committed the file.
type gitHistory struct {
	first map[string]gitCommit // the oldest commit of the document, under any of its names
	last  map[string]time.Time // its newest change
	// commits is the whole graph (no path limit), mainline its first-parent
	// chain from HEAD, and merges the merge commit of each pull request
	// number its subject names.
	commits  map[string]*graphCommit
	mainline map[string]bool
	merges   map[int]string
}

type gitCommit struct {
	name, email string
	at          time.Time
}

type graphCommit struct {
	gitCommit
	parents []string
}

// extra is the history's authorship and dates for the document at rel
// that names pull requests prs (its own header's), first the one that
// brought it.
func (g *gitHistory) extra(rel string, prs []int) extra {
	if g == nil {
		return extra{}
	}
	var x extra
	c, ok := g.first[rel]
	if len(prs) > 0 {
		if b, found := g.branchAuthor(prs[0]); found {
			c, ok = b, true
		}
	}
	if ok {
		x.authors = []Person{{Name: c.name, Email: strings.ToLower(c.email), Role: "author"}}
		x.created = g.first[rel].at
		if x.created.IsZero() {
			x.created = c.at
		}
	}
	x.updated = g.last[rel]
	return x
}

// branchAuthor is the author of the first commit of the branch that pull
// request pr merged: walking back from the merge's second parent along
// first parents to the mainline.
func (g *gitHistory) branchAuthor(pr int) (gitCommit, bool) {
	m := g.commits[g.merges[pr]]
	if m == nil || len(m.parents) < 2 {
		return gitCommit{}, false
	}
	var first *graphCommit
	for h, n := m.parents[1], 0; h != "" && !g.mainline[h] && n < 10000; n++ {
		c := g.commits[h]
		if c == nil {
			break
		}
		first = c
		if len(c.parents) == 0 {
			break
		}
		h = c.parents[0]
	}
	if first == nil {
		return gitCommit{}, false
	}
	return first.gitCommit, true
}

// prMerge finds the pull request number in a merge commit's subject, as
// GitHub ("Merge pull request #1444 from joshtriplett/untagged_union") and
// bors ("Auto merge of #1444 - …") write it.
var prMerge = regexp.MustCompile(`^(?:Merge pull request|Auto merge of) #(\d+)\b`)

// readGitHistory reads the folder's history in two git logs: the commit
// graph, and the changes under the folder with renames found; nil when the
// folder is not in a git checkout or git is missing.
func readGitHistory(ctx context.Context, dir string) *gitHistory {
	top, err := exec.CommandContext(ctx, "git", "-C", dir, "rev-parse", "--show-prefix").Output()
	if err != nil {
		return nil
	}
	prefix := strings.TrimSpace(string(top))
	g := &gitHistory{first: map[string]gitCommit{}, last: map[string]time.Time{},
		commits: map[string]*graphCommit{}, mainline: map[string]bool{}, merges: map[int]string{}}
	if err := g.readGraph(ctx, dir); err != nil {
		return nil
	}
	out, err := exec.CommandContext(ctx, "git", "-C", dir, "log", "-M", "--name-status", "--format=%x01%an%x02%ae%x02%aI", "--", ".").Output()
	if err != nil {
		return nil
	}
	g.readChanges(out, prefix)
	return g
}

// readGraph reads every commit's parents, author and subject.
func (g *gitHistory) readGraph(ctx context.Context, dir string) error {
	out, err := exec.CommandContext(ctx, "git", "-C", dir, "log", "--format=%H%x02%P%x02%an%x02%ae%x02%aI%x02%s").Output()
	if err != nil {
		return err
	}
	var head string
	subjects := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		f := strings.SplitN(sc.Text(), "\x02", 6)
		if len(f) != 6 {
			continue
		}
		t, _ := time.Parse(time.RFC3339, f[4])
		c := &graphCommit{gitCommit: gitCommit{f[2], f[3], t.UTC()}, parents: strings.Fields(f[1])}
		g.commits[f[0]] = c
		if head == "" {
			head = f[0]
		}
		if len(c.parents) == 2 {
			subjects[f[0]] = f[5]
		}
	}
	// Only merges on the mainline merged this repository's pull requests:
	// a fork's own pull request numbers come in with the branches.
	for h := head; h != "" && !g.mainline[h]; {
		g.mainline[h] = true
		if m := prMerge.FindStringSubmatch(subjects[h]); m != nil {
			if n, err := strconv.Atoi(m[1]); err == nil {
				if _, seen := g.merges[n]; !seen { // newest first: the last merge of a number wins
					g.merges[n] = h
				}
			}
		}
		c := g.commits[h]
		if c == nil || len(c.parents) == 0 {
			break
		}
		h = c.parents[0]
	}
	return nil
}

// readChanges reads git log --name-status, newest commit first, and
// follows each document back through its renames: names maps a path, as
// it was at the commit being read, to the document it became (a ghost
// once the path was created or renamed away, so an older file of the same
// name is another document).
func (g *gitHistory) readChanges(out []byte, prefix string) {
	names := map[string]string{}
	const ghost = "\x00"
	resolve := func(p string) string {
		if k, ok := names[p]; ok {
			return k
		}
		return p
	}
	touch := func(k string, c gitCommit) {
		if k == ghost {
			return
		}
		g.first[k] = c // older commits come later: the last seen is the first
		if _, ok := g.last[k]; !ok {
			g.last[k] = c.at
		}
	}
	var c gitCommit
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "\x01") {
			parts := strings.Split(line[1:], "\x02")
			if len(parts) == 3 {
				t, _ := time.Parse(time.RFC3339, parts[2])
				c = gitCommit{parts[0], parts[1], t.UTC()}
			}
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) < 2 || f[0] == "" {
			continue
		}
		for i := 1; i < len(f); i++ {
			p, ok := strings.CutPrefix(f[i], prefix)
			if !ok {
				p = "\x00outside/" + f[i]
			}
			f[i] = p
		}
		switch st := f[0][0]; {
		case (st == 'R' || st == 'C') && len(f) == 3:
			k := resolve(f[2])
			touch(k, c)
			if st == 'R' {
				names[f[2]] = ghost
			}
			names[f[1]] = k
		case st == 'A':
			touch(resolve(f[1]), c)
			names[f[1]] = ghost
		case st == 'D':
			names[f[1]] = ghost
		default:
			touch(resolve(f[1]), c)
		}
	}
}
