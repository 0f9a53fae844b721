package credentials

import (
	"os"
	"strings"
	"sync"
)

// StoreKeyEnv is the store key's conventional environment variable; it is
// withheld from every command evident runs, whatever the config says.
const StoreKeyEnv = "EVIDENT_STORE_KEY"

var (
	withheldMu sync.Mutex
	withheld   = map[string]bool{StoreKeyEnv: true}
)

// Withhold names environment variables that hold secrets (the store key's
// key_env, every token_env) so the commands evident runs, a token_command
// or the digest's command, do not inherit them. It adds to the list for
// the rest of the process.
func Withhold(names ...string) {
	withheldMu.Lock()
	defer withheldMu.Unlock()
	for _, n := range names {
		if n != "" {
			withheld[n] = true
		}
	}
}

// CommandEnv is the environment a command evident runs is given: this
// process's, without the withheld variables.
func CommandEnv() []string {
	withheldMu.Lock()
	defer withheldMu.Unlock()
	env := os.Environ()
	out := env[:0:0]
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		if !withheld[name] {
			out = append(out, kv)
		}
	}
	return out
}
