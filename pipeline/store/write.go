package store

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"time"

	badger "github.com/dgraph-io/badger/v4"

	"github.com/evident-sync/evident/classify"
	"github.com/evident-sync/evident/connectors"
)

// Ingest is one artifact with its classification, ready to store.
type Ingest struct {
	Artifact connectors.Artifact
	Class    classify.Result
}

// CommitStats counts what a Commit did.
type CommitStats struct {
	New       int
	Updated   int
	Unchanged int
}

// chunk is how many artifacts go into one transaction; a page larger than
// this is committed in several, the cursor with the last.
const chunk = 500

// maxRetries bounds retries of a transaction that lost a write conflict
// with a concurrent decision.
const maxRetries = 10

// Commit stores a page from one source and, in the same transaction as the
// page's last artifacts, that source's cursor. It applies the upsert rule:
// a known artifact's facts are refreshed and a still-suggested item is
// re-classified, but its state, the user's fields and a dismissal are never
// touched. Committing the same page twice leaves the store as after once.
// A nil cursor leaves the stored cursor as it is.
func (s *Store) Commit(ctx context.Context, source string, page []Ingest, cursor connectors.Cursor) (CommitStats, error) {
	return s.CommitMarked(ctx, source, page, cursor, nil)
}

// CommitMarked is Commit that also writes the source's marks (a nil value
// deletes one) in the transaction of the cursor.
func (s *Store) CommitMarked(ctx context.Context, source string, page []Ingest, cursor connectors.Cursor, marks map[string][]byte) (total CommitStats, err error) {
	if s.readOnly {
		return total, ErrReadOnly
	}
	defer func() {
		if err != nil || total.New+total.Updated > 0 {
			s.itemsChanged()
		}
	}()
	if err := s.CheckSpace(); err != nil {
		return total, err
	}
	now := time.Now().UTC()
	err = s.batches(ctx, len(page), func(txn *badger.Txn, lo, hi int) (func(), error) {
		var st CommitStats
		for i := lo; i < hi; i++ {
			if err := upsert(txn, &page[i], now, &st); err != nil {
				return nil, err
			}
		}
		if hi == len(page) && cursor != nil {
			if err := txn.Set(cursorKey(source), cursor); err != nil {
				return nil, fmt.Errorf("set cursor: %w", err)
			}
		}
		if hi == len(page) {
			for k, v := range marks {
				var err error
				if v == nil {
					err = txn.Delete(markKey(source, k))
				} else {
					err = txn.Set(markKey(source, k), v)
				}
				if err != nil {
					return nil, fmt.Errorf("set mark: %w", err)
				}
			}
		}
		return func() {
			total.New += st.New
			total.Updated += st.Updated
			total.Unchanged += st.Unchanged
		}, nil
	})
	if err != nil {
		return total, fmt.Errorf("commit %s page: %w", source, err)
	}
	return total, nil
}

// batches runs fn over the elements [0, n) in transactions of at most chunk
// elements, the last transaction holding the last element (and whatever fn
// writes with it); n == 0 runs one empty transaction. A transaction too big
// for Badger is split in halves. fn returns what to do once its transaction
// has committed, so a retried attempt is never counted twice.
func (s *Store) batches(ctx context.Context, n int, fn func(txn *badger.Txn, lo, hi int) (func(), error)) error {
	size := chunk
	for lo := 0; ; {
		hi := min(lo+size, n)
		var done func()
		err := s.update(ctx, func(txn *badger.Txn) error {
			var err error
			done, err = fn(txn, lo, hi)
			return err
		})
		if errors.Is(err, badger.ErrTxnTooBig) && hi-lo > 1 {
			size = (hi - lo) / 2
			continue
		}
		if err != nil {
			return err
		}
		if done != nil {
			done()
		}
		if lo = hi; lo >= n {
			return nil
		}
	}
}

func upsert(txn *badger.Txn, in *Ingest, now time.Time, st *CommitStats) error {
	a := in.Artifact
	if a.Key == "" {
		return errors.New("artifact has no key")
	}
	id := IDFor(a.Key)
	old, err := getItem(txn, id)
	switch {
	case errors.Is(err, ErrNotFound):
		it := Item{ID: id, State: Suggested, Artifact: a, Class: in.Class, FirstSeen: now, SyncedAt: now}
		st.New++
		if err := link(txn, nil, &it); err != nil {
			return err
		}
		return putItem(txn, nil, &it)
	case err != nil:
		return err
	}
	if old.Artifact.Key != a.Key {
		return fmt.Errorf("artifact keys %q and %q share the id %s", old.Artifact.Key, a.Key, id)
	}
	it := *old
	it.Artifact = a
	if it.State == Suggested {
		it.Class = in.Class
	}
	// Unchanged facts and classification: no write at all.
	if sameArtifact(&old.Artifact, &it.Artifact) && sameClass(&old.Class, &it.Class) {
		st.Unchanged++
		return nil
	}
	it.SyncedAt = now
	st.Updated++
	if err := link(txn, old, &it); err != nil {
		return err
	}
	return putItem(txn, old, &it)
}

// putItem writes it and moves its record and index entries from where old
// had them.
func putItem(txn *badger.Txn, old, it *Item) error {
	val := encodeRecord(it)
	t8 := timeBytes(it.Artifact.OccurredAt)
	if old != nil {
		// Where the old record is, as the id index says (not recomputed
		// from its time).
		ot8, err := placeOf(txn, it.ID)
		if err != nil {
			return err
		}
		moved := !bytes.Equal(ot8, t8)
		if moved {
			if err := txn.Delete(itemKey(ot8, it.ID)); err != nil {
				return err
			}
		}
		if moved || old.State != it.State {
			if err := txn.Delete(stateKey(old.State, ot8, it.ID)); err != nil {
				return err
			}
		}
		if old.Artifact.Source != it.Artifact.Source {
			if err := txn.Delete(sourceKey(old.Artifact.Source, it.ID)); err != nil {
				return err
			}
		}
	}
	if err := txn.Set(itemKey(t8, it.ID), val); err != nil {
		return err
	}
	if err := txn.Set(idKey(it.ID), t8); err != nil {
		return err
	}
	for _, k := range [][]byte{stateKey(it.State, t8, it.ID), sourceKey(it.Artifact.Source, it.ID)} {
		if err := txn.Set(k, nil); err != nil {
			return err
		}
	}
	return moveFollowUp(txn, old, it)
}

// moveFollowUp keeps the follow-up index entry of an item in step with it.
func moveFollowUp(txn *badger.Txn, old, it *Item) error {
	ok, nk := followUpKey(old), followUpKey(it)
	if ok != nil && !bytes.Equal(ok, nk) {
		if err := txn.Delete(ok); err != nil {
			return err
		}
	}
	if nk != nil && !bytes.Equal(ok, nk) {
		return txn.Set(nk, nil)
	}
	return nil
}

// placeOf is the time key of item id's record, from the id index.
func placeOf(txn *badger.Txn, id string) ([]byte, error) {
	loc, err := txn.Get(idKey(id))
	if err != nil {
		return nil, fmt.Errorf("locate item %s: %w", id, err)
	}
	return loc.ValueCopy(nil)
}

// getItem reads one item by ID.
func getItem(txn *badger.Txn, id string) (*Item, error) {
	loc, err := txn.Get(idKey(id))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	t8, err := loc.ValueCopy(nil)
	if err != nil {
		return nil, err
	}
	bi, err := txn.Get(itemKey(t8, id))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, fmt.Errorf("item %s: record missing from its place", id)
	}
	if err != nil {
		return nil, err
	}
	return decodeItem(bi, id)
}

func decodeItem(bi *badger.Item, id string) (*Item, error) {
	var it Item
	err := bi.Value(func(b []byte) error {
		return decodeValue(b, &it)
	})
	if err != nil {
		return nil, fmt.Errorf("decode item %s: %w", id, err)
	}
	return &it, nil
}

// update runs fn in a read-write transaction, retrying on write conflicts.
func (s *Store) update(ctx context.Context, fn func(txn *badger.Txn) error) error {
	for attempt := 0; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		err := s.withDB(func(db *badger.DB) error { return db.Update(fn) })
		if errors.Is(err, badger.ErrConflict) && attempt < maxRetries {
			continue
		}
		return err
	}
}

// Decision is a triage verdict on one or more items.
type Decision struct {
	State State
	// Note, when not nil, replaces the user's note.
	Note *string
	// Reason, when not nil, records why an item was dismissed.
	Reason *string
	// FollowUp, when not nil, sets the follow-up day (YYYY-MM-DD).
	FollowUp *string
}

// Decide moves items to d.State (in one transaction, or a few for a very
// long list) and syncs them to disk before returning: a decision
// acknowledged is a decision kept, even if the process is killed right
// after. It returns the items as they now are.
func (s *Store) Decide(ctx context.Context, ids []string, d Decision) ([]Item, error) {
	if s.readOnly {
		return nil, ErrReadOnly
	}
	defer s.itemsChanged()
	now := time.Now().UTC()
	var out []Item
	err := s.batches(ctx, len(ids), func(txn *badger.Txn, lo, hi int) (func(), error) {
		var done []Item
		for _, id := range ids[lo:hi] {
			old, err := getItem(txn, id)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", id, err)
			}
			it := *old
			if it.State != d.State {
				it.DecidedAt = now
			}
			it.State = d.State
			if d.Note != nil {
				it.User.Note = *d.Note
			}
			if d.FollowUp != nil {
				it.User.FollowUp = *d.FollowUp
			}
			switch {
			case d.State != Dismissed:
				it.User.DismissReason = ""
			case d.Reason != nil:
				it.User.DismissReason = *d.Reason
			}
			if err := putItem(txn, old, &it); err != nil {
				return nil, err
			}
			done = append(done, it)
		}
		return func() { out = append(out, done...) }, nil
	})
	if err != nil {
		return nil, fmt.Errorf("record decision: %w", err)
	}
	return out, s.sync()
}

// Edit is a user's change to an item's own fields. A nil field is left as it
// is; a pointer to "" clears the edit, letting the synced value show again.
type Edit struct {
	Title    *string
	Note     *string
	Scope    *classify.Scope
	Domain   *classify.Domain
	Strength *classify.Strength
	// FollowUp (YYYY-MM-DD, "" to clear) and Outcome are the outcome
	// follow-up; AddCriteria and RemoveCriteria are criteria the user says
	// the item does or does not support.
	FollowUp       *string
	Outcome        *string
	AddCriteria    []string
	RemoveCriteria []string
}

// Empty reports whether the edit changes nothing.
func (e Edit) Empty() bool {
	return e.Title == nil && e.Note == nil && e.Scope == nil && e.Domain == nil && e.Strength == nil &&
		e.FollowUp == nil && e.Outcome == nil && len(e.AddCriteria) == 0 && len(e.RemoveCriteria) == 0
}

// apply makes the edit to u.
func (e Edit) apply(u *UserFields) {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&u.Title, e.Title)
	set(&u.Note, e.Note)
	set(&u.FollowUp, e.FollowUp)
	set(&u.Outcome, e.Outcome)
	if e.Scope != nil {
		u.Scope = *e.Scope
	}
	if e.Strength != nil {
		u.Strength = *e.Strength
	}
	if e.Domain != nil {
		u.Domain = *e.Domain
	}
	for _, c := range e.AddCriteria {
		u.NoCriteria = slices.DeleteFunc(slices.Clone(u.NoCriteria), func(x string) bool { return x == c })
		if !slices.Contains(u.Criteria, c) {
			u.Criteria = append(slices.Clone(u.Criteria), c)
		}
	}
	for _, c := range e.RemoveCriteria {
		u.Criteria = slices.DeleteFunc(slices.Clone(u.Criteria), func(x string) bool { return x == c })
		if !slices.Contains(u.NoCriteria, c) {
			u.NoCriteria = append(slices.Clone(u.NoCriteria), c)
		}
	}
	if len(u.Criteria) == 0 {
		u.Criteria = nil
	}
	if len(u.NoCriteria) == 0 {
		u.NoCriteria = nil
	}
}

// NewEntryID is a fresh random ID for an entry (evident add): entries have
// no upstream key to derive one from, so their key is "entry:" + the ID.
func NewEntryID() string {
	var b [IDLen / 2]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on the platforms Go supports
	}
	return hex.EncodeToString(b[:])
}

// Add stores an item the user wrote themselves (an entry of work with no
// artifact), already selected, and syncs it to disk before returning. Sync
// never writes it: no source yields its key. An existing ID is an error.
func (s *Store) Add(ctx context.Context, it Item) (Item, error) {
	if s.readOnly {
		return Item{}, ErrReadOnly
	}
	defer s.itemsChanged()
	if it.ID == "" || it.Artifact.Key == "" {
		return Item{}, errors.New("add item: an entry needs its ID and key")
	}
	now := time.Now().UTC()
	it.State = Confirmed
	it.FirstSeen, it.SyncedAt, it.DecidedAt = now, now, now
	err := s.update(ctx, func(txn *badger.Txn) error {
		if _, err := getItem(txn, it.ID); err == nil {
			return fmt.Errorf("an item %s exists already", it.ID)
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		return putItem(txn, nil, &it)
	})
	if err != nil {
		return Item{}, fmt.Errorf("add item: %w", err)
	}
	return it, s.sync()
}

// Edit applies e to one item and syncs it to disk before returning.
func (s *Store) Edit(ctx context.Context, id string, e Edit) (Item, error) {
	if s.readOnly {
		return Item{}, ErrReadOnly
	}
	defer s.itemsChanged()
	var out Item
	err := s.update(ctx, func(txn *badger.Txn) error {
		old, err := getItem(txn, id)
		if err != nil {
			return fmt.Errorf("%s: %w", id, err)
		}
		it := *old
		e.apply(&it.User)
		out = it
		return putItem(txn, old, &it)
	})
	if err != nil {
		return Item{}, fmt.Errorf("edit item: %w", err)
	}
	return out, s.sync()
}

// sync makes every write so far durable (Badger's value log and memtable
// WAL fsynced): a decision, an edit or an entry survives a power cut once
// its command reports success. Sync pages are not synced one by one; they
// can be fetched again.
func (s *Store) sync() error {
	if err := s.withDB(func(db *badger.DB) error { return db.Sync() }); err != nil {
		return fmt.Errorf("sync store to disk: %w", err)
	}
	if s.synced != nil {
		s.synced()
	}
	return nil
}

// Reclassify re-tags every still-suggested item with classify(artifact), for
// when the org model changed. Confirmed and dismissed items keep the tags
// the user saw when deciding; user edits are separate fields and untouched.
// It returns how many items changed.
func (s *Store) Reclassify(ctx context.Context, fn func(*connectors.Artifact) classify.Result) (n int, err error) {
	if s.readOnly {
		return 0, ErrReadOnly
	}
	defer func() {
		if n > 0 || err != nil {
			s.itemsChanged()
		}
	}()
	var ids []string
	p := statePrefix(Suggested)
	err = s.view(func(txn *badger.Txn) error {
		return eachKey(txn, p, func(k []byte) (bool, error) {
			ids = append(ids, string(k[len(p)+8:]))
			return false, nil
		})
	})
	if err != nil {
		return 0, fmt.Errorf("list suggested items: %w", err)
	}
	changed := 0
	err = s.batches(ctx, len(ids), func(txn *badger.Txn, lo, hi int) (func(), error) {
		n := 0
		for _, id := range ids[lo:hi] {
			old, err := getItem(txn, id)
			if errors.Is(err, ErrNotFound) {
				continue
			}
			if err != nil {
				return nil, err
			}
			if old.State != Suggested {
				continue // decided since we listed it
			}
			it := *old
			it.Class = fn(&it.Artifact)
			if sameClass(&old.Class, &it.Class) {
				continue
			}
			n++
			if err := putItem(txn, old, &it); err != nil {
				return nil, err
			}
		}
		return func() { changed += n }, nil
	})
	if err != nil {
		return changed, fmt.Errorf("reclassify: %w", err)
	}
	return changed, nil
}
