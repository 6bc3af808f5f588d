// Command implique runs the Implique platform: the web server and its
// background jobs, and the operator's commands (migrate, seed, user, backup).
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
	_ "time/tzdata" // the territory's time zone works on any machine

	"implique/internal/app"
	"implique/internal/auth"
	"implique/internal/db"
	"implique/internal/demo"
	"implique/internal/errs"
	"implique/internal/jobs"
	"implique/internal/territory"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout)
	stop()
	if err == nil {
		return
	}
	lang := cliLang(os.Getenv)
	if errors.Is(err, errUsage) {
		fmt.Fprint(os.Stderr, newUI(nil, lang).t("cli.usage"))
		os.Exit(2)
	}
	fmt.Fprintln(os.Stderr, explain(err, lang))
	os.Exit(1)
}

// run runs one command. It speaks the operator's language (see cliLang);
// its errors are *cliError, said by main in that language.
func run(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 {
		return errUsage
	}
	u := newUI(stdout, cliLang(os.Getenv))
	switch args[0] {
	case "serve":
		return cmdServe(ctx, args[1:], u)
	case "migrate":
		return cmdMigrate(ctx, args[1:], u)
	case "seed":
		return cmdSeed(ctx, args[1:], u)
	case "user":
		return cmdUser(ctx, args[1:], stdin, u)
	case "backup":
		return cmdBackup(ctx, args[1:], u)
	case "bench":
		return cmdBench(ctx, args[1:], u, os.Stderr)
	case "territory":
		return cmdTerritory(ctx, args[1:], u)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, u.t("cli.usage"))
		return nil
	}
	return errUsage
}

// parse parses a subcommand's flags and checks the configuration.
func parse(fs *flag.FlagSet, c *config, args []string) error {
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		return flagError(fs.Name(), err)
	}
	return c.check()
}

// openDB opens and migrates the database.
func openDB(ctx context.Context, c *config) (*db.DB, error) {
	d, err := db.Open(ctx, c.DatabaseURL, c.DataDir)
	if err != nil {
		return nil, dbError(c, err)
	}
	if err := jobs.MigrateAll(ctx, d); err != nil {
		d.Close()
		return nil, fail("cli.db_migrate").and("cli.detail", err.Error())
	}
	return d, nil
}

// dbError says that the database of c does not open, and why.
func dbError(c *config, err error) error {
	if c.DatabaseURL != "" {
		return fail("cli.db_postgres").and("cli.detail", err.Error())
	}
	return fail("cli.db_sqlite", c.DataDir).and("cli.detail", err.Error())
}

func cmdMigrate(ctx context.Context, args []string, u *ui) error {
	var c config
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	addConfigFlags(fs, &c, false)
	if err := parse(fs, &c, args); err != nil {
		return err
	}
	d, err := openDB(ctx, &c)
	if err != nil {
		return err
	}
	defer d.Close()
	u.say("cli.migrated")
	return nil
}

func cmdSeed(ctx context.Context, args []string, u *ui) error {
	var c config
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	addConfigFlags(fs, &c, false)
	withDemo := fs.Bool("demo", false, "also add fictional people and a year of events, for a demonstration")
	synth := addSyntheticFlags(fs)
	if err := parse(fs, &c, args); err != nil {
		return err
	}
	if err := synth.check(*withDemo); err != nil {
		return err
	}
	a, err := openQuiet(ctx, &c)
	if err != nil {
		return err
	}
	defer a.DB.Close()
	if synth.kind != "" {
		return seedSynthetic(ctx, a, synth.scale, u)
	}
	return seed(ctx, a, *withDemo, u)
}

// seed adds the territory and its places when the database has none and,
// for a demonstration, fictional people and events — only into an empty
// database, and says so.
func seed(ctx context.Context, a *app.App, withDemo bool, u *ui) error {
	t, created, err := demo.Base(ctx, a.Territories)
	if err != nil {
		return err
	}
	if created {
		u.say("cli.seed.territory", t.Name)
	}
	if err := a.Community.EnsureThemes(ctx, t.ID); err != nil {
		return err
	}
	if !withDemo {
		return nil
	}
	seeded, err := demo.Seed(ctx, a)
	if err != nil {
		return err
	}
	if !seeded.People {
		u.say("cli.seed.not_empty")
		return nil
	}
	what := []string{u.t("cli.seed.people")}
	if seeded.Events {
		what = append(what, u.t("cli.seed.events"))
	}
	if seeded.Organizations {
		what = append(what, u.t("cli.seed.orgs"))
	}
	if seeded.Volunteering {
		what = append(what, u.t("cli.seed.volunteering"))
	}
	if seeded.Surveys {
		what = append(what, u.t("cli.seed.surveys"))
	}
	u.say("cli.seed.demo", strings.Join(what, ", "))
	return nil
}

func cmdUser(ctx context.Context, args []string, stdin io.Reader, u *ui) error {
	if len(args) == 0 {
		return errUsage
	}
	switch args[0] {
	case "add":
		return cmdUserAdd(ctx, args[1:], stdin, u)
	case "link":
		return cmdUserLink(ctx, args[1:], u)
	case "installation-admin":
		return cmdUserInstallationAdmin(ctx, args[1:], u)
	}
	return errUsage
}

// roleNames lists the roles, for the messages.
func roleNames() string {
	names := make([]string, len(auth.Roles))
	for i, r := range auth.Roles {
		names[i] = string(r)
	}
	return strings.Join(names, ", ")
}

// territoryOf opens the territory named by --territory (creating the
// default one, with its places, in a new database).
func territoryOf(ctx context.Context, ts *territory.Store, slug string) (territory.Territory, error) {
	if _, _, err := demo.Base(ctx, ts); err != nil {
		return territory.Territory{}, err
	}
	t, err := ts.BySlug(ctx, slug)
	if errs.Is(err, errs.NotFound) {
		return t, fail("cli.user.territory", slug)
	}
	return t, err
}

// signInLinkTTL is how long the sign-in links the commands print work.
const signInLinkTTL = 24 * time.Hour

// printSignInLink issues a one-time sign-in link for user and prints it.
func printSignInLink(ctx context.Context, as *auth.Store, c *config, u *ui, user *auth.User) error {
	tok, err := as.IssueToken(ctx, user.ID, auth.PurposeLogin, signInLinkTTL)
	if err != nil {
		return err
	}
	u.say("cli.user.link", c.BaseURL+"/connexion/lien?jeton="+tok)
	return nil
}

func cmdUserAdd(ctx context.Context, args []string, stdin io.Reader, u *ui) error {
	var c config
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	addConfigFlags(fs, &c, false)
	email := fs.String("email", "", "e-mail address")
	name := fs.String("name", "", "name")
	roleList := fs.String("role", "", "role, or several separated by commas")
	locale := fs.String("locale", "fr", "language: fr or en")
	pwStdin := fs.Bool("password-stdin", false, "read a password from standard input")
	slug := fs.String("territory", demo.TerritorySlug, "territory")
	instAdmin := fs.Bool("installation-admin", false, "also make the account an installation administrator")
	if err := parse(fs, &c, args); err != nil {
		return err
	}
	var roles []auth.Role
	for _, r := range strings.Split(*roleList, ",") {
		role, ok := auth.ParseRole(strings.TrimSpace(r))
		if !ok {
			return fail("cli.user.role", strings.TrimSpace(r), roleNames())
		}
		roles = append(roles, role)
	}
	pw := ""
	if *pwStdin {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return fail("cli.user.stdin").and("cli.detail", err.Error())
		}
		pw = strings.TrimRight(line, "\r\n")
		if pw == "" {
			return fail("cli.user.no_password")
		}
	}
	a, err := openQuiet(ctx, &c)
	if err != nil {
		return err
	}
	defer a.DB.Close()
	t, err := territoryOf(ctx, a.Territories, *slug)
	if err != nil {
		return err
	}
	as := a.Auth
	user, err := as.CreateUser(ctx, auth.NewUser{Email: *email, Name: *name, Locale: *locale, Password: pw}, t.ID, roles...)
	if e, ok := errs.As(err); ok {
		return fieldsError(e)
	}
	if err != nil {
		return err
	}
	u.say("cli.user.created", user.Email, *roleList)
	if *instAdmin {
		if err := as.SetInstallationAdmin(ctx, user.ID, true); err != nil {
			return err
		}
		u.say("cli.territory.installation_admin", user.Email)
	}
	if pw == "" {
		return printSignInLink(ctx, as, &c, u, user)
	}
	return nil
}

// cmdUserLink prints a new one-time sign-in link for an existing account:
// for an administrator who lost theirs, or a server without e-mail.
func cmdUserLink(ctx context.Context, args []string, u *ui) error {
	var c config
	fs := flag.NewFlagSet("user link", flag.ContinueOnError)
	addConfigFlags(fs, &c, false)
	email := fs.String("email", "", "e-mail address of the account")
	if err := parse(fs, &c, args); err != nil {
		return err
	}
	a, user, err := openAccount(ctx, &c, *email)
	if err != nil {
		return err
	}
	defer a.DB.Close()
	as := a.Auth
	if user.Disabled() {
		return fail("cli.user.disabled", user.Email)
	}
	return printSignInLink(ctx, as, &c, u, user)
}

// cmdUserInstallationAdmin gives an existing account the running of the
// installation (its territories and their hosts), or takes it away.
func cmdUserInstallationAdmin(ctx context.Context, args []string, u *ui) error {
	var c config
	fs := flag.NewFlagSet("user installation-admin", flag.ContinueOnError)
	addConfigFlags(fs, &c, false)
	email := fs.String("email", "", "e-mail address of the account")
	remove := fs.Bool("remove", false, "take the role away instead")
	if err := parse(fs, &c, args); err != nil {
		return err
	}
	a, user, err := openAccount(ctx, &c, *email)
	if err != nil {
		return err
	}
	defer a.DB.Close()
	err = a.Auth.SetInstallationAdmin(ctx, user.ID, !*remove)
	if e, ok := errs.As(err); ok {
		return fieldsError(e)
	}
	if err != nil {
		return err
	}
	if *remove {
		u.say("cli.territory.installation_admin_removed", user.Email)
	} else {
		u.say("cli.territory.installation_admin", user.Email)
	}
	return nil
}

func cmdBackup(ctx context.Context, args []string, u *ui) error {
	var c config
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	addConfigFlags(fs, &c, false)
	target := fs.String("out", "", "file to write (default: DATA_DIR/backups/implique-DATE.db, or .sql on PostgreSQL)")
	if err := parse(fs, &c, args); err != nil {
		return err
	}
	stamp := time.Now().UTC().Format("20060102-150405")
	ext := ".db"
	if c.DatabaseURL != "" {
		ext = ".sql"
	}
	if *target == "" {
		*target = filepath.Join(c.DataDir, "backups", "implique-"+stamp+ext)
	}
	// The copy holds personal data: its folder and the file are the owner's only.
	if err := os.MkdirAll(filepath.Dir(*target), 0o700); err != nil {
		return fail("cli.backup.failed", *target).and("cli.detail", err.Error())
	}
	if c.DatabaseURL != "" {
		if err := pgDump(ctx, c.DatabaseURL, *target); err != nil {
			return err
		}
		u.say("cli.backup.written", *target)
		return nil
	}
	d, err := db.Open(ctx, "", c.DataDir)
	if err != nil {
		return dbError(&c, err)
	}
	defer d.Close()
	if err := d.Backup(ctx, *target); errors.Is(err, db.ErrExists) {
		return fail("cli.backup.exists", *target)
	} else if err != nil {
		return fail("cli.backup.failed", *target).and("cli.detail", err.Error())
	}
	u.say("cli.backup.written", *target)
	return nil
}

// pgDump writes a dump of the PostgreSQL database at url into a new file
// readable by its owner only; nothing is left behind when it fails.
func pgDump(ctx context.Context, url, target string) error {
	f, err := db.CreatePrivate(target)
	if errors.Is(err, fs.ErrExist) {
		return fail("cli.backup.exists", target)
	}
	if err != nil {
		return fail("cli.backup.failed", target).and("cli.detail", err.Error())
	}
	cmd := exec.CommandContext(ctx, "pg_dump", "--no-owner", url)
	cmd.Stdout = f
	cmd.Stderr = os.Stderr
	err = cmd.Run()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(target)
		return fail("cli.backup.pg_dump").and("cli.detail", err.Error())
	}
	return nil
}

// openAccount opens the application and finds the account of email (the
// --email of a user command); the caller closes the database.
func openAccount(ctx context.Context, c *config, email string) (*app.App, *auth.User, error) {
	if strings.TrimSpace(email) == "" {
		return nil, nil, fail("cli.field", "--email", msg("errors.required"))
	}
	a, err := openQuiet(ctx, c)
	if err != nil {
		return nil, nil, err
	}
	user, err := a.Auth.UserByEmail(ctx, email)
	if errs.Is(err, errs.NotFound) {
		err = fail("cli.user.unknown", auth.NormalizeEmail(email))
	}
	if err != nil {
		a.DB.Close()
		return nil, nil, err
	}
	return a, user, nil
}

// openQuiet is openApp for the commands that do not serve: they log nothing.
func openQuiet(ctx context.Context, c *config) (*app.App, error) {
	quiet := newLogger(io.Discard, slog.LevelError)
	return openApp(ctx, c, quiet, quiet)
}

func newLogger(w io.Writer, level slog.Level) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level}))
}
