package store

import (
	"errors"
	"slices"
	"strings"

	badger "github.com/dgraph-io/badger/v4"

	"github.com/evident-sync/evident/connectors"
)

// Links: one piece of work across sources. An item answers to handles (its
// key, and its URL) and mentions refs (Jira keys, pull-request keys, links
// to documents: Artifact.Activity.Refs). Two items are related when one
// mentions a handle of the other; Item.Related lists them both ways,
// whichever synced first, and is recomputed whenever either side is
// written with other refs or handles.
//
//	ref/<target>   the IDs of the items that mention <target>, sorted, one per line
//	hdl/<handle>   the ID of the item that answers to <handle>
//
// Both are point reads and writes: a link costs no scan, whatever the size
// of the transaction or the store.
const (
	prefixRef    = "ref/"
	prefixHandle = "hdl/"
)

func refKey(target string) []byte { return []byte(prefixRef + target) }
func handleKey(h string) []byte   { return []byte(prefixHandle + h) }

// getIDs reads a list of IDs; missing is empty.
func getIDs(txn *badger.Txn, k []byte) ([]string, error) {
	v, err := txn.Get(k)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	b, err := v.ValueCopy(nil)
	if err != nil || len(b) == 0 {
		return nil, err
	}
	return strings.Split(string(b), "\n"), nil
}

// setIDs writes a list of IDs, deleting the key when it is empty.
func setIDs(txn *badger.Txn, k []byte, ids []string) error {
	if len(ids) == 0 {
		return txn.Delete(k)
	}
	return txn.Set(k, []byte(strings.Join(ids, "\n")))
}

// editIDs adds or removes id in the list at k.
func editIDs(txn *badger.Txn, k []byte, id string, add bool) error {
	list, err := getIDs(txn, k)
	if err != nil {
		return err
	}
	i, found := slices.BinarySearch(list, id)
	switch {
	case add && !found:
		list = slices.Insert(list, i, id)
	case !add && found:
		list = slices.Delete(list, i, i+1)
	default:
		return nil
	}
	return setIDs(txn, k, list)
}

func handlesOf(it *Item) []string {
	if it == nil {
		return nil
	}
	hs := []string{it.Artifact.Key}
	if u := connectors.NormalizeURL(it.Artifact.URL); u != "" {
		hs = append(hs, u)
	}
	return hs
}

func refsOf(it *Item) []string {
	if it == nil {
		return nil
	}
	return it.Artifact.Activity.Refs
}

// link updates the link indexes for it (written over old, nil when new),
// sets it.Related, and adds or removes it in the Related of the items on
// the other side. The caller writes it.
func link(txn *badger.Txn, old, it *Item) error {
	oldRefs, newRefs := refsOf(old), refsOf(it)
	oldHdl, newHdl := handlesOf(old), handlesOf(it)
	if old != nil && slices.Equal(oldRefs, newRefs) && slices.Equal(oldHdl, newHdl) {
		it.Related = old.Related
		return nil
	}
	for _, r := range oldRefs {
		if !slices.Contains(newRefs, r) {
			if err := editIDs(txn, refKey(r), it.ID, false); err != nil {
				return err
			}
		}
	}
	for _, h := range oldHdl {
		if !slices.Contains(newHdl, h) {
			if err := dropHandle(txn, h, it.ID); err != nil {
				return err
			}
		}
	}
	for _, r := range newRefs {
		if err := editIDs(txn, refKey(r), it.ID, true); err != nil {
			return err
		}
	}
	for _, h := range newHdl {
		if err := txn.Set(handleKey(h), []byte(it.ID)); err != nil {
			return err
		}
	}
	var rel []string
	for _, r := range newRefs {
		if v, err := txn.Get(handleKey(r)); err == nil {
			b, err := v.ValueCopy(nil)
			if err != nil {
				return err
			}
			rel = append(rel, string(b))
		} else if !errors.Is(err, badger.ErrKeyNotFound) {
			return err
		}
	}
	for _, h := range newHdl {
		referrers, err := getIDs(txn, refKey(h))
		if err != nil {
			return err
		}
		rel = append(rel, referrers...)
	}
	rel = slices.DeleteFunc(rel, func(id string) bool { return id == it.ID })
	slices.Sort(rel)
	rel = slices.Compact(rel)
	var before []string
	if old != nil {
		before = old.Related
	}
	it.Related = rel
	// The other side: add it where it is now related, drop it where no
	// longer.
	for _, y := range append(slices.Clone(rel), before...) {
		other, err := getItem(txn, y)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		want, has := slices.Contains(rel, y), slices.Contains(other.Related, it.ID)
		if want == has {
			continue
		}
		next := *other
		if want {
			next.Related = append(slices.Clone(other.Related), it.ID)
			slices.Sort(next.Related)
		} else {
			next.Related = slices.DeleteFunc(slices.Clone(other.Related), func(id string) bool { return id == it.ID })
		}
		if err := putItem(txn, other, &next); err != nil {
			return err
		}
	}
	return nil
}

// unlink removes it from the link indexes and from the Related of the
// items on the other side: it is being forgotten.
func unlink(txn *badger.Txn, it *Item) error {
	for _, r := range refsOf(it) {
		if err := editIDs(txn, refKey(r), it.ID, false); err != nil {
			return err
		}
	}
	for _, h := range handlesOf(it) {
		if err := dropHandle(txn, h, it.ID); err != nil {
			return err
		}
	}
	for _, y := range it.Related {
		other, err := getItem(txn, y)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		next := *other
		next.Related = slices.DeleteFunc(slices.Clone(other.Related), func(id string) bool { return id == it.ID })
		if err := putItem(txn, other, &next); err != nil {
			return err
		}
	}
	return nil
}

// dropHandle removes handle h if it still names id.
func dropHandle(txn *badger.Txn, h, id string) error {
	v, err := txn.Get(handleKey(h))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	b, err := v.ValueCopy(nil)
	if err != nil {
		return err
	}
	if string(b) != id {
		return nil
	}
	return txn.Delete(handleKey(h))
}
