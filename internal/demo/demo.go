// Package demo fills a database with the territory of the MRC de Bécancour
// and, for demonstrations, fictional people. It only calls the capability
// packages' exported functions, and it is deterministic.
package demo

import (
	"context"

	"implique/internal/app"
	"implique/internal/auth"
	"implique/internal/errs"
	"implique/internal/territory"
)

// TerritorySlug is the default territory.
const TerritorySlug = "mrc-becancour"

// AdminEmail is the demo administrator's address (a reserved test domain).
const AdminEmail = "admin@demo.implique.test"

// Settings of the default territory. Contact details are those the
// program publishes in its own presentation; by Law 25 the person with the
// highest authority (the general management) is in charge of personal
// information until someone else is named.
var Settings = territory.Settings{
	Name:                "MRC de Bécancour",
	ProgramName:         "Moi, je m’implique\u202f!",
	OperatorName:        "Centre d’action bénévole de la MRC de Bécancour",
	ContactEmail:        "direction@cabbecancour.com",
	ContactPhone:        "819-288-5533, poste 5",
	PrivacyOfficerName:  "Direction générale du Centre d’action bénévole de la MRC de Bécancour",
	PrivacyOfficerEmail: "direction@cabbecancour.com",
	PrivacyOfficerTitle: "Directrice générale",
	TimeZone:            "America/Toronto",
	BrandColor:          territory.DefaultBrandColor,
}

// Base makes sure the default territory and its places exist. It returns
// the territory and whether it created it.
func Base(ctx context.Context, ts *territory.Store) (territory.Territory, bool, error) {
	n, err := ts.Count(ctx)
	if err != nil {
		return territory.Territory{}, false, err
	}
	if n > 0 {
		t, err := ts.BySlug(ctx, TerritorySlug)
		if errs.Is(err, errs.NotFound) {
			t, err = ts.ForHost(ctx, "")
		}
		return t, false, err
	}
	t, err := ts.Create(ctx, TerritorySlug, Settings)
	if errs.Is(err, errs.Conflict) {
		// Another process created it a moment ago.
		t, err = ts.BySlug(ctx, TerritorySlug)
		return t, false, err
	}
	if err != nil {
		return t, false, err
	}
	if _, err := ts.ImportPlaces(ctx, t.ID, territory.BecancourPlaces()); err != nil {
		return t, false, err
	}
	return t, true, nil
}

// person is a fictional demo account, opened day days from today.
type person struct {
	email, name string
	roles       []auth.Role
	day         int
}

// people are fictional: any likeness to real people is chance.
var people = []person{
	{AdminEmail, "Administration (démo)", []auth.Role{auth.RoleAdministrator}, -Year},
	{"julie.tremblay@demo.implique.test", "Julie Tremblay", []auth.Role{auth.RoleFacilitator}, -Year},
	{"marie-eve.gagnon@demo.implique.test", "Marie-Ève Gagnon", []auth.Role{auth.RoleCommunications}, -340},
	{"louise.provencher@demo.implique.test", "Louise Provencher", []auth.Role{auth.RolePartner}, -330},
	{"rejean.houle@demo.implique.test", "Réjean Houle", []auth.Role{auth.RoleOrganizationManager}, -320},
	{"simon.bergeron@demo.implique.test", "Simon Bergeron", []auth.Role{auth.RoleFacilitator}, -300},
	{"nicole.lemay@demo.implique.test", "Nicole Lemay", []auth.Role{auth.RoleCitizen}, -358},
	{"kevin.descoteaux@demo.implique.test", "Kevin Descôteaux", []auth.Role{auth.RoleCitizen}, -130},
}

// Seeded says what the demo added.
type Seeded struct {
	// People is false when the database had accounts already: then the
	// demo adds nothing.
	People, Events, Organizations, Volunteering, Surveys bool
}

// Seed adds fictional people and their year of activity to the default
// territory — soupers, ideas, communities, links created, initiatives,
// organisations, volunteering, surveys, funding, training — only into a database that has no accounts
// yet. Each part is added only when the territory has none of it. The story
// is told in the order it happened, up to the demo's « now » (what the
// application's clock says): the clock follows the story, so that every
// history line is dated when it happened, then it is set back as it was.
func Seed(ctx context.Context, st *app.App) (Seeded, error) {
	t, _, err := Base(ctx, st.Territories)
	if err != nil {
		return Seeded{}, err
	}
	as := st.Auth
	if _, err := as.UserByEmail(ctx, AdminEmail); err == nil {
		return Seeded{}, nil
	} else if !errs.Is(err, errs.NotFound) {
		return Seeded{}, err
	}
	members, err := as.Members(ctx, t.ID)
	if err != nil {
		return Seeded{}, err
	}
	if len(members) > 0 {
		return Seeded{}, nil
	}
	s := newStory(st.Clock, t.Location())
	defer st.Clock.Set(s.was)

	for _, p := range people {
		s.tellOn(p.day, 9, 0)
		if _, err := as.CreateUser(ctx, auth.NewUser{Email: p.email, Name: p.name, Locale: "fr"}, t.ID, p.roles...); err != nil {
			return Seeded{}, err
		}
	}
	out := Seeded{People: true}
	if out.Events, err = seedEvents(ctx, st, t, s); err != nil {
		return out, err
	}
	for _, part := range []func(context.Context, *app.App, territory.Territory, *story) error{
		seedIdeas, seedCommunities, seedInitiatives, seedConnections} {
		if err := part(ctx, st, t, s); err != nil {
			return out, err
		}
	}
	if out.Organizations, err = seedOrgs(ctx, st, t, s); err != nil {
		return out, err
	}
	if err := seedChain(ctx, st, t, s); err != nil {
		return out, err
	}
	if out.Volunteering, err = seedVolunteering(ctx, st, t, s); err != nil {
		return out, err
	}
	if out.Surveys, err = seedSurveys(ctx, st, t, s); err != nil {
		return out, err
	}
	if err := seedCommittee(ctx, st, t, s); err != nil {
		return out, err
	}
	if err := seedFunding(ctx, st, t, s); err != nil {
		return out, err
	}
	if err := seedTraining(ctx, st, t, s); err != nil {
		return out, err
	}
	for _, part := range []func(context.Context, *app.App, territory.Territory, *story) error{
		seedCommsStories, seedCommsCampaigns, seedCommsNewsletters, seedPrivacy} {
		if err := part(ctx, st, t, s); err != nil {
			return out, err
		}
	}
	return out, seedImpact(ctx, st, t, s)
}
