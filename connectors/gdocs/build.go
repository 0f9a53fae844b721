package gdocs

import (
	"cmp"
	"regexp"
	"strings"
	"time"

	"github.com/evident-sync/evident/connectors"
)

// build makes the user's artifact of a document from its revisions and
// comments; nil when the user neither owns it, revised it, nor commented
// on it.
//
//   - author: the user owns it, or wrote a revision of it (in a shared
//     drive, where nobody owns a file, the first revision's author made it);
//   - reviewer: the user wrote a comment or a reply.
//
// Its date is the user's own latest part: the creation of a document the
// user owns, a revision's time, a comment's or reply's.
func build(source string, f file, root string, revs []revision, comments []comment, me person) *connectors.Artifact {
	a := &connectors.Artifact{
		Source: source, SourceType: "gdocs", Kind: connectors.KindRFC,
		Key: "rfc:" + source + ":" + f.ID, URL: cmp.Or(f.WebViewLink, "https://docs.google.com/document/d/"+f.ID+"/edit"), Title: f.Name,
		Container: root, UpdatedAt: f.ModifiedTime.UTC(),
	}
	a.Activity.CreatedAt = f.CreatedTime.UTC()
	a.Activity.State = statusOf(f.Name)
	var latest time.Time
	mine := func(at time.Time) {
		if at.After(latest) {
			latest = at
		}
	}
	people := newPeople(f, revs)
	author := false
	for _, o := range f.Owners {
		if me.is(o) {
			author = true
			mine(f.CreatedTime)
		} else {
			people.add(a, o, connectors.RoleAuthor)
		}
	}
	for i, r := range revs {
		switch {
		case me.is(r.LastModifyingUser):
			author = true
			mine(r.ModifiedTime)
			if i == 0 && len(f.Owners) == 0 {
				mine(f.CreatedTime) // a shared drive's document the user began
			}
		case r.LastModifyingUser.DisplayName != "":
			people.add(a, r.LastModifyingUser, connectors.RoleAuthor)
		}
	}
	reviewer := false
	for _, c := range comments {
		if c.Deleted {
			continue
		}
		if me.is(c.Author) {
			reviewer = true
			a.Activity.Comments++
			mine(c.CreatedTime)
			if c.Resolved {
				a.Activity.CommentsAddressed++
			}
		} else {
			people.add(a, c.Author, connectors.RoleReviewer)
		}
		for _, r := range c.Replies {
			switch {
			case r.Deleted:
			case me.is(r.Author):
				reviewer = true
				a.Activity.Comments++
				mine(r.CreatedTime)
			default:
				people.add(a, r.Author, connectors.RoleReviewer)
			}
		}
	}
	if author {
		a.Roles = append(a.Roles, connectors.RoleAuthor)
	}
	if reviewer {
		a.Roles = append(a.Roles, connectors.RoleReviewer)
	}
	if len(a.Roles) == 0 {
		return nil
	}
	a.OccurredAt = latest.UTC()
	return a
}

// is reports whether p is the user me (as about.get names them): Drive's
// own me flag, else the same address, else, where Drive shows no address
// (a comment's author), the same name.
func (me person) is(p person) bool {
	switch {
	case p.Me:
		return true
	case p.EmailAddress != "":
		return me.EmailAddress != "" && strings.EqualFold(p.EmailAddress, me.EmailAddress)
	}
	return me.DisplayName != "" && p.DisplayName == me.DisplayName
}

// people names the other people of a document once each: by e-mail where
// Drive shows one anywhere in the document (an owner, a revision), else
// by display name (Drive never shows a comment author's address).
type people struct {
	email map[string]string // display name -> address
	seen  map[string]bool   // system, id and role already added
}

func newPeople(f file, revs []revision) *people {
	p := &people{email: map[string]string{}, seen: map[string]bool{}}
	note := func(u person) {
		if u.EmailAddress != "" && u.DisplayName != "" {
			p.email[u.DisplayName] = u.EmailAddress
		}
	}
	for _, o := range f.Owners {
		note(o)
	}
	for _, r := range revs {
		note(r.LastModifyingUser)
	}
	return p
}

func (p *people) add(a *connectors.Artifact, u person, role connectors.Role) {
	id := connectors.Identity{System: "name", ID: u.DisplayName, Role: role}
	if e := cmp.Or(u.EmailAddress, p.email[u.DisplayName]); e != "" {
		id = connectors.Identity{System: "email", ID: strings.ToLower(e), Role: role, Name: u.DisplayName}
	}
	if id.ID == "" {
		return
	}
	k := id.System + "\x00" + strings.ToLower(id.ID) + "\x00" + string(role)
	if p.seen[k] {
		return
	}
	p.seen[k] = true
	a.Counterparts = append(a.Counterparts, id)
}

// statusWords are the states a design document's title says it is in.
var statusWords = []string{"draft", "in review", "under review", "accepted", "approved", "final", "implemented", "rejected", "declined", "withdrawn", "superseded", "deferred", "obsolete"}

var (
	statusAlt     = strings.Join(statusWords, "|")
	bracketStatus = regexp.MustCompile(`(?i)[\[(]\s*(?:status:\s*)?(` + statusAlt + `)\s*[\])]`)
	leadStatus    = regexp.MustCompile(`(?i)^\s*(` + statusAlt + `)\s*[:\-–—|]`)
	tailStatus    = regexp.MustCompile(`(?i)[:\-–—|]\s*(` + statusAlt + `)\s*$`)
	labelStatus   = regexp.MustCompile(`(?i)\bstatus:\s*(` + statusAlt + `)\b`)
)

// statusLine is a status line at a document's top: "Status: Accepted",
// "Status — in review", or a header table's row, which the text export
// separates by a tab ("Status\tAccepted").
var statusLine = regexp.MustCompile(`(?i)^\s*(?:rfc\s+|document\s+|design\s+)?status(?:\s*[:\-–—|]|\t)\s*(` + statusAlt + `)\b`)

// statusOfText is the status the top of a document's text gives: a
// status line among its first lines, or its first heading said as a title
// would ("[Draft] …"); "" when it gives none.
func statusOfText(text string) string {
	n := 0
	for line := range strings.Lines(text) {
		line = strings.TrimSpace(strings.TrimPrefix(line, "\ufeff"))
		if line == "" {
			continue
		}
		if m := statusLine.FindStringSubmatch(line); m != nil {
			return normalStatus(m[1])
		}
		if n == 0 {
			if s := statusOf(line); s != "" {
				return s
			}
		}
		if n++; n == 30 {
			break
		}
	}
	return ""
}

func normalStatus(s string) string {
	s = strings.ToLower(s)
	if s == "under review" {
		return "in review"
	}
	return s
}

// statusOf is the status a document's title gives ("[Draft] Ledger split",
// "Ledger split (Accepted)", "ACCEPTED: Ledger split", "Ledger split —
// rejected"), lower-cased; "" when it gives none.
func statusOf(title string) string {
	for _, re := range []*regexp.Regexp{bracketStatus, labelStatus, leadStatus, tailStatus} {
		if m := re.FindStringSubmatch(title); m != nil {
			return normalStatus(m[1])
		}
	}
	return ""
}
