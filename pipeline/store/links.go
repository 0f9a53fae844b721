package store

import (
	"bytes"
	"errors"
	"slices"

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
//	ref/<target>\x00<id>   empty; item <id> mentions <target>
//	hdl/<handle>\x00<id>   empty; item <id> answers to <handle>
const (
	prefixRef    = "ref/"
	prefixHandle = "hdl/"
)

func refKey(target, id string) []byte   { return []byte(prefixRef + target + "\x00" + id) }
func handleKey(h, id string) []byte     { return []byte(prefixHandle + h + "\x00" + id) }
func refPrefix(target string) []byte    { return []byte(prefixRef + target + "\x00") }
func handlePrefix(handle string) []byte { return []byte(prefixHandle + handle + "\x00") }

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

// ids lists the IDs under a separator-terminated prefix.
func ids(txn *badger.Txn, prefix []byte) []string {
	opts := badger.DefaultIteratorOptions
	opts.PrefetchValues = false
	opts.Prefix = prefix
	it := txn.NewIterator(opts)
	defer it.Close()
	var out []string
	for it.Seek(prefix); it.ValidForPrefix(prefix); it.Next() {
		out = append(out, string(bytes.TrimPrefix(it.Item().Key(), prefix)))
	}
	return out
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
			if err := txn.Delete(refKey(r, it.ID)); err != nil {
				return err
			}
		}
	}
	for _, h := range oldHdl {
		if !slices.Contains(newHdl, h) {
			if err := txn.Delete(handleKey(h, it.ID)); err != nil {
				return err
			}
		}
	}
	for _, r := range newRefs {
		if err := txn.Set(refKey(r, it.ID), nil); err != nil {
			return err
		}
	}
	for _, h := range newHdl {
		if err := txn.Set(handleKey(h, it.ID), nil); err != nil {
			return err
		}
	}
	var rel []string
	for _, r := range newRefs {
		rel = append(rel, ids(txn, handlePrefix(r))...)
	}
	for _, h := range newHdl {
		rel = append(rel, ids(txn, refPrefix(h))...)
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
		if err := txn.Delete(refKey(r, it.ID)); err != nil {
			return err
		}
	}
	for _, h := range handlesOf(it) {
		if err := txn.Delete(handleKey(h, it.ID)); err != nil {
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
