package store

import (
	"encoding/binary"
	"time"
)

// Key layout. Every prefix ends in a separator so that no prefix is a
// prefix of another family; numbers are big-endian so byte order is
// numeric order.
//
//	meta/schema                   uint32 schema version
//	meta/p/<name>                 small values the pipeline keeps (the org model hash)
//	item/<t8><id>                 one item: a state byte, then the Item in the record format (record.go)
//	id/<id>                       <t8>: where item <id> lives
//	idx/st/<state>/<t8><id>       empty; items of one state, by time
//	idx/src/<source>/<id>         empty; items of one source
//	idx/fu/<YYYY-MM-DD>/<id>      empty; confirmed items with a follow-up on that day and no outcome yet
//	cursor/<source>               the connector's cursor, committed with its page
//	mark/<source>/<key>           a connector's per-item state (a document's fingerprint), committed with its page
//	srcstate/<source>             SourceState as JSON (last success, last error...)
//	ref/<target>                  the IDs of the items that mention <target>, one per line (links.go)
//	hdl/<handle>                  the ID of the item that answers to <handle> (its key, its URL)
//
// <t8> is the item's occurred-at as 8 big-endian bytes of unix nanoseconds
// with the sign bit flipped, so the primary records sit in time order: a
// listing is one sequential (reverse) scan, newest first. The state byte in
// front of each record lets a scan skip other states without decoding them.
const (
	prefixMeta     = "meta/"
	keySchema      = prefixMeta + "schema"
	prefixItem     = "item/"
	prefixID       = "id/"
	prefixState    = "idx/st/"
	prefixSource   = "idx/src/"
	prefixFollowUp = "idx/fu/"
	prefixCursor   = "cursor/"
	prefixMark     = "mark/"
	prefixSrcState = "srcstate/"
)

func itemKey(t8 []byte, id string) []byte {
	k := append([]byte(prefixItem), t8...)
	return append(k, id...)
}

func idKey(id string) []byte { return []byte(prefixID + id) }

// timeBytes is t's place in the time order, at the microsecond the record
// stores (see codec.go): a time read back from a record lands where it was
// written.
func timeBytes(t time.Time) []byte {
	var b [8]byte
	var n int64
	if !t.IsZero() {
		n = t.Truncate(time.Microsecond).UnixNano()
	}
	binary.BigEndian.PutUint64(b[:], uint64(n)^(1<<63))
	return b[:]
}

func statePrefix(s State) []byte { return []byte(prefixState + string(s) + "/") }

func stateKey(s State, t8 []byte, id string) []byte {
	k := append(statePrefix(s), t8...)
	return append(k, id...)
}

func sourcePrefix(source string) []byte { return []byte(prefixSource + source + "/") }

func sourceKey(source, id string) []byte { return append(sourcePrefix(source), id...) }

func cursorKey(source string) []byte { return []byte(prefixCursor + source) }

func srcStateKey(source string) []byte { return []byte(prefixSrcState + source) }

// stateByte is the one-byte tag in front of every item record.
func stateByte(s State) byte {
	switch s {
	case Confirmed:
		return 'c'
	case Dismissed:
		return 'd'
	}
	return 's'
}

func markPrefix(source string) []byte { return []byte(prefixMark + source + "/") }

func markKey(source, key string) []byte { return append(markPrefix(source), key...) }

// followUpKey is the follow-up index entry an item needs, nil when none:
// only a confirmed item with a follow-up day and no outcome yet is due.
func followUpKey(it *Item) []byte {
	if it == nil || it.State != Confirmed || it.User.FollowUp == "" || it.User.Outcome != "" {
		return nil
	}
	return []byte(prefixFollowUp + it.User.FollowUp + "/" + it.ID)
}
