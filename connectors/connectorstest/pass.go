package connectorstest

import (
	"context"
	"testing"

	"github.com/evident-sync/evident/connectors"
)

// Reader is what Pass drives: a connector.
type Reader interface {
	Fetch(ctx context.Context, cur connectors.Cursor) (connectors.Page, error)
}

// Sink keeps what passes deliver, as the pipeline would: every page that
// comes with a cursor is kept and its cursor adopted.
type Sink struct {
	Cursor   connectors.Cursor
	Got      map[string]connectors.Artifact
	Problems []string
	// Ingested counts artifacts delivered, duplicates included.
	Ingested int
}

// NewSink starts from cur (nil: the beginning).
func NewSink(cur connectors.Cursor) *Sink {
	return &Sink{Cursor: cur, Got: map[string]connectors.Artifact{}}
}

// Pass runs Fetch until the connector is caught up or fails, and returns
// the failure. A pass that does not end within max pages fails the test.
func (s *Sink) Pass(t testing.TB, r Reader, max int) error {
	t.Helper()
	for range max {
		page, err := r.Fetch(context.Background(), s.Cursor)
		s.Problems = append(s.Problems, page.Problems...)
		if page.Cursor != nil {
			for _, a := range page.Artifacts {
				s.Got[a.Key] = a
				s.Ingested++
			}
			s.Cursor = page.Cursor
		}
		if err != nil {
			return err
		}
		if !page.More {
			return nil
		}
	}
	t.Fatalf("the pass did not end within %d pages", max)
	return nil
}
