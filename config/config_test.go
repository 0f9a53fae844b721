package config_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/evident-sync/evident/config"
	"github.com/evident-sync/evident/connectors/github"
	"github.com/evident-sync/evident/connectors/jira"
	"github.com/evident-sync/evident/connectors/rfc"
	"github.com/google/go-cmp/cmp"
)

var now = time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)

func TestParse_ContractExampleIsValid(t *testing.T) {
	path := filepath.Join("testdata", "full.yaml")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	c, err := config.Parse(path, data, now)
	if err != nil {
		t.Fatalf("contract example rejected:\n%v", err)
	}
	if c.Sources.Of("github")[0].(*github.Source).Poll.D != 15*time.Minute || c.Sources.Of("jira")[0].(*jira.Source).Since.Format(time.DateOnly) != "2026-01-01" {
		t.Errorf("durations or dates not read: %+v", c.Sources)
	}
	got := c.AllSources()
	want := []config.SourceRef{{"github", "github", 15 * time.Minute}, {"jira", "jira", 30 * time.Minute}, {"rfcs", "rfc", time.Hour}, {"keps", "rfc", time.Hour}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("sources (-want +got):\n%s", d)
	}
	if abs, _ := filepath.Abs("testdata"); c.Sources.Of("rfc")[1].(*rfc.Source).Dir != abs {
		t.Errorf("dir %q not resolved against the config's folder %q", c.Sources.Of("rfc")[1].(*rfc.Source).Dir, abs)
	}
}

func TestParse_Defaults(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", "/xdg/data")
	c, err := config.Parse("c.yaml", []byte("me: {github: alice}\nsources:\n  github:\n    - {name: gh, token_env: T}\n"), now)
	if err != nil {
		t.Fatal(err)
	}
	gh := c.Sources.Of("github")[0].(*github.Source)
	if c.DataDir != "/xdg/data/evident" || c.Org.OrgThreshold != 3 || gh.Poll.D != 15*time.Minute ||
		gh.URL != "https://api.github.com/" || gh.Since.Format(time.DateOnly) != "2025-11-21" {
		t.Errorf("defaults: data_dir %q threshold %d poll %v url %q since %v", c.DataDir, c.Org.OrgThreshold, gh.Poll.D, gh.URL, gh.Since)
	}
}

func TestParse_EveryClassOfErrorWithItsLine(t *testing.T) {
	const head = "me:\n  github: alice\n  teams: [platform]\norg:\n  teams:\n    - id: platform\n"
	// head is 6 lines; the case's text starts on line 7.
	tests := []struct {
		name, yaml string
		want       []string // "LINE: message fragment"
	}{
		{"unknown top-level key", head + "colour: blue\n", []string{`7: unknown key "colour"`}},
		{"confluence: cloud without /wiki or email, bad space and label", head + "sources:\n  confluence:\n    - name: wiki\n      url: https://acme.atlassian.net/\n      deployment: cloud\n      token_env: T\n      spaces: [\"E N G\"]\n      labels: [\"a,b\"]\n",
			[]string{`9: a Confluence Cloud source needs email`, `10: Confluence Cloud lives under /wiki: write https://acme.atlassian.net/wiki/`, `13: "E N G" is not a Confluence space key`, `14: "a,b" is not a Confluence label`}},
		{"confluence: no deployment", head + "sources:\n  confluence:\n    - {name: wiki, url: \"https://c.acme.example/\", token_env: T}\n", []string{`9: a Confluence source needs deployment: cloud or server`}},
		{"unknown nested key lists the known ones", head + "      nmae: Platform\n", []string{`7: unknown key "nmae" (known keys here: id, name, aliases, members, repos, jira_projects, rfc_sources, confluence_spaces, gdocs_folders)`}},
		{"wrong type", head + "  org_threshold: many\n", []string{`7: expected a whole number, got "many"`}},
		{"list expected", head + "      aliases: sig-platform\n", []string{`7: expected a list, got "sig-pla`}},
		{"bad duration", head + "sources:\n  rfc:\n    - name: r\n      repo: a/b\n      poll: 15 minutes\n", []string{`11: "15 minutes" is not a duration`}},
		{"bad date", head + "sources:\n  github:\n    - name: g\n      token_env: T\n      since: 2023-14-05\n", []string{`11: "2023-14-05" is not a date`}},
		{"duplicate source names", head + "sources:\n  github:\n    - {name: work, token_env: T}\n  rfc:\n    - name: work\n      repo: a/b\n", []string{`11: source name "work" is already used (line 9)`}},
		{"undefined home team", "me:\n  github: alice\n  teams: [platfrom]\n", []string{`3: team "platfrom" is not defined under org.teams`}},
		{"rfc with neither dir nor repo", head + "sources:\n  rfc:\n    - name: notes\n      poll: 1h\n", []string{`9: an RFC source needs either dir`}},
		{"rfc with both", head + "sources:\n  rfc:\n    - name: notes\n      repo: a/b\n      dir: /tmp\n", []string{`11: an RFC source reads either dir or repo, not both`}},
		{"rfc dir missing", head + "sources:\n  rfc:\n    - name: notes\n      dir: /does/not/exist\n", []string{`10: folder /does/not/exist does not exist`}},
		{"jira without deployment", head + "sources:\n  jira:\n    - name: j\n      url: https://x.atlassian.net\n      token_env: T\n", []string{`9: a Jira source needs deployment`}},
		{"jira bad deployment", "me: {jira: a}\nsources:\n  jira:\n    - name: j\n      url: https://x\n      deployment: datacenter\n      token_env: T\n", []string{`6: deployment "datacenter" is not cloud or server`}},
		{"jira cloud without email", "me: {jira: a}\nsources:\n  jira:\n    - {name: j, url: 'https://x', deployment: cloud, token_env: T}\n", []string{`4: a Jira Cloud source needs email`}},
		{"no token", head + "sources:\n  github:\n    - name: g\n", []string{`9: a GitHub source needs a token`}},
		{"both tokens", head + "sources:\n  github:\n    - name: g\n      token_env: T\n      token_command: gh auth token\n", []string{`11: set one of token_env, token_command or token: keyring`}},
		{"pasted token in token_env", head + "sources:\n  github:\n    - name: g\n      token_env: ghp_abcdefghijklmnop1234\n", []string{`10: token_env names an environment variable, like GITHUB_TOKEN; "ghp…" is not one`}},
		{"a pasted token in token", head + "sources:\n  github:\n    - name: g\n      token: ghp_abcdefghijklmnop1234\n", []string{`10: token may only be "keyring"`}},
		{"encryption key in the config", head + "encryption:\n  key: 00112233\n", []string{`8: encryption.key may only be "keyring"`}},
		{"bad url", head + "sources:\n  github:\n    - name: g\n      url: api.github.com\n      token_env: T\n", []string{`10: "api.github.com" is not an http(s) URL`}},
		{"github source without me.github", "me: {name: A}\nsources:\n  github:\n    - {name: g, token_env: T}\n", []string{`4: a GitHub source needs your GitHub login in me.github`}},
		{"no identity", "org: {}\n", []string{`1: say who you are`}},
		{"threshold too low", head + "  org_threshold: 1\n", []string{`7: org_threshold must be at least 2`}},
		{"duplicate team id", head + "    - id: platform\n", []string{`7: team id "platform" is already defined (line 6)`}},
		{"alias of two teams", head + "      aliases: [infra]\n    - id: infra-team\n      aliases: [infra]\n", []string{`9: alias "infra" already names team "platform"`}},
		{"bad repo glob", head + "      repos: [\"acme/[x\"]\n", []string{`7: repo pattern "acme/[x" is not a valid glob`}},
		{"repo glob without owner", head + "      repos: [payments]\n", []string{`7: repo pattern "payments" must be owner/name`}},
		{"bad project key", head + "      jira_projects: [pay]\n", []string{`7: "pay" is not a Jira project key`}},
		{"bad source name", head + "sources:\n  rfc:\n    - name: my rfcs\n      repo: a/b\n", []string{`9: source name "my rfcs" may use only`}},
		{"bad email", "me:\n  emails: [not-an-address]\n", []string{`2: "not-an-address" is not an email address`}},
		{"yaml syntax", "me:\n  github: alice\n   bad: indent\n", []string{`3: YAML syntax: mapping values are not allowed`}},
		{"not a mapping", "- a\n- b\n", []string{`1: the config must be a mapping`}},
		{"several problems at once, in line order", "me:\n  githb: alice\n  teams: [x]\norg:\n  org_threshold: nope\n", []string{`1: say who you are`, `2: unknown key "githb"`, `3: team "x" is not defined`, `5: expected a whole number`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Parse("evident.yaml", []byte(tt.yaml), now)
			var ce *config.Error
			if !errors.As(err, &ce) {
				t.Fatalf("want *config.Error, got %v", err)
			}
			lines := strings.Split(ce.Error(), "\n")
			if len(lines) != len(tt.want) {
				t.Fatalf("want %d problems, got:\n%s", len(tt.want), ce)
			}
			for i, w := range tt.want {
				if !strings.HasPrefix(lines[i], "evident.yaml:"+w) {
					t.Errorf("problem %d:\n got %s\nwant evident.yaml:%s…", i, lines[i], w)
				}
			}
		})
	}
}

func TestExample_IsValidAfterInit(t *testing.T) {
	if _, err := config.Parse("config.yaml", config.Example, now); err != nil {
		t.Fatalf("the init example must pass config check:\n%v", err)
	}
}

// The template evident init writes has staff-level criteria in each of the
// four domains, so gaps and the packet's criteria work from the first day.
func TestExample_CriteriaCoverTheFourDomains(t *testing.T) {
	c, err := config.Parse("config.yaml", config.Example, now)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, cr := range c.Criteria {
		seen[cr.Domain] = true
	}
	for _, d := range config.Domains {
		if !seen[d] {
			t.Errorf("no criterion for %s in the template", d)
		}
	}
}

// A team's repository is a glob, or a glob with the line a reader needs.
func TestParse_RepoWithDescription(t *testing.T) {
	c, err := config.Parse("c.yaml", []byte("me: {github: alice, teams: [payments]}\norg:\n  teams:\n    - id: payments\n      repos:\n        - acme/payments-*\n        - {repo: acme/ledger, description: the ledger every refund passes through}\n"), now)
	if err != nil {
		t.Fatal(err)
	}
	got := c.Org.Teams[0].Repos
	if len(got) != 2 || got[0].Glob != "acme/payments-*" || got[1].Glob != "acme/ledger" || got[1].Description != "the ledger every refund passes through" {
		t.Errorf("repos %+v", got)
	}
	for _, bad := range []string{"{repo: acme/x, owner: bob}", "{description: what}", "[acme/x]"} {
		_, err := config.Parse("c.yaml", []byte("me: {github: alice}\norg:\n  teams:\n    - id: payments\n      repos:\n        - "+bad+"\n"), now)
		if err == nil || !strings.Contains(err.Error(), "c.yaml:") {
			t.Errorf("%s: %v, want an error naming the file and line", bad, err)
		}
	}
}

// A local RFC folder's owners: rfc_sources must name a local RFC source,
// owner_team a team, and a repository source takes no owner_team.
func TestParse_LocalRFCOwners(t *testing.T) {
	dir := t.TempDir()
	base := "me: {name: G, teams: [lang]}\norg:\n  teams:\n    - id: lang\n      rfc_sources: [%s]\nsources:\n  rfc:\n    - {name: peps, dir: " + dir + "%s}\n    - {name: gh, repo: acme/rfcs%s}\n"
	if _, err := config.Parse("c.yaml", []byte(fmt.Sprintf(base, "peps, peps/typing", ", owner_team: lang", "")), now); err != nil {
		t.Fatalf("valid owners refused: %v", err)
	}
	for _, bad := range []struct{ rfc, owner, repoOwner, want string }{
		{"pepz", "", "", `"pepz" names no local RFC source`},
		{"gh", "", "", `"gh" names no local RFC source`},
		{"peps", ", owner_team: nobody", "", `owner_team "nobody" is no team in org.teams`},
		{"peps", "", ", owner_team: lang", "owner_team is for a local folder"},
	} {
		_, err := config.Parse("c.yaml", []byte(fmt.Sprintf(base, bad.rfc, bad.owner, bad.repoOwner)), now)
		if err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%+v: %v, want %q", bad, err, bad.want)
		}
	}
}

// config check warns on an API address a token should not go to as it is:
// one with a space, or plain http to another machine (loopback is fine).
func TestParse_WarnsOnAddressesATokenShouldNotTravelTo(t *testing.T) {
	t.Setenv("T", "x")
	c, err := config.Parse("c.yaml", []byte("me: {github: alice, jira: '712020:alice'}\nsources:\n  github:\n    - {name: a, url: 'http://ghe.acme.example/api/v3/', token_env: T}\n    - {name: b, url: 'http://127.0.0.1:8080/', token_env: T}\n  jira:\n    - {name: j, url: 'https://acme.atlassian.net/ ', deployment: cloud, email: a@acme.example, token_env: T}\n"), now)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range c.Warnings {
		got = append(got, fmt.Sprintf("%d: %s", w.Line, w.Msg))
	}
	want := []string{`4: "http://ghe.acme.example/api/v3/" is plain http: the token would cross the network unencrypted; use https://`,
		`7: "https://acme.atlassian.net/ " has a space in it; remove it (a URL has none)`}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
