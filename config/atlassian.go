package config

import (
	"context"
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"time"
)

// Atlassian is what a Jira or Confluence entry holds beside Common: the
// deployment, the Cloud account email the API token goes with, and where
// people open what it links to when that is not the API's address.
type Atlassian struct {
	Deployment string `yaml:"deployment"` // cloud | server (Server and Data Center)
	Email      string `yaml:"email"`
	// BrowseURL is where people open issues or pages, when it differs from
	// the url (an API behind a proxy); items link there.
	BrowseURL string `yaml:"browse_url"`
}

// Check completes and checks what Jira and Confluence entries share: the
// poll and since, the url, the browse url, the deployment, the email on
// Cloud, the token. product names the service ("Jira"); urlHint says what
// its url looks like.
func (a *Atlassian) Check(ch *Checker, p, product, urlHint string, c *Common, poll time.Duration) {
	ch.Schedule(&c.Poll, &c.Since, poll)
	if a.BrowseURL != "" {
		ch.URL(p+".browse_url", a.BrowseURL)
	}
	if c.URL == "" {
		ch.Problemf(p, "a %s source needs url (%s)", product, urlHint)
	} else {
		ch.URL(p+".url", c.URL)
	}
	switch a.Deployment {
	case JiraCloud:
		if a.Email == "" {
			ch.Problemf(p, "a %s Cloud source needs email: the API token is used with your Atlassian account email", product)
		} else if _, err := mail.ParseAddress(a.Email); err != nil {
			ch.Problemf(p+".email", "%q is not an email address", a.Email)
		}
	case JiraServer:
	case "":
		ch.Problemf(p, "a %s source needs deployment: cloud or server (Server and Data Center)", product)
	default:
		ch.Problemf(p+".deployment", "deployment %q is not cloud or server", a.Deployment)
	}
	ch.Token(p, c.Token, "a "+product+" source")
}

// WarnAtlassian warns about an Atlassian source's token, its poll, and
// the template's address.
func WarnAtlassian(ch *Checker, p, product string, tok Token, every, least time.Duration, raw string) {
	ch.TokenSet(p, tok, "")
	ch.MinPoll(p, every, least)
	ch.Address(p, raw)
	if strings.Contains(raw, "your-org") {
		ch.Problemf(p+".url", "%q is the template's placeholder; put your %s's address here", raw, product)
	}
}

// IsPlaceholder reports a value `evident init` wrote for the user to
// replace.
func IsPlaceholder(s string) bool { return isPlaceholder(s) }

// TeamNamed reports whether name is a team's id, name or alias.
func (c *Config) TeamNamed(name string) bool {
	for _, t := range c.Org.Teams {
		if strings.EqualFold(t.ID, name) || strings.EqualFold(t.Name, name) {
			return true
		}
		for _, a := range t.Aliases {
			if strings.EqualFold(a, name) {
				return true
			}
		}
	}
	return false
}

// Pattern is a check of one name (a container under a team, an item of an
// entry's list) that accepts what re matches and says what anything else
// is not ("a Jira project key").
func Pattern(re *regexp.Regexp, what string) func(*Config, string) string {
	return func(_ *Config, k string) string {
		if !re.MatchString(k) {
			return fmt.Sprintf("%q is not %s", k, what)
		}
		return ""
	}
}

// atlassian is the Atlassian fields of a Jira or Confluence entry (its
// embedded Atlassian).
func (a *Atlassian) atlassian() *Atlassian { return a }

// AtlassianSignIn is `evident auth jira` and `evident auth confluence`: it
// reads an API token (Cloud) or a personal access token (Server and Data
// Center) for a source of type typ.
func AtlassianSignIn(typ, product string) *SignIn {
	return &SignIn{
		Command: typ, Product: product,
		Short: "Store a " + product + " API token (Cloud) or personal access token (Server/DC)",
		Run: func(_ context.Context, src Source, _ map[string]string, p Prompter) (string, error) {
			kind := "API token"
			if a, ok := src.(interface{ atlassian() *Atlassian }); ok && a.atlassian().Deployment == JiraServer {
				kind = "personal access token"
			}
			return p.Secret(fmt.Sprintf("%s %s for %s (input hidden): ", product, kind, src.SourceName()))
		},
	}
}
