package store

import (
	"unicode/utf8"
)

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
