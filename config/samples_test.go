package config_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/evident-sync/evident/config"
	// Every source type registers, as in the program.
	_ "github.com/evident-sync/evident/connectors/all"
)

// Each connector keeps a sample config beside its code (as a Telegraf
// plugin does). Every sample is a valid config, and every key it shows is
// documented in docs/configuration.md under its source type's heading, so
// the samples and the reference cannot drift apart.
func TestSamples_AreValidAndDocumented(t *testing.T) {
	samples, _ := filepath.Glob("../connectors/*/sample.yaml")
	if len(samples) < len(config.SourceTypes()) {
		t.Fatalf("found %d connector samples, want one per source type (%d)", len(samples), len(config.SourceTypes()))
	}
	doc, err := os.ReadFile("../docs/configuration.md")
	if err != nil {
		t.Fatal(err)
	}
	// The rfc sample names a folder under the home directory.
	home := t.TempDir()
	t.Setenv("HOME", home)
	os.MkdirAll(filepath.Join(home, "src/acme/design"), 0o755)
	const base = "me: {github: alice, jira: alice, teams: [platform]}\norg: {teams: [{id: platform, name: Platform}]}\n"
	for _, p := range samples {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := config.Parse(p, append([]byte(base), b...), time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)); err != nil {
			t.Errorf("%s is not a valid config: %v", p, err)
			continue
		}
		var s struct {
			Sources map[string][]map[string]any `yaml:"sources"`
		}
		if err := yaml.Unmarshal(b, &s); err != nil {
			t.Fatal(err)
		}
		for typ, list := range s.Sources {
			section := docSection(string(doc), "### `sources."+typ+"[]`")
			if section == "" {
				t.Errorf("%s: docs/configuration.md has no section for sources.%s[]", p, typ)
				continue
			}
			for _, src := range list {
				for key := range src {
					if strings.HasPrefix(key, "token") {
						key = "token" // the Tokens table covers token_env, token_command and token
					}
					if !regexp.MustCompile("(?m)^\\| (`" + regexp.QuoteMeta(key) + "`|" + key + ") \\|").MatchString(section) {
						t.Errorf("%s: key %q is not in the table of sources.%s[] in docs/configuration.md", p, key, typ)
					}
				}
			}
		}
	}
}

// docSection is the text from heading to the next heading of its level or
// above.
func docSection(doc, heading string) string {
	i := strings.Index(doc, heading+"\n")
	if i < 0 {
		return ""
	}
	rest := doc[i+len(heading):]
	if j := regexp.MustCompile("(?m)^#{1,3} ").FindStringIndex(rest); j != nil {
		rest = rest[:j[0]]
	}
	return rest
}
