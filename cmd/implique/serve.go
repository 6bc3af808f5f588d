package main

import (
	"context"
	"errors"
	"flag"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"

	"implique/internal/auth"
	"implique/internal/community"
	"implique/internal/connections"
	"implique/internal/db"
	"implique/internal/demo"
	"implique/internal/events"
	"implique/internal/i18n"
	"implique/internal/jobs"
	"implique/internal/mail"
	"implique/internal/orgs"
	"implique/internal/territory"
	"implique/internal/tracking"
	"implique/internal/volunteering"
	"implique/internal/web"
)

// app is the whole product wired together, for serve and for tests.
type app struct {
	db           *db.DB
	jobs         *jobs.Runner
	handler      http.Handler
	metrics      http.Handler
	logger       *slog.Logger
	territories  *territory.Store
	auth         *auth.Store
	events       *events.Store
	community    *community.Store
	links        *connections.Store
	orgs         *orgs.Store
	volunteering *volunteering.Store
	tracking     *tracking.Store
}

// newApp wires the capabilities, the jobs and the web layer on d.
func newApp(c *config, d *db.DB, logger, jobLogger *slog.Logger) (*app, error) {
	var sender mail.Sender
	if c.SMTP != nil {
		sender = mail.NewSMTPSender(*c.SMTP)
	}
	as := auth.NewStore(d)
	ts := territory.NewStore(d)
	cat, err := i18n.Load()
	if err != nil {
		return nil, err
	}
	// The runner and the events store need each other: the store queues
	// e-mails through the runner, the runner works the store's reminders.
	var evs *events.Store
	var vol *volunteering.Store
	runner, err := jobs.New(d, jobs.Config{
		Register: func(w *river.Workers) {
			river.AddWorker(w, mail.NewWorker(d, sender, c.From))
			river.AddWorker(w, auth.NewPurgeWorker(as))
			river.AddWorker(w, mail.NewPurgeWorker(d))
			river.AddWorker(w, events.NewRemindWorker(func() *events.Store { return evs }))
			river.AddWorker(w, volunteering.NewDigestWorker(func() *volunteering.Store { return vol }))
		},
		Periodic: []*river.PeriodicJob{
			jobs.Every(time.Hour, func() river.JobArgs { return auth.PurgeArgs{} }),
			jobs.Every(time.Hour, func() river.JobArgs { return mail.PurgeArgs{} }),
			jobs.Every(15*time.Minute, func() river.JobArgs { return events.RemindArgs{} }),
			// The digest goes out once a week at most; the hourly run only
			// notices a new week (and finishes one a restart interrupted).
			jobs.Every(time.Hour, func() river.JobArgs { return volunteering.DigestArgs{} }),
		},
		Logger: jobLogger,
	})
	if err != nil {
		return nil, err
	}
	mailer := mail.NewMailer(d, runner, c.From)
	evs = events.NewStore(events.Config{DB: d, Territories: ts, Auth: as, Mailer: mailer, Catalogs: cat, BaseURL: c.BaseURL})
	cs := community.NewStore(community.Config{DB: d, Territories: ts, Events: evs, Auth: as, Mailer: mailer, Catalogs: cat, BaseURL: c.BaseURL})
	links := connections.NewStore(connections.Config{DB: d, Territories: ts, Events: evs, Mailer: mailer, Catalogs: cat})
	orgStore := orgs.NewStore(orgs.Config{DB: d, Territories: ts, Events: evs, Groups: cs, Catalogs: cat})
	vol = volunteering.NewStore(volunteering.Config{DB: d, Territories: ts, Orgs: orgStore, Auth: as, Mailer: mailer, Catalogs: cat, BaseURL: c.BaseURL})
	tr := tracking.NewStore(d, ts)
	reg := prometheus.NewRegistry()
	srv, err := web.New(web.Config{BaseURL: c.BaseURL, SMTPConfigured: sender != nil, TrustedProxies: c.TrustedProxies}, web.Deps{
		DB:           d,
		Territories:  ts,
		Auth:         as,
		Mailer:       mailer,
		Outbox:       mail.NewStore(d),
		Events:       evs,
		Community:    cs,
		Connections:  links,
		Orgs:         orgStore,
		Volunteering: vol,
		Tracking:     tr,
		Logger:       logger,
		Registry:     reg,
	})
	if err != nil {
		return nil, err
	}
	return &app{db: d, jobs: runner, handler: srv, metrics: srv.MetricsHandler(), logger: logger, territories: ts, auth: as, events: evs, community: cs, links: links,
		orgs: orgStore, volunteering: vol, tracking: tr}, nil
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
	logger := newLogger(os.Stderr, slog.LevelInfo)
	jobLogger := newLogger(os.Stderr, slog.LevelWarn) // River is chatty at info
	d, err := openDB(ctx, &c)
	if err != nil {
		return err
	}
	defer d.Close()
	a, err := newApp(&c, d, logger, jobLogger)
	if err != nil {
		return err
	}
	if err := a.seed(ctx, *withDemo, u); err != nil {
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
	if err := a.jobs.Start(ctx); err != nil {
		ln.Close()
		if mln != nil {
			mln.Close()
		}
		return err
	}
	hs := &http.Server{
		Handler:           a.handler,
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
		ms := &http.Server{Handler: a.metrics, ReadHeaderTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second}
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
		if err := printDemoLogin(ctx, d, &c, u); err != nil {
			logger.Error("demo sign-in link", "err", err)
		}
	}
	logger.Info("serving", "addr", ln.Addr().String(), "engine", string(d.Engine))

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
	if jerr := a.jobs.Stop(shutdownCtx); jerr != nil && !errors.Is(jerr, context.Canceled) {
		err = errors.Join(err, jerr)
	}
	return err
}

// printDemoLogin prints the demo administrator's e-mail and a fresh
// one-time sign-in link.
func printDemoLogin(ctx context.Context, d *db.DB, c *config, u *ui) error {
	as := auth.NewStore(d)
	admin, err := as.UserByEmail(ctx, demo.AdminEmail)
	if err != nil {
		u.say("cli.demo.other_accounts")
		return nil
	}
	u.say("cli.demo.admin", admin.Email)
	return printSignInLink(ctx, as, c, u, admin)
}
