package rfc

import (
	"bufio"
	"bytes"
	"fmt"
	"path"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/evident-sync/evident/connectors"
)

// Doc is what a design document says of itself.
type Doc struct {
	Path    string
	Format  string // kep, pep, rust, front-matter, go-design, markdown
	Title   string
	Status  string
	Created time.Time
	Updated time.Time
	People  []Person
	// OwningTeam and Participating are the teams the document declares,
	// exactly as written; Teams is both, the owner first, without repeats.
	OwningTeam    string
	Participating []string
	Teams         []string
	// PRs are the pull requests the document says brought it (a Rust RFC's
	// "RFC PR"), the first the one that did.
	PRs []int
	// Problems are fields that did not parse; the document still counts.
	Problems []string
}

// Person is someone a document names, with their part in it.
type Person struct {
	Login string // GitHub login, without @
	Name  string
	Email string
	Role  connectors.Role
}

// Identity is the person's best identity for team mapping: email, then
// GitHub login, then name.
func (p Person) Identity() connectors.Identity {
	switch {
	case p.Email != "":
		return connectors.Identity{System: "email", ID: strings.ToLower(p.Email), Role: p.Role}
	case p.Login != "":
		return connectors.Identity{System: "github", ID: p.Login, Role: p.Role}
	}
	return connectors.Identity{System: "name", ID: p.Name, Role: p.Role}
}

// ParseError is a document that could not be read at all.
type ParseError struct {
	Path string
	Line int
	Msg  string
}

func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s; skipped", e.Path, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s; skipped", e.Path, e.Msg)
}

// Parse recognises a document by its content and reads what it declares.
// name is its path (for messages and the fallback title). A KEP is parsed
// from its kep.yaml. It returns nil, nil for a file that is not a document.
func Parse(name string, content []byte) (*Doc, error) {
	base := path.Base(name)
	switch {
	case base == "kep.yaml":
		return parseKEP(name, content)
	case strings.HasSuffix(base, ".md") || strings.HasSuffix(base, ".markdown"):
	case strings.HasSuffix(base, ".rst") || strings.HasSuffix(base, ".txt"):
		if bytes.HasPrefix(bytes.TrimLeft(content, "\ufeff"), []byte("PEP:")) {
			return parsePEP(name, content)
		}
		return nil, nil
	default:
		return nil, nil
	}
	text := strings.TrimPrefix(string(content), "\ufeff")
	if kind := folderFile(base); kind == "Template file" {
		return nil, &SkipError{Path: name, Why: "a template, not a design document"}
	}
	switch {
	case strings.HasPrefix(text, "---\n") || strings.HasPrefix(text, "---\r\n"):
		return parseFrontMatter(name, text)
	case strings.HasPrefix(text, "PEP:"):
		return parsePEP(name, content)
	case isRust(text):
		return parseRust(name, text), nil
	}
	if kind := folderFile(base); kind != "" {
		return nil, &SkipError{Path: name, Why: "a " + kind + ", not a design document"}
	}
	d := parseMarkdown(name, text)
	if d.Format == "markdown" && !anyHeading(text) {
		return nil, &SkipError{Path: name, Why: "no heading, header list, front matter or Author line, so it is not read as a design document"}
	}
	return d, nil
}

// folderFile names the files a documents folder keeps beside its
// documents (README, TEMPLATE, …), or "".
func folderFile(base string) string {
	stem := strings.ToLower(strings.TrimSuffix(strings.TrimSuffix(base, path.Ext(base)), "."))
	for _, k := range []string{"readme", "index", "template", "changelog", "contributing", "license", "code_of_conduct", "security", "owners"} {
		if stem == k || strings.HasPrefix(stem, k+"-") || strings.HasPrefix(stem, k+"_") || stem == "0000-"+k {
			return strings.ToUpper(k[:1]) + k[1:] + " file"
		}
	}
	return ""
}

// SkipError is a file in a design-document folder that is not a design
// document; the source says so and goes on.
type SkipError struct{ Path, Why string }

func (e *SkipError) Error() string { return fmt.Sprintf("%s: %s; skipped", e.Path, e.Why) }

// --- Kubernetes KEPs ---

type kepYAML struct {
	Title             string   `yaml:"title"`
	Number            any      `yaml:"kep-number"`
	Authors           []string `yaml:"authors"`
	OwningSIG         string   `yaml:"owning-sig"`
	ParticipatingSIGs []string `yaml:"participating-sigs"`
	Reviewers         []string `yaml:"reviewers"`
	Approvers         []string `yaml:"approvers"`
	Status            string   `yaml:"status"`
	CreationDate      string   `yaml:"creation-date"`
	LastUpdated       string   `yaml:"last-updated"`
}

func parseKEP(name string, content []byte) (*Doc, error) {
	var k kepYAML
	if err := yaml.Unmarshal(content, &k); err != nil {
		return nil, yamlError(name, 0, err)
	}
	d := &Doc{Path: name, Format: "kep", Title: k.Title, Status: k.Status, OwningTeam: k.OwningSIG, Participating: k.ParticipatingSIGs}
	if d.Title == "" {
		d.Title = path.Base(path.Dir(name))
	}
	seen := map[string]bool{}
	for _, s := range append([]string{k.OwningSIG}, k.ParticipatingSIGs...) {
		if s = strings.TrimSpace(s); s != "" && !seen[strings.ToLower(s)] {
			seen[strings.ToLower(s)] = true
			d.Teams = append(d.Teams, s)
		}
	}
	d.Created = d.date("creation-date", k.CreationDate)
	d.Updated = d.date("last-updated", k.LastUpdated)
	d.addLogins(k.Authors, connectors.RoleAuthor)
	d.addLogins(k.Reviewers, connectors.RoleReviewer)
	d.addLogins(k.Approvers, connectors.RoleApprover)
	return d, nil
}

func (d *Doc) addLogins(list []string, role connectors.Role) {
	for _, s := range list {
		if p, ok := parsePerson(s); ok {
			p.Role = role
			d.People = append(d.People, p)
		}
	}
}

// date reads a date field, keeping the document when it does not parse:
// 2026-03-04 and the ways people write it (2023-10-3, (2016-06-17),
// 23-07-2014, 2020/05/18, 4 March 2026, March 4, 2026).
func (d *Doc) date(field, v string) time.Time {
	v = strings.Trim(strings.TrimSpace(v), `"'()[] `)
	if v == "" || placeholder(v) || strings.Contains(strings.ToLower(v), "fill me in") {
		return time.Time{}
	}
	if m := dateToken.FindString(v); m != "" {
		v = m
	}
	for _, layout := range []string{time.DateOnly, time.RFC3339, "2006-1-2", "02-01-2006", "2-1-2006", "2006/01/02", "2006/1/2",
		"02-Jan-2006", "2-Jan-2006", "2 January 2006", "January 2, 2006", "Jan 2, 2006", "2 Jan 2006"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t
		}
	}
	d.Problems = append(d.Problems, fmt.Sprintf("%s: %s %q is not a date; left empty", d.Path, field, v))
	return time.Time{}
}

// dateToken finds a numeric date inside a longer value.
var dateToken = regexp.MustCompile(`\b(?:\d{4}[-/]\d{1,2}[-/]\d{1,2}|\d{1,2}-\d{1,2}-\d{4})\b`)

func yamlError(name string, offset int, err error) error {
	msg := err.Error()
	line := 0
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		fmt.Sscan(m[1], &line)
		line += offset
		msg = yamlLine.ReplaceAllString(msg, "")
	}
	msg = strings.TrimPrefix(strings.TrimSpace(strings.TrimPrefix(msg, "yaml:")), "unmarshal errors:")
	return &ParseError{Path: name, Line: line, Msg: "malformed YAML: " + strings.TrimSpace(msg)}
}

var yamlLine = regexp.MustCompile(`line (\d+): `)

// parsePerson reads "@login", "login", "Name <email>", "Name <x at y.z>",
// "email@x" or "Name".
func parsePerson(s string) (Person, bool) {
	s = strings.TrimSpace(strings.Trim(strings.TrimSpace(s), `"'`))
	s = strings.TrimSpace(strings.SplitN(s, "#", 2)[0])
	if s == "" {
		return Person{}, false
	}
	if m := angleEmail.FindStringSubmatch(s); m != nil {
		email := strings.ReplaceAll(strings.TrimSpace(m[2]), " at ", "@")
		return Person{Name: strings.TrimSpace(m[1]), Email: strings.ToLower(email)}, true
	}
	if strings.HasPrefix(s, "@") {
		return Person{Login: strings.TrimPrefix(s, "@")}, true
	}
	if strings.Contains(s, "@") && !strings.Contains(s, " ") {
		return Person{Email: strings.ToLower(s)}, true
	}
	if loginRE.MatchString(s) {
		return Person{Login: s}, true
	}
	return Person{Name: s}, true
}

var (
	angleEmail = regexp.MustCompile(`^(.*?)\s*(?:<|&lt;)\s*([^<>&]+?)\s*(?:>|&gt;)$`)
	loginRE    = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$`)
)

// --- Python PEPs ---

func parsePEP(name string, content []byte) (*Doc, error) {
	headers := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(content))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	last := ""
	for sc.Scan() {
		line := sc.Text()
		if strings.TrimSpace(line) == "" {
			break
		}
		if (line[0] == ' ' || line[0] == '\t') && last != "" {
			headers[last] += " " + strings.TrimSpace(line)
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			break
		}
		last = strings.ToLower(strings.TrimSpace(k))
		headers[last] = strings.TrimSpace(v)
	}
	if headers["pep"] == "" {
		return nil, &ParseError{Path: name, Line: 1, Msg: "PEP headers not found"}
	}
	if strings.Contains(headers["pep"], "<") || strings.Contains(path.Base(name), "NNNN") {
		return nil, &SkipError{Path: name, Why: "a template, not a design document"}
	}
	d := &Doc{Path: name, Format: "pep", Title: headers["title"], Status: headers["status"]}
	if d.Title == "" {
		d.Title = "PEP " + headers["pep"]
	}
	d.Created = d.date("Created", headers["created"])
	d.addPeople(headers["author"], connectors.RoleAuthor)
	d.addPeople(headers["sponsor"], connectors.RoleSponsor)
	d.addPeople(headers["pep-delegate"], connectors.RoleDelegate)
	d.addPeople(headers["bdfl-delegate"], connectors.RoleDelegate)
	return d, nil
}

// addPeople reads a comma-separated list of people.
func (d *Doc) addPeople(list string, role connectors.Role) {
	for _, s := range splitPeople(list) {
		if p, ok := parsePerson(s); ok {
			p.Role = role
			d.People = append(d.People, p)
		}
	}
}

// splitPeople splits on commas outside <...>, and on " and ".
func splitPeople(s string) []string {
	var out []string
	depth, start := 0, 0
	for i, r := range s {
		switch r {
		case '<':
			depth++
		case '>':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	out = append(out, s[start:])
	var res []string
	for _, p := range out {
		for _, q := range strings.Split(p, " and ") {
			if q = strings.TrimSpace(q); q != "" {
				res = append(res, q)
			}
		}
	}
	return res
}

// --- Rust RFCs ---

// rustItem is a line of a Rust RFC's header list: "- Feature Name: x", as
// the RFCs write it, typos included ("q- Feature Name:", "- Features
// Name:", "- Feature-gates:", "- RFC PR #:").
var rustItem = regexp.MustCompile(`^\S{0,2}-\s+((?:e?RFC PR|Feature[- ]?(?:Name|gates?)|Features Name|Start Date|Rust Issue|Tracking Issue)[^:]{0,4}):\s*(.*)$`)

// isRust reports whether a Markdown document opens with a Rust RFC header
// list, perhaps after a title (a heading or a line of its own).
func isRust(text string) bool {
	text = stripLeadingComment(text)
	n := 0
	for _, line := range strings.SplitN(text, "\n", 12) {
		t := strings.TrimSpace(line)
		if t == "" {
			continue
		}
		if rustItem.MatchString(t) {
			return true
		}
		if n++; n > 2 {
			return false
		}
	}
	return false
}

// prRef finds pull request numbers in an "RFC PR" value:
// "[rust-lang/rfcs#1444](…/pull/1444)", "#243", "https://…/pull/16".
var prRef = regexp.MustCompile(`(?:#|/pull/)(\d+)`)

// stripLeadingComment drops an HTML comment that opens a document (a
// licence header).
func stripLeadingComment(text string) string {
	t := strings.TrimLeft(text, " \t\r\n")
	if strings.HasPrefix(t, "<!--") {
		if end := strings.Index(t, "-->"); end >= 0 {
			return t[end+3:]
		}
	}
	return text
}

func parseRust(name, text string) *Doc {
	d := &Doc{Path: name, Format: "rust"}
	text = stripLeadingComment(text)
	var title, feature string
	inList := false
	for _, line := range strings.Split(text, "\n") {
		t := strings.TrimSpace(line)
		switch m := rustItem.FindStringSubmatch(t); {
		case t == "":
		case m != nil:
			inList = true
			d.rustItem(strings.ToLower(strings.Trim(m[1], " #")), stripFootnotes(m[2]), &feature)
			continue
		case inList && footnoteDef.MatchString(t):
			continue // a footnote defined inside the list
		case inList:
		case title == "":
			title = strings.TrimSpace(strings.TrimLeft(t, "#"))
			continue
		default:
			continue
		}
		if inList && t != "" {
			break // the list has ended: the rest is the body
		}
	}
	// In a Rust-style RFC repository a number is given when the RFC is
	// merged: a numbered RFC that names its pull request was accepted.
	if len(d.PRs) > 0 && numbered.MatchString(path.Base(name)) {
		d.Status = "accepted"
	}
	title = cleanTitle(title)
	switch {
	case title != "" && !generic[strings.ToLower(title)]:
		d.Title = title
	case feature != "":
		d.Title = feature
	default:
		d.Title = titleFromName(name)
	}
	return d
}

// rustItem reads one header of a Rust RFC.
func (d *Doc) rustItem(key, v string, feature *string) {
	switch {
	case strings.HasPrefix(key, "feature"):
		v = strings.ReplaceAll(v, "`", "")
		if !placeholder(v) && !strings.Contains(v, "fill me in") {
			*feature = v
		}
	case key == "start date":
		d.Created = d.date("Start Date", v)
	case strings.Contains(key, "rfc pr"):
		for _, m := range prRef.FindAllStringSubmatch(v, -1) {
			if n, err := strconv.Atoi(m[1]); err == nil && !slices.Contains(d.PRs, n) {
				d.PRs = append(d.PRs, n)
			}
		}
	}
}

// placeholder reports a value written in place of none: "N/A", "none", "...".
func placeholder(v string) bool {
	switch strings.ToLower(strings.Trim(strings.TrimSpace(v), ".()")) {
	case "", "n/a", "na", "none", "not applicable", "tbd", "todo", "-", "…":
		return true
	}
	return strings.Trim(v, ". …") == ""
}

// numbered is an RFC file name with its number: 1444-union.md, not 0000-union.md.
var numbered = regexp.MustCompile(`^0*[1-9][0-9]*-`)

var (
	footnoteDef = regexp.MustCompile(`^\[\^[^\]]+\]:`)
	footnoteRef = regexp.MustCompile(`\[\^[^\]]+\]`)
)

func stripFootnotes(s string) string { return strings.TrimSpace(footnoteRef.ReplaceAllString(s, "")) }

// cleanTitle drops what a title line carries that is not the title: an
// "RFC:" prefix, footnote markers, emphasis.
func cleanTitle(t string) string {
	t = stripFootnotes(strings.Trim(strings.TrimSpace(t), "*_"))
	for _, p := range []string{"RFC:", "RFC -", "RFC –", "Proposal:", "eRFC:"} {
		if len(t) > len(p) && strings.EqualFold(t[:len(p)], p) {
			t = strings.TrimSpace(t[len(p):])
		}
	}
	return t
}

// generic are section names, not titles.
var generic = map[string]bool{"summary": true, "motivation": true, "abstract": true, "overview": true, "background": true,
	"drawbacks": true, "alternatives": true, "rationale": true, "rationale and alternatives": true, "detailed design": true,
	"design": true, "guide-level explanation": true, "reference-level explanation": true, "unresolved questions": true,
	"prior art": true, "future possibilities": true, "how we teach this": true, "introduction": true, "contents": true,
	"table of contents": true, "goals": true, "non-goals": true, "context": true, "problem": true, "proposal": true}

func titleFromName(name string) string {
	b := strings.TrimSuffix(path.Base(name), path.Ext(name))
	b = strings.TrimLeft(b, "0123456789-_")
	return strings.ReplaceAll(strings.ReplaceAll(b, "-", " "), "_", " ")
}

// firstHeading is the first heading of any level outside code blocks
// that is not a section name ("Summary", "Drawbacks").
func firstHeading(text string) string {
	fence := ""
	for _, line := range strings.Split(text, "\n") {
		t := strings.TrimSpace(line)
		if f := fenceOf(t); f != "" {
			switch {
			case fence == "":
				fence = f
			case strings.HasPrefix(t, fence):
				fence = ""
			}
			continue
		}
		if fence != "" || !strings.HasPrefix(t, "#") {
			continue
		}
		h := cleanTitle(strings.TrimSpace(strings.TrimLeft(t, "#")))
		if h != "" && !strings.HasPrefix(strings.TrimLeft(t, "#"), "!") && !generic[strings.ToLower(h)] {
			return h
		}
		if h != "" && generic[strings.ToLower(h)] {
			return "" // the sections have begun: no title heading
		}
	}
	return ""
}

// anyHeading reports a heading of any level outside code blocks.
func anyHeading(text string) bool {
	fence := ""
	for _, line := range strings.Split(text, "\n") {
		t := strings.TrimSpace(line)
		if f := fenceOf(t); f != "" {
			if fence == "" {
				fence = f
			} else if strings.HasPrefix(t, fence) {
				fence = ""
			}
			continue
		}
		if fence == "" && strings.HasPrefix(t, "#") && strings.TrimSpace(strings.TrimLeft(t, "#")) != "" && strings.HasPrefix(strings.TrimLeft(t, "#"), " ") {
			return true
		}
	}
	return false
}

// fenceOf is the fence a line opens or closes (``` or ~~~), or "".
func fenceOf(t string) string {
	for _, f := range []string{"```", "~~~"} {
		if strings.HasPrefix(t, f) {
			return f
		}
	}
	return ""
}

// --- Markdown with YAML front matter ---

type frontMatter struct {
	Title        string  `yaml:"title"`
	Status       string  `yaml:"status"`
	Authors      strList `yaml:"authors"`
	Author       string  `yaml:"author"`
	Reviewers    strList `yaml:"reviewers"`
	Approvers    strList `yaml:"approvers"`
	Sponsors     strList `yaml:"sponsors"`
	Sponsor      string  `yaml:"sponsor"`
	Delegate     string  `yaml:"delegate"`
	Created      string  `yaml:"created"`
	Date         string  `yaml:"date"`
	CreationDate string  `yaml:"creation-date"`
	Updated      string  `yaml:"updated"`
	LastUpdated  string  `yaml:"last-updated"`
	Team         string  `yaml:"team"`
	OwningTeam   string  `yaml:"owning-team"`
	OwningSIG    string  `yaml:"owning-sig"`
	Owner        string  `yaml:"owner"`
	Teams        strList `yaml:"teams"`
	Participants strList `yaml:"participating-teams"`
	PartSIGs     strList `yaml:"participating-sigs"`
	KEPNumber    any     `yaml:"kep-number"`
}

// strList is a list of strings that may be written as one string.
type strList []string

func (l *strList) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		if v := strings.TrimSpace(n.Value); v != "" {
			*l = strList{v}
		}
		return nil
	}
	var s []string
	if err := n.Decode(&s); err != nil {
		return err
	}
	*l = s
	return nil
}

// frontMatterKeys are the keys evident reads; siteKeys are those of static
// site generators, understood as not about people, teams or dates.
var (
	frontMatterKeys = yamlKeys(reflect.TypeOf(frontMatter{}))
	siteKeys        = []string{"layout", "tags", "description", "weight", "permalink", "categories", "category", "slug", "draft",
		"summary", "sidebar_position", "sidebar_label", "nav_order", "parent", "toc", "keywords", "aliases", "lang", "id", "type", "labels", "menu", "url"}
)

func yamlKeys(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		if k, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ","); k != "" && k != "-" {
			out = append(out, k)
		}
	}
	return out
}

// unknownKeys reports the front matter's keys that evident does not read.
func (d *Doc) unknownKeys(block string) {
	var m yaml.Node
	if yaml.Unmarshal([]byte(block), &m) != nil || len(m.Content) == 0 || m.Content[0].Kind != yaml.MappingNode {
		return
	}
	kv := m.Content[0].Content
	for i := 0; i+1 < len(kv); i += 2 {
		k := kv[i].Value
		if !slices.Contains(frontMatterKeys, k) && !slices.Contains(siteKeys, strings.ToLower(k)) {
			d.Problems = append(d.Problems, fmt.Sprintf("%s:%d: front-matter key %q is not one evident reads; ignored (it reads %s)",
				d.Path, kv[i].Line+1, k, strings.Join(frontMatterKeys, ", ")))
		}
	}
}

func parseFrontMatter(name, text string) (*Doc, error) {
	rest := text[strings.Index(text, "\n")+1:]
	end := strings.Index(rest, "\n---")
	if end < 0 {
		return nil, &ParseError{Path: name, Line: 1, Msg: "front matter opened with --- is never closed"}
	}
	var fm frontMatter
	if err := yaml.Unmarshal([]byte(rest[:end]), &fm); err != nil {
		return nil, yamlError(name, 1, err)
	}
	d := &Doc{Path: name, Format: "front-matter", Title: fm.Title, Status: fm.Status}
	d.unknownKeys(rest[:end])
	if d.Title == "" {
		d.Title = firstHeading(rest[end:])
	}
	if d.Title == "" {
		d.Title = titleFromName(name)
	}
	d.Created = d.date("created", first(fm.Created, fm.CreationDate, fm.Date))
	d.Updated = d.date("updated", first(fm.Updated, fm.LastUpdated))
	authors := fm.Authors
	if fm.Author != "" {
		authors = append(authors, splitPeople(fm.Author)...)
	}
	d.addLogins(authors, connectors.RoleAuthor)
	d.addLogins([]string(fm.Reviewers), connectors.RoleReviewer)
	d.addLogins(fm.Approvers, connectors.RoleApprover)
	sponsors := fm.Sponsors
	if fm.Sponsor != "" {
		sponsors = append(sponsors, fm.Sponsor)
	}
	d.addLogins(sponsors, connectors.RoleSponsor)
	if fm.Delegate != "" {
		d.addLogins([]string{fm.Delegate}, connectors.RoleDelegate)
	}
	d.OwningTeam = first(fm.OwningTeam, fm.OwningSIG, fm.Team, fm.Owner)
	d.Participating = slices.Concat(fm.Teams, fm.Participants, fm.PartSIGs)
	seen := map[string]bool{}
	for _, t := range slices.Concat([]string{d.OwningTeam}, d.Participating) {
		if t = strings.TrimSpace(t); t != "" && !seen[strings.ToLower(t)] {
			seen[strings.ToLower(t)] = true
			d.Teams = append(d.Teams, t)
		}
	}
	return d, nil
}

func first(vs ...string) string {
	for _, v := range vs {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}

// --- Go-style design docs and plain Markdown ---

var (
	authorLine  = regexp.MustCompile(`(?im)^\s*\**\s*authors?(?:\(s\))?\s*\**\s*:\s*\**\s*(.+)$`)
	updatedLine = regexp.MustCompile(`(?im)^\s*\**\s*last updated\s*\**\s*:\s*\**\s*(.+?)\**\s*$`)
)

func parseMarkdown(name, text string) *Doc {
	d := &Doc{Path: name, Format: "markdown", Title: firstHeading(text)}
	head := text
	if lines := strings.SplitN(text, "\n", 40); len(lines) == 40 {
		head = strings.Join(lines[:39], "\n")
	}

	if m := authorLine.FindStringSubmatch(head); m != nil {
		d.Format = "go-design"
		d.addPeople(strings.ReplaceAll(strings.ReplaceAll(m[1], "&lt;", "<"), "&gt;", ">"), connectors.RoleAuthor)
	}
	if m := updatedLine.FindStringSubmatch(head); m != nil {
		d.Updated = d.date("Last updated", m[1])
	}
	d.Title = strings.TrimPrefix(d.Title, "Proposal: ")
	if d.Title == "" {
		d.Title = titleFromName(name)
	}
	return d
}
