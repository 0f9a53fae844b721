package main

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/evident-sync/evident/classify"
	"github.com/evident-sync/evident/config"
	"github.com/evident-sync/evident/config/credentials"
	"github.com/evident-sync/evident/pipeline/localapi"
	"github.com/evident-sync/evident/pipeline/store"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// backend is what the triage commands need of the store. The store itself
// satisfies it; so does the daemon's client when `evident run` owns the
// store.
type backend interface {
	// The calls the API serves, and the whole-store ones (backup, verify,
	// forget) only the socket serves.
	localapi.Store
	localapi.Admin
	Close() error
}

type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	// tty, when set, says whether stdin is a terminal (tests); else it is
	// asked of the real file.
	tty func() bool

	configFlag  string
	dataDirFlag string

	// verbose is sync --verbose: every skipped file said.
	verbose bool
	// creates says the command may create the store (add); read commands
	// never do.
	creates bool

	cfg    *config.Config
	crit   []classify.Criterion // the criteria of critOf, made once
	critOf *config.Config
}

func (a *app) rootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "evident",
		Short: "Collect the evidence of your engineering work for promotion review",
		Long: `evident polls where your work leaves traces — GitHub reviews, RFCs, Jira —
and turns each trace into a candidate piece of promotion evidence, tagged with
its scope (team, cross-team, org) and promotion domain. Spend ten minutes a week
confirming or dismissing candidates; at review time, export the packet.`,
		Version:       versionText(),
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetVersionTemplate("{{.Version}}\n")
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	root.SetIn(a.stdin)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageError{err} })
	pf := root.PersistentFlags()
	pf.StringVar(&a.configFlag, "config", "", "config file (default $EVIDENT_CONFIG, else $XDG_CONFIG_HOME/evident/config.yaml)")
	pf.StringVar(&a.dataDirFlag, "data-dir", "", "data directory, overriding the config's data_dir")

	root.AddCommand(
		a.initCmd(), a.configCmd(),
		a.inboxCmd(), a.listCmd(), a.showCmd(),
		a.decideCmd("confirm", store.Confirmed), a.decideCmd("dismiss", store.Dismissed), a.decideCmd("reopen", store.Suggested),
		a.editCmd(), a.addCmd(), a.reviewCmd(), a.mcpCmd(), a.exportCmd(), a.followupsCmd(), a.gapsCmd(), a.digestCmd(), a.statusCmd(), a.versionCmd(), a.syncCmd(), a.reportCmd(), a.demoCmd(),
		a.runCmd(), a.serveCmd(), a.backupCmd(), a.restoreCmd(), a.verifyCmd(), a.forgetCmd(), a.authCmd(),
	)
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() == "completion" {
			// "completion nosh" is an unknown shell, not a request for help.
			c.Args = cobra.ArbitraryArgs
			c.RunE = func(cmd *cobra.Command, args []string) error {
				if len(args) == 0 {
					return cmd.Help()
				}
				return usagef("completion: unknown shell %q (bash, zsh, fish or powershell)", args[0])
			}
		}
	}
	a.completeValues(root)
	return root
}

// configPath is the config file this invocation uses and whether the user
// named it (then it must exist).
func (a *app) configPath() (string, bool) {
	if a.configFlag != "" {
		return a.configFlag, true
	}
	if p := os.Getenv("EVIDENT_CONFIG"); p != "" {
		return p, true
	}
	return config.DefaultPath(), false
}

// config loads the config once. Without one, nothing is created and the
// user is told to run evident init: only init, demo, version, help and
// completion work without a config.
func (a *app) config() (*config.Config, error) {
	if a.cfg != nil {
		return a.cfg, nil
	}
	path, _ := a.configPath()
	c, err := config.Load(path)
	if err != nil {
		return nil, err
	}
	if a.dataDirFlag != "" {
		c.DataDir = a.dataDirFlag
	}
	a.warnHygiene(c)
	a.cfg = c
	return c, nil
}

// criteria are the configured level criteria (none before the config is
// loaded).
func (a *app) criteria() []classify.Criterion {
	if a.cfg == nil {
		return nil
	}
	if a.critOf != a.cfg {
		a.crit, a.critOf = classify.CriteriaOf(a.cfg), a.cfg // once per config: every item's JSON asks
	}
	return a.crit
}

// warnHygiene withholds the config's secret variables from the commands
// evident runs, and warns when a config that runs commands (token_command,
// digest.command) can be changed by other users: they could make evident
// run anything.
func (a *app) warnHygiene(c *config.Config) {
	var runs []string
	secrets := []string{c.Encryption.KeyEnv}
	for _, t := range tokensBySource(c) {
		secrets = append(secrets, t.tok.TokenEnv)
		if t.tok.TokenCommand != "" && len(runs) == 0 {
			runs = append(runs, "a token_command")
		}
	}
	credentials.Withhold(secrets...)
	if c.Digest.Command != "" {
		runs = append(runs, "digest.command")
	}
	if len(runs) == 0 || c.Path == "" {
		return
	}
	if fi, err := os.Stat(c.Path); err == nil && fi.Mode().Perm()&0o022 != 0 {
		fmt.Fprintf(a.stderr, "evident: warning: %s names %s and is writable by others (mode %04o); run: chmod 600 %s\n", c.Path, strings.Join(runs, " and "), fi.Mode().Perm(), c.Path)
	}
}

// lockWait is how long a command waits for another short-lived evident
// command to release the store.
const lockWait = 5 * time.Second

// openFor returns the backend over the configured data dir: the running
// daemon when there is one (it owns the store), else the store itself,
// opened for writing or, with readOnly, for reading only, which writes
// nothing (it works from a read-only disk) and shares the store with other
// readers.
func (a *app) openFor(ctx context.Context, readOnly bool) (backend, error) {
	c, err := a.config()
	if err != nil {
		return nil, err
	}
	cl, err := localapi.Dial(ctx, c.DataDir)
	var bad *localapi.BadDaemonError
	switch {
	case err == nil:
		return cl, nil
	case errors.As(err, &bad):
		return nil, err
	}
	if !a.creates && !store.Exists(c.DataDir) {
		return nil, runtimeErrors([]string{fmt.Sprintf("there is no evident store in %s: run evident sync to fill it (evident init writes a config first), or check data_dir and --data-dir", c.DataDir)})
	}
	st, err := a.openStore(ctx, c, store.Options{ReadOnly: readOnly})
	var le *store.LockedError
	if errors.As(err, &le) {
		// A daemon may have just started: its socket answers once it is up.
		if cl, derr := localapi.Dial(ctx, c.DataDir); derr == nil {
			return cl, nil
		}
	}
	return st, err
}

// openStore opens the configured store (with its encryption key, if any),
// waiting for a short command that holds it.
func (a *app) openStore(ctx context.Context, c *config.Config, o store.Options) (*store.Store, error) {
	key, err := storeKey(c)
	if err != nil {
		return nil, err
	}
	o.EncryptionKey = key
	st, err := openStoreWith(ctx, c.DataDir, o)
	if err == nil && st.MadePrivate() {
		fmt.Fprintf(a.stderr, "evident: %s was readable by other users; it is now private (mode 0700)\n", c.DataDir)
	}
	return st, err
}

// storeKeyName is the keyring entry of the store's encryption key.
const storeKeyName = "store-encryption-key"

// storeKey returns the store's encryption key, or nil when encryption is off.
func storeKey(c *config.Config) ([]byte, error) {
	var raw string
	switch e := c.Encryption; {
	case e.KeyEnv != "":
		raw = strings.TrimSpace(os.Getenv(e.KeyEnv))
		if raw == "" {
			return nil, fmt.Errorf("the store is encrypted, but $%s (encryption.key_env) is empty or unset", e.KeyEnv)
		}
	case e.Key == config.Keyring:
		v, err := credentials.DefaultSecrets().Get(storeKeyName)
		if err != nil {
			return nil, fmt.Errorf("the store is encrypted, but its key is not in the keyring (evident auth store-key): %v", err)
		}
		raw = v
	default:
		return nil, nil
	}
	return decodeKey(raw)
}

// decodeKey reads a 32-byte key written as 64 hex digits or base64.
func decodeKey(raw string) ([]byte, error) {
	if b, err := hex.DecodeString(raw); err == nil && len(b) == 32 {
		return b, nil
	}
	if b, err := base64.StdEncoding.DecodeString(raw); err == nil && len(b) == 32 {
		return b, nil
	}
	return nil, errors.New("the store's encryption key must be 32 bytes written as 64 hex digits or base64 (make one with: openssl rand -hex 32)")
}

// openStoreWith opens the store, waiting up to lockWait for another
// short-lived command to release it.
func openStoreWith(ctx context.Context, dir string, o store.Options) (*store.Store, error) {
	deadline := time.Now().Add(lockWait)
	for {
		s, err := store.Open(dir, o)
		var le *store.LockedError
		if !errors.As(err, &le) || time.Now().After(deadline) {
			return s, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// withBackend opens the backend, runs fn and closes it, reporting a close
// failure only when fn succeeded.
func (a *app) withBackend(ctx context.Context, fn func(b backend) error) error {
	return a.withBackendFor(ctx, false, fn)
}

// withReader is withBackend for a command that only reads: the store, when
// no daemon serves it, is opened read-only.
func (a *app) withReader(ctx context.Context, fn func(b backend) error) error {
	return a.withBackendFor(ctx, true, fn)
}

func (a *app) withBackendFor(ctx context.Context, readOnly bool, fn func(b backend) error) error {
	b, err := a.openFor(ctx, readOnly)
	if err != nil {
		return err
	}
	err = fn(b)
	if st, ok := b.(*store.Store); ok && err == nil {
		a.tidy(ctx, st)
	}
	if cerr := b.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close store: %w", cerr)
	}
	return err
}

// tidy compacts a store the command opened itself, if decisions and syncs
// left it untidy (store.Tidy); the daemon tidies its own. A failure is
// worth a warning, not the command's result.
func (a *app) tidy(ctx context.Context, st *store.Store) {
	if _, err := st.Tidy(ctx); err != nil && ctx.Err() == nil {
		fmt.Fprintf(a.stderr, "evident: warning: compacting the store failed: %v\n", err)
	}
}

// noArgs, exactArgs and minArgs are cobra's validators with usage exit codes.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usagef("%s takes no arguments (got %q)", cmd.CommandPath(), args[0])
	}
	return nil
}

func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usagef("%s takes %s", cmd.CommandPath(), what)
		}
		return nil
	}
}

func minArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < n {
			return usagef("%s takes %s", cmd.CommandPath(), what)
		}
		return nil
	}
}

func (a *app) versionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintln(a.stdout, versionText())
			return nil
		},
	}
}

// versionText is what `evident version` and `evident --version` print: the
// version set at build time, else the module's version, else the VCS
// revision and time the binary was built from.
func versionText() string {
	return fmt.Sprintf("evident %s (store schema %d)", buildVersion(version, readBuildInfo()), store.SchemaVersion)
}

func readBuildInfo() *debug.BuildInfo {
	bi, _ := debug.ReadBuildInfo()
	return bi
}

func buildVersion(set string, bi *debug.BuildInfo) string {
	if set != "dev" || bi == nil {
		return set
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev, at, dirty string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "-dirty"
			}
		}
	}
	if rev == "" {
		return set
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if at != "" {
		return fmt.Sprintf("dev-%s%s (%s)", rev, dirty, at)
	}
	return "dev-" + rev + dirty
}
