package connectors

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"
)

// TokenSource says where a secret comes from, for messages that must name
// the place and never the secret.
type TokenSource struct {
	Env     string // environment variable name
	Command string // a shell command printing the token
	// Keyring names the secret stored by `evident auth` (the source's name).
	Keyring string
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
			return "", fmt.Errorf("environment variable %s is empty or unset: %w", t.Env, ErrAuth)
		}
		return v, nil
	case t.Command != "":
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, "/bin/sh", "-c", t.Command)
		var out bytes.Buffer
		cmd.Stdout = &out
		if err := cmd.Run(); err != nil {
			return "", fmt.Errorf("token_command %q failed (%v): %w", t.Command, err, ErrAuth)
		}
		v := strings.TrimSpace(out.String())
		if v == "" {
			return "", fmt.Errorf("token_command %q printed nothing: %w", t.Command, ErrAuth)
		}
		return v, nil
	case t.Keyring != "":
		v, err := DefaultSecrets().Get(t.Keyring)
		if errors.Is(err, ErrNoSecret) {
			return "", fmt.Errorf("no token stored for source %s: run evident auth for it: %w", t.Keyring, ErrAuth)
		}
		if err != nil {
			return "", fmt.Errorf("read the stored token of source %s: %v: %w", t.Keyring, err, ErrAuth)
		}
		return v, nil
	}
	return "", nil
}
