package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/evident-sync/evident/config"
	"github.com/evident-sync/evident/connectors"
	"github.com/evident-sync/evident/connectors/github"
	"github.com/evident-sync/evident/pipeline"
	"github.com/evident-sync/evident/pipeline/localapi"
	"github.com/evident-sync/evident/pipeline/store"
)

func (a *app) backupCmd() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "backup -o FILE",
		Short: "Write a backup of the store (encrypted when the store is)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return usagef("backup needs -o FILE (or -o - for standard output)")
			}
			ctx := cmd.Context()
			return a.withBackend(ctx, func(b backend) error {
				bk, ok := b.(interface {
					Backup(context.Context, io.Writer) error
				})
				if !ok {
					return errors.New("this backend cannot back up")
				}
				if err := writeOut(out, a.stdout, func(w io.Writer) error { return bk.Backup(ctx, w) }); err != nil {
					return err
				}
				if out != "-" {
					fmt.Fprintf(a.stderr, "evident: backup written to %s\n", out)
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "the backup file (- for standard output)")
	return cmd
}

func (a *app) restoreCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "restore FILE",
		Short: "Restore a backup into an empty data dir",
		Args:  exactArgs(1, "one backup FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			c, err := a.config()
			if err != nil {
				return err
			}
			if cl, err := localapi.Dial(ctx, c.DataDir); err == nil {
				cl.Close()
				return usagef("the daemon is running on %s; stop it, or restore into another data dir (--data-dir)", c.DataDir)
			}
			f, err := os.Open(args[0])
			if err != nil {
				return usagef("cannot read the backup: %v", err)
			}
			defer f.Close()
			st, err := a.openStore(ctx, c, store.Options{})
			if err != nil {
				return err
			}
			defer st.Close()
			if err := st.Restore(ctx, f); err != nil {
				if errors.Is(err, store.ErrNotEmpty) {
					return usagef("%s already holds items: restore into a fresh data dir (--data-dir DIR)", c.DataDir)
				}
				return err
			}
			counts, _ := st.Counts(ctx)
			n := 0
			for _, v := range counts {
				n += v
			}
			fmt.Fprintf(a.stdout, "restored %d item%s into %s\n", n, plural(n), c.DataDir)
			return nil
		},
	}
}

func (a *app) forgetCmd() *cobra.Command {
	var source string
	cmd := &cobra.Command{
		Use:   "forget --source NAME",
		Short: "Drop every item, cursor and state of one source, keeping nothing of it",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if source == "" {
				return usagef("forget needs --source NAME")
			}
			ctx := cmd.Context()
			return a.withBackend(ctx, func(b backend) error {
				fg, ok := b.(interface {
					Forget(context.Context, string) (int, error)
				})
				if !ok {
					return errors.New("this backend cannot forget")
				}
				n, err := fg.Forget(ctx, source)
				if err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "forgot source %s: %d item%s, its cursor and its state\n", source, n, plural(n))
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&source, "source", "", "the source to forget")
	return cmd
}

func (a *app) authCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "auth",
		Short: "Sign in to sources and keep their tokens in the OS keyring",
		Long: `auth keeps credentials out of the config: it stores tokens in the OS
keyring (or, where there is none, in 0600 files under
$XDG_CONFIG_HOME/evident/credentials). A source uses them with token: keyring.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	var ghSource, clientID string
	gh := &cobra.Command{
		Use:   "github [--source NAME]",
		Short: "Sign in to GitHub with the device flow and store the token",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.config()
			if err != nil {
				return err
			}
			name, apiURL, cid, err := githubSource(c, ghSource)
			if err != nil {
				return err
			}
			if clientID != "" {
				cid = clientID
			}
			tok, err := github.DeviceLogin(cmd.Context(), apiURL, cid, []string{"repo", "read:org"}, &http.Client{Timeout: 30 * time.Second},
				func(uri, code string, expires time.Time) {
					fmt.Fprintf(a.stderr, "Open %s and enter the code %s", uri, code)
					if !expires.IsZero() {
						fmt.Fprintf(a.stderr, " (it expires at %s)", expires.Local().Format("15:04"))
					}
					fmt.Fprintln(a.stderr, "\nWaiting for you to approve...")
				})
			if err != nil {
				return err
			}
			return a.keep(c, name, tok)
		},
	}
	gh.Flags().StringVar(&ghSource, "source", "", "the GitHub or RFC-repository source (default: the only GitHub source)")
	gh.Flags().StringVar(&clientID, "client-id", "", "the OAuth app's client ID (default: the source's client_id)")
	var jiraSource string
	jr := &cobra.Command{
		Use:   "jira --source NAME",
		Short: "Store a Jira API token (Cloud) or personal access token (Server/DC)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.config()
			if err != nil {
				return err
			}
			if jiraSource == "" {
				if len(c.Sources.Jira) != 1 {
					return usagef("say which Jira source with --source NAME")
				}
				jiraSource = c.Sources.Jira[0].Name
			}
			kind := ""
			for _, s := range c.Sources.Jira {
				if s.Name == jiraSource {
					kind = map[string]string{config.JiraCloud: "API token", config.JiraServer: "personal access token"}[s.Deployment]
				}
			}
			if kind == "" {
				return usagef("no Jira source is named %q", jiraSource)
			}
			tok, err := a.readSecret(fmt.Sprintf("Jira %s for %s (input hidden): ", kind, jiraSource))
			if err != nil {
				return err
			}
			return a.keep(c, jiraSource, tok)
		},
	}
	jr.Flags().StringVar(&jiraSource, "source", "", "the Jira source")
	var generate bool
	sk := &cobra.Command{
		Use:   "store-key [--generate]",
		Short: "Store the store's encryption key in the keyring (encryption: {key: keyring})",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var key string
			if generate {
				var b [32]byte
				if _, err := rand.Read(b[:]); err != nil {
					return err
				}
				key = hex.EncodeToString(b[:])
			} else {
				k, err := a.readSecret("Store encryption key (64 hex digits; input hidden): ")
				if err != nil {
					return err
				}
				key = k
			}
			if _, err := decodeKey(key); err != nil {
				return usageError{err}
			}
			where, err := connectors.DefaultSecrets().Set(storeKeyName, key)
			if err != nil {
				return fmt.Errorf("store the key: %w", err)
			}
			fmt.Fprintf(a.stdout, "The store key is in %s. Keep a copy somewhere safe: without it the store cannot be read.\n", where)
			return nil
		},
	}
	sk.Flags().BoolVar(&generate, "generate", false, "make a new random key")
	var offline bool
	st := &cobra.Command{
		Use:   "status",
		Short: "Which credential each source uses and whether it works (never the secret)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.config()
			if err != nil {
				return err
			}
			srcs, err := pipeline.Build(c, pipeline.BuildOptions{})
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "SOURCE\tTYPE\tCREDENTIAL\tCHECK")
			bad := 0
			for _, s := range srcs {
				cred := describeCredential(c, s.Name)
				check := "not checked (--offline)"
				if chk, ok := s.Conn.(interface {
					Check(context.Context) (string, error)
				}); !ok {
					check = "no credential needed"
				} else if !offline {
					ctx, cancel := context.WithTimeout(cmd.Context(), 20*time.Second)
					who, err := chk.Check(ctx)
					cancel()
					if err != nil {
						check = "FAILED: " + oneLine(err.Error(), 160)
						bad++
					} else {
						check = "ok, as " + who
					}
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", s.Name, s.Type, cred, check)
			}
			tw.Flush()
			if bad > 0 {
				return silentError{code: exitRuntime}
			}
			return nil
		},
	}
	st.Flags().BoolVar(&offline, "offline", false, "do not contact the sources")
	cmd.AddCommand(gh, jr, sk, st)
	return cmd
}

// githubSource picks the source `auth github` signs in for.
func githubSource(c *config.Config, name string) (src, apiURL, clientID string, err error) {
	var names []string
	for _, s := range c.Sources.GitHub {
		names = append(names, s.Name)
		if s.Name == name || (name == "" && len(c.Sources.GitHub) == 1) {
			return s.Name, s.URL, s.ClientID, nil
		}
	}
	for _, s := range c.Sources.RFC {
		if s.Repo != "" && s.Name == name {
			return s.Name, s.URL, "", nil
		}
	}
	if name == "" {
		return "", "", "", usagef("say which GitHub source with --source NAME (configured: %s)", strings.Join(names, ", "))
	}
	return "", "", "", usagef("no GitHub source is named %q", name)
}

// keep stores a token for a source and says how to use it.
func (a *app) keep(c *config.Config, source, tok string) error {
	where, err := connectors.DefaultSecrets().Set(source, tok)
	if err != nil {
		return fmt.Errorf("store the token: %w", err)
	}
	fmt.Fprintf(a.stdout, "The token for %s is in %s.\n", source, where)
	if !usesKeyring(c, source) {
		fmt.Fprintf(a.stdout, "Set token: keyring on source %s in %s to use it.\n", source, c.Path)
	}
	return nil
}

func usesKeyring(c *config.Config, source string) bool {
	for _, t := range tokensBySource(c) {
		if t.name == source {
			return t.tok.Token == config.Keyring
		}
	}
	return false
}

type namedToken struct {
	name string
	tok  config.Token
}

func tokensBySource(c *config.Config) []namedToken {
	var out []namedToken
	for _, s := range c.Sources.GitHub {
		out = append(out, namedToken{s.Name, s.Token})
	}
	for _, s := range c.Sources.Jira {
		out = append(out, namedToken{s.Name, s.Token})
	}
	for _, s := range c.Sources.RFC {
		out = append(out, namedToken{s.Name, s.Token})
	}
	return out
}

// describeCredential says where a source's credential comes from.
func describeCredential(c *config.Config, source string) string {
	for _, t := range tokensBySource(c) {
		if t.name != source {
			continue
		}
		switch {
		case t.tok.TokenEnv != "":
			state := "set"
			if os.Getenv(t.tok.TokenEnv) == "" {
				state = "unset"
			}
			return fmt.Sprintf("$%s (%s)", t.tok.TokenEnv, state)
		case t.tok.TokenCommand != "":
			return fmt.Sprintf("token_command %q", t.tok.TokenCommand)
		case t.tok.Token == config.Keyring:
			if w := connectors.DefaultSecrets().Where(source); w != "" {
				return "keyring: " + w
			}
			return "keyring: nothing stored (run evident auth)"
		}
		return "none"
	}
	return "none"
}

// readSecret reads a line without echo on a terminal, or from stdin.
func (a *app) readSecret(prompt string) (string, error) {
	if f, ok := a.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(a.stderr, prompt)
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(a.stderr)
		if err != nil {
			return "", err
		}
		return strings.TrimSpace(string(b)), nil
	}
	line, err := bufio.NewReader(a.stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", usagef("no secret given on standard input")
	}
	v := strings.TrimSpace(line)
	if v == "" {
		return "", usagef("no secret given")
	}
	return v, nil
}
