package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// Damage is one kind of damage Verify found.
type Damage struct {
	// What is damaged, for a person: "unreadable item records".
	What string `json:"what"`
	// Items is how many items it touches.
	Items int `json:"items"`
	// Index is true when only an index is wrong: the records are sound and
	// a rebuild (restore, or re-sync) is not needed to read them.
	Index bool `json:"index_only"`
}

// VerifyReport is what Verify read and what it found.
type VerifyReport struct {
	Items   int       `json:"items"` // item records read and decoded
	Keys    int       `json:"keys"`  // keys read in all
	Damages []Damage  `json:"damages"`
	At      time.Time `json:"at"`
}

// Sound reports whether nothing was found damaged.
func (r VerifyReport) Sound() bool { return len(r.Damages) == 0 }

// VerifyState is the name of the SourceState that keeps the last verify:
// LastAttempt when it ran, LastSuccess when it last found the store sound,
// LastError what it last found damaged.
const VerifyState = "@verify"

// Summary is the damage in one clause: "1 item record that cannot be
// decoded; 2 items missing from the state index".
func (r VerifyReport) Summary() string {
	var parts []string
	for _, d := range r.Damages {
		if d.Items > 0 {
			parts = append(parts, fmt.Sprintf("%s: %d", d.What, d.Items))
		} else {
			parts = append(parts, d.What)
		}
	}
	return strings.Join(parts, "; ")
}

// Verify reads the whole store: every table's blocks with their checksums
// (Badger's VerifyChecksum), every item record through the record decoder,
// and every index entry (state, source, follow-up, id) against the records.
// A damaged table is reported, never a panic. Its error is for a store that
// could not be read at all; damage found is in the report. The time and
// result are kept for status (LastVerify), unless the store was opened
// read-only.
func (s *Store) Verify(ctx context.Context) (rep VerifyReport, err error) {
	rep.At, rep.Damages = time.Now().UTC(), []Damage{}
	defer func() {
		var dmg *DamagedError
		if errors.As(err, &dmg) {
			rep.Damages = append(rep.Damages, Damage{What: "a table that cannot be read (" + dmg.Cause + ")"})
			err = nil
		}
		if err == nil {
			s.keepVerify(ctx, rep)
		}
	}()
	if cerr := s.withDB(func(db *badger.DB) error { return db.VerifyChecksum() }); cerr != nil {
		rep.Damages = append(rep.Damages, Damage{What: "table checksums do not match (" + oneLine(cerr.Error()) + ")"})
	}
	items, badRecords, err := s.verifyRecords(ctx, &rep)
	if err != nil {
		return rep, err
	}
	var c indexCounts
	if err := s.view(func(txn *badger.Txn) error { c = checkIndexes(txn, items); return nil }); err != nil {
		return rep, err
	}
	add := func(n int, what string, index bool) {
		if n > 0 {
			rep.Damages = append(rep.Damages, Damage{What: what, Items: n, Index: index})
		}
	}
	add(badRecords, "item records that cannot be decoded", false)
	add(c.missingID, "items missing from the id index", true)
	add(c.badState, "items missing from the state index (inbox, list)", true)
	add(c.badSource, "items missing from the source index", true)
	add(c.badFollowUp, "follow-ups missing from the follow-up index", true)
	add(c.orphans, "index entries that point at no record", true)
	return rep, nil
}

// keepVerify keeps a verify's time and result for status; a reader (a
// store opened read-only) keeps nothing.
func (s *Store) keepVerify(ctx context.Context, rep VerifyReport) {
	if s.readOnly {
		return
	}
	prev, _ := s.SourceStates(context.WithoutCancel(ctx))
	st := prev[VerifyState]
	st.Name, st.Type, st.LastAttempt, st.LastError = VerifyState, "verify", rep.At, rep.Summary()
	if rep.Sound() {
		st.LastSuccess = rep.At
	}
	s.PutSourceState(context.WithoutCancel(ctx), st)
}

// verifiedRecord is what the index check needs of one item record.
type verifiedRecord struct {
	t8       string
	state    State
	source   string
	followUp string
}

// verifyRecords reads every key and decodes every item record, counting
// keys and items in rep; it returns the records by ID and how many could
// not be decoded.
func (s *Store) verifyRecords(ctx context.Context, rep *VerifyReport) (map[string]verifiedRecord, int, error) {
	items := map[string]verifiedRecord{}
	bad := 0
	err := s.view(func(txn *badger.Txn) error {
		opts := badger.DefaultIteratorOptions
		opts.PrefetchValues = false
		it := txn.NewIterator(opts)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			if err := ctx.Err(); err != nil {
				return err
			}
			rep.Keys++
			k := it.Item().Key()
			if !bytes.HasPrefix(k, []byte(prefixItem)) || len(k) < len(prefixItem)+8 {
				continue
			}
			t8, id := string(k[len(prefixItem):len(prefixItem)+8]), string(k[len(prefixItem)+8:])
			var item Item
			if err := it.Item().Value(func(b []byte) error { return decodeValue(b, &item) }); err != nil {
				bad++
				continue
			}
			rep.Items++
			r := verifiedRecord{t8: t8, state: item.State, source: item.Artifact.Source}
			if fk := followUpKey(&item); fk != nil {
				r.followUp = string(fk)
			}
			items[id] = r
		}
		return nil
	})
	return items, bad, err
}

// indexCounts are the index damages Verify counts.
type indexCounts struct{ missingID, badState, badSource, badFollowUp, orphans int }

// checkIndexes checks each record's index entries, and each index entry
// against the records.
func checkIndexes(txn *badger.Txn, items map[string]verifiedRecord) (c indexCounts) {
	has := func(k []byte) bool { _, err := txn.Get(k); return err == nil }
	for id, r := range items {
		if v, err := txn.Get(idKey(id)); err != nil {
			c.missingID++
		} else if b, _ := v.ValueCopy(nil); string(b) != r.t8 {
			c.missingID++
		}
		if !has(stateKey(r.state, []byte(r.t8), id)) {
			c.badState++
		}
		if !has(sourceKey(r.source, id)) {
			c.badSource++
		}
		if r.followUp != "" && !has([]byte(r.followUp)) {
			c.badFollowUp++
		}
	}
	// Index entries that point at no record.
	opts := badger.DefaultIteratorOptions
	opts.PrefetchValues = false
	it := txn.NewIterator(opts)
	defer it.Close()
	for _, p := range []string{prefixID, prefixState, prefixFollowUp} {
		for it.Seek([]byte(p)); it.ValidForPrefix([]byte(p)); it.Next() {
			k := string(it.Item().Key())
			r, ok := items[indexedID(p, k)]
			switch {
			case !ok:
				c.orphans++
			case p == prefixState && k != string(stateKey(r.state, []byte(r.t8), indexedID(p, k))):
				c.orphans++
			case p == prefixFollowUp && k != r.followUp:
				c.orphans++
			}
		}
	}
	return c
}

// indexedID is the item ID an index key of prefix p points at.
func indexedID(p, k string) string {
	switch p {
	case prefixID:
		return k[len(p):]
	case prefixState:
		rest := k[len(p):]
		if i := strings.IndexByte(rest, '/'); i >= 0 && len(rest) >= i+1+8 {
			return rest[i+1+8:]
		}
	case prefixFollowUp:
		if i := strings.LastIndexByte(k, '/'); i >= 0 {
			return k[i+1:]
		}
	}
	return ""
}

// LastVerify is when Verify last ran and what it found ("sound" or
// "damaged"); zero when it never ran.
func (s *Store) LastVerify(ctx context.Context) (time.Time, string, error) {
	states, err := s.SourceStates(ctx)
	st, ok := states[VerifyState]
	if err != nil || !ok {
		return time.Time{}, "", err
	}
	if st.LastError != "" {
		return st.LastAttempt, "damaged", nil
	}
	return st.LastAttempt, "sound", nil
}

func oneLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
