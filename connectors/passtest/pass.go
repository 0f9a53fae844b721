// Package passtest drives a connector through whole passes in tests: a
// sink that plays the store (cursor, marks) and a backfill harness. It
// imports testing, so only tests import it; the fakes the demo runs on
// live in connectorstest and the *test packages, which do not.
package passtest

import (
	"context"
	"sort"
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
	// Marks are the marks committed so far, as the store keeps them for a
	// connectors.MarkedConnector.
	Marks map[string][]byte
	// Skipped is what the last page that said it listed as skipped.
	Skipped []string
}

// EachMark calls fn with every committed mark in key order.
func (s *Sink) EachMark(ctx context.Context, fn func(key string, value []byte) error) error {
	keys := make([]string, 0, len(s.Marks))
	for k := range s.Marks {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := fn(k, s.Marks[k]); err != nil {
			return err
		}
	}
	return nil
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
		var page connectors.Page
		var err error
		if mc, ok := r.(connectors.MarkedConnector); ok {
			page, err = mc.FetchMarked(context.Background(), s.Cursor, s)
		} else {
			page, err = r.Fetch(context.Background(), s.Cursor)
		}
		s.Problems = append(s.Problems, page.Problems...)
		if page.Skipped != nil {
			s.Skipped = page.Skipped
		}
		if page.Cursor != nil {
			for k, v := range page.Marks {
				if s.Marks == nil {
					s.Marks = map[string][]byte{}
				}
				if v == nil {
					delete(s.Marks, k)
				} else {
					s.Marks[k] = v
				}
			}
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
