package credentials

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/evident-sync/evident/connectors"
	"github.com/zalando/go-keyring"
)

func TestSecrets_KeyringFirstFileWhereThereIsNone(t *testing.T) {
	s := Secrets{Dir: filepath.Join(t.TempDir(), "credentials")}
	// With a keyring (go-keyring's in-memory mock).
	keyring.MockInit()
	where, err := s.Set("github", "gho_secret1")
	if err != nil || where != "the OS keyring" {
		t.Fatalf("set: %q %v", where, err)
	}
	if v, err := s.Get("github"); err != nil || v != "gho_secret1" {
		t.Errorf("get: %q %v", v, err)
	}
	if _, err := os.Stat(s.Dir); err == nil {
		t.Error("a file was written although a keyring exists")
	}
	// Without one: a 0600 file in a 0700 folder.
	keyring.MockInitWithError(errors.New("no secret service"))
	where, err = s.Set("jira", "jira_secret2")
	if err != nil || !strings.Contains(where, "no OS keyring here") {
		t.Fatalf("set without keyring: %q %v", where, err)
	}
	fi, _ := os.Stat(filepath.Join(s.Dir, "jira"))
	di, _ := os.Stat(s.Dir)
	if fi.Mode().Perm() != 0o600 || di.Mode().Perm() != 0o700 {
		t.Errorf("modes: file %v, folder %v", fi.Mode().Perm(), di.Mode().Perm())
	}
	if v, err := s.Get("jira"); err != nil || v != "jira_secret2" {
		t.Errorf("get from file: %q %v", v, err)
	}
	if _, err := s.Get("nothing"); !errors.Is(err, ErrNoSecret) {
		t.Errorf("missing: %v", err)
	}
	os.Chmod(filepath.Join(s.Dir, "jira"), 0o644)
	if _, err := s.Get("jira"); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("a world-readable file must be refused: %v", err)
	}
}

func TestTokenSource_NamesThePlaceNeverTheSecret(t *testing.T) {
	t.Setenv("EVIDENT_TEST_EMPTY", "")
	_, err := TokenSource{Env: "EVIDENT_TEST_EMPTY", Auth: "evident auth github"}.Resolve(context.Background())
	if !errors.Is(err, connectors.ErrAuth) || err.Error() != "$EVIDENT_TEST_EMPTY is not set (set token_command: gh auth token if you use the GitHub CLI, or export it, or run evident auth github)" {
		t.Errorf("empty env: %v", err)
	}
	if err := (TokenSource{Env: "EVIDENT_TEST_EMPTY"}).Check(); err == nil || err.Error() != "$EVIDENT_TEST_EMPTY is not set (export it)" {
		t.Errorf("Check of an empty env: %v", err)
	}
	v, err := TokenSource{Command: "printf '  tok-from-command\\n'"}.Resolve(context.Background())
	if err != nil || v != "tok-from-command" {
		t.Errorf("command: %q %v", v, err)
	}
	_, err = TokenSource{Command: "printf 'leaked-%s-value' secret; exit 3"}.Resolve(context.Background())
	if err == nil || strings.Contains(err.Error(), "leaked-secret-value") {
		t.Errorf("a failing command's output must not reach the error: %v", err)
	}
}

func TestTokenSource_NoKeyringSaysSoWithTheAlternatives(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	keyring.MockInitWithError(errors.New("The name org.freedesktop.secrets was not provided by any .service files"))
	t.Cleanup(keyring.MockInit)
	_, err := TokenSource{Keyring: "jira", Auth: "evident auth jira --source jira"}.Resolve(t.Context())
	if err == nil {
		t.Fatal("no keyring and no file gave a token")
	}
	var ae *connectors.AuthError
	if !errors.As(err, &ae) || !ae.Missing {
		t.Errorf("want a missing-credential AuthError, got %T %v", err, err)
	}
	for _, want := range []string{"no OS keyring can be reached here", "evident auth jira --source jira", "token_env", "token_command"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message lacks %q: %v", want, err)
		}
	}
	if strings.Count(err.Error(), "\n") != 0 {
		t.Errorf("not one sentence: %q", err)
	}
	if where, reachable := DefaultSecrets().Where("jira"); where != "" || reachable {
		t.Errorf("Where = %q, %v; want nothing, unreachable", where, reachable)
	}
}
