package main

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"implique/internal/auth"
	"implique/internal/db"
	"implique/internal/demo"
	"implique/internal/i18n"
	"implique/internal/territory"
)

// catalogKeyRe finds what looks like a catalog key or a code left in a
// message (errors.email_taken, cli.usage, email_taken).
var catalogKeyRe = regexp.MustCompile(`\b(?:errors|cli|smtp_url)\.[a-z_.]+|\b[a-z]+_[a-z_]+\b`)

// sentence checks that an error line is a sentence of the catalogs in
// lang: the program's name, then words, no key nor code.
func sentence(t *testing.T, line, lang string) {
	t.Helper()
	prefix := "implique\u00a0: "
	if lang == "en" {
		prefix = "implique: "
	}
	if !strings.HasPrefix(line, prefix) {
		t.Errorf("%q does not start with %q", line, prefix)
	}
	for _, m := range catalogKeyRe.FindAllString(line, -1) {
		switch m {
		case "communications_officer", "organization_manager", "insecure_skip_verify", "password_stdin":
			continue // names the operator types
		}
		if !strings.HasPrefix(m, "IMPLIQUE") {
			t.Errorf("%q holds %q, a key rather than words", line, m)
		}
	}
	if !strings.HasSuffix(line, ".") && !strings.HasSuffix(line, "»") && !strings.HasSuffix(line, "\"") {
		t.Errorf("%q does not end a sentence", line)
	}
}

// runMain runs the program itself, with env, and returns its exit code and
// what it wrote on standard error.
func runMain(t *testing.T, env []string, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(append(os.Environ(), "IMPLIQUE_TEST_RUN_MAIN=1", "LC_ALL=", "LC_MESSAGES=", "LANG="), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, strings.TrimSpace(stderr.String())
}

func TestCLIErrorsAreSentences(t *testing.T) {
	clearEnv(t)
	dir := t.TempDir()
	if err := run(context.Background(), []string{"user", "add", "--data-dir", dir, "--email", "dg@exemple.org", "--role", "administrator"},
		nil, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		fr   string // a part of the French sentence
		en   string // a part of the English one
	}{
		{"e-mail taken", []string{"user", "add", "--data-dir", dir, "--email", "DG@exemple.org", "--role", "citizen"},
			"Cette adresse courriel a déjà un compte.", "This e-mail address already has an account."},
		{"no such role", []string{"user", "add", "--data-dir", dir, "--email", "x@exemple.org", "--role", "pape"},
			"n’est pas un rôle", "is not a role"},
		{"unknown option", []string{"backup", "--data-dir", dir, "--sortie", "x.db"},
			"L’option --sortie n’existe pas pour «\u00a0implique backup\u00a0»", "The option --sortie does not exist"},
		{"option without its value", []string{"user", "link", "--data-dir", dir, "--email"},
			"L’option --email demande une valeur.", "The option --email needs a value."},
		{"no such account", []string{"user", "link", "--data-dir", dir, "--email", "personne@exemple.org"},
			"Aucun compte n’a l’adresse personne@exemple.org", "No account has the address personne@exemple.org"},
		{"SMTP URL", []string{"serve", "--data-dir", dir, "--smtp-url", "smtp://exemple.org:99999"},
			"Le port «\u00a099999\u00a0» doit être entre 1 et 65535.", "IMPLIQUE_SMTP_URL"},
		{"backup over a file", []string{"backup", "--data-dir", dir, "--out", filepath.Join(dir, "implique.db")},
			"existe déjà", "already exists"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, lang := range []struct{ env, code, want string }{
				{"", "fr", c.fr},
				{"LANG=en_CA.UTF-8", "en", c.en},
				{"LC_ALL=en_US.UTF-8", "en", c.en},
				{"LANG=en_CA.UTF-8 LC_ALL=fr_CA.UTF-8", "fr", c.fr}, // LC_ALL wins, as in every POSIX program
			} {
				code, line := runMain(t, strings.Fields(lang.env), c.args...)
				if code != 1 || strings.Contains(line, "\n") {
					t.Errorf("%s: exit %d, %q; want 1 and one line", lang.env, code, line)
					continue
				}
				sentence(t, line, lang.code)
				if !strings.Contains(line, lang.want) {
					t.Errorf("%s: %q does not say %q", lang.env, line, lang.want)
				}
			}
		})
	}
	t.Run("usage", func(t *testing.T) {
		code, text := runMain(t, nil, "inconnue")
		if code != 2 || !strings.Contains(text, "implique user link --email E") || !strings.Contains(text, "Utilisation\u00a0:") {
			t.Errorf("exit %d:\n%s", code, text)
		}
		_, text = runMain(t, []string{"LANG=en_CA.UTF-8"}, "inconnue")
		if !strings.Contains(text, "Usage:") {
			t.Errorf("English usage:\n%s", text)
		}
	})
}

// TestEveryCLIKeyIsInTheCatalogs reads the command's code for the keys it says.
func TestEveryCLIKeyIsInTheCatalogs(t *testing.T) {
	cat := i18n.MustLoad()
	re := regexp.MustCompile(`"(cli\.[a-z_.]+[a-z])"`)
	files, _ := filepath.Glob("*.go")
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			n++
			if !cat.Has(m[1]) {
				t.Errorf("%s: %s is not in the catalogs", f, m[1])
			}
		}
	}
	b, _ := os.ReadFile("../../internal/mail/smtp.go")
	for _, m := range regexp.MustCompile(`urlErr\("([a-z_.]+)"`).FindAllStringSubmatch(string(b), -1) {
		n++
		if !cat.Has("cli." + m[1]) {
			t.Errorf("mail: cli.%s is not in the catalogs", m[1])
		}
	}
	if n < 40 {
		t.Fatalf("found only %d keys: the scan is broken", n)
	}
}

func TestUserLink(t *testing.T) {
	clearEnv(t)
	ctx := context.Background()
	dir := t.TempDir()
	base := "https://implique.exemple.org"
	if err := run(ctx, []string{"user", "add", "--data-dir", dir, "--email", "dg@exemple.org", "--role", "administrator",
		"--password-stdin"}, strings.NewReader("une phrase secrète\n"), &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(ctx, []string{"user", "link", "--data-dir", dir, "--base-url", base, "--email", "DG@exemple.org"}, nil, &out); err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(regexp.QuoteMeta(base) + `/connexion/lien\?jeton=([A-Za-z0-9_-]+)\n`).FindStringSubmatch(out.String())
	if m == nil || !strings.Contains(out.String(), "Lien de connexion à usage unique (valide 24\u00a0h)") {
		t.Fatalf("no sign-in link printed: %q", out.String())
	}
	d, err := db.OpenSQLite(ctx, filepath.Join(dir, "implique.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	as := auth.NewStore(d, nil)
	if err := as.CheckToken(ctx, m[1], auth.PurposeLogin); err != nil {
		t.Errorf("the printed link does not sign in: %v", err)
	}
	// A disabled account gets no link (another administrator keeps the territory).
	u, _ := as.UserByEmail(ctx, "dg@exemple.org")
	terr, err := territory.NewStore(d).BySlug(ctx, demo.TerritorySlug)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := as.CreateUser(ctx, auth.NewUser{Email: "autre@exemple.org"}, terr.ID, auth.RoleAdministrator); err != nil {
		t.Fatal(err)
	}
	if err := as.SetDisabled(ctx, u.ID, terr.ID, true); err != nil {
		t.Fatal(err)
	}
	err = run(ctx, []string{"user", "link", "--data-dir", dir, "--email", "dg@exemple.org"}, nil, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "est désactivé") {
		t.Errorf("a link for a disabled account: %v", err)
	}
}

// TestPersonalDataIsOwnersOnly: the data directory the program creates,
// the database and its -wal and -shm files, and every backup are readable
// by their owner only, whatever the umask.
func TestPersonalDataIsOwnersOnly(t *testing.T) {
	clearEnv(t)
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "donnees")
	_, _, stop := serve(t, dir)
	mode := func(path string, want fs.FileMode) {
		t.Helper()
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := st.Mode().Perm(); got != want {
			t.Errorf("%s: mode %o, want %o", path, got, want)
		}
	}
	mode(dir, 0o700)
	for _, f := range []string{"implique.db", "implique.db-wal", "implique.db-shm"} {
		mode(filepath.Join(dir, f), 0o600)
	}
	out := filepath.Join(t.TempDir(), "copie.db")
	if err := run(ctx, []string{"backup", "--data-dir", dir, "--out", out}, nil, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	mode(out, 0o600)
	var said bytes.Buffer
	if err := run(ctx, []string{"backup", "--data-dir", dir}, nil, &said); err != nil {
		t.Fatal(err)
	}
	mode(filepath.Join(dir, "backups"), 0o700)
	written := regexp.MustCompile(`\S+\.db`).FindString(said.String())
	mode(written, 0o600)
	if err := stop(); err != nil {
		t.Fatal(err)
	}

	// On PostgreSQL, pg_dump's output goes to a file made the same way; a
	// pg_dump that fails leaves no file behind.
	bin := t.TempDir()
	script := "#!/bin/sh\necho '-- PostgreSQL database dump'\n"
	if err := os.WriteFile(filepath.Join(bin, "pg_dump"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	dump := filepath.Join(t.TempDir(), "copie.sql")
	pg := "postgres://postgres@127.0.0.1:5432/test"
	if err := run(ctx, []string{"backup", "--database-url", pg, "--out", dump}, nil, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	mode(dump, 0o600)
	if b, _ := os.ReadFile(dump); !strings.Contains(string(b), "database dump") {
		t.Errorf("dump holds %q", b)
	}
	if err := os.WriteFile(filepath.Join(bin, "pg_dump"), []byte("#!/bin/sh\necho partial\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	failed := filepath.Join(t.TempDir(), "ratee.sql")
	err := run(ctx, []string{"backup", "--database-url", pg, "--out", failed}, nil, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "pg_dump") {
		t.Errorf("a failing pg_dump: %v", err)
	}
	if _, err := os.Stat(failed); !os.IsNotExist(err) {
		t.Errorf("a failed dump left %s behind", failed)
	}
}
