// Package demo fills a database with the territory of the MRC de Bécancour
// and, for demonstrations, fictional people. It only calls the capability
// packages' exported functions, and it is deterministic.
package demo

import (
	"context"

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
	ProgramName:         "Moi, je m’implique !",
	OperatorName:        "Centre d’action bénévole de la MRC de Bécancour",
	ContactEmail:        "direction@cabbecancour.com",
	ContactPhone:        "819-288-5533, poste 5",
	PrivacyOfficerName:  "Direction générale du Centre d’action bénévole de la MRC de Bécancour",
	PrivacyOfficerEmail: "direction@cabbecancour.com",
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

// person is a fictional demo account.
type person struct {
	email, name string
	roles       []auth.Role
}

// people are fictional: any likeness to real people is chance.
var people = []person{
	{AdminEmail, "Administration (démo)", []auth.Role{auth.RoleAdministrator}},
	{"julie.tremblay@demo.implique.test", "Julie Tremblay", []auth.Role{auth.RoleFacilitator}},
	{"simon.bergeron@demo.implique.test", "Simon Bergeron", []auth.Role{auth.RoleFacilitator}},
	{"marie-eve.gagnon@demo.implique.test", "Marie-Ève Gagnon", []auth.Role{auth.RoleCommunications}},
	{"louise.provencher@demo.implique.test", "Louise Provencher", []auth.Role{auth.RolePartner}},
	{"rejean.houle@demo.implique.test", "Réjean Houle", []auth.Role{auth.RoleOrganizationManager}},
	{"nicole.lemay@demo.implique.test", "Nicole Lemay", []auth.Role{auth.RoleCitizen}},
	{"kevin.descoteaux@demo.implique.test", "Kevin Descôteaux", []auth.Role{auth.RoleCitizen}},
}

// Seed adds the fictional people to the default territory, only into a
// database that has no accounts yet. It reports whether it seeded.
func Seed(ctx context.Context, ts *territory.Store, as *auth.Store) (bool, error) {
	t, _, err := Base(ctx, ts)
	if err != nil {
		return false, err
	}
	if _, err := as.UserByEmail(ctx, AdminEmail); err == nil {
		return false, nil
	} else if !errs.Is(err, errs.NotFound) {
		return false, err
	}
	members, err := as.Members(ctx, t.ID)
	if err != nil {
		return false, err
	}
	if len(members) > 0 {
		return false, nil
	}
	for _, p := range people {
		if _, err := as.CreateUser(ctx, auth.NewUser{Email: p.email, Name: p.name, Locale: "fr"}, t.ID, p.roles...); err != nil {
			return false, err
		}
	}
	return true, nil
}
