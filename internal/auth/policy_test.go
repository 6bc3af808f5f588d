package auth_test

import (
	"testing"
	"time"

	"implique/internal/auth"
)

// policyTable is the authorization policy written out in full: for every
// role, every action, allowed or not. A new role or action must be added
// here (TestPolicyTableIsComplete fails until it is).
var policyTable = map[auth.Role]map[auth.Action]bool{
	auth.RoleAdministrator: {
		auth.ViewStaffArea:        true,
		auth.ManageUsers:          true,
		auth.ManageSettings:       true,
		auth.ReadOutbox:           true,
		auth.ManageOwnAccount:     true,
		auth.ManageEvents:         true,
		auth.ManageIdeas:          true,
		auth.ManageConnections:    true,
		auth.ManageCommunities:    true,
		auth.ManageInitiatives:    true,
		auth.ManageOrganizations:  true,
		auth.EditOrganization:     true,
		auth.ManageVolunteering:   true,
		auth.ManageTrackedLinks:   true,
		auth.ManagePeople:         true,
		auth.ManageSurveys:        true,
		auth.ReadSurveyResults:    true,
		auth.ReadPortrait:         true,
		auth.ManageImpact:         true,
		auth.ReadImpact:           true,
		auth.ManageCommittee:      true,
		auth.ReadCommittee:        true,
		auth.ManageFunding:        true,
		auth.ManageTraining:       true,
		auth.ManageCommunications: true,
		auth.ReadCommsCalendar:    true,
		auth.ManagePrivacy:        true,
		auth.ReportIncident:       true,
		auth.ManageInstallation:   false,
	},
	auth.RoleFacilitator: {
		auth.ViewStaffArea:        true,
		auth.ManageUsers:          false,
		auth.ManageSettings:       false,
		auth.ReadOutbox:           false,
		auth.ManageOwnAccount:     true,
		auth.ManageEvents:         true,
		auth.ManageIdeas:          true,
		auth.ManageConnections:    true,
		auth.ManageCommunities:    true,
		auth.ManageInitiatives:    true,
		auth.ManageOrganizations:  true,
		auth.EditOrganization:     true,
		auth.ManageVolunteering:   true,
		auth.ManageTrackedLinks:   true,
		auth.ManagePeople:         true,
		auth.ManageSurveys:        true,
		auth.ReadSurveyResults:    true,
		auth.ReadPortrait:         true,
		auth.ManageImpact:         true,
		auth.ReadImpact:           true,
		auth.ManageCommittee:      true,
		auth.ReadCommittee:        true,
		auth.ManageFunding:        false,
		auth.ManageTraining:       true,
		auth.ManageCommunications: false,
		auth.ReadCommsCalendar:    true,
		auth.ManagePrivacy:        false,
		auth.ReportIncident:       true,
		auth.ManageInstallation:   false,
	},
	auth.RoleCommunications: {
		auth.ViewStaffArea:        true,
		auth.ManageUsers:          false,
		auth.ManageSettings:       false,
		auth.ReadOutbox:           false,
		auth.ManageOwnAccount:     true,
		auth.ManageEvents:         false,
		auth.ManageIdeas:          false,
		auth.ManageConnections:    false,
		auth.ManageCommunities:    false,
		auth.ManageInitiatives:    false,
		auth.ManageOrganizations:  false,
		auth.EditOrganization:     false,
		auth.ManageVolunteering:   false,
		auth.ManageTrackedLinks:   true,
		auth.ManagePeople:         false,
		auth.ManageSurveys:        false,
		auth.ReadSurveyResults:    true,
		auth.ReadPortrait:         true,
		auth.ManageImpact:         false,
		auth.ReadImpact:           true,
		auth.ManageCommittee:      false,
		auth.ReadCommittee:        true,
		auth.ManageFunding:        false,
		auth.ManageTraining:       false,
		auth.ManageCommunications: true,
		auth.ReadCommsCalendar:    true,
		auth.ManagePrivacy:        false,
		auth.ReportIncident:       true,
		auth.ManageInstallation:   false,
	},
	auth.RolePartner: {
		auth.ViewStaffArea:        false,
		auth.ManageUsers:          false,
		auth.ManageSettings:       false,
		auth.ReadOutbox:           false,
		auth.ManageOwnAccount:     true,
		auth.ManageEvents:         false,
		auth.ManageIdeas:          false,
		auth.ManageConnections:    false,
		auth.ManageCommunities:    false,
		auth.ManageInitiatives:    false,
		auth.ManageOrganizations:  false,
		auth.EditOrganization:     false,
		auth.ManageVolunteering:   false,
		auth.ManageTrackedLinks:   false,
		auth.ManagePeople:         false,
		auth.ManageSurveys:        false,
		auth.ReadSurveyResults:    false,
		auth.ReadPortrait:         false,
		auth.ManageImpact:         false,
		auth.ReadImpact:           true,
		auth.ManageCommittee:      false,
		auth.ReadCommittee:        true,
		auth.ManageFunding:        false,
		auth.ManageTraining:       false,
		auth.ManageCommunications: false,
		auth.ReadCommsCalendar:    false,
		auth.ManagePrivacy:        false,
		auth.ReportIncident:       false,
		auth.ManageInstallation:   false,
	},
	auth.RoleOrganizationManager: {
		auth.ViewStaffArea:        false,
		auth.ManageUsers:          false,
		auth.ManageSettings:       false,
		auth.ReadOutbox:           false,
		auth.ManageOwnAccount:     true,
		auth.ManageEvents:         false,
		auth.ManageIdeas:          false,
		auth.ManageConnections:    false,
		auth.ManageCommunities:    false,
		auth.ManageInitiatives:    false,
		auth.ManageOrganizations:  false,
		auth.EditOrganization:     false,
		auth.ManageVolunteering:   false,
		auth.ManageTrackedLinks:   false,
		auth.ManagePeople:         false,
		auth.ManageSurveys:        false,
		auth.ReadSurveyResults:    false,
		auth.ReadPortrait:         false,
		auth.ManageImpact:         false,
		auth.ReadImpact:           false,
		auth.ManageCommittee:      false,
		auth.ReadCommittee:        false,
		auth.ManageFunding:        false,
		auth.ManageTraining:       false,
		auth.ManageCommunications: false,
		auth.ReadCommsCalendar:    false,
		auth.ManagePrivacy:        false,
		auth.ReportIncident:       false,
		auth.ManageInstallation:   false,
	},
	auth.RoleCitizen: {
		auth.ViewStaffArea:        false,
		auth.ManageUsers:          false,
		auth.ManageSettings:       false,
		auth.ReadOutbox:           false,
		auth.ManageOwnAccount:     true,
		auth.ManageEvents:         false,
		auth.ManageIdeas:          false,
		auth.ManageConnections:    false,
		auth.ManageCommunities:    false,
		auth.ManageInitiatives:    false,
		auth.ManageOrganizations:  false,
		auth.EditOrganization:     false,
		auth.ManageVolunteering:   false,
		auth.ManageTrackedLinks:   false,
		auth.ManagePeople:         false,
		auth.ManageSurveys:        false,
		auth.ReadSurveyResults:    false,
		auth.ReadPortrait:         false,
		auth.ManageImpact:         false,
		auth.ReadImpact:           false,
		auth.ManageCommittee:      false,
		auth.ReadCommittee:        false,
		auth.ManageFunding:        false,
		auth.ManageTraining:       false,
		auth.ManageCommunications: false,
		auth.ReadCommsCalendar:    false,
		auth.ManagePrivacy:        false,
		auth.ReportIncident:       false,
		auth.ManageInstallation:   false,
	},
}

const (
	here  int64 = 7
	there int64 = 8
)

func signedIn(territoryID int64, roles ...auth.Role) auth.Principal {
	return auth.Principal{User: &auth.User{ID: 42, Email: "alice@example.org"}, TerritoryID: territoryID, Roles: roles}
}

func TestPolicyTableIsComplete(t *testing.T) {
	if len(policyTable) != len(auth.Roles) {
		t.Errorf("the table has %d roles, auth.Roles has %d", len(policyTable), len(auth.Roles))
	}
	for _, r := range auth.Roles {
		row, ok := policyTable[r]
		if !ok {
			t.Errorf("role %q is missing from the test's table", r)
			continue
		}
		if len(row) != len(auth.Actions) {
			t.Errorf("role %q: the table has %d actions, auth.Actions has %d", r, len(row), len(auth.Actions))
		}
		for _, a := range auth.Actions {
			if _, ok := row[a]; !ok {
				t.Errorf("role %q: action %q is missing from the test's table", r, a)
			}
		}
	}
	for r := range policyTable {
		if _, ok := auth.ParseRole(string(r)); !ok {
			t.Errorf("the table has role %q, which auth.Roles does not list", r)
		}
	}
	// The names are stored and used in URLs and logs: they must not drift.
	wantRoles := []string{"administrator", "facilitator", "communications_officer", "partner", "organization_manager", "citizen"}
	for i, r := range auth.Roles {
		if i >= len(wantRoles) || string(r) != wantRoles[i] {
			t.Errorf("auth.Roles = %v, want %v", auth.Roles, wantRoles)
			break
		}
	}
	wantActions := map[auth.Action]string{
		auth.ViewStaffArea:       "staff.view",
		auth.ManageUsers:         "users.manage",
		auth.ManageSettings:      "settings.manage",
		auth.ReadOutbox:          "outbox.read",
		auth.ManageOwnAccount:    "account.manage",
		auth.ManageEvents:        "events.manage",
		auth.ManageIdeas:         "ideas.manage",
		auth.ManageConnections:   "connections.manage",
		auth.ManageOrganizations: "organizations.manage",
		auth.EditOrganization:    "organization.edit",
		auth.ManageVolunteering:  "volunteering.manage",
		auth.ManageTrackedLinks:  "tracking.manage",
		auth.ReadPortrait:        "portrait.read",
		auth.ManagePeople:        "people.manage",
		auth.ManageSurveys:       "surveys.manage",
		auth.ReadSurveyResults:   "surveys.results",
		auth.ManageInstallation:  "installation.manage",
	}
	for a, name := range wantActions {
		if string(a) != name {
			t.Errorf("action %q, want %q", a, name)
		}
	}
}

func TestPolicyRoleByAction(t *testing.T) {
	for _, r := range auth.Roles {
		for _, a := range auth.Actions {
			want := policyTable[r][a]
			t.Run(string(r)+"/"+string(a), func(t *testing.T) {
				if got := auth.Can(signedIn(here, r), a, auth.Resource{TerritoryID: here}); got != want {
					t.Errorf("Can(%s, %s) = %v, want %v", r, a, got, want)
				}
			})
		}
	}
}

func TestPolicyAnonymous(t *testing.T) {
	principals := map[string]auth.Principal{
		"zero principal":       {},
		"roles without a user": {TerritoryID: here, Roles: auth.Roles},
	}
	for name, p := range principals {
		for _, a := range auth.Actions {
			t.Run(name+"/"+string(a), func(t *testing.T) {
				if p.SignedIn() {
					t.Fatal("SignedIn() = true without a user")
				}
				if auth.Can(p, a, auth.Resource{TerritoryID: here}) {
					t.Errorf("an anonymous visitor may %s", a)
				}
			})
		}
	}
}

func TestPolicyDisabledUser(t *testing.T) {
	when := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, r := range auth.Roles {
		for _, a := range auth.Actions {
			t.Run(string(r)+"/"+string(a), func(t *testing.T) {
				p := signedIn(here, r)
				p.User.DisabledAt = &when
				if auth.Can(p, a, auth.Resource{TerritoryID: here}) {
					t.Errorf("a disabled %s may %s", r, a)
				}
			})
		}
	}
	t.Run("all roles at once", func(t *testing.T) {
		p := signedIn(here, auth.Roles...)
		p.User.DisabledAt = &when
		for _, a := range auth.Actions {
			if auth.Can(p, a, auth.Resource{TerritoryID: here}) {
				t.Errorf("a disabled user with every role may %s", a)
			}
		}
	})
}

func TestPolicyOtherTerritory(t *testing.T) {
	for _, r := range auth.Roles {
		for _, a := range auth.Actions {
			want := a == auth.ManageOwnAccount
			t.Run(string(r)+"/"+string(a), func(t *testing.T) {
				if got := auth.Can(signedIn(there, r), a, auth.Resource{TerritoryID: here}); got != want {
					t.Errorf("a %s of territory %d on territory %d: Can(%s) = %v, want %v", r, there, here, a, got, want)
				}
			})
		}
	}
}

func TestPolicyCombinations(t *testing.T) {
	cases := []struct {
		name  string
		roles []auth.Role
		want  map[auth.Action]bool
	}{
		{"no role", nil, map[auth.Action]bool{auth.ManageOwnAccount: true}},
		{"partner and facilitator", []auth.Role{auth.RolePartner, auth.RoleFacilitator},
			map[auth.Action]bool{auth.ViewStaffArea: true, auth.ManageOwnAccount: true, auth.ManageEvents: true, auth.ManageIdeas: true, auth.ManageConnections: true,
				auth.ManageCommunities: true, auth.ManageInitiatives: true, auth.ManageOrganizations: true, auth.EditOrganization: true,
				auth.ManageVolunteering: true, auth.ManageTrackedLinks: true, auth.ManagePeople: true, auth.ManageSurveys: true,
				auth.ReadSurveyResults: true, auth.ReadPortrait: true, auth.ManageImpact: true, auth.ReadImpact: true,
				auth.ManageCommittee: true, auth.ReadCommittee: true, auth.ManageTraining: true, auth.ReadCommsCalendar: true,
				auth.ReportIncident: true}},
		{"citizen and administrator", []auth.Role{auth.RoleCitizen, auth.RoleAdministrator},
			map[auth.Action]bool{auth.ViewStaffArea: true, auth.ManageUsers: true, auth.ManageSettings: true, auth.ReadOutbox: true, auth.ManageOwnAccount: true, auth.ManageEvents: true, auth.ManageIdeas: true, auth.ManageConnections: true,
				auth.ManageCommunities: true, auth.ManageInitiatives: true, auth.ManageOrganizations: true, auth.EditOrganization: true,
				auth.ManageVolunteering: true, auth.ManageTrackedLinks: true, auth.ManagePeople: true, auth.ManageSurveys: true,
				auth.ReadSurveyResults: true, auth.ReadPortrait: true, auth.ManageImpact: true, auth.ReadImpact: true,
				auth.ManageCommittee: true, auth.ReadCommittee: true, auth.ManageFunding: true, auth.ManageTraining: true,
				auth.ManageCommunications: true, auth.ReadCommsCalendar: true, auth.ManagePrivacy: true, auth.ReportIncident: true}},
		{"unknown role", []auth.Role{"superuser"}, map[auth.Action]bool{auth.ManageOwnAccount: true}},
	}
	for _, c := range cases {
		for _, a := range auth.Actions {
			t.Run(c.name+"/"+string(a), func(t *testing.T) {
				if got := auth.Can(signedIn(here, c.roles...), a, auth.Resource{TerritoryID: here}); got != c.want[a] {
					t.Errorf("Can(%v, %s) = %v, want %v", c.roles, a, got, c.want[a])
				}
			})
		}
	}
}

func TestParseRole(t *testing.T) {
	for _, r := range auth.Roles {
		if got, ok := auth.ParseRole(string(r)); !ok || got != r {
			t.Errorf("ParseRole(%q) = %q, %v", r, got, ok)
		}
	}
	for _, s := range []string{"", "Administrator", "admin", "root"} {
		if _, ok := auth.ParseRole(s); ok {
			t.Errorf("ParseRole(%q) accepted an unknown role", s)
		}
	}
}

// TestPolicyOwnOrganization: staff may edit any organisation of their
// territory; an organisation manager only one they manage, and nothing else
// because of it.
func TestPolicyOwnOrganization(t *testing.T) {
	const mine, theirs int64 = 5, 6
	manager := func(territoryID int64, orgs ...int64) auth.Principal {
		p := signedIn(territoryID, auth.RoleOrganizationManager)
		p.Organizations = orgs
		return p
	}
	cases := []struct {
		name string
		p    auth.Principal
		r    auth.Resource
		want bool
	}{
		{"manager, own organisation", manager(here, mine), auth.Resource{TerritoryID: here, OrganizationID: mine}, true},
		{"manager of two, the second", manager(here, theirs, mine), auth.Resource{TerritoryID: here, OrganizationID: mine}, true},
		{"manager, another organisation", manager(here, mine), auth.Resource{TerritoryID: here, OrganizationID: theirs}, false},
		{"manager, no organisation named", manager(here, mine), auth.Resource{TerritoryID: here}, false},
		{"manager, own id in another territory", manager(there, mine), auth.Resource{TerritoryID: here, OrganizationID: mine}, false},
		{"manager of nothing", manager(here), auth.Resource{TerritoryID: here, OrganizationID: mine}, false},
		{"organisation listed without the role", func() auth.Principal {
			p := signedIn(here, auth.RoleCitizen)
			p.Organizations = []int64{mine}
			return p
		}(), auth.Resource{TerritoryID: here, OrganizationID: mine}, false},
		{"zero organisation id listed", manager(here, 0), auth.Resource{TerritoryID: here}, false},
		{"facilitator, any organisation", signedIn(here, auth.RoleFacilitator), auth.Resource{TerritoryID: here, OrganizationID: theirs}, true},
		{"administrator, any organisation", signedIn(here, auth.RoleAdministrator), auth.Resource{TerritoryID: here, OrganizationID: theirs}, true},
		{"facilitator of another territory", signedIn(there, auth.RoleFacilitator), auth.Resource{TerritoryID: here, OrganizationID: theirs}, false},
		{"communications officer", signedIn(here, auth.RoleCommunications), auth.Resource{TerritoryID: here, OrganizationID: mine}, false},
		{"partner", signedIn(here, auth.RolePartner), auth.Resource{TerritoryID: here, OrganizationID: mine}, false},
		{"anonymous with the list", auth.Principal{TerritoryID: here, Roles: []auth.Role{auth.RoleOrganizationManager}, Organizations: []int64{mine}},
			auth.Resource{TerritoryID: here, OrganizationID: mine}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := auth.Can(c.p, auth.EditOrganization, c.r); got != c.want {
				t.Errorf("Can(EditOrganization) = %v, want %v", got, c.want)
			}
		})
	}
	t.Run("disabled manager", func(t *testing.T) {
		p := manager(here, mine)
		when := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
		p.User.DisabledAt = &when
		if auth.Can(p, auth.EditOrganization, auth.Resource{TerritoryID: here, OrganizationID: mine}) {
			t.Error("a disabled manager may edit their organisation")
		}
	})
	// Managing an organisation opens nothing else: not the staff area,
	// not the territory's organisations, not another capability.
	for _, a := range auth.Actions {
		if a == auth.EditOrganization || a == auth.ManageOwnAccount {
			continue
		}
		t.Run("own organisation/"+string(a), func(t *testing.T) {
			if auth.Can(manager(here, mine), a, auth.Resource{TerritoryID: here, OrganizationID: mine}) {
				t.Errorf("a manager may %s on their organisation", a)
			}
		})
	}
}

// TestPolicyVolunteering: staff oversee volunteering for the territory; a
// manager reviews applicants and confirms hours only for the organisation
// they manage (through EditOrganization); the communications officer keeps
// the tracked links, nothing more.
func TestPolicyVolunteering(t *testing.T) {
	const mine, theirs int64 = 5, 6
	manager := signedIn(here, auth.RoleOrganizationManager)
	manager.Organizations = []int64{mine}
	cases := []struct {
		name string
		p    auth.Principal
		a    auth.Action
		org  int64
		want bool
	}{
		{"manager reviews own organisation's applicants", manager, auth.EditOrganization, mine, true},
		{"manager reviews another organisation's applicants", manager, auth.EditOrganization, theirs, false},
		{"manager sees supply and demand", manager, auth.ManageVolunteering, mine, false},
		{"manager creates tracked links", manager, auth.ManageTrackedLinks, 0, false},
		{"facilitator oversees volunteering", signedIn(here, auth.RoleFacilitator), auth.ManageVolunteering, 0, true},
		{"facilitator confirms any organisation's hours", signedIn(here, auth.RoleFacilitator), auth.EditOrganization, theirs, true},
		{"communications officer keeps tracked links", signedIn(here, auth.RoleCommunications), auth.ManageTrackedLinks, 0, true},
		{"communications officer reads hours", signedIn(here, auth.RoleCommunications), auth.ManageVolunteering, 0, false},
		{"partner reads hours", signedIn(here, auth.RolePartner), auth.ManageVolunteering, 0, false},
		{"citizen reads hours", signedIn(here, auth.RoleCitizen), auth.ManageVolunteering, 0, false},
		{"facilitator of another territory", signedIn(there, auth.RoleFacilitator), auth.ManageVolunteering, 0, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := auth.Can(c.p, c.a, auth.Resource{TerritoryID: here, OrganizationID: c.org}); got != c.want {
				t.Errorf("Can(%s) = %v, want %v", c.a, got, c.want)
			}
		})
	}
}

func TestPolicyInstallationAdmin(t *testing.T) {
	cases := []struct {
		name string
		p    auth.Principal
		want bool
	}{
		{"installation administrator without a role", func() auth.Principal {
			p := signedIn(here)
			p.User.InstallationAdmin = true
			return p
		}(), true},
		{"installation administrator on another territory's host", func() auth.Principal {
			p := signedIn(there, auth.RoleCitizen)
			p.User.InstallationAdmin = true
			return p
		}(), true},
		{"territory administrator", signedIn(here, auth.RoleAdministrator), false},
		{"every role", signedIn(here, auth.Roles...), false},
		{"disabled installation administrator", func() auth.Principal {
			p := signedIn(here)
			p.User.InstallationAdmin = true
			p.User.DisabledAt = &time.Time{}
			return p
		}(), false},
		{"anonymous", auth.Principal{TerritoryID: here}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := auth.Can(c.p, auth.ManageInstallation, auth.Resource{TerritoryID: here}); got != c.want {
				t.Errorf("Can(ManageInstallation) = %v, want %v", got, c.want)
			}
		})
	}
	t.Run("gives nothing else", func(t *testing.T) {
		p := signedIn(here)
		p.User.InstallationAdmin = true
		for _, a := range auth.Actions {
			if a == auth.ManageInstallation || a == auth.ManageOwnAccount {
				continue
			}
			if auth.Can(p, a, auth.Resource{TerritoryID: here}) {
				t.Errorf("an installation administrator without a role may %s", a)
			}
		}
	})
}
