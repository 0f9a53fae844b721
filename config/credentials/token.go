package credentials

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/evident-sync/evident/connectors"
)

// TokenSource says where a secret comes from, for messages that must name
// the place and never the secret.
type TokenSource struct {
	Env     string // environment variable name
	Command string // a shell command printing the token
	// Keyring names the secret stored by `evident auth` (the source's name).
	Keyring string
	// Auth is the command that stores a token for this source, for messages
	// ("evident auth github --source gh"); empty when none does.
	Auth string
}

func (t TokenSource) fix(first string) string {
	if t.Auth == "" {
		return "(" + first + ")"
	}
	return "(" + first + ", or run " + t.Auth + ")"
}

// Check reports, without a request and without running a token_command,
// a token that is certainly missing: an unset or empty variable, nothing
// in the keyring.
func (t TokenSource) Check() error {
	switch {
	case t.Env != "":
		if strings.TrimSpace(os.Getenv(t.Env)) == "" {
			first := "export it"
			if strings.HasPrefix(t.Auth, "evident auth github") {
				first = "set token_command: gh auth token if you use the GitHub CLI, or export it"
			}
			return &connectors.AuthError{Msg: fmt.Sprintf("$%s is not set %s", t.Env, t.fix(first)), Missing: true}
		}
	case t.Command == "" && t.Keyring != "":
		_, err := DefaultSecrets().Get(t.Keyring)
		return t.keyringError(err)
	}
	return nil
}

func (t TokenSource) keyringError(err error) error {
	var nk *NoKeyringError
	switch {
	case errors.As(err, &nk):
		auth := t.Auth
		if auth == "" {
			auth = "evident auth"
		}
		return &connectors.AuthError{Msg: fmt.Sprintf("no token is stored for source %s: no OS keyring can be reached here (no D-Bus session or Secret Service), and there is no token file (run %s to store one in a file only you can read, or set token_env or token_command instead of token: keyring)", t.Keyring, auth), Missing: true}
	case errors.Is(err, ErrNoSecret):
		auth := t.Auth
		if auth == "" {
			auth = "evident auth"
		}
		return &connectors.AuthError{Msg: fmt.Sprintf("no token is stored for source %s (run %s)", t.Keyring, auth), Missing: true}
	case err != nil:
		return &connectors.AuthError{Msg: fmt.Sprintf("the stored token of source %s cannot be read: %v", t.Keyring, err)}
	}
	return nil
}

// Describe names the place: "$GITHUB_TOKEN" or "token_command \"gh auth token\"".
func (t TokenSource) Describe() string {
	if t.Env != "" {
		return "$" + t.Env
	}
	if t.Command != "" {
		return fmt.Sprintf("token_command %q", t.Command)
	}
	if t.Keyring != "" {
		return fmt.Sprintf("the keyring (evident auth, source %s)", t.Keyring)
	}
	return "no token"
}

// Resolve returns the token. An empty source gives "" and no error.
func (t TokenSource) Resolve(ctx context.Context) (string, error) {
	switch {
	case t.Env != "":
		v := strings.TrimSpace(os.Getenv(t.Env))
		if v == "" {
			return "", t.Check()
		}
		return v, nil
	case t.Command != "":
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, "/bin/sh", "-c", t.Command)
		cmd.Env = CommandEnv()
		var out bytes.Buffer
		cmd.Stdout = &out
		if err := cmd.Run(); err != nil {
			return "", &connectors.AuthError{Msg: fmt.Sprintf("token_command %q failed (%v) %s", t.Command, err, t.fix("check it in a shell"))}
		}
		v := strings.TrimSpace(out.String())
		if v == "" {
			return "", &connectors.AuthError{Msg: fmt.Sprintf("token_command %q printed nothing %s", t.Command, t.fix("check it in a shell"))}
		}
		return v, nil
	case t.Keyring != "":
		v, err := DefaultSecrets().Get(t.Keyring)
		if err != nil {
			return "", t.keyringError(err)
		}
		return v, nil
	}
	return "", nil
}
