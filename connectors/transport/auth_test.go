package transport

import (
	"errors"
	"strings"
	"testing"

	"github.com/evident-sync/evident/connectors"
)

// A 401 or 403 is one sentence naming the service and the credential; a
// 401 also forgets the cached token, so that it is read again next time.
// Any other status is not a refusal.
func TestRefusal_ForgetsTheTokenOnlyWhenRejected(t *testing.T) {
	for _, c := range []struct {
		status          int
		refused, forgot bool
	}{{401, true, true}, {403, true, false}, {404, false, false}, {500, false, false}} {
		forgot := false
		err := Refusal(c.status, "Jira Cloud", "the API token from $JIRA_TOKEN", "nope", func() { forgot = true })
		if (err != nil) != c.refused || forgot != c.forgot {
			t.Errorf("%d: refused %v, forgot %v", c.status, err, forgot)
		}
		if err != nil && (!errors.Is(err, connectors.ErrAuth) || !strings.Contains(err.Error(), "Jira Cloud") || !strings.Contains(err.Error(), "$JIRA_TOKEN")) {
			t.Errorf("%d: %v", c.status, err)
		}
	}
}
