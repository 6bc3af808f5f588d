package privacy_test

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"implique/internal/db/dbtest"
	"implique/internal/i18n"
	"implique/internal/jobs"
	"implique/internal/testkit"
)

// personal is what a column's name says about a person: an address, a
// phone, a name, what they wrote or need, the link to their account.
var personal = regexp.MustCompile(`(^|_)(email|phone|name|person|representative|dietary|accessibility|needs|message|school|age_band|to_addr|submitter_name|holder_name|owner_name|owner|user_id|holder_id|on_behalf_id|author_id|people|notes|details|text|body_text|body_html|address|ride|answer)$`)

// notPersonal are the columns whose name looks personal but that hold
// nothing about a person, each with why.
var notPersonal = map[string]string{
	"places.name":                           "a place",
	"territories.name":                      "the territory",
	"territories.operator_name":             "the organisation running the program",
	"territories.program_name":              "the program",
	"territories.contact_email":             "the operator's published contact",
	"territories.contact_phone":             "the operator's published contact",
	"territories.mailing_address":           "the operator's published address (CASL)",
	"territories.privacy_officer_name":      "the officer's published title or office",
	"territories.privacy_officer_email":     "the officer's published contact",
	"idea_themes.name_fr":                   "a theme",
	"comms_lists.name":                      "a mailing list",
	"comms_images.name":                     "a file name",
	"survey_waves.name":                     "a wave",
	"training_programs.name":                "a program",
	"training_cohorts.name":                 "a cohort",
	"communities.name":                      "a community",
	"organizations.name":                    "an organisation",
	"events.venue_name":                     "a venue",
	"events.venue_address":                  "a venue",
	"initiative_needs.details":              "a need of an initiative",
	"community_resources.file_name":         "a shared file",
	"committee_documents.file_name":         "a document",
	"funding_documents.file_name":           "a document",
	"organization_policies.document_name":   "a document",
	"committee_members.organization_name":   "an organisation",
	"instance_secrets.name":                 "a secret's name",
	"impact_snapshots.note":                 "a note on a value",
	"initiative_actors.details":             "what an actor brings",
	"funding_reminders.user_id":             "an administrator reminded (a staff account)",
	"volunteer_settings.hour_value_source":  "a source",
	"privacy_incidents.people":              "how many people an incident concerned",
	"events.accessibility":                  "the venue's accessibility",
	"volunteer_opportunities.accessibility": "the place's accessibility",
	"organizations.search_text":             "an organisation's name, mission and involvement, folded for searching",
	"mail_limits.key_hash":                  "a one-way hash, deleted after its window",
}

// TestEveryPersonalColumnIsRegistered scans the schema: every column whose
// name says it holds something about a person is covered by a category of
// a registered holder (or listed above with the reason it is not
// personal), and every column a category names exists.
func TestEveryPersonalColumnIsRegistered(t *testing.T) {
	d := dbtest.SQLite(t, jobs.MigrateAll)
	a := testkit.App(t, d, time.Date(2026, 12, 5, 15, 0, 0, 0, time.UTC))
	tables, err := d.AppTables(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	covered := map[string]string{}
	keys := map[string]bool{}
	for _, h := range a.Privacy.Holders() {
		for _, c := range h.Inventory() {
			if keys[c.Key] {
				t.Errorf("category %s is declared twice", c.Key)
			}
			keys[c.Key] = true
			for _, col := range c.Columns {
				table, column, _ := strings.Cut(col, ".")
				if !slices.Contains(tables[table], column) {
					t.Errorf("category %s names %s, which does not exist", c.Key, col)
				}
				covered[col] = c.Key
			}
		}
	}
	for table, cols := range tables {
		for _, col := range cols {
			name := table + "." + col
			if !personal.MatchString(col) {
				continue
			}
			if _, ok := notPersonal[name]; ok {
				if covered[name] != "" {
					t.Errorf("%s is both registered (%s) and listed as not personal", name, covered[name])
				}
				continue
			}
			if covered[name] == "" {
				t.Errorf("%s looks personal but no holder's inventory covers it: register it (privacy.Holder) or say why it is not personal", name)
			}
		}
	}
}

// TestRegistryIsNamed checks that every category and rule has its words in
// both languages, and that a category's rule exists.
func TestRegistryIsNamed(t *testing.T) {
	d := dbtest.SQLite(t, jobs.MigrateAll)
	a := testkit.App(t, d, time.Date(2026, 12, 5, 15, 0, 0, 0, time.UTC))
	cat := i18n.MustLoad()
	rules := map[string]bool{}
	for _, h := range a.Privacy.Holders() {
		for _, r := range h.Retention() {
			if rules[r.Key] {
				t.Errorf("rule %s is declared twice", r.Key)
			}
			rules[r.Key] = true
			if r.Days < 1 || r.Days > 3650 || (r.Action != "destroy" && r.Action != "anonymise") {
				t.Errorf("rule %s: %d days, %q", r.Key, r.Days, r.Action)
			}
			for _, k := range []string{"privacy.rule." + r.Key, "privacy.rule." + r.Key + ".after"} {
				if !cat.Has(k) {
					t.Errorf("missing catalog key %s", k)
				}
			}
		}
	}
	for _, h := range a.Privacy.Holders() {
		for _, c := range h.Inventory() {
			for _, k := range []string{"privacy.category." + c.Key, "privacy.category." + c.Key + ".purpose", "privacy.category." + c.Key + ".seen"} {
				if !cat.Has(k) {
					t.Errorf("missing catalog key %s", k)
				}
			}
			if c.Rule != "" && !rules[c.Rule] {
				t.Errorf("category %s names the rule %s, which no holder declares", c.Key, c.Rule)
			}
		}
	}
}
