package mcpserver

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// Stdio is the stdio transport for a session that may end with its input
// (evident mcp < session.jsonl): at the end of the input it waits, up to
// drain, until every request read has been answered, so a scripted
// session gets all its answers; an assistant keeps the input open anyway.
func Stdio(in io.ReadCloser, out io.WriteCloser, drain time.Duration) mcp.Transport {
	c := &counter{cond: sync.NewCond(new(sync.Mutex))}
	return &mcp.IOTransport{
		Reader: &drainingReader{r: bufio.NewReader(in), c: c, closer: in, drain: drain},
		Writer: &countingWriter{w: out, c: c},
	}
}

// counter counts the requests read and the responses written.
type counter struct {
	cond                *sync.Cond
	requests, responses int
}

func (c *counter) add(req, resp int) {
	c.cond.L.Lock()
	c.requests += req
	c.responses += resp
	c.cond.L.Unlock()
	c.cond.Broadcast()
}

// message is just enough of a JSON-RPC message to tell requests (id and
// method) from responses (id, no method).
type message struct {
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method"`
}

type drainingReader struct {
	r      *bufio.Reader
	c      *counter
	closer io.Closer
	drain  time.Duration
	buf    []byte
}

func (d *drainingReader) Read(p []byte) (int, error) {
	if len(d.buf) == 0 {
		line, err := d.r.ReadBytes('\n')
		if len(line) > 0 {
			var m message
			if json.Unmarshal(bytes.TrimSpace(line), &m) == nil && len(m.ID) > 0 && m.Method != "" {
				d.c.add(1, 0)
			}
			d.buf = line
		} else if err != nil {
			if err == io.EOF {
				d.wait()
			}
			return 0, err
		}
	}
	n := copy(p, d.buf)
	d.buf = d.buf[n:]
	return n, nil
}

// wait blocks until every request read has its answer, or drain passes.
func (d *drainingReader) wait() {
	ctx, cancel := context.WithTimeout(context.Background(), d.drain)
	defer cancel()
	stop := context.AfterFunc(ctx, d.c.cond.Broadcast)
	defer stop()
	d.c.cond.L.Lock()
	defer d.c.cond.L.Unlock()
	for d.c.responses < d.c.requests && ctx.Err() == nil {
		d.c.cond.Wait()
	}
}

func (d *drainingReader) Close() error { return d.closer.Close() }

type countingWriter struct {
	w io.WriteCloser
	c *counter
}

func (w *countingWriter) Write(p []byte) (int, error) {
	n, err := w.w.Write(p)
	for _, line := range bytes.Split(p, []byte("\n")) {
		var m message
		if json.Unmarshal(bytes.TrimSpace(line), &m) == nil && len(m.ID) > 0 && m.Method == "" {
			w.c.add(0, 1)
		}
	}
	return n, err
}

func (w *countingWriter) Close() error { return w.w.Close() }
