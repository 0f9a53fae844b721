package localapi

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"time"

	"github.com/evident-sync/evident/pipeline"
	"github.com/evident-sync/evident/pipeline/localapi/apitype"
	"github.com/evident-sync/evident/pipeline/store"
)

// ErrNoDaemon means no daemon listens on the data dir's socket: nothing is
// there, or nothing accepts a connection on it.
var ErrNoDaemon = errors.New("no evident daemon is running")

// BadDaemonError is a daemon that accepted the connection but did not
// answer as evident's daemon does (a hung or different program, another
// version): not the same as no daemon, and not to be mistaken for one.
type BadDaemonError struct{ Err error }

func (e *BadDaemonError) Error() string {
	return fmt.Sprintf("the evident daemon on this data dir did not answer properly (%v); stop it and start evident run again", e.Err)
}
func (e *BadDaemonError) Unwrap() error { return e.Err }

// Client talks to a running daemon. Its methods mirror the store's.
type Client struct {
	http *http.Client
}

// Dial connects to the daemon of dataDir. It returns ErrNoDaemon when none
// listens, and a *BadDaemonError when something listens but does not
// answer the ping as the daemon does.
func Dial(ctx context.Context, dataDir string) (*Client, error) {
	p := SocketPath(dataDir)
	if _, err := os.Stat(p); err != nil {
		return nil, ErrNoDaemon
	}
	conn, err := net.DialTimeout("unix", p, time.Second)
	if err != nil {
		return nil, ErrNoDaemon // a stale socket: its daemon is gone
	}
	conn.Close()
	c := &Client{http: &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", p)
		},
	}}}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	var ping apitype.PingResponse
	if err := c.call(ctx, http.MethodGet, "/v1/ping", nil, &ping); err != nil || !ping.Daemon {
		if err == nil {
			err = errors.New("the ping was not answered")
		}
		return nil, &BadDaemonError{Err: err}
	}
	return c, nil
}

// Close releases the client's connections.
func (c *Client) Close() error {
	c.http.CloseIdleConnections()
	return nil
}

func (c *Client) do(ctx context.Context, method, path string, body any) (*http.Response, error) {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, "http://evident"+path, r)
	if err != nil {
		return nil, err
	}
	return c.send(req)
}

// send makes a request and turns an error answer into the store's error.
func (c *Client) send(req *http.Request) (*http.Response, error) {
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("evident daemon: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		defer resp.Body.Close()
		var e apitype.ErrorResponse
		if err := json.NewDecoder(resp.Body).Decode(&e); err != nil {
			return nil, fmt.Errorf("evident daemon answered %s", resp.Status)
		}
		switch e.Kind {
		case "not_found":
			return nil, store.ErrNotFound
		case "ambiguous":
			return nil, &store.AmbiguousError{Ref: e.Ref, Matches: e.Matches}
		case "too_short":
			// The daemon's sentence ends with ErrTooShort's own words: say
			// them once.
			return nil, tooShort{e.Error}
		}
		return nil, errors.New(e.Error)
	}
	return resp, nil
}

// tooShort is the daemon's "too short" sentence, as store.ErrTooShort.
type tooShort struct{ msg string }

func (e tooShort) Error() string        { return e.msg }
func (e tooShort) Is(target error) bool { return target == store.ErrTooShort }

func (c *Client) call(ctx context.Context, method, path string, body, out any) error {
	resp, err := c.do(ctx, method, path, body)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if out == nil {
		io.Copy(io.Discard, resp.Body)
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("evident daemon sent a malformed answer: %w", err)
	}
	return nil
}

// Scan streams the items f selects, newest first, in the record format.
func (c *Client) Scan(ctx context.Context, f store.Filter, fn func(*store.Item) error) error {
	resp, err := c.do(ctx, http.MethodGet, "/v1/records?"+filterQuery(f).Encode(), nil)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return readAnswer(resp, fn)
}

// errOlderDaemon is a daemon that answered items in JSON, not records: one
// from before this command, which it cannot read whole.
var errOlderDaemon = errors.New("the evident daemon on this data dir is older than this command: restart it (stop evident run and start it again)")

// readAnswer reads items answered in the record format.
func readAnswer(resp *http.Response, fn func(*store.Item) error) error {
	if resp.Header.Get("Content-Type") != RecordsType {
		return errOlderDaemon
	}
	return readRecords(resp.Body, fn)
}

// readRecords reads the daemon's record stream (records.go): each record
// behind its uvarint length, a zero length at the end. A stream cut short,
// a length past maxRecord or a record the decoder refuses is an error in
// one sentence; nothing in it can make the reader allocate more than
// maxRecord at once.
func readRecords(r io.Reader, fn func(*store.Item) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	var rec []byte
	var it store.Item
	for {
		n, err := binary.ReadUvarint(br)
		if err != nil {
			return fmt.Errorf("evident daemon cut the list short: %w", err)
		}
		if n == 0 {
			return nil
		}
		if n > maxRecord {
			return fmt.Errorf("evident daemon sent a malformed list: a record of %d bytes", n)
		}
		if cap(rec) < int(n) {
			rec = make([]byte, n)
		}
		rec = rec[:n]
		if _, err := io.ReadFull(br, rec); err != nil {
			return fmt.Errorf("evident daemon cut the list short: %w", err)
		}
		it = store.Item{}
		if err := store.DecodeRecord(rec, &it); err != nil {
			return fmt.Errorf("evident daemon sent a malformed list: %w", err)
		}
		if err := fn(&it); err != nil {
			return err
		}
	}
}

// maxRecord bounds one record of the stream. Items are a few kilobytes,
// but nothing bounds a note the user pastes, so the cap stays well above
// any real one.
const maxRecord = 16 << 20

// items makes a call answered with items, asking for them as records.
func (c *Client) items(ctx context.Context, method, path string, body io.Reader, contentType string) ([]store.Item, error) {
	req, err := http.NewRequestWithContext(ctx, method, "http://evident"+path, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", RecordsType)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := c.send(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var out []store.Item
	err = readAnswer(resp, func(it *store.Item) error { out = append(out, *it); return nil })
	return out, err
}

// item is items for a call answered with one item.
func (c *Client) item(ctx context.Context, method, path string, body io.Reader, contentType string) (store.Item, error) {
	out, err := c.items(ctx, method, path, body, contentType)
	if err == nil && len(out) != 1 {
		err = &BadDaemonError{Err: fmt.Errorf("%d items answered for one", len(out))}
	}
	if err != nil {
		return store.Item{}, err
	}
	return out[0], nil
}

func jsonBody(v any) io.Reader {
	b, _ := json.Marshal(v) // the requests are plain structs
	return bytes.NewReader(b)
}

// Get returns one item by its full ID.
func (c *Client) Get(ctx context.Context, id string) (store.Item, error) {
	return c.item(ctx, http.MethodGet, "/v1/items/"+url.PathEscape(id), nil, "")
}

// Resolve turns what the user typed into a full ID.
func (c *Client) Resolve(ctx context.Context, ref string) (string, error) {
	var out apitype.ResolveResponse
	err := c.call(ctx, http.MethodGet, "/v1/resolve?ref="+url.QueryEscape(ref), nil, &out)
	return out.ID, err
}

// Decide records a decision; the daemon syncs it to disk before answering.
func (c *Client) Decide(ctx context.Context, ids []string, d store.Decision) ([]store.Item, error) {
	req := apitype.DecideRequest{IDs: ids, State: string(d.State), Note: d.Note, Reason: d.Reason, FollowUp: d.FollowUp}
	return c.items(ctx, http.MethodPost, "/v1/decide", jsonBody(req), "application/json")
}

// Edit records the user's edit.
func (c *Client) Edit(ctx context.Context, id string, e store.Edit) (store.Item, error) {
	return c.item(ctx, http.MethodPost, "/v1/edit", jsonBody(editRequestOf(id, e)), "application/json")
}

// Add stores an entry the user wrote (store.Store.Add): the item, made
// here by evident add's rules, travels as one record.
func (c *Client) Add(ctx context.Context, it store.Item) (store.Item, error) {
	var b bytes.Buffer
	rw := newRecordWriter(&b)
	rw.add(&it)
	rw.close()
	return c.item(ctx, http.MethodPost, "/v1/add", &b, RecordsType)
}

// CountState returns how many items are in state st.
func (c *Client) CountState(ctx context.Context, st store.State) (int, error) {
	var out map[string]int
	err := c.call(ctx, http.MethodGet, "/v1/counts?state="+url.QueryEscape(string(st)), nil, &out)
	return out[string(st)], err
}

// Counts returns items per source.
func (c *Client) Counts(ctx context.Context) (map[string]int, error) {
	var out map[string]int
	err := c.call(ctx, http.MethodGet, "/v1/counts", nil, &out)
	return out, err
}

// SourceStates returns every source's state, next runs included.
func (c *Client) SourceStates(ctx context.Context) (map[string]store.SourceState, error) {
	var wire map[string]apitype.SourceState
	if err := c.call(ctx, http.MethodGet, "/v1/sources", nil, &wire); err != nil {
		return nil, err
	}
	out := map[string]store.SourceState{}
	for k, v := range wire {
		out[k] = storeStateOf(v)
	}
	return out, nil
}

// Sync asks the daemon to run the named sources (all when none) now and
// returns each pass; an error of a pass keeps only its words.
func (c *Client) Sync(ctx context.Context, sources []string) ([]pipeline.Result, error) {
	var wire []apitype.SyncResult
	if err := c.call(ctx, http.MethodPost, "/v1/sync", apitype.SyncRequest{Sources: sources}, &wire); err != nil {
		return nil, err
	}
	out := make([]pipeline.Result, len(wire))
	for i, r := range wire {
		out[i] = resultOf(r)
	}
	return out, nil
}

// Backup streams the daemon's backup of the store to w.
func (c *Client) Backup(ctx context.Context, w io.Writer) error {
	resp, err := c.do(ctx, http.MethodGet, "/v1/backup", nil)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(w, resp.Body); err != nil {
		return fmt.Errorf("backup through the daemon: %w", err)
	}
	return nil
}

// Verify asks the daemon to read its whole store (store.Verify).
func (c *Client) Verify(ctx context.Context) (store.VerifyReport, error) {
	var out store.VerifyReport
	err := c.call(ctx, http.MethodPost, "/v1/verify", nil, &out)
	return out, err
}

// Forget asks the daemon to drop one source's data.
func (c *Client) Forget(ctx context.Context, source string) (int, error) {
	var out apitype.ForgetResponse
	err := c.call(ctx, http.MethodPost, "/v1/forget", apitype.ForgetRequest{Source: source}, &out)
	return out.Items, err
}
