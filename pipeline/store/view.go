package store

import (
	"time"

	"github.com/evident-sync/evident/classify"
	"github.com/evident-sync/evident/connectors"
	"github.com/evident-sync/evident/pipeline/localapi/apitype"
)

// View is an item as the outside contract shows it: apitype.View, the
// item JSON of list, show and export and of the API.
type View = apitype.View

// Detail is View plus the artifact's facts and the item's history, as
// `show --json` prints it.
type Detail struct {
	View
	SourceType    string                `json:"source_type"`
	UpdatedAt     *string               `json:"updated_at"`
	FirstSeen     *string               `json:"first_seen"`
	SyncedAt      *string               `json:"synced_at"`
	DecidedAt     *string               `json:"decided_at"`
	DismissReason string                `json:"dismiss_reason"`
	DomainReason  string                `json:"domain_reason"`
	Counterparts  []connectors.Identity `json:"counterparts"`
	DeclaredTeams []string              `json:"declared_teams"`
	OwningTeam    string                `json:"owning_team"`
	Activity      connectors.Activity   `json:"activity"`
	Classified    Classified            `json:"classified"`
	Edited        Edited                `json:"edited"`
}

// Classified is what classification said, before any user edit.
type Classified struct {
	Scope       string `json:"scope"`
	ScopeReason string `json:"scope_reason"`
	Domain      string `json:"domain"`
}

// Edited lists the user's overrides; empty means not edited.
type Edited struct {
	Title  string `json:"title"`
	Scope  string `json:"scope"`
	Domain string `json:"domain"`
}

// RFC3339 formats t in UTC, or nil for the zero time.
func RFC3339(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format(time.RFC3339)
	return &s
}

// View returns the item as the contract shows it, with the criteria of cs
// it supports.
func (it *Item) View(cs []classify.Criterion) View {
	a := &it.Artifact
	v := View{
		ID: it.ID, State: string(it.State), Source: a.Source, Kind: string(a.Kind), Key: a.Key,
		Title: it.Title(), Summary: it.Class.Summary, URL: a.URL, Container: a.Container,
		Roles: make([]string, len(a.Roles)), OccurredAt: RFC3339(a.OccurredAt),
		Scope: string(it.Scope()), ScopeReason: it.ScopeReason(), Teams: it.Class.Teams,
		Domain: string(it.Domain()), Note: it.User.Note,
		Strength: string(it.Strength()), StrengthReasons: it.StrengthReasons(), Signals: it.Class.Signals,
		Criteria: it.Criteria(cs), FollowUp: it.User.FollowUp, Outcome: it.User.Outcome,
	}
	for i, r := range a.Roles {
		v.Roles[i] = string(r)
	}
	if v.Signals.Kind == "" {
		v.Signals.Kind = string(a.Kind)
	}
	v.Related = it.Related
	if v.Related == nil {
		v.Related = []string{}
	}
	if v.Teams == nil {
		v.Teams = []string{}
	}
	return v
}

// Detail returns the item with all its facts.
func (it *Item) Detail(cs []classify.Criterion) Detail {
	a := &it.Artifact
	d := Detail{
		View: it.View(cs), SourceType: a.SourceType,
		UpdatedAt: RFC3339(a.UpdatedAt), FirstSeen: RFC3339(it.FirstSeen), SyncedAt: RFC3339(it.SyncedAt),
		DecidedAt: RFC3339(it.DecidedAt), DismissReason: it.User.DismissReason, DomainReason: it.Class.DomainReason,
		Counterparts: a.Counterparts, DeclaredTeams: a.DeclaredTeams, OwningTeam: a.OwningTeam, Activity: a.Activity,
		Classified: Classified{string(it.Class.Scope), it.Class.ScopeReason, string(it.Class.Domain)},
		Edited:     Edited{it.User.Title, string(it.User.Scope), string(it.User.Domain)},
	}
	if d.Counterparts == nil {
		d.Counterparts = []connectors.Identity{}
	}
	if d.DeclaredTeams == nil {
		d.DeclaredTeams = []string{}
	}
	return d
}
