package main

import (
	"context"
	"errors"
	"flag"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"time"

	"implique/internal/app"
	"implique/internal/auth"
	"implique/internal/db"
	"implique/internal/demo"
	"implique/internal/web"
)

// openApp opens and migrates the database, and wires the application on it.
func openApp(ctx context.Context, c *config, logger, jobLogger *slog.Logger) (*app.App, error) {
	d, err := openDB(ctx, c)
	if err != nil {
		return nil, err
	}
	a, err := app.New(app.Config{DB: d, Web: web.Config{BaseURL: c.BaseURL, TrustedProxies: c.TrustedProxies},
		SMTP: c.SMTP, From: c.From, Logger: logger, JobLogger: jobLogger, DataDir: c.DataDir})
	if err != nil {
		d.Close()
		return nil, err
	}
	return a, nil
}

func cmdServe(ctx context.Context, args []string, u *ui) error {
	var c config
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	addConfigFlags(fs, &c, true)
	withDemo := fs.Bool("demo", false, "add demonstration data to an empty database and print a sign-in link")
	if err := parse(fs, &c, args); err != nil {
		return err
	}
	started := time.Now()
	setMemoryLimit(os.Getenv)
	logger := newLogger(os.Stderr, slog.LevelInfo)
	jobLogger := newLogger(os.Stderr, slog.LevelWarn) // River is chatty at info
	a, err := openApp(ctx, &c, logger, jobLogger)
	if err != nil {
		return err
	}
	defer a.DB.Close()
	d := a.DB
	// Erasures the database does not know (it was restored from an older
	// copy) are applied again before anyone is served.
	if n, err := a.Privacy.Replay(ctx); err != nil {
		return err
	} else if n > 0 {
		logger.Info("privacy: erasures applied again after a restore", "count", n)
	}
	if err := seed(ctx, a, *withDemo, u); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return fail("cli.listen", c.Addr).and("cli.detail", err.Error())
	}
	// The metrics have an address of their own, never the public one.
	var mln net.Listener
	if c.MetricsAddr != "" && c.MetricsAddr != "off" {
		if mln, err = net.Listen("tcp", c.MetricsAddr); err != nil {
			ln.Close()
			return fail("cli.config.metrics_listen", err.Error())
		}
	}
	if err := a.Jobs.Start(ctx); err != nil {
		ln.Close()
		if mln != nil {
			mln.Close()
		}
		return err
	}
	hs := &http.Server{
		Handler:           a.Web,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	servers := []*http.Server{hs}
	errc := make(chan error, 2)
	go func() { errc <- hs.Serve(ln) }()
	if mln != nil {
		ms := &http.Server{Handler: a.Web.MetricsHandler(), ReadHeaderTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second}
		servers = append(servers, ms)
		go func() { errc <- ms.Serve(mln) }()
		logger.Info("metrics", "addr", mln.Addr().String())
	}

	engine := "SQLite " + d.Path
	if d.Engine == db.Postgres {
		engine = "PostgreSQL"
	}
	u.say("cli.serve.running", c.BaseURL, engine, time.Since(started).Round(time.Millisecond))
	if c.SMTP == nil {
		u.say("cli.serve.no_smtp")
	}
	if *withDemo {
		if err := printDemoLogin(ctx, a.Auth, &c, u); err != nil {
			logger.Error("demo sign-in link", "err", err)
		}
	}
	logger.Info("serving", "addr", ln.Addr().String(), "engine", string(d.Engine))
	// What the start-up used and let go (migrations, template checks, the
	// demo) goes back to the system now rather than over the next minutes.
	debug.FreeOSMemory()

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	u.say("cli.serve.stopping")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	// Both listeners stop taking requests and finish the ones under way.
	err = nil
	for _, srv := range servers {
		if serr := srv.Shutdown(shutdownCtx); serr != nil && !errors.Is(serr, http.ErrServerClosed) {
			err = errors.Join(err, serr)
		}
	}
	if jerr := a.Jobs.Stop(shutdownCtx); jerr != nil && !errors.Is(jerr, context.Canceled) {
		err = errors.Join(err, jerr)
	}
	return err
}

// defaultMemoryLimit is the soft limit of the Go runtime's memory when
// GOMEMLIMIT is not set: the garbage collector works harder as the process
// nears it, so a small installation stays small. A large one raises it with
// GOMEMLIMIT (e.g. GOMEMLIMIT=512MiB); it is a target, never a crash.
const defaultMemoryLimit = 48 << 20

// setMemoryLimit applies defaultMemoryLimit unless GOMEMLIMIT says otherwise.
func setMemoryLimit(getenv func(string) string) {
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
}

// printDemoLogin prints the demo administrator's e-mail and a fresh
// one-time sign-in link.
func printDemoLogin(ctx context.Context, as *auth.Store, c *config, u *ui) error {
	admin, err := as.UserByEmail(ctx, demo.AdminEmail)
	if err != nil {
		u.say("cli.demo.other_accounts")
		return nil
	}
	u.say("cli.demo.admin", admin.Email)
	return printSignInLink(ctx, as, c, u, admin)
}
