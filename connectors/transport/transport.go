// Package transport is the HTTP plumbing every connector shares: a
// rate-limit-aware, retrying http.RoundTripper and the one that adds
// credentials.
package transport

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/evident-sync/evident/connectors"
	"golang.org/x/time/rate"
)

// RateLimitError is returned when a wait the API asks for is longer than
// the transport may wait; the pipeline retries the source later.
type RateLimitError struct {
	Until time.Time
}

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("rate limited until %s", e.Until.UTC().Format(time.RFC3339))
}

// Transport is an http.RoundTripper that is a good citizen of someone
// else's API:
//
//   - it reads X-RateLimit-Remaining/Reset (per X-RateLimit-Resource) and,
//     when a budget is spent, waits for its reset before the next request;
//   - on 429 or 403 with Retry-After it waits as told; on a 429, GitHub's
//     secondary-limit 403 or Google's rateLimitExceeded 403 without it,
//     LimitWait, then exponentially longer; then it retries;
//   - it paces requests to paths with a per-minute budget (GitHub's search
//     API allows 30 a minute);
//   - it retries 5xx and network errors a few times with exponential backoff;
//   - it counts requests.
//
// Every wait goes through the Clock and returns early when the request's
// context is done.
type Transport struct {
	Base  http.RoundTripper
	Clock connectors.Clock
	// Paces spreads requests to paths containing a prefix over a window:
	// GitHub's search API allows X-RateLimit-Limit requests a minute (30 on
	// github.com), so its pace is a minute divided by that limit, assumed
	// 30 until the API says. Keys are path prefixes.
	Paces map[string]Pace
	// MaxRetries bounds retries of one request (default 4).
	MaxRetries int
	// MaxBody caps one response body, BodyTimeout bounds how long it may
	// take to arrive (default DefaultMaxBody, DefaultBodyTimeout).
	MaxBody     int64
	BodyTimeout time.Duration
	// MaxWait bounds one wait for a limit to reset (default 70 minutes); a
	// longer one fails the request with a *RateLimitError.
	MaxWait time.Duration
	// LimitWait is the first wait after a limit that says not how long
	// (default a minute, as GitHub asks; Google's exponential backoff
	// starts at a second). It doubles with each one, up to 16 times.
	LimitWait time.Duration

	mu        sync.Mutex
	limits    map[string]limit // resource -> budget
	pacers    map[string]*rate.Limiter
	paceLimit map[string]int
	requests  int
	skew      time.Duration // the server's clock minus ours, from its Date header
}

// Now is the present as the server sees it: the local clock corrected by
// the skew of the server's last Date header.
func (t *Transport) Now() time.Time {
	t.mu.Lock()
	skew := t.skew
	t.mu.Unlock()
	return t.clock().Now().Add(skew)
}

// ClampFuture keeps an upstream time from passing the present: a time in
// the future (a skewed clock, a bad record) would move a high-water mark
// ahead and hide real activity until the clock caught up. It returns the
// time to use and a problem to report, or "" when at was not in the future.
func (t *Transport) ClampFuture(what string, at time.Time) (time.Time, string) {
	now := t.Now()
	// Date headers have second precision: a minute's slack.
	if !at.After(now.Add(time.Minute)) {
		return at, ""
	}
	return now, fmt.Sprintf("%s is dated %s, %s in the future; read as now so no later activity is hidden", what,
		at.UTC().Format(time.RFC3339), at.Sub(now).Round(time.Second))
}

// Pace is a request budget per window for one family of paths.
type Pace struct {
	Resource string        // the X-RateLimit-Resource whose limit sets the pace
	Window   time.Duration // the budget's window
	Default  int           // requests per window until the API reports its limit
}

type limit struct {
	limit     int
	remaining int
	reset     time.Time
}

// reserve is the part of a budget left untouched for the user's other
// tools: 1% of it (50 of GitHub's 5,000 an hour).
func (l limit) reserve() int { return l.limit / 100 }

func (t *Transport) clock() connectors.Clock {
	if t.Clock == nil {
		return connectors.RealClock
	}
	return t.Clock
}

// Requests is how many requests went out, retries included.
func (t *Transport) Requests() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.requests
}

// Meter starts counting for one Fetch: the returned func records in p the
// requests made since, and the budget left. Use: defer t.Meter(&page)().
func (t *Transport) Meter(p *connectors.Page) func() {
	start := t.Requests()
	return func() {
		p.Requests = t.Requests() - start
		p.RateLimitRemaining = t.RateLimitRemaining()
	}
}

// RateLimitRemaining is the lowest remaining budget the API reported for
// its core resource, or -1 when it reported none.
func (t *Transport) RateLimitRemaining() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	if l, ok := t.limits["core"]; ok {
		return l.remaining
	}
	for _, l := range t.limits {
		return l.remaining
	}
	return -1
}

func resourceOf(req *http.Request) string {
	if strings.Contains(req.URL.Path, "/search/") {
		return "search"
	}
	return "core"
}

// RoundTrip sends req, waiting and retrying as the API asks.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	maxRetries := t.MaxRetries
	if maxRetries == 0 {
		maxRetries = 4
	}
	res := resourceOf(req)
	secondary := 0
	for attempt := 0; ; attempt++ {
		if err := t.waitBudget(ctx, res, req.URL.Path); err != nil {
			return nil, err
		}
		r := req
		if attempt > 0 && req.Body != nil {
			if req.GetBody == nil {
				return nil, fmt.Errorf("cannot retry %s %s: body not replayable", req.Method, req.URL.Path)
			}
			body, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			r = req.Clone(ctx)
			r.Body = body
		}
		t.mu.Lock()
		t.requests++
		t.mu.Unlock()
		resp, err := t.base().RoundTrip(r)
		if err != nil {
			if ue := unreachable(req.URL.Host, err); ue != nil {
				return nil, ue // a refused connection or an unknown host: no retry mends it
			}
			if ctx.Err() != nil || attempt >= maxRetries {
				return nil, err
			}
			if err := t.clock().Sleep(ctx, backoff(attempt)); err != nil {
				return nil, err
			}
			continue
		}
		t.observe(res, resp.Header)
		if resp.StatusCode < 400 && resp.Header.Get("X-RateLimit-Remaining") == "0" {
			// The budget is spent: this transport waits for its reset before
			// the next request. Hide the reset from the client library, whose
			// own refusal (on the wall clock) would pre-empt that wait.
			resp.Header.Del("X-RateLimit-Reset")
		}
		wait, retry := t.retryAfter(resp, res, &secondary)
		if resp.StatusCode >= 500 && resp.StatusCode != http.StatusNotImplemented {
			wait, retry = backoff(attempt), true
		}
		if !retry || attempt >= maxRetries || wait > t.maxWait() {
			return t.guard(resp, req.URL.Host), nil
		}
		drain(resp)
		if err := t.clock().Sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// Bounds of one response body: a broken proxy or a hostile server can
// neither exhaust memory nor hold a sync by trickling.
const (
	DefaultMaxBody     = 64 << 20
	DefaultBodyTimeout = 2 * time.Minute
)

// guard caps resp's body at MaxBody and gives it BodyTimeout to arrive.
func (t *Transport) guard(resp *http.Response, host string) *http.Response {
	if resp.Body == nil || resp.Body == http.NoBody {
		return resp
	}
	max, timeout := t.MaxBody, t.BodyTimeout
	if max <= 0 {
		max = DefaultMaxBody
	}
	if timeout <= 0 {
		timeout = DefaultBodyTimeout
	}
	g := &guardedBody{rc: resp.Body, left: max, max: max, host: host, timeout: timeout}
	g.timer = time.AfterFunc(timeout, func() { g.late.Store(true); g.rc.Close() })
	resp.Body = g
	return resp
}

// guardedBody is a response body with a size cap and a deadline.
type guardedBody struct {
	rc        io.ReadCloser
	left, max int64
	host      string
	timeout   time.Duration
	timer     *time.Timer
	late      atomic.Bool
}

func (g *guardedBody) Read(p []byte) (int, error) {
	if g.left <= 0 {
		return 0, fmt.Errorf("the response from %s is over %d MiB; evident stopped reading it", g.host, g.max>>20)
	}
	if int64(len(p)) > g.left {
		p = p[:g.left]
	}
	n, err := g.rc.Read(p)
	g.left -= int64(n)
	if err != nil && err != io.EOF && g.late.Load() {
		return n, fmt.Errorf("the response from %s took longer than %s to arrive; evident stopped waiting", g.host, g.timeout)
	}
	return n, err
}

func (g *guardedBody) Close() error {
	g.timer.Stop()
	return g.rc.Close()
}

// maxWait is the longest single wait: a little over GitHub's hour-long
// primary window unless set.
func (t *Transport) maxWait() time.Duration {
	if t.MaxWait == 0 {
		return 70 * time.Minute
	}
	return t.MaxWait
}

func (t *Transport) base() http.RoundTripper {
	if t.Base == nil {
		return defaultBase
	}
	return t.Base
}

// defaultBase bounds a hung server by transport timeouts rather than an
// http.Client Timeout: client libraries close a copy of an error body, not
// the body, which keeps a Client Timeout's goroutine alive until it fires.
var defaultBase = func() http.RoundTripper {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.ResponseHeaderTimeout = time.Minute
	return t
}()

func drain(resp *http.Response) {
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
}

// UnreachableError is a server that cannot be reached at all: the
// connection refused or the host unknown. Retrying within the pass does
// not help (the daemon tries again at its next run), so it is said at
// once, in one sentence with what to check.
type UnreachableError struct {
	Host  string
	Cause string // "connection refused", "no such host"
}

func (e *UnreachableError) Error() string {
	return fmt.Sprintf("cannot reach %s (%s): is the url right, or the VPN up?", e.Host, e.Cause)
}

// unreachable is err as an UnreachableError when it is one, else nil.
func unreachable(host string, err error) *UnreachableError {
	var dns *net.DNSError
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return &UnreachableError{Host: host, Cause: "connection refused"}
	case errors.As(err, &dns) && dns.IsNotFound:
		return &UnreachableError{Host: host, Cause: "no such host"}
	}
	return nil
}

// backoff is 1s, 2s, 4s... with ±20% jitter, capped at a minute.
func backoff(attempt int) time.Duration {
	d := time.Second << min(attempt, 6)
	d = min(d, time.Minute)
	return time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
}

// observe records the budget headers of a response, and the skew of its
// Date.
func (t *Transport) observe(res string, h http.Header) {
	if d, err := http.ParseTime(h.Get("Date")); err == nil {
		skew := d.Sub(t.clock().Now()).Truncate(time.Second)
		t.mu.Lock()
		t.skew = skew
		t.mu.Unlock()
	}
	rem := h.Get("X-RateLimit-Remaining")
	if rem == "" {
		return
	}
	n, err := strconv.Atoi(rem)
	if err != nil {
		return
	}
	if r := h.Get("X-RateLimit-Resource"); r != "" {
		res = r
	}
	l := limit{remaining: n}
	l.limit, _ = strconv.Atoi(h.Get("X-RateLimit-Limit"))
	if reset := h.Get("X-RateLimit-Reset"); reset != "" {
		if sec, err := strconv.ParseInt(reset, 10, 64); err == nil {
			l.reset = time.Unix(sec, 0)
		} else if ts, err := time.Parse(time.RFC3339, reset); err == nil {
			l.reset = ts
		}
	}
	t.mu.Lock()
	if t.limits == nil {
		t.limits = map[string]limit{}
	}
	t.limits[res] = l
	t.mu.Unlock()
}

// waitBudget waits until res has budget left and the path's pace allows
// another request.
func (t *Transport) waitBudget(ctx context.Context, res, path string) error {
	now := t.clock().Now()
	t.mu.Lock()
	var wait time.Duration
	if l, ok := t.limits[res]; ok && l.remaining <= l.reserve() && l.reset.After(now) {
		wait = l.reset.Sub(now) + time.Second
	}
	for prefix, p := range t.Paces {
		if !strings.Contains(path, prefix) {
			continue
		}
		if t.pacers == nil {
			t.pacers, t.paceLimit = map[string]*rate.Limiter{}, map[string]int{}
		}
		n := p.Default
		if l, ok := t.limits[p.Resource]; ok && l.limit > 0 {
			n = l.limit
		}
		lim := t.pacers[prefix]
		if lim == nil || t.paceLimit[prefix] != n {
			lim = rate.NewLimiter(rate.Every(p.Window/time.Duration(max(n, 1))), 1)
			t.pacers[prefix], t.paceLimit[prefix] = lim, n
		}
		// Reserve at the moment the budget wait ends, on the injected clock.
		if d := lim.ReserveN(now.Add(wait), 1).DelayFrom(now.Add(wait)); d > 0 {
			wait += d
		}
	}
	t.mu.Unlock()
	if wait <= 0 {
		return nil
	}
	if wait > t.maxWait() {
		return &RateLimitError{Until: now.Add(wait)}
	}
	return t.clock().Sleep(ctx, wait)
}

// retryAfter decides whether a limited response should be retried, and
// after how long.
func (t *Transport) retryAfter(resp *http.Response, res string, secondary *int) (time.Duration, bool) {
	if resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusForbidden {
		return 0, false
	}
	now := t.clock().Now()
	if ra := resp.Header.Get("Retry-After"); ra != "" {
		if sec, err := strconv.Atoi(strings.TrimSpace(ra)); err == nil {
			return time.Duration(sec) * time.Second, true
		}
		if ts, err := http.ParseTime(ra); err == nil {
			return max(ts.Sub(now), time.Second), true
		}
	}
	if resp.Header.Get("X-RateLimit-Remaining") == "0" {
		t.mu.Lock()
		l := t.limits[res]
		t.mu.Unlock()
		if l.reset.After(now) {
			return l.reset.Sub(now) + time.Second, true
		}
	}
	if resp.StatusCode == http.StatusTooManyRequests || isSecondaryLimit(resp) {
		// Without retry-after: LimitWait (GitHub: at least a minute), then
		// exponentially longer.
		d := cmp.Or(t.LimitWait, time.Minute) << min(*secondary, 4)
		*secondary++
		return d, true
	}
	return 0, false
}

// isSecondaryLimit peeks at a 403 body for GitHub's documented message or
// Google's rateLimitExceeded and userRateLimitExceeded reasons, leaving the
// body readable.
func isSecondaryLimit(resp *http.Response) bool {
	if resp.StatusCode != http.StatusForbidden {
		return false
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	resp.Body = io.NopCloser(strings.NewReader(string(b)))
	return isLimitMessage(b)
}
