package pipeline

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/evident-sync/evident/classify"
	"github.com/evident-sync/evident/connectors"
	"github.com/evident-sync/evident/pipeline/store"
)

// EntryInput is what the user says of work that left no artifact: the
// mentoring, the decision in a meeting, the incident command, the talk.
type EntryInput struct {
	Title string
	Day   time.Time // the day of the work
	// Domain and Scope are "" to let evident choose (classify.ClassifyEntry).
	Domain classify.Domain
	Scope  classify.Scope
	// Teams are the other teams involved, by id, name or alias.
	Teams    []string
	Note     string
	Outcome  string
	Link     string
	Strength classify.Strength
	FollowUp string // YYYY-MM-DD, or ""
}

// EntrySource is the source name and type of every entry; sync has no
// source of that name, so it never writes one.
const EntrySource = "entry"

// NewEntry makes the item of an entry: kind entry, key entry:ID, already
// selected. Its errors are the user's input, one sentence each.
func NewEntry(o *classify.Org, in EntryInput) (store.Item, error) {
	title := strings.Join(strings.Fields(in.Title), " ")
	if title == "" {
		return store.Item{}, errors.New("an entry needs a title: what did you do?")
	}
	if in.Day.IsZero() {
		return store.Item{}, errors.New("an entry needs its day: --date YYYY-MM-DD")
	}
	var teams []string
	for _, t := range in.Teams {
		id, ok := o.TeamFor(t)
		if !ok {
			return store.Item{}, fmt.Errorf("no team %q in the config's org.teams (name a team by its id, name or alias)", t)
		}
		teams = append(teams, id)
	}
	if in.Link != "" {
		if u, err := url.Parse(in.Link); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return store.Item{}, fmt.Errorf("the link %q is not an http(s) URL", in.Link)
		}
	}
	id := store.NewEntryID()
	it := store.Item{ID: id,
		Artifact: connectors.Artifact{Source: EntrySource, SourceType: EntrySource, Kind: connectors.KindEntry, Key: "entry:" + id,
			URL: in.Link, Title: title, Roles: []connectors.Role{connectors.RoleAuthor}, OccurredAt: in.Day, UpdatedAt: in.Day},
		Class: o.ClassifyEntry(title, teams, in.Scope, in.Domain),
		User:  store.UserFields{Note: in.Note, Outcome: in.Outcome, Strength: in.Strength, FollowUp: in.FollowUp},
	}
	return it, nil
}
