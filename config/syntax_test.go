package config_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/evident-sync/evident/config"
)

func TestParse_SyntaxErrorsNameTheOffendingLine(t *testing.T) {
	for _, tc := range []struct {
		name, yaml string
		line       int
		says       string
	}{
		{"a key indented one space too far", `me:
  name: Alice
  github: alice
data_dir: d
sources:
  github:
    - name: gh
      token_env: X
       poll: 1h
`, 9, "indentation"},
		{"a key indented one space too little in a list item", `me:
  name: Alice
sources:
  github:
    - name: gh
      token_env: X
     poll: 1h
    - name: gh2
`, 7, "indentation"},
		{"a nested key under a value that opens nothing", `me:
  name: Alice
org:
  org_threshold: 3
    teams: []
`, 5, ""},
		{"a tab", "me:\n  name: Alice\n\tgithub: alice\n", 3, "tab"},
		{"an unclosed quote stays where yaml says", "me:\n  name: \"Alice\n  github: alice\n", 2, "YAML syntax"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := config.Parse("c.yaml", []byte(tc.yaml), time.Now())
			var ce *config.Error
			if !errors.As(err, &ce) || len(ce.Problems) != 1 {
				t.Fatalf("want one problem, got %v", err)
			}
			p := ce.Problems[0]
			if p.Line != tc.line || !strings.Contains(p.Msg, tc.says) {
				t.Errorf("line %d %q, want line %d saying %q", p.Line, p.Msg, tc.line, tc.says)
			}
		})
	}
}
