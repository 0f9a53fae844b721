package config_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/evident-sync/evident/config"
)

// A config is typed by hand: whatever it holds, config.Parse returns a config or
// an error, never a panic.
func FuzzParse_NeverPanics(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.yaml")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("me: {github: alice}\nsources: {github: [{name: gh, token_env: T}]}\n"))
	f.Add([]byte("me: &a {x: *a}\n"))
	f.Add([]byte("digest: {when: \"mon 25:99\"}\norg: {teams: [{id: x, repos: [\"[\"]}]}\n"))
	now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, data []byte) {
		config.Parse("c.yaml", data, now)
	})
}
