// Package credentials says where secrets come from and keeps them: a
// source's token (an environment variable, a command, or the OS keyring
// with a 0600-file fallback) and the store's encryption key. Messages name
// the place, never the secret.
package credentials

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/zalando/go-keyring"
)

// KeyringService is the service name evident's secrets carry in the OS
// keyring.
const KeyringService = "evident"

// Secrets keeps tokens in the OS keyring (macOS Keychain, the Secret Service
// on Linux desktops, Windows Credential Manager) and, where there is none
// (a headless Linux), in files of mode 0600 in a 0700 folder.
type Secrets struct {
	// Dir is the fallback folder: $XDG_CONFIG_HOME/evident/credentials.
	Dir string
}

// DefaultSecrets uses the keyring and the default fallback folder.
func DefaultSecrets() Secrets {
	base := os.Getenv("XDG_CONFIG_HOME")
	if base == "" {
		home, _ := os.UserHomeDir()
		base = filepath.Join(home, ".config")
	}
	return Secrets{Dir: filepath.Join(base, "evident", "credentials")}
}

func (s Secrets) file(name string) string {
	return filepath.Join(s.Dir, strings.NewReplacer("/", "_", string(filepath.Separator), "_").Replace(name))
}

// Set stores a secret and says where: "the OS keyring" or the file.
func (s Secrets) Set(name, value string) (string, error) {
	if err := keyring.Set(KeyringService, name, value); err == nil {
		os.Remove(s.file(name)) // one place only
		return "the OS keyring", nil
	}
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		return "", fmt.Errorf("no OS keyring, and cannot create %s: %w", s.Dir, err)
	}
	if err := os.Chmod(s.Dir, 0o700); err != nil {
		return "", err
	}
	tmp, err := os.CreateTemp(s.Dir, ".tmp-*")
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(value); err != nil {
		tmp.Close()
		return "", err
	}
	if err := tmp.Close(); err != nil {
		return "", err
	}
	if err := os.Rename(tmp.Name(), s.file(name)); err != nil {
		return "", err
	}
	return s.file(name) + " (no OS keyring here; the file is readable by you only)", nil
}

// ErrNoSecret means no secret is stored under the name.
var ErrNoSecret = errors.New("no stored secret")

// NoKeyringError means no OS keyring could be reached (a headless Linux
// has no D-Bus session or Secret Service) and no fallback file holds the
// secret. It is an ErrNoSecret.
type NoKeyringError struct {
	File  string // the fallback file that does not exist
	Cause error  // the keyring's own error
}

func (e *NoKeyringError) Error() string {
	return fmt.Sprintf("no OS keyring can be reached here (%v), and %s does not exist", e.Cause, e.File)
}

// Is makes a NoKeyringError an ErrNoSecret.
func (e *NoKeyringError) Is(target error) bool { return target == ErrNoSecret }

// Get returns a stored secret.
func (s Secrets) Get(name string) (string, error) {
	v, kerr := keyring.Get(KeyringService, name)
	if kerr == nil {
		return v, nil
	}
	b, err := os.ReadFile(s.file(name))
	if errors.Is(err, os.ErrNotExist) {
		if !errors.Is(kerr, keyring.ErrNotFound) {
			return "", &NoKeyringError{File: s.file(name), Cause: kerr}
		}
		return "", ErrNoSecret
	}
	if err != nil {
		return "", err
	}
	if fi, err := os.Stat(s.file(name)); err == nil && fi.Mode().Perm()&0o077 != 0 {
		return "", fmt.Errorf("%s is readable by others; chmod 600 it", s.file(name))
	}
	return strings.TrimSpace(string(b)), nil
}

// Where says where a stored secret lives, without reading it out: "" when
// nothing is stored. reachable is false when no OS keyring answered.
func (s Secrets) Where(name string) (where string, reachable bool) {
	_, err := keyring.Get(KeyringService, name)
	if err == nil {
		return "the OS keyring", true
	}
	reachable = errors.Is(err, keyring.ErrNotFound)
	if _, err := os.Stat(s.file(name)); err == nil {
		return s.file(name), reachable
	}
	return "", reachable
}
