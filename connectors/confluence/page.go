package confluence

import (
	"context"
	"errors"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/evident-sync/evident/connectors"
	"github.com/evident-sync/evident/connectors/transport"
)

// pageExpand is what a page is read with: Confluence sends only what
// expand names (the rest it lists under _expandable).
const pageExpand = "history,history.lastUpdated,version,space,metadata.labels,body.storage"

// readPage reads one candidate page with its versions and comments and
// makes the user's artifact: nil when it is outside the configured spaces
// or labels, when the user has no part in it, or when all the user's own
// activity on it predates since.
func (c *Connector) readPage(ctx context.Context, cur *state, id string) (*connectors.Artifact, string, error) {
	var p content
	err := c.get(ctx, "rest/api/content/"+url.PathEscape(id)+"?expand="+url.QueryEscape(pageExpand), &p, "read Confluence page "+id)
	var nf *transport.NotFoundError
	if errors.As(err, &nf) {
		return nil, "", nil // deleted or no longer visible since the search
	}
	if err != nil {
		return nil, "", err
	}
	if p.Type != "" && p.Type != "page" || !c.inSpaces(&p) || !c.labelled(&p) {
		return nil, "", nil
	}
	versions, err := c.versions(ctx, id)
	if errors.As(err, &nf) {
		// A Confluence without the version list (older Data Center): the
		// history's creation and last update stand for it.
		versions, err = historyVersions(&p), nil
	}
	if err != nil {
		return nil, "", err
	}
	comments, err := c.comments(ctx, id)
	if errors.As(err, &nf) {
		comments, err = nil, nil
	}
	if err != nil {
		return nil, "", err
	}
	problem := c.resolveUserKeys(ctx, cur, &p)
	return c.build(cur, &p, versions, comments), problem, nil
}

// resolveUserKeys finds the username of each person a page's DACI table
// names only by user key (Data Center storage does), once per user per
// pass, so a Driver or Approver who appears nowhere else still maps to a
// team. A key Confluence does not know is left as it is, and said.
func (c *Connector) resolveUserKeys(ctx context.Context, cur *state, p *content) string {
	if c.cfg.Deployment != Server {
		return ""
	}
	var unknown []string
	for _, d := range parseDACI(storage(p)).people {
		if d.userKey == "" || d.username != "" || c.isMe(cur, user{UserKey: d.userKey}) {
			continue
		}
		name, ok := c.userKeys[d.userKey]
		if !ok {
			var u user
			err := c.get(ctx, "rest/api/user?key="+url.QueryEscape(d.userKey), &u, "look up Confluence user key "+d.userKey)
			name = u.Username
			if c.userKeys == nil {
				c.userKeys = map[string]string{}
			}
			c.userKeys[d.userKey] = name // "" for unknown: asked once
			if err != nil && !errors.As(err, new(*transport.NotFoundError)) {
				delete(c.userKeys, d.userKey) // a failure, not an answer: ask again next time
			}
		}
		if name == "" {
			unknown = append(unknown, d.userKey)
		}
	}
	if len(unknown) > 0 {
		return fmt.Sprintf("Confluence page %s names user key %s in its DACI table, which Confluence does not know; that person's team is not counted", p.ID, strings.Join(unknown, ", "))
	}
	return ""
}

// historyVersions are the versions a page's history names: its creation
// and its last update.
func historyVersions(p *content) []version {
	h := p.History
	if h == nil {
		return nil
	}
	out := []version{{By: h.CreatedBy, When: h.CreatedDate, Number: 1}}
	if l := h.LastUpdated; l != nil && !l.When.Equal(h.CreatedDate) {
		out = append(out, version{By: l.By, When: l.When})
	}
	return out
}

// list reads every page of a v1 list resource.
func list[T any](ctx context.Context, c *Connector, path string, q url.Values, doing string) ([]T, error) {
	var out []T
	q.Set("limit", "100")
	target := path + "?" + q.Encode()
	for range 1000 {
		var body results[T]
		if err := c.get(ctx, target, &body, doing); err != nil {
			return nil, err
		}
		out = append(out, body.Results...)
		next := body.Links["next"]
		if next == "" || len(body.Results) == 0 {
			return out, nil
		}
		if c.cfg.Deployment == Cloud {
			target = strings.TrimPrefix(strings.TrimPrefix(next, "/"), strings.TrimPrefix(c.base.Path, "/"))
		} else {
			q.Set("start", strconv.Itoa(body.Start+len(body.Results)))
			target = path + "?" + q.Encode()
		}
	}
	return out, nil
}

func (c *Connector) versions(ctx context.Context, id string) ([]version, error) {
	return list[version](ctx, c, "rest/api/content/"+url.PathEscape(id)+"/version", url.Values{}, "read the versions of Confluence page "+id)
}

func (c *Connector) comments(ctx context.Context, id string) ([]content, error) {
	q := url.Values{}
	q.Set("expand", "version,history,extensions.location")
	q.Set("depth", "all")
	return list[content](ctx, c, "rest/api/content/"+url.PathEscape(id)+"/child/comment", q, "read the comments of Confluence page "+id)
}

// build makes the artifact of a page for the user.
func (c *Connector) build(cur *state, p *content, versions []version, comments []content) *connectors.Artifact {
	a := &connectors.Artifact{
		SourceType: "confluence",
		Kind:       connectors.KindRFC,
		Key:        c.key(p.ID),
		URL:        c.webURL(p),
		Title:      p.Title,
	}
	if p.Space != nil {
		a.Container = p.Space.Key
	}
	people := map[connectors.Identity]bool{}
	counterpart := func(u user, role connectors.Role) {
		if id := c.idOf(u); id != "" && !c.isMe(cur, u) {
			ident := connectors.Identity{System: "confluence", ID: id, Role: role}
			if !people[ident] {
				people[ident] = true
				if u.DisplayName != "" && u.DisplayName != id {
					ident.Name = u.DisplayName
				}
				a.Counterparts = append(a.Counterparts, ident)
			}
		}
	}
	roles := map[connectors.Role]bool{}
	var own []connectors.Round
	created := time.Time{}
	if h := p.History; h != nil {
		created = h.CreatedDate
		if c.isMe(cur, h.CreatedBy) {
			roles[connectors.RoleAuthor] = true
		} else {
			counterpart(h.CreatedBy, connectors.RoleAuthor)
		}
	}
	for _, v := range versions {
		if c.isMe(cur, v.By) {
			roles[connectors.RoleAuthor] = true
			own = append(own, connectors.Round{At: v.When.UTC(), State: "EDITED"})
		} else {
			counterpart(v.By, connectors.RoleAuthor)
		}
	}
	mine := 0
	for _, cm := range comments {
		by, at := commentAuthor(&cm)
		if c.isMe(cur, by) {
			mine++
			own = append(own, connectors.Round{At: at.UTC(), State: "COMMENTED", Comments: 1})
		} else {
			counterpart(by, connectors.RoleReviewer)
		}
	}
	if mine > 0 && !roles[connectors.RoleAuthor] {
		roles[connectors.RoleReviewer] = true
	}
	daci := parseDACI(storage(p))
	for _, d := range daci.people {
		u := user{AccountID: d.accountID, UserKey: d.userKey, Username: d.username}
		if u.Username == "" && u.UserKey != "" {
			u.Username = c.userKeys[u.UserKey]
		}
		role := map[string]connectors.Role{"driver": connectors.RoleAuthor, "approver": connectors.RoleApprover, "contributors": connectors.RoleAuthor}[d.row]
		if c.isMe(cur, u) {
			if d.row != "contributors" {
				roles[role] = true
			}
			continue
		}
		counterpart(u, role)
	}
	if len(roles) == 0 {
		return nil
	}
	slices.SortFunc(own, func(x, y connectors.Round) int { return x.At.Compare(y.At) })
	switch {
	case len(own) > 0:
		last := own[len(own)-1].At
		if last.Before(c.cfg.Since) {
			return nil // the user's part is older than since; others edited it since
		}
		a.OccurredAt = last
	default:
		a.OccurredAt = created.UTC() // a DACI role alone: the page's creation dates it
	}
	for _, r := range []connectors.Role{connectors.RoleApprover, connectors.RoleAuthor, connectors.RoleReviewer} {
		if roles[r] {
			a.Roles = append(a.Roles, r)
		}
	}
	a.Activity = connectors.Activity{Rounds: own, Comments: mine, State: strings.ToLower(daci.status), CreatedAt: created.UTC()}
	a.UpdatedAt = p.modified().UTC()
	a.Activity.Refs = connectors.FindRefs(stripTags(storage(p)))
	return a
}

// commentAuthor is who wrote a comment and when: its first version's
// author, else its history's creator.
func commentAuthor(cm *content) (user, time.Time) {
	if h := cm.History; h != nil && h.CreatedBy.known() {
		return h.CreatedBy, h.CreatedDate
	}
	if cm.Version != nil {
		return cm.Version.By, cm.Version.When
	}
	return user{}, time.Time{}
}

// known reports whether u names anyone.
func (u user) known() bool { return u.AccountID != "" || u.UserKey != "" || u.Username != "" }

func storage(p *content) string {
	if p.Body == nil || p.Body.Storage == nil {
		return ""
	}
	return p.Body.Storage.Value
}

// webURL is the page's link for people: the site base and its webui path.
func (c *Connector) webURL(p *content) string {
	web := p.Links["webui"]
	if web == "" {
		return ""
	}
	if b := c.cfg.BrowseURL; b != "" {
		return strings.TrimSuffix(b, "/") + web
	}
	if b := p.Links["base"]; b != "" {
		return strings.TrimSuffix(b, "/") + web
	}
	u := *c.base
	u.Path = strings.TrimSuffix(u.Path, "/") + web
	return u.String()
}

// daciPerson is a user named in a DACI row.
type daciPerson struct {
	row                          string // driver, approver, contributors
	accountID, userKey, username string
}

type daci struct {
	people []daciPerson
	status string
}

var (
	rowRE    = regexp.MustCompile(`(?is)<tr[^>]*>(.*?)</tr>`)
	cellRE   = regexp.MustCompile(`(?is)<t[hd][^>]*>(.*?)</t[hd]>`)
	riUserRE = regexp.MustCompile(`(?is)<ri:user\s([^>]*?)/?>`)
	attrRE   = regexp.MustCompile(`(?is)ri:(account-id|userkey|username)\s*=\s*"([^"]*)"`)
	tagRE    = regexp.MustCompile(`(?s)<[^>]*>`)
	statusRE = regexp.MustCompile(`(?is)<ac:parameter\s+ac:name="title"\s*>([^<]*)<`)
)

// parseDACI reads a DACI table (the page-properties "details" macro):
// the users of its Driver, Approver and Contributors rows, and its Status.
func parseDACI(body string) daci {
	var out daci
	if !strings.Contains(body, "ac:name=\"details\"") && !strings.Contains(strings.ToLower(body), "approver") {
		return out
	}
	for _, row := range rowRE.FindAllStringSubmatch(body, -1) {
		cells := cellRE.FindAllStringSubmatch(row[1], -1)
		if len(cells) < 2 {
			continue
		}
		head := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(stripTags(cells[0][1]))), ":")
		switch {
		case head == "status":
			// A status lozenge's title, else the cell's text.
			if m := statusRE.FindStringSubmatch(cells[1][1]); m != nil {
				out.status = strings.TrimSpace(html.UnescapeString(m[1]))
			} else {
				out.status = strings.TrimSpace(stripTags(cells[1][1]))
			}
			continue
		case head == "driver":
		case strings.HasPrefix(head, "approver"):
			head = "approver"
		case strings.HasPrefix(head, "contributor"):
			head = "contributors"
		default:
			continue
		}
		for _, u := range riUserRE.FindAllStringSubmatch(cells[1][1], -1) {
			p := daciPerson{row: head}
			for _, at := range attrRE.FindAllStringSubmatch(u[1], -1) {
				switch strings.ToLower(at[1]) {
				case "account-id":
					p.accountID = at[2]
				case "userkey":
					p.userKey = at[2]
				case "username":
					p.username = at[2]
				}
			}
			out.people = append(out.people, p)
		}
	}
	return out
}

func stripTags(s string) string {
	return html.UnescapeString(strings.Join(strings.Fields(tagRE.ReplaceAllString(s, " ")), " "))
}
