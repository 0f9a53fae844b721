package githubtest

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
)

// Team is an organisation's team.
type Team struct {
	Slug, Name string
	Members    []string
	Repos      []string // owner/name
}

var (
	reTeams       = regexp.MustCompile(`^/orgs/([^/]+)/teams$`)
	reTeamMembers = regexp.MustCompile(`^/orgs/([^/]+)/teams/([^/]+)/members$`)
	reTeamRepos   = regexp.MustCompile(`^/orgs/([^/]+)/teams/([^/]+)/repos$`)
	rePullFiles   = regexp.MustCompile(`^/repos/([^/]+)/([^/]+)/pulls/(\d+)/files$`)
)

func (s *Server) team(org, slug string) *Team {
	for i, t := range s.Teams[org] {
		if t.Slug == slug {
			return &s.Teams[org][i]
		}
	}
	return nil
}

// teamsAndFiles serves the teams API and a PR's files.
func (s *Server) teamsAndFiles(r *http.Request, path string) (reply, bool) {
	base := "http://" + r.Host
	if m := reTeams.FindStringSubmatch(path); m != nil {
		teams, ok := s.Teams[m[1]]
		if !ok {
			return notFound(), true
		}
		var out []any
		for _, t := range teams {
			j := template("teams-list.json")
			j["name"], j["slug"], j["id"] = t.Name, t.Slug, int(crc(m[1]+"/"+t.Slug))
			j["url"] = fmt.Sprintf("%s/orgs/%s/teams/%s", base, m[1], t.Slug)
			j["members_url"] = j["url"].(string) + "/members{/member}"
			j["repositories_url"] = j["url"].(string) + "/repos"
			j["parent"] = nil
			out = append(out, j)
		}
		return s.paginate(r, out), true
	}
	if m := reTeamMembers.FindStringSubmatch(path); m != nil {
		t := s.team(m[1], m[2])
		if t == nil {
			return notFound(), true
		}
		var out []any
		for _, login := range t.Members {
			u := template("teams-members.json")
			for k, v := range userJSON(login) {
				u[k] = v
			}
			out = append(out, u)
		}
		return s.paginate(r, out), true
	}
	if m := reTeamRepos.FindStringSubmatch(path); m != nil {
		t := s.team(m[1], m[2])
		if t == nil {
			return notFound(), true
		}
		var out []any
		for _, full := range t.Repos {
			owner, name, _ := strings.Cut(full, "/")
			j := template("teams-repos.json")
			j["name"], j["full_name"], j["owner"] = name, full, userJSON(owner)
			j["url"] = fmt.Sprintf("%s/repos/%s", base, full)
			j["html_url"] = "https://github.com/" + full
			out = append(out, j)
		}
		return s.paginate(r, out), true
	}
	if m := rePullFiles.FindStringSubmatch(path); m != nil {
		pr := s.prs[fmt.Sprintf("%s/%s#%s", m[1], m[2], m[3])]
		if pr == nil {
			return notFound(), true
		}
		var out []any
		for i, f := range pr.Files {
			out = append(out, map[string]any{
				"sha": fmt.Sprintf("%040x", crc(f)+uint32(i)), "filename": f, "status": "modified",
				"additions": 10, "deletions": 2, "changes": 12,
				"blob_url":     fmt.Sprintf("https://github.com/%s/%s/blob/main/%s", m[1], m[2], f),
				"raw_url":      fmt.Sprintf("https://github.com/%s/%s/raw/main/%s", m[1], m[2], f),
				"contents_url": fmt.Sprintf("%s/repos/%s/%s/contents/%s", base, m[1], m[2], f),
				"patch":        "@@ -1,2 +1,10 @@",
			})
		}
		return s.paginate(r, out), true
	}
	return reply{}, false
}
