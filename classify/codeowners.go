package classify

import (
	"bufio"
	"fmt"
	"regexp"
	"strings"
)

// CodeOwnersPaths are the places GitHub reads a CODEOWNERS file from, in the
// order it looks: the first that exists is used.
var CodeOwnersPaths = []string{".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"}

// CodeOwners is a parsed CODEOWNERS file.
type CodeOwners struct {
	rules []coRule
}

type coRule struct {
	re     *regexp.Regexp
	owners []string
	line   int
}

// CodeOwnersError is a line of a CODEOWNERS file that could not be read.
type CodeOwnersError struct {
	Line int
	Msg  string
}

func (e CodeOwnersError) Error() string { return fmt.Sprintf("CODEOWNERS line %d: %s", e.Line, e.Msg) }

// ParseCodeOwners reads a CODEOWNERS file with GitHub's rules: one pattern
// and its owners per line, # comments, gitignore-style patterns. Lines it
// cannot read are returned as errors and skipped, as GitHub skips them.
func ParseCodeOwners(text string) (*CodeOwners, []error) {
	co := &CodeOwners{}
	var errs []error
	sc := bufio.NewScanner(strings.NewReader(text))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if i := strings.Index(line, " #"); i >= 0 {
			line = line[:i]
		}
		f := strings.Fields(line)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		re, err := patternRE(f[0])
		if err != nil {
			errs = append(errs, CodeOwnersError{n, err.Error()})
			continue
		}
		co.rules = append(co.rules, coRule{re: re, owners: f[1:], line: n})
	}
	return co, errs
}

// Owners returns the owners of a file path; the last matching pattern wins.
// A matching pattern with no owners leaves the file unowned.
func (co *CodeOwners) Owners(file string) []string {
	file = strings.TrimPrefix(file, "/")
	for i := len(co.rules) - 1; i >= 0; i-- {
		if co.rules[i].re.MatchString(file) {
			return co.rules[i].owners
		}
	}
	return nil
}

func patternRE(p string) (*regexp.Regexp, error) {
	if strings.HasPrefix(p, "\\#") {
		p = p[1:]
	}
	if strings.Contains(p, "[") || strings.HasPrefix(p, "!") {
		return nil, fmt.Errorf("pattern %q uses syntax GitHub does not support in CODEOWNERS", p)
	}
	anchored := strings.HasPrefix(p, "/") || strings.Contains(strings.TrimSuffix(p, "/"), "/")
	p = strings.TrimPrefix(p, "/")
	dirOnly := strings.HasSuffix(p, "/")
	p = strings.TrimSuffix(p, "/")
	var b strings.Builder
	b.WriteString("^")
	if !anchored {
		b.WriteString("(?:.*/)?")
	}
	for i := 0; i < len(p); i++ {
		switch {
		case strings.HasPrefix(p[i:], "**/"):
			b.WriteString("(?:.*/)?")
			i += 2
		case strings.HasPrefix(p[i:], "/**") && i+3 == len(p):
			b.WriteString("/.*")
			i += 2
		case strings.HasPrefix(p[i:], "**"):
			b.WriteString(".*")
			i++
		case p[i] == '*':
			b.WriteString("[^/]*")
		case p[i] == '?':
			b.WriteString("[^/]")
		default:
			b.WriteString(regexp.QuoteMeta(p[i : i+1]))
		}
	}
	switch {
	case dirOnly:
		b.WriteString("/.*$")
	case strings.HasSuffix(p, "/*") && !strings.HasSuffix(p, "**"):
		// GitHub: "docs/*" owns docs/x.md but not docs/sub/y.md.
		b.WriteString("$")
	default:
		b.WriteString("(?:/.*)?$")
	}
	return regexp.Compile(b.String())
}
