package config_test

import (
	"strings"
	"testing"
	"time"

	"github.com/evident-sync/evident/config"
	"github.com/evident-sync/evident/connectors/gdocs"
)

// A source type that lives with its connector is read, checked and
// completed like the built-in ones: its section, its keys under teams and
// org_wide, its problems at their lines.
func TestRegistry_ASourceTypeFromItsFolderIsReadAndChecked(t *testing.T) {
	now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	good := `me: {name: Alice, emails: [alice@acme.example], teams: [payments]}
org:
  org_wide: {gdocs_folders: [0AArchitectureDrive], jira_projects: [ARCH]}
  teams:
    - id: payments
      gdocs_folders: [1fPayRfcsFolder0000]
      jira_projects: [PAY]
      members: {emails: [carol@acme.example], names: ["Carol Diaz"]}
sources:
  gdocs:
    - name: docs
      folders: [1fPayRfcsFolder0000, 0AArchitectureDrive]
      token_env: GOOGLE_TOKEN
`
	c, err := config.Parse("evident.yaml", []byte(good), now)
	if err != nil {
		t.Fatal(err)
	}
	srcs := c.Sources.Of("gdocs")
	if len(srcs) != 1 {
		t.Fatalf("sources %+v", c.Sources.All())
	}
	s := srcs[0].(*gdocs.Source)
	if s.URL != gdocs.DefaultURL || s.Poll.D != time.Hour || s.Since.IsZero() || len(s.Folders) != 2 {
		t.Errorf("defaults not completed: %+v", s)
	}
	if got := c.Org.Teams[0].Containers; len(got["gdocs"]) != 1 || got["jira"][0] != "PAY" {
		t.Errorf("team containers %v", got)
	}
	if got := c.Org.OrgWide.Containers; got["gdocs"][0] != "0AArchitectureDrive" || got["jira"][0] != "ARCH" {
		t.Errorf("org_wide containers %v", got)
	}
	if refs := c.AllSources(); len(refs) != 1 || refs[0].Type != "gdocs" || refs[0].Poll != time.Hour {
		t.Errorf("AllSources %+v", refs)
	}

	for _, tc := range []struct{ name, yaml, want string }{
		{"a folder's address", `sources: {gdocs: [{name: d, token_env: T, folders: ["https://drive.google.com/drive/folders/1fPayRfcsFolder0000"]}]}`,
			`evident.yaml:2: "https://drive.google.com/drive/folders/1fPayRfcsFolder0000" is a folder's address; write only its id, 1fPayRfcsFolder0000`},
		{"no folders", `sources: {gdocs: [{name: d, token_env: T}]}`, "evident.yaml:2: a Google Docs source needs folders"},
		{"no token", `sources: {gdocs: [{name: d, folders: [1fPayRfcsFolder0000]}]}`, "evident.yaml:2: a Google Docs source needs a token"},
		{"a misspelt key", `sources: {gdocs: [{name: d, token_env: T, folder: [x]}]}`,
			`evident.yaml:2: unknown key "folder" (known keys here: name, url, token_env, token_command, token, since, poll, folders, client_id, client_secret)`},
		{"a misspelt type", `sources: {gdoc: []}`, `evident.yaml:2: unknown key "gdoc" (known keys here: github, jira, rfc, confluence, gdocs)`},
		{"a team's bad folder", "org: {teams: [{id: p, gdocs_folders: [\"a b\"]}]}", `evident.yaml:2: "a b" is not a Drive folder id`},
		{"a name used twice", "sources:\n  jira: [{name: d, url: https://j.example, deployment: server, token_env: T}]\n  gdocs: [{name: d, token_env: T, folders: [1fPayRfcsFolder0000]}]",
			`evident.yaml:4: source name "d" is already used (line 3)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := config.Parse("evident.yaml", []byte("me: {name: Alice}\n"+tc.yaml+"\n"), now)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v\nwant %s", err, tc.want)
			}
		})
	}
}

// The command that stores a source's token comes from its type's sign-in
// (or the sign-in it borrows): it names the source where the sign-in
// would not pick it alone.
func TestAuthCommand_NamesTheSourceWhereTheSignInNeedsIt(t *testing.T) {
	for _, c := range []struct {
		typ  string
		n    int
		want string
	}{
		{"github", 1, "evident auth github"},
		{"github", 2, "evident auth github --source src"},
		{"jira", 1, "evident auth jira"},
		{"gdocs", 1, "evident auth google"},
		{"rfc", 1, "evident auth github --source src"},
	} {
		st, ok := config.TypeOf(c.typ)
		if !ok {
			t.Fatalf("type %s is not registered", c.typ)
		}
		if got := st.AuthCommand("src", c.n); got != c.want {
			t.Errorf("%s of %d: %q, want %q", c.typ, c.n, got, c.want)
		}
	}
	if got := (config.SourceType{Name: "none"}).AuthCommand("src", 1); got != "" {
		t.Errorf("a type without a sign-in: %q", got)
	}
}
