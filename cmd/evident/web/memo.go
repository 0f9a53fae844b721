package web

import (
	"context"
	"sync"
)

// versioned is a backend that says when its contents change (the store;
// not the daemon's client).
type versioned interface {
	Version() uint64
}

// memo keeps the answers of the pages' whole-store reads (the cross-team
// report, the week's digest) until the store changes: at 50,000 items such
// a read costs a tenth of a second, and between two syncs every view of the
// page would pay it again.
type memo struct {
	mu      sync.Mutex
	version uint64
	vals    map[string]any
}

// memoMax bounds how many answers are kept (one per period asked for).
const memoMax = 16

// memoized returns the answer of read for key, computed again only when
// the store has changed since it was kept.
func memoized[T any](ctx context.Context, s *Server, key string, read func() (T, error)) (T, error) {
	b, ok := s.o.Backend.(versioned)
	if !ok {
		return read()
	}
	ver := b.Version()
	m := &s.memo
	m.mu.Lock()
	if m.version != ver || len(m.vals) >= memoMax {
		m.version, m.vals = ver, map[string]any{}
	}
	if v, ok := m.vals[key].(T); ok {
		m.mu.Unlock()
		return v, nil
	}
	m.mu.Unlock()
	v, err := read()
	if err == nil {
		m.mu.Lock()
		if m.version == ver { // the version was read before the data
			m.vals[key] = v
		}
		m.mu.Unlock()
	}
	return v, err
}
