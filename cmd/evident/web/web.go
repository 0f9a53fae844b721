// Package web is evident's local triage UI and its JSON API: the weekly
// inbox (one key or one click per decision), the confirmed evidence with
// the promotion packet, and the cross-team report with its chart. Pages are
// server-rendered with html/template; a small embedded script adds the
// keyboard. It binds loopback by default, asks for its login token there
// too, refuses requests whose Host is not this server (DNS rebinding) and
// state changes without the page's CSRF token, and never renders a secret.
package web

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/evident-sync/evident/classify"
	"github.com/evident-sync/evident/config"
	"github.com/evident-sync/evident/connectors"
	"github.com/evident-sync/evident/pipeline/input"
	"github.com/evident-sync/evident/pipeline/localapi"
	"github.com/evident-sync/evident/pipeline/report"
	"github.com/evident-sync/evident/pipeline/store"
)

//go:embed assets
var assets embed.FS

// Backend is what the UI needs of the store (or of the daemon's client):
// what its pages read, and what the API its script calls serves.
type Backend interface {
	localapi.Store
}

// Options configure the UI.
type Options struct {
	Backend Backend
	Config  *config.Config
	// Access is who may use the server: its Host names and the login token.
	Access Access
	Log    *slog.Logger
	Now    func() time.Time
}

// Server is the UI.
type Server struct {
	o   Options
	org *classify.Org
	// criteria are the configured level criteria.
	criteria []classify.Criterion
	csrf     string
	pages    *template.Template
	mux      *http.ServeMux
	guard    http.Handler
	memo     memo
}

// New builds the UI.
func New(o Options) (*Server, error) {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, fmt.Errorf("web: csrf token: %w", err)
	}
	s := &Server{o: o, org: classify.NewOrg(o.Config), criteria: classify.CriteriaOf(o.Config), csrf: hex.EncodeToString(b[:])}
	t, err := template.New("").Funcs(template.FuncMap{
		"scopes":    func() []classify.Scope { return classify.Scopes },
		"domains":   func() []classify.Domain { return classify.Domains },
		"strengths": func() []classify.Strength { return classify.Strengths },
		"teamName":  s.org.TeamName,
		"pct":       func(f float64) string { return fmt.Sprintf("%.0f%%", 100*f) },
		"count": func(n int, noun string) string {
			if n == 1 {
				return "1 " + noun
			}
			return fmt.Sprintf("%d %ss", n, noun)
		},
	}).ParseFS(assets, "assets/*.html")
	if err != nil {
		return nil, fmt.Errorf("web: templates: %w", err)
	}
	s.pages = t
	static, _ := fs.Sub(assets, "assets")
	mux := http.NewServeMux()
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/inbox", http.StatusSeeOther) })
	mux.HandleFunc("GET /inbox", s.inbox)
	mux.HandleFunc("GET /week", s.week)
	mux.HandleFunc("GET /evidence", s.evidence)
	mux.HandleFunc("GET /report", s.report)
	mux.HandleFunc("GET /export.md", s.packet)
	mux.HandleFunc("GET /quarter", s.quarter)
	// The page's script calls evident's one API, the handlers the CLI
	// reaches through the daemon's socket, here behind the login, the Host
	// check and the CSRF token. The whole-store calls (backup, verify,
	// forget, sync) stay on the socket.
	api := &localapi.Server{Store: o.Backend, Org: s.org, Criteria: s.criteria, Public: true, Log: o.Log, Now: o.Now}
	api.Routes(mux)
	api.OlderRoutes(mux)
	mux.HandleFunc("GET /api/report", s.apiReport)
	s.mux = mux
	if o.Access.Log == nil {
		o.Access.Log = o.Log
	}
	s.guard = o.Access.Guard(http.HandlerFunc(s.serve))
	return s, nil
}

// Handle serves h at pattern behind the same Host check and login as the
// pages: for /metrics and /healthz beside the UI.
func (s *Server) Handle(pattern string, h http.Handler) { s.mux.Handle(pattern, h) }

// ServeHTTP sets the security headers, checks the Host and the login (see
// Access) and, for state changes, the Origin and the CSRF token, then
// routes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
	s.guard.ServeHTTP(w, r)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead && !bearer(r) {
		if o := r.Header.Get("Origin"); o != "" {
			u, err := url.Parse(o)
			if err != nil || !s.o.Access.hostAllowed(u.Host) {
				http.Error(w, "refused: cross-site request", http.StatusForbidden)
				return
			}
		}
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("X-CSRF-Token")), []byte(s.csrf)) != 1 {
			http.Error(w, "refused: missing or wrong CSRF token (reload the page)", http.StatusForbidden)
			return
		}
	}
	s.mux.ServeHTTP(w, r)
}

type page struct {
	Title string
	Nav   string
	CSRF  string
	Me    string
	Inbox int
	Data  any
	Now   time.Time
}

func (s *Server) render(w http.ResponseWriter, r *http.Request, name, title string, data any) {
	p := page{Title: title, Nav: name, CSRF: s.csrf, Me: s.o.Config.Me.Name, Data: data}
	p.Inbox, _ = s.inboxCount(r.Context())
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := s.pages.ExecuteTemplate(w, name+".html", p); err != nil {
		s.o.Log.Error("web: render", "page", name, "error", err.Error())
	}
}

// inboxCount counts the suggestions, from the store's state index.
func (s *Server) inboxCount(ctx context.Context) (int, error) {
	return s.o.Backend.CountState(ctx, store.Suggested)
}

// row is an item as the pages show it.
type row struct {
	ID, Title, URL, Source, Kind, Container string
	Scope, ScopeReason, Domain, Summary     string
	Teams                                   []string
	Date                                    string
	Note                                    string
	State                                   string
	Roles                                   string
	Strength                                string
	StrengthReasons                         string
	RelatedIDs                              []string
	Related                                 []relRow
	// FollowUp is the day to record the outcome; Outcome what came of it.
	FollowUp string
	Outcome  string
}

// relRow is an item of the same piece of work in another source.
type relRow struct {
	ID, Title, URL, Kind string
}

// withRelated fills the rows' related items.
func (s *Server) withRelated(ctx context.Context, rows []row) {
	for i := range rows {
		for _, id := range rows[i].RelatedIDs {
			if o, err := s.o.Backend.Get(ctx, id); err == nil {
				rows[i].Related = append(rows[i].Related, relRow{ID: o.ID, Title: o.Title(), URL: safeURL(o.Artifact.URL), Kind: kindWords(o.Artifact.Kind)})
			}
		}
	}
}

func toRow(it *store.Item) row {
	var roles []string
	for _, r := range it.Artifact.Roles {
		roles = append(roles, string(r))
	}
	date := ""
	if !it.Artifact.OccurredAt.IsZero() {
		date = it.Artifact.OccurredAt.Local().Format("Mon 2 Jan 2006")
	}
	return row{ID: it.ID, Title: it.Title(), URL: safeURL(it.Artifact.URL), Source: it.Artifact.Source, Kind: kindWords(it.Artifact.Kind),
		Container: cmp.Or(it.Artifact.ContainerName, it.Artifact.Container), Scope: string(it.Scope()), ScopeReason: it.ScopeReason(), Domain: string(it.Domain()),
		Summary: it.Class.Summary, Teams: it.Class.Teams, Date: date, Note: it.User.Note, State: string(it.State), Roles: strings.Join(roles, ", "),
		Strength: string(it.Strength()), StrengthReasons: strings.Join(it.StrengthReasons(), "; "), RelatedIDs: it.Related,
		FollowUp: it.User.FollowUp, Outcome: it.User.Outcome}
}

// safeURL keeps http(s) links only: a local document's file:// link is
// one the browser refuses from a page (html/template would write
// #ZgotmplZ), so its title stands unlinked.
func safeURL(u string) string {
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") {
		return ""
	}
	return u
}

type week struct {
	Key, Label string
	// Rows are the strong and notable items, strongest first; Routine the
	// rest, folded under one line.
	Rows    []row
	Routine []row
}

// Total counts the week's items, folded ones too.
func (w week) Total() int { return len(w.Rows) + len(w.Routine) }

func isoWeek(t time.Time) (string, time.Time) {
	t = t.Local()
	y, w := t.ISOWeek()
	wd := (int(t.Weekday()) + 6) % 7
	return fmt.Sprintf("%d-W%02d", y, w), time.Date(t.Year(), t.Month(), t.Day()-wd, 0, 0, 0, 0, time.Local)
}

// inboxPage is about how many suggestions the inbox page shows: whole
// weeks, newest first, until this many; older weeks are a link away, so a
// long backlog stays a page that loads at once.
const inboxPage = 100

func (s *Server) inbox(w http.ResponseWriter, r *http.Request) {
	f := store.Filter{States: []store.State{store.Suggested}}
	if b := r.URL.Query().Get("before"); b != "" {
		t, err := time.Parse(time.RFC3339Nano, b)
		if err != nil {
			http.Error(w, "before: not an RFC 3339 time", http.StatusBadRequest)
			return
		}
		f.Until = t
	}
	var weeks []*week
	byKey := map[string]*week{}
	shown, older := 0, ""
	err := s.o.Backend.Scan(r.Context(), f, func(it *store.Item) error {
		k, monday := isoWeek(it.Artifact.OccurredAt)
		wk := byKey[k]
		if wk == nil {
			if shown >= inboxPage {
				// This week and everything older: the next page, up to the
				// start of the week after this one.
				older = monday.AddDate(0, 0, 7).UTC().Format(time.RFC3339Nano)
				return errPageFull
			}
			wk = &week{Key: k, Label: "Week of " + monday.Format("2 January 2006")}
			byKey[k] = wk
			weeks = append(weeks, wk)
		}
		shown++
		if it.Strength() == classify.StrengthRoutine {
			wk.Routine = append(wk.Routine, toRow(it))
		} else {
			wk.Rows = append(wk.Rows, toRow(it))
		}
		return nil
	})
	if errors.Is(err, errPageFull) {
		err = nil
	}
	if err != nil {
		s.fail(w, err)
		return
	}
	for _, wk := range weeks {
		s.withRelated(r.Context(), wk.Rows)
		s.withRelated(r.Context(), wk.Routine)
		// Newest first already; strongest first, keeping that order within a strength.
		sort.SliceStable(wk.Rows, func(i, j int) bool {
			return classify.Strength(wk.Rows[i].Strength).Rank() < classify.Strength(wk.Rows[j].Strength).Rank()
		})
	}
	due, err := s.followUpsDue(r.Context())
	if err != nil {
		s.fail(w, err)
		return
	}
	d := inboxData{Weeks: weeks, FollowUps: len(due), Backfills: s.backfills(r.Context())}
	if older != "" {
		d.Older = "/inbox?" + url.Values{"before": {older}}.Encode()
	}
	s.render(w, r, "inbox", "Inbox", d)
}

// errPageFull stops a page's scan once the page has what it shows.
var errPageFull = errors.New("page full")

type inboxData struct {
	Weeks     []*week
	FollowUps int
	// Older is the link to the older weeks, "" when they all show.
	Older string
	// Backfills are the sources still walking back through their history.
	Backfills []backfillRow
}

// backfillRow is a source whose newest-first backfill is under way.
type backfillRow struct {
	Source   string  `json:"source"`
	To       string  `json:"to"` // YYYY-MM-DD
	Progress float64 `json:"progress"`
	Words    string  `json:"words"`
}

// backfills lists the configured sources whose backfill is under way.
func (s *Server) backfills(ctx context.Context) []backfillRow {
	states, err := s.o.Backend.SourceStates(ctx)
	if err != nil {
		return nil
	}
	var out []backfillRow
	for _, src := range s.o.Config.AllSources() {
		st := states[src.Name]
		if !st.Backfill || st.BackfilledTo.IsZero() {
			continue
		}
		to := st.BackfilledTo.Local().Format(time.DateOnly)
		out = append(out, backfillRow{Source: src.Name, To: to, Progress: st.BackfillProgress,
			Words: fmt.Sprintf("%s: backfilled to %s, %.0f%%", src.Name, to, 100*st.BackfillProgress)})
	}
	return out
}

// followUpsDue reads the confirmed items whose follow-up is due today.
func (s *Server) followUpsDue(ctx context.Context) ([]store.Item, error) {
	today := s.o.Now().Format(time.DateOnly)
	var due []store.Item
	err := s.o.Backend.Scan(ctx, store.Filter{FollowUpsDue: today}, func(it *store.Item) error {
		due = append(due, *it)
		return nil
	})
	return due, err
}

type evidenceData struct {
	Groups                      []group
	Domain, Scope, Since, Until string
	Shown                       int
	Query                       string
	// Older is the query of the next page (older items), "" on the last.
	Older string
}

// evidencePage is how many items a page of the evidence shows.
const evidencePage = 200

type group struct {
	Domain string
	Title  string
	Rows   []row
}

func (s *Server) evidence(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	d := evidenceData{Domain: q.Get("domain"), Scope: q.Get("scope"), Since: q.Get("since"), Until: q.Get("until")}
	f, err := filterFrom(store.Confirmed, d.Scope, d.Since, d.Until)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if b := q.Get("before"); b != "" {
		t, err := time.Parse(time.RFC3339Nano, b)
		if err != nil {
			http.Error(w, "before: not an RFC 3339 time", http.StatusBadRequest)
			return
		}
		if f.Until.IsZero() || t.Before(f.Until) {
			f.Until = t
		}
	}
	// A page shows evidencePage items, newest first (and any more of the
	// last one's instant), so it stays small whatever the store holds; the
	// rest is a link away.
	byDomain := map[string][]row{}
	shown := 0
	var last time.Time
	err = s.o.Backend.Scan(r.Context(), f, func(it *store.Item) error {
		if d.Domain != "" && string(it.Domain()) != d.Domain {
			return nil
		}
		if shown >= evidencePage && !it.Artifact.OccurredAt.Equal(last) {
			d.Older = last.UTC().Format(time.RFC3339Nano)
			return errPageFull // the rest is the next page's
		}
		shown++
		last = it.Artifact.OccurredAt
		byDomain[string(it.Domain())] = append(byDomain[string(it.Domain())], toRow(it))
		return nil
	})
	if errors.Is(err, errPageFull) {
		err = nil
	}
	if err != nil {
		s.fail(w, err)
		return
	}
	for _, dm := range classify.Domains {
		if rows := byDomain[string(dm)]; len(rows) > 0 {
			s.withRelated(r.Context(), rows)
			sort.SliceStable(rows, func(i, j int) bool { return scopeRank(rows[i].Scope) > scopeRank(rows[j].Scope) })
			d.Groups = append(d.Groups, group{string(dm), dm.Title(), rows})
		}
	}
	v := url.Values{}
	for k, val := range map[string]string{"since": d.Since, "until": d.Until} {
		if val != "" {
			v.Set(k, val)
		}
	}
	d.Query = v.Encode()
	d.Shown = shown
	if d.Older != "" {
		for k, val := range map[string]string{"domain": d.Domain, "scope": d.Scope} {
			if val != "" {
				v.Set(k, val)
			}
		}
		v.Set("before", d.Older)
		d.Older = "/evidence?" + v.Encode()
	}
	s.render(w, r, "evidence", "Evidence", d)
}

func scopeRank(s string) int { return classify.Scope(s).Rank() }

// filterFrom reads the page's filters; dates are whole local days, until inclusive.
func filterFrom(state store.State, scope, since, until string) (store.Filter, error) {
	return input.Filter{State: string(state), Scope: scope, Since: since, Until: until}.Parse()
}

func (s *Server) crossTeam(r *http.Request) (*report.Report, string, string, error) {
	q := r.URL.Query()
	// The same default period as evident report cross-team: all stored
	// work, said in the headline.
	since, until := q.Get("since"), q.Get("until")
	f, err := input.Filter{Since: since, Until: until}.Parse()
	if err != nil {
		return nil, "", "", err
	}
	from, to := f.Since, f.Until
	rep, err := memoized(r.Context(), s, "cross-team "+since+" "+until, func() (*report.Report, error) {
		return report.CrossTeam(r.Context(), s.o.Backend, report.Options{Since: from, Until: to, TeamName: s.org.TeamName, Home: s.o.Config.Me.Teams})
	})
	if err != nil {
		return nil, "", "", err
	}
	return rep, since, until, nil
}

type reportData struct {
	R            *report.Report
	Since, Until string
	Chart        template.HTML
	// Clipped says the chart shows only the latest chartWeeks weeks.
	Clipped bool
}

func (s *Server) report(w http.ResponseWriter, r *http.Request) {
	rep, since, until, err := s.crossTeam(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	s.render(w, r, "report", "Cross-team report", reportData{R: rep, Since: since, Until: until, Chart: chart(rep, s.org.TeamName), Clipped: len(rep.Weeks) > chartWeeks})
}

func (s *Server) apiReport(w http.ResponseWriter, r *http.Request) {
	rep, _, _, err := s.crossTeam(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	localapi.WriteJSON(w, 200, rep)
}

func (s *Server) packet(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p, err := report.PeriodOf(q.Get("period"), q.Get("since"), q.Get("until"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var buf bytes.Buffer
	err = report.WritePacket(r.Context(), s.o.Backend, &buf, []store.State{store.Confirmed}, report.PacketOptions{Name: s.o.Config.Me.Name, Period: p, Criteria: s.criteria,
		TeamName: s.org.TeamName, Home: s.o.Config.Me.Teams, Now: s.o.Now(), Describe: s.org.Describe})
	if err != nil {
		s.fail(w, err)
		return
	}
	w.Header().Set("Content-Type", "text/markdown; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="promotion-packet.md"`)
	w.Write(buf.Bytes())
}

func (s *Server) fail(w http.ResponseWriter, err error) {
	if errors.Is(err, store.ErrNotFound) {
		localapi.WriteJSON(w, http.StatusNotFound, map[string]string{"error": "no such item"})
		return
	}
	s.o.Log.Error("web", "error", err.Error())
	localapi.WriteJSON(w, http.StatusInternalServerError, map[string]string{"error": "the store could not answer; see the daemon's log"})
}

// kindWords names a kind of work for a person reading the page, not the
// contract's label ("design document", not "rfc").
func kindWords(k connectors.Kind) string {
	switch k {
	case connectors.KindReview:
		return "code review"
	case connectors.KindPR:
		return "pull request"
	case connectors.KindRFC:
		return "design document"
	case connectors.KindJiraIssue:
		return "issue"
	case connectors.KindEntry:
		return "written down"
	}
	return string(k)
}
