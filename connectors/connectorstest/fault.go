package connectorstest

// Faults: scripted responses the fake servers give instead of the real
// ones.

import (
	"net/http"
	"slices"
	"strings"
	"sync"
)

// Fault is a response given instead of the real one, Times times (once
// when zero), to requests whose path contains Path.
type Fault struct {
	Path    string
	Status  int
	Body    string
	Headers map[string]string
	Times   int
}

// Faults are the faults still to give. The zero value is ready to use.
type Faults struct {
	mu     sync.Mutex
	faults []*Fault
}

// Add queues a fault.
func (s *Faults) Add(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f.Times == 0 {
		f.Times = 1
	}
	s.faults = append(s.faults, &f)
}

// Serve writes the first queued fault that matches r, using it up, and
// reports whether there was one.
func (s *Faults) Serve(w http.ResponseWriter, r *http.Request, contentType string) bool {
	s.mu.Lock()
	var f *Fault
	for i, c := range s.faults {
		if strings.Contains(r.URL.Path, c.Path) {
			f = c
			if c.Times--; c.Times <= 0 {
				s.faults = slices.Delete(s.faults, i, i+1)
			}
			break
		}
	}
	s.mu.Unlock()
	if f == nil {
		return false
	}
	w.Header().Set("Content-Type", contentType)
	for k, v := range f.Headers {
		w.Header().Set(k, v)
	}
	w.WriteHeader(f.Status)
	w.Write([]byte(f.Body))
	return true
}
