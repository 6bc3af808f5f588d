package portrait_test

import (
	"context"
	"testing"
	"time"

	"implique/internal/app"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/demo"
	"implique/internal/errs"
	"implique/internal/jobs"
	"implique/internal/portrait"
	"implique/internal/survey"
	"implique/internal/territory"
	"implique/internal/testkit"
)

// fakeSurveys answers fixed headline figures.
type fakeSurveys []survey.Figure

func (f fakeSurveys) Headlines(context.Context, int64, string) ([]survey.Figure, error) {
	return f, nil
}

var demoNow = time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)

// seeded is the demo on d.
func seeded(t testing.TB, d *db.DB) (*app.App, territory.Territory) {
	t.Helper()
	ctx := context.Background()
	a := testkit.App(t, d, demoNow)
	if _, err := demo.Seed(ctx, a); err != nil {
		t.Fatal(err)
	}
	terr, _, err := demo.Base(ctx, a.Territories)
	if err != nil {
		t.Fatal(err)
	}
	return a, terr
}

func builder(a *app.App, s portrait.Surveys) *portrait.Builder {
	return portrait.New(portrait.Config{Territories: a.Territories, Events: a.Events, Community: a.Community, Orgs: a.Orgs,
		Volunteering: a.Volunteering, Survey: s, Now: a.Clock.Now})
}

func section(t *testing.T, p portrait.Portrait, key string) portrait.Section {
	t.Helper()
	for _, s := range p.Sections {
		if s.Key == key {
			return s
		}
	}
	t.Fatalf("no section %s", key)
	return portrait.Section{}
}

func figure(t *testing.T, s portrait.Section, key string) portrait.Figure {
	t.Helper()
	for _, f := range s.Figures {
		if f.Label.Key == key {
			return f
		}
	}
	t.Fatalf("section %s has no figure %s", s.Key, key)
	return portrait.Figure{}
}

func TestPortrait(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a, terr := seeded(t, d)
		b := a.Portrait

		// The whole territory, exact.
		p, err := b.Build(ctx, terr.ID, "", portrait.Internal)
		if err != nil {
			t.Fatal(err)
		}
		if p.Place != nil || !p.Internal || p.Minimum != 5 || !p.ComputedAt.Equal(a.Clock.Now()) {
			t.Fatalf("portrait of the territory: place %v, internal %v, minimum %d, computed %v", p.Place, p.Internal, p.Minimum, p.ComputedAt)
		}
		places, err := a.Territories.Places(ctx, terr.ID)
		if err != nil {
			t.Fatal(err)
		}
		known, missing, tops := 0, 0, 0
		for _, pl := range places {
			if pl.ParentID != nil {
				continue
			}
			tops++
			if pl.Population == nil {
				missing++
			} else {
				known += int(*pl.Population)
			}
		}
		pop := section(t, p, "portrait.section.population")
		if f := figure(t, pop, "portrait.population.known"); f.Value != known || f.Source.Key != portrait.SourcePlaces {
			t.Errorf("known population %+v, want %d from the places", f, known)
		}
		if f := figure(t, pop, "portrait.population.missing"); f.Value != missing || missing == 0 {
			t.Errorf("places without population %d, want %d (some)", f.Value, missing)
		}
		if len(pop.Figures) != 2+tops {
			t.Errorf("population has %d figures, want the sum, the missing and each of the %d municipalities", len(pop.Figures), tops)
		}
		for _, f := range pop.Figures[2:] {
			if f.Source.FR == "" || (f.Unknown && f.Value != 0) {
				t.Errorf("population of %s: %+v, want its source and no invented figure", f.Label.FR, f)
			}
		}
		dinners, err := a.Events.DinnerFigures(ctx, terr.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		ds := section(t, p, "portrait.section.dinners")
		if f := figure(t, ds, "portrait.dinners.held"); f.Value != dinners.Held || f.Source.Key != portrait.SourceEvents || !f.At.Equal(p.ComputedAt) {
			t.Errorf("soupers held %+v, want %d from the events", f, dinners.Held)
		}
		if f := figure(t, ds, "portrait.dinners.checked_in"); f.Value != dinners.CheckedIn || !f.People {
			t.Errorf("people welcomed %+v, want %d, a count of people", f, dinners.CheckedIn)
		}
		if f := figure(t, section(t, p, "portrait.section.ideas"), "portrait.ideas.pending"); !f.InternalOnly {
			t.Errorf("pending ideas %+v, want them for staff only", f)
		}
		// The demo's survey waves give the headline figures, each naming its wave.
		if s := section(t, p, "portrait.section.survey"); len(s.Figures) == 0 || s.Figures[0].Source.Key != "portrait.survey.source_instrument" {
			t.Errorf("survey section %+v, want the demo's headline figures with their sources", s)
		}
		radar := section(t, p, "portrait.section.radar")
		if f := figure(t, radar, "portrait.radar.level"); f.Word.Key == "" {
			t.Errorf("radar level %+v, want a word", f)
		}

		// A ville and its secteurs.
		pb, err := b.Build(ctx, terr.ID, "becancour", portrait.Internal)
		if err != nil {
			t.Fatal(err)
		}
		if pb.Place == nil || pb.Place.Slug != "becancour" {
			t.Fatalf("place %+v, want Bécancour", pb.Place)
		}
		pop = section(t, pb, "portrait.section.population")
		if pop.Figures[0].Label.FR != "Bécancour" || pop.Figures[0].Value != 13561 || pop.Figures[0].Source.FR == "" {
			t.Errorf("population of Bécancour %+v, want its own figure and source", pop.Figures[0])
		}
		if len(pop.Figures) != 7 {
			t.Errorf("population of Bécancour has %d figures, want the ville and its 6 secteurs", len(pop.Figures))
		}
		bd, err := a.Events.DinnerFigures(ctx, terr.ID, "becancour")
		if err != nil {
			t.Fatal(err)
		}
		if f := figure(t, section(t, pb, "portrait.section.dinners"), "portrait.dinners.held"); f.Value != bd.Held {
			t.Errorf("soupers held in Bécancour %d, want %d", f.Value, bd.Held)
		}

		// An unknown place.
		if _, err := b.Build(ctx, terr.ID, "atlantide", portrait.Public); !errs.Is(err, errs.NotFound) {
			t.Errorf("unknown place: %v, want NotFound", err)
		}

		// The public version of every place hides the small counts of people
		// and nothing else.
		masked := 0
		for _, slug := range append([]string{""}, slugs(places)...) {
			in, err := b.Build(ctx, terr.ID, slug, portrait.Internal)
			if err != nil {
				t.Fatal(err)
			}
			pub, err := b.Build(ctx, terr.ID, slug, portrait.Public)
			if err != nil {
				t.Fatal(err)
			}
			if pub.Internal {
				t.Fatal("the public version says it is internal")
			}
			for i, s := range in.Sections {
				var kept []portrait.Figure
				for _, f := range s.Figures {
					if !f.InternalOnly {
						kept = append(kept, f)
					}
				}
				ps := pub.Sections[i]
				if len(kept) != len(ps.Figures) {
					t.Fatalf("%q %s: %d public figures, want %d", slug, s.Key, len(ps.Figures), len(kept))
				}
				for j, f := range kept {
					g := ps.Figures[j]
					hide := f.People && !f.Unknown && f.Value < in.Minimum
					if f.Masked && !f.Suppressed {
						t.Errorf("%q %v: masked in the internal version", slug, f.Label)
					}
					switch {
					case f.Suppressed && !g.Suppressed:
						t.Errorf("%q %v: suppressed internally, shown publicly %+v", slug, f.Label, g)
					case f.Suppressed:
					case hide && (!g.Masked || g.Value != 0):
						t.Errorf("%q %v = %d internally, public %+v: want masked, no number", slug, f.Label, f.Value, g)
					case f.Percent && (g.Masked || g.Pct != f.Pct || g.N != f.N):
						t.Errorf("%q %v = %.1f %% of %d internally, public %+v: want the same share", slug, f.Label, f.Pct, f.N, g)
					case !hide && !f.Percent && (g.Masked || g.Value != f.Value):
						t.Errorf("%q %v = %d internally, public %+v: want the same figure", slug, f.Label, f.Value, g)
					}
					if hide {
						masked++
					}
				}
			}
		}
		if masked == 0 {
			t.Error("no figure masked anywhere: the demo should have small groups")
		}
	})
}

func slugs(ps []territory.Place) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Slug)
	}
	return out
}

// TestPortraitSurvey shows the survey's headline figures: a suppressed one
// never carries a number, and the public version shows the share and how
// many answered, not how many chose it.
func TestPortraitSurvey(t *testing.T) {
	d := dbtest.SQLite(t, jobs.MigrateAll)
	ctx := context.Background()
	a := testkit.App(t, d, demoNow)
	terr := testkit.Territory(t, a.Territories)
	at := demoNow.Add(-time.Hour)
	b := builder(a, fakeSurveys{
		{Key: "lonely", Label: survey.Text{FR: "Se sentent seuls", EN: "Feel lonely"}, Percent: 42.5, Count: 17, N: 40,
			Questionnaire: survey.Text{FR: "Sondage citoyen"}, Wave: "Automne 2026", Source: "Sondage citoyen, automne 2026", ComputedAt: at},
		{Key: "helped", Label: survey.Text{FR: "Ont aidé un voisin"}, Suppressed: true, Percent: 50, Count: 2, N: 4,
			Questionnaire: survey.Text{FR: "Sondage citoyen"}, Wave: "Automne 2026", ComputedAt: at},
	})
	for _, v := range []portrait.Version{portrait.Public, portrait.Internal} {
		p, err := b.Build(ctx, terr.ID, "fortierville", v)
		if err != nil {
			t.Fatal(err)
		}
		s := section(t, p, "portrait.section.survey")
		if len(s.Figures) != 2 {
			t.Fatalf("%d survey figures, want 2", len(s.Figures))
		}
		shown, hidden := s.Figures[0], s.Figures[1]
		if !shown.Percent || shown.Pct != 42.5 || shown.N != 40 || shown.Masked || shown.Source.Key != "portrait.survey.source_instrument" || !shown.At.Equal(at) {
			t.Errorf("version %d: shown figure %+v", v, shown)
		}
		if want := map[portrait.Version]int{portrait.Public: 0, portrait.Internal: 17}[v]; shown.Value != want {
			t.Errorf("version %d: %d chose it, want %d", v, shown.Value, want)
		}
		if !hidden.Masked || !hidden.Suppressed || hidden.Pct != 0 || hidden.Value != 0 || hidden.N != 0 {
			t.Errorf("version %d: suppressed figure %+v, want no number", v, hidden)
		}
		if hidden.Source.Key != "portrait.survey.source" {
			t.Errorf("version %d: source of a figure without one %+v, want the questionnaire and wave", v, hidden.Source)
		}
	}
}
