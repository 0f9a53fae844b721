package gdocstest

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"
)

// parseQuery reads the part of Drive's query language evident uses:
// clauses joined by and/or with parentheses — 'ID' in parents, mimeType =
// or != 'TYPE', trashed = true|false, modifiedTime (createdTime,
// viewedByMeTime) with
// <, <=, =, >=, > 'RFC 3339'. Anything else is an error, as Drive answers
// 400 Invalid Value.
func parseQuery(q string) (func(*File) bool, error) {
	if strings.TrimSpace(q) == "" {
		return func(f *File) bool { return true }, nil
	}
	p := &qparser{toks: tokenize(q)}
	m, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.i != len(p.toks) {
		return nil, errors.New("trailing tokens")
	}
	return m, nil
}

type qparser struct {
	toks []string
	i    int
}

func (p *qparser) peek() string {
	if p.i < len(p.toks) {
		return p.toks[p.i]
	}
	return ""
}

func (p *qparser) next() string { t := p.peek(); p.i++; return t }

func (p *qparser) or() (func(*File) bool, error) {
	return p.joined("or", p.and, func(a, b bool) bool { return a || b })
}

func (p *qparser) and() (func(*File) bool, error) {
	return p.joined("and", p.term, func(a, b bool) bool { return a && b })
}

// joined reads operands (each by next) joined by the keyword op, and
// combines their matches with join.
func (p *qparser) joined(op string, next func() (func(*File) bool, error), join func(a, b bool) bool) (func(*File) bool, error) {
	left, err := next()
	if err != nil {
		return nil, err
	}
	for strings.EqualFold(p.peek(), op) {
		p.next()
		right, err := next()
		if err != nil {
			return nil, err
		}
		l := left
		left = func(f *File) bool { return join(l(f), right(f)) }
	}
	return left, nil
}

func (p *qparser) term() (func(*File) bool, error) {
	if p.peek() == "(" {
		p.next()
		m, err := p.or()
		if err != nil || p.next() != ")" {
			return nil, errors.New("unbalanced parentheses")
		}
		return m, nil
	}
	a, op, b := p.next(), p.next(), p.next()
	if op == "in" && b == "parents" && isLit(a) {
		id := lit(a)
		return func(f *File) bool { return f.Parent == id }, nil
	}
	switch a {
	case "mimeType":
		if !isLit(b) || (op != "=" && op != "!=") {
			return nil, errors.New("bad mimeType clause")
		}
		v := lit(b)
		return func(f *File) bool { return (f.MimeType == v) == (op == "=") }, nil
	case "trashed":
		if op != "=" || (b != "true" && b != "false") {
			return nil, errors.New("bad trashed clause")
		}
		return func(f *File) bool { return f.Trashed == (b == "true") }, nil
	case "modifiedTime", "createdTime", "viewedByMeTime":
		t, err := time.Parse(time.RFC3339, lit(b))
		if err != nil || !isLit(b) {
			return nil, errors.New("bad time")
		}
		cmp, ok := map[string]func(int) bool{
			"<": func(c int) bool { return c < 0 }, "<=": func(c int) bool { return c <= 0 }, "=": func(c int) bool { return c == 0 },
			">=": func(c int) bool { return c >= 0 }, ">": func(c int) bool { return c > 0 },
		}[op]
		if !ok {
			return nil, errors.New("bad operator")
		}
		return func(f *File) bool {
			at := map[string]time.Time{"modifiedTime": f.Modified, "createdTime": f.Created, "viewedByMeTime": f.Viewed}[a]
			if at.IsZero() {
				return false // never opened: no viewedByMeTime matches
			}
			return cmp(at.Compare(t))
		}, nil
	}
	return nil, errors.New("unknown field " + a)
}

func isLit(s string) bool { return len(s) >= 2 && s[0] == '\'' && s[len(s)-1] == '\'' }

func lit(s string) string {
	if !isLit(s) {
		return s
	}
	return strings.NewReplacer(`\'`, `'`, `\\`, `\`).Replace(s[1 : len(s)-1])
}

func tokenize(q string) []string {
	var out []string
	for i := 0; i < len(q); {
		c := q[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			i++
		case c == '(' || c == ')':
			out = append(out, string(c))
			i++
		case c == '\'':
			j := i + 1
			for j < len(q) && q[j] != '\'' {
				if q[j] == '\\' {
					j++
				}
				j++
			}
			out = append(out, q[i:min(j+1, len(q))])
			i = j + 1
		case strings.ContainsRune("<>=!", rune(c)):
			j := i + 1
			for j < len(q) && strings.ContainsRune("<>=", rune(q[j])) {
				j++
			}
			out = append(out, q[i:j])
			i = j
		default:
			j := i
			for j < len(q) && !strings.ContainsRune(" \t\n()'<>=!", rune(q[j])) {
				j++
			}
			out = append(out, q[i:j])
			i = j
		}
	}
	return out
}

// writeFields answers v with only the fields asked for (Drive's partial
// response syntax: a,b,c(d,e(f))); an empty fields gives def, or all
// when def is empty.
func writeFields(w http.ResponseWriter, v map[string]any, fields, def string) {
	if fields == "" {
		fields = def
	}
	out := any(v)
	if fields != "" && fields != "*" {
		sel, err := parseFields(fields)
		if err != nil {
			googleError(w, 400, "Invalid field selection "+fields, "invalidParameter")
			return
		}
		out = project(v, sel)
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	json.NewEncoder(w).Encode(out)
}

// selection is a parsed fields value: each key with its sub-selection
// (nil: the whole value).
type selection map[string]selection

func parseFields(s string) (selection, error) {
	sel, rest, err := parseSel(s)
	if err != nil || rest != "" {
		return nil, errors.New("bad fields")
	}
	return sel, nil
}

func parseSel(s string) (selection, string, error) {
	sel := selection{}
	for {
		j := strings.IndexAny(s, ",()")
		name := s
		if j >= 0 {
			name = s[:j]
		}
		name = strings.TrimSpace(name)
		if name == "" {
			return nil, s, errors.New("empty field")
		}
		if j < 0 {
			sel[name] = nil
			return sel, "", nil
		}
		s = s[j:]
		if s[0] == '(' {
			sub, rest, err := parseSel(s[1:])
			if err != nil || !strings.HasPrefix(rest, ")") {
				return nil, rest, errors.New("unbalanced")
			}
			sel[name] = sub
			s = rest[1:]
		} else {
			sel[name] = nil
		}
		if s == "" || s[0] == ')' {
			return sel, s, nil
		}
		s = s[1:] // the comma
	}
}

func project(v any, sel selection) any {
	switch t := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, sub := range sel {
			if x, ok := t[k]; ok {
				if sub == nil {
					out[k] = x
				} else {
					out[k] = project(x, sub)
				}
			}
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = project(x, sel)
		}
		return out
	}
	return v
}
