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
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/evident-sync/evident/pipeline"
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

// Server answers the local API over a store and the daemon's runner.
type Server struct {
	Store  *store.Store
	Runner *pipeline.Runner
	Log    *slog.Logger
}

// Handler routes the API.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/items", s.items)
	mux.HandleFunc("GET /v1/records", s.records)
	mux.HandleFunc("GET /v1/items/{id}", s.item)
	mux.HandleFunc("GET /v1/resolve", s.resolve)
	mux.HandleFunc("POST /v1/decide", s.decide)
	mux.HandleFunc("POST /v1/edit", s.edit)
	mux.HandleFunc("POST /v1/add", s.add)
	mux.HandleFunc("GET /v1/counts", s.counts)
	mux.HandleFunc("GET /v1/sources", s.sources)
	mux.HandleFunc("POST /v1/sync", s.sync)
	mux.HandleFunc("GET /v1/backup", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		if err := s.Store.Backup(r.Context(), w); err != nil {
			s.log().Error("local API: backup", "error", err.Error())
		}
	})
	mux.HandleFunc("POST /v1/verify", func(w http.ResponseWriter, r *http.Request) {
		rep, err := s.Store.Verify(r.Context())
		if err != nil {
			fail(w, err)
			return
		}
		WriteJSON(w, 200, rep)
	})
	mux.HandleFunc("POST /v1/forget", func(w http.ResponseWriter, r *http.Request) {
		var req apitype.ForgetRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Source == "" {
			badRequest(w, "malformed forget request")
			return
		}
		n, err := s.Store.Forget(r.Context(), req.Source)
		if err != nil {
			fail(w, err)
			return
		}
		WriteJSON(w, 200, apitype.ForgetResponse{Items: n})
	})
	mux.HandleFunc("GET /v1/ping", func(w http.ResponseWriter, r *http.Request) { WriteJSON(w, 200, apitype.PingResponse{Daemon: true}) })
	return mux
}

// WriteJSON answers with v as JSON (HTML left unescaped): the local API's
// answers, and the web UI's JSON API.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

func fail(w http.ResponseWriter, err error) {
	var amb *store.AmbiguousError
	switch {
	case errors.Is(err, store.ErrNotFound):
		WriteJSON(w, http.StatusNotFound, apitype.ErrorResponse{Error: err.Error(), Kind: "not_found"})
	case errors.As(err, &amb):
		WriteJSON(w, http.StatusConflict, apitype.ErrorResponse{Error: err.Error(), Kind: "ambiguous", Matches: amb.Matches, Ref: amb.Ref})
	case errors.Is(err, store.ErrTooShort):
		WriteJSON(w, http.StatusBadRequest, apitype.ErrorResponse{Error: err.Error(), Kind: "too_short"})
	default:
		WriteJSON(w, http.StatusInternalServerError, apitype.ErrorResponse{Error: err.Error(), Kind: "runtime"})
	}
}

func badRequest(w http.ResponseWriter, msg string) {
	WriteJSON(w, http.StatusBadRequest, apitype.ErrorResponse{Error: msg, Kind: "bad_request"})
}

// items streams a JSON array of items, one per line.
func (s *Server) items(w http.ResponseWriter, r *http.Request) {
	f, err := queryFilter(r.URL.Query())
	if err != nil {
		badRequest(w, err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(bw)
	bw.WriteString("[")
	n := 0
	err = s.Store.Scan(r.Context(), f, func(it *store.Item) error {
		if n > 0 {
			bw.WriteString(",")
		}
		n++
		return enc.Encode(it)
	})
	if err != nil {
		// The status is sent; a truncated array tells the client it failed.
		s.log().Error("local API: list items", "error", err.Error())
		return
	}
	bw.WriteString("]\n")
	bw.Flush()
}

// RecordsType is the media type of /v1/records: each item as a uvarint
// length and its record (store.AppendRecord), then a zero length. A stream
// without the zero was cut short.
const RecordsType = "application/x-evident-records"

// records streams the items f selects in the record format, which a
// client decodes several times faster than JSON: listings and reports
// through the daemon cost what they cost on the store.
func (s *Server) records(w http.ResponseWriter, r *http.Request) {
	f, err := queryFilter(r.URL.Query())
	if err != nil {
		badRequest(w, err.Error())
		return
	}
	w.Header().Set("Content-Type", RecordsType)
	bw := bufio.NewWriterSize(w, 64<<10)
	var rec, frame []byte
	err = s.Store.Scan(r.Context(), f, func(it *store.Item) error {
		rec = store.AppendRecord(rec[:0], it)
		frame = binary.AppendUvarint(frame[:0], uint64(len(rec)))
		bw.Write(frame)
		_, err := bw.Write(rec)
		return err
	})
	if err != nil {
		s.log().Error("local API: list records", "error", err.Error())
		bw.Flush() // without the end mark: the client sees the list cut short
		return
	}
	bw.WriteByte(0)
	bw.Flush()
}

func (s *Server) log() *slog.Logger {
	if s.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Log
}

func (s *Server) item(w http.ResponseWriter, r *http.Request) {
	it, err := s.Store.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		fail(w, err)
		return
	}
	WriteJSON(w, 200, it)
}

func (s *Server) resolve(w http.ResponseWriter, r *http.Request) {
	id, err := s.Store.Resolve(r.Context(), r.URL.Query().Get("ref"))
	if err != nil {
		fail(w, err)
		return
	}
	WriteJSON(w, 200, apitype.ResolveResponse{ID: id})
}

func (s *Server) decide(w http.ResponseWriter, r *http.Request) {
	var req apitype.DecideRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		badRequest(w, "malformed decision: "+err.Error())
		return
	}
	state, err := store.ParseState(req.State)
	if err != nil {
		badRequest(w, err.Error())
		return
	}
	items, err := s.Store.Decide(r.Context(), req.IDs, store.Decision{State: state, Note: req.Note, Reason: req.Reason, FollowUp: req.FollowUp})
	if err != nil {
		fail(w, err)
		return
	}
	WriteJSON(w, 200, items)
}

func (s *Server) edit(w http.ResponseWriter, r *http.Request) {
	var req apitype.EditRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		badRequest(w, "malformed edit: "+err.Error())
		return
	}
	it, err := s.Store.Edit(r.Context(), req.ID, editOf(req))
	if err != nil {
		fail(w, err)
		return
	}
	WriteJSON(w, 200, it)
}

// add stores an entry the user wrote; the body is the item as JSON.
func (s *Server) add(w http.ResponseWriter, r *http.Request) {
	var it store.Item
	if err := json.NewDecoder(r.Body).Decode(&it); err != nil {
		badRequest(w, "malformed entry: "+err.Error())
		return
	}
	out, err := s.Store.Add(r.Context(), it)
	if err != nil {
		fail(w, err)
		return
	}
	WriteJSON(w, 200, out)
}

func (s *Server) counts(w http.ResponseWriter, r *http.Request) {
	c, err := s.Store.Counts(r.Context())
	if err != nil {
		fail(w, err)
		return
	}
	WriteJSON(w, 200, c)
}

// sources returns every source's state, with the runner's next run.
func (s *Server) sources(w http.ResponseWriter, r *http.Request) {
	states, err := s.Store.SourceStates(r.Context())
	if err != nil {
		fail(w, err)
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
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		badRequest(w, "malformed sync request: "+err.Error())
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
