// Package config reads evident's YAML configuration strictly: unknown keys,
// wrong types, bad durations and dates, and inconsistent references are all
// reported together, each as FILE:LINE: message.
package config

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"go.yaml.in/yaml/v3"
)

// Config is a whole evident configuration.
type Config struct {
	// Path is the file the config was read from.
	Path string `yaml:"-"`
	// Warnings are what is valid but almost certainly not meant (a
	// placeholder left from the template, an unset token variable), by line.
	Warnings []Problem `yaml:"-"`

	Me         Me         `yaml:"me"`
	DataDir    string     `yaml:"data_dir"`
	Encryption Encryption `yaml:"encryption"`
	Org        Org        `yaml:"org"`
	Sources    Sources    `yaml:"sources"`
	// Criteria are the level criteria the packet and `evident gaps`
	// measure the confirmed evidence against.
	Criteria []Criterion `yaml:"criteria"`
	Digest   Digest      `yaml:"digest"`
	Backup   Backup      `yaml:"backup"`
}

// Backup is the daemon's scheduled backup: every Every, a full backup
// (encrypted when the store is) into Dir, keeping the newest Keep.
type Backup struct {
	Every Duration `yaml:"every"`
	Keep  int      `yaml:"keep"`
	Dir   string   `yaml:"dir"`
}

// DefaultBackupKeep is how many scheduled backups are kept when keep is
// not set.
const DefaultBackupKeep = 8

// Criterion is one level criterion: what the next level asks for, in the
// user's words, and the promotion domain it belongs to. A confirmed item
// of that domain supports it; with Keywords, only one whose title, summary
// or note contains one of them.
type Criterion struct {
	ID       string   `yaml:"id"`
	Text     string   `yaml:"text"`
	Domain   string   `yaml:"domain"`
	Keywords []string `yaml:"keywords"`
}

// Domains are the promotion domains a criterion may name (classify owns
// their meaning).
var Domains = []string{"technical-impact", "org-leverage", "cross-team-influence", "initiative"}

// Digest is the weekly digest: When ("fri 16:00", local time) the daemon
// runs Command with the Markdown digest on its standard input.
type Digest struct {
	When    string `yaml:"when"`
	Command string `yaml:"command"`
}

// Encryption turns on encryption at rest for the store: the key (32 bytes,
// hex or base64) comes from an environment variable or the OS keyring.
type Encryption struct {
	KeyEnv string `yaml:"key_env"`
	Key    string `yaml:"key"` // only "keyring"
}

// Enabled reports whether the store is encrypted.
func (e Encryption) Enabled() bool { return e.KeyEnv != "" || e.Key != "" }

// Me is the user whose work evident collects.
type Me struct {
	Name   string `yaml:"name"`
	GitHub string `yaml:"github"`
	Jira   string `yaml:"jira"`
	// Confluence is the user's Confluence identity where it differs from
	// Jira's (Cloud account IDs are the same; Data Center usernames may not be).
	Confluence string   `yaml:"confluence"`
	Emails     []string `yaml:"emails"`
	Teams      []string `yaml:"teams"`
}

// Org is the organisation model classification uses.
type Org struct {
	OrgThreshold int     `yaml:"org_threshold"`
	OrgWide      OrgWide `yaml:"org_wide"`
	Teams        []Team  `yaml:"teams"`
	// GitHubTeams names GitHub organisations whose teams (members and
	// repositories) complete the model where the config is silent. They are
	// read with the first GitHub source's token.
	GitHubTeams []string `yaml:"github_teams"`
	// CodeOwners makes a repository's CODEOWNERS say which team owns the
	// files a PR touched, where no team's repos glob matches it. It costs
	// one more request per PR.
	CodeOwners bool `yaml:"codeowners"`
}

// OrgWide names containers whose work is org-scoped by nature.
type OrgWide struct {
	Repos []string `yaml:"repos"`
	// Containers are the containers of other source types, by type, each
	// under its type's key (jira_projects, confluence_spaces…).
	Containers Containers `yaml:"-"`
}

// Team is one team of the organisation.
type Team struct {
	ID      string     `yaml:"id"`
	Name    string     `yaml:"name"`
	Aliases []string   `yaml:"aliases"`
	Members Members    `yaml:"members"`
	Repos   []RepoGlob `yaml:"repos"` // globs over owner/name
	// Containers are what the team owns in each other source type, by
	// type, each under its type's key: jira_projects, confluence_spaces,
	// gdocs_folders, and rfc_sources — the local RFC folders (by source
	// name) the team owns, or a part of one: "design-docs/payments" (a
	// sub-folder) or "design-docs/payments/*.md" (a glob over the
	// document's path).
	Containers Containers `yaml:"-"`
	// problems are what reading the team found, as yaml.v3 says them.
	problems []string
}

// RepoGlob is one of a team's repositories: a glob over owner/name, written
// as a string, or as {repo: GLOB, description: TEXT} where a reader who
// does not know the repository needs a line on what it is (the packet
// gives it the first time it names the place).
type RepoGlob struct {
	Glob        string
	Description string
}

// UnmarshalYAML reads a string or a mapping with repo and description.
func (r *RepoGlob) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		return n.Decode(&r.Glob)
	}
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("a repository is a glob (acme/payments-*) or {repo: GLOB, description: TEXT}")
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		var dst *string
		switch k.Value {
		case "repo":
			dst = &r.Glob
		case "description":
			dst = &r.Description
		default:
			return fmt.Errorf("line %d: unknown key %q in a repository (want repo and description)", k.Line, k.Value)
		}
		if err := v.Decode(dst); err != nil {
			return err
		}
	}
	if r.Glob == "" {
		return fmt.Errorf("line %d: a repository with a description needs its repo: GLOB", n.Line)
	}
	return nil
}

// Members lists a team's people by source identity.
type Members struct {
	GitHub []string `yaml:"github"`
	Jira   []string `yaml:"jira"`
	// Confluence: only where it differs from Jira.
	Confluence []string `yaml:"confluence"`
	Emails     []string `yaml:"emails"`
	Names      []string `yaml:"names"`
}

// Token says where a source's secret comes from. Exactly one of the ways
// is set when the source needs a token.
type Token struct {
	TokenEnv     string `yaml:"token_env"`
	TokenCommand string `yaml:"token_command"`
	// Token may only be "keyring": the token `evident auth` stored.
	Token string `yaml:"token"`
}

// Keyring is the value of token that means "the stored token".
const Keyring = "keyring"

// Deployments of Jira.
const (
	JiraCloud  = "cloud"
	JiraServer = "server"
)

// Defaults.
const (
	DefaultOrgThreshold   = 3
	DefaultGitHubURL      = "https://api.github.com/"
	DefaultGitHubPoll     = 15 * time.Minute
	DefaultJiraPoll       = 30 * time.Minute
	DefaultRFCPoll        = time.Hour
	DefaultConfluencePoll = time.Hour
	// DefaultHistory is how far back a source with no since date backfills.
	DefaultHistory = 365 * 24 * time.Hour
)

// SourceRef is a source of any type, as the pipeline sees the list.
type SourceRef struct {
	Name string
	Type string // github, jira, rfc, confluence
	Poll time.Duration
}

// AllSources lists every configured source, by type, then in file order.
func (c *Config) AllSources() []SourceRef {
	var out []SourceRef
	for _, e := range c.Sources.All() {
		out = append(out, SourceRef{e.Source.SourceName(), e.Type, e.Source.PollEvery()})
	}
	return out
}

// DefaultPath is where the config lives when neither --config nor
// $EVIDENT_CONFIG says otherwise: $XDG_CONFIG_HOME/evident/config.yaml.
func DefaultPath() string {
	if p := os.Getenv("EVIDENT_CONFIG"); p != "" {
		return p
	}
	base := os.Getenv("XDG_CONFIG_HOME")
	if base == "" {
		home, _ := os.UserHomeDir()
		base = filepath.Join(home, ".config")
	}
	return filepath.Join(base, "evident", "config.yaml")
}

// DefaultDataDir is $XDG_DATA_HOME/evident (~/.local/share/evident).
func DefaultDataDir() string {
	base := os.Getenv("XDG_DATA_HOME")
	if base == "" {
		home, _ := os.UserHomeDir()
		base = filepath.Join(home, ".local", "share")
	}
	return filepath.Join(base, "evident")
}

// Default is the configuration used when no config file exists: defaults
// only, no sources.
func Default() *Config {
	c := &Config{}
	c.applyDefaults()
	return c
}

func (c *Config) applyDefaults() {
	if c.DataDir == "" {
		c.DataDir = DefaultDataDir()
	}
	if c.Org.OrgThreshold == 0 {
		c.Org.OrgThreshold = DefaultOrgThreshold
	}
}

// Problem is one thing wrong with a config file.
type Problem struct {
	Line int
	Msg  string
}

// Error lists every problem found in a config file, in line order.
type Error struct {
	Path     string
	Problems []Problem
}

func (e *Error) Error() string {
	s := ""
	for i, p := range e.Problems {
		if i > 0 {
			s += "\n"
		}
		s += fmt.Sprintf("%s:%d: %s", e.Path, p.Line, p.Msg)
	}
	return s
}
