package config

import (
	"fmt"
	"net/mail"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"
)

// The four source types config has always read. A newer source type lives
// with its connector and registers itself the same way (see SourceType).
func init() {
	RegisterSource(SourceType{Name: "github", New: func() Source { return &GitHubSource{} }, Auth: "evident auth github"})
	RegisterSource(SourceType{Name: "jira", New: func() Source { return &JiraSource{} }, Auth: "evident auth jira",
		OrgKey: "jira_projects", OrgWide: true, CheckContainer: checkProject, ContainerNoun: "Jira project"})
	RegisterSource(SourceType{Name: "rfc", New: func() Source { return &RFCSource{} }, Auth: "evident auth github",
		OrgKey: "rfc_sources", CheckContainer: checkRFCFolder})
	RegisterSource(SourceType{Name: "confluence", New: func() Source { return &ConfluenceSource{} }, Auth: "evident auth confluence",
		OrgKey: "confluence_spaces", OrgWide: true, CheckContainer: checkSpace, ContainerNoun: "Confluence space", FoldCase: true})
}

// GitHub, Jira, RFC and Confluence list the sources of each built-in type.
func (s Sources) GitHub() []*GitHubSource { return typed[GitHubSource](s, "github") }

// Jira lists the Jira sources.
func (s Sources) Jira() []*JiraSource { return typed[JiraSource](s, "jira") }

// RFC lists the RFC sources.
func (s Sources) RFC() []*RFCSource { return typed[RFCSource](s, "rfc") }

// Confluence lists the Confluence sources.
func (s Sources) Confluence() []*ConfluenceSource {
	return typed[ConfluenceSource](s, "confluence")
}

// ConfluenceSource is a Confluence Cloud site or Data Center instance whose
// pages are design documents.
type ConfluenceSource struct {
	Name       string `yaml:"name"`
	URL        string `yaml:"url"`        // Cloud: https://acme.atlassian.net/wiki/
	Deployment string `yaml:"deployment"` // cloud | server (Server and Data Center)
	Email      string `yaml:"email"`
	Token      `yaml:",inline"`
	Spaces     []string `yaml:"spaces"`
	Labels     []string `yaml:"labels"`
	Since      Date     `yaml:"since"`
	Poll       Duration `yaml:"poll"`
	// BrowseURL is where people open pages, when it differs from URL;
	// items link there.
	BrowseURL string `yaml:"browse_url"`
}

// GitHubSource is a GitHub or GitHub Enterprise Server account to read.
type GitHubSource struct {
	Name   string `yaml:"name"`
	URL    string `yaml:"url"`
	Token  `yaml:",inline"`
	Owners []string `yaml:"owners"`
	Since  Date     `yaml:"since"`
	Poll   Duration `yaml:"poll"`
	// ClientID is the OAuth app `evident auth github` signs in with.
	ClientID string `yaml:"client_id"`
}

// JiraSource is a Jira Cloud site or Server/Data Center instance to read.
type JiraSource struct {
	Name       string `yaml:"name"`
	URL        string `yaml:"url"`
	Deployment string `yaml:"deployment"` // cloud | server
	Email      string `yaml:"email"`
	Token      `yaml:",inline"`
	Projects   []string `yaml:"projects"`
	Since      Date     `yaml:"since"`
	Poll       Duration `yaml:"poll"`
	// RemoteLinks also reads each issue's remote links (one more request
	// per issue), to link the pull requests and documents they point to.
	RemoteLinks bool `yaml:"remote_links"`
	// BrowseURL is where people open issues, when it differs from URL (an
	// API behind a proxy); items link there.
	BrowseURL string `yaml:"browse_url"`
}

// RFCSource is a collection of design documents: a path in a GitHub
// repository (Repo, Path) or a local folder (Dir).
type RFCSource struct {
	Name  string `yaml:"name"`
	URL   string `yaml:"url"`
	Token `yaml:",inline"`
	Repo  string   `yaml:"repo"`
	Path  string   `yaml:"path"`
	Dir   string   `yaml:"dir"`
	Poll  Duration `yaml:"poll"`
	// OwnerTeam is the team (id, name or alias) that owns every document
	// of a local folder no team's rfc_sources names more closely.
	OwnerTeam string `yaml:"owner_team"`
}

// SourceName, PollEvery and Credential make each built-in type a Source.
func (s *GitHubSource) SourceName() string { return s.Name }

// PollEvery is the source's poll.
func (s *GitHubSource) PollEvery() time.Duration { return s.Poll.D }

// Credential is the source's token.
func (s *GitHubSource) Credential() (Token, bool) { return s.Token, true }

// SourceName is the source's name.
func (s *JiraSource) SourceName() string { return s.Name }

// PollEvery is the source's poll.
func (s *JiraSource) PollEvery() time.Duration { return s.Poll.D }

// Credential is the source's token.
func (s *JiraSource) Credential() (Token, bool) { return s.Token, true }

// SourceName is the source's name.
func (s *ConfluenceSource) SourceName() string { return s.Name }

// PollEvery is the source's poll.
func (s *ConfluenceSource) PollEvery() time.Duration { return s.Poll.D }

// Credential is the source's token.
func (s *ConfluenceSource) Credential() (Token, bool) { return s.Token, true }

// SourceName is the source's name.
func (s *RFCSource) SourceName() string { return s.Name }

// PollEvery is the source's poll.
func (s *RFCSource) PollEvery() time.Duration { return s.Poll.D }

// Credential is the token of a repository's documents; a local folder
// needs none.
func (s *RFCSource) Credential() (Token, bool) { return s.Token, s.Repo != "" }

// ghFix is what to do about an unset token variable of a GitHub source.
const ghFix = "with the GitHub CLI, token_command: gh auth token is simplest; or export it"

// Check completes the defaults and checks a GitHub source.
func (s *GitHubSource) Check(ch *Checker, p string) {
	if s.URL == "" {
		s.URL = DefaultGitHubURL
	}
	ch.Schedule(&s.Poll, &s.Since, DefaultGitHubPoll)
	ch.URL(p+".url", s.URL)
	ch.Token(p, s.Token, "a GitHub source")
	if ch.Config().Me.GitHub == "" {
		ch.Problemf(p, "a GitHub source needs your GitHub login in me.github")
	}
	for j, o := range s.Owners {
		if o == "" || strings.Contains(o, "/") {
			ch.Problemf(fmt.Sprintf("%s.owners[%d]", p, j), "owner %q must be an organisation or user name", o)
		}
	}
}

// Warn: an unset token variable, a poll too fast, an address that leaks.
func (s *GitHubSource) Warn(ch *Checker, p string) {
	ch.TokenSet(p, s.Token, ghFix)
	ch.MinPoll(p, s.Poll.D, time.Minute)
	ch.Address(p, s.URL)
}

// Check completes the defaults and checks a Jira source.
func (s *JiraSource) Check(ch *Checker, p string) {
	ch.Schedule(&s.Poll, &s.Since, DefaultJiraPoll)
	if s.BrowseURL != "" {
		ch.URL(p+".browse_url", s.BrowseURL)
	}
	checkAtlassian(ch, p, "Jira", "https://acme.atlassian.net, or your server's base URL", s.URL, s.Deployment, s.Email)
	ch.Token(p, s.Token, "a Jira source")
	for j, k := range s.Projects {
		if !projectRE.MatchString(k) {
			ch.Problemf(fmt.Sprintf("%s.projects[%d]", p, j), "%q is not a Jira project key", k)
		}
	}
}

// Warn: the token, the poll, the address, the template's placeholder.
func (s *JiraSource) Warn(ch *Checker, p string) {
	warnAtlassian(ch, p, "Jira", s.Token, s.Poll.D, time.Minute, s.URL)
}

// Check completes the defaults and checks a Confluence source.
func (s *ConfluenceSource) Check(ch *Checker, p string) {
	ch.Schedule(&s.Poll, &s.Since, DefaultConfluencePoll)
	if s.BrowseURL != "" {
		ch.URL(p+".browse_url", s.BrowseURL)
	}
	checkAtlassian(ch, p, "Confluence", "https://acme.atlassian.net/wiki/, or your Data Center's base URL", s.URL, s.Deployment, s.Email)
	if u, err := url.Parse(s.URL); err == nil && s.Deployment == JiraCloud && strings.HasSuffix(u.Host, ".atlassian.net") && !strings.HasPrefix(u.Path, "/wiki") {
		ch.Problemf(p+".url", "Confluence Cloud lives under /wiki: write %s/wiki/", strings.TrimSuffix(s.URL, "/"))
	}
	ch.Token(p, s.Token, "a Confluence source")
	for j, k := range s.Spaces {
		if !spaceRE.MatchString(k) {
			ch.Problemf(fmt.Sprintf("%s.spaces[%d]", p, j), "%q is not a Confluence space key", k)
		}
	}
	for j, l := range s.Labels {
		if strings.TrimSpace(l) == "" || strings.ContainsAny(l, " \t,") {
			ch.Problemf(fmt.Sprintf("%s.labels[%d]", p, j), "%q is not a Confluence label (one word, no spaces or commas)", l)
		}
	}
}

// Warn: the token, the poll, the address, the template's placeholder.
func (s *ConfluenceSource) Warn(ch *Checker, p string) {
	warnAtlassian(ch, p, "Confluence", s.Token, s.Poll.D, 5*time.Minute, s.URL)
}

// checkAtlassian checks what Jira and Confluence sources share: the url,
// the deployment, and on Cloud the account email the API token goes with.
func checkAtlassian(ch *Checker, p, product, urlHint, rawURL, deployment, email string) {
	if rawURL == "" {
		ch.Problemf(p, "a %s source needs url (%s)", product, urlHint)
	} else {
		ch.URL(p+".url", rawURL)
	}
	switch deployment {
	case JiraCloud:
		if email == "" {
			ch.Problemf(p, "a %s Cloud source needs email: the API token is used with your Atlassian account email", product)
		} else if _, err := mail.ParseAddress(email); err != nil {
			ch.Problemf(p+".email", "%q is not an email address", email)
		}
	case JiraServer:
	case "":
		ch.Problemf(p, "a %s source needs deployment: cloud or server (Server and Data Center)", product)
	default:
		ch.Problemf(p+".deployment", "deployment %q is not cloud or server", deployment)
	}
}

// warnAtlassian: an Atlassian source's token, its poll, and the
// template's address.
func warnAtlassian(ch *Checker, p, product string, tok Token, every, least time.Duration, raw string) {
	ch.TokenSet(p, tok, "")
	ch.MinPoll(p, every, least)
	ch.Address(p, raw)
	if strings.Contains(raw, "your-org") {
		ch.Problemf(p+".url", "%q is the template's placeholder; put your %s's address here", raw, product)
	}
}

// Check completes the defaults and checks an RFC source.
func (s *RFCSource) Check(ch *Checker, p string) {
	if s.Repo != "" && s.URL == "" {
		s.URL = DefaultGitHubURL
	}
	ch.Schedule(&s.Poll, nil, DefaultRFCPoll)
	switch {
	case s.Dir == "" && s.Repo == "":
		ch.Problemf(p, "an RFC source needs either dir (a local folder) or repo (owner/name on GitHub)")
	case s.Dir != "" && s.Repo != "":
		ch.Problemf(p+".dir", "an RFC source reads either dir or repo, not both")
	case s.Repo != "" && s.OwnerTeam != "":
		ch.Problemf(p+".owner_team", "owner_team is for a local folder; a repository's owners are the teams whose repos name it")
	case s.Dir != "":
		s.checkDir(ch, p)
	default:
		if !repoRE.MatchString(s.Repo) {
			ch.Problemf(p+".repo", "repo %q must be owner/name", s.Repo)
		}
		ch.URL(p+".url", s.URL)
		if s.TokenEnv != "" || s.TokenCommand != "" || s.Token.Token != "" {
			ch.Token(p, s.Token, "an RFC source")
		}
	}
}

func (s *RFCSource) checkDir(ch *Checker, p string) {
	s.Dir = ch.Path(s.Dir)
	if fi, err := os.Stat(s.Dir); err != nil {
		ch.Problemf(p+".dir", "folder %s does not exist", s.Dir)
	} else if !fi.IsDir() {
		ch.Problemf(p+".dir", "%s is not a folder", s.Dir)
	}
	if s.TokenEnv != "" || s.TokenCommand != "" || s.Token.Token != "" || s.URL != "" || s.Path != "" {
		ch.Problemf(p+".dir", "a local RFC folder takes no url, path or token")
	}
	if s.OwnerTeam != "" && !slices.ContainsFunc(ch.Config().Org.Teams, func(t Team) bool {
		return strings.EqualFold(t.ID, s.OwnerTeam) || strings.EqualFold(t.Name, s.OwnerTeam) ||
			slices.ContainsFunc(t.Aliases, func(a string) bool { return strings.EqualFold(a, s.OwnerTeam) })
	}) {
		ch.Problemf(p+".owner_team", "owner_team %q is no team in org.teams", s.OwnerTeam)
	}
}

// Warn: a repository's token, poll, address and the template's
// placeholder; a local folder has nothing to warn of.
func (s *RFCSource) Warn(ch *Checker, p string) {
	if s.Repo == "" {
		return
	}
	ch.TokenSet(p, s.Token, ghFix)
	ch.MinPoll(p, s.Poll.D, time.Minute)
	ch.Address(p, s.URL)
	if isPlaceholder(s.Repo) {
		ch.Problemf(p+".repo", "%q is the template's placeholder; put your RFC repository here", s.Repo)
	}
}

func checkProject(_ *Config, k string) string {
	if !projectRE.MatchString(k) {
		return fmt.Sprintf("%q is not a Jira project key", k)
	}
	return ""
}

func checkSpace(_ *Config, k string) string {
	if !spaceRE.MatchString(k) {
		return fmt.Sprintf("%q is not a Confluence space key", k)
	}
	return ""
}

// checkRFCFolder checks an rfc_sources entry: it starts with the name of
// a configured local RFC source.
func checkRFCFolder(c *Config, r string) string {
	name, _, _ := strings.Cut(r, "/")
	for _, s := range c.Sources.RFC() {
		if s.Name == name && s.Repo == "" {
			return ""
		}
	}
	return fmt.Sprintf("%q names no local RFC source (write its source name, or NAME/sub-folder)", r)
}
