package githubtest

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"sort"
	"strings"
)

// repoFiles serves the contents, commits and pulls listings the RFC
// connector reads.
func (s *Server) repoFiles(r *http.Request, p, endpoint string, q url.Values) reply {
	var m []string
	switch endpoint {
	case "contents":
		m = reContents.FindStringSubmatch(p)
	case "commits":
		m = reCommits.FindStringSubmatch(p)
	case "commit-pulls":
		m = reCommitPulls.FindStringSubmatch(p)
	default:
		m = rePulls.FindStringSubmatch(p)
	}
	repo := m[1] + "/" + m[2]
	base := "http://" + r.Host
	switch endpoint {
	case "contents":
		return s.contents(base, repo, strings.Trim(m[3], "/"))
	case "commits":
		file := strings.Trim(q.Get("path"), "/")
		var out []any
		for _, c := range s.FileCommits[repo][file] {
			j := template("repos-list-commits.json")
			j["sha"] = c.SHA
			commit := j["commit"].(map[string]any)
			commit["message"] = c.Message
			for _, k := range []string{"author", "committer"} {
				who := commit[k].(map[string]any)
				who["name"], who["email"], who["date"] = c.Author, c.Author+"@users.noreply.github.com", ts(c.Date)
			}
			j["author"], j["committer"] = userJSON(c.Author), userJSON(c.Author)
			out = append(out, j)
		}
		return s.paginate(r, out)
	case "commit-pulls":
		var out []any
		for _, cs := range s.FileCommits[repo] {
			for _, c := range cs {
				if c.SHA != m[3] || c.PR == 0 {
					continue
				}
				pr := s.prs[fmt.Sprintf("%s#%d", repo, c.PR)]
				if pr == nil {
					continue
				}
				j := template("pulls-list.json")
				for k, v := range s.pullJSON(base, pr) {
					if _, ok := j[k]; ok {
						j[k] = v
					}
				}
				out = append(out, j)
				return reply{status: 200, body: out}
			}
		}
		return reply{status: 200, body: []any{}}
	}
	return notFound()
}

func blobSHA(content string) string {
	sum := crc(content)
	return fmt.Sprintf("%040x", sum)
}

// treeSHA is a folder's tree SHA as git makes it: a hash over its
// entries' names and SHAs, so it changes when anything under it does.
func treeSHA(files map[string]string, dir string) string {
	var lines []string
	for f, content := range files {
		if rest, ok := strings.CutPrefix(f, dir+"/"); ok {
			lines = append(lines, rest+" "+blobSHA(content))
		}
	}
	sort.Strings(lines)
	return blobSHA(strings.Join(lines, "\n"))
}

// contents answers the contents API: a file, or a folder's entries.
func (s *Server) contents(base, repo, want string) reply {
	files := s.Files[repo]
	if content, ok := files[want]; ok {
		j := template("contents-file.json")
		j["name"], j["path"] = path.Base(want), want
		j["encoding"] = "base64"
		j["content"] = base64.StdEncoding.EncodeToString([]byte(content))
		j["size"] = len(content)
		j["sha"] = blobSHA(content)
		j["url"] = fmt.Sprintf("%s/repos/%s/contents/%s", base, repo, want)
		j["html_url"] = fmt.Sprintf("https://github.com/%s/blob/main/%s", repo, want)
		return reply{status: 200, body: j}
	}
	entries := map[string]bool{}
	prefix := want + "/"
	if want == "" {
		prefix = ""
	}
	for f := range files {
		if rest, ok := strings.CutPrefix(f, prefix); ok {
			name, _, _ := strings.Cut(rest, "/")
			entries[name] = strings.Contains(rest, "/")
		}
	}
	if len(entries) == 0 {
		return notFound()
	}
	var names []string
	for n := range entries {
		names = append(names, n)
	}
	sort.Strings(names)
	var out []any
	for _, n := range names {
		j := template("contents-dir.json")
		full := strings.TrimPrefix(prefix+n, "/")
		j["name"], j["path"] = n, full
		if entries[n] {
			j["type"], j["sha"], j["size"] = "dir", treeSHA(files, full), 0
		} else {
			j["type"], j["sha"], j["size"] = "file", blobSHA(files[full]), len(files[full])
		}
		j["url"] = fmt.Sprintf("%s/repos/%s/contents/%s", base, repo, full)
		kind := "blob"
		if entries[n] {
			kind = "tree"
		}
		j["html_url"] = fmt.Sprintf("https://github.com/%s/%s/main/%s", repo, kind, full)
		j["git_url"] = fmt.Sprintf("%s/repos/%s/git/%ss/%s", base, repo, kind, j["sha"])
		j["download_url"] = fmt.Sprintf("https://raw.githubusercontent.com/%s/main/%s", repo, full)
		if entries[n] {
			j["download_url"] = nil
		}
		j["_links"] = map[string]any{"self": j["url"], "git": j["git_url"], "html": j["html_url"]}
		out = append(out, j)
	}
	return reply{status: 200, body: out}
}
