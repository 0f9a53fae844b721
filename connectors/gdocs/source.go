package gdocs

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"time"

	"github.com/evident-sync/evident/config"
	"github.com/evident-sync/evident/config/credentials"
	"github.com/evident-sync/evident/connectors"
)

// Type is the gdocs source type: the list sources.gdocs, and the Drive
// folders a team owns under gdocs_folders (org_wide too).
var Type = config.SourceType{
	Name:           "gdocs",
	New:            func() config.Source { return &Source{} },
	OrgKey:         "gdocs_folders",
	OrgWide:        true,
	CheckContainer: checkFolder,
	ContainerNoun:  "Drive folder",
	Threads:        true,
	SignIn: &config.SignIn{
		Command: "google", Product: "Google Drive",
		Short: "Sign in to Google Drive (read-only) in the browser and store the grant",
		Long: `google signs in with Google's installed-app flow: PKCE and a redirect to a
one-time listener on 127.0.0.1. It asks for drive.readonly only, keeps the
refresh token in the OS keyring, and the Google Docs source (token: keyring)
refreshes access tokens from it. The OAuth client is yours (a Desktop app in
the Google Cloud console): client_id and client_secret on the source, or the
flags.`,
		Flags: [][2]string{
			{"client-id", "the OAuth client's ID (default: the source's client_id)"},
			{"client-secret", "the OAuth client's secret (default: the source's client_secret)"},
		},
		Browser: true,
		Wait:    5 * time.Minute,
		Run:     signIn,
	},
}

// signIn is `evident auth google`: the installed-app flow with the
// source's OAuth client (or the flags'), and the grant as the secret.
func signIn(ctx context.Context, src config.Source, flags map[string]string, p config.Prompter) (string, error) {
	s := src.(*Source)
	show := func(u string) {
		p.Say(fmt.Sprintf("Open this address to sign in to Google Drive:\n\n  %s\n\nWaiting for Google Drive to send you back (5 minutes)...", u))
	}
	in := SignIn{ClientID: cmp.Or(flags["client-id"], s.ClientID), ClientSecret: cmp.Or(flags["client-secret"], s.ClientSecret), Show: show, Open: p.Open}
	grant, err := in.Run(ctx)
	if err != nil {
		return "", err
	}
	b, err := json.Marshal(grant)
	return string(b), err
}

// DefaultURL is the Drive API's root; drive/v3/ lives under it.
const DefaultURL = "https://www.googleapis.com/"

// DefaultPoll is how often a Google Docs source is read when its entry
// says nothing: design documents move in hours, not minutes.
const DefaultPoll = time.Hour

// minPoll is the shortest poll that stays well inside Drive's per-user
// quota for a folder tree of a few hundred documents.
const minPoll = 5 * time.Minute

// Source is one entry of sources.gdocs: a set of Drive folders (with their
// subfolders, in My Drive or a shared drive) whose Google Docs are design
// documents.
type Source struct {
	config.Common `yaml:",inline"`
	Folders       []string `yaml:"folders"`
	// ClientID and ClientSecret are the OAuth client `evident auth google`
	// signs in with (an installed app's secret is not secret; Google
	// issues one anyway).
	ClientID     string `yaml:"client_id"`
	ClientSecret string `yaml:"client_secret"`
}

// SourceName is the entry's name.
func (s *Source) SourceName() string { return s.Name }

// PollEvery is the entry's poll.
func (s *Source) PollEvery() time.Duration { return s.Poll.D }

// Credential is where the access token comes from.
func (s *Source) Credential() (config.Token, bool) { return s.Token, true }

// Endpoint is the API root.
func (s *Source) Endpoint() string { return s.URL }

// folderRE is a Drive file id: letters, digits, - and _.
var folderRE = regexp.MustCompile(`^[A-Za-z0-9_-]{10,}$`)

// Check completes the defaults and checks the entry.
func (s *Source) Check(ch *config.Checker, p string) {
	if s.URL == "" {
		s.URL = DefaultURL
	}
	ch.Schedule(&s.Poll, &s.Since, DefaultPoll)
	ch.URL(p+".url", s.URL)
	ch.Token(p, s.Token, "a Google Docs source")
	if len(s.Folders) == 0 {
		ch.Problemf(p, "a Google Docs source needs folders: the ids of the Drive folders its documents are in (the last part of the folder's address, drive.google.com/drive/folders/ID)")
	}
	for j, f := range s.Folders {
		if msg := checkFolder(nil, f); msg != "" {
			ch.Problemf(fmt.Sprintf("%s.folders[%d]", p, j), "%s", msg)
		}
	}
}

// Warn: an unset token variable, a poll faster than needed, an address
// that would send the token in the clear.
func (s *Source) Warn(ch *config.Checker, p string) {
	ch.TokenSet(p, s.Token, "with the Google Cloud CLI, token_command: gcloud auth print-access-token works once Drive is granted; or evident auth google and token: keyring")
	ch.MinPoll(p, s.Poll.D, minPoll)
	ch.Address(p, s.URL)
}

func checkFolder(_ *config.Config, f string) string {
	if m := folderURLRE.FindStringSubmatch(f); m != nil {
		return fmt.Sprintf("%q is a folder's address; write only its id, %s", f, m[1])
	}
	if !folderRE.MatchString(f) {
		return fmt.Sprintf("%q is not a Drive folder id (the last part of drive.google.com/drive/folders/ID)", f)
	}
	return ""
}

var folderURLRE = regexp.MustCompile(`drive\.google\.com/.*folders/([A-Za-z0-9_-]+)`)

// Connector makes the source's connector; it makes no request.
func (s *Source) Connector(_ *config.Config, tok credentials.TokenSource, clock connectors.Clock, base http.RoundTripper) (connectors.Connector, error) {
	return New(Config{Name: s.Name, BaseURL: s.URL, Folders: s.Folders, Token: tok, Since: s.Since.Time, Clock: clock, Base: base})
}
