package config

import (
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"time"
)

// minPoll is the shortest poll each kind of source takes without being
// throttled: GitHub's search allows 30 requests a minute, and a poll is
// three searches plus their pages; Jira Cloud throttles bursts.
var minPoll = map[string]time.Duration{"github": time.Minute, "jira": time.Minute, "rfc-repo": time.Minute, "confluence": 5 * time.Minute}

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
	token := func(p string, t Token) {
		if t.TokenEnv != "" && strings.TrimSpace(os.Getenv(t.TokenEnv)) == "" {
			fix := "export it, or store a token with evident auth and use token: keyring"
			if strings.HasPrefix(p, "sources.github") || strings.HasPrefix(p, "sources.rfc") {
				fix = "with the GitHub CLI, token_command: gh auth token is simplest; or export it"
			}
			add(p+".token_env", "$%s is not set in this environment; sync will fail until it is (%s)", t.TokenEnv, fix)
		}
	}
	// An API address with a space (pasted with one), or plain http to a
	// host other than this machine: the token would cross the network
	// unencrypted.
	addr := func(p, raw string) {
		if raw == "" {
			return
		}
		if strings.ContainsAny(raw, " \t") {
			add(p+".url", "%q has a space in it; remove it (a URL has none)", raw)
		}
		if u, err := url.Parse(strings.TrimSpace(raw)); err == nil && u.Scheme == "http" && !loopbackHost(u.Hostname()) {
			add(p+".url", "%q is plain http: the token would cross the network unencrypted; use https://", raw)
		}
	}
	poll := func(p, kind string, d time.Duration) {
		if m := minPoll[kind]; d > 0 && d < m {
			add(p+".poll", "poll %s is shorter than this source allows without being throttled (at least %s)", d, m)
		}
	}
	for i, s := range c.Sources.GitHub {
		p := fmt.Sprintf("sources.github[%d]", i)
		token(p, s.Token)
		poll(p, "github", s.Poll.D)
		addr(p, s.URL)
	}
	// An Atlassian source: its token, its poll, and the template's address.
	atlassian := func(p, kind, product string, tok Token, every time.Duration, url string) {
		token(p, tok)
		poll(p, kind, every)
		addr(p, url)
		if strings.Contains(url, "your-org") {
			add(p+".url", "%q is the template's placeholder; put your "+product+"'s address here", url)
		}
	}
	for i, s := range c.Sources.Jira {
		atlassian(fmt.Sprintf("sources.jira[%d]", i), "jira", "Jira", s.Token, s.Poll.D, s.URL)
	}
	for i, s := range c.Sources.Confluence {
		atlassian(fmt.Sprintf("sources.confluence[%d]", i), "confluence", "Confluence", s.Token, s.Poll.D, s.URL)
	}
	for i, s := range c.Sources.RFC {
		if s.Repo == "" {
			continue
		}
		p := fmt.Sprintf("sources.rfc[%d]", i)
		token(p, s.Token)
		poll(p, "rfc-repo", s.Poll.D)
		addr(p, s.URL)
		if isPlaceholder(s.Repo) {
			add(p+".repo", "%q is the template's placeholder; put your RFC repository here", s.Repo)
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
