package classify

import "testing"

func TestCriterion_SupportsByDomainAndKeywords(t *testing.T) {
	design := Criterion{ID: "x", Domain: DomainCrossTeamInfluence, Keywords: []string{"RFC", "design"}}
	any := Criterion{ID: "y", Domain: DomainOrgLeverage}
	for _, c := range []struct {
		c     Criterion
		d     Domain
		texts []string
		want  bool
	}{
		{design, DomainCrossTeamInfluence, []string{"RFC-0042: idempotent refunds"}, true},
		{design, DomainCrossTeamInfluence, []string{"Review the designs"}, true},
		{design, DomainCrossTeamInfluence, []string{"", "my note: Design review for Search"}, true},
		{design, DomainCrossTeamInfluence, []string{"designated owner"}, false},
		{design, DomainCrossTeamInfluence, []string{"rfcx"}, false},
		{design, DomainTechnicalImpact, []string{"RFC"}, false},
		{any, DomainOrgLeverage, nil, true},
		{any, DomainInitiative, nil, false},
	} {
		if got := c.c.Supports(c.d, c.texts...); got != c.want {
			t.Errorf("%s supports %s %q = %v, want %v", c.c.ID, c.d, c.texts, got, c.want)
		}
	}
}
