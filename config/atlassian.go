package config

import (
	"net/mail"
	"strings"
	"time"
)

// CheckAtlassian checks what Jira and Confluence sources share: the url,
// the deployment, and on Cloud the account email the API token goes with.
func CheckAtlassian(ch *Checker, p, product, urlHint, rawURL, deployment, email string) {
	if rawURL == "" {
		ch.Problemf(p, "a %s source needs url (%s)", product, urlHint)
	} else {
		ch.URL(p+".url", rawURL)
	}
	switch deployment {
	case JiraCloud:
		if email == "" {
			ch.Problemf(p, "a %s Cloud source needs email: the API token is used with your Atlassian account email", product)
		} else if _, err := mail.ParseAddress(email); err != nil {
			ch.Problemf(p+".email", "%q is not an email address", email)
		}
	case JiraServer:
	case "":
		ch.Problemf(p, "a %s source needs deployment: cloud or server (Server and Data Center)", product)
	default:
		ch.Problemf(p+".deployment", "deployment %q is not cloud or server", deployment)
	}
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
