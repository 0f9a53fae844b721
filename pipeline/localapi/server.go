// Package localapi is the daemon's local API: while `evident run` owns the
// store, every other command reaches it through a unix socket in the data
// dir (mode 0600), the way the docker CLI talks to dockerd. The Client has
// the same methods as the store, so commands work the same either way.
package localapi

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"time"

	"github.com/evident-sync/evident/classify"
	"github.com/evident-sync/evident/connectors"
	"github.com/evident-sync/evident/pipeline"
	"github.com/evident-sync/evident/pipeline/input"
	"github.com/evident-sync/evident/pipeline/localapi/apitype"
	"github.com/evident-sync/evident/pipeline/store"
)

// SocketName is the socket's file name inside the data dir.
const SocketName = "evident.sock"

// SocketPath is where the daemon of a data dir listens.
func SocketPath(dataDir string) string { return filepath.Join(dataDir, SocketName) }

// Listen opens the socket (mode 0600), replacing a stale one. The caller
// must hold the data dir's store, so no live daemon can own the socket.
func Listen(dataDir string) (net.Listener, error) {
	p := SocketPath(dataDir)
	if err := RemoveSocket(dataDir); err != nil {
		return nil, err
	}
	// The data dir is 0700, so the socket is private before the chmod too.
	ln, err := net.Listen("unix", p)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", p, err)
	}
	if err := os.Chmod(p, 0o600); err != nil {
		ln.Close()
		return nil, fmt.Errorf("listen on %s: %w", p, err)
	}
	return ln, nil
}

// RemoveSocket removes a stale socket at dataDir's socket path, and only a
// socket: any other file there is left alone and reported. The caller must
// hold the store's lock, so the socket cannot be a live daemon's.
func RemoveSocket(dataDir string) error {
	p := SocketPath(dataDir)
	fi, err := os.Lstat(p)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("check %s: %w", p, err)
	case fi.Mode()&os.ModeSocket == 0:
		return fmt.Errorf("%s exists and is not evident's socket; move it away", p)
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove the stale socket %s: %w", p, err)
	}
	return nil
}

// Store is what the API reads and writes: the store itself, or the
// daemon's Client when the web UI runs beside a daemon.
type Store interface {
	Scan(ctx context.Context, f store.Filter, fn func(*store.Item) error) error
	Get(ctx context.Context, id string) (store.Item, error)
	Resolve(ctx context.Context, ref string) (string, error)
	Decide(ctx context.Context, ids []string, d store.Decision) ([]store.Item, error)
	Edit(ctx context.Context, id string, e store.Edit) (store.Item, error)
	Add(ctx context.Context, it store.Item) (store.Item, error)
	Counts(ctx context.Context) (map[string]int, error)
	CountState(ctx context.Context, st store.State) (int, error)
	SourceStates(ctx context.Context) (map[string]store.SourceState, error)
}

// Admin is what only the socket serves: whole-store operations a web page
// has no business starting.
type Admin interface {
	Backup(ctx context.Context, w io.Writer) error
	Verify(ctx context.Context) (store.VerifyReport, error)
	Forget(ctx context.Context, source string) (int, error)
}

// Server is evident's one API. The daemon serves all of it on its socket
// (Handler), for the CLI; the web UI serves the part a person's page uses
// (Routes) behind its own login, Host check and CSRF token. The same
// handler answers an item call either way: the contract's item JSON, or,
// for the CLI, which runs the store's own code on what it reads, the
// items in the store's record format (Accept: RecordsType).
type Server struct {
	Store Store
	// Runner runs passes on demand (POST /v1/sync); nil where no sources
	// run (evident serve).
	Runner *pipeline.Runner
	// Org and Criteria are the configured organisation (for entries) and
	// level criteria (for an item's criteria).
	Org      *classify.Org
	Criteria []classify.Criterion
	// Public hides the store's own failures behind one sentence (the web:
	// a page shows no local paths); the socket says them whole.
	Public bool
	Log    *slog.Logger
	Now    func() time.Time
}

// Routes adds the calls a person's page makes to mux: items, one item,
// resolve, decide, edit, add, counts and sources, under /v1/.
func (s *Server) Routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /v1/items", s.items)
	mux.HandleFunc("GET /v1/items/{id}", s.item)
	mux.HandleFunc("GET /v1/resolve", s.resolve)
	mux.HandleFunc("POST /v1/decide", s.decide)
	mux.HandleFunc("POST /v1/edit", s.edit)
	mux.HandleFunc("POST /v1/add", s.add)
	mux.HandleFunc("GET /v1/counts", s.counts)
	mux.HandleFunc("GET /v1/sources", s.sources)
}

// Handler routes the whole API, as the socket serves it: Routes, plus the
// record stream, sync, and the whole-store calls (Admin).
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	s.Routes(mux)
	mux.HandleFunc("GET /v1/records", func(w http.ResponseWriter, r *http.Request) {
		r.Header.Set("Accept", RecordsType)
		s.items(w, r)
	})
	mux.HandleFunc("POST /v1/sync", s.sync)
	mux.HandleFunc("GET /v1/backup", s.backup)
	mux.HandleFunc("POST /v1/verify", s.verify)
	mux.HandleFunc("POST /v1/forget", s.forget)
	mux.HandleFunc("GET /v1/ping", func(w http.ResponseWriter, r *http.Request) { WriteJSON(w, 200, apitype.PingResponse{Daemon: true}) })
	return mux
}

// WriteJSON answers with v as JSON (HTML left unescaped).
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// fail answers err in the one error shape (apitype.ErrorResponse).
func (s *Server) fail(w http.ResponseWriter, err error) {
	var amb *store.AmbiguousError
	var field *input.FieldError
	switch {
	case errors.Is(err, store.ErrNotFound):
		WriteJSON(w, http.StatusNotFound, apitype.ErrorResponse{Error: err.Error(), Kind: "not_found"})
	case errors.As(err, &amb):
		WriteJSON(w, http.StatusConflict, apitype.ErrorResponse{Error: err.Error(), Kind: "ambiguous", Matches: amb.Matches, Ref: amb.Ref})
	case errors.Is(err, store.ErrTooShort):
		WriteJSON(w, http.StatusBadRequest, apitype.ErrorResponse{Error: err.Error(), Kind: "too_short"})
	case errors.As(err, &field):
		badRequest(w, err.Error())
	case s.Public:
		s.log().Error("API", "error", err.Error())
		WriteJSON(w, http.StatusInternalServerError, apitype.ErrorResponse{Error: "the store could not answer; see the daemon's log", Kind: "runtime"})
	default:
		WriteJSON(w, http.StatusInternalServerError, apitype.ErrorResponse{Error: err.Error(), Kind: "runtime"})
	}
}

func badRequest(w http.ResponseWriter, msg string) {
	WriteJSON(w, http.StatusBadRequest, apitype.ErrorResponse{Error: msg, Kind: "bad_request"})
}

// readJSON decodes a request's JSON body of at most 1 MiB into v, or
// answers 400 and returns false.
func readJSON(w http.ResponseWriter, r *http.Request, what string, v any) bool {
	err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(v)
	var te *json.UnmarshalTypeError
	var big *http.MaxBytesError
	switch {
	case err == nil:
		return true
	case errors.As(err, &te) && te.Field != "":
		badRequest(w, fmt.Sprintf("malformed %s: %q is not a %s", what, te.Field, jsonKind(te.Type)))
	case errors.As(err, &big):
		badRequest(w, fmt.Sprintf("malformed %s: more than 1 MiB", what))
	default:
		badRequest(w, fmt.Sprintf("malformed %s: it is not a JSON object", what))
	}
	return false
}

// jsonKind names what a JSON value of Go type t looks like.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		return "list"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int64, reflect.Float64:
		return "number"
	case reflect.String:
		return "string"
	}
	return "JSON object"
}

// RecordsType is the media type of items in the store's record format:
// each item as a uvarint length and its record (store.AppendRecord), then
// a zero length. A stream without the zero was cut short.
const RecordsType = "application/x-evident-records"

func wantsRecords(r *http.Request) bool { return r.Header.Get("Accept") == RecordsType }

// answer writes items as the caller asked (see stream).
func (s *Server) answer(w http.ResponseWriter, r *http.Request, one bool, items ...store.Item) {
	s.stream(w, r, one, func(add func(*store.Item) error) error {
		for i := range items {
			if err := add(&items[i]); err != nil {
				return err
			}
		}
		return nil
	})
}

// items streams the items the query selects, newest first, item by item:
// the whole store is tens of megabytes that need not sit in memory.
func (s *Server) items(w http.ResponseWriter, r *http.Request) {
	f, err := queryFilter(r.URL.Query())
	if err != nil {
		badRequest(w, err.Error())
		return
	}
	s.stream(w, r, false, func(add func(*store.Item) error) error { return s.Store.Scan(r.Context(), f, add) })
}

// stream writes the items each yields as the caller asked: records
// (Accept: RecordsType), or the contract's item JSON, an object when one
// is true and an array otherwise. The status is sent first, so a failure
// half-way is logged and ends the answer early: a record stream without
// its end mark, a JSON array closed where it stopped.
func (s *Server) stream(w http.ResponseWriter, r *http.Request, one bool, each func(add func(*store.Item) error) error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	defer bw.Flush()
	var add func(*store.Item) error
	failed := false
	switch {
	case wantsRecords(r):
		w.Header().Set("Content-Type", RecordsType)
		rw := newRecordWriter(bw)
		add = rw.add
		defer func() {
			if !failed { // every item written: the end mark
				rw.close()
			}
		}()
	case one:
		w.Header().Set("Content-Type", "application/json")
		add = func(it *store.Item) error {
			v := it.View(s.Criteria)
			_, err := bw.Write(append(v.AppendJSON(nil), '\n'))
			return err
		}
	default:
		w.Header().Set("Content-Type", "application/json")
		arr := store.NewViewArray(bw, s.Criteria, false)
		add = arr.Add
		defer arr.Close()
	}
	if err := each(add); err != nil {
		s.log().Error("API: answer items", "error", err.Error())
		failed = true
	}
}

// recordWriter frames records: a uvarint length before each, a zero
// length at the end.
type recordWriter struct {
	w          io.Writer
	rec, frame []byte
}

func newRecordWriter(w io.Writer) *recordWriter { return &recordWriter{w: w} }

func (rw *recordWriter) add(it *store.Item) error {
	rw.rec = store.AppendRecord(rw.rec[:0], it)
	rw.frame = binary.AppendUvarint(rw.frame[:0], uint64(len(rw.rec)))
	if _, err := rw.w.Write(rw.frame); err != nil {
		return err
	}
	_, err := rw.w.Write(rw.rec)
	return err
}

func (rw *recordWriter) close() { rw.w.Write([]byte{0}) }

func (s *Server) log() *slog.Logger {
	if s.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Log
}

func (s *Server) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

func (s *Server) item(w http.ResponseWriter, r *http.Request) {
	it, err := s.Store.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, err)
		return
	}
	s.answer(w, r, true, it)
}

func (s *Server) resolve(w http.ResponseWriter, r *http.Request) {
	id, err := s.Store.Resolve(r.Context(), r.URL.Query().Get("ref"))
	if err != nil {
		s.fail(w, err)
		return
	}
	WriteJSON(w, 200, apitype.ResolveResponse{ID: id})
}

// decide records one decision for the items named; it answers them as
// they now stand.
func (s *Server) decide(w http.ResponseWriter, r *http.Request) {
	var req apitype.DecideRequest
	if readJSON(w, r, "decision", &req) {
		s.decideAnswer(w, r, req, false)
	}
}

// decideAnswer records req and answers the items, the first alone when one
// is true.
func (s *Server) decideAnswer(w http.ResponseWriter, r *http.Request, req apitype.DecideRequest, one bool) {
	if items, ok := s.decideItems(w, r, req); ok {
		s.answer(w, r, one, items...)
	}
}

// decideItems records req and returns the items as they now stand, or
// answers the failure and returns false.
func (s *Server) decideItems(w http.ResponseWriter, r *http.Request, req apitype.DecideRequest) ([]store.Item, bool) {
	if len(req.IDs) == 0 {
		badRequest(w, "a decision names the items it is about (ids)")
		return nil, false
	}
	state, err := store.ParseState(req.State)
	if err != nil {
		badRequest(w, err.Error())
		return nil, false
	}
	items, err := s.Store.Decide(r.Context(), req.IDs, store.Decision{State: state, Note: req.Note, Reason: req.Reason, FollowUp: req.FollowUp})
	if err != nil {
		s.fail(w, err)
		return nil, false
	}
	return items, true
}

// edit records the user's edit of one item: names are checked and a
// follow-up may be a day or a time from now ("6w"), as people write them.
func (s *Server) edit(w http.ResponseWriter, r *http.Request) {
	var req apitype.EditRequest
	if readJSON(w, r, "edit", &req) {
		s.editAnswer(w, r, req)
	}
}

func (s *Server) editAnswer(w http.ResponseWriter, r *http.Request, req apitype.EditRequest) {
	e, err := editOf(req, s.now())
	if err != nil {
		badRequest(w, err.Error())
		return
	}
	it, err := s.Store.Edit(r.Context(), req.ID, e)
	if err != nil {
		s.fail(w, err)
		return
	}
	s.answer(w, r, true, it)
}

// add stores an entry the user wrote: the entry's words as JSON
// (apitype.EntryRequest), read by the same rules as evident add, or the
// item the CLI already made by those rules, as one record.
func (s *Server) add(w http.ResponseWriter, r *http.Request) {
	var it store.Item
	if r.Header.Get("Content-Type") == RecordsType {
		if s.Public {
			badRequest(w, "an entry comes in words (JSON): records are the CLI's, on the daemon's socket")
			return
		}
		err := readRecords(http.MaxBytesReader(w, r.Body, maxRecord+16), func(got *store.Item) error { it = *got; return nil })
		if err != nil || it.ID == "" || it.Artifact.Kind != connectors.KindEntry || it.Artifact.Key != "entry:"+it.ID {
			badRequest(w, "malformed entry: not an item evident add makes")
			return
		}
	} else {
		var req apitype.EntryRequest
		if !readJSON(w, r, "entry", &req) {
			return
		}
		var err error
		if it, err = s.entry(req); err != nil {
			badRequest(w, err.Error())
			return
		}
	}
	out, err := s.Store.Add(r.Context(), it)
	if err != nil {
		s.fail(w, err)
		return
	}
	s.answer(w, r, true, out)
}

func (s *Server) entry(req apitype.EntryRequest) (store.Item, error) {
	in, err := input.Entry{Title: req.Title, Date: req.Date, Domain: req.Domain, Scope: req.Scope, Strength: req.Strength, FollowUp: req.FollowUp,
		Teams: req.Teams, Note: req.Note, Outcome: req.Outcome, Link: req.Link, Now: s.now()}.Parse()
	if err != nil {
		return store.Item{}, err
	}
	if s.Org == nil {
		return store.Item{}, errors.New("this server knows no organisation to read an entry by: add it with evident add")
	}
	return pipeline.NewEntry(s.Org, in)
}

// counts answers the items per source, or with ?state=NAME the items in
// that state ({"suggested": 12}: the inbox's count).
func (s *Server) counts(w http.ResponseWriter, r *http.Request) {
	if name := r.URL.Query().Get("state"); name != "" {
		st, err := store.ParseState(name)
		if err != nil {
			badRequest(w, err.Error())
			return
		}
		n, err := s.Store.CountState(r.Context(), st)
		if err != nil {
			s.fail(w, err)
			return
		}
		WriteJSON(w, 200, map[string]int{string(st): n})
		return
	}
	c, err := s.Store.Counts(r.Context())
	if err != nil {
		s.fail(w, err)
		return
	}
	WriteJSON(w, 200, c)
}

// sources returns every source's state, with the runner's next run.
func (s *Server) sources(w http.ResponseWriter, r *http.Request) {
	states, err := s.Store.SourceStates(r.Context())
	if err != nil {
		s.fail(w, err)
		return
	}
	if s.Runner != nil {
		for _, src := range s.Runner.Sources {
			st, ok := states[src.Name]
			if !ok {
				st = store.SourceState{Name: src.Name, Type: src.Type}
			}
			if next, known := s.Runner.NextRun(src.Name); known {
				st.NextRun = next.UTC()
			}
			states[src.Name] = st
		}
	}
	out := map[string]apitype.SourceState{}
	for k, v := range states {
		out[k] = sourceStateOf(v)
	}
	WriteJSON(w, 200, out)
}

func (s *Server) sync(w http.ResponseWriter, r *http.Request) {
	var req apitype.SyncRequest
	if !readJSON(w, r, "sync request", &req) {
		return
	}
	if s.Runner == nil {
		badRequest(w, "evident serve holds the store and runs no sources: sync with evident run (the web UI and the sources), or stop serve for a moment")
		return
	}
	var out []apitype.SyncResult
	for _, res := range s.Runner.SyncNow(r.Context(), req.Sources) {
		out = append(out, syncResultOf(res))
	}
	WriteJSON(w, 200, out)
}

// admin is the store's whole-store calls, or a 400 where the API serves a
// store without them.
func (s *Server) admin(w http.ResponseWriter) (Admin, bool) {
	a, ok := s.Store.(Admin)
	if !ok {
		badRequest(w, "this server does not back up, verify or forget: ask the daemon")
	}
	return a, ok
}

func (s *Server) backup(w http.ResponseWriter, r *http.Request) {
	a, ok := s.admin(w)
	if !ok {
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	if err := a.Backup(r.Context(), w); err != nil {
		s.log().Error("API: backup", "error", err.Error())
	}
}

func (s *Server) verify(w http.ResponseWriter, r *http.Request) {
	a, ok := s.admin(w)
	if !ok {
		return
	}
	rep, err := a.Verify(r.Context())
	if err != nil {
		s.fail(w, err)
		return
	}
	WriteJSON(w, 200, rep)
}

func (s *Server) forget(w http.ResponseWriter, r *http.Request) {
	a, ok := s.admin(w)
	if !ok {
		return
	}
	var req apitype.ForgetRequest
	if !readJSON(w, r, "forget request", &req) {
		return
	}
	if req.Source == "" {
		badRequest(w, "malformed forget request: no source named")
		return
	}
	n, err := a.Forget(r.Context(), req.Source)
	if err != nil {
		s.fail(w, err)
		return
	}
	WriteJSON(w, 200, apitype.ForgetResponse{Items: n})
}

// Serve answers the API on ln until ctx is done.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 3*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
