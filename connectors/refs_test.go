package connectors

import (
	"slices"
	"testing"
)

func TestFindRefs_JiraKeysPullRequestsAndDocumentLinks(t *testing.T) {
	got := FindRefs(
		"PAY-117: double-entry ledger",
		"Implements https://github.com/acme/rfcs/blob/main/rfcs/0042-ledger.md. See also https://acme.atlassian.net/browse/PLAT-9 and https://github.com/acme/api/pull/42#discussion_r1",
		"feature/PAY-117-ledger",
		"lower-case pay-117 is not a key; neither is a bare 42",
	)
	want := []string{"github:acme/api#42", "https://github.com/acme/rfcs/blob/main/rfcs/0042-ledger.md", "jira:PAY-117", "jira:PLAT-9"}
	if !slices.Equal(got, want) {
		t.Errorf("FindRefs = %q\nwant %q", got, want)
	}
	if NormalizeURL("HTTPS://GitHub.com/acme/x/?a=1#f") != "https://github.com/acme/x" || NormalizeURL("file:///tmp/x.md") != "" {
		t.Error("NormalizeURL")
	}
}
