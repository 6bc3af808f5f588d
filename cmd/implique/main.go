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
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
	_ "time/tzdata" // the territory's time zone works on any machine

	"implique/internal/auth"
	"implique/internal/db"
	"implique/internal/demo"
	"implique/internal/errs"
	"implique/internal/jobs"
	"implique/internal/territory"
)

const usage = `Implique — la plateforme de « Moi, je m'implique ! »

Usage:
  implique serve [--demo] [--addr :8080]    start the web server (and its background jobs)
  implique migrate                          create or update the database tables (safe to run twice)
  implique seed [--demo]                    add the MRC de Bécancour and its places (--demo: fictional people too)
  implique user add --email E --role R [--name N] [--password-stdin]
                                            add a person (roles: administrator, facilitator,
                                            communications_officer, partner, organization_manager, citizen)
  implique backup [--out FILE]              consistent copy of the database while the server runs

Configuration (flags mirror them): IMPLIQUE_ADDR, IMPLIQUE_DATA_DIR, IMPLIQUE_DATABASE_URL,
IMPLIQUE_BASE_URL, IMPLIQUE_SMTP_URL, IMPLIQUE_TRUSTED_PROXIES, IMPLIQUE_METRICS_ADDR.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout)
	stop()
	if err == nil {
		return
	}
	if errors.Is(err, errUsage) {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	fmt.Fprintln(os.Stderr, "implique:", err)
	os.Exit(1)
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 {
		return errUsage
	}
	switch args[0] {
	case "serve":
		return cmdServe(ctx, args[1:], stdout)
	case "migrate":
		return cmdMigrate(ctx, args[1:], stdout)
	case "seed":
		return cmdSeed(ctx, args[1:], stdout)
	case "user":
		return cmdUser(ctx, args[1:], stdin, stdout)
	case "backup":
		return cmdBackup(ctx, args[1:], stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return errUsage
}

// parse parses a subcommand's flags and checks the configuration.
func parse(fs *flag.FlagSet, c *config, args []string) error {
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%s: %w", fs.Name(), err)
	}
	return c.check()
}

// openDB opens and migrates the database.
func openDB(ctx context.Context, c *config) (*db.DB, error) {
	d, err := db.Open(ctx, c.DatabaseURL, c.DataDir)
	if err != nil {
		return nil, err
	}
	if err := jobs.MigrateAll(ctx, d); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

func cmdMigrate(ctx context.Context, args []string, out io.Writer) error {
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
	fmt.Fprintln(out, "Base de données à jour / database up to date.")
	return nil
}

func cmdSeed(ctx context.Context, args []string, out io.Writer) error {
	var c config
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	addConfigFlags(fs, &c, false)
	withDemo := fs.Bool("demo", false, "also add fictional people and a year of events, for a demonstration")
	if err := parse(fs, &c, args); err != nil {
		return err
	}
	d, err := openDB(ctx, &c)
	if err != nil {
		return err
	}
	defer d.Close()
	quiet := newLogger(io.Discard, slog.LevelError)
	a, err := newApp(&c, d, quiet, quiet)
	if err != nil {
		return err
	}
	return a.seed(ctx, *withDemo, out)
}

// seed adds the territory and its places when the database has none and,
// for a demonstration, fictional people and events — only into an empty
// database, and says so.
func (a *app) seed(ctx context.Context, withDemo bool, out io.Writer) error {
	t, created, err := demo.Base(ctx, a.territories)
	if err != nil {
		return err
	}
	if created {
		fmt.Fprintf(out, "Territoire créé : %s, avec ses municipalités et secteurs.\n", t.Name)
	}
	if err := a.community.EnsureThemes(ctx, t.ID); err != nil {
		return err
	}
	if !withDemo {
		return nil
	}
	seeded, err := demo.Seed(ctx, a.territories, a.auth)
	if err != nil {
		return err
	}
	if !seeded {
		fmt.Fprintln(out, "La base contient déjà des comptes : aucune donnée de démonstration ajoutée.")
		return nil
	}
	withEvents, err := demo.SeedEvents(ctx, a.territories, a.events)
	if err != nil {
		return err
	}
	if _, err := demo.SeedIdeas(ctx, a.territories, a.events, a.community); err != nil {
		return err
	}
	if err := demo.SeedCommunities(ctx, a.territories, a.auth, a.events, a.community); err != nil {
		return err
	}
	if err := demo.SeedConnections(ctx, a.territories, a.events, a.links); err != nil {
		return err
	}
	if _, err := demo.SeedInitiatives(ctx, a.territories, a.community); err != nil {
		return err
	}
	withOrgs, err := demo.SeedOrgs(ctx, a.territories, a.auth, a.events, a.orgs)
	if err != nil {
		return err
	}
	if err := demo.SeedChain(ctx, a.territories, a.community, a.orgs); err != nil {
		return err
	}
	withVolunteering, err := demo.SeedVolunteering(ctx, demo.VolunteeringStores{Territories: a.territories, Auth: a.auth, Orgs: a.orgs,
		Volunteering: a.volunteering, Tracking: a.tracking})
	if err != nil {
		return err
	}
	fmt.Fprint(out, "Données de démonstration ajoutées (personnes fictives")
	if withEvents {
		fmt.Fprint(out, ", soupers, événements, besoins et idées, communautés de partage et initiatives")
	}
	if withOrgs {
		fmt.Fprint(out, ", organismes et relève")
	}
	if withVolunteering {
		fmt.Fprint(out, ", offres de bénévolat, candidatures et heures")
	}
	fmt.Fprintln(out, ").")
	return nil
}

func cmdUser(ctx context.Context, args []string, stdin io.Reader, out io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		return errUsage
	}
	var c config
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	addConfigFlags(fs, &c, false)
	email := fs.String("email", "", "e-mail address")
	name := fs.String("name", "", "name")
	roleList := fs.String("role", "", "role, or several separated by commas")
	locale := fs.String("locale", "fr", "language: fr or en")
	pwStdin := fs.Bool("password-stdin", false, "read a password from standard input")
	slug := fs.String("territory", demo.TerritorySlug, "territory")
	if err := parse(fs, &c, args[1:]); err != nil {
		return err
	}
	var roles []auth.Role
	for _, r := range strings.Split(*roleList, ",") {
		role, ok := auth.ParseRole(strings.TrimSpace(r))
		if !ok {
			return fmt.Errorf("--role %q: not one of administrator, facilitator, communications_officer, partner, organization_manager, citizen", r)
		}
		roles = append(roles, role)
	}
	pw := ""
	if *pwStdin {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		pw = strings.TrimRight(line, "\r\n")
		if pw == "" {
			return errors.New("--password-stdin: no password on standard input")
		}
	}
	d, err := openDB(ctx, &c)
	if err != nil {
		return err
	}
	defer d.Close()
	ts := territory.NewStore(d)
	if _, _, err := demo.Base(ctx, ts); err != nil {
		return err
	}
	t, err := ts.BySlug(ctx, *slug)
	if err != nil {
		return fmt.Errorf("--territory %q: no such territory", *slug)
	}
	as := auth.NewStore(d)
	u, err := as.CreateUser(ctx, auth.NewUser{Email: *email, Name: *name, Locale: *locale, Password: pw}, t.ID, roles...)
	if e, ok := errs.As(err); ok {
		return fmt.Errorf("%s", describe(e))
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Compte créé : %s (%s).\n", u.Email, *roleList)
	if pw == "" {
		tok, err := as.IssueToken(ctx, u.ID, auth.PurposeLogin, 24*time.Hour)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "Lien de connexion à usage unique (24 h) : %s/connexion/lien?jeton=%s\n", c.BaseURL, tok)
	}
	return nil
}

// describe turns a validation error into one line for the terminal.
func describe(e *errs.Error) string {
	if len(e.Fields) == 0 {
		return e.Key
	}
	var parts []string
	for f, k := range e.Fields {
		parts = append(parts, "--"+f+": "+strings.TrimPrefix(k, "errors."))
	}
	return strings.Join(parts, "; ")
}

func cmdBackup(ctx context.Context, args []string, out io.Writer) error {
	var c config
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	addConfigFlags(fs, &c, false)
	target := fs.String("out", "", "file to write (default: DATA_DIR/backups/implique-DATE.db, or .sql on PostgreSQL)")
	if err := parse(fs, &c, args); err != nil {
		return err
	}
	stamp := time.Now().UTC().Format("20060102-150405")
	if c.DatabaseURL != "" {
		if *target == "" {
			*target = filepath.Join(c.DataDir, "backups", "implique-"+stamp+".sql")
		}
		if err := os.MkdirAll(filepath.Dir(*target), 0o700); err != nil {
			return err
		}
		cmd := exec.CommandContext(ctx, "pg_dump", "--no-owner", "--file", *target, c.DatabaseURL)
		cmd.Stderr = os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("pg_dump: %w (PostgreSQL's pg_dump must be installed)", err)
		}
		fmt.Fprintf(out, "Copie écrite : %s\n", *target)
		return nil
	}
	d, err := db.Open(ctx, "", c.DataDir)
	if err != nil {
		return err
	}
	defer d.Close()
	if *target == "" {
		*target = filepath.Join(c.DataDir, "backups", "implique-"+stamp+".db")
	}
	if err := os.MkdirAll(filepath.Dir(*target), 0o700); err != nil {
		return err
	}
	if err := d.Backup(ctx, *target); err != nil {
		return err
	}
	fmt.Fprintf(out, "Copie écrite : %s\n", *target)
	return nil
}

func newLogger(w io.Writer, level slog.Level) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level}))
}
