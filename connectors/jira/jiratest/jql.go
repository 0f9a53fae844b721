package jiratest

import (
	"fmt"
	"strings"
	"time"
	"unicode"
)

// A small JQL: the clauses evident sends, joined by AND/OR with
// parentheses, and ORDER BY. Anything else is refused with 400, as Jira
// refuses a query it cannot parse.

type expr interface {
	eval(s *Server, is *Issue) bool
}

type andExpr []expr
type orExpr []expr

func (a andExpr) eval(s *Server, is *Issue) bool {
	for _, e := range a {
		if !e.eval(s, is) {
			return false
		}
	}
	return true
}

func (o orExpr) eval(s *Server, is *Issue) bool {
	for _, e := range o {
		if e.eval(s, is) {
			return true
		}
	}
	return false
}

type clause struct {
	field, op string
	values    []string
	at        time.Time
	until     time.Time // updatedBy's dateTo, exclusive; zero: open
}

func (c clause) eval(s *Server, is *Issue) bool {
	user := func(u string) bool {
		for _, v := range c.values {
			if strings.EqualFold(u, v) {
				return true
			}
		}
		return false
	}
	switch c.field + " " + c.op {
	case "reporter =":
		return user(is.Reporter)
	case "assignee =":
		return user(is.Assignee)
	case "assignee WAS":
		if user(is.Assignee) {
			return true
		}
		for _, h := range is.History {
			for _, it := range h.Items {
				if it.Field == "assignee" && (user(it.From) || user(it.To)) {
					return true
				}
			}
		}
		return false
	case "status CHANGED BY":
		for _, h := range is.History {
			if !user(h.Author) {
				continue
			}
			for _, it := range h.Items {
				if it.Field == "status" {
					return true
				}
			}
		}
		return false
	case "watcher =":
		for _, w := range is.watchers() {
			if user(w) {
				return true
			}
		}
		return false
	case "project =", "project IN":
		for _, v := range c.values {
			if strings.EqualFold(is.Project, v) {
				return true
			}
		}
		return false
	case "issue updatedBy":
		// Jira Cloud: created, a field changed, or a comment made by the user
		// within [from, to] (days in the searcher's zone).
		in := func(t time.Time) bool { return !t.Before(c.at) && (c.until.IsZero() || t.Before(c.until)) }
		if user(is.Reporter) && in(is.Created) {
			return true
		}
		for _, h := range is.History {
			if user(h.Author) && in(h.Created) {
				return true
			}
		}
		for _, cm := range is.Comments {
			if user(cm.Author) && in(cm.Created) {
				return true
			}
		}
		return false
	case "updated >=":
		return !is.Updated.Before(c.at)
	case "updated >":
		return is.Updated.After(c.at)
	case "updated <":
		return is.Updated.Before(c.at)
	case "updated <=":
		return !is.Updated.After(c.at)
	}
	return false
}

type query struct {
	where     expr
	orderDesc bool
}

type jqlParser struct {
	toks  []string
	pos   int
	loc   *time.Location
	me    string
	cloud bool // Cloud has the updatedBy function; Server/DC does not
}

func parseJQL(s string, loc *time.Location, me string, cloud bool) (*query, error) {
	toks, err := lex(s)
	if err != nil {
		return nil, err
	}
	p := &jqlParser{toks: toks, loc: loc, me: me, cloud: cloud}
	q := &query{}
	if p.peek() != "" && !strings.EqualFold(p.peek(), "ORDER") {
		if q.where, err = p.or(); err != nil {
			return nil, err
		}
	}
	if strings.EqualFold(p.peek(), "ORDER") {
		p.next()
		if !strings.EqualFold(p.next(), "BY") || !strings.EqualFold(p.next(), "updated") {
			return nil, jqlErr("the fake orders by updated only")
		}
		switch strings.ToUpper(p.peek()) {
		case "DESC":
			q.orderDesc = true
			p.next()
		case "ASC":
			p.next()
		}
	}
	if p.peek() != "" {
		return nil, jqlErr("Error in the JQL Query: unexpected %q", p.peek())
	}
	return q, nil
}

func (p *jqlParser) peek() string {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return ""
}

func (p *jqlParser) next() string {
	t := p.peek()
	p.pos++
	return t
}

func (p *jqlParser) or() (expr, error) {
	var out orExpr
	for {
		e, err := p.and()
		if err != nil {
			return nil, err
		}
		out = append(out, e)
		if !strings.EqualFold(p.peek(), "OR") {
			break
		}
		p.next()
	}
	if len(out) == 1 {
		return out[0], nil
	}
	return out, nil
}

func (p *jqlParser) and() (expr, error) {
	var out andExpr
	for {
		e, err := p.term()
		if err != nil {
			return nil, err
		}
		out = append(out, e)
		if !strings.EqualFold(p.peek(), "AND") {
			break
		}
		p.next()
	}
	if len(out) == 1 {
		return out[0], nil
	}
	return out, nil
}

func (p *jqlParser) term() (expr, error) {
	if p.peek() == "(" {
		p.next()
		e, err := p.or()
		if err != nil {
			return nil, err
		}
		if p.next() != ")" {
			return nil, jqlErr("Error in the JQL Query: expecting ')'")
		}
		return e, nil
	}
	field := strings.ToLower(p.next())
	if field == "issue" {
		return p.updatedBy()
	}
	switch field {
	case "reporter", "assignee", "watcher", "project", "status", "updated":
	default:
		return nil, jqlErr("Field '%s' does not exist or you do not have permission to view it.", field)
	}
	op := strings.ToUpper(p.next())
	c := clause{field: field, op: op}
	switch op {
	case "=", "WAS":
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		c.values = []string{v}
	case "CHANGED":
		if !strings.EqualFold(p.next(), "BY") {
			return nil, jqlErr("Error in the JQL Query: the fake supports only CHANGED BY")
		}
		c.op = "CHANGED BY"
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		c.values = []string{v}
	case "IN":
		if p.next() != "(" {
			return nil, jqlErr("Error in the JQL Query: expecting '(' after IN")
		}
		for {
			v, err := p.value()
			if err != nil {
				return nil, err
			}
			c.values = append(c.values, v)
			if t := p.next(); t == ")" {
				break
			} else if t != "," {
				return nil, jqlErr("Error in the JQL Query: expecting ',' or ')'")
			}
		}
	case ">=", ">", "<", "<=":
		if field != "updated" {
			return nil, jqlErr("Error in the JQL Query: %s %s is not supported by the fake", field, op)
		}
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		t, err := parseJQLDate(v, p.loc)
		if err != nil {
			return nil, err
		}
		c.at = t
	default:
		return nil, jqlErr("Error in the JQL Query: operator %q is not supported by the fake", op)
	}
	return c, nil
}

// updatedBy parses `issue in updatedBy(user[, "from"[, "to"]])`, which only
// Jira Cloud knows; dates are days in the searcher's zone, to inclusive.
func (p *jqlParser) updatedBy() (expr, error) {
	if !strings.EqualFold(p.next(), "in") {
		return nil, jqlErr("Error in the JQL Query: the fake supports only 'issue in updatedBy(...)'")
	}
	if fn := p.next(); !strings.EqualFold(fn, "updatedBy") {
		return nil, jqlErr("Unable to find JQL function '%s()'.", fn)
	}
	if !p.cloud {
		return nil, jqlErr("Unable to find JQL function 'updatedBy()'.")
	}
	if p.next() != "(" {
		return nil, jqlErr("Error in the JQL Query: expecting '(' after updatedBy")
	}
	var args []string
	for {
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		args = append(args, v)
		if t := p.next(); t == ")" {
			break
		} else if t != "," {
			return nil, jqlErr("Error in the JQL Query: expecting ',' or ')'")
		}
	}
	if len(args) > 3 {
		return nil, jqlErr("Function 'updatedBy' expected between '1' and '3' arguments but received '%d'.", len(args))
	}
	c := clause{field: "issue", op: "updatedBy", values: args[:1]}
	for i, a := range args[1:] {
		t, err := time.ParseInLocation("2006/01/02", a, p.loc)
		if err != nil {
			if t, err = time.ParseInLocation(time.DateOnly, a, p.loc); err != nil {
				return nil, jqlErr("Date value '%s' for function 'updatedBy' is invalid; write it as 'yyyy/MM/dd'.", a)
			}
		}
		if i == 0 {
			c.at = t
		} else {
			c.until = t.AddDate(0, 0, 1)
		}
	}
	return c, nil
}

func (p *jqlParser) value() (string, error) {
	v := p.next()
	if v == "" || v == "(" || v == ")" || v == "," {
		return "", jqlErr("Error in the JQL Query: expecting a value, got %q", v)
	}
	if strings.EqualFold(v, "currentUser") && p.peek() == "(" {
		p.next()
		if p.next() != ")" {
			return "", jqlErr("Error in the JQL Query: expecting ')' after currentUser(")
		}
		return p.me, nil
	}
	return strings.Trim(v, `"'`), nil
}

// parseJQLDate reads the date forms JQL accepts, in the searching user's
// time zone, as Jira does.
func parseJQLDate(v string, loc *time.Location) (time.Time, error) {
	for _, layout := range []string{"2006/01/02 15:04", "2006-01-02 15:04", "2006/01/02", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, v, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, jqlErr("Date value '%s' for field 'updated' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd'", v)
}

func lex(s string) ([]string, error) {
	var out []string
	r := []rune(s)
	for i := 0; i < len(r); {
		c := r[i]
		switch {
		case unicode.IsSpace(c):
			i++
		case c == '(' || c == ')' || c == ',':
			out = append(out, string(c))
			i++
		case c == '"' || c == '\'':
			j := i + 1
			for j < len(r) && r[j] != c {
				j++
			}
			if j >= len(r) {
				return nil, jqlErr("Error in the JQL Query: unterminated string")
			}
			out = append(out, string(r[i:j+1]))
			i = j + 1
		case c == '>' || c == '<' || c == '=' || c == '!':
			j := i + 1
			if j < len(r) && r[j] == '=' {
				j++
			}
			out = append(out, string(r[i:j]))
			i = j
		default:
			j := i
			for j < len(r) && !unicode.IsSpace(r[j]) && !strings.ContainsRune("(),=<>!\"'", r[j]) {
				j++
			}
			out = append(out, string(r[i:j]))
			i = j
		}
	}
	return out, nil
}

// jqlError is a message as Jira sends it, capitalised and punctuated.
type jqlError string

func (e jqlError) Error() string { return string(e) }

func jqlErr(format string, a ...any) error { return jqlError(fmt.Sprintf(format, a...)) }
