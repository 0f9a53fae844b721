package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	badger "github.com/dgraph-io/badger/v4"

	"github.com/evident-sync/evident/classify"
	"github.com/evident-sync/evident/connectors"
)

// Filter selects items. Zero fields select everything.
type Filter struct {
	// States to include; empty means all.
	States []State
	// Scope matches the effective scope (the user's edit, else the classified one).
	Scope classify.Scope
	// Strength matches the effective strength.
	Strength classify.Strength
	// Source matches the source name or the source type.
	Source string
	// Kind matches the item's kind (review, pr, rfc, jira_issue, entry).
	Kind connectors.Kind
	// Since and Until bound OccurredAt: Since <= t < Until.
	Since, Until time.Time
	// Limit stops after this many items; 0 means no limit.
	Limit int
	// FollowUpsDue (YYYY-MM-DD), when set, selects the confirmed items
	// whose follow-up day is that day or before and that have no outcome
	// yet, earliest day first, from their index (the other fields still
	// filter them).
	FollowUpsDue string
}

func (f *Filter) match(it *Item) bool {
	if f.Scope != "" && it.Scope() != f.Scope {
		return false
	}
	if f.Strength != "" && it.Strength() != f.Strength {
		return false
	}
	if f.Source != "" && it.Artifact.Source != f.Source && it.Artifact.SourceType != f.Source {
		return false
	}
	if f.Kind != "" && it.Artifact.Kind != f.Kind {
		return false
	}
	return true
}

// Get returns one item by its full ID.
func (s *Store) Get(ctx context.Context, id string) (Item, error) {
	var it *Item
	err := s.view(func(txn *badger.Txn) error {
		var err error
		it, err = getItem(txn, id)
		return err
	})
	if err != nil {
		return Item{}, err
	}
	return *it, nil
}

// AmbiguousError is returned by Resolve when a prefix matches several items.
type AmbiguousError struct {
	Ref     string
	Matches []string
}

func (e *AmbiguousError) Error() string {
	return fmt.Sprintf("ID %q is ambiguous: it matches %s", e.Ref, strings.Join(e.Matches, ", "))
}

// MinPrefix is the shortest ID prefix Resolve accepts.
const MinPrefix = 4

// ErrTooShort is returned by Resolve for a prefix under MinPrefix characters.
var ErrTooShort = fmt.Errorf("an ID needs at least %d characters", MinPrefix)

// Resolve turns what a user typed into a full ID: a unique prefix of at
// least MinPrefix characters, or an artifact key such as
// "github:acme/api#42". It returns ErrNotFound, an *AmbiguousError, or an
// error for a prefix that is too short.
func (s *Store) Resolve(ctx context.Context, ref string) (string, error) {
	if strings.Contains(ref, ":") {
		id := IDFor(ref)
		if _, err := s.Get(ctx, id); err != nil {
			return "", err
		}
		return id, nil
	}
	ref = strings.ToLower(ref)
	if len(ref) < MinPrefix {
		return "", fmt.Errorf("ID %q is too short: %w", ref, ErrTooShort)
	}
	var matches []string
	err := s.view(func(txn *badger.Txn) error {
		return eachKey(txn, idKey(ref), func(k []byte) (bool, error) {
			matches = append(matches, string(k[len(prefixID):]))
			return len(matches) == 10, nil
		})
	})
	switch {
	case err != nil:
		return "", err
	case len(matches) == 0:
		return "", ErrNotFound
	case len(matches) > 1:
		return "", &AmbiguousError{Ref: ref, Matches: matches}
	}
	return matches[0], nil
}

// Scan calls fn for every item f selects, newest OccurredAt first, inside
// one consistent snapshot. fn must not keep the pointer; the item's
// strings share the memory of its whole record, so a caller that keeps
// many of them without the rest (map keys, say) should clone them.
//
// The inbox (suggested items only) walks the state index, which is small;
// every other listing is one sequential walk over the time-ordered records,
// skipping other states by their tag byte without decoding them.
func (s *Store) Scan(ctx context.Context, f Filter, fn func(*Item) error) error {
	return s.view(func(txn *badger.Txn) error {
		if f.FollowUpsDue != "" {
			return scanFollowUps(ctx, txn, f, fn)
		}
		if len(f.States) == 1 && f.States[0] == Suggested {
			return scanStateIndex(ctx, txn, f, fn)
		}
		return scanRecords(ctx, txn, f, func() { releaseTables(s.dir) }, fn)
	})
}

// walk iterates the keys under prefix from newest to oldest within f's
// time bounds, calling visit with each key's id and item.
func walk(ctx context.Context, txn *badger.Txn, prefix []byte, f Filter, visit func(id string, bi *badger.Item) (stop bool, err error)) error {
	opts := badger.DefaultIteratorOptions
	opts.PrefetchValues = false
	opts.Reverse = true
	opts.Prefix = prefix
	iter := txn.NewIterator(opts)
	defer iter.Close()

	// Reverse seek lands on the greatest key <= seek; a key at exactly Until
	// is longer than prefix+t8(Until) and so is skipped: Until is exclusive.
	seek := append(slices.Clone(prefix), 0xff)
	if !f.Until.IsZero() {
		seek = append(slices.Clone(prefix), timeBytes(f.Until)...)
	}
	var lowest []byte
	if !f.Since.IsZero() {
		lowest = append(slices.Clone(prefix), timeBytes(f.Since)...)
	}
	n := 0
	for iter.Seek(seek); iter.ValidForPrefix(prefix); iter.Next() {
		bi := iter.Item()
		k := bi.Key()
		if lowest != nil && bytes.Compare(k, lowest) < 0 {
			return nil
		}
		if n++; n%256 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		stop, err := visit(string(k[len(prefix)+8:]), bi)
		if err != nil || stop {
			return err
		}
	}
	return nil
}

// scanFollowUps walks the follow-up index up to f.FollowUpsDue.
func scanFollowUps(ctx context.Context, txn *badger.Txn, f Filter, fn func(*Item) error) error {
	last := []byte(prefixFollowUp + f.FollowUpsDue + "/\xff")
	n := 0
	return eachKey(txn, []byte(prefixFollowUp), func(k []byte) (bool, error) {
		if bytes.Compare(k, last) > 0 {
			return true, nil
		}
		if err := ctx.Err(); err != nil {
			return false, err
		}
		it, err := getItem(txn, string(k[bytes.LastIndexByte(k, '/')+1:]))
		if err != nil {
			return false, fmt.Errorf("follow-up index: %w", err)
		}
		if !f.match(it) || (!f.Since.IsZero() && it.Artifact.OccurredAt.Before(f.Since)) || (!f.Until.IsZero() && !it.Artifact.OccurredAt.Before(f.Until)) {
			return false, nil
		}
		if err := fn(it); err != nil {
			return false, err
		}
		n++
		return f.Limit > 0 && n >= f.Limit, nil
	})
}

func scanStateIndex(ctx context.Context, txn *badger.Txn, f Filter, fn func(*Item) error) error {
	n := 0
	return walk(ctx, txn, statePrefix(f.States[0]), f, func(id string, _ *badger.Item) (bool, error) {
		it, err := getItem(txn, id)
		if err != nil {
			return false, fmt.Errorf("state index names item %s: %w", id, err)
		}
		if !f.match(it) {
			return false, nil
		}
		n++
		return f.Limit > 0 && n >= f.Limit, fn(it)
	})
}

// releaseEvery is how many records a scan reads between two releases of
// the table pages it has read (releaseTables): a megabyte or so.
const releaseEvery = 2048

// scanBatch is how many records the reader hands the decoder at a time.
const scanBatch = 128

// errLimit stops a scan at its filter's limit.
var errLimit = errors.New("limit reached")

// scanRecords walks the records in two goroutines, so that a long listing
// uses both of a laptop's cores: one reads the records in key order
// (skipping other states by their tag byte) and copies them out of
// Badger; the caller's decodes them and calls fn, with the same Item
// each time (fn must not keep it, as Scan says). release is called every
// releaseEvery records read.
func scanRecords(ctx context.Context, txn *badger.Txn, f Filter, release func(), fn func(*Item) error) error {
	var tags []byte
	for _, st := range f.States {
		tags = append(tags, stateByte(st))
	}
	type batch struct{ ids, recs []string }
	batches := make(chan batch, 2)
	stop := make(chan struct{})
	var readErr error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(batches)
		b := batch{}
		send := func() bool {
			select {
			case batches <- b:
				b = batch{}
				return true
			case <-stop:
				return false
			}
		}
		seen := 0
		// This goroutine reads the tables: a damaged one is an error
		// here, handed to the caller, never a crash.
		readErr = shield(func() error {
			return walk(ctx, txn, []byte(prefixItem), f, func(id string, bi *badger.Item) (bool, error) {
				if seen++; seen%releaseEvery == 0 {
					release()
				}
				var rec string
				if err := bi.Value(func(v []byte) error {
					if len(tags) == 0 || (len(v) > 0 && bytes.IndexByte(tags, v[0]) >= 0) {
						rec = string(v)
					}
					return nil
				}); err != nil {
					return false, err
				}
				if rec == "" {
					return false, nil
				}
				b.ids, b.recs = append(b.ids, id), append(b.recs, rec)
				if len(b.recs) == scanBatch && !send() {
					return true, nil
				}
				return false, nil
			})
		})
		if readErr == nil && len(b.recs) > 0 {
			send()
		}
	}()
	var once sync.Once
	finish := func() {
		// However the decoding ends (done, an error, a panic in fn), the
		// reader stops and is waited for before the transaction closes.
		once.Do(func() { close(stop) })
		for range batches {
		}
		wg.Wait()
	}
	defer finish()
	var it Item
	n := 0
	var err error
	for b := range batches {
		for i := 0; i < len(b.recs) && err == nil; i++ {
			it = Item{}
			if derr := decodeString(b.recs[i], &it); derr != nil {
				err = fmt.Errorf("decode item %s: %w", b.ids[i], derr)
				break
			}
			if !f.match(&it) {
				continue
			}
			n++
			if err = fn(&it); err == nil && f.Limit > 0 && n >= f.Limit {
				err = errLimit
			}
		}
		if err != nil {
			break
		}
	}
	finish()
	if errors.Is(err, errLimit) {
		err = nil
	}
	if err != nil {
		return err
	}
	return readErr
}

// Counts returns how many items each source has, by source name.
func (s *Store) Counts(ctx context.Context) (map[string]int, error) {
	out := map[string]int{}
	err := s.view(func(txn *badger.Txn) error {
		return eachKey(txn, []byte(prefixSource), func(k []byte) (bool, error) {
			rest := k[len(prefixSource):]
			if i := bytes.LastIndexByte(rest, '/'); i > 0 {
				out[string(rest[:i])]++
			}
			return false, nil
		})
	})
	return out, err
}

// Cursor returns the stored cursor of a source, or nil when it has none.
func (s *Store) Cursor(ctx context.Context, source string) (connectors.Cursor, error) {
	var c connectors.Cursor
	err := s.view(func(txn *badger.Txn) error {
		it, err := txn.Get(cursorKey(source))
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		c, err = it.ValueCopy(nil)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read cursor of %s: %w", source, err)
	}
	return c, nil
}

// SourceState is what the store remembers of a source's syncs.
type SourceState struct {
	Name               string    `json:"name"`
	Type               string    `json:"type"`
	LastAttempt        time.Time `json:"last_attempt,omitzero"`
	LastSuccess        time.Time `json:"last_success,omitzero"`
	LastError          string    `json:"last_error"`
	NextRun            time.Time `json:"next_run,omitzero"`
	RateLimitRemaining *int      `json:"rate_limit_remaining"`
	Requests           int64     `json:"requests"`
	// ConfigHash identifies the source's configuration, so that a source
	// stopped on an authentication failure retries once its config changes.
	ConfigHash string `json:"config_hash,omitempty"`
	AuthFailed bool   `json:"auth_failed,omitempty"`
	// Backfilled says how far a newest-first backfill has reached: since
	// BackfilledTo (zero: complete), BackfillProgress (0..1) of the way;
	// Backfill is false for a source that does not say.
	Backfill         bool      `json:"backfill,omitempty"`
	BackfilledTo     time.Time `json:"backfilled_to,omitzero"`
	BackfillProgress float64   `json:"backfill_progress,omitempty"`
	// SkippedCount is how many of the source's files are not read as
	// documents, as its last full pass said, and Skipped the first
	// SkippedKept of them with their reasons.
	SkippedCount int      `json:"skipped_count,omitempty"`
	Skipped      []string `json:"skipped,omitempty"`
}

// SkippedKept is how many skipped files a source's state names.
const SkippedKept = 5

// SourceStates returns every stored source state, by name.
func (s *Store) SourceStates(ctx context.Context) (map[string]SourceState, error) {
	out := map[string]SourceState{}
	err := s.view(func(txn *badger.Txn) error {
		opts := badger.DefaultIteratorOptions
		p := []byte(prefixSrcState)
		opts.Prefix = p
		iter := txn.NewIterator(opts)
		defer iter.Close()
		for iter.Seek(p); iter.ValidForPrefix(p); iter.Next() {
			var st SourceState
			if err := iter.Item().Value(func(b []byte) error { return json.Unmarshal(b, &st) }); err != nil {
				return fmt.Errorf("decode source state: %w", err)
			}
			out[st.Name] = st
		}
		return nil
	})
	return out, err
}

// PutSourceState records a source's state.
func (s *Store) PutSourceState(ctx context.Context, st SourceState) error {
	if s.readOnly {
		return ErrReadOnly
	}
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	return s.update(ctx, func(txn *badger.Txn) error { return txn.Set(srcStateKey(st.Name), b) })
}

// Meta returns a small named value kept by the pipeline (nil when unset).
func (s *Store) Meta(ctx context.Context, name string) ([]byte, error) {
	var v []byte
	err := s.view(func(txn *badger.Txn) error {
		it, err := txn.Get([]byte(prefixMeta + "p/" + name))
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		v, err = it.ValueCopy(nil)
		return err
	})
	return v, err
}

// SetMeta stores a small named value for the pipeline.
func (s *Store) SetMeta(ctx context.Context, name string, v []byte) error {
	if s.readOnly {
		return ErrReadOnly
	}
	return s.update(ctx, func(txn *badger.Txn) error { return txn.Set([]byte(prefixMeta+"p/"+name), v) })
}

// MetaPrefix returns every pipeline value whose name starts with prefix.
func (s *Store) MetaPrefix(ctx context.Context, prefix string) (map[string][]byte, error) {
	out := map[string][]byte{}
	err := s.view(func(txn *badger.Txn) error {
		opts := badger.DefaultIteratorOptions
		p := []byte(prefixMeta + "p/" + prefix)
		opts.Prefix = p
		it := txn.NewIterator(opts)
		defer it.Close()
		base := len(prefixMeta + "p/")
		for it.Seek(p); it.ValidForPrefix(p); it.Next() {
			v, err := it.Item().ValueCopy(nil)
			if err != nil {
				return err
			}
			out[string(it.Item().Key()[base:])] = v
		}
		return nil
	})
	return out, err
}

// Marks returns the marks of one source, for its connector.
func (s *Store) Marks(source string) connectors.Marks { return sourceMarks{s, source} }

type sourceMarks struct {
	s      *Store
	source string
}

// EachMark reads the source's marks in key order, in one read transaction.
func (m sourceMarks) EachMark(ctx context.Context, fn func(key string, value []byte) error) error {
	return m.s.view(func(txn *badger.Txn) error {
		p := markPrefix(m.source)
		opts := badger.DefaultIteratorOptions
		opts.Prefix = p
		opts.PrefetchSize = 256
		it := txn.NewIterator(opts)
		defer it.Close()
		for it.Seek(p); it.ValidForPrefix(p); it.Next() {
			if err := ctx.Err(); err != nil {
				return err
			}
			item := it.Item()
			err := item.Value(func(v []byte) error { return fn(string(item.Key()[len(p):]), v) })
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// CountState counts the items in state st from the state index, reading
// keys only: the web UI's inbox count on every page.
func (s *Store) CountState(ctx context.Context, st State) (int, error) {
	n := 0
	err := s.view(func(txn *badger.Txn) error {
		return eachKey(txn, statePrefix(st), func([]byte) (bool, error) {
			if n++; n%4096 == 0 {
				return false, ctx.Err()
			}
			return false, nil
		})
	})
	return n, err
}

// eachKey calls fn with every key under prefix in key order, reading no
// values, until fn says stop; the key is valid only during the call.
func eachKey(txn *badger.Txn, prefix []byte, fn func(k []byte) (stop bool, err error)) error {
	opts := badger.DefaultIteratorOptions
	opts.PrefetchValues = false
	opts.Prefix = prefix
	it := txn.NewIterator(opts)
	defer it.Close()
	for it.Seek(prefix); it.ValidForPrefix(prefix); it.Next() {
		if stop, err := fn(it.Item().Key()); err != nil || stop {
			return err
		}
	}
	return nil
}
