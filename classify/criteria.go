package classify

import (
	"strings"

	"github.com/evident-sync/evident/config"
)

// Criterion is one level criterion (config criteria): what the next level
// asks for, in the user's words.
type Criterion struct {
	ID       string
	Text     string
	Domain   Domain
	Keywords []string
}

// CriteriaOf returns the configured criteria in config order.
func CriteriaOf(c *config.Config) []Criterion {
	out := make([]Criterion, 0, len(c.Criteria))
	for _, cr := range c.Criteria {
		out = append(out, Criterion{ID: cr.ID, Text: cr.Text, Domain: Domain(cr.Domain), Keywords: cr.Keywords})
	}
	return out
}

// Supports reports whether an item of domain d whose title, summary and
// note are texts speaks to the criterion: it is in the criterion's domain
// and, when the criterion has keywords, one of the texts contains one
// (case-insensitive, on word boundaries with an optional plural "s": "design"
// matches "Design doc" and "designs", not "designated").
func (c Criterion) Supports(d Domain, texts ...string) bool {
	if d != c.Domain {
		return false
	}
	if len(c.Keywords) == 0 {
		return true
	}
	for _, t := range texts {
		lt := strings.ToLower(t)
		for _, k := range c.Keywords {
			if containsWord(lt, strings.ToLower(strings.TrimSpace(k))) {
				return true
			}
		}
	}
	return false
}

// containsWord finds w in s where it starts and ends on a word boundary;
// a trailing "s" is allowed, so a keyword matches its plural.
func containsWord(s, w string) bool {
	if w == "" {
		return false
	}
	for i := 0; ; {
		j := strings.Index(s[i:], w)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(w)
		if end < len(s) && s[end] == 's' {
			end++
		}
		if (start == 0 || !wordByte(s[start-1])) && (end == len(s) || !wordByte(s[end])) {
			return true
		}
		i = start + 1
	}
}

func wordByte(b byte) bool {
	return b == '_' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 0x80
}

// Keyword is the first of the criterion's keywords that one of texts
// contains (as Supports matches them), or "" when none does or the
// criterion has none: the clause a packet gives for why an item speaks to
// it.
func (c Criterion) Keyword(texts ...string) string {
	for _, k := range c.Keywords {
		kw := strings.ToLower(strings.TrimSpace(k))
		for _, t := range texts {
			if containsWord(strings.ToLower(t), kw) {
				return strings.TrimSpace(k)
			}
		}
	}
	return ""
}
