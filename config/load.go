package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.yaml.in/yaml/v3"
)

// ErrNotExist is returned (wrapped) by Load when the file does not exist.
var ErrNotExist = fs.ErrNotExist

// NotExistError says there is no config at Path, and what to do.
type NotExistError struct{ Path string }

func (e *NotExistError) Error() string {
	return fmt.Sprintf("no config at %s; run evident init (or name one with --config FILE)", e.Path)
}

// Is makes errors.Is(err, ErrNotExist) hold.
func (e *NotExistError) Is(target error) bool { return target == ErrNotExist }

// Load reads, checks and completes the config at path. A file that cannot be
// read gives a plain error (errors.Is(err, ErrNotExist) when it is missing);
// a file with problems gives an *Error listing all of them.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, &NotExistError{Path: path}
		}
		return nil, fmt.Errorf("read config: %w", err)
	}
	return Parse(path, data, time.Now())
}

// Parse checks and completes a config given as bytes; path names it in
// problems and anchors relative paths. now sets the default since date.
func Parse(path string, data []byte, now time.Time) (*Config, error) {
	c := &Config{Path: path}
	var problems []Problem

	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, &Error{Path: path, Problems: []Problem{syntaxProblem(data, err)}}
	}
	lines := map[string]int{}
	if len(root.Content) > 0 {
		doc := root.Content[0]
		if doc.Kind != yaml.MappingNode && !(doc.Kind == yaml.ScalarNode && doc.Tag == "!!null") {
			return nil, &Error{Path: path, Problems: []Problem{{doc.Line, "the config must be a mapping of keys (me, data_dir, org, sources)"}}}
		}
		indexLines(doc, "", lines)
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(c); err != nil {
			var te *yaml.TypeError
			if !errors.As(err, &te) {
				return nil, &Error{Path: path, Problems: []Problem{syntaxProblem(data, err)}}
			}
			for _, e := range te.Errors {
				problems = append(problems, typeProblem(e))
			}
		}
	}
	for _, t := range c.Org.Teams {
		for _, e := range t.problems {
			problems = append(problems, typeProblem(e))
		}
	}
	c.Path = path
	c.applyDefaults()
	abs, _ := filepath.Abs(path)
	v := validator{c: c, lines: lines, dir: filepath.Dir(abs), now: now}
	v.check()
	problems = append(problems, v.problems...)
	if len(problems) > 0 {
		sort.SliceStable(problems, func(i, j int) bool { return problems[i].Line < problems[j].Line })
		return nil, &Error{Path: path, Problems: slices.Compact(problems)}
	}
	c.Warnings = v.warn()
	sort.SliceStable(c.Warnings, func(i, j int) bool { return c.Warnings[i].Line < c.Warnings[j].Line })
	return c, nil
}

var lineRE = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// syntaxProblem says where a YAML syntax error really is: yaml.v3 reports
// the start of the enclosing block, so the offending line is looked for; a
// tab in the indentation is always named as such.
func syntaxProblem(data []byte, err error) Problem {
	if n := tabLine(data); n > 0 {
		return Problem{n, "YAML syntax: this line is indented with a tab; YAML needs spaces"}
	}
	msg := err.Error()
	if m := lineRE.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		if c := culpritLine(data, n); c != n {
			return Problem{c, "YAML syntax: this line's indentation does not match the lines above it (" + m[2] + " in the block from line " + m[1] + ")"}
		}
		if strings.Contains(m[2], "mapping values are not allowed") {
			return Problem{n, "YAML syntax: " + m[2] + " (check this line's indentation, or quote a value that contains \": \")"}
		}
		return Problem{n, "YAML syntax: " + m[2]}
	}
	return Problem{1, "YAML syntax: " + strings.TrimPrefix(msg, "yaml: ")}
}

var (
	unknownFieldRE = regexp.MustCompile(`^field (\S+) not found in type (\S+)$`)
	cannotRE       = regexp.MustCompile("^cannot unmarshal !!(\\w+)(?: `(.*)`)? into (\\S+)$")
	// typesByName are the types of the file, by Go name, for the keys an
	// "unknown key" message lists (RegisterSource adds each source type's).
	typesByName sync.Map
)

func init() {
	for _, v := range []any{Config{}, Encryption{}, Me{}, Org{}, OrgWide{}, Team{}, Members{}, Sources{}, Backup{}, Digest{}, Criterion{}} {
		t := reflect.TypeOf(v)
		typesByName.Store(t.String(), t)
	}
}

// typeProblem turns one of yaml.v3's "line N: ..." messages into plain words.
func typeProblem(e string) Problem {
	m := lineRE.FindStringSubmatch(e)
	if m == nil {
		return Problem{1, e}
	}
	line, _ := strconv.Atoi(m[1])
	msg := m[2]
	if f := unknownFieldRE.FindStringSubmatch(msg); f != nil {
		msg = fmt.Sprintf("unknown key %q", f[1])
		if t, ok := typesByName.Load(f[2]); ok {
			msg += " (known keys here: " + strings.Join(knownKeys(t.(reflect.Type)), ", ") + ")"
		}
	} else if f := cannotRE.FindStringSubmatch(msg); f != nil {
		got := map[string]string{"seq": "a list", "map": "a mapping", "str": "a string", "int": "a number", "bool": "true/false", "float": "a number", "null": "nothing"}[f[1]]
		if f[2] != "" {
			got = fmt.Sprintf("%q", f[2])
		}
		msg = fmt.Sprintf("expected %s, got %s", wantWords(f[3]), got)
	}
	return Problem{line, msg}
}

func wantWords(goType string) string {
	switch {
	case goType == "int":
		return "a whole number"
	case goType == "string":
		return "a string"
	case goType == "bool":
		return "true or false"
	case strings.HasPrefix(goType, "[]"):
		return "a list"
	case strings.HasPrefix(goType, "config."):
		return "a mapping of keys"
	}
	return goType
}

// knownKeys are the keys a mapping of type t takes: its fields', and for
// Sources the registered types, for a team its containers' keys.
func knownKeys(t reflect.Type) []string {
	if t == reflect.TypeFor[Sources]() {
		var out []string
		for _, st := range SourceTypes() {
			out = append(out, st.Name)
		}
		return out
	}
	return append(yamlKeys(t), orgKeysOf(t)...)
}

func yamlKeys(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("yaml")
		name, opts, _ := strings.Cut(tag, ",")
		switch {
		case name == "-":
		case opts == "inline":
			out = append(out, yamlKeys(f.Type)...)
		case name != "":
			out = append(out, name)
		}
	}
	return out
}

// indexLines records the line of every key and list item under n, by path
// ("sources.github[0].name").
func indexLines(n *yaml.Node, path string, lines map[string]int) {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			p := k.Value
			if path != "" {
				p = path + "." + k.Value
			}
			lines[p] = k.Line
			indexLines(n.Content[i+1], p, lines)
		}
	case yaml.SequenceNode:
		for i, item := range n.Content {
			p := fmt.Sprintf("%s[%d]", path, i)
			lines[p] = item.Line
			indexLines(item, p, lines)
		}
	}
}
