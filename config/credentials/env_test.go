package credentials

import (
	"testing"
)

func TestTokenCommand_DoesNotInheritTheStoreKeyOrWithheldTokens(t *testing.T) {
	t.Setenv(StoreKeyEnv, "store-key-canary")
	t.Setenv("JIRA_TOKEN_CANARY", "jira-token-canary")
	t.Setenv("PLAIN_VAR_CANARY", "plain")
	Withhold("JIRA_TOKEN_CANARY", "")
	ts := TokenSource{Command: `printf '%s|%s|%s' "${EVIDENT_STORE_KEY:-unset}" "${JIRA_TOKEN_CANARY:-unset}" "${PLAIN_VAR_CANARY:-unset}"`}
	got, err := ts.Resolve(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if want := "unset|unset|plain"; got != want {
		t.Errorf("token_command saw %q, want %q (secrets withheld, the rest kept)", got, want)
	}
}

func TestCommandEnv_KeepsEverythingElse(t *testing.T) {
	t.Setenv("PATH_LIKE_CANARY", "a=b=c")
	found := false
	for _, kv := range CommandEnv() {
		if kv == "PATH_LIKE_CANARY=a=b=c" {
			found = true
		}
		if len(kv) > len(StoreKeyEnv) && kv[:len(StoreKeyEnv)+1] == StoreKeyEnv+"=" {
			t.Errorf("CommandEnv kept %s", StoreKeyEnv)
		}
	}
	if !found {
		t.Error("CommandEnv dropped a variable that holds no secret")
	}
}
