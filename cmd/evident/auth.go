package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/evident-sync/evident/cmd/evident/web"
	"github.com/evident-sync/evident/config"
	"github.com/evident-sync/evident/config/credentials"
	"github.com/evident-sync/evident/connectors"
	"github.com/evident-sync/evident/connectors/github"
	"github.com/evident-sync/evident/connectors/jira"
	"github.com/evident-sync/evident/pipeline"
)

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
	cmd.AddCommand(a.signInCmds()...)
	cmd.AddCommand(a.authStoreKeyCmd(), a.authStatusCmd(), a.authWebTokenCmd())
	return cmd
}

// signInCmds are the sign-ins the source types declare (evident auth
// google): each picks its source, runs, and keeps the secret.
func (a *app) signInCmds() []*cobra.Command {
	var out []*cobra.Command
	for _, t := range config.SourceTypes() {
		if t.SignIn != nil {
			out = append(out, a.signInCmd(t))
		}
	}
	return out
}

func (a *app) signInCmd(t config.SourceType) *cobra.Command {
	si := t.SignIn
	var source string
	var noBrowser bool
	flags := map[string]*string{}
	use := si.Command + " [--source NAME]"
	for _, f := range si.Flags {
		use += " [--" + f[0] + " VALUE]"
	}
	cmd := &cobra.Command{
		Use: use, Short: si.Short, Long: si.Long, Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.config()
			if err != nil {
				return err
			}
			pick := si.Pick
			if pick == nil {
				pick = func(c *config.Config, name string) (config.Source, error) {
					return config.PickSource(c, t.Name, si.Product, name)
				}
			}
			src, err := pick(c, source)
			if err != nil {
				return usageError{err}
			}
			values := map[string]string{}
			for name, v := range flags {
				values[name] = *v
			}
			ctx := cmd.Context()
			if si.Wait > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, si.Wait)
				defer cancel()
			}
			secret, err := si.Run(ctx, src, values, terminal{a: a, noBrowser: noBrowser})
			if errors.Is(err, context.DeadlineExceeded) && si.Wait > 0 {
				return fmt.Errorf("no sign-in came back within %s; run evident auth %s again", si.Wait, si.Command)
			}
			if err != nil {
				return err
			}
			return a.keep(c, src.SourceName(), secret)
		},
	}
	cmd.Flags().StringVar(&source, "source", "", "the "+si.Product+" source (default: the only one)")
	for _, f := range si.Flags {
		flags[f[0]] = cmd.Flags().String(f[0], "", f[1])
	}
	if si.Browser {
		cmd.Flags().BoolVar(&noBrowser, "no-browser", false, "print the address only; open it yourself")
	}
	return cmd
}

// terminal is the sign-ins' Prompter: standard error, the browser, and
// standard input for secrets.
type terminal struct {
	a         *app
	noBrowser bool
}

func (t terminal) Say(msg string) { fmt.Fprintln(t.a.stderr, msg) }

func (t terminal) Open(url string) error {
	if t.noBrowser {
		return errors.New("no browser: --no-browser")
	}
	return openBrowser(url)
}

func (t terminal) Secret(prompt string) (string, error) { return t.a.readSecret(prompt) }

func (a *app) authStoreKeyCmd() *cobra.Command {
	var generate bool
	cmd := &cobra.Command{
		Use:   "store-key [--generate]",
		Short: "Store the store's encryption key in the keyring (encryption: {key: keyring})",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			key, err := a.newStoreKey(generate)
			if err != nil {
				return err
			}
			where, err := credentials.DefaultSecrets().Set(storeKeyName, key)
			if err != nil {
				return fmt.Errorf("store the key: %w", err)
			}
			fmt.Fprintf(a.stdout, "The store key is in %s. Keep a copy somewhere safe: without it the store cannot be read.\n", where)
			return nil
		},
	}
	cmd.Flags().BoolVar(&generate, "generate", false, "make a new random key")
	return cmd
}

// newStoreKey makes a random key, or reads and checks the user's.
func (a *app) newStoreKey(generate bool) (string, error) {
	if generate {
		var b [32]byte
		if _, err := rand.Read(b[:]); err != nil {
			return "", err
		}
		return hex.EncodeToString(b[:]), nil
	}
	key, err := a.readSecret("Store encryption key (64 hex digits; input hidden): ")
	if err != nil {
		return "", err
	}
	if _, err := decodeKey(key); err != nil {
		return "", usageError{err}
	}
	return key, nil
}

// checker is a connector that can say whose its credential is; the
// sources that take a credential are.
type checker interface {
	Check(ctx context.Context) (string, error)
}

var (
	_ checker = (*github.Connector)(nil)
	_ checker = (*jira.Connector)(nil)
)

func (a *app) authStatusCmd() *cobra.Command {
	var offline bool
	cmd := &cobra.Command{
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
			var failed []string
			for _, s := range srcs {
				check, err := checkCredential(cmd.Context(), s, offline)
				if cred := describeCredential(c, s.Name); offline && err == nil && missingCredential(cred) {
					err = fmt.Errorf("%s: no credential to check (export the variable, set token_command, or run evident auth)", cred)
				}
				if err != nil {
					check = "FAILED (below)"
					failed = append(failed, fmt.Sprintf("%s: %s", s.Name, oneLine(err.Error(), 300)))
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", s.Name, s.Type, describeCredential(c, s.Name), check)
			}
			tw.Flush()
			if len(failed) > 0 {
				return runtimeErrors(failed)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&offline, "offline", false, "do not contact the sources")
	return cmd
}

// checkCredential asks a source whose its credential is.
func checkCredential(ctx context.Context, s pipeline.Source, offline bool) (string, error) {
	chk, ok := s.Conn.(checker)
	if !ok {
		return "no credential needed", nil
	}
	if rfcLocal, ok := s.Conn.(interface{ Local() bool }); ok && rfcLocal.Local() {
		return "no credential needed", nil
	}
	if offline {
		return "not checked (--offline)", nil
	}
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	who, err := chk.Check(ctx)
	switch {
	case errors.Is(err, connectors.ErrNoCredential):
		return "no credential needed", nil
	case err != nil:
		return "", err
	}
	return "ok, as " + who, nil
}

// missingCredential reports a credential described as not there.
func missingCredential(desc string) bool {
	return strings.HasSuffix(desc, "(unset)") || strings.Contains(desc, "nothing stored")
}

func (a *app) authWebTokenCmd() *cobra.Command {
	var rotate bool
	var addr string
	cmd := &cobra.Command{
		Use:   "web-token [--rotate]",
		Short: "Print the web UI's login token (and its sign-in URL), or replace it",
		Long: `web-token prints the token that opens the web UI (serve, run), on loopback
as on any other address; its sign-in URL goes to standard error. It is kept
in the data dir, mode 0600, and made on first use. --rotate replaces it: every
browser signed in with the old one is signed out, and a running server takes
the new one at its next request.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.config()
			if err != nil {
				return err
			}
			var tok string
			if rotate {
				tok, err = web.RotateToken(c.DataDir)
			} else {
				var tf *web.TokenFile
				if tf, err = web.OpenToken(c.DataDir); err == nil {
					tok, err = tf.Load()
				}
			}
			if err != nil {
				return fmt.Errorf("the web UI's login token: %w", err)
			}
			fmt.Fprintln(a.stdout, tok)
			fmt.Fprintf(a.stderr, "evident: sign in at http://%s/?token=%s (https:// with --tls-cert; the host and port evident serve or run listen on)\n", addr, tok)
			if rotate {
				fmt.Fprintf(a.stderr, "evident: a new web token is in %s; sessions made with the old one are signed out\n", web.TokenPath(c.DataDir))
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&rotate, "rotate", false, "replace the token with a new one")
	cmd.Flags().StringVar(&addr, "addr", defaultAddr, "the address the UI is served on, for the login URL")
	return cmd
}

// keep stores a token for a source and says how to use it.
func (a *app) keep(c *config.Config, source, tok string) error {
	where, err := credentials.DefaultSecrets().Set(source, tok)
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
	for _, e := range c.Sources.All() {
		if cr, ok := e.Source.(config.Credentialed); ok {
			t, _ := cr.Credential()
			out = append(out, namedToken{e.Source.SourceName(), t})
		}
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
			w, reachable := credentials.DefaultSecrets().Where(source)
			switch {
			case w != "":
				return "keyring: " + w
			case !reachable:
				return "keyring: none reachable here, no token file (run evident auth)"
			}
			return "keyring: nothing stored (run evident auth)"
		}
		return "none"
	}
	return "none"
}
