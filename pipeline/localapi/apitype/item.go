package apitype

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// View is an item as the outside contract shows it (the item JSON of
// list, show and export): effective values, the user's edits applied.
type View struct {
	ID          string   `json:"id"`
	State       string   `json:"state"`
	Source      string   `json:"source"`
	Kind        string   `json:"kind"`
	Key         string   `json:"key"`
	Title       string   `json:"title"`
	Summary     string   `json:"summary"`
	URL         string   `json:"url"`
	Container   string   `json:"container"`
	Roles       []string `json:"roles"`
	OccurredAt  *string  `json:"occurred_at"`
	Scope       string   `json:"scope"`
	ScopeReason string   `json:"scope_reason"`
	Teams       []string `json:"teams"`
	Domain      string   `json:"domain"`
	Note        string   `json:"note"`
	// Strength is strong, notable or routine; StrengthReasons name the
	// facts; Signals are the facts of the user's part the source knows.
	Strength        string   `json:"strength"`
	StrengthReasons []string `json:"strength_reasons"`
	Signals         Signals  `json:"signals"`
	// Related are the IDs of the same piece of work's items in other sources.
	Related []string `json:"related"`
	// Criteria are the level criteria the item supports; FollowUp
	// (YYYY-MM-DD, absent when none) and Outcome are the outcome follow-up.
	Criteria []string `json:"criteria"`
	FollowUp string   `json:"follow_up,omitempty"`
	Outcome  string   `json:"outcome"`
}

// Signals are the facts of the user's part in a piece of work, as the
// source knows them; the JSON holds only what the item's kind can know.
// They are classify.Signals field for field (a test in the store holds
// them to it).
type Signals struct {
	Kind string `json:"kind"`
	// review
	Rounds               int  `json:"rounds,omitempty"`
	Comments             int  `json:"comments,omitempty"`
	CommentsAddressed    int  `json:"comments_addressed,omitempty"`
	ChangesRequested     bool `json:"changes_requested,omitempty"`
	ApprovedAfterChanges bool `json:"approved_after_changes,omitempty"`
	// review and pr
	Lines int `json:"lines,omitempty"`
	Files int `json:"files,omitempty"`
	// pr
	Reviewers     int `json:"reviewers,omitempty"`
	ReviewerTeams int `json:"reviewer_teams,omitempty"`
	// ReviewedBy are the other teams' ids among the reviewers, sorted.
	ReviewedBy     []string `json:"reviewed_by,omitempty"`
	RoundsReceived int      `json:"rounds_received,omitempty"`
	Merged         bool     `json:"merged,omitempty"`
	// rfc
	// Threads says the document is reviewed in comment threads (its source
	// type says so): comments and comments_resolved are facts, zeros too.
	Threads       bool   `json:"-"`
	Role          string `json:"role,omitempty"`
	Status        string `json:"status,omitempty"`
	Participants  int    `json:"participants,omitempty"`
	TeamsDeclared int    `json:"teams_declared,omitempty"`
	// jira_issue
	Type          string `json:"type,omitempty"`
	Priority      string `json:"priority,omitempty"`
	Resolved      bool   `json:"resolved,omitempty"`
	DaysToResolve int    `json:"days_to_resolve,omitempty"`
	Links         int    `json:"links,omitempty"`
}

// MarshalJSON writes the signals the kind knows, zeros included, keys in
// alphabetical order. It appends by hand: every item listed carries its
// signals, and a map per item was a third of a listing's time.
func (s Signals) MarshalJSON() ([]byte, error) { return s.AppendJSON(nil), nil }

// AppendJSON appends what MarshalJSON writes to b.
func (s Signals) AppendJSON(b []byte) []byte {
	w := jsonObject{b: b, start: len(b)}
	switch s.Kind {
	case "review":
		w.bool("approved_after_changes", s.ApprovedAfterChanges)
		w.bool("changes_requested", s.ChangesRequested)
		w.int("comments", s.Comments)
		w.int("comments_addressed", s.CommentsAddressed)
		w.int("files", s.Files)
		w.int("lines", s.Lines)
		w.int("rounds", s.Rounds)
	case "pr":
		w.int("files", s.Files)
		w.int("lines", s.Lines)
		w.bool("merged", s.Merged)
		if len(s.ReviewedBy) > 0 {
			w.strs("reviewed_by", s.ReviewedBy)
		}
		w.int("reviewer_teams", s.ReviewerTeams)
		w.int("reviewers", s.Reviewers)
		w.int("rounds_received", s.RoundsReceived)
	case "rfc":
		// A document reviewed in comment threads (Google Docs) says how
		// many comments were the user's and how many were resolved.
		if s.Threads || s.Comments > 0 || s.CommentsAddressed > 0 {
			w.int("comments", s.Comments)
			w.int("comments_resolved", s.CommentsAddressed)
		}
		w.int("participants", s.Participants)
		w.str("role", s.Role)
		if s.Status != "" {
			w.str("status", s.Status)
		}
		w.int("teams_declared", s.TeamsDeclared)
	case "jira_issue":
		w.int("comments", s.Comments)
		if s.Resolved {
			w.int("days_to_resolve", s.DaysToResolve)
		}
		w.int("links", s.Links)
		if s.Priority != "" {
			w.str("priority", s.Priority)
		}
		w.bool("resolved", s.Resolved)
		w.str("type", s.Type)
	}
	return w.close()
}

// jsonObject appends the members of one JSON object to b[:start].
type jsonObject struct {
	b     []byte
	start int
}

func (w *jsonObject) key(k string) {
	if len(w.b) == w.start {
		w.b = append(w.b, '{')
	} else {
		w.b = append(w.b, ',')
	}
	w.b = append(w.b, '"')
	w.b = append(w.b, k...)
	w.b = append(w.b, '"', ':')
}

func (w *jsonObject) int(k string, v int) { w.key(k); w.b = strconv.AppendInt(w.b, int64(v), 10) }

func (w *jsonObject) bool(k string, v bool) { w.key(k); w.b = strconv.AppendBool(w.b, v) }

func (w *jsonObject) str(k, v string) {
	w.key(k)
	q, _ := json.Marshal(v) // a string always encodes
	w.b = append(w.b, q...)
}

func (w *jsonObject) strs(k string, v []string) {
	w.key(k)
	q, _ := json.Marshal(v) // strings always encode
	w.b = append(w.b, q...)
}

func (w *jsonObject) close() []byte {
	if len(w.b) == w.start {
		return append(w.b, '{', '}')
	}
	return append(w.b, '}')
}

// AppendJSON appends v as encoding/json writes it with HTML escaping off
// (json.Encoder.SetEscapeHTML(false)), without the newline: the same
// bytes, several times faster, for the listings that print thousands of
// items. TestView_AppendJSONIsEncodingJSON holds it to that.
func (v *View) AppendJSON(b []byte) []byte {
	b = append(b, `{"id":`...)
	b = appendJSONString(b, v.ID)
	b = append(b, `,"state":`...)
	b = appendJSONString(b, string(v.State))
	b = append(b, `,"source":`...)
	b = appendJSONString(b, v.Source)
	b = append(b, `,"kind":`...)
	b = appendJSONString(b, string(v.Kind))
	b = append(b, `,"key":`...)
	b = appendJSONString(b, v.Key)
	b = append(b, `,"title":`...)
	b = appendJSONString(b, v.Title)
	b = append(b, `,"summary":`...)
	b = appendJSONString(b, v.Summary)
	b = append(b, `,"url":`...)
	b = appendJSONString(b, v.URL)
	b = append(b, `,"container":`...)
	b = appendJSONString(b, v.Container)
	b = append(b, `,"roles":`...)
	b = appendJSONStrings(b, v.Roles)
	b = append(b, `,"occurred_at":`...)
	if v.OccurredAt == nil {
		b = append(b, "null"...)
	} else {
		b = appendJSONString(b, *v.OccurredAt)
	}
	b = append(b, `,"scope":`...)
	b = appendJSONString(b, v.Scope)
	b = append(b, `,"scope_reason":`...)
	b = appendJSONString(b, v.ScopeReason)
	b = append(b, `,"teams":`...)
	b = appendJSONStrings(b, v.Teams)
	b = append(b, `,"domain":`...)
	b = appendJSONString(b, v.Domain)
	b = append(b, `,"note":`...)
	b = appendJSONString(b, v.Note)
	b = append(b, `,"strength":`...)
	b = appendJSONString(b, v.Strength)
	b = append(b, `,"strength_reasons":`...)
	b = appendJSONStrings(b, v.StrengthReasons)
	b = append(b, `,"signals":`...)
	b = v.Signals.AppendJSON(b)
	b = append(b, `,"related":`...)
	b = appendJSONStrings(b, v.Related)
	b = append(b, `,"criteria":`...)
	b = appendJSONStrings(b, v.Criteria)
	if v.FollowUp != "" {
		b = append(b, `,"follow_up":`...)
		b = appendJSONString(b, v.FollowUp)
	}
	b = append(b, `,"outcome":`...)
	b = appendJSONString(b, v.Outcome)
	return append(b, '}')
}

func appendJSONStrings[S ~string](b []byte, ss []S) []byte {
	if ss == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, string(s))
	}
	return append(b, ']')
}

const hexDigits = "0123456789abcdef"

// appendJSONString quotes s as encoding/json does without HTML escaping:
// control characters escaped, invalid UTF-8 as U+FFFD, and U+2028 and
// U+2029 escaped for JavaScript.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
