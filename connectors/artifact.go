// Package connectors defines what every source of evidence produces — the
// Artifact — and the small interface a source implements to produce it.
//
// A connector knows nothing of classification or storage: it turns one
// source's traces into artifacts and reports a cursor saying how far it got.
// Connectors start no goroutines; the pipeline owns every schedule.
package connectors

import (
	"slices"
	"strings"
	"time"
)

// Kind is what sort of trace an artifact is.
type Kind string

// The artifact kinds of the contract.
const (
	KindReview    Kind = "review"     // a pull request by someone else that the user reviewed
	KindPR        Kind = "pr"         // a pull request the user authored
	KindRFC       Kind = "rfc"        // an RFC or design document the user authored, reviewed or approved
	KindJiraIssue Kind = "jira_issue" // an issue the user reported, resolved, was assigned, transitioned or commented on
	KindEntry     Kind = "entry"      // work that left no artifact, written down by the user (evident add)
)

// Role is the part the user played in an artifact.
type Role string

// The roles a user can have.
const (
	RoleAuthor       Role = "author"
	RoleReviewer     Role = "reviewer"
	RoleApprover     Role = "approver"
	RoleCommenter    Role = "commenter"
	RoleAssignee     Role = "assignee"
	RoleReporter     Role = "reporter"
	RoleResolver     Role = "resolver"
	RoleTransitioner Role = "transitioner"
	RoleSponsor      Role = "sponsor"
	RoleDelegate     Role = "delegate"
)

// Identity is a person as one system knows them. System is the identity
// namespace ("github", "jira", "email" or "name"); ID is the login, account id,
// address or display name in it. Role says how they relate to the artifact
// (the PR's author, a reviewer, the issue's reporter).
type Identity struct {
	System string `json:"system"`
	ID     string `json:"id"`
	Role   Role   `json:"role,omitempty"`
	// Name is how the source shows the person (a display name), where it
	// gives one and the ID is not one a reader knows (a Jira account id).
	Name string `json:"name,omitempty"`
}

// Who names the person for a reader: the display name, else the ID.
func (i Identity) Who() string {
	if i.Name != "" {
		return i.Name
	}
	return i.ID
}

// Round is one dated piece of the user's activity on an artifact: a review
// round, a comment, a status transition.
type Round struct {
	At       time.Time `json:"at"`
	State    string    `json:"state,omitempty"` // APPROVED, CHANGES_REQUESTED, COMMENTED, a Jira status...
	Comments int       `json:"comments,omitempty"`
}

// Activity holds the facts a source reports about the work. Fields a source
// does not have stay zero and are omitted from JSON.
type Activity struct {
	Rounds   []Round `json:"rounds,omitempty"`
	Comments int     `json:"comments,omitempty"` // the user's own comments, of every kind
	// CommentsAddressed counts the user's inline review comments GitHub now
	// shows as outdated: the lines under them changed after the comment.
	CommentsAddressed int `json:"comments_addressed,omitempty"`
	// RoundsReceived counts the reviews others gave the user's own PR.
	RoundsReceived   int       `json:"rounds_received,omitempty"`
	Approved         bool      `json:"approved,omitempty"`
	ChangesRequested bool      `json:"changes_requested,omitempty"`
	Additions        int       `json:"additions,omitempty"`
	Deletions        int       `json:"deletions,omitempty"`
	ChangedFiles     int       `json:"changed_files,omitempty"`
	Merged           bool      `json:"merged,omitempty"`
	State            string    `json:"state,omitempty"`      // open, closed, merged; a Jira or RFC status
	Resolution       string    `json:"resolution,omitempty"` // Jira resolution, PEP resolution
	IssueType        string    `json:"issue_type,omitempty"` // epic, story, bug, incident...
	Priority         string    `json:"priority,omitempty"`   // a Jira priority's name
	Links            int       `json:"links,omitempty"`      // issues linked to a Jira issue
	StoryPoints      float64   `json:"story_points,omitempty"`
	ResolvedAt       time.Time `json:"resolved_at,omitzero"`
	CreatedAt        time.Time `json:"created_at,omitzero"`
	// InitialAssignee is who a Jira issue was assigned to when it was
	// created (empty: nobody; Me: the user), to tell self-started work
	// from assigned work.
	InitialAssignee string   `json:"initial_assignee,omitempty"`
	Paths           []string `json:"paths,omitempty"` // files a PR touched, for CODEOWNERS
	// Refs are what the work's text mentions that may be other items of the
	// same piece of work (see FindRefs).
	Refs     []string `json:"refs,omitempty"`
	Problems []string `json:"problems,omitempty"`
}

// Artifact is one normalised trace from a source.
//
// Key is stable across syncs and built from the source's own identity:
// "github:OWNER/REPO#NUMBER", "jira:ISSUEKEY", "rfc:SOURCE:PATH".
type Artifact struct {
	Source     string `json:"source"`      // the configured source name
	SourceType string `json:"source_type"` // github, jira or rfc
	Kind       Kind   `json:"kind"`
	Key        string `json:"key"`
	URL        string `json:"url"`
	Title      string `json:"title"`
	Container  string `json:"container"` // repo, Jira project, RFC collection
	// ContainerName is how people name the container where Container is
	// an id the config uses (a Drive folder's name); "" when it is the same.
	ContainerName string     `json:"container_name,omitempty"`
	Roles         []Role     `json:"roles"`
	Counterparts  []Identity `json:"counterparts,omitempty"`
	// DeclaredTeams are team names the artifact states itself (an RFC's
	// owning and participating teams), as written.
	DeclaredTeams []string  `json:"declared_teams,omitempty"`
	OwningTeam    string    `json:"owning_team,omitempty"`
	Activity      Activity  `json:"activity"`
	OccurredAt    time.Time `json:"occurred_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// Me stands for the user where an artifact names a person by id: the
// source knows who the user is even when the config does not say.
const Me = "@me"

// HasRole reports whether the user played role r.
func (a *Artifact) HasRole(r Role) bool { return slices.Contains(a.Roles, r) }

// Printable is s with its control characters (C0, DEL and C1: escape
// sequences that would move a terminal's cursor, clear its screen, set its
// title or hide a link) replaced: tabs and line breaks by a space, the rest
// by U+FFFD. Titles and names come from other people's servers; every
// printer passes them through this.
func Printable(s string) string {
	clean := true
	for _, r := range s {
		if r < 0x20 || (r >= 0x7f && r <= 0x9f) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			b.WriteByte(' ')
		case r < 0x20 || (r >= 0x7f && r <= 0x9f):
			b.WriteRune('\uFFFD')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
