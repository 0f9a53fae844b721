package github

import (
	"context"
	"errors"
	"net/http"
	"strings"

	gh "github.com/google/go-github/v60/github"
)

// Team is a GitHub team with its members and repositories.
type Team struct {
	Slug    string   `json:"slug"`
	Name    string   `json:"name"`
	Members []string `json:"members"`
	Repos   []string `json:"repos"` // owner/name
}

// Teams reads an organisation's teams, their members and repositories.
func (c *Connector) Teams(ctx context.Context, org string) ([]Team, error) {
	ts, err := ListAll(func(p int) ([]*gh.Team, *gh.Response, error) {
		return c.api.Teams.ListTeams(ctx, org, &gh.ListOptions{Page: p, PerPage: 100})
	})
	if err != nil {
		return nil, c.explain(err, "list the teams of "+org)
	}
	out := []Team{}
	for _, t := range ts {
		team := Team{Slug: t.GetSlug(), Name: t.GetName()}
		members, err := ListAll(func(p int) ([]*gh.User, *gh.Response, error) {
			return c.api.Teams.ListTeamMembersBySlug(ctx, org, team.Slug, &gh.TeamListTeamMembersOptions{ListOptions: gh.ListOptions{Page: p, PerPage: 100}})
		})
		if err != nil {
			return nil, c.explain(err, "list the members of "+org+"/"+team.Slug)
		}
		for _, m := range members {
			team.Members = append(team.Members, m.GetLogin())
		}
		repos, err := ListAll(func(p int) ([]*gh.Repository, *gh.Response, error) {
			return c.api.Teams.ListTeamReposBySlug(ctx, org, team.Slug, &gh.ListOptions{Page: p, PerPage: 100})
		})
		if err != nil {
			return nil, c.explain(err, "list the repositories of "+org+"/"+team.Slug)
		}
		for _, r := range repos {
			team.Repos = append(team.Repos, r.GetFullName())
		}
		out = append(out, team)
	}
	return out, nil
}

// CodeOwners returns a repository's CODEOWNERS file from the first of the
// places GitHub reads it, or "" when it has none.
func (c *Connector) CodeOwners(ctx context.Context, repo string, places []string) (string, error) {
	owner, name, _ := strings.Cut(repo, "/")
	for _, p := range places {
		fc, _, _, err := c.api.Repositories.GetContents(ctx, owner, name, p, nil)
		var er *gh.ErrorResponse
		if errors.As(err, &er) && er.Response != nil && er.Response.StatusCode == http.StatusNotFound {
			continue
		}
		if err != nil {
			return "", c.explain(err, "read "+repo+"/"+p)
		}
		if fc == nil {
			continue
		}
		text, err := fc.GetContent()
		if err != nil {
			return "", err
		}
		return text, nil
	}
	return "", nil
}
