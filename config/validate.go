package config

import (
	"fmt"
	"net/mail"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
)

type validator struct {
	c        *Config
	lines    map[string]int
	dir      string            // the config file's folder, for relative paths
	names    map[string]string // source name -> path of its first use
	now      time.Time         // for the default since date
	problems []Problem
}

// line finds the line of path, or of its nearest ancestor that exists.
func (v *validator) line(p string) int {
	for p != "" {
		if n, ok := v.lines[p]; ok {
			return n
		}
		i := strings.LastIndexAny(p, ".[")
		if i < 0 {
			break
		}
		p = p[:i]
	}
	return 1
}

func (v *validator) add(p, format string, args ...any) {
	v.problems = append(v.problems, Problem{v.line(p), fmt.Sprintf(format, args...)})
}

var nameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

func (v *validator) check() {
	c := v.c
	v.checkMe()
	v.checkOrg()
	v.checkEncryption()
	v.checkCriteria()
	v.checkDigest()
	c.DataDir = v.resolvePath(c.DataDir)
	v.checkBackup()
	v.names = map[string]string{}
	ch := &Checker{v: v, now: v.now}
	for _, e := range v.sourcePaths() {
		v.sourceName(e.path, e.Source.SourceName())
		e.Source.Check(ch, e.path)
	}
	v.checkContainers()
}

// sourcePath is a source with its path in the file.
type sourcePath struct {
	Entry
	path string
}

// sourcePaths lists the sources in file order, each with its path
// ("sources.gdocs[0]").
func (v *validator) sourcePaths() []sourcePath {
	var out []sourcePath
	n := map[string]int{}
	for _, e := range v.c.Sources.entries {
		out = append(out, sourcePath{e, fmt.Sprintf("sources.%s[%d]", e.Type, n[e.Type])})
		n[e.Type]++
	}
	return out
}

// checkContainers checks the containers each team and org_wide name, by
// their types' rules.
func (v *validator) checkContainers() {
	for _, t := range SourceTypes() {
		if t.CheckContainer == nil {
			continue
		}
		for i, team := range v.c.Org.Teams {
			for j, k := range team.Containers[t.Name] {
				if msg := t.CheckContainer(v.c, k); msg != "" {
					v.add(fmt.Sprintf("org.teams[%d].%s[%d]", i, t.OrgKey, j), "%s", msg)
				}
			}
		}
		for j, k := range v.c.Org.OrgWide.Containers[t.Name] {
			if msg := t.CheckContainer(v.c, k); msg != "" {
				v.add(fmt.Sprintf("org.org_wide.%s[%d]", t.OrgKey, j), "%s", msg)
			}
		}
	}
}

func (v *validator) checkEncryption() {
	switch e := v.c.Encryption; {
	case e.KeyEnv != "" && e.Key != "":
		v.add("encryption.key", "set encryption.key_env or encryption.key: keyring, not both")
	case e.Key != "" && e.Key != Keyring:
		v.add("encryption.key", "encryption.key may only be %q; put the key in the keyring or an environment variable (key_env)", Keyring)
	case e.KeyEnv != "" && !envRE.MatchString(e.KeyEnv):
		v.add("encryption.key_env", "key_env names an environment variable, like EVIDENT_STORE_KEY")
	}
}

// sourceName checks a source's name: present, well-formed, unique among
// all sources.
func (v *validator) sourceName(p, name string) {
	switch {
	case name == "":
		v.add(p, "this source needs a name")
	case !nameRE.MatchString(name):
		v.add(p+".name", "source name %q may use only letters, digits, '.', '_' and '-'", name)
	case v.names[name] != "":
		v.add(p+".name", "source name %q is already used (line %d); names must be unique among all sources", name, v.line(v.names[name]+".name"))
	default:
		v.names[name] = p
	}
}

func (v *validator) checkMe() {
	me := &v.c.Me
	if me.Name == "" && me.GitHub == "" && me.Jira == "" && len(me.Emails) == 0 {
		v.add("me", "say who you are: set at least one of me.name, me.github, me.jira or me.emails")
	}
	me.GitHub = strings.TrimPrefix(me.GitHub, "@")
	for i, e := range me.Emails {
		if _, err := mail.ParseAddress(e); err != nil {
			v.add(fmt.Sprintf("me.emails[%d]", i), "%q is not an email address", e)
		}
	}
	ids := map[string]bool{}
	for _, t := range v.c.Org.Teams {
		ids[t.ID] = true
	}
	for i, t := range me.Teams {
		if !ids[t] {
			v.add(fmt.Sprintf("me.teams[%d]", i), "team %q is not defined under org.teams", t)
		}
	}
}

func (v *validator) checkOrg() {
	o := &v.c.Org
	if o.OrgThreshold < 2 {
		v.add("org.org_threshold", "org_threshold must be at least 2 (distinct teams, yours counted)")
	}
	for i, g := range o.OrgWide.Repos {
		v.checkGlob(fmt.Sprintf("org.org_wide.repos[%d]", i), g)
	}
	ids := map[string]int{}
	names := map[string]string{} // lower-case name or alias -> team id
	for i := range o.Teams {
		t := &o.Teams[i]
		p := fmt.Sprintf("org.teams[%d]", i)
		v.checkID(p, "team", t.ID, ids)
		if t.Name == "" {
			t.Name = t.ID
		}
		for j, a := range append([]string{t.ID, t.Name}, t.Aliases...) {
			k := strings.ToLower(a)
			if other, ok := names[k]; ok && other != t.ID && j >= 2 {
				v.add(fmt.Sprintf("%s.aliases[%d]", p, j-2), "alias %q already names team %q", a, other)
			} else if !ok {
				names[k] = t.ID
			}
		}
		for j, g := range t.Repos {
			v.checkGlob(fmt.Sprintf("%s.repos[%d]", p, j), g.Glob)
		}
		for j, m := range t.Members.GitHub {
			t.Members.GitHub[j] = strings.TrimPrefix(m, "@")
		}
	}
	if (len(o.GitHubTeams) > 0 || o.CodeOwners) && len(v.c.Sources.Of("github")) == 0 {
		v.add("org", "org.github_teams and org.codeowners read GitHub: add a GitHub source")
	}
}

func (v *validator) checkGlob(p, g string) {
	if _, err := path.Match(g, ""); err != nil {
		v.add(p, "repo pattern %q is not a valid glob", g)
		return
	}
	if strings.Count(g, "/") != 1 {
		v.add(p, "repo pattern %q must be owner/name (globs allowed: acme/payments-*)", g)
	}
}

func (v *validator) checkURL(p, raw string) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		v.add(p, "%q is not an http(s) URL", raw)
	}
}

func (v *validator) checkToken(p string, t Token, what string) {
	n := 0
	for _, s := range []string{t.TokenEnv, t.TokenCommand, t.Token} {
		if s != "" {
			n++
		}
	}
	switch {
	case t.Token != "" && t.Token != Keyring:
		v.add(p+".token", "token may only be %q (the token evident auth stored); never put the token itself in the config", Keyring)
	case n > 1:
		v.add(p+".token_command", "set one of token_env, token_command or token: keyring")
	case n == 0:
		v.add(p, "%s needs a token: set token_env (an environment variable), token_command, or token: keyring (after evident auth)", what)
	case t.TokenEnv != "" && (!envRE.MatchString(t.TokenEnv) || looksLikeSecret(t.TokenEnv)):
		v.add(p+".token_env", "token_env names an environment variable, like GITHUB_TOKEN; %q is not one (never put the token itself here)", redactish(t.TokenEnv))
	}
}

var envRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// looksLikeSecret spots a token pasted where a variable name belongs:
// GitHub's and Atlassian's token prefixes, or a long mixed-case string.
func looksLikeSecret(s string) bool {
	for _, p := range []string{"ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "ATATT"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return len(s) >= 30 && strings.ToUpper(s) != s
}

// redactish shows a value that may be a pasted secret only by its shape.
func redactish(s string) string {
	if len(s) > 8 {
		return s[:3] + "…"
	}
	return s
}

// resolvePath expands ~ and makes p absolute relative to the config's folder.
func (v *validator) resolvePath(p string) string {
	if p == "~" || strings.HasPrefix(p, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			p = filepath.Join(home, p[1:])
		}
	}
	p = os.ExpandEnv(p)
	if !filepath.IsAbs(p) {
		p = filepath.Join(v.dir, p)
	}
	return filepath.Clean(p)
}

// checkID checks the id of the thing (a team, a criterion) at p: present,
// well-formed, not defined before; seen maps the ids so far to their lines.
func (v *validator) checkID(p, thing, id string, seen map[string]int) {
	switch {
	case id == "":
		v.add(p, "a %s needs an id", thing)
	case !nameRE.MatchString(id):
		v.add(p+".id", "%s id %q may use only letters, digits, '.', '_' and '-'", thing, id)
	case seen[id] > 0:
		v.add(p+".id", "%s id %q is already defined (line %d)", thing, id, seen[id])
	default:
		seen[id] = v.line(p + ".id")
	}
}

func (v *validator) checkCriteria() {
	ids := map[string]int{}
	for i := range v.c.Criteria {
		cr := &v.c.Criteria[i]
		p := fmt.Sprintf("criteria[%d]", i)
		v.checkID(p, "criterion", cr.ID, ids)
		if strings.TrimSpace(cr.Text) == "" {
			v.add(p, "criterion %q needs a text: what the level asks for, in your words", cr.ID)
		}
		switch {
		case cr.Domain == "":
			v.add(p, "criterion %q needs a domain (%s)", cr.ID, strings.Join(Domains, ", "))
		case !slices.Contains(Domains, cr.Domain):
			v.add(p+".domain", "unknown domain %q (want %s)", cr.Domain, strings.Join(Domains, ", "))
		}
		for j, k := range cr.Keywords {
			if strings.TrimSpace(k) == "" {
				v.add(fmt.Sprintf("%s.keywords[%d]", p, j), "an empty keyword matches everything; remove it")
			}
		}
	}
}

// minBackupEvery is the shortest backup schedule: a backup reads the
// whole store.
const minBackupEvery = time.Hour

func (v *validator) checkBackup() {
	b := &v.c.Backup
	if b.Every.D == 0 {
		if b.Keep != 0 || b.Dir != "" {
			v.add("backup.every", "backup needs every (for example 7d) to schedule backups")
		}
		return
	}
	if b.Every.D < minBackupEvery {
		v.add("backup.every", "backups run at most once an hour; use 1h or more (7d is usual)")
	}
	switch {
	case b.Keep < 0:
		v.add("backup.keep", "keep is how many backups to keep: 1 or more")
	case b.Keep == 0:
		b.Keep = DefaultBackupKeep
	}
	if b.Dir == "" {
		b.Dir = v.c.DataDir + "-backups" // beside the store, not inside it
	} else {
		b.Dir = v.resolvePath(b.Dir)
	}
	if filepath.Clean(b.Dir) == filepath.Clean(v.c.DataDir) {
		v.add("backup.dir", "backups cannot go into the data dir itself; name another folder (best on another disk)")
	}
}

func (v *validator) checkDigest() {
	d := &v.c.Digest
	if d.When != "" {
		if _, err := ParseWeekly(d.When); err != nil {
			v.add("digest.when", "%v", err)
		}
		if strings.TrimSpace(d.Command) == "" {
			v.add("digest", "digest.when needs a digest.command to run (it gets the digest on standard input)")
		}
	}
}
