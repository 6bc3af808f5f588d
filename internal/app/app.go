// Package app wires Implique together: the stores of every capability on
// one database and one clock, the mailer, the background jobs and the web
// server. The commands, the demo and the tests build the application here
// rather than assembling their own.
package app

import (
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"implique/internal/auth"
	"implique/internal/committee"
	"implique/internal/comms"
	"implique/internal/community"
	"implique/internal/connections"
	"implique/internal/db"
	"implique/internal/events"
	"implique/internal/funding"
	"implique/internal/i18n"
	"implique/internal/impact"
	"implique/internal/indicator"
	"implique/internal/installation"
	"implique/internal/jobs"
	"implique/internal/mail"
	"implique/internal/orgs"
	"implique/internal/portrait"
	"implique/internal/privacy"
	"implique/internal/survey"
	"implique/internal/territory"
	"implique/internal/tracking"
	"implique/internal/training"
	"implique/internal/volunteering"
	"implique/internal/web"
)

// Config is what the application is built from.
type Config struct {
	DB *db.DB
	// Web is the web layer's setting; its BaseURL is also the address of
	// the links in e-mails. SMTPConfigured follows SMTP.
	Web web.Config
	// SMTP sends the e-mails; nil keeps them in the outbox.
	SMTP *mail.SMTPConfig
	// From is the sender of every e-mail.
	From string
	// Logger receives the requests' logs, JobLogger the jobs' (nil: none).
	Logger, JobLogger *slog.Logger
	// Clock is the one clock every part reads (nil: a new wall clock).
	Clock *Clock
	// DataDir keeps the files that must outlive a restore of the database
	// (the deletion log); "": none.
	DataDir string
}

// App is the application wired together.
type App struct {
	DB    *db.DB
	Clock *Clock
	// Jobs works the background jobs once started.
	Jobs *jobs.Runner
	// Web serves the pages and the API.
	Web *web.Server

	Territories  *territory.Store
	Auth         *auth.Store
	Mailer       *mail.Mailer
	Outbox       *mail.Store
	Events       *events.Store
	Community    *community.Store
	Connections  *connections.Store
	Orgs         *orgs.Store
	Volunteering *volunteering.Store
	Tracking     *tracking.Store
	Surveys      *survey.Store
	// Funding keeps the funding applications and the reports owed.
	Funding *funding.Store
	// Committee keeps the partners' committee.
	Committee *committee.Store
	// Training keeps the training programs, cohorts, learners and certificates.
	Training *training.Store
	// Comms keeps the communications: campaigns, the calendar, stories,
	// newsletters and posters.
	Comms *comms.Store
	// Portrait asks the stores above for the portrait of involvement and needs.
	Portrait *portrait.Builder
	// Impact keeps the logic model and the indicators' values, computed by
	// the stores above that offer indicators.
	Impact *impact.Store
	// Privacy is the privacy centre; it asks every store that holds
	// personal information (holders below).
	Privacy *privacy.Store
	// Installation adds territories (with their places, themes and first
	// administrator) and lists them.
	Installation *installation.Service
}

// New wires the application on cfg.DB, which is open and migrated.
func New(cfg Config) (*App, error) {
	cat, err := i18n.Load()
	if err != nil {
		return nil, err
	}
	d := cfg.DB
	if cfg.Clock == nil {
		cfg.Clock = &Clock{}
	}
	now := cfg.Clock.Now
	var sender mail.Sender
	if cfg.SMTP != nil {
		sender = mail.NewSMTPSender(*cfg.SMTP)
		cfg.Web.SMTPConfigured = true
	}
	a := &App{DB: d, Clock: cfg.Clock, Territories: territory.NewStore(d), Auth: auth.NewStore(d, now), Outbox: mail.NewStore(d)}
	// The runner comes first: the stores queue their e-mails on it. Its
	// workers reach the stores built after it through a.
	a.Jobs, err = jobs.New(d, jobs.Config{
		Register: func(w *river.Workers) {
			river.AddWorker(w, mail.NewWorker(d, sender, cfg.From))
			river.AddWorker(w, auth.NewPurgeWorker(a.Auth))
			river.AddWorker(w, mail.NewPurgeWorker(d))
			river.AddWorker(w, events.NewRemindWorker(func() *events.Store { return a.Events }))
			river.AddWorker(w, volunteering.NewDigestWorker(func() *volunteering.Store { return a.Volunteering }))
			river.AddWorker(w, impact.NewRefreshWorker(func() *impact.Store { return a.Impact }))
			river.AddWorker(w, funding.NewRemindWorker(func() *funding.Store { return a.Funding }))
			river.AddWorker(w, comms.NewNewsSendWorker(func() *comms.Store { return a.Comms }, comms.DefaultNewsPace))
			river.AddWorker(w, comms.NewNewsDueWorker(func() *comms.Store { return a.Comms }, comms.DefaultNewsPace))
			river.AddWorker(w, privacy.NewRetentionWorker(func() *privacy.Store { return a.Privacy }))
		},
		Periodic: []*river.PeriodicJob{
			jobs.Every(time.Hour, func() river.JobArgs { return auth.PurgeArgs{} }),
			jobs.Every(time.Hour, func() river.JobArgs { return mail.PurgeArgs{} }),
			jobs.Every(15*time.Minute, func() river.JobArgs { return events.RemindArgs{} }),
			// The digest goes out once a week at most; the hourly run only
			// notices a new week (and finishes one a restart interrupted).
			jobs.Every(time.Hour, func() river.JobArgs { return volunteering.DigestArgs{} }),
			// The indicators' values of the periods under way.
			jobs.Every(6*time.Hour, func() river.JobArgs { return impact.RefreshArgs{} }),
			// Funding reminders are counted in days: hourly is plenty.
			jobs.Every(time.Hour, func() river.JobArgs { return funding.RemindArgs{} }),
			// Newsletters: the scheduled ones whose time has come, and the
			// sending a crash or a retry left unfinished.
			jobs.Every(time.Minute, func() river.JobArgs { return comms.NewsDueArgs{} }),
			// The retention rules: each territory once a day; the hourly run
			// only notices a new day (and finishes a run a restart cut short).
			jobs.Every(time.Hour, func() river.JobArgs { return privacy.RetentionArgs{} }),
		},
		Logger: cfg.JobLogger,
	})
	if err != nil {
		return nil, err
	}
	base := cfg.Web.BaseURL
	a.Mailer = mail.NewMailer(d, a.Jobs, cfg.From, now)
	a.Events = events.NewStore(events.Config{DB: d, Territories: a.Territories, Auth: a.Auth, Mailer: a.Mailer, Catalogs: cat,
		BaseURL: base, Now: now})
	a.Community = community.NewStore(community.Config{DB: d, Territories: a.Territories, Events: a.Events, Auth: a.Auth,
		Mailer: a.Mailer, Catalogs: cat, BaseURL: base, Now: now})
	a.Connections = connections.NewStore(connections.Config{DB: d, Territories: a.Territories, Events: a.Events,
		Mailer: a.Mailer, Catalogs: cat, Now: now})
	a.Orgs = orgs.NewStore(orgs.Config{DB: d, Territories: a.Territories, Events: a.Events, Groups: a.Community,
		Catalogs: cat, Now: now})
	a.Volunteering = volunteering.NewStore(volunteering.Config{DB: d, Territories: a.Territories, Orgs: a.Orgs, Auth: a.Auth,
		Mailer: a.Mailer, Catalogs: cat, BaseURL: base, Now: now})
	a.Tracking = tracking.NewStore(d, a.Territories, now)
	a.Surveys = survey.NewStore(survey.Config{DB: d, Territories: a.Territories, Events: a.Events, Auth: a.Auth, Mailer: a.Mailer,
		Catalogs: cat, BaseURL: base, Now: now})
	a.Funding = funding.NewStore(funding.Config{DB: d, Territories: a.Territories, People: a.Auth, Mailer: a.Mailer, Catalogs: cat,
		BaseURL: base, Now: now})
	a.Committee = committee.NewStore(committee.Config{DB: d, Territories: a.Territories, Events: a.Events, Orgs: a.Orgs,
		Auth: a.Auth, Now: now})
	a.Training = training.NewStore(training.Config{DB: d, Territories: a.Territories, Events: a.Events, Evaluations: a.Surveys,
		Auth: a.Auth, Mailer: a.Mailer, Catalogs: cat, BaseURL: base, Now: now})
	a.Comms = comms.NewStore(comms.Config{DB: d, Territories: a.Territories, Events: a.Events, Volunteering: a.Volunteering,
		Community: a.Community, Surveys: a.Surveys, Tracking: a.Tracking, Auth: a.Auth, Mailer: a.Mailer, Jobs: a.Jobs,
		Sender: sender, From: cfg.From, Catalogs: cat, BaseURL: base, Now: now})
	a.Portrait = portrait.New(portrait.Config{Territories: a.Territories, Events: a.Events, Community: a.Community, Orgs: a.Orgs,
		Volunteering: a.Volunteering, Survey: a.Surveys, Now: now})
	a.Impact = impact.NewStore(impact.Config{DB: d, Territories: a.Territories, Catalogs: cat, Sources: sources(a), Now: now})
	a.Privacy = privacy.NewStore(privacy.Config{DB: d, Territories: a.Territories, Holders: holders(a), LogDir: cfg.DataDir, Now: now})
	a.Installation = installation.New(installation.Config{DB: d, Territories: a.Territories, Auth: a.Auth, Themes: a.Community})
	a.Web, err = web.New(cfg.Web, web.Deps{
		DB:           d,
		Territories:  a.Territories,
		Auth:         a.Auth,
		Mailer:       a.Mailer,
		Outbox:       a.Outbox,
		Events:       a.Events,
		Community:    a.Community,
		Connections:  a.Connections,
		Orgs:         a.Orgs,
		Volunteering: a.Volunteering,
		Tracking:     a.Tracking,
		Surveys:      a.Surveys,
		Funding:      a.Funding,
		Committee:    a.Committee,
		Training:     a.Training,
		Comms:        a.Comms,
		Portrait:     a.Portrait,
		Impact:       a.Impact,
		Privacy:      a.Privacy,
		Installation: a.Installation,
		Logger:       cfg.Logger,
		Now:          now,
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// sources are the stores that compute indicators of the program's impact.
func sources(a *App) []indicator.Source {
	var out []indicator.Source
	for _, s := range []any{a.Events, a.Connections, a.Community, a.Orgs, a.Volunteering, a.Tracking, a.Surveys, a.Training, a.Comms} {
		if src, ok := s.(indicator.Source); ok {
			out = append(out, src)
		}
	}
	return out
}

// holders are the stores that hold personal information, in the order an
// erasure visits them: a record before the records it names (the links
// before the registrations), then the outbox, then the accounts.
func holders(a *App) []privacy.Holder {
	var out []privacy.Holder
	for _, s := range []any{a.Connections, a.Training, a.Surveys, a.Comms, a.Committee, a.Funding, a.Volunteering, a.Orgs,
		a.Community, a.Events, a.Tracking, a.Impact, a.Territories, a.Outbox, a.Auth} {
		if h, ok := s.(privacy.Holder); ok {
			out = append(out, h)
		}
	}
	return out
}
