package connectors

import (
	"net/url"
	"regexp"
	"slices"
	"strings"
)

var (
	jiraKeyRE = regexp.MustCompile(`\b([A-Z][A-Z0-9]{1,9}-[1-9][0-9]{0,6})\b`)
	prURLRE   = regexp.MustCompile(`https?://[^\s/]+/(?:api/v3/repos/|repos/)?([\w.-]+)/([\w.-]+)/pulls?/([0-9]+)\b`)
	urlRE     = regexp.MustCompile(`https?://[^\s<>()\[\]"'` + "`" + `]+`)
)

// FindRefs finds what a text mentions that may be another item of the same
// piece of work: Jira keys ("jira:PAY-117", from the key or a /browse/
// link), pull-request URLs ("github:acme/api#42"), and links to documents
// ("https://github.com/acme/rfcs/blob/main/rfcs/0042.md", normalised). Which
// of them are items is for the store to say; what is not stays unlinked.
func FindRefs(texts ...string) []string {
	var out []string
	for _, t := range texts {
		for _, m := range prURLRE.FindAllStringSubmatch(t, -1) {
			out = append(out, "github:"+m[1]+"/"+m[2]+"#"+m[3])
		}
		for _, m := range jiraKeyRE.FindAllStringSubmatch(t, -1) {
			out = append(out, "jira:"+m[1])
		}
		for _, u := range urlRE.FindAllString(t, -1) {
			if strings.Contains(u, "/blob/") || strings.Contains(u, "/wiki/") {
				out = append(out, NormalizeURL(u))
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// NormalizeURL is how links are compared: an http(s) URL with its host in
// lower case and no query, fragment or trailing slash or punctuation; ""
// for anything else.
func NormalizeURL(s string) string {
	u, err := url.Parse(strings.TrimRight(strings.TrimSpace(s), ".,;:!?"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return "https://" + strings.ToLower(u.Host) + strings.TrimSuffix(u.EscapedPath(), "/")
}
