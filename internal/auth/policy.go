package auth

// Role is what a person may do in a territory.
type Role string

const (
	RoleAdministrator       Role = "administrator"
	RoleFacilitator         Role = "facilitator"
	RoleCommunications      Role = "communications_officer"
	RolePartner             Role = "partner"
	RoleOrganizationManager Role = "organization_manager"
	RoleCitizen             Role = "citizen"
)

// Roles lists every role, most powerful first.
var Roles = []Role{RoleAdministrator, RoleFacilitator, RoleCommunications, RolePartner, RoleOrganizationManager, RoleCitizen}

// ParseRole returns the role named s.
func ParseRole(s string) (Role, bool) {
	for _, r := range Roles {
		if string(r) == s {
			return r, true
		}
	}
	return "", false
}

// Action is something a person may be allowed to do.
type Action string

const (
	// ViewStaffArea opens the staff pages (/admin).
	ViewStaffArea Action = "staff.view"
	// ManageUsers adds people, changes their roles, disables accounts.
	ManageUsers Action = "users.manage"
	// ManageSettings edits the territory's settings.
	ManageSettings Action = "settings.manage"
	// ReadOutbox reads the e-mails kept in the outbox (they hold personal data and sign-in links).
	ReadOutbox Action = "outbox.read"
	// ManageOwnAccount changes one's own name, language and password.
	ManageOwnAccount Action = "account.manage"
	// ManageEvents plans events and handles their registrations (names,
	// contacts and needs of the people who signed up).
	ManageEvents Action = "events.manage"
	// ManageIdeas records needs and ideas, moderates proposals, tells each
	// idea's story, edits the themes, and sees who supports an idea.
	ManageIdeas Action = "ideas.manage"
	// ManageConnections records the « garder contact » choices from paper
	// forms, sees the mutual pairs to pass on by phone, and reads the
	// links-created dashboard.
	ManageConnections Action = "connections.manage"
	// ManageCommunities creates communautés de partage, invites and removes
	// members, plans their meetings and moderates their shared space.
	ManageCommunities Action = "communities.manage"
	// ManageInitiatives creates citizen initiatives and keeps their
	// leaders, participants, supporting actors, milestones and status.
	ManageInitiatives Action = "initiatives.manage"
	// ManageOrganizations keeps every organisation of the territory, its
	// seats and terms, reads the relève radar and the accompaniment log.
	ManageOrganizations Action = "organizations.manage"
	// EditOrganization keeps one organisation up to date: its description,
	// its seats and their holders, its adopted policies, and reads its own
	// relève radar. Staff may for any organisation of the territory; an
	// organisation manager only for an organisation they manage.
	EditOrganization Action = "organization.edit"
	// ManagePeople sees the people who hold seats across the territory:
	// each person's seats in every organisation, who wears « plusieurs
	// chapeaux », the records that may be the same person — and links them.
	// An organisation manager never does: they see only the records their
	// organisation entered (see internal/orgs/people.go).
	ManagePeople Action = "people.manage"
	// ManageVolunteering oversees volunteering for the whole territory:
	// every organisation's opportunities, applicants and hours, supply and
	// demand, recognition milestones (with names), the businesses'
	// indicator and the hour's value. An organisation manager handles their
	// own organisation's opportunities, applicants and hours through
	// EditOrganization instead.
	ManageVolunteering Action = "volunteering.manage"
	// ManageTrackedLinks creates short tracked links (jebénévole.ca and
	// other outside pages) and reads their click counts.
	ManageTrackedLinks Action = "tracking.manage"
	// ManageSurveys writes questionnaires, opens and closes waves, invites,
	// types paper forms and reads the typed answers before anyone else.
	ManageSurveys Action = "surveys.manage"
	// ReadSurveyResults reads the results of the surveys (figures that pass
	// the small-numbers rule, and the typed answers staff approved): staff
	// only; partners read the surveys' headline figures, wave by wave, on
	// their dashboard.
	ReadSurveyResults Action = "surveys.results"
	// ReadPortrait reads the internal version of the portrait of
	// involvement and needs: every figure exact, small numbers included
	// (the public version hides the counts of people under the territory's
	// small-group minimum): staff only; partners read the public portrait.
	ReadPortrait Action = "portrait.read"
	// ManageImpact keeps the logic model: the impact, its effects and
	// their indicators (definitions, baselines, targets), the values staff
	// enter with their source, the program's chronology and next steps and
	// the highlights told in reports.
	ManageImpact Action = "impact.manage"
	// ReadImpact reads the dashboard of the program's indicators: values,
	// targets and their dates, by period and by place — aggregates only,
	// never a person.
	ReadImpact Action = "impact.read"
	// ManageCommittee keeps the partners' committee: its member
	// organisations and their representatives, its meetings' agendas,
	// minutes, decisions, follow-ups and documents.
	ManageCommittee Action = "committee.manage"
	// ReadCommittee opens the committee's space: members, meetings,
	// published minutes, decisions, follow-ups and documents.
	ReadCommittee Action = "committee.read"
	// ManageFunding keeps the funding applications and the reports owed to
	// funders, and produces the report for a period (PDF, spreadsheet).
	ManageFunding Action = "funding.manage"
	// ManageTraining keeps the trainings: programs, cohorts and their
	// sessions, learners, attendance, completion, certificates and
	// evaluations. An organisation's managers enrol its members through
	// EditOrganization on that organisation.
	ManageTraining Action = "training.manage"
	// ManageCommunications keeps the communications: campaigns, the content
	// calendar, stories and the consents of the people they show,
	// newsletters and their lists, posters and flyers.
	ManageCommunications Action = "communications.manage"
	// ReadCommsCalendar reads the content calendar (and its iCalendar feed).
	ReadCommsCalendar Action = "communications.calendar"
	// ManagePrivacy is the privacy officer's: the inventory of personal
	// information, the retention rules and their runs, the access log, the
	// incident register, people's requests, and a person's data on their
	// behalf (see, download, erase).
	ManagePrivacy Action = "privacy.manage"
	// ReportIncident records a new confidentiality incident: whoever on the
	// team notices one writes it down at once.
	ReportIncident Action = "privacy.report_incident"
	// ManageInstallation runs the installation: adds territories and says
	// on which host each one is served. No role of a territory gives it,
	// administrator included: only an account marked installation
	// administrator (User.InstallationAdmin), on any territory's host.
	ManageInstallation Action = "installation.manage"
)

// Actions lists every action, for the policy's table test.
var Actions = []Action{ViewStaffArea, ManageUsers, ManageSettings, ReadOutbox, ManageOwnAccount, ManageEvents, ManageIdeas, ManageConnections,
	ManageCommunities, ManageInitiatives, ManageOrganizations, EditOrganization, ManageVolunteering, ManageTrackedLinks,
	ManagePeople, ManageSurveys, ReadSurveyResults, ReadPortrait, ManageImpact, ReadImpact, ManageCommittee, ReadCommittee, ManageFunding, ManageTraining,
	ManageCommunications, ReadCommsCalendar, ManagePrivacy, ReportIncident, ManageInstallation}

// policy is the one place that says which role may do what.
var policy = map[Action][]Role{
	ViewStaffArea:        {RoleAdministrator, RoleFacilitator, RoleCommunications},
	ManageUsers:          {RoleAdministrator},
	ManageSettings:       {RoleAdministrator},
	ReadOutbox:           {RoleAdministrator},
	ManageOwnAccount:     Roles,
	ManageEvents:         {RoleAdministrator, RoleFacilitator},
	ManageIdeas:          {RoleAdministrator, RoleFacilitator},
	ManageConnections:    {RoleAdministrator, RoleFacilitator},
	ManageCommunities:    {RoleAdministrator, RoleFacilitator},
	ManageInitiatives:    {RoleAdministrator, RoleFacilitator},
	ManageOrganizations:  {RoleAdministrator, RoleFacilitator},
	EditOrganization:     {RoleAdministrator, RoleFacilitator},
	ManagePeople:         {RoleAdministrator, RoleFacilitator},
	ManageVolunteering:   {RoleAdministrator, RoleFacilitator},
	ManageTrackedLinks:   {RoleAdministrator, RoleFacilitator, RoleCommunications},
	ManageSurveys:        {RoleAdministrator, RoleFacilitator},
	ReadSurveyResults:    {RoleAdministrator, RoleFacilitator, RoleCommunications},
	ReadPortrait:         {RoleAdministrator, RoleFacilitator, RoleCommunications},
	ManageImpact:         {RoleAdministrator, RoleFacilitator},
	ReadImpact:           {RoleAdministrator, RoleFacilitator, RoleCommunications, RolePartner},
	ManageCommittee:      {RoleAdministrator, RoleFacilitator},
	ReadCommittee:        {RoleAdministrator, RoleFacilitator, RoleCommunications, RolePartner},
	ManageFunding:        {RoleAdministrator},
	ManageTraining:       {RoleAdministrator, RoleFacilitator},
	ManageCommunications: {RoleAdministrator, RoleCommunications},
	ReadCommsCalendar:    {RoleAdministrator, RoleFacilitator, RoleCommunications},
	ManagePrivacy:        {RoleAdministrator},
	ReportIncident:       {RoleAdministrator, RoleFacilitator, RoleCommunications},
}

// ownOrganization says which role may do what to an organisation they
// manage (and to no other).
var ownOrganization = map[Action][]Role{
	EditOrganization: {RoleOrganizationManager},
}

// Resource is what an action is done to: a territory, or an organisation
// of a territory.
type Resource struct {
	TerritoryID int64
	// OrganizationID is the organisation acted on; 0 for none.
	OrganizationID int64
}

// Principal is who is asking: a signed-in user, their roles in the
// territory of the request and the organisations of that territory they
// manage. The zero Principal is an anonymous visitor.
type Principal struct {
	User        *User
	TerritoryID int64
	Roles       []Role
	// Organizations lists the organisations the user manages.
	Organizations []int64
}

// SignedIn reports whether the principal is a signed-in user.
func (p Principal) SignedIn() bool { return p.User != nil }

// Has reports whether the principal holds role.
func (p Principal) Has(role Role) bool {
	for _, r := range p.Roles {
		if r == role {
			return true
		}
	}
	return false
}

// Manages reports whether the principal manages the organisation orgID.
func (p Principal) Manages(orgID int64) bool {
	for _, id := range p.Organizations {
		if id == orgID && orgID != 0 {
			return true
		}
	}
	return false
}

// Can reports whether p may do a to r. Every handler asks it.
func Can(p Principal, a Action, r Resource) bool {
	if p.User == nil || p.User.Disabled() {
		return false
	}
	if a == ManageOwnAccount {
		return true
	}
	if a == ManageInstallation {
		return p.User.InstallationAdmin
	}
	if r.TerritoryID != p.TerritoryID {
		return false
	}
	for _, allowed := range policy[a] {
		if p.Has(allowed) {
			return true
		}
	}
	if p.Manages(r.OrganizationID) {
		for _, allowed := range ownOrganization[a] {
			if p.Has(allowed) {
				return true
			}
		}
	}
	return false
}
