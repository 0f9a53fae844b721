package config

import (
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"
)

// A Checker is what a Source's Check and Warn report through: each
// problem (or, in Warn, each warning) is said at the line of the path it
// names, and the checks every source shares are written once here.
type Checker struct {
	v    *validator
	now  time.Time
	warn *[]Problem // set while warning
}

// Config is the whole file, as read so far (the user, the teams).
func (ch *Checker) Config() *Config { return ch.v.c }

// Problemf reports what is wrong at path p ("sources.gdocs[0].folders[1]");
// while warning, it is a warning.
func (ch *Checker) Problemf(p, format string, args ...any) {
	if ch.warn != nil {
		*ch.warn = append(*ch.warn, Problem{ch.v.line(p), fmt.Sprintf(format, args...)})
		return
	}
	ch.v.add(p, format, args...)
}

// URL checks that raw, at p, is an http(s) URL.
func (ch *Checker) URL(p, raw string) { ch.v.checkURL(p, raw) }

// Token checks that exactly one way to the token is set on the entry at
// p; what names the source in the sentence ("a Google Docs source").
func (ch *Checker) Token(p string, t Token, what string) { ch.v.checkToken(p, t, what) }

// Path expands ~ and $VARS in raw and makes it absolute against the
// config file's folder.
func (ch *Checker) Path(raw string) string { return ch.v.resolvePath(raw) }

// Schedule completes a source's poll (every, when it sets none) and, when
// since is not nil, its since date (DefaultHistory back).
func (ch *Checker) Schedule(poll *Duration, since *Date, every time.Duration) {
	if poll.D == 0 {
		poll.D = every
	}
	if since != nil && since.IsZero() {
		*since = Date{ch.now.Add(-DefaultHistory).UTC().Truncate(24 * time.Hour)}
	}
}

// TokenSet warns when the variable a token comes from is not set; fix
// says what to do instead.
func (ch *Checker) TokenSet(p string, t Token, fix string) {
	if t.TokenEnv != "" && strings.TrimSpace(os.Getenv(t.TokenEnv)) == "" {
		if fix == "" {
			fix = "export it, or store a token with evident auth and use token: keyring"
		}
		ch.Problemf(p+".token_env", "$%s is not set in this environment; sync will fail until it is (%s)", t.TokenEnv, fix)
	}
}

// Address warns about an API address with a space in it (pasted with
// one), or plain http to a host other than this machine: the token would
// cross the network unencrypted.
func (ch *Checker) Address(p, raw string) {
	if raw == "" {
		return
	}
	if strings.ContainsAny(raw, " \t") {
		ch.Problemf(p+".url", "%q has a space in it; remove it (a URL has none)", raw)
	}
	if u, err := url.Parse(strings.TrimSpace(raw)); err == nil && u.Scheme == "http" && !loopbackHost(u.Hostname()) {
		ch.Problemf(p+".url", "%q is plain http: the token would cross the network unencrypted; use https://", raw)
	}
}

// MinPoll warns when a source is polled faster than its service allows
// without throttling.
func (ch *Checker) MinPoll(p string, d, least time.Duration) {
	if d > 0 && d < least {
		ch.Problemf(p+".poll", "poll %s is shorter than this source allows without being throttled (at least %s)", d, least)
	}
}

// Placeholder warns when value is what `evident init` wrote for the user
// to replace; what says what belongs there.
func (ch *Checker) Placeholder(p, value, what string) {
	if isPlaceholder(value) {
		ch.Problemf(p, "%q is the template's placeholder; put %s here", value, what)
	}
}

// Each checks every name of an entry's list at p (projects, spaces) with
// check, reporting each problem at its item.
func (ch *Checker) Each(p string, list []string, check func(*Config, string) string) {
	for j, k := range list {
		if msg := check(ch.Config(), k); msg != "" {
			ch.Problemf(fmt.Sprintf("%s[%d]", p, j), "%s", msg)
		}
	}
}
