package store

import (
	"encoding/binary"
	"fmt"
	"slices"
	"time"

	"github.com/evident-sync/evident/classify"
	"github.com/evident-sync/evident/connectors"
)

// field is one field of the record format: its tag, how it is written
// from an item and how it is read into one. The table below is the format:
// a field added is a line there, and the writer and the reader cannot
// disagree about it.
type field struct {
	tag int
	put func(w *recWriter, it *Item)
	get func(r *recReader, it *Item)
}

func strField[S ~string](tag int, at func(*Item) *S) field {
	return field{tag, func(w *recWriter, it *Item) { w.str(tag, string(*at(it))) }, func(r *recReader, it *Item) { *at(it) = S(r.str()) }}
}

func strsField[S ~string](tag int, at func(*Item) *[]S) field {
	return field{tag, func(w *recWriter, it *Item) { strs(w, tag, *at(it)) }, func(r *recReader, it *Item) { *at(it) = readStrs[S](r) }}
}

func intField(tag int, at func(*Item) *int) field {
	return field{tag, func(w *recWriter, it *Item) { w.int(tag, *at(it)) }, func(r *recReader, it *Item) { *at(it) = r.int() }}
}

// boolField is true by its tag's presence.
func boolField(tag int, at func(*Item) *bool) field {
	return field{tag, func(w *recWriter, it *Item) { w.bool(tag, *at(it)) }, func(_ *recReader, it *Item) { *at(it) = true }}
}

func timeField(tag int, at func(*Item) *time.Time) field {
	return field{tag, func(w *recWriter, it *Item) { w.time(tag, *at(it)) }, func(r *recReader, it *Item) { *at(it) = r.time() }}
}

func floatField(tag int, at func(*Item) *float64) field {
	return field{tag, func(w *recWriter, it *Item) { w.float(tag, *at(it)) }, func(r *recReader, it *Item) { *at(it) = r.float() }}
}

// fields is every field, in the order records are written (so a record
// written again is the same bytes), grouped by tag range.
var fields = []field{
	// the item's own (1–9)
	strField(tID, func(it *Item) *string { return &it.ID }),
	strField(tState, func(it *Item) *State { return &it.State }),
	timeField(tFirstSeen, func(it *Item) *time.Time { return &it.FirstSeen }),
	timeField(tSyncedAt, func(it *Item) *time.Time { return &it.SyncedAt }),
	timeField(tDecidedAt, func(it *Item) *time.Time { return &it.DecidedAt }),
	strsField(tRelated, func(it *Item) *[]string { return &it.Related }),
	// the artifact's (10–29)
	strField(tSource, func(it *Item) *string { return &it.Artifact.Source }),
	strField(tSourceType, func(it *Item) *string { return &it.Artifact.SourceType }),
	strField(tKind, func(it *Item) *connectors.Kind { return &it.Artifact.Kind }),
	strField(tKey, func(it *Item) *string { return &it.Artifact.Key }),
	strField(tURL, func(it *Item) *string { return &it.Artifact.URL }),
	strField(tTitle, func(it *Item) *string { return &it.Artifact.Title }),
	strField(tContainer, func(it *Item) *string { return &it.Artifact.Container }),
	strField(tContainerName, func(it *Item) *string { return &it.Artifact.ContainerName }),
	strsField(tRoles, func(it *Item) *[]connectors.Role { return &it.Artifact.Roles }),
	counterpartsField, counterpartNamesField,
	strsField(tDeclaredTeams, func(it *Item) *[]string { return &it.Artifact.DeclaredTeams }),
	strField(tOwningTeam, func(it *Item) *string { return &it.Artifact.OwningTeam }),
	timeField(tOccurredAt, func(it *Item) *time.Time { return &it.Artifact.OccurredAt }),
	timeField(tUpdatedAt, func(it *Item) *time.Time { return &it.Artifact.UpdatedAt }),
	// its activity's (30–59)
	roundsField,
	intField(tActComments, func(it *Item) *int { return &it.Artifact.Activity.Comments }),
	intField(tActCommentsAddressed, func(it *Item) *int { return &it.Artifact.Activity.CommentsAddressed }),
	intField(tActRoundsReceived, func(it *Item) *int { return &it.Artifact.Activity.RoundsReceived }),
	boolField(tActApproved, func(it *Item) *bool { return &it.Artifact.Activity.Approved }),
	boolField(tActChangesRequested, func(it *Item) *bool { return &it.Artifact.Activity.ChangesRequested }),
	intField(tAdditions, func(it *Item) *int { return &it.Artifact.Activity.Additions }),
	intField(tDeletions, func(it *Item) *int { return &it.Artifact.Activity.Deletions }),
	intField(tChangedFiles, func(it *Item) *int { return &it.Artifact.Activity.ChangedFiles }),
	boolField(tActMerged, func(it *Item) *bool { return &it.Artifact.Activity.Merged }),
	strField(tActState, func(it *Item) *string { return &it.Artifact.Activity.State }),
	strField(tResolution, func(it *Item) *string { return &it.Artifact.Activity.Resolution }),
	strField(tIssueType, func(it *Item) *string { return &it.Artifact.Activity.IssueType }),
	strField(tActPriority, func(it *Item) *string { return &it.Artifact.Activity.Priority }),
	intField(tActLinks, func(it *Item) *int { return &it.Artifact.Activity.Links }),
	floatField(tStoryPoints, func(it *Item) *float64 { return &it.Artifact.Activity.StoryPoints }),
	timeField(tResolvedAt, func(it *Item) *time.Time { return &it.Artifact.Activity.ResolvedAt }),
	timeField(tCreatedAt, func(it *Item) *time.Time { return &it.Artifact.Activity.CreatedAt }),
	strField(tInitialAssignee, func(it *Item) *string { return &it.Artifact.Activity.InitialAssignee }),
	strsField(tPaths, func(it *Item) *[]string { return &it.Artifact.Activity.Paths }),
	strsField(tRefs, func(it *Item) *[]string { return &it.Artifact.Activity.Refs }),
	strsField(tProblems, func(it *Item) *[]string { return &it.Artifact.Activity.Problems }),
	// the classification's (60–79)
	strField(tScope, func(it *Item) *classify.Scope { return &it.Class.Scope }),
	strField(tScopeReason, func(it *Item) *string { return &it.Class.ScopeReason }),
	strsField(tTeams, func(it *Item) *[]string { return &it.Class.Teams }),
	strField(tDomain, func(it *Item) *classify.Domain { return &it.Class.Domain }),
	strField(tDomainReason, func(it *Item) *string { return &it.Class.DomainReason }),
	strField(tSummary, func(it *Item) *string { return &it.Class.Summary }),
	strField(tStrength, func(it *Item) *classify.Strength { return &it.Class.Strength }),
	strsField(tStrengthReasons, func(it *Item) *[]string { return &it.Class.StrengthReasons }),
	strField(tForTeam, func(it *Item) *string { return &it.Class.ForTeam }),
	boolField(tOrgWide, func(it *Item) *bool { return &it.Class.OrgWide }),
	// the signals' (80–109)
	strField(tSigKind, func(it *Item) *string { return &it.Class.Signals.Kind }),
	intField(tSigRounds, func(it *Item) *int { return &it.Class.Signals.Rounds }),
	intField(tSigComments, func(it *Item) *int { return &it.Class.Signals.Comments }),
	intField(tSigCommentsAddressed, func(it *Item) *int { return &it.Class.Signals.CommentsAddressed }),
	boolField(tSigChangesRequested, func(it *Item) *bool { return &it.Class.Signals.ChangesRequested }),
	boolField(tSigApprovedAfterChanges, func(it *Item) *bool { return &it.Class.Signals.ApprovedAfterChanges }),
	intField(tSigLines, func(it *Item) *int { return &it.Class.Signals.Lines }),
	intField(tSigFiles, func(it *Item) *int { return &it.Class.Signals.Files }),
	intField(tSigReviewers, func(it *Item) *int { return &it.Class.Signals.Reviewers }),
	intField(tSigReviewerTeams, func(it *Item) *int { return &it.Class.Signals.ReviewerTeams }),
	intField(tSigRoundsReceived, func(it *Item) *int { return &it.Class.Signals.RoundsReceived }),
	boolField(tSigMerged, func(it *Item) *bool { return &it.Class.Signals.Merged }),
	strField(tSigRole, func(it *Item) *string { return &it.Class.Signals.Role }),
	strField(tSigStatus, func(it *Item) *string { return &it.Class.Signals.Status }),
	intField(tSigParticipants, func(it *Item) *int { return &it.Class.Signals.Participants }),
	intField(tSigTeamsDeclared, func(it *Item) *int { return &it.Class.Signals.TeamsDeclared }),
	strField(tSigType, func(it *Item) *string { return &it.Class.Signals.Type }),
	strField(tSigPriority, func(it *Item) *string { return &it.Class.Signals.Priority }),
	boolField(tSigResolved, func(it *Item) *bool { return &it.Class.Signals.Resolved }),
	intField(tSigDaysToResolve, func(it *Item) *int { return &it.Class.Signals.DaysToResolve }),
	intField(tSigLinks, func(it *Item) *int { return &it.Class.Signals.Links }),
	strsField(tSigReviewedBy, func(it *Item) *[]string { return &it.Class.Signals.ReviewedBy }),
	boolField(tSigThreads, func(it *Item) *bool { return &it.Class.Signals.Threads }),
	// the user's (110 on)
	strField(tUserTitle, func(it *Item) *string { return &it.User.Title }),
	strField(tUserNote, func(it *Item) *string { return &it.User.Note }),
	strField(tUserScope, func(it *Item) *classify.Scope { return &it.User.Scope }),
	strField(tUserDomain, func(it *Item) *classify.Domain { return &it.User.Domain }),
	strField(tDismissReason, func(it *Item) *string { return &it.User.DismissReason }),
	strField(tUserStrength, func(it *Item) *classify.Strength { return &it.User.Strength }),
	strsField(tUserCriteria, func(it *Item) *[]string { return &it.User.Criteria }),
	strsField(tUserNoCriteria, func(it *Item) *[]string { return &it.User.NoCriteria }),
	strField(tFollowUp, func(it *Item) *string { return &it.User.FollowUp }),
	strField(tOutcome, func(it *Item) *string { return &it.User.Outcome }),
}

// counterpartsField is the other people, each identity's three strings.
var counterpartsField = field{tCounterparts,
	func(w *recWriter, it *Item) {
		ps := it.Artifact.Counterparts
		if len(ps) == 0 {
			return
		}
		w.tag(tCounterparts)
		w.b = binary.AppendUvarint(w.b, uint64(len(ps)))
		for _, p := range ps {
			w.rawStr(p.System)
			w.rawStr(p.ID)
			w.rawStr(string(p.Role))
		}
	},
	func(r *recReader, it *Item) {
		ps := make([]connectors.Identity, r.count(3)) // three strings
		for i := range ps {
			p := &ps[i]
			p.System, p.ID, p.Role = r.str(), r.str(), connectors.Role(r.str())
		}
		it.Artifact.Counterparts = ps
	},
}

// counterpartNamesField is their display names, beside the identities,
// only where one is known: a field of its own, so older records read as
// they are. It follows counterpartsField.
var counterpartNamesField = field{tCounterpartNames,
	func(w *recWriter, it *Item) {
		ps := it.Artifact.Counterparts
		if !slices.ContainsFunc(ps, func(p connectors.Identity) bool { return p.Name != "" }) {
			return
		}
		w.tag(tCounterpartNames)
		w.b = binary.AppendUvarint(w.b, uint64(len(ps)))
		for _, p := range ps {
			w.rawStr(p.Name)
		}
	},
	func(r *recReader, it *Item) {
		ps := it.Artifact.Counterparts
		names := readStrs[string](r)
		for i := range min(len(names), len(ps)) {
			ps[i].Name = names[i]
		}
	},
}

// roundsField is the review rounds, each a time, a string and an int.
var roundsField = field{tRounds,
	func(w *recWriter, it *Item) {
		rs := it.Artifact.Activity.Rounds
		if len(rs) == 0 {
			return
		}
		w.tag(tRounds)
		w.b = binary.AppendUvarint(w.b, uint64(len(rs)))
		for _, r := range rs {
			var at int64
			if !r.At.IsZero() {
				at = r.At.UnixMicro()
			}
			w.b = binary.AppendVarint(w.b, at)
			w.rawStr(r.State)
			w.b = binary.AppendVarint(w.b, int64(r.Comments))
		}
	},
	func(r *recReader, it *Item) {
		rs := make([]connectors.Round, r.count(3))
		for i := range rs {
			p := &rs[i]
			if at := r.varint(); at != 0 {
				p.At = time.UnixMicro(at).UTC()
			}
			p.State, p.Comments = r.str(), r.int()
		}
		it.Artifact.Activity.Rounds = rs
	},
}

// readers finds a tag's reader; artifactFields and classFields are the
// artifact's and the classification's fields, to compare them as stored.
var (
	readers                     = readersOf(fields)
	artifactFields, classFields = span(tSource, tScope), span(tScope, tUserTitle)
)

func readersOf(fs []field) []func(*recReader, *Item) {
	var out []func(*recReader, *Item)
	for _, f := range fs {
		if f.tag >= len(out) {
			out = slices.Grow(out, f.tag+1-len(out))[:f.tag+1]
		}
		if out[f.tag] != nil {
			panic(fmt.Sprintf("record field %d listed twice", f.tag))
		}
		out[f.tag] = f.get
	}
	return out
}

// span is the fields whose tags are in [from, to); they stand together.
func span(from, to int) []field {
	i := slices.IndexFunc(fields, func(f field) bool { return f.tag >= from && f.tag < to })
	j := i
	for j < len(fields) && fields[j].tag >= from && fields[j].tag < to {
		j++
	}
	return fields[i:j]
}

func (w *recWriter) fields(fs []field, it *Item) {
	for i := range fs {
		fs[i].put(w, it)
	}
}

// decodeFields reads a record's fields (what follows the state byte and
// recBinary, as a copy of its own: the item's strings are cut from it)
// into it.
func decodeFields(rec string, it *Item) error {
	r := recReader{s: rec}
	for r.more() {
		t := r.uvarint()
		if r.err != nil {
			break
		}
		if t >= uint64(len(readers)) || readers[t] == nil {
			return fmt.Errorf("record has field %d, which this build does not know", t)
		}
		readers[t](&r, it)
	}
	return r.err
}
