package rfc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"path"
	"slices"
	"sort"
	"strings"

	gh "github.com/google/go-github/v60/github"

	"github.com/evident-sync/evident/connectors"
	"github.com/evident-sync/evident/connectors/github"
	"github.com/evident-sync/evident/connectors/transport"
)

// githubRepo reads documents under a path of a GitHub repository.
type githubRepo struct {
	*github.Client
	api         *gh.Client
	tr          *transport.Transport
	owner, repo string
	root        string
}

func newGitHubRepo(cfg Config) (*githubRepo, error) {
	owner, repo, ok := strings.Cut(cfg.Repo, "/")
	if !ok || owner == "" || repo == "" {
		return nil, fmt.Errorf("rfc: repo %q must be owner/name", cfg.Repo)
	}
	cl, err := github.NewClient(github.ClientConfig{BaseURL: cfg.BaseURL, Token: cfg.Token, Clock: cfg.Clock, Base: cfg.Base})
	if err != nil {
		return nil, fmt.Errorf("rfc: %w", err)
	}
	return &githubRepo{Client: cl, api: cl.API, tr: cl.Tr, owner: owner, repo: repo, root: strings.Trim(cfg.Path, "/")}, nil
}

type remoteFile struct {
	path, sha, url string
}

// list walks the folder through the contents API: kep.yaml stands for its
// folder; other files are documents by their extension.
func (g *githubRepo) list(ctx context.Context, dir string, out *[]remoteFile) error {
	_, entries, _, err := g.api.Repositories.GetContents(ctx, g.owner, g.repo, dir, nil)
	if err != nil {
		return g.explain(err, "list "+g.owner+"/"+g.repo+"/"+dir)
	}
	for _, e := range entries {
		if e.GetType() == "file" && e.GetName() == "kep.yaml" {
			*out = append(*out, remoteFile{e.GetPath(), e.GetSHA(), e.GetHTMLURL()})
			return nil
		}
	}
	for _, e := range entries {
		switch e.GetType() {
		case "dir":
			if strings.HasPrefix(e.GetName(), ".") {
				continue
			}
			if err := g.list(ctx, e.GetPath(), out); err != nil {
				return err
			}
		case "file":
			switch strings.ToLower(path.Ext(e.GetName())) {
			case ".md", ".markdown", ".rst", ".txt":
				*out = append(*out, remoteFile{e.GetPath(), e.GetSHA(), e.GetHTMLURL()})
			}
		}
	}
	return nil
}

// treeSHA is the folder's tree SHA, from its parent's listing: one
// request that says whether anything under it changed. "" when the folder
// is the repository's root or the listing does not say.
func (g *githubRepo) treeSHA(ctx context.Context) (string, error) {
	if g.root == "" {
		return "", nil
	}
	parent, name := path.Split(g.root)
	_, entries, _, err := g.api.Repositories.GetContents(ctx, g.owner, g.repo, strings.TrimSuffix(parent, "/"), nil)
	if err != nil {
		return "", g.explain(err, "list "+g.owner+"/"+g.repo+"/"+parent)
	}
	for _, e := range entries {
		if e.GetName() == name && e.GetType() == "dir" {
			return e.GetSHA(), nil
		}
	}
	return "", nil
}

func (g *githubRepo) fetch(ctx context.Context, c *Connector, cur *cursor, raw []byte, marks connectors.Marks) (page connectors.Page, err error) {
	defer g.tr.Meter(&page)()
	p := c.pass
	if p == nil || cur.Pass == 0 || !bytes.Equal(p.next, raw) {
		c.pass = nil
		if cur.Pass == 0 {
			tree, err := g.treeSHA(ctx)
			if err != nil {
				return page, err
			}
			if tree != "" && tree == cur.Tree && cur.Files == nil {
				// Nothing under the folder changed: a quiet poll is one request.
				page.Cursor, page.Progress = raw, 1
				return page, nil
			}
			cur.Pass, cur.After, cur.PassTree = c.cfg.Clock.Now().UnixNano(), "", tree
		}
		var files []remoteFile
		if err := g.list(ctx, g.root, &files); err != nil {
			return page, err
		}
		sort.Slice(files, func(i, j int) bool { return files[i].path < files[j].path })
		m, err := loadMarks(ctx, marks, cur, &page)
		if err != nil {
			return page, err
		}
		p = &pass{remote: files, marks: m}
		p.i = after(len(files), func(i int) string { return files[i].path }, cur.After)
		c.pass = p
	}
	read := 0
	for ; p.i < len(p.remote) && read < c.cfg.PageSize; p.i++ {
		f := p.remote[p.i]
		if p.marks[f.path].Hash == f.sha {
			continue
		}
		read++
		a, problem, err := g.read(ctx, c, f)
		if err != nil {
			c.pass = nil
			if p.i > 0 {
				// What was read before the failure is kept.
				cur.After = p.remote[p.i-1].path
				page.Cursor, page.More = encode(cur), true
			} else {
				page.Marks = nil
			}
			return page, err
		}
		st := fileState{Hash: f.sha}
		for _, pr := range problem {
			if strings.HasSuffix(pr, "; skipped") {
				st.Skip = pr
			}
		}
		p.marks[f.path] = st
		setMark(&page, f.path, st.mark())
		page.Problems = append(page.Problems, problem...)
		if a != nil {
			page.Artifacts = append(page.Artifacts, *a)
		}
	}
	if p.i == len(p.remote) {
		present := make(map[string]bool, len(p.remote))
		for _, f := range p.remote {
			present[f.path] = true
		}
		for k := range p.marks {
			if !present[k] {
				delete(p.marks, k)
				setMark(&page, k, nil)
			}
		}
		cur.Pass, cur.After, cur.Tree, cur.PassTree = 0, "", cur.PassTree, ""
		page.Skipped = skipped(p.marks)
	} else {
		cur.After = p.remote[p.i-1].path
		page.More = true
	}
	page.Cursor = encode(cur)
	p.next = page.Cursor
	if !page.More {
		c.pass = nil
	}
	page.Progress = 1
	if len(p.remote) > 0 {
		page.Progress = float64(p.i) / float64(len(p.remote))
	}
	return page, nil
}

// Check says whose token a GitHub RFC source reads with: the login, or
// that it reads anonymously (public repositories only, at GitHub's lower
// rate). A local folder needs no credential: connectors.ErrNoCredential.
func (c *Connector) Check(ctx context.Context) (string, error) {
	if c.gh == nil {
		return "", connectors.ErrNoCredential
	}
	if t := c.cfg.Token; t.Env == "" && t.Command == "" && t.Keyring == "" {
		return "anonymous (no token: public repositories, at 60 requests an hour)", nil
	}
	u, _, err := c.gh.api.Users.Get(ctx, "")
	if err != nil {
		return "", c.gh.explain(err, "check the token")
	}
	return u.GetLogin(), nil
}

// rel is a file's path relative to the source's folder, for its key.
func (g *githubRepo) rel(p string) string {
	if g.root == "" {
		return p
	}
	return strings.TrimPrefix(strings.TrimPrefix(p, g.root), "/")
}

// read fetches one document, the commits that changed it and the reviews
// of their pull requests.
func (g *githubRepo) read(ctx context.Context, c *Connector, f remoteFile) (*connectors.Artifact, []string, error) {
	fc, _, _, err := g.api.Repositories.GetContents(ctx, g.owner, g.repo, f.path, nil)
	if err != nil {
		return nil, nil, g.explain(err, "read "+f.path)
	}
	if fc == nil {
		return nil, nil, nil
	}
	text, err := fc.GetContent()
	if err != nil {
		return nil, []string{fmt.Sprintf("%s: cannot decode its content: %v; skipped", f.path, err)}, nil
	}
	d, err := Parse(g.rel(f.path), []byte(text))
	if err != nil {
		return nil, []string{err.Error()}, nil
	}
	if d == nil {
		return nil, nil, nil
	}
	x, err := g.history(ctx, c, f.path)
	if err != nil {
		return nil, nil, err
	}
	return c.artifact(d, x, f.url, g.owner+"/"+g.repo), d.Problems, nil
}

// history reads who committed the document and which pull requests changed
// it; their reviews make reviewers and approvers.
func (g *githubRepo) history(ctx context.Context, c *Connector, file string) (extra, error) {
	var x extra
	// Every page: the oldest commit names the author and the creation date.
	commits, err := github.ListAll(func(p int) ([]*gh.RepositoryCommit, *gh.Response, error) {
		cs, resp, err := g.api.Repositories.ListCommits(ctx, g.owner, g.repo, &gh.CommitsListOptions{Path: file, ListOptions: gh.ListOptions{PerPage: 100, Page: p}})
		var er *gh.ErrorResponse
		if errors.As(err, &er) && er.Response != nil && er.Response.StatusCode == http.StatusConflict {
			return nil, &gh.Response{}, nil // an empty repository answers 409: the document speaks for itself
		}
		return cs, resp, err
	})
	if err != nil {
		return x, g.explain(err, "list the commits of "+file)
	}
	if len(commits) == 0 {
		return x, nil
	}
	oldest := commits[len(commits)-1]
	x.created = oldest.GetCommit().GetAuthor().GetDate().Time.UTC()
	x.updated = commits[0].GetCommit().GetAuthor().GetDate().Time.UTC()
	if l := oldest.GetAuthor().GetLogin(); l != "" {
		x.authors = append(x.authors, Person{Login: l, Role: connectors.RoleAuthor})
	} else {
		x.authors = append(x.authors, Person{Name: oldest.GetCommit().GetAuthor().GetName(), Email: strings.ToLower(oldest.GetCommit().GetAuthor().GetEmail()), Role: connectors.RoleAuthor})
	}
	seenPR := map[int]bool{}
	for _, cm := range commits[:min(len(commits), 10)] {
		prs, _, err := g.api.PullRequests.ListPullRequestsWithCommit(ctx, g.owner, g.repo, cm.GetSHA(), &gh.ListOptions{PerPage: 100})
		if err != nil {
			var er *gh.ErrorResponse
			if errors.As(err, &er) && er.Response != nil && er.Response.StatusCode == http.StatusNotFound {
				continue
			}
			return x, g.explain(err, "list the pull requests of "+file)
		}
		for _, pr := range prs {
			n := pr.GetNumber()
			if seenPR[n] {
				continue
			}
			seenPR[n] = true
			if l := pr.GetUser().GetLogin(); l != "" && len(seenPR) == 1 {
				x.authors = append(x.authors, Person{Login: l, Role: connectors.RoleAuthor})
			}
			reviews, err := github.ListAll(func(p int) ([]*gh.PullRequestReview, *gh.Response, error) {
				return g.api.PullRequests.ListReviews(ctx, g.owner, g.repo, n, &gh.ListOptions{PerPage: 100, Page: p})
			})
			if err != nil {
				return x, g.explain(err, fmt.Sprintf("list the reviews of %s/%s#%d", g.owner, g.repo, n))
			}
			for _, r := range reviews {
				l := r.GetUser().GetLogin()
				if l == "" || r.GetState() == "PENDING" {
					continue
				}
				role := connectors.RoleReviewer
				if r.GetState() == "APPROVED" {
					role = connectors.RoleApprover
				}
				p := Person{Login: l, Role: role}
				if !slices.Contains(x.people, p) {
					x.people = append(x.people, p)
				}
				if c.isMe(p) && r.SubmittedAt != nil {
					x.rounds = append(x.rounds, connectors.Round{At: r.GetSubmittedAt().Time.UTC(), State: r.GetState()})
				}
			}
		}
	}
	// An approver also reviewed.
	for _, p := range slices.Clone(x.people) {
		if p.Role == connectors.RoleApprover {
			r := Person{Login: p.Login, Role: connectors.RoleReviewer}
			if !slices.Contains(x.people, r) {
				x.people = append(x.people, r)
			}
		}
	}
	sort.Slice(x.rounds, func(i, j int) bool { return x.rounds[i].At.Before(x.rounds[j].At) })
	return x, nil
}

func (g *githubRepo) explain(err error, doing string) error { return g.Explain(err, doing) }
