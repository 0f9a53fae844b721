package classify

import (
	"fmt"
	"strings"
)

// Scope is how far an item's impact reaches.
type Scope string

// The scopes, weakest first.
const (
	ScopeUnknown   Scope = "unknown"
	ScopeTeam      Scope = "team"
	ScopeCrossTeam Scope = "cross-team"
	ScopeOrg       Scope = "org"
)

// Scopes lists every scope, strongest first: the order of a promotion packet.
var Scopes = []Scope{ScopeOrg, ScopeCrossTeam, ScopeTeam, ScopeUnknown}

// Rank orders scopes: org 3, cross-team 2, team 1, unknown 0.
func (s Scope) Rank() int {
	switch s {
	case ScopeOrg:
		return 3
	case ScopeCrossTeam:
		return 2
	case ScopeTeam:
		return 1
	}
	return 0
}

// ParseScope accepts a scope name as the contract spells it.
func ParseScope(s string) (Scope, error) {
	return ParseName(s, Scopes, "scope", "team, cross-team, org or unknown")
}

// ParseName reads one of names, in any case; the error names what is
// read and what it may be ("want …").
func ParseName[T ~string](s string, names []T, what, want string) (T, error) {
	for _, n := range names {
		if strings.EqualFold(s, string(n)) {
			return n, nil
		}
	}
	return "", fmt.Errorf("unknown %s %q (want %s)", what, s, want)
}

// Domain is the promotion domain an item speaks to.
type Domain string

// The four promotion domains, in packet order.
const (
	DomainTechnicalImpact    Domain = "technical-impact"
	DomainOrgLeverage        Domain = "org-leverage"
	DomainCrossTeamInfluence Domain = "cross-team-influence"
	DomainInitiative         Domain = "initiative"
)

// Domains lists the domains in the order a promotion packet shows them.
var Domains = []Domain{DomainTechnicalImpact, DomainOrgLeverage, DomainCrossTeamInfluence, DomainInitiative}

// Title is the domain's heading in a promotion packet.
func (d Domain) Title() string {
	switch d {
	case DomainTechnicalImpact:
		return "Technical impact"
	case DomainOrgLeverage:
		return "Organisational leverage"
	case DomainCrossTeamInfluence:
		return "Cross-team influence"
	case DomainInitiative:
		return "Initiative"
	}
	return string(d)
}

// ParseDomain accepts a domain name as the contract spells it.
func ParseDomain(s string) (Domain, error) {
	return ParseName(s, Domains, "domain", "technical-impact, org-leverage, cross-team-influence or initiative")
}

// Result is what classification says of one artifact: every tag with the
// sentence a person can check.
type Result struct {
	Scope       Scope    `json:"scope"`
	ScopeReason string   `json:"scope_reason"`
	Teams       []string `json:"teams"` // team ids touched other than the user's own, sorted
	// ForTeam is the one team of Teams the work was for (the container's
	// owner when that is not the user's team, else the counterpart's), so
	// per-team numbers add up; "" when no foreign team is touched.
	ForTeam string `json:"-"`
	// OrgWide says the container itself is org-wide (org.org_wide), as
	// against org scope reached by counting teams.
	OrgWide      bool   `json:"-"`
	Domain       Domain `json:"domain"`
	DomainReason string `json:"domain_reason,omitempty"`
	Summary      string `json:"summary"`
	// Signals are the facts of the user's part; Strength and its reasons
	// are scored from them and the scope (see strength.go).
	Signals         Signals  `json:"signals"`
	Strength        Strength `json:"strength,omitempty"`
	StrengthReasons []string `json:"strength_reasons,omitempty"`
}
