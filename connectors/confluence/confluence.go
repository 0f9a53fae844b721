// Package confluence finds the user's design work in Confluence Cloud or
// Data Center: the pages (RFCs, design docs, decision records) in the
// configured spaces, with one of the configured labels, that the user
// created, edited or commented on, as artifacts of kind rfc.
//
// Candidates come from two CQL searches per window, both through
// /rest/api/content/search: the pages the user created, edited or is named
// in (creator, contributor, mention: a DACI table's user links) and the comments the user wrote (type = comment,
// footer or inline), whose container is the page. Cloud pages by the
// _links.next cursor, Data Center by start; both cap a page of results, so
// a full page narrows the window to the newest modification time on it,
// as every "changed since" source does (see connectors/window), with a
// seen-set of the pages read. Each candidate page is then read with the
// expansions the connector uses (history, version, space, labels, storage
// body) — Confluence sends only what expand asks for — with its versions
// and its comments, which date the user's own activity: an item's
// occurred_at is the user's own last version or comment, never someone
// else's edit, and a page whose user activity all predates since does not
// count.
//
// Roles: created or edited → author; commented only → reviewer; named
// Approver in a DACI table (the page-properties "details" macro, users as
// ri:user links with ri:account-id on Cloud, ri:userkey on Data Center) →
// approver; Driver → author. The backfill is newest first, like Jira's.
//
// Requests go through the shared transport (429 with Retry-After, 5xx
// retried, requests counted) with small typed structs: the four resources
// read here did not justify a client library, and the well-kept one
// (go-atlassian) covers Cloud only.
package confluence

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/evident-sync/evident/config/credentials"
	"github.com/evident-sync/evident/connectors"
	"github.com/evident-sync/evident/connectors/transport"
	"github.com/evident-sync/evident/connectors/window"
)

// Deployments.
const (
	Cloud  = "cloud"
	Server = "server" // Server and Data Center
)

// Config configures a Confluence source.
type Config struct {
	Name    string
	BaseURL string // https://acme.atlassian.net/wiki/ or https://confluence.acme.com/
	// BrowseURL is where people open pages, when it differs from BaseURL.
	BrowseURL  string
	Deployment string // cloud or server
	Email      string // Cloud: the account email used with the API token
	Token      credentials.TokenSource
	// User is the user's Atlassian identity: a Cloud account ID, a Data
	// Center username or user key; "" asks /rest/api/user/current.
	User     string
	Spaces   []string // only these spaces, when set
	Labels   []string // only pages with one of these labels, when set
	Since    time.Time
	Overlap  time.Duration // default 10m
	PageSize int           // search results per request (default 25, Confluence's cap with expansions)
	Clock    connectors.Clock
	Base     http.RoundTripper
}

// What this connector can do, checked by the compiler: the pipeline
// reads it (connectors.Connector), and evident auth status asks whose
// its credential is (Check).
var (
	_ connectors.Connector = (*Connector)(nil)
	_ window.Searcher      = (*Connector)(nil)
	_ interface {
		Check(context.Context) (string, error)
	} = (*Connector)(nil)
)

// Connector reads one Confluence source. It is safe for one Fetch at a time.
type Connector struct {
	cfg  Config
	tr   *transport.Transport
	auth *transport.AuthTransport
	svc  *transport.Service
	base *url.URL
	// userKeys caches Data Center user keys' usernames ("" for a key
	// Confluence does not know), filled as pages name them.
	userKeys map[string]string
	engine   *window.Engine
}

// New returns a connector for cfg. It makes no request.
func New(cfg Config) (*Connector, error) {
	if cfg.Deployment != Cloud && cfg.Deployment != Server {
		return nil, fmt.Errorf("confluence: deployment %q is not cloud or server", cfg.Deployment)
	}
	u, err := url.Parse(strings.TrimSuffix(cfg.BaseURL, "/") + "/")
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("confluence: base URL %q is not an http(s) URL", cfg.BaseURL)
	}
	if cfg.Overlap == 0 {
		cfg.Overlap = 10 * time.Minute
	}
	if cfg.PageSize <= 0 {
		cfg.PageSize = 25
	}
	if cfg.Clock == nil {
		cfg.Clock = connectors.RealClock
	}
	tr, auth := transport.AtlassianChain(cfg.Base, cfg.Clock, cfg.Token, cfg.Deployment == Cloud, cfg.Email)
	// Timeouts live in the transport (response headers), not the client.
	auth.Origin = transport.OriginOf(u)
	service, credential := transport.Atlassian("Confluence", "Data Center", cfg.Deployment == Cloud, cfg.Token)
	svc := &transport.Service{
		Name: service, Credential: credential, Forget: auth.Forget, Message: confluenceMessage,
		Client:       &http.Client{Transport: auth, CheckRedirect: transport.SameOrigin},
		NotFoundHint: "check the url (Cloud: https://SITE.atlassian.net/wiki/)",
	}
	c := &Connector{cfg: cfg, tr: tr, auth: auth, svc: svc, base: u}
	c.engine = &window.Engine{
		Version: cursorVersion, Since: cfg.Since, Overlap: cfg.Overlap, Clock: cfg.Clock, Clamp: tr.ClampFuture,
		// A search page is capped (25 with expansions on Cloud): a full one
		// moves the window to its newest minute, or pages through a minute
		// it fills.
		Capped: true, Precision: time.Minute, Zone: time.UTC, Upgrade: c.upgrade,
	}
	return c, nil
}

// The two searches of a window, in order.
const (
	searchPages    = 0 // pages the user created or edited
	searchComments = 1 // comments the user wrote
	nSearches      = 2
)

// state is what the connector keeps in its cursor between passes, beside
// the window engine's position.
type state struct {
	// User is the user's identity as this Confluence names it, learnt once.
	User    string `json:"user,omitempty"`
	UserKey string `json:"user_key,omitempty"` // Data Center: the user key beside the username
	// NoMention: this Confluence refused CQL's mention field, so pages
	// where the user is only named (a DACI approver) are not searched for.
	NoMention bool `json:"no_mention,omitempty"`
}

// cursorVersion 2 is the window engine's cursor; Upgrade reads version 1.
const cursorVersion = 2

// oldCursor is the cursor of version 1.
type oldCursor struct {
	V      int         `json:"v"`
	InPass bool        `json:"in_pass"`
	Search int         `json:"search"`
	From   time.Time   `json:"from"`
	Next   string      `json:"next,omitempty"`
	Start  int         `json:"start,omitempty"`
	HW     []time.Time `json:"hw"`
	Recent window.Seen `json:"recent,omitempty"`
	state
	window.Frontiers
}

// upgrade reads a version 1 cursor where it stood.
func (c *Connector) upgrade(raw connectors.Cursor) (window.Position, bool) {
	old := &oldCursor{}
	if !window.Decode(raw, 1, old) {
		return window.Position{}, false
	}
	for len(old.HW) < nSearches {
		old.HW = append(old.HW, time.Time{})
	}
	st, _ := json.Marshal(old.state)
	token := old.Next
	if c.cfg.Deployment == Server && old.Start > 0 {
		token = strconv.Itoa(old.Start)
	}
	return window.Position{InPass: old.InPass, Search: old.Search, From: old.From, Token: token, HW: old.HW, Seen: old.Recent, State: st, Frontiers: old.Frontiers}, true
}

// Fetch reads one page of one search and the design pages on it; the
// window engine drives the pass.
func (c *Connector) Fetch(ctx context.Context, raw connectors.Cursor) (page connectors.Page, err error) {
	defer c.tr.Meter(&page)()
	err = c.engine.Fetch(ctx, raw, c, &page)
	return page, err
}

// Begin learns, once, who the user is here; user keys are looked up
// again each pass.
func (c *Connector) Begin(ctx context.Context, raw json.RawMessage, _ *connectors.Page) (window.Plan, error) {
	var st state
	_ = json.Unmarshal(raw, &st)
	if st.User == "" {
		if err := c.learnUser(ctx, &st); err != nil {
			return window.Plan{}, err
		}
	}
	c.userKeys = nil
	b, err := json.Marshal(st)
	return window.Plan{State: b, Searches: nSearches}, err
}

// Search reads one page of one of the two searches: the user's pages, or
// the user's comments (by the page they are on).
func (c *Connector) Search(ctx context.Context, q window.Query, raw json.RawMessage) (window.Found, error) {
	var st state
	_ = json.Unmarshal(raw, &st)
	var found window.Found
	res, err := c.search(ctx, q, &st)
	var qe *transport.QueryError
	if errors.As(err, &qe) && q.Search == searchPages && !st.NoMention {
		st.NoMention = true
		found.State, _ = json.Marshal(st)
		found.Problems = append(found.Problems, "this Confluence refused CQL's mention field; pages where you are only named (a DACI approver) may be missed")
		res, err = c.search(ctx, q, &st)
	}
	if err != nil {
		return window.Found{}, err
	}
	if res.more {
		found.Next = res.next
		if c.cfg.Deployment == Server {
			start, _ := strconv.Atoi(q.Token)
			found.Next = strconv.Itoa(start + len(res.hits))
		}
	}
	// A page read is read whole, with every comment: it is seen as of the
	// moment it was read, so a comment of the user's found later by the
	// comment search (or twice on one page of it) does not read it again.
	at := map[string]int{}
	for _, h := range res.hits {
		id, key := h.pageID, c.key(h.pageID)
		if i, ok := at[key]; ok {
			found.Items[i].Updated = maxTime(found.Items[i].Updated, h.at)
			continue
		}
		at[key] = len(found.Items)
		var readAt time.Time
		found.Items = append(found.Items, window.Item{Key: key, Updated: h.at,
			Read: func(ctx context.Context) (*connectors.Artifact, string, error) {
				readAt = c.tr.Now()
				return c.readPage(ctx, &st, id)
			},
			SeenAt: func() time.Time { return readAt },
		})
	}
	return found, nil
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func (c *Connector) key(pageID string) string { return "rfc:" + c.cfg.Name + ":" + pageID }

// cql is one search over a window: the user's pages or comments,
// modified in it (CQL dates are minutes, in the server's zone: UTC here,
// with the overlap covering the difference).
func (c *Connector) cql(q window.Query, st *state) string {
	u := strconv.Quote(st.User)
	field := "lastmodified"
	var cq string
	if q.Search == searchPages {
		// A DACI table names its people as user links: mentions.
		cq = fmt.Sprintf("type = page AND (creator = %s OR contributor = %s OR mention = %s)", u, u, u)
		if st.NoMention {
			cq = fmt.Sprintf("type = page AND (creator = %s OR contributor = %s)", u, u)
		}
	} else {
		cq = fmt.Sprintf("type = comment AND creator = %s", u)
		field = "created"
	}
	cq += fmt.Sprintf(" AND %s >= %q", field, q.From.UTC().Truncate(time.Minute).Format("2006/01/02 15:04"))
	if !q.To.IsZero() {
		cq += fmt.Sprintf(" AND %s <= %q", field, q.To.UTC().Truncate(time.Minute).Add(time.Minute).Format("2006/01/02 15:04"))
	}
	if len(c.cfg.Spaces) > 0 {
		cq += " AND space IN (" + quoted(c.cfg.Spaces) + ")"
	}
	if len(c.cfg.Labels) > 0 && q.Search == searchPages {
		cq += " AND label IN (" + quoted(c.cfg.Labels) + ")"
	}
	return cq + " ORDER BY " + field + " ASC"
}

func quoted(ss []string) string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strconv.Quote(s)
	}
	return strings.Join(out, ", ")
}

// hit is one search result: the page it is about and its date.
type hit struct {
	pageID string
	at     time.Time
}

type searchResult struct {
	hits []hit
	more bool
	next string // Cloud: the next page's link
}

// content is the part of a Confluence content object this connector reads.
type content struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	Status  string `json:"status"`
	Title   string `json:"title"`
	Space   *space `json:"space"`
	History *struct {
		CreatedBy   user      `json:"createdBy"`
		CreatedDate time.Time `json:"createdDate"`
		LastUpdated *struct {
			When time.Time `json:"when"`
			By   user      `json:"by"`
		} `json:"lastUpdated"`
	} `json:"history"`
	Version *version `json:"version"`
	// Container is a comment's page (expand=container).
	Container *content `json:"container"`
	Metadata  *struct {
		Labels *struct {
			Results []struct {
				Name string `json:"name"`
			} `json:"results"`
		} `json:"labels"`
	} `json:"metadata"`
	Body *struct {
		Storage *struct {
			Value string `json:"value"`
		} `json:"storage"`
	} `json:"body"`
	Extensions *struct {
		Location string `json:"location"` // a comment: footer or inline
	} `json:"extensions"`
	Links      map[string]string `json:"_links"`
	Expandable map[string]any    `json:"_expandable"`
}

type space struct {
	Key  string `json:"key"`
	Name string `json:"name"`
}

type user struct {
	Type        string `json:"type"`
	AccountID   string `json:"accountId"` // Cloud
	UserKey     string `json:"userKey"`   // Data Center
	Username    string `json:"username"`  // Data Center
	DisplayName string `json:"displayName"`
	Email       string `json:"email"`
}

type version struct {
	By     user      `json:"by"`
	When   time.Time `json:"when"`
	Number int       `json:"number"`
}

// results is a list page of the v1 API.
type results[T any] struct {
	Results []T               `json:"results"`
	Start   int               `json:"start"`
	Limit   int               `json:"limit"`
	Size    int               `json:"size"`
	Links   map[string]string `json:"_links"`
}

func (c *Connector) search(ctx context.Context, q window.Query, st *state) (*searchResult, error) {
	var target string
	if q.Token != "" && c.cfg.Deployment == Cloud {
		target = q.Token
	} else {
		v := url.Values{}
		v.Set("cql", c.cql(q, st))
		v.Set("limit", strconv.Itoa(c.cfg.PageSize))
		expand := "history.lastUpdated,version"
		if q.Search == searchComments {
			expand = "version,container"
		}
		v.Set("expand", expand)
		if start, _ := strconv.Atoi(q.Token); c.cfg.Deployment == Server && start > 0 {
			v.Set("start", strconv.Itoa(start))
		}
		target = "rest/api/content/search?" + v.Encode()
	}
	var body results[content]
	if err := c.get(ctx, target, &body, "search Confluence"); err != nil {
		return nil, err
	}
	res := &searchResult{}
	for _, r := range body.Results {
		switch {
		case q.Search == searchPages:
			if r.ID == "" {
				return nil, errors.New("search Confluence: Confluence returned a page without an id")
			}
			at := r.modified()
			res.hits = append(res.hits, hit{r.ID, at})
		default:
			if r.Container == nil || r.Container.ID == "" {
				continue // a comment on something other than a page
			}
			if r.Container.Type != "" && r.Container.Type != "page" {
				continue
			}
			at := time.Time{}
			if r.Version != nil {
				at = r.Version.When
			}
			res.hits = append(res.hits, hit{r.Container.ID, at})
		}
	}
	next := body.Links["next"]
	res.more = next != "" && len(body.Results) > 0
	if res.more && c.cfg.Deployment == Cloud {
		res.next = strings.TrimPrefix(next, "/")
		// The link is relative to the site (/wiki/rest/...); keep it
		// relative to the base.
		if p := strings.TrimPrefix(c.base.Path, "/"); p != "" {
			res.next = strings.TrimPrefix(res.next, p)
		}
	}
	return res, nil
}

// modified is when the content was last modified (its version's date).
func (r *content) modified() time.Time {
	switch {
	case r.Version != nil && !r.Version.When.IsZero():
		return r.Version.When
	case r.History != nil && r.History.LastUpdated != nil:
		return r.History.LastUpdated.When
	case r.History != nil:
		return r.History.CreatedDate
	}
	return time.Time{}
}

// learnUser asks Confluence who the token belongs to, unless the config
// says.
func (c *Connector) learnUser(ctx context.Context, cur *state) error {
	if c.cfg.User != "" && c.cfg.Deployment == Cloud {
		cur.User = c.cfg.User // Cloud names everyone by account ID
		return nil
	}
	var u user
	if err := c.get(ctx, "rest/api/user/current", &u, "read your Confluence profile"); err != nil {
		return err
	}
	switch {
	case c.cfg.User != "":
		// Data Center: the configured username, and the key its DACI
		// tables name it by.
		cur.User, cur.UserKey = c.cfg.User, u.UserKey
	case u.AccountID != "":
		cur.User = u.AccountID
	case u.Username != "":
		cur.User, cur.UserKey = u.Username, u.UserKey
	case u.UserKey != "":
		cur.User = u.UserKey
	default:
		return errors.New("read your Confluence profile: Confluence did not say who you are; set me.confluence")
	}
	return nil
}

// isMe reports whether u is the user.
func (c *Connector) isMe(cur *state, u user) bool {
	for _, id := range []string{u.AccountID, u.UserKey, u.Username} {
		if id != "" && (strings.EqualFold(id, cur.User) || (cur.UserKey != "" && strings.EqualFold(id, cur.UserKey))) {
			return true
		}
	}
	return false
}

// idOf is the identity a user is known by here, for classification.
func (c *Connector) idOf(u user) string {
	for _, id := range []string{u.AccountID, u.Username, u.UserKey} {
		if id != "" {
			return id
		}
	}
	return ""
}

// get reads one resource (a path under the base, with its query) into v,
// through the shared translator of failures.
func (c *Connector) get(ctx context.Context, target string, v any, doing string) error {
	u, err := c.base.Parse(target)
	if err != nil {
		return fmt.Errorf("%s: bad URL %q: %w", doing, target, err)
	}
	return c.svc.GetJSON(ctx, u.String(), v, doing)
}

// confluenceMessage reads Confluence's error message (message, else
// reason), cut to 200 bytes.
func confluenceMessage(body []byte) string {
	var e struct {
		Message string `json:"message"`
		Reason  string `json:"reason"`
	}
	json.Unmarshal(body, &e)
	msg := strings.TrimSpace(cmp.Or(e.Message, e.Reason))
	if len(msg) > 200 {
		msg = msg[:200]
	}
	return msg
}

// labelled reports whether a page carries one of the configured labels.
func (c *Connector) labelled(p *content) bool {
	if len(c.cfg.Labels) == 0 {
		return true
	}
	if p.Metadata == nil || p.Metadata.Labels == nil {
		return false
	}
	for _, l := range p.Metadata.Labels.Results {
		if slices.ContainsFunc(c.cfg.Labels, func(w string) bool { return strings.EqualFold(w, l.Name) }) {
			return true
		}
	}
	return false
}

// inSpaces reports whether a page is in one of the configured spaces.
func (c *Connector) inSpaces(p *content) bool {
	if len(c.cfg.Spaces) == 0 {
		return true
	}
	return p.Space != nil && slices.ContainsFunc(c.cfg.Spaces, func(s string) bool { return strings.EqualFold(s, p.Space.Key) })
}

// Check asks Confluence who the credential belongs to, for evident auth
// status: one request, nothing stored.
func (c *Connector) Check(ctx context.Context) (string, error) {
	if err := c.cfg.Token.Check(); err != nil {
		return "", err
	}
	var u user
	if err := c.get(ctx, "rest/api/user/current", &u, "read your Confluence profile"); err != nil {
		return "", err
	}
	return cmp.Or(u.DisplayName, u.Username, u.AccountID), nil
}
