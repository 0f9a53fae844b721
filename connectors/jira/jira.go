// Package jira finds the issues the user moved forward in Jira Cloud or
// Jira Server/Data Center: reported, assigned and resolved, transitioned,
// or commented on.
//
// JQL has no portable "commented by", so the search selects candidates by
// involvement — reporter, assignee now or before, status changed by, or
// watcher (commenting makes a watcher), and on Cloud also updatedBy(),
// which finds comments by a user who does not watch the issue (autowatch
// off, or unwatched); Server/DC has no such function — updated since the
// cursor, and the
// user's roles are then decided from each issue's comments and changelog,
// fetching the pages beyond the ones embedded in the search result.
//
// JQL reads dates in the searching user's profile time zone at minute
// precision, so the cursor is formatted in the zone /myself reports, floored
// to the minute, overlapped a little, and issues are deduplicated by key and
// updated time.
//
// Cloud is searched with /rest/api/2/search/jql (the old /search is gone
// there), paged by nextPageToken; Server/DC with /rest/api/2/search, paged
// by startAt. API version 2 returns comment bodies as text. Requests go
// through go-jira's client; search pages are decoded here, because go-jira's
// types drop the totals that say an embedded comment or changelog page is
// incomplete.
package jira

import (
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

	jira "github.com/andygrunwald/go-jira"

	"github.com/evident-sync/evident/config/credentials"
	"github.com/evident-sync/evident/connectors"
	"github.com/evident-sync/evident/connectors/transport"
	"github.com/evident-sync/evident/connectors/window"
)

// Config configures a Jira source.
type Config struct {
	Name    string
	BaseURL string
	// BrowseURL is where people open issues, when it differs from BaseURL;
	// items link there.
	BrowseURL  string
	Deployment string // cloud or server
	Email      string // Cloud: the account email used with the API token
	Token      credentials.TokenSource
	User       string   // me.jira: Cloud accountId or Server username
	Projects   []string // only these projects, when set
	Since      time.Time
	Overlap    time.Duration // default 10m
	PageSize   int           // default 50
	Clock      connectors.Clock
	Base       http.RoundTripper
	// RemoteLinks also reads each of the user's issues' remote links (one
	// more request per issue), for links to pull requests and documents.
	RemoteLinks bool
}

// What this connector can do, checked by the compiler: the pipeline
// reads it (connectors.Connector), and evident auth status asks whose
// its credential is (Check).
var (
	_ connectors.Connector = (*Connector)(nil)
	_ interface {
		Check(context.Context) (string, error)
	} = (*Connector)(nil)
	_ window.Searcher = (*Connector)(nil)
)

// Connector reads one Jira source. It is safe for one Fetch at a time.
type Connector struct {
	cfg    Config
	tr     *transport.Transport
	auth   *transport.AuthTransport
	client *jira.Client
	base   string
	engine *window.Engine
}

// New returns a connector for cfg. It makes no request.
func New(cfg Config) (*Connector, error) {
	if cfg.Deployment != "cloud" && cfg.Deployment != "server" {
		return nil, fmt.Errorf("jira: deployment %q is not cloud or server", cfg.Deployment)
	}
	if cfg.Overlap == 0 {
		cfg.Overlap = 10 * time.Minute
	}
	if cfg.PageSize <= 0 {
		cfg.PageSize = 50
	}
	if cfg.Clock == nil {
		cfg.Clock = connectors.RealClock
	}
	tr, auth := transport.AtlassianChain(cfg.Base, cfg.Clock, cfg.Token, cfg.Deployment == "cloud", cfg.Email)
	base := strings.TrimSuffix(cfg.BaseURL, "/") + "/"
	if u, err := url.Parse(base); err == nil {
		auth.Origin = transport.OriginOf(u)
	}
	client, err := jira.NewClient(&http.Client{Transport: auth, CheckRedirect: transport.SameOrigin}, base)
	if err != nil {
		return nil, fmt.Errorf("jira: base URL %q: %w", cfg.BaseURL, err)
	}
	link := strings.TrimSuffix(base, "/")
	if cfg.BrowseURL != "" {
		link = strings.TrimSuffix(cfg.BrowseURL, "/")
	}
	c := &Connector{cfg: cfg, tr: tr, auth: auth, client: client, base: link}
	c.engine = &window.Engine{
		Version: cursorVersion, Since: cfg.Since, Overlap: cfg.Overlap, Clock: cfg.Clock, Clamp: tr.ClampFuture,
		// A search page is capped: a full one moves the window to its
		// newest minute, or pages through a minute it fills.
		Capped: true, Precision: time.Minute, Upgrade: c.upgrade,
	}
	return c, nil
}

// state is what the connector keeps in its cursor between passes, beside
// the window engine's position.
type state struct {
	TZ string `json:"tz,omitempty"`
	// ByTime: this Jira refused the involvement clauses (WAS, CHANGED BY,
	// watcher), so candidates are selected by update time alone.
	ByTime bool `json:"by_time,omitempty"`
	// NoUpdatedBy: this Jira refused the updatedBy() function (Cloud has
	// it; a site or proxy that does not is searched without it).
	NoUpdatedBy bool   `json:"no_updated_by,omitempty"`
	Points      string `json:"points_field,omitempty"` // "-" when the instance has none
}

// cursorVersion 3 is the window engine's cursor; 2 added the backward
// frontier to the connector's own (Upgrade reads both).
const cursorVersion = 3

// oldCursor is the cursor of versions 1 and 2.
type oldCursor struct {
	V      int         `json:"v"`
	InPass bool        `json:"in_pass"`
	From   time.Time   `json:"from"`
	Token  string      `json:"token,omitempty"`
	Start  int         `json:"start_at,omitempty"`
	HW     time.Time   `json:"hw"`
	Recent window.Seen `json:"recent,omitempty"`
	state
	window.Frontiers
}

// upgrade reads a version 1 or 2 cursor where it stood; a version 1
// cursor between passes had finished an oldest-first backfill, so
// everything since since is read.
func (c *Connector) upgrade(raw connectors.Cursor) (window.Position, bool) {
	old := &oldCursor{}
	switch {
	case window.Decode(raw, 2, old):
	case window.Decode(raw, 1, old) && !old.InPass:
		old.Low = c.cfg.Since
	default:
		return window.Position{}, false
	}
	st, _ := json.Marshal(old.state)
	token := old.Token
	if c.cfg.Deployment == "server" && old.Start > 0 {
		token = strconv.Itoa(old.Start)
	}
	return window.Position{InPass: old.InPass, From: old.From, Token: token, HW: []time.Time{old.HW}, Seen: old.Recent, State: st, Frontiers: old.Frontiers}, true
}

// Fetch reads one page of the search and the issues on it; the window
// engine drives the pass.
func (c *Connector) Fetch(ctx context.Context, raw connectors.Cursor) (page connectors.Page, err error) {
	defer c.tr.Meter(&page)()
	if c.cfg.User == "" {
		// me.jira left out: the credentials say who the user is.
		if err := c.findMe(ctx); err != nil {
			return page, err
		}
	}
	err = c.engine.Fetch(ctx, raw, c, &page)
	return page, err
}

// Begin reads, each pass, the profile's time zone (JQL dates are read in
// it), and once the story-points field.
func (c *Connector) Begin(ctx context.Context, raw json.RawMessage, page *connectors.Page) (window.Plan, error) {
	var st state
	_ = json.Unmarshal(raw, &st)
	if err := c.readProfile(ctx, &st); err != nil {
		var nf *transport.NotFoundError
		if !errors.As(err, &nf) {
			return window.Plan{}, err
		}
		// No /myself here: read the cursor as UTC, as Jira's default.
		st.TZ = "UTC"
		page.Problems = append(page.Problems, "this Jira has no /myself, so its time zone is unknown; JQL dates are sent as UTC")
	}
	if st.Points == "" {
		st.Points = c.storyPointsField(ctx)
	}
	b, err := json.Marshal(st)
	return window.Plan{State: b, Searches: 1}, err
}

// Search reads one page of issues the user is involved in, updated in the
// window; a Jira that refuses a clause is asked again without it.
func (c *Connector) Search(ctx context.Context, q window.Query, raw json.RawMessage) (window.Found, error) {
	var st state
	_ = json.Unmarshal(raw, &st)
	loc, err := time.LoadLocation(st.TZ)
	if err != nil {
		loc = time.UTC
	}
	var learnt json.RawMessage
	res, err := c.search(ctx, c.jql(q, loc, &st), st.Points, q.Token)
	var qe *transport.QueryError
	if errors.As(err, &qe) && !st.ByTime && !st.NoUpdatedBy && c.cfg.Deployment != "server" {
		st.NoUpdatedBy = true
		learnt, _ = json.Marshal(st)
		res, err = c.search(ctx, c.jql(q, loc, &st), st.Points, q.Token)
	}
	if errors.As(err, &qe) && !st.ByTime {
		// Select by update time alone; roles still come from each issue.
		st.ByTime = true
		learnt, _ = json.Marshal(st)
		res, err = c.search(ctx, c.jql(q, loc, &st), st.Points, q.Token)
	}
	if err != nil {
		return window.Found{}, err
	}
	found := window.Found{State: learnt, Zone: loc, Restart: res.expired}
	if res.more {
		// A whole page inside one minute is paged through: Cloud by its
		// token, Server/DC by startAt.
		found.Next = res.nextToken
		if c.cfg.Deployment == "server" {
			start, _ := strconv.Atoi(q.Token)
			found.Next = strconv.Itoa(start + len(res.issues))
		}
	}
	for _, ri := range res.issues {
		found.Items = append(found.Items, window.Item{Key: ri.issue.Key, Updated: time.Time(ri.issue.Fields.Updated), Read: func(ctx context.Context) (*connectors.Artifact, string, error) {
			a, err := c.complete(ctx, ri, st.Points)
			return a, "", err
		}})
	}
	return found, nil
}

// jql selects the candidates: issues the user is involved in (or, byTime,
// every issue), updated since from (in the profile's time zone, floored to
// the minute).
func (c *Connector) jql(w window.Query, loc *time.Location, cur *state) string {
	from, back := w.From, !w.To.IsZero()
	u := strconv.Quote(c.cfg.User)
	involved := fmt.Sprintf("reporter = %s OR assignee = %s OR assignee WAS %s OR status CHANGED BY %s OR watcher = %s", u, u, u, u, u)
	if c.cfg.Deployment != "server" && !cur.NoUpdatedBy {
		// Cloud also finds what the user changed or commented on without
		// watching it (autowatch off, or unwatched): updatedBy counts
		// creation, field changes and comments, at day precision, so a day
		// of overlap. A backward window asks from the backfill's start: the
		// user's comment may be older than the window that holds the
		// issue's last update, made by others.
		by := from
		if back && !c.cfg.Since.IsZero() && c.cfg.Since.Before(by) {
			by = c.cfg.Since
		}
		involved += fmt.Sprintf(" OR issue in updatedBy(%s, %q)", u, by.In(loc).AddDate(0, 0, -1).Format("2006/01/02"))
	}
	q := "(" + involved + ") AND "
	if cur.ByTime {
		q = ""
	}
	q += fmt.Sprintf("updated >= %q", from.In(loc).Truncate(time.Minute).Format("2006/01/02 15:04"))
	if back {
		// The backward window ends at the frontier, inclusive at JQL's
		// minute (the seen-set makes the shared minute free).
		q += fmt.Sprintf(" AND updated <= %q", w.To.In(loc).Truncate(time.Minute).Add(time.Minute).Format("2006/01/02 15:04"))
	}
	if len(c.cfg.Projects) > 0 {
		var ps []string
		for _, p := range c.cfg.Projects {
			ps = append(ps, strconv.Quote(p))
		}
		q += " AND project IN (" + strings.Join(ps, ", ") + ")"
	}
	return q + " ORDER BY updated ASC"
}

func (c *Connector) readProfile(ctx context.Context, cur *state) error {
	req, err := c.client.NewRequestWithContext(ctx, http.MethodGet, "rest/api/2/myself", nil)
	if err != nil {
		return err
	}
	var me jira.User
	if resp, err := c.do(req, &me, "read your Jira profile"); err != nil {
		if resp != nil && resp.StatusCode == http.StatusNotFound {
			return &transport.NotFoundError{Err: err}
		}
		return err
	}
	cur.TZ = me.TimeZone
	if cur.TZ == "" {
		cur.TZ = "UTC"
	}
	return nil
}

// storyPointsField finds the custom field named Story Points (or Story
// point estimate); "-" when there is none or the lookup fails.
func (c *Connector) storyPointsField(ctx context.Context) string {
	req, err := c.client.NewRequestWithContext(ctx, http.MethodGet, "rest/api/2/field", nil)
	if err != nil {
		return "-"
	}
	var fields []jira.Field
	if _, err := c.do(req, &fields, "list Jira fields"); err != nil {
		return "-"
	}
	for _, f := range fields {
		if n := strings.ToLower(f.Name); n == "story points" || n == "story point estimate" {
			return f.ID
		}
	}
	return "-"
}

type rawIssue struct {
	issue jira.Issue
	meta  struct {
		Fields struct {
			Comment struct {
				Total int `json:"total"`
			} `json:"comment"`
		} `json:"fields"`
		Changelog struct {
			Total int `json:"total"`
		} `json:"changelog"`
	}
	fields map[string]json.RawMessage
}

type searchResult struct {
	issues    []*rawIssue
	more      bool
	nextToken string
	// expired: Jira refused the page token; the window starts over.
	expired bool
}

var issueFields = []string{"summary", "status", "resolution", "resolutiondate", "issuetype", "project", "reporter", "assignee", "created", "updated", "comment", "priority", "issuelinks", "description"}

func (c *Connector) search(ctx context.Context, jql, points, token string) (*searchResult, error) {
	fields := slices.Clone(issueFields)
	if points != "-" && points != "" {
		fields = append(fields, points)
	}
	v := url.Values{}
	v.Set("jql", jql)
	v.Set("maxResults", strconv.Itoa(c.cfg.PageSize))
	v.Set("fields", strings.Join(fields, ","))
	v.Set("expand", "changelog")
	path := "rest/api/2/search/jql"
	if c.cfg.Deployment == "server" {
		path = "rest/api/2/search"
		start, _ := strconv.Atoi(token)
		v.Set("startAt", strconv.Itoa(start))
	} else if token != "" {
		v.Set("nextPageToken", token)
	}
	req, err := c.client.NewRequestWithContext(ctx, http.MethodGet, path+"?"+v.Encode(), nil)
	if err != nil {
		return nil, err
	}
	var body struct {
		Issues        []json.RawMessage `json:"issues"`
		StartAt       int               `json:"startAt"`
		Total         int               `json:"total"`
		IsLast        *bool             `json:"isLast"`
		NextPageToken string            `json:"nextPageToken"`
	}
	resp, err := c.do(req, &body, "search Jira issues")
	if err != nil {
		if resp != nil && resp.StatusCode == http.StatusBadRequest && token != "" && c.cfg.Deployment != "server" {
			// An expired page token: start the minute over; seen issues are skipped.
			return &searchResult{expired: true}, nil
		}
		return nil, err
	}
	res := &searchResult{nextToken: body.NextPageToken}
	if c.cfg.Deployment == "server" {
		res.more = body.StartAt+len(body.Issues) < body.Total
	} else {
		res.more = body.IsLast != nil && !*body.IsLast && body.NextPageToken != ""
	}
	for _, raw := range body.Issues {
		ri := &rawIssue{}
		if err := json.Unmarshal(raw, &ri.issue); err != nil {
			return nil, fmt.Errorf("search Jira issues: Jira sent a malformed issue (%v)", err)
		}
		if err := json.Unmarshal(raw, &ri.meta); err != nil {
			return nil, fmt.Errorf("search Jira issues: Jira sent a malformed issue (%v)", err)
		}
		var outer struct {
			Fields map[string]json.RawMessage `json:"fields"`
		}
		json.Unmarshal(raw, &outer)
		ri.fields = outer.Fields
		if ri.issue.Key == "" || ri.issue.Fields == nil {
			return nil, errors.New("search Jira issues: Jira returned an issue without key or fields")
		}
		res.issues = append(res.issues, ri)
	}
	return res, nil
}

// do sends a request through go-jira; a failure is one sentence that
// names the deployment and the kind of credential, never the secret:
// Jira's own cases here, everything else by the transport's one
// translator.
func (c *Connector) do(req *http.Request, v any, doing string) (*http.Response, error) {
	resp, err := c.client.Do(req, v)
	var hr *http.Response
	if resp != nil {
		hr = resp.Response
	}
	if err == nil {
		return hr, nil
	}
	service, credential := transport.Atlassian("Jira", "Server/Data Center", c.cfg.Deployment != "server", c.cfg.Token)
	svc := &transport.Service{Name: service, Credential: credential, Forget: c.auth.Forget}
	if hr == nil {
		return nil, svc.Unanswered(err, doing)
	}
	if hr.StatusCode >= 200 && hr.StatusCode < 300 {
		return hr, fmt.Errorf("%s: Jira sent a malformed response (%v)", doing, err)
	}
	msg := jiraMessage(hr)
	switch {
	case hr.StatusCode == http.StatusGone:
		return hr, fmt.Errorf("%s: this Jira has removed the Server search API; set deployment: cloud (%s)", doing, msg)
	case hr.StatusCode == http.StatusNotFound && strings.Contains(req.URL.Path, "/search/jql"):
		return hr, fmt.Errorf("%s: this Jira has no /search/jql; if it is Server or Data Center, set deployment: server", doing)
	}
	return hr, svc.Answered(hr.StatusCode, msg, []byte(msg), doing)
}

// jiraMessage reads Jira's errorMessages from an error response.
func jiraMessage(r *http.Response) string {
	if r == nil || r.Body == nil {
		return ""
	}
	defer r.Body.Close()
	var e struct {
		ErrorMessages []string `json:"errorMessages"`
		Message       string   `json:"message"`
	}
	if json.NewDecoder(http.MaxBytesReader(nil, r.Body, 64<<10)).Decode(&e) != nil {
		return http.StatusText(r.StatusCode)
	}
	if len(e.ErrorMessages) > 0 {
		return strings.Join(e.ErrorMessages, " ")
	}
	if e.Message != "" {
		return e.Message
	}
	return http.StatusText(r.StatusCode)
}

// findMe sets the user to whom the credentials belong (/myself: the Cloud
// accountId, the Server username), for a config without me.jira.
func (c *Connector) findMe(ctx context.Context) error {
	req, err := c.client.NewRequestWithContext(ctx, http.MethodGet, "rest/api/2/myself", nil)
	if err != nil {
		return err
	}
	var me jira.User
	if _, err := c.do(req, &me, "find who you are (me.jira is not set)"); err != nil {
		return err
	}
	if c.cfg.User = idOf(&me); c.cfg.User == "" {
		return errors.New("the Jira profile names no account: set me.jira (your Cloud accountId, or Server username)")
	}
	return nil
}

// Check asks Jira who the credentials belong to; it makes one request.
func (c *Connector) Check(ctx context.Context) (string, error) {
	req, err := c.client.NewRequestWithContext(ctx, http.MethodGet, "rest/api/2/myself", nil)
	if err != nil {
		return "", err
	}
	var me jira.User
	if _, err := c.do(req, &me, "check the credentials"); err != nil {
		return "", err
	}
	if me.DisplayName != "" {
		return fmt.Sprintf("%s (%s)", me.DisplayName, idOf(&me)), nil
	}
	return idOf(&me), nil
}
