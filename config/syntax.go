package config

import (
	"strings"
)

// culpritLine finds the line that really breaks a YAML document when
// yaml.v3 reports line reported, the start of the enclosing block: the
// first line after it whose indentation fits no open block (a dedent to no
// level in use, or an indent under a line that opens nothing). It returns
// reported when it finds none.
func culpritLine(data []byte, reported int) int {
	lines := strings.Split(string(data), "\n")
	var levels []int // indentation of the open blocks, innermost last
	opens := true    // the previous line may open a deeper block
	scalar := -1     // inside a block scalar (|, >) opened at this indent
	for i, raw := range lines {
		n := i + 1
		body := strings.TrimLeft(raw, " ")
		indent := len(raw) - len(body)
		if strings.TrimSpace(body) == "" || strings.HasPrefix(body, "#") {
			continue
		}
		if scalar >= 0 {
			if indent > scalar {
				continue
			}
			scalar = -1
		}
		bad := false
		switch top := lastOr(levels, -1); {
		case indent > top:
			bad = !opens && len(levels) > 0
			levels = append(levels, indent)
		case indent < top:
			for len(levels) > 0 && levels[len(levels)-1] > indent {
				levels = levels[:len(levels)-1]
			}
			bad = lastOr(levels, -1) != indent
			if bad {
				levels = append(levels, indent)
			}
		}
		if bad && n > reported {
			return n
		}
		// A sequence item's content sits after "- ".
		item := body
		for strings.HasPrefix(item, "- ") {
			item = strings.TrimLeft(item[2:], " ")
			levels = append(levels, len(raw)-len(item))
		}
		code := stripComment(item)
		opens = strings.HasSuffix(code, ":") || code == "-"
		if strings.HasSuffix(code, "|") || strings.HasSuffix(code, ">") || strings.HasSuffix(code, "|-") || strings.HasSuffix(code, ">-") {
			scalar = indent
		}
	}
	return reported
}

func lastOr(s []int, def int) int {
	if len(s) == 0 {
		return def
	}
	return s[len(s)-1]
}

// stripComment drops a trailing "# comment" outside quotes, and spaces.
func stripComment(s string) string {
	inS, inD := false, false
	for i, r := range s {
		switch {
		case r == '\'' && !inD:
			inS = !inS
		case r == '"' && !inS:
			inD = !inD
		case r == '#' && !inS && !inD && (i == 0 || s[i-1] == ' '):
			return strings.TrimSpace(s[:i])
		}
	}
	return strings.TrimSpace(s)
}

// tabLine is the first line indented with a tab, or 0.
func tabLine(data []byte) int {
	for i, l := range strings.Split(string(data), "\n") {
		lead := l[:len(l)-len(strings.TrimLeft(l, " \t"))]
		if strings.Contains(lead, "\t") {
			return i + 1
		}
	}
	return 0
}
