package store

import (
	"encoding/binary"
	"errors"
	"math"
	"time"
)

// The record format. An item record is its state byte, then recBinary,
// then the item's fields, each a uvarint tag and a value whose type the tag
// fixes; a zero field is left out, so a field added later reads as zero in
// older records. Tags are never reused.
//
//	string   uvarint length, bytes
//	int      zigzag varint
//	bool     nothing: the tag's presence is true
//	time     zigzag varint of unix microseconds (the precision keys use)
//	float    8 bytes, IEEE 754, big-endian
//	strings  uvarint count, then each string
//	rounds   uvarint count, then each round's time, string, int
//	people   uvarint count, then each identity's three strings
//
// It replaced CBOR (schema 2 and before): decoding an item went from 8 µs
// to well under one, and every listing, report and page decodes items.
// Records still in CBOR are read as such until the schema 3 migration
// rewrites them.
const recBinary = 0x01

// Field tags. Gaps between groups leave room to add fields in place.
const (
	tID = 1 + iota
	tState
	tFirstSeen
	tSyncedAt
	tDecidedAt
	tRelated
)

const (
	tSource = 10 + iota
	tSourceType
	tKind
	tKey
	tURL
	tTitle
	tContainer
	tRoles
	tCounterparts
	tDeclaredTeams
	tOwningTeam
	tOccurredAt
	tUpdatedAt
	tCounterpartNames
	tContainerName
)

const (
	tRounds = 30 + iota
	tActComments
	tActCommentsAddressed
	tActRoundsReceived
	tActApproved
	tActChangesRequested
	tAdditions
	tDeletions
	tChangedFiles
	tActMerged
	tActState
	tResolution
	tIssueType
	tActPriority
	tActLinks
	tStoryPoints
	tResolvedAt
	tCreatedAt
	tInitialAssignee
	tPaths
	tRefs
	tProblems
)

const (
	tScope = 60 + iota
	tScopeReason
	tTeams
	tDomain
	tDomainReason
	tSummary
	tStrength
	tStrengthReasons
	tForTeam
	tOrgWide
)

const (
	tSigKind = 80 + iota
	tSigRounds
	tSigComments
	tSigCommentsAddressed
	tSigChangesRequested
	tSigApprovedAfterChanges
	tSigLines
	tSigFiles
	tSigReviewers
	tSigReviewerTeams
	tSigRoundsReceived
	tSigMerged
	tSigRole
	tSigStatus
	tSigParticipants
	tSigTeamsDeclared
	tSigType
	tSigPriority
	tSigResolved
	tSigDaysToResolve
	tSigLinks
	tSigReviewedBy
	tSigThreads
)

const (
	tUserTitle = 110 + iota
	tUserNote
	tUserScope
	tUserDomain
	tDismissReason
	tUserStrength
	tUserCriteria
	tUserNoCriteria
	tFollowUp
	tOutcome
)

// recWriter appends fields.
type recWriter struct{ b []byte }

func (w *recWriter) tag(t int) { w.b = binary.AppendUvarint(w.b, uint64(t)) }

func (w *recWriter) str(t int, s string) {
	if s == "" {
		return
	}
	w.tag(t)
	w.rawStr(s)
}

func (w *recWriter) rawStr(s string) {
	w.b = binary.AppendUvarint(w.b, uint64(len(s)))
	w.b = append(w.b, s...)
}

func (w *recWriter) int(t, v int) {
	if v == 0 {
		return
	}
	w.tag(t)
	w.b = binary.AppendVarint(w.b, int64(v))
}

func (w *recWriter) bool(t int, v bool) {
	if v {
		w.tag(t)
	}
}

func (w *recWriter) time(t int, v time.Time) {
	if v.IsZero() {
		return
	}
	w.tag(t)
	w.b = binary.AppendVarint(w.b, v.UnixMicro())
}

func (w *recWriter) float(t int, v float64) {
	if v == 0 {
		return
	}
	w.tag(t)
	w.b = binary.BigEndian.AppendUint64(w.b, math.Float64bits(v))
}

func strs[S ~string](w *recWriter, t int, v []S) {
	if len(v) == 0 {
		return
	}
	w.tag(t)
	w.b = binary.AppendUvarint(w.b, uint64(len(v)))
	for _, s := range v {
		w.rawStr(string(s))
	}
}

// encodeRecord is the record of it, state byte first.
func encodeRecord(it *Item) []byte { return AppendRecord(make([]byte, 0, 1024), it) }

// AppendRecord appends it to b in the record format, state byte first:
// the local API sends items so, several times cheaper than JSON both ways.
// DecodeRecord reads it back.
func AppendRecord(b []byte, it *Item) []byte {
	w := recWriter{b: b}
	w.b = append(w.b, stateByte(it.State), recBinary)
	w.fields(fields, it)
	return w.b
}

var errTruncated = errors.New("record truncated")

// recReader reads fields from s, one copy of the whole record, so that
// strings are cut from it instead of allocated one by one. The first error
// sticks; later reads return zeros.
type recReader struct {
	s   string
	off int
	err error
}

func (r *recReader) more() bool { return r.off < len(r.s) && r.err == nil }

func (r *recReader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	// Most numbers here (tags, lengths) fit in one byte.
	if r.off < len(r.s) && r.s[r.off] < 0x80 {
		r.off++
		return uint64(r.s[r.off-1])
	}
	var v uint64
	for shift := uint(0); shift < 64; shift += 7 {
		if r.off >= len(r.s) {
			break
		}
		c := r.s[r.off]
		r.off++
		v |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return v
		}
	}
	r.err = errTruncated
	return 0
}

func (r *recReader) varint() int64 {
	u := r.uvarint()
	v := int64(u >> 1)
	if u&1 != 0 {
		v = ^v
	}
	return v
}

func (r *recReader) int() int { return int(r.varint()) }

func (r *recReader) str() string {
	n := r.uvarint()
	if r.err != nil {
		return ""
	}
	if n > uint64(len(r.s)-r.off) {
		r.err = errTruncated
		return ""
	}
	s := r.s[r.off : r.off+int(n)]
	r.off += int(n)
	return s
}

func (r *recReader) time() time.Time { return time.UnixMicro(r.varint()).UTC() }

func (r *recReader) float() float64 {
	if r.err != nil {
		return 0
	}
	if len(r.s)-r.off < 8 {
		r.err = errTruncated
		return 0
	}
	v := math.Float64frombits(binary.BigEndian.Uint64([]byte(r.s[r.off : r.off+8])))
	r.off += 8
	return v
}

// count reads a list's length, bounded by what is left (each element takes
// at least a byte), so a damaged record cannot ask for a huge allocation.
// count reads how many elements follow, each taking at least per bytes of
// the record: a count the bytes left cannot hold is truncation, so a
// damaged record never makes the decoder allocate more than its size
// allows.
func (r *recReader) count(per int) int {
	n := r.uvarint()
	if r.err == nil && n > uint64((len(r.s)-r.off)/per) {
		r.err = errTruncated
		return 0
	}
	return int(n)
}

func readStrs[S ~string](r *recReader) []S {
	n := r.count(1) // a string is at least its length byte
	out := make([]S, n)
	for i := range out {
		out[i] = S(r.str())
	}
	return out
}

// DecodeRecord reads a record AppendRecord wrote into it (which should be
// zero); the item's strings are copied out of rec.
func DecodeRecord(rec []byte, it *Item) error { return decodeValue(rec, it) }
