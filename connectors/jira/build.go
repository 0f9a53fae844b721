package jira

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	jira "github.com/andygrunwald/go-jira"

	"github.com/evident-sync/evident/connectors"
)

// complete fetches the comments and changelog beyond the embedded pages and
// builds the user's artifact (nil when the user has no role on the issue).
func (c *Connector) complete(ctx context.Context, ri *rawIssue, pointsField string) (*connectors.Artifact, error) {
	is := &ri.issue
	var comments []*jira.Comment
	if is.Fields.Comments != nil {
		comments = is.Fields.Comments.Comments
	}
	if total := ri.meta.Fields.Comment.Total; total > len(comments) {
		more, err := c.comments(ctx, is.Key, len(comments), total)
		if err != nil {
			return nil, err
		}
		comments = append(comments, more...)
	}
	var histories []jira.ChangelogHistory
	if is.Changelog != nil {
		histories = is.Changelog.Histories
	}
	if total := ri.meta.Changelog.Total; total > len(histories) {
		more, err := c.changelog(ctx, is.Key, len(histories), total)
		if err != nil {
			return nil, err
		}
		histories = more
	}
	var points float64
	if raw, ok := ri.fields[pointsField]; ok && pointsField != "-" {
		json.Unmarshal(raw, &points)
	}
	a := c.build(is, comments, histories, points)
	if a != nil {
		// Pull requests and documents the description and comments link.
		texts := []string{is.Fields.Description}
		for _, cm := range comments {
			texts = append(texts, cm.Body)
		}
		if c.cfg.RemoteLinks {
			urls, err := c.remoteLinks(ctx, is.Key)
			if err != nil {
				return nil, err
			}
			texts = append(texts, urls...)
		}
		a.Activity.Refs = slices.DeleteFunc(connectors.FindRefs(texts...), func(r string) bool { return r == a.Key })
	}
	return a, nil
}

func (c *Connector) comments(ctx context.Context, key string, start, total int) ([]*jira.Comment, error) {
	var out []*jira.Comment
	for start < total {
		req, err := c.client.NewRequestWithContext(ctx, http.MethodGet,
			fmt.Sprintf("rest/api/2/issue/%s/comment?startAt=%d&maxResults=100", url.PathEscape(key), start), nil)
		if err != nil {
			return nil, err
		}
		var page struct {
			Comments []*jira.Comment `json:"comments"`
			Total    int             `json:"total"`
		}
		if _, err := c.do(req, &page, "read the comments of "+key); err != nil {
			return nil, err
		}
		if len(page.Comments) == 0 {
			break
		}
		out = append(out, page.Comments...)
		start += len(page.Comments)
		total = page.Total
	}
	return out, nil
}

// changelog returns the issue's whole changelog: Cloud pages it at
// /changelog; Server and Data Center return all of it with the issue.
func (c *Connector) changelog(ctx context.Context, key string, have, total int) ([]jira.ChangelogHistory, error) {
	if c.cfg.Deployment == "server" {
		req, err := c.client.NewRequestWithContext(ctx, http.MethodGet,
			fmt.Sprintf("rest/api/2/issue/%s?fields=updated&expand=changelog", url.PathEscape(key)), nil)
		if err != nil {
			return nil, err
		}
		var is jira.Issue
		if _, err := c.do(req, &is, "read the changelog of "+key); err != nil {
			return nil, err
		}
		if is.Changelog == nil {
			return nil, nil
		}
		return is.Changelog.Histories, nil
	}
	var out []jira.ChangelogHistory
	for start := 0; start < total; {
		req, err := c.client.NewRequestWithContext(ctx, http.MethodGet,
			fmt.Sprintf("rest/api/2/issue/%s/changelog?startAt=%d&maxResults=100", url.PathEscape(key), start), nil)
		if err != nil {
			return nil, err
		}
		var page struct {
			Values []jira.ChangelogHistory `json:"values"`
			Total  int                     `json:"total"`
			IsLast bool                    `json:"isLast"`
		}
		if _, err := c.do(req, &page, "read the changelog of "+key); err != nil {
			return nil, err
		}
		out = append(out, page.Values...)
		start += len(page.Values)
		total = page.Total
		if page.IsLast || len(page.Values) == 0 {
			break
		}
	}
	return out, nil
}

// idOf is a user's identity: the Cloud accountId, else the Server username.
func idOf(u *jira.User) string {
	if u == nil {
		return ""
	}
	if u.AccountID != "" {
		return u.AccountID
	}
	return u.Name
}

func parseTime(s string) time.Time {
	for _, layout := range []string{"2006-01-02T15:04:05.000-0700", "2006-01-02T15:04:05.000Z0700", time.RFC3339} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

func str(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return ""
}

// build decides the user's roles on an issue and makes its artifact.
func (c *Connector) build(is *jira.Issue, comments []*jira.Comment, histories []jira.ChangelogHistory, points float64) *connectors.Artifact {
	f := is.Fields
	p := c.part(f, comments, histories)
	if len(p.roles) == 0 {
		return nil
	}
	a := &connectors.Artifact{
		SourceType: "jira",
		Kind:       connectors.KindJiraIssue,
		Key:        "jira:" + is.Key,
		URL:        c.base + "/browse/" + is.Key,
		Title:      f.Summary,
		UpdatedAt:  time.Time(f.Updated).UTC(),
		Activity: connectors.Activity{
			Comments: p.comments, IssueType: f.Type.Name, StoryPoints: points,
			ResolvedAt: time.Time(f.Resolutiondate).UTC(), CreatedAt: time.Time(f.Created).UTC(),
			InitialAssignee: p.initialAssignee,
		},
	}
	if c.me(a.Activity.InitialAssignee) {
		a.Activity.InitialAssignee = connectors.Me
	}
	if a.Activity.ResolvedAt.Equal(time.Time{}.UTC()) {
		a.Activity.ResolvedAt = time.Time{}
	}
	a.Container = f.Project.Key
	if a.Container == "" {
		a.Container, _, _ = strings.Cut(is.Key, "-")
	}
	if f.Status != nil {
		a.Activity.State = f.Status.Name
	}
	if f.Priority != nil {
		a.Activity.Priority = f.Priority.Name
	}
	a.Activity.Links = len(f.IssueLinks)
	if f.Resolution != nil {
		a.Activity.Resolution = f.Resolution.Name
	}
	for _, r := range []connectors.Role{connectors.RoleAssignee, connectors.RoleCommenter, connectors.RoleReporter, connectors.RoleResolver, connectors.RoleTransitioner} {
		if p.roles[r] {
			a.Roles = append(a.Roles, r)
		}
	}
	for _, cp := range []struct {
		u    *jira.User
		role connectors.Role
	}{{f.Reporter, connectors.RoleReporter}, {f.Assignee, connectors.RoleAssignee}} {
		if id := idOf(cp.u); id != "" && !c.me(id) {
			a.Counterparts = append(a.Counterparts, connectors.Identity{System: "jira", ID: id, Role: cp.role, Name: nameOf(cp.u, id)})
		}
	}
	slices.SortStableFunc(p.rounds, func(x, y connectors.Round) int { return x.At.Compare(y.At) })
	a.Activity.Rounds = p.rounds
	switch {
	case len(p.rounds) > 0:
		a.OccurredAt = p.rounds[len(p.rounds)-1].At
	case p.roles[connectors.RoleResolver] && !a.Activity.ResolvedAt.IsZero():
		a.OccurredAt = a.Activity.ResolvedAt
	case p.roles[connectors.RoleReporter]:
		a.OccurredAt = a.Activity.CreatedAt
	default:
		a.OccurredAt = a.UpdatedAt
	}
	return a
}

// me reports whether a Jira identity is the user.
func (c *Connector) me(id string) bool { return id != "" && strings.EqualFold(id, c.cfg.User) }

// userPart is the user's part in an issue: roles, dated rounds, comments.
type userPart struct {
	roles           map[connectors.Role]bool
	rounds          []connectors.Round
	comments        int
	initialAssignee string
}

// part reads the user's part from the comments, the changelog (oldest
// first) and the fields.
func (c *Connector) part(f *jira.IssueFields, comments []*jira.Comment, histories []jira.ChangelogHistory) userPart {
	p := userPart{roles: map[connectors.Role]bool{}}
	for _, cm := range comments {
		if c.me(idOf(&cm.Author)) {
			p.comments++
			p.rounds = append(p.rounds, connectors.Round{At: parseTime(cm.Created), State: "COMMENT", Comments: 1})
		}
	}
	if p.comments > 0 {
		p.roles[connectors.RoleCommenter] = true
	}
	assigneeChanged := false
	sorted := slices.Clone(histories)
	slices.SortStableFunc(sorted, func(a, b jira.ChangelogHistory) int { return parseTime(a.Created).Compare(parseTime(b.Created)) })
	for _, h := range sorted {
		at := parseTime(h.Created)
		mine := c.me(idOf(&h.Author))
		for _, it := range h.Items {
			switch it.Field {
			case "assignee":
				if !assigneeChanged {
					p.initialAssignee, assigneeChanged = str(it.From), true
				}
				if c.me(str(it.To)) {
					p.roles[connectors.RoleAssignee] = true
				}
			case "resolution":
				if mine && it.ToString != "" {
					p.roles[connectors.RoleResolver] = true
					p.rounds = append(p.rounds, connectors.Round{At: at, State: "Resolved: " + it.ToString})
				}
			case "status":
				if mine {
					p.roles[connectors.RoleTransitioner] = true
					p.rounds = append(p.rounds, connectors.Round{At: at, State: it.ToString})
				}
			}
		}
	}
	if !assigneeChanged {
		p.initialAssignee = idOf(f.Assignee)
	}
	if c.me(idOf(f.Reporter)) {
		p.roles[connectors.RoleReporter] = true
	}
	if c.me(idOf(f.Assignee)) {
		p.roles[connectors.RoleAssignee] = true
	}
	resolved := f.Resolution != nil && f.Resolution.Name != ""
	if resolved && c.me(idOf(f.Assignee)) && !slices.ContainsFunc(sorted, func(h jira.ChangelogHistory) bool {
		return slices.ContainsFunc(h.Items, func(it jira.ChangelogItems) bool { return it.Field == "resolution" })
	}) {
		p.roles[connectors.RoleResolver] = true // assigned and resolved, with no changelog to say by whom
	}
	return p
}

// remoteLinks reads the URLs an issue links to (remote links: a pull
// request, a document).
func (c *Connector) remoteLinks(ctx context.Context, key string) ([]string, error) {
	req, err := c.client.NewRequestWithContext(ctx, http.MethodGet, "rest/api/2/issue/"+url.PathEscape(key)+"/remotelink", nil)
	if err != nil {
		return nil, err
	}
	var links []jira.RemoteLink
	if _, err := c.do(req, &links, "read the remote links of "+key); err != nil {
		return nil, err
	}
	var out []string
	for _, l := range links {
		if l.Object != nil && l.Object.URL != "" {
			out = append(out, l.Object.URL)
		}
	}
	return out, nil
}

// nameOf is a Jira user's display name where it differs from their id
// (Cloud's account ids mean nothing to a reader).
func nameOf(u *jira.User, id string) string {
	if u == nil || u.DisplayName == "" || u.DisplayName == id {
		return ""
	}
	return u.DisplayName
}
