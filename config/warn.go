package config

import (
	"fmt"
	"net"
	"strings"
)

// placeholders are the values `evident init` writes for the user to
// replace.
var placeholders = []string{"Your Name", "your-login", "you@example.com", "your-org"}

// warn finds what is valid but almost certainly not meant: placeholders
// left from the template, token variables that are not set, polls faster
// than the source allows.
func (v *validator) warn() []Problem {
	var out []Problem
	add := func(p, format string, args ...any) {
		out = append(out, Problem{v.line(p), fmt.Sprintf(format, args...)})
	}
	c := v.c
	for p, val := range map[string]string{"me.name": c.Me.Name, "me.github": c.Me.GitHub, "me.jira": c.Me.Jira} {
		if isPlaceholder(val) {
			add(p, "%q is the template's placeholder; put your own here", val)
		}
	}
	for i, e := range c.Me.Emails {
		if isPlaceholder(e) {
			add(fmt.Sprintf("me.emails[%d]", i), "%q is the template's placeholder; put your own here", e)
		}
	}
	for i, t := range c.Org.Teams {
		for j, m := range t.Members.GitHub {
			if isPlaceholder(m) {
				add(fmt.Sprintf("org.teams[%d].members.github[%d]", i, j), "%q is the template's placeholder; put your team's GitHub logins here", m)
			}
		}
		for j, r := range t.Repos {
			if isPlaceholder(r.Glob) {
				add(fmt.Sprintf("org.teams[%d].repos[%d]", i, j), "%q is the template's placeholder; put your team's repositories here", r.Glob)
			}
		}
	}
	ch := &Checker{v: v, now: v.now, warn: &out}
	for _, e := range v.sourcePaths() {
		if w, ok := e.Source.(Warner); ok {
			w.Warn(ch, e.path)
		}
	}
	return out
}

// loopbackHost reports a name or address of this machine.
func loopbackHost(h string) bool {
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

func isPlaceholder(s string) bool {
	for _, p := range placeholders {
		if s == p || strings.HasPrefix(s, p+"/") {
			return true
		}
	}
	return false
}
