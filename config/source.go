package config

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	"go.yaml.in/yaml/v3"
)

// A SourceType is one kind of source evident reads: the list sources.NAME,
// what each entry of it holds, and the key under which teams list the
// containers of that type they own. A connector declares its type, and
// RegisterSource makes config read it; config knows no source by name.
type SourceType struct {
	// Name is the key of the list under sources ("gdocs").
	Name string
	// New returns an empty entry to decode one item of the list into.
	New func() Source
	// OrgKey is the key under org.teams[] (and, with OrgWide, under
	// org.org_wide) that lists the containers of this type a team owns
	// ("gdocs_folders"); "" when teams name none.
	OrgKey  string
	OrgWide bool
	// ContainerNoun names one container in a sentence ("Drive folder").
	ContainerNoun string
	// FoldCase says containers are matched in any case (Confluence space
	// keys).
	FoldCase bool
	// CheckContainer says what is wrong with a container written under
	// OrgKey, in a sentence ("" when it is fine); nil accepts any.
	CheckContainer func(c *Config, container string) string
	// SignInFrom, for a type with no sign-in of its own, names the type
	// whose sign-in stores its tokens when asked by the source's name
	// ("github" for an RFC folder in a repository); "" for none.
	SignInFrom string
	// Threads says its documents are reviewed in comment threads: their
	// items carry the comments and comments_resolved signals.
	Threads bool
	// SignIn, when set, is the sign-in `evident auth COMMAND` runs for a
	// source of this type.
	SignIn *SignIn
}

// AuthCommand is the command that stores a token for the source named
// source, one of n of this type: "evident auth COMMAND", with --source
// NAME unless the command picks it without (the only source of a type
// that signs in itself); "" when no sign-in stores its tokens.
func (t SourceType) AuthCommand(source string, n int) string {
	si, own := t.SignIn, true
	if si == nil {
		from, ok := TypeOf(t.SignInFrom)
		if t.SignInFrom == "" || !ok || from.SignIn == nil {
			return ""
		}
		si, own = from.SignIn, false
	}
	if own && n == 1 {
		return "evident auth " + si.Command
	}
	return "evident auth " + si.Command + " --source " + source
}

// SignIn is a source type's sign-in, `evident auth COMMAND`: it returns
// the secret to keep in the keyring for the source (token: keyring reads
// it back). The command picks the source, runs it, and keeps the secret.
type SignIn struct {
	// Command is the subcommand of evident auth ("google"); Product names
	// the service in sentences ("Google Drive").
	Command, Product string
	Short, Long      string
	// Flags are its string flags besides --source: name and usage.
	Flags [][2]string
	// Browser says it opens a page in the browser: the command takes
	// --no-browser. Wait bounds it (0: as long as Run takes).
	Browser bool
	Wait    time.Duration
	// Pick, when set, picks the source to sign in for by its name ("":
	// the only one); by default it is one of the type's (PickSource).
	Pick func(c *Config, name string) (Source, error)
	// Run signs in for src, with the flags' values by name, talking to
	// the person through p. It returns when done or when ctx is.
	Run func(ctx context.Context, src Source, flags map[string]string, p Prompter) (secret string, err error)
}

// Prompter is the terminal a sign-in talks to the person through.
type Prompter interface {
	// Say tells the person something: an address to open, a code to enter.
	Say(msg string)
	// Open opens url in the person's browser; an error where there is
	// none (or they asked for none), and then Say has told them the url.
	Open(url string) error
	// Secret reads what the person types after prompt (hidden on a
	// terminal) or pipes in.
	Secret(prompt string) (string, error)
}

// PickSource picks the source of type typ a command is for: the one
// named, or the only one; product names the service in its sentences.
func PickSource(c *Config, typ, product, name string) (Source, error) {
	var names []string
	all := c.Sources.Of(typ)
	for _, s := range all {
		names = append(names, s.SourceName())
		if s.SourceName() == name || (name == "" && len(all) == 1) {
			return s, nil
		}
	}
	switch {
	case len(names) == 0:
		return nil, fmt.Errorf("no %s source is configured (add one under sources.%s)", product, typ)
	case name == "":
		return nil, fmt.Errorf("say which %s source with --source NAME (configured: %s)", product, strings.Join(names, ", "))
	}
	return nil, fmt.Errorf("no %s source is named %q (configured: %s)", product, name, strings.Join(names, ", "))
}

// Source is one entry of a sources list, of any type.
type Source interface {
	// SourceName is the entry's name, unique among all sources.
	SourceName() string
	// Check completes the entry's defaults and reports each problem with
	// it through ch; p is its path in the file ("sources.gdocs[0]"). It
	// is called once, after the whole file is read.
	Check(ch *Checker, p string)
	// PollEvery is how often the daemon reads the source (after Check:
	// its default when the entry says nothing).
	PollEvery() time.Duration
}

// A Warner is a Source that also says what in it is valid but almost
// certainly not meant (a placeholder left from the template).
type Warner interface {
	Warn(ch *Checker, p string)
}

// A Credentialed is a Source that reads with a token.
type Credentialed interface {
	// Credential is where the token comes from; ok is false when this
	// entry needs none (a local folder).
	Credential() (t Token, ok bool)
}

var (
	typesMu     sync.RWMutex
	sourceTypes []SourceType
)

// RegisterSource makes config read sources of type t. It panics when a
// type of that name, or one using the same OrgKey, is registered already:
// two connectors cannot own one section.
func RegisterSource(t SourceType) {
	typesMu.Lock()
	defer typesMu.Unlock()
	for _, o := range sourceTypes {
		if o.Name == t.Name || (t.OrgKey != "" && o.OrgKey == t.OrgKey) {
			panic(fmt.Sprintf("config: source type %q registered twice", t.Name))
		}
	}
	sourceTypes = append(sourceTypes, t)
	rt := reflect.TypeOf(t.New())
	for rt.Kind() == reflect.Pointer {
		rt = rt.Elem()
	}
	typesByName.Store(rt.String(), rt)
}

// SourceTypes lists the registered types, in the order they were
// registered (the order status lists sources in).
func SourceTypes() []SourceType {
	typesMu.RLock()
	defer typesMu.RUnlock()
	return slices.Clone(sourceTypes)
}

// TypeOf finds a registered type by name.
func TypeOf(name string) (SourceType, bool) {
	typesMu.RLock()
	defer typesMu.RUnlock()
	for _, t := range sourceTypes {
		if t.Name == name {
			return t, true
		}
	}
	return SourceType{}, false
}

// Entry is one configured source with its type.
type Entry struct {
	Type   string
	Source Source
}

// Sources are the configured sources: each list under sources, read into
// the entry type its SourceType names.
type Sources struct {
	entries []Entry
}

// All lists every source, by type in registration order, then in file
// order.
func (s Sources) All() []Entry {
	out := make([]Entry, 0, len(s.entries))
	for _, t := range SourceTypes() {
		for _, e := range s.entries {
			if e.Type == t.Name {
				out = append(out, e)
			}
		}
	}
	return out
}

// Of lists the sources of one type, in file order.
func (s Sources) Of(typ string) []Source {
	var out []Source
	for _, e := range s.entries {
		if e.Type == typ {
			out = append(out, e.Source)
		}
	}
	return out
}

// Add appends a source of a registered type (a program building a config
// rather than reading one: the demo, a test).
func (s *Sources) Add(typ string, src Source) {
	s.entries = append(s.entries, Entry{Type: typ, Source: src})
}

// Named finds a source by name.
func (s Sources) Named(name string) (Entry, bool) {
	for _, e := range s.entries {
		if e.Source.SourceName() == name {
			return e, true
		}
	}
	return Entry{}, false
}

// MarshalYAML writes the lists back by type.
func (s Sources) MarshalYAML() (any, error) {
	out := map[string][]Source{}
	for _, e := range s.entries {
		out[e.Type] = append(out[e.Type], e.Source)
	}
	return out, nil
}

// UnmarshalYAML reads each list under sources into its type's entries,
// as strictly as the rest of the file: an unknown type or key is named
// with the keys that are known there.
func (s *Sources) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: cannot unmarshal !!%s into config.Sources", n.Line, shortTag(n))}}
	}
	var errs []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		t, ok := TypeOf(k.Value)
		if !ok {
			errs = append(errs, fmt.Sprintf("line %d: field %s not found in type config.Sources", k.Line, k.Value))
			continue
		}
		if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
			continue
		}
		if v.Kind != yaml.SequenceNode {
			errs = append(errs, fmt.Sprintf("line %d: cannot unmarshal !!%s into []%s", v.Line, shortTag(v), k.Value))
			continue
		}
		for _, item := range v.Content {
			src := t.New()
			errs = append(errs, decodeStrict(item, src)...)
			s.entries = append(s.entries, Entry{Type: t.Name, Source: src})
		}
	}
	if len(errs) > 0 {
		return &yaml.TypeError{Errors: errs}
	}
	return nil
}

func shortTag(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "map"
	case yaml.SequenceNode:
		return "seq"
	}
	return strings.TrimPrefix(n.ShortTag(), "!!")
}

// decodeStrict decodes mapping n into v (a pointer to a struct) and
// returns yaml.v3's "line N: …" messages, with a key v has no field for
// reported as KnownFields would (a node's Decode does not inherit it).
func decodeStrict(n *yaml.Node, v any) []string {
	return decodeStrictAs(n, v, reflect.TypeOf(v).Elem())
}

// decodeStrictAs is decodeStrict naming (and taking the keys of) type rt.
func decodeStrictAs(n *yaml.Node, v any, rt reflect.Type) []string {
	var errs []string
	if n.Kind == yaml.MappingNode {
		known := append(yamlKeys(rt), orgKeysOf(rt)...)
		for i := 0; i+1 < len(n.Content); i += 2 {
			if k := n.Content[i]; !slices.Contains(known, k.Value) {
				errs = append(errs, fmt.Sprintf("line %d: field %s not found in type %s", k.Line, k.Value, rt.String()))
			}
		}
	}
	if err := n.Decode(v); err != nil {
		if te, ok := err.(*yaml.TypeError); ok {
			errs = append(errs, te.Errors...)
		} else {
			errs = append(errs, fmt.Sprintf("line %d: %v", n.Line, err))
		}
	}
	return errs
}

// Containers are the containers (Jira projects, Confluence spaces, Drive
// folders…) a team or the org lists, by source type; each type's OrgKey
// is its YAML key.
type Containers map[string][]string

// readContainers takes the keys of mapping n that are a registered type's
// OrgKey into c and returns a mapping of the other keys; wide reads
// org_wide (only types with OrgWide).
func readContainers(n *yaml.Node, c *Containers, wide bool) (*yaml.Node, []string) {
	if n.Kind != yaml.MappingNode {
		return n, nil
	}
	rest := *n
	rest.Content = nil
	var errs []string
	types := SourceTypes()
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		j := slices.IndexFunc(types, func(t SourceType) bool { return t.OrgKey == k.Value && (t.OrgWide || !wide) })
		if j < 0 {
			rest.Content = append(rest.Content, k, v)
			continue
		}
		var list []string
		if err := v.Decode(&list); err != nil {
			errs = append(errs, fmt.Sprintf("line %d: cannot unmarshal !!%s into []string", v.Line, shortTag(v)))
			continue
		}
		if *c == nil {
			*c = Containers{}
		}
		(*c)[types[j].Name] = append((*c)[types[j].Name], list...)
	}
	return &rest, errs
}

// UnmarshalYAML reads a team, its containers by their types' keys. Its
// problems are kept with it (see Team.problems): yaml.v3 drops a list item
// whose unmarshaler fails, and a team with a misspelt key is still the
// team the rest of the file names.
func (t *Team) UnmarshalYAML(n *yaml.Node) error {
	type plain Team
	rest, errs := readContainers(n, &t.Containers, false)
	t.problems = append(errs, decodeStrictAs(rest, (*plain)(t), reflect.TypeFor[Team]())...)
	return nil
}

// UnmarshalYAML reads org_wide, its containers by their types' keys.
func (w *OrgWide) UnmarshalYAML(n *yaml.Node) error {
	type plain OrgWide
	rest, errs := readContainers(n, &w.Containers, true)
	errs = append(errs, decodeStrictAs(rest, (*plain)(w), reflect.TypeFor[OrgWide]())...)
	if len(errs) > 0 {
		return &yaml.TypeError{Errors: errs}
	}
	return nil
}

// orgKeysOf are the container keys a Team (or OrgWide) may hold besides
// its fields, for the list of known keys in an "unknown key" message.
func orgKeysOf(rt reflect.Type) []string {
	var out []string
	team, wide := rt == reflect.TypeFor[Team](), rt == reflect.TypeFor[OrgWide]()
	if !team && !wide {
		return nil
	}
	for _, t := range SourceTypes() {
		if t.OrgKey != "" && (t.OrgWide || !wide) {
			out = append(out, t.OrgKey)
		}
	}
	return out
}

// Common is what most sources' entries share: a name, an API root, a
// token, a since date and a poll. Embedded (yaml:",inline"), it gives the
// entry SourceName, PollEvery, Credential and Endpoint.
type Common struct {
	Name  string `yaml:"name"`
	URL   string `yaml:"url"`
	Token `yaml:",inline"`
	Since Date     `yaml:"since"`
	Poll  Duration `yaml:"poll"`
}

// SourceName is the entry's name.
func (c *Common) SourceName() string { return c.Name }

// PollEvery is the entry's poll.
func (c *Common) PollEvery() time.Duration { return c.Poll.D }

// Credential is where the token comes from.
func (c *Common) Credential() (Token, bool) { return c.Token, true }

// Endpoint is the API root.
func (c *Common) Endpoint() string { return c.URL }
