// Package portrait draws the portrait of the involvement and the needs of
// the citizens and the organisations of a territory, or of one of its
// places (a place and its secteurs): population, soupers citoyens, needs
// and ideas, communautés de partage and initiatives, volunteer supply and
// demand, the relève radar, organisations and the headline survey figures.
//
// It stores nothing and reads no table: it asks the stores that own the
// figures, then names each figure's source and the moment it was computed.
// The public version hides every count of people under the territory's
// small-group minimum; the internal version shows the exact figures.
package portrait

import (
	"context"
	"time"

	"implique/internal/community"
	"implique/internal/errs"
	"implique/internal/events"
	"implique/internal/orgs"
	"implique/internal/survey"
	"implique/internal/territory"
	"implique/internal/volunteering"
)

// Places is what the portrait asks of the territory: its settings and places.
type Places interface {
	ByID(ctx context.Context, id int64) (territory.Territory, error)
	Places(ctx context.Context, territoryID int64) ([]territory.Place, error)
}

// Dinners counts the soupers citoyens held.
type Dinners interface {
	DinnerFigures(ctx context.Context, territoryID int64, placeSlug string) (events.DinnerFigures, error)
}

// Community counts needs and ideas, communities and initiatives.
type Community interface {
	IdeaFigures(ctx context.Context, territoryID int64, placeSlug string) (community.IdeaFigures, error)
	GroupFigures(ctx context.Context, territoryID int64, placeSlug string) (community.GroupFigures, error)
}

// Orgs counts the organisations and computes the relève radar.
type Orgs interface {
	OrgFigures(ctx context.Context, territoryID int64, placeSlug string) (orgs.OrgFigures, error)
	Radar(ctx context.Context, territoryID int64, f orgs.RadarFilter) (orgs.Radar, error)
}

// Volunteering counts volunteer supply and demand.
type Volunteering interface {
	SupplyFigures(ctx context.Context, territoryID int64, placeSlug string) (volunteering.SupplyFigures, error)
}

// Surveys gives the headline figures of the current survey wave.
type Surveys interface {
	Headlines(ctx context.Context, territoryID int64, placeSlug string) ([]survey.Figure, error)
}

// Config is what the portrait asks.
type Config struct {
	Territories  Places
	Events       Dinners
	Community    Community
	Orgs         Orgs
	Volunteering Volunteering
	Survey       Surveys
	// Now is the clock (nil: the wall clock).
	Now func() time.Time
}

// Builder draws portraits.
type Builder struct{ c Config }

// New returns a Builder asking the stores of c.
func New(c Config) *Builder {
	if c.Now == nil {
		c.Now = time.Now
	}
	return &Builder{c: c}
}

// Text is something the portrait says: a catalog key and its arguments, or
// words typed by people (a theme's or a place's name, a source) in French
// and, when given, in English.
type Text struct {
	Key    string
	Args   []any
	FR, EN string
}

// Say is a catalog key with its arguments.
func Say(key string, args ...any) Text { return Text{Key: key, Args: args} }

// Typed is words typed by people.
func Typed(fr, en string) Text { return Text{FR: fr, EN: en} }

// Figure is one figure of the portrait with its source and the moment it
// was computed.
type Figure struct {
	Label Text
	// Value is the figure, unless Unknown, Percent or Word says otherwise.
	Value int
	// Unknown: nobody could confirm the figure (a place's population).
	Unknown bool
	// Percent is a share (a survey's headline): Pct per cent of the N
	// people who answered, Value of them.
	Percent bool
	Pct     float64
	N       int
	// Word is a value in words (the radar's level) when its Key is set.
	Word Text
	// People says the figure counts people: the public version hides it
	// under the small-group minimum.
	People bool
	// Masked: the public version hides the figure (fewer people than the
	// minimum); Value, Pct and N are zero. Suppressed: a survey figure
	// with fewer answers than the minimum.
	Masked, Suppressed bool
	// InternalOnly: only the internal version shows the figure (what
	// waits for moderation).
	InternalOnly bool
	Source       Text
	// Year is the year the figure describes, when known (a census).
	Year int
	At   time.Time
}

// Section is a part of the portrait under its title (a catalog key).
type Section struct {
	Key     string
	Figures []Figure
	// Empty is the catalog key said when there is no figure.
	Empty string
}

// Version says who reads the portrait.
type Version int

const (
	// Public hides the counts of people under the small-group minimum.
	Public Version = iota
	// Internal shows every figure exactly, for staff and partners.
	Internal
)

// Portrait is the portrait of a territory or of a place and its secteurs.
type Portrait struct {
	Territory string
	// Place is the place portrayed; nil for the whole territory.
	Place    *territory.Place
	Internal bool
	// Minimum is the territory's small-group minimum.
	Minimum    int
	ComputedAt time.Time
	Sections   []Section
}

// Sources of the figures (catalog keys).
const (
	SourcePlaces       = "portrait.source.places"
	SourceEvents       = "portrait.source.events"
	SourceIdeas        = "portrait.source.ideas"
	SourceGroups       = "portrait.source.groups"
	SourceVolunteering = "portrait.source.volunteering"
	SourceRadar        = "portrait.source.radar"
	SourceOrgs         = "portrait.source.orgs"
)

// Build draws the portrait of the territory (placeSlug "") or of the place
// whose slug is given and its secteurs; an unknown place is NotFound.
func (b *Builder) Build(ctx context.Context, territoryID int64, placeSlug string, v Version) (Portrait, error) {
	t, err := b.c.Territories.ByID(ctx, territoryID)
	if err != nil {
		return Portrait{}, err
	}
	places, err := b.c.Territories.Places(ctx, territoryID)
	if err != nil {
		return Portrait{}, err
	}
	now := b.c.Now()
	p := Portrait{Territory: t.Name, Internal: v == Internal, Minimum: t.SmallGroupMinimum, ComputedAt: now}
	if p.Minimum <= 0 {
		p.Minimum = 5
	}
	if placeSlug != "" {
		for i := range places {
			if places[i].Slug == placeSlug {
				p.Place = &places[i]
			}
		}
		if p.Place == nil {
			return Portrait{}, notFound()
		}
	}
	p.Sections = append(p.Sections, population(places, p.Place, now))
	for _, part := range []func(context.Context, int64, string, time.Time) (Section, error){
		b.dinners, b.ideas, b.groups, b.volunteering, b.radar, b.orgs, b.survey} {
		s, err := part(ctx, territoryID, placeSlug, now)
		if err != nil {
			return Portrait{}, err
		}
		p.Sections = append(p.Sections, s)
	}
	p.mask()
	return p, nil
}

// mask hides, in the public version, every count of people under the
// minimum (its number never leaves the portrait) and what only staff see;
// in both, a suppressed survey figure keeps no number.
func (p *Portrait) mask() {
	for i := range p.Sections {
		kept := p.Sections[i].Figures[:0]
		for _, f := range p.Sections[i].Figures {
			switch {
			case f.InternalOnly && !p.Internal:
				continue
			case f.Suppressed, !p.Internal && f.People && !f.Unknown && f.Value < p.Minimum:
				f.Masked, f.Value, f.Pct, f.N = true, 0, 0, 0
			case !p.Internal && f.Percent:
				// The share and how many answered; how many chose it may be
				// a small group.
				f.Value = 0
			}
			kept = append(kept, f)
		}
		p.Sections[i].Figures = kept
	}
}

func notFound() error { return errs.New(errs.NotFound, "errors.place_not_found") }

// count is a count of things from source at now.
func count(key string, n int, source string, now time.Time) Figure {
	return Figure{Label: Say(key), Value: n, Source: Say(source), At: now}
}

// people is a count of people from source at now.
func people(key string, n int, source string, now time.Time) Figure {
	f := count(key, n, source, now)
	f.People = true
	return f
}

// population is the people living there as the places' records say: the
// sum of the known populations of the territory's municipalities (never a
// guess for the others) and each one's own, or the place's own and its
// secteurs'. Each figure names its place's source.
func population(all []territory.Place, place *territory.Place, now time.Time) Section {
	s := Section{Key: "portrait.section.population"}
	var shown []territory.Place
	if place == nil {
		known, missing := 0, 0
		for _, pl := range all {
			if pl.ParentID != nil {
				continue
			}
			shown = append(shown, pl)
			if pl.Population == nil {
				missing++
				continue
			}
			known += int(*pl.Population)
		}
		s.Figures = append(s.Figures, count("portrait.population.known", known, SourcePlaces, now),
			count("portrait.population.missing", missing, SourcePlaces, now))
	} else {
		shown = append(shown, *place)
		for _, pl := range all {
			if pl.ParentID != nil && *pl.ParentID == place.ID {
				shown = append(shown, pl)
			}
		}
	}
	for _, pl := range shown {
		f := Figure{Label: Typed(pl.Name, ""), Source: Typed(pl.Source, ""), At: now}
		if pl.Population == nil {
			f.Unknown = true
		} else {
			f.Value = int(*pl.Population)
		}
		if pl.PopulationYear != nil {
			f.Year = int(*pl.PopulationYear)
		}
		s.Figures = append(s.Figures, f)
	}
	return s
}

func (b *Builder) dinners(ctx context.Context, tid int64, slug string, now time.Time) (Section, error) {
	d, err := b.c.Events.DinnerFigures(ctx, tid, slug)
	return Section{Key: "portrait.section.dinners", Figures: []Figure{
		count("portrait.dinners.held", d.Held, SourceEvents, now),
		people("portrait.dinners.registered", d.Registered, SourceEvents, now),
		people("portrait.dinners.checked_in", d.CheckedIn, SourceEvents, now),
		people("portrait.dinners.attendance", d.Attendance, SourceEvents, now),
	}}, err
}

func (b *Builder) ideas(ctx context.Context, tid int64, slug string, now time.Time) (Section, error) {
	f, err := b.c.Community.IdeaFigures(ctx, tid, slug)
	s := Section{Key: "portrait.section.ideas", Figures: []Figure{
		count("portrait.ideas.needs", f.Needs, SourceIdeas, now),
		count("portrait.ideas.ideas", f.Ideas, SourceIdeas, now),
	}}
	pending := count("portrait.ideas.pending", f.Pending, SourceIdeas, now)
	pending.InternalOnly = true
	s.Figures = append(s.Figures, pending)
	for _, t := range f.Themes {
		if t.Theme.Archived && t.Needs+t.Ideas == 0 {
			continue
		}
		fig := count("", t.Needs+t.Ideas, SourceIdeas, now)
		fig.Label = Say("portrait.ideas.theme", Typed(t.Theme.NameFR, t.Theme.NameEN))
		s.Figures = append(s.Figures, fig)
	}
	return s, err
}

func (b *Builder) groups(ctx context.Context, tid int64, slug string, now time.Time) (Section, error) {
	g, err := b.c.Community.GroupFigures(ctx, tid, slug)
	return Section{Key: "portrait.section.groups", Figures: []Figure{
		count("portrait.groups.communities", g.Communities, SourceGroups, now),
		count("portrait.groups.open_communities", g.OpenCommunities, SourceGroups, now),
		people("portrait.groups.members", g.Members, SourceGroups, now),
		count("portrait.groups.initiatives", g.Initiatives, SourceGroups, now),
		count("portrait.groups.active_initiatives", g.ActiveInitiatives, SourceGroups, now),
		count("portrait.groups.completed_initiatives", g.CompletedInitiatives, SourceGroups, now),
		people("portrait.groups.people", g.People, SourceGroups, now),
	}}, err
}

func (b *Builder) volunteering(ctx context.Context, tid int64, slug string, now time.Time) (Section, error) {
	v, err := b.c.Volunteering.SupplyFigures(ctx, tid, slug)
	return Section{Key: "portrait.section.volunteering", Figures: []Figure{
		people("portrait.volunteering.volunteers", v.Volunteers, SourceVolunteering, now),
		count("portrait.volunteering.open", v.Open, SourceVolunteering, now),
		count("portrait.volunteering.spots", v.SpotsSought, SourceVolunteering, now),
		count("portrait.volunteering.unlimited", v.Unlimited, SourceVolunteering, now),
		people("portrait.volunteering.waiting", v.Waiting, SourceVolunteering, now),
	}}, err
}

func (b *Builder) radar(ctx context.Context, tid int64, slug string, now time.Time) (Section, error) {
	// The territory's reach, as staff read the radar: a person wearing
	// many hats across the territory counts in an organisation's risk.
	r, err := b.c.Orgs.Radar(ctx, tid, orgs.RadarFilter{PlaceSlug: slug, WithoutVille: true, Reach: orgs.WholeTerritory})
	if err != nil {
		return Section{}, err
	}
	level := count("portrait.radar.level", 0, SourceRadar, now)
	level.Word = Say("org.level." + string(r.Total.Level()))
	return Section{Key: "portrait.section.radar", Figures: []Figure{
		level,
		count("portrait.radar.high", r.Total.High, SourceRadar, now),
		count("portrait.radar.medium", r.Total.Medium, SourceRadar, now),
		count("portrait.radar.seats", r.Total.Seats, SourceRadar, now),
		count("portrait.radar.vacant", r.Total.Vacant, SourceRadar, now),
		count("portrait.radar.ending", len(r.Ending), SourceRadar, now),
	}}, nil
}

func (b *Builder) orgs(ctx context.Context, tid int64, slug string, now time.Time) (Section, error) {
	o, err := b.c.Orgs.OrgFigures(ctx, tid, slug)
	s := Section{Key: "portrait.section.orgs", Figures: []Figure{
		count("portrait.orgs.count", o.Organizations, SourceOrgs, now),
		count("portrait.orgs.public", o.Public, SourceOrgs, now),
	}}
	for _, c := range o.Causes {
		f := count("", c.Count, SourceOrgs, now)
		f.Label = Say("portrait.orgs.cause", Say("org.cause."+c.Cause))
		s.Figures = append(s.Figures, f)
	}
	return s, err
}

func (b *Builder) survey(ctx context.Context, tid int64, slug string, _ time.Time) (Section, error) {
	s := Section{Key: "portrait.section.survey", Empty: "portrait.survey.none"}
	if b.c.Survey == nil {
		return s, nil
	}
	figs, err := b.c.Survey.Headlines(ctx, tid, slug)
	for _, h := range figs {
		// The source names the questionnaire and its wave, and the
		// instrument's own source when it has one.
		src := Say("portrait.survey.source", Typed(h.Questionnaire.FR, h.Questionnaire.EN), Typed(h.Wave, ""))
		if h.Source != "" {
			src = Say("portrait.survey.source_instrument", Typed(h.Questionnaire.FR, h.Questionnaire.EN), Typed(h.Wave, ""),
				Typed(h.Source, ""))
		}
		s.Figures = append(s.Figures, Figure{Label: Typed(h.Label.FR, h.Label.EN), Percent: true, Pct: h.Percent, Value: h.Count,
			N: h.N, Suppressed: h.Suppressed, Source: src, At: h.ComputedAt})
	}
	return s, err
}
