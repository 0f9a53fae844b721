package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/evident-sync/evident/classify"
	"github.com/evident-sync/evident/connectors"
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
	w.str(tID, it.ID)
	w.str(tState, string(it.State))
	w.time(tFirstSeen, it.FirstSeen)
	w.time(tSyncedAt, it.SyncedAt)
	w.time(tDecidedAt, it.DecidedAt)
	strs(&w, tRelated, it.Related)
	w.artifact(&it.Artifact)
	w.class(&it.Class)
	u := &it.User
	w.str(tUserTitle, u.Title)
	w.str(tUserNote, u.Note)
	w.str(tUserScope, string(u.Scope))
	w.str(tUserDomain, string(u.Domain))
	w.str(tDismissReason, u.DismissReason)
	w.str(tUserStrength, string(u.Strength))
	strs(&w, tUserCriteria, u.Criteria)
	strs(&w, tUserNoCriteria, u.NoCriteria)
	w.str(tFollowUp, u.FollowUp)
	w.str(tOutcome, u.Outcome)
	return w.b
}

func (w *recWriter) artifact(a *connectors.Artifact) {
	w.str(tSource, a.Source)
	w.str(tSourceType, a.SourceType)
	w.str(tKind, string(a.Kind))
	w.str(tKey, a.Key)
	w.str(tURL, a.URL)
	w.str(tTitle, a.Title)
	w.str(tContainer, a.Container)
	w.str(tContainerName, a.ContainerName)
	strs(w, tRoles, a.Roles)
	if len(a.Counterparts) > 0 {
		w.tag(tCounterparts)
		w.b = binary.AppendUvarint(w.b, uint64(len(a.Counterparts)))
		for _, p := range a.Counterparts {
			w.rawStr(p.System)
			w.rawStr(p.ID)
			w.rawStr(string(p.Role))
		}
		// Display names, beside the identities, only where one is known:
		// a field of its own, so older records read as they are.
		if slices.ContainsFunc(a.Counterparts, func(p connectors.Identity) bool { return p.Name != "" }) {
			names := make([]string, len(a.Counterparts))
			for i, p := range a.Counterparts {
				names[i] = p.Name
			}
			w.tag(tCounterpartNames)
			w.b = binary.AppendUvarint(w.b, uint64(len(names)))
			for _, n := range names {
				w.rawStr(n)
			}
		}
	}
	strs(w, tDeclaredTeams, a.DeclaredTeams)
	w.str(tOwningTeam, a.OwningTeam)
	w.time(tOccurredAt, a.OccurredAt)
	w.time(tUpdatedAt, a.UpdatedAt)
	x := &a.Activity
	if len(x.Rounds) > 0 {
		w.tag(tRounds)
		w.b = binary.AppendUvarint(w.b, uint64(len(x.Rounds)))
		for _, r := range x.Rounds {
			var at int64
			if !r.At.IsZero() {
				at = r.At.UnixMicro()
			}
			w.b = binary.AppendVarint(w.b, at)
			w.rawStr(r.State)
			w.b = binary.AppendVarint(w.b, int64(r.Comments))
		}
	}
	w.int(tActComments, x.Comments)
	w.int(tActCommentsAddressed, x.CommentsAddressed)
	w.int(tActRoundsReceived, x.RoundsReceived)
	w.bool(tActApproved, x.Approved)
	w.bool(tActChangesRequested, x.ChangesRequested)
	w.int(tAdditions, x.Additions)
	w.int(tDeletions, x.Deletions)
	w.int(tChangedFiles, x.ChangedFiles)
	w.bool(tActMerged, x.Merged)
	w.str(tActState, x.State)
	w.str(tResolution, x.Resolution)
	w.str(tIssueType, x.IssueType)
	w.str(tActPriority, x.Priority)
	w.int(tActLinks, x.Links)
	w.float(tStoryPoints, x.StoryPoints)
	w.time(tResolvedAt, x.ResolvedAt)
	w.time(tCreatedAt, x.CreatedAt)
	w.str(tInitialAssignee, x.InitialAssignee)
	strs(w, tPaths, x.Paths)
	strs(w, tRefs, x.Refs)
	strs(w, tProblems, x.Problems)
}

func (w *recWriter) class(c *classify.Result) {
	w.str(tScope, string(c.Scope))
	w.str(tScopeReason, c.ScopeReason)
	strs(w, tTeams, c.Teams)
	w.str(tDomain, string(c.Domain))
	w.str(tDomainReason, c.DomainReason)
	w.str(tSummary, c.Summary)
	w.str(tStrength, string(c.Strength))
	strs(w, tStrengthReasons, c.StrengthReasons)
	w.str(tForTeam, c.ForTeam)
	w.bool(tOrgWide, c.OrgWide)
	s := &c.Signals
	w.str(tSigKind, string(s.Kind))
	w.int(tSigRounds, s.Rounds)
	w.int(tSigComments, s.Comments)
	w.int(tSigCommentsAddressed, s.CommentsAddressed)
	w.bool(tSigChangesRequested, s.ChangesRequested)
	w.bool(tSigApprovedAfterChanges, s.ApprovedAfterChanges)
	w.int(tSigLines, s.Lines)
	w.int(tSigFiles, s.Files)
	w.int(tSigReviewers, s.Reviewers)
	w.int(tSigReviewerTeams, s.ReviewerTeams)
	w.int(tSigRoundsReceived, s.RoundsReceived)
	w.bool(tSigMerged, s.Merged)
	w.str(tSigRole, s.Role)
	w.str(tSigStatus, s.Status)
	w.int(tSigParticipants, s.Participants)
	w.int(tSigTeamsDeclared, s.TeamsDeclared)
	w.str(tSigType, s.Type)
	w.str(tSigPriority, s.Priority)
	w.bool(tSigResolved, s.Resolved)
	w.int(tSigDaysToResolve, s.DaysToResolve)
	w.int(tSigLinks, s.Links)
	strs(w, tSigReviewedBy, s.ReviewedBy)
	w.bool(tSigThreads, s.Threads)
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

// decodeFields reads a record's fields (what follows the state byte and
// recBinary, as a copy of its own: the item's strings are cut from it)
// into it.
func decodeFields(rec string, it *Item) error {
	r := recReader{s: rec}
	for r.more() {
		t := r.uvarint()
		var known bool
		switch {
		case t < tSource:
			known = decodeItemField(&r, t, it)
		case t < tRounds:
			known = decodeArtifactField(&r, t, &it.Artifact)
		case t < tScope:
			known = decodeActivityField(&r, t, &it.Artifact.Activity)
		case t < tSigKind:
			known = decodeClassField(&r, t, &it.Class)
		case t < tUserTitle:
			known = decodeSignalField(&r, t, &it.Class.Signals)
		default:
			known = decodeUserField(&r, t, &it.User)
		}
		if !known && r.err == nil {
			return fmt.Errorf("record has field %d, which this build does not know", t)
		}
	}
	return r.err
}

// decodeItemField reads field t of the item's own fields (tags 1–9); false when t is not one of them.
func decodeItemField(r *recReader, t uint64, it *Item) bool {
	switch t {
	case tID:
		it.ID = r.str()
	case tState:
		it.State = State(r.str())
	case tFirstSeen:
		it.FirstSeen = r.time()
	case tSyncedAt:
		it.SyncedAt = r.time()
	case tDecidedAt:
		it.DecidedAt = r.time()
	case tRelated:
		it.Related = readStrs[string](r)
	default:
		return false
	}
	return true
}

// decodeArtifactField reads field t of the artifact's (10–29); false when t is not one of them.
func decodeArtifactField(r *recReader, t uint64, a *connectors.Artifact) bool {
	switch t {
	case tSource:
		a.Source = r.str()
	case tSourceType:
		a.SourceType = r.str()
	case tKind:
		a.Kind = connectors.Kind(r.str())
	case tKey:
		a.Key = r.str()
	case tURL:
		a.URL = r.str()
	case tTitle:
		a.Title = r.str()
	case tContainer:
		a.Container = r.str()
	case tContainerName:
		a.ContainerName = r.str()
	case tRoles:
		a.Roles = readStrs[connectors.Role](r)
	case tCounterparts:
		a.Counterparts = make([]connectors.Identity, r.count(3)) // three strings
		for i := range a.Counterparts {
			p := &a.Counterparts[i]
			p.System, p.ID, p.Role = r.str(), r.str(), connectors.Role(r.str())
		}
	case tCounterpartNames:
		names := readStrs[string](r)
		for i := range min(len(names), len(a.Counterparts)) {
			a.Counterparts[i].Name = names[i]
		}
	case tDeclaredTeams:
		a.DeclaredTeams = readStrs[string](r)
	case tOwningTeam:
		a.OwningTeam = r.str()
	case tOccurredAt:
		a.OccurredAt = r.time()
	case tUpdatedAt:
		a.UpdatedAt = r.time()
	default:
		return false
	}
	return true
}

// decodeActivityField reads field t of its activity's (30–59); false when t is not one of them.
func decodeActivityField(r *recReader, t uint64, x *connectors.Activity) bool {
	switch t {
	case tRounds:
		x.Rounds = make([]connectors.Round, r.count(3)) // a time, a string, an int
		for i := range x.Rounds {
			p := &x.Rounds[i]
			if at := r.varint(); at != 0 {
				p.At = time.UnixMicro(at).UTC()
			}
			p.State, p.Comments = r.str(), r.int()
		}
	case tActComments:
		x.Comments = r.int()
	case tActCommentsAddressed:
		x.CommentsAddressed = r.int()
	case tActRoundsReceived:
		x.RoundsReceived = r.int()
	case tActApproved:
		x.Approved = true
	case tActChangesRequested:
		x.ChangesRequested = true
	case tAdditions:
		x.Additions = r.int()
	case tDeletions:
		x.Deletions = r.int()
	case tChangedFiles:
		x.ChangedFiles = r.int()
	case tActMerged:
		x.Merged = true
	case tActState:
		x.State = r.str()
	case tResolution:
		x.Resolution = r.str()
	case tIssueType:
		x.IssueType = r.str()
	case tActPriority:
		x.Priority = r.str()
	case tActLinks:
		x.Links = r.int()
	case tStoryPoints:
		x.StoryPoints = r.float()
	case tResolvedAt:
		x.ResolvedAt = r.time()
	case tCreatedAt:
		x.CreatedAt = r.time()
	case tInitialAssignee:
		x.InitialAssignee = r.str()
	case tPaths:
		x.Paths = readStrs[string](r)
	case tRefs:
		x.Refs = readStrs[string](r)
	case tProblems:
		x.Problems = readStrs[string](r)
	default:
		return false
	}
	return true
}

// decodeClassField reads field t of the classification's (60–79); false when t is not one of them.
func decodeClassField(r *recReader, t uint64, c *classify.Result) bool {
	switch t {
	case tScope:
		c.Scope = classify.Scope(r.str())
	case tScopeReason:
		c.ScopeReason = r.str()
	case tTeams:
		c.Teams = readStrs[string](r)
	case tDomain:
		c.Domain = classify.Domain(r.str())
	case tDomainReason:
		c.DomainReason = r.str()
	case tSummary:
		c.Summary = r.str()
	case tStrength:
		c.Strength = classify.Strength(r.str())
	case tStrengthReasons:
		c.StrengthReasons = readStrs[string](r)
	case tForTeam:
		c.ForTeam = r.str()
	case tOrgWide:
		c.OrgWide = true
	default:
		return false
	}
	return true
}

// decodeSignalField reads field t of the signals' (80–109); false when t is not one of them.
func decodeSignalField(r *recReader, t uint64, s *classify.Signals) bool {
	switch t {
	case tSigKind:
		s.Kind = connectors.Kind(r.str())
	case tSigRounds:
		s.Rounds = r.int()
	case tSigComments:
		s.Comments = r.int()
	case tSigCommentsAddressed:
		s.CommentsAddressed = r.int()
	case tSigChangesRequested:
		s.ChangesRequested = true
	case tSigApprovedAfterChanges:
		s.ApprovedAfterChanges = true
	case tSigLines:
		s.Lines = r.int()
	case tSigFiles:
		s.Files = r.int()
	case tSigReviewers:
		s.Reviewers = r.int()
	case tSigReviewerTeams:
		s.ReviewerTeams = r.int()
	case tSigRoundsReceived:
		s.RoundsReceived = r.int()
	case tSigMerged:
		s.Merged = true
	case tSigRole:
		s.Role = r.str()
	case tSigStatus:
		s.Status = r.str()
	case tSigParticipants:
		s.Participants = r.int()
	case tSigTeamsDeclared:
		s.TeamsDeclared = r.int()
	case tSigType:
		s.Type = r.str()
	case tSigPriority:
		s.Priority = r.str()
	case tSigResolved:
		s.Resolved = true
	case tSigDaysToResolve:
		s.DaysToResolve = r.int()
	case tSigLinks:
		s.Links = r.int()
	case tSigReviewedBy:
		s.ReviewedBy = readStrs[string](r)
	case tSigThreads:
		s.Threads = true
	default:
		return false
	}
	return true
}

// decodeUserField reads field t of the user's (110 on); false when t is not one of them.
func decodeUserField(r *recReader, t uint64, u *UserFields) bool {
	switch t {
	case tUserTitle:
		u.Title = r.str()
	case tUserNote:
		u.Note = r.str()
	case tUserScope:
		u.Scope = classify.Scope(r.str())
	case tUserDomain:
		u.Domain = classify.Domain(r.str())
	case tDismissReason:
		u.DismissReason = r.str()
	case tUserStrength:
		u.Strength = classify.Strength(r.str())
	case tUserCriteria:
		u.Criteria = readStrs[string](r)
	case tUserNoCriteria:
		u.NoCriteria = readStrs[string](r)
	case tFollowUp:
		u.FollowUp = r.str()
	case tOutcome:
		u.Outcome = r.str()
	default:
		return false
	}
	return true
}
