package main

import (
	"bytes"
	"context"
	"database/sql"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"implique/internal/auth"
	"implique/internal/db"
	"implique/internal/db/dbtest"
)

func TestMain(m *testing.M) {
	// The test binary doubles as the program, to check exit codes.
	if os.Getenv("IMPLIQUE_TEST_RUN_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// syncBuffer is a buffer written by the server goroutine and read by the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func clearEnv(t *testing.T) {
	for _, k := range []string{"IMPLIQUE_ADDR", "IMPLIQUE_DATA_DIR", "IMPLIQUE_DATABASE_URL", "IMPLIQUE_BASE_URL", "IMPLIQUE_SMTP_URL",
		"LC_ALL", "LC_MESSAGES", "LANG"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
}

func TestMalformedConfigNamesTheVariable(t *testing.T) {
	cases := []struct {
		env, value string
	}{
		{"IMPLIQUE_ADDR", "pas-une-adresse"},
		{"IMPLIQUE_ADDR", ":99999"},
		{"IMPLIQUE_BASE_URL", "ftp://exemple.org"},
		{"IMPLIQUE_BASE_URL", "exemple.org"},
		{"IMPLIQUE_DATABASE_URL", "mysql://root@localhost/test"},
		{"IMPLIQUE_SMTP_URL", "smtp://:25"},
		{"IMPLIQUE_SMTP_URL", "gopher://mail.exemple.org"},
		{"IMPLIQUE_DATA_DIR", " "},
		{"IMPLIQUE_TRUSTED_PROXIES", "10.0.0.0/8,mon-proxy"},
		{"IMPLIQUE_METRICS_ADDR", "partout"},
		{"IMPLIQUE_METRICS_ADDR", "127.0.0.1:99999"},
	}
	for _, c := range cases {
		t.Run(c.env+"="+c.value, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "serve")
			cmd.Env = append(os.Environ(), "IMPLIQUE_TEST_RUN_MAIN=1", "IMPLIQUE_DATA_DIR="+t.TempDir(), c.env+"="+c.value, "LC_ALL=fr_CA.UTF-8")
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			err := cmd.Run()
			ee, ok := err.(*exec.ExitError)
			if !ok || ee.ExitCode() == 0 {
				t.Fatalf("exit %v, want a non-zero exit code", err)
			}
			msg := strings.TrimSpace(stderr.String())
			if strings.Count(msg, "\n") != 0 || !strings.Contains(msg, c.env) {
				t.Errorf("want one line naming %s, got %q", c.env, msg)
			}
			sentence(t, msg, "fr")
		})
	}
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// serve runs `implique serve` in the background until the returned stop is called.
func serve(t *testing.T, dataDir string, args ...string) (out *syncBuffer, base string, stop func() error) {
	t.Helper()
	addr := freeAddr(t)
	base = "http://" + addr
	metrics := freeAddr(t) // each server its own: tests run side by side
	for i, a := range args {
		if a == "--metrics-addr" && i+1 < len(args) {
			metrics = args[i+1]
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	out = &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", addr, "--data-dir", dataDir, "--base-url", base, "--metrics-addr", metrics}, args...), nil, out)
	}()
	// A guard against a server that never comes up, not a measure of
	// speed: under the race detector on a busy machine, seeding the demo
	// takes tens of seconds.
	deadline := time.Now().Add(2 * time.Minute)
	for {
		res, err := http.Get(base + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				break
			}
		}
		select {
		case err := <-done:
			cancel()
			t.Fatalf("serve stopped: %v\n%s", err, out.String())
		default:
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("serve did not become ready:\n%s", out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	var once sync.Once
	var stopErr error
	stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case stopErr = <-done:
			case <-time.After(30 * time.Second):
				stopErr = context.DeadlineExceeded
			}
		})
		return stopErr
	}
	t.Cleanup(func() { _ = stop() })
	return out, base, stop
}

var demoLinkRe = regexp.MustCompile(`https?://\S+/connexion/lien\?jeton=\S+`)

func TestServeDemoThenRestart(t *testing.T) {
	clearEnv(t)
	dir := t.TempDir()
	out, base, stop := serve(t, dir, "--demo")
	text := out.String()
	for _, want := range []string{"Territoire créé", "Données de démonstration ajoutées", "admin@demo.implique.test", "SMTP"} {
		if !strings.Contains(text, want) {
			t.Errorf("first start does not say %q:\n%s", want, text)
		}
	}
	link := demoLinkRe.FindString(text)
	if link == "" {
		t.Fatalf("no sign-in link printed:\n%s", text)
	}
	res, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Errorf("demo link: status %d", res.StatusCode)
	}
	res, err = http.Get(base + "/lieux/wolinak")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Errorf("place page: status %d", res.StatusCode)
	}
	if err := stop(); err != nil {
		t.Fatalf("graceful stop: %v", err)
	}

	out2, _, stop2 := serve(t, dir, "--demo")
	text2 := out2.String()
	if strings.Contains(text2, "Données de démonstration ajoutées") || !strings.Contains(text2, "aucune donnée de démonstration ajoutée") {
		t.Errorf("second start seeded again:\n%s", text2)
	}
	if demoLinkRe.FindString(text2) == "" {
		t.Errorf("second start printed no sign-in link:\n%s", text2)
	}
	if err := stop2(); err != nil {
		t.Fatal(err)
	}
}

// TestMetricsOnTheirOwnAddress: Prometheus reads /metrics on the metrics
// address; the public address has no /metrics and lists no folder.
func TestMetricsOnTheirOwnAddress(t *testing.T) {
	clearEnv(t)
	metrics := freeAddr(t)
	_, base, stop := serve(t, t.TempDir(), "--metrics-addr", metrics)
	get := func(u string) (int, string) {
		t.Helper()
		res, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if st, _ := get(base + "/lieux/wolinak"); st != 200 {
		t.Fatalf("place page: %d", st)
	}
	for _, p := range []string{"/metrics", "/static/", "/static"} {
		if st, body := get(base + p); st != 404 || strings.Contains(body, "implique_http_requests_total") || strings.Contains(body, ">style.css<") {
			t.Errorf("public %s: %d\n%.300s", p, st, body)
		}
	}
	st, body := get("http://" + metrics + "/metrics")
	if st != 200 || !strings.Contains(body, `implique_http_requests_total{code="200",route="GET /lieux/{slug}"}`) {
		t.Errorf("metrics address: %d\n%.300s", st, body)
	}
	if st, _ := get("http://" + metrics + "/lieux/wolinak"); st != 404 {
		t.Errorf("the metrics address serves pages: %d", st)
	}
	if err := stop(); err != nil {
		t.Fatalf("graceful stop: %v", err)
	}
	if _, err := http.Get("http://" + metrics + "/metrics"); err == nil {
		t.Error("the metrics address still answers after the stop")
	}

	// Off: no second address at all; a busy one stops the start with one line.
	_, _, stop = serve(t, t.TempDir(), "--metrics-addr", "off")
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	err = run(context.Background(), []string{"serve", "--addr", freeAddr(t), "--data-dir", t.TempDir(), "--metrics-addr", busy.Addr().String()}, nil, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "IMPLIQUE_METRICS_ADDR") || strings.Contains(err.Error(), "\n") {
		t.Errorf("busy metrics address: %v", err)
	}
}

func TestUserAddAndBackupWhileServing(t *testing.T) {
	clearEnv(t)
	dir := t.TempDir()
	_, base, stop := serve(t, dir)
	ctx := context.Background()

	var out bytes.Buffer
	err := run(ctx, []string{"user", "add", "--data-dir", dir, "--email", "Dg@Exemple.org", "--name", "Direction",
		"--role", "administrator", "--password-stdin"}, strings.NewReader("une phrase secrète\n"), &out)
	if err != nil {
		t.Fatalf("user add while serving: %v", err)
	}
	if !strings.Contains(out.String(), "dg@exemple.org") {
		t.Errorf("output %q", out.String())
	}
	out.Reset()
	if err := run(ctx, []string{"user", "add", "--data-dir", dir, "--base-url", base, "--email", "anim@exemple.org", "--role", "facilitator,citizen"}, nil, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), base+"/connexion/lien?jeton=") {
		t.Errorf("no sign-in link printed: %q", out.String())
	}

	bad := []struct {
		name string
		args []string
		want string
	}{
		{"duplicate", []string{"--email", "dg@exemple.org", "--role", "citizen"}, "--email\u00a0: Cette adresse courriel a déjà un compte."},
		{"unknown role", []string{"--email", "x@exemple.org", "--role", "pope"}, "--role"},
		{"bad e-mail", []string{"--email", "pas-un-courriel", "--role", "citizen"}, "--email\u00a0: Entrez une adresse courriel valide"},
	}
	for _, b := range bad {
		t.Run(b.name, func(t *testing.T) {
			err := run(ctx, append([]string{"user", "add", "--data-dir", dir}, b.args...), nil, &bytes.Buffer{})
			if err == nil || !strings.Contains(err.Error(), b.want) {
				t.Errorf("err = %v, want it to mention %q", err, b.want)
			}
		})
	}

	// Password sign-in works through the running server.
	d, err := db.OpenSQLite(ctx, filepath.Join(dir, "implique.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := auth.NewStore(d, nil).Authenticate(ctx, "dg@exemple.org", "une phrase secrète"); err != nil {
		t.Errorf("password from stdin not kept: %v", err)
	}
	d.Close()

	target := filepath.Join(t.TempDir(), "copie.db")
	out.Reset()
	if err := run(ctx, []string{"backup", "--data-dir", dir, "--out", target}, nil, &out); err != nil {
		t.Fatalf("backup while serving: %v", err)
	}
	copyDB, err := sql.Open("sqlite", "file:"+target+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer copyDB.Close()
	var users, places int
	if err := copyDB.QueryRow(`SELECT (SELECT COUNT(*) FROM users), (SELECT COUNT(*) FROM places)`).Scan(&users, &places); err != nil {
		t.Fatal(err)
	}
	if users != 2 || places != 19 {
		t.Errorf("backup holds %d users and %d places, want 2 and 19", users, places)
	}
	if err := run(ctx, []string{"backup", "--data-dir", dir, "--out", target}, nil, &out); err == nil {
		t.Error("backup overwrote an existing file")
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

func TestMigrateAndSeedAreSafeTwice(t *testing.T) {
	clearEnv(t)
	engines := map[string]func(t *testing.T) []string{
		"sqlite":   func(t *testing.T) []string { return []string{"--data-dir", t.TempDir()} },
		"postgres": func(t *testing.T) []string { return []string{"--database-url", dbtest.Postgres(t, nil).URL} },
	}
	for _, name := range []string{"sqlite", "postgres"} {
		t.Run(name, func(t *testing.T) {
			where := engines[name](t)
			ctx := context.Background()
			var out bytes.Buffer
			for i := 0; i < 2; i++ {
				if err := run(ctx, append([]string{"migrate"}, where...), nil, &out); err != nil {
					t.Fatalf("migrate #%d: %v", i+1, err)
				}
				if err := run(ctx, append([]string{"seed", "--demo"}, where...), nil, &out); err != nil {
					t.Fatalf("seed #%d: %v", i+1, err)
				}
			}
			text := out.String()
			if strings.Count(text, "Données de démonstration ajoutées") != 1 || strings.Count(text, "Territoire créé") != 1 {
				t.Errorf("seeded more than once:\n%s", text)
			}
		})
	}
}
