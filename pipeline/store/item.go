package store

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/evident-sync/evident/classify"
	"github.com/evident-sync/evident/connectors"
)

// State is where an item stands in triage.
type State string

// The triage states.
const (
	Suggested State = "suggested"
	Confirmed State = "confirmed"
	Dismissed State = "dismissed"
)

// States lists every state.
var States = []State{Suggested, Confirmed, Dismissed}

// ParseState accepts a state name; "all" is the caller's business.
func ParseState(s string) (State, error) {
	return classify.ParseName(s, States, "state", "suggested, confirmed, dismissed or all")
}

// IDLen is the length of an evidence ID in hex digits.
const IDLen = 12

// IDFor derives an item's stable ID from its artifact key.
func IDFor(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])[:IDLen]
}

// Item is one candidate piece of evidence: the artifact it was built from
// (owned by sync), its classification (owned by sync while the item is
// suggested) and the user's decisions and edits (owned by triage; sync never
// writes them).
type Item struct {
	ID        string              `json:"id"`
	State     State               `json:"state"`
	Artifact  connectors.Artifact `json:"artifact"`
	Class     classify.Result     `json:"class"`
	User      UserFields          `json:"user"`
	FirstSeen time.Time           `json:"first_seen"`
	SyncedAt  time.Time           `json:"synced_at"`
	DecidedAt time.Time           `json:"decided_at,omitzero"`
	// Related are the IDs of the items of the same piece of work in other
	// sources (see links.go); sync keeps them, both ways.
	Related []string `json:"related,omitempty"`
}

// UserFields are the user's own words and overrides. An empty field means
// "not edited": the synced or classified value shows through.
type UserFields struct {
	Title         string          `json:"title,omitempty"`
	Note          string          `json:"note,omitempty"`
	Scope         classify.Scope  `json:"scope,omitempty"`
	Domain        classify.Domain `json:"domain,omitempty"`
	DismissReason string          `json:"dismiss_reason,omitempty"`
	// Strength is the user's own judgment; sync never recomputes it.
	Strength classify.Strength `json:"strength,omitempty"`
	// Criteria and NoCriteria are the level criteria the user said the item
	// supports, or does not: both win over the automatic match.
	Criteria   []string `json:"criteria,omitempty"`
	NoCriteria []string `json:"no_criteria,omitempty"`
	// FollowUp is the day (YYYY-MM-DD) to come back and record the outcome.
	FollowUp string `json:"follow_up,omitempty"`
	// Outcome is what the work led to, recorded weeks later.
	Outcome string `json:"outcome,omitempty"`
}

// Title is the user's title if they edited it, else the artifact's.
func (it *Item) Title() string {
	if it.User.Title != "" {
		return it.User.Title
	}
	return it.Artifact.Title
}

// Scope is the user's scope if they edited it, else the classified one.
func (it *Item) Scope() classify.Scope {
	if it.User.Scope != "" {
		return it.User.Scope
	}
	return it.Class.Scope
}

// Domain is the user's domain if they edited it, else the classified one.
func (it *Item) Domain() classify.Domain {
	if it.User.Domain != "" {
		return it.User.Domain
	}
	return it.Class.Domain
}

// Strength is the user's strength if they set it, else the scored one.
func (it *Item) Strength() classify.Strength {
	if it.User.Strength != "" {
		return it.User.Strength
	}
	if it.Class.Strength == "" {
		return classify.StrengthRoutine
	}
	return it.Class.Strength
}

// StrengthReasons explains the effective strength.
func (it *Item) StrengthReasons() []string {
	if it.User.Strength != "" && it.User.Strength != it.Class.Strength {
		return append([]string{"set by you"}, it.Class.StrengthReasons...)
	}
	if it.Class.StrengthReasons == nil {
		return []string{}
	}
	return it.Class.StrengthReasons
}

// ForTeam is the one team the item's work counts for where numbers per
// team must add up (each review counts once): the classification's, or,
// for items classified before it was kept, the first of the teams touched;
// "" when no other team is touched.
func (it *Item) ForTeam() string {
	if t := it.Class.ForTeam; t != "" && slices.Contains(it.Class.Teams, t) {
		return t
	}
	if len(it.Class.Teams) > 0 {
		return it.Class.Teams[0]
	}
	return ""
}

// ScopeReason explains the effective scope.
func (it *Item) ScopeReason() string {
	if it.User.Scope != "" && it.User.Scope != it.Class.Scope {
		return fmt.Sprintf("set to %s by you (classified %s: %s)", it.User.Scope, it.Class.Scope, it.Class.ScopeReason)
	}
	return it.Class.ScopeReason
}

// Criteria lists the IDs of the criteria of cs the item supports, in cs's
// order: those it matches (classify.Criterion.Supports on its domain,
// title, summary and note) and those the user added, less those the user
// removed. Criteria no longer in cs are left out.
func (it *Item) Criteria(cs []classify.Criterion) []string {
	out := []string{}
	for _, c := range cs {
		switch {
		case slices.Contains(it.User.NoCriteria, c.ID):
		case slices.Contains(it.User.Criteria, c.ID),
			c.Supports(it.Domain(), it.Title(), it.Class.Summary, it.User.Note, it.User.Outcome):
			out = append(out, c.ID)
		}
	}
	return out
}

// FollowUpDue reports whether the item is confirmed, its follow-up day
// (YYYY-MM-DD) is today or past, and it has no outcome yet.
func (it *Item) FollowUpDue(today string) bool {
	return it.State == Confirmed && it.User.FollowUp != "" && it.User.FollowUp <= today && it.User.Outcome == ""
}

// Where names the item's place as people write it: acme/api#42 for a pull
// request, PAY-117 for a Jira issue, else its container.
func (it *Item) Where() string {
	k := it.Artifact.Key
	switch {
	case strings.HasPrefix(k, "github:"):
		return strings.TrimPrefix(k, "github:")
	case strings.HasPrefix(k, "jira:"):
		return strings.TrimPrefix(k, "jira:")
	}
	if n := it.Artifact.ContainerName; n != "" {
		return n
	}
	return it.Artifact.Container
}
