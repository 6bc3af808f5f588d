package kit

import (
	"fmt"
	"html/template"
	"implique/internal/calendar"
	"reflect"
	"strconv"
	"strings"
	"time"

	"implique/internal/community"
	"implique/internal/events"
	"implique/internal/i18n"
	"implique/internal/orgs"
	"implique/internal/volunteering"
)

// StaffField is what the "stafffield" template draws: an input or a
// textarea with its label, help and problem.
type StaffField struct {
	Name, Label, Help, Type, Value, Error, Autocomplete, Inputmode string
	Rows                                                           int
}

// StaffSelect is what the "staffselect" template draws: a list to choose
// one value from, with its label and problem.
type StaffSelect struct {
	Name, Label, Value, Error string
	Options                   []SelectOption
}

// SelectOption is one choice of a StaffSelect.
type SelectOption struct{ Value, Label string }

// StaffSelect describes a list of the page's form offering values (a slice
// of a string type), each labelled by the catalog's optionPrefix+value.
func (b Base) StaffSelect(name, labelKey, optionPrefix string, values any) StaffSelect {
	f := StaffSelect{Name: name, Label: b.T(labelKey), Value: b.Value(name), Error: b.FieldError(name)}
	v := reflect.ValueOf(values)
	for i := range v.Len() {
		s := v.Index(i).String()
		f.Options = append(f.Options, SelectOption{Value: s, Label: b.T(optionPrefix + s)})
	}
	return f
}

// StaffRemove is what the "staffremove" template draws: the folded
// confirmation that removes one row of a staff table.
type StaffRemove struct {
	Summary, Help, Yes, Action string
	Name                       template.HTML
}

// StaffRemove describes the confirmation removing the row named name (as
// people typed it) by a post to action.
func (b Base) StaffRemove(summaryKey, helpKey, yesKey string, name any, action string) StaffRemove {
	return StaffRemove{Summary: b.T(summaryKey), Help: b.T(helpKey), Yes: b.T(yesKey), Action: action, Name: b.Typed(name)}
}

// StaffField describes a field of the page's form; helpKey may be "".
// typ "textarea" draws a textarea.
func (b Base) StaffField(name, labelKey, helpKey, typ string) StaffField {
	f := StaffField{Name: name, Label: b.T(labelKey), Type: typ, Value: b.Value(name), Error: b.FieldError(name), Autocomplete: "off"}
	if helpKey != "" {
		f.Help = b.T(helpKey)
	}
	switch typ {
	case "textarea":
		f.Rows = 3
	case "number":
		f.Inputmode = "numeric"
	case "email":
		f.Autocomplete = "email"
	case "tel":
		f.Autocomplete = "tel"
	}
	return f
}

// pathID reads the {id} of a URL; 0 when it is not a positive number.
// ThemeName names a theme in the page's language.
func (b Base) ThemeName(t community.Theme) string { return t.Name(b.Lang) }

// SeatName is SeatLabel for the page: a title that people typed is
// marked as such (Typed).
func (b Base) SeatName(st orgs.Seat) template.HTML {
	if st.Title != "" {
		return b.Typed(st.Title)
	}
	return template.HTML(template.HTMLEscapeString(b.SeatLabel(st)))
}

// SeatLabel names a seat: its title, or its function in the page's language.
func (b Base) SeatLabel(st orgs.Seat) string {
	if st.Title != "" {
		return st.Title
	}
	return b.T("org.role." + string(st.Role))
}

// YearsSince says how long since a day, in whole years (« en poste depuis »).
func (b Base) YearsSince(d calendar.Date, today calendar.Date) int {
	if d.IsZero() {
		return 0
	}
	y := today.Year - d.Year
	if today.Month < d.Month || (today.Month == d.Month && today.Day < d.Day) {
		y--
	}
	return max(y, 0)
}

// Problem says a problem of an import row in the page's language, with
// its column.
// ProblemLine is Problem for the page: the column and the value, which
// come from the file, are marked as typed text.
func (b Base) ProblemLine(p orgs.Problem) template.HTML {
	msg := b.Phrase(p.Key)
	if p.Value != "" && strings.Contains(b.T(p.Key), "%s") {
		msg = b.Phrase(p.Key, b.Typed(p.Value))
	}
	if p.Column == "" {
		return msg
	}
	return b.Phrase("org.import.in_column", b.Typed(p.Column), msg)
}

func (b Base) Problem(p orgs.Problem) string {
	msg := b.T(p.Key)
	if p.Value != "" && strings.Contains(msg, "%s") {
		msg = b.T(p.Key, p.Value)
	}
	if p.Column == "" {
		return msg
	}
	return b.T("org.import.in_column", p.Column, msg)
}

// DayText formats a day written YYYY-MM-DD (« 31 mai 2026 »).
func (b Base) DayText(s string) string {
	if d, ok := calendar.Parse(s); ok {
		return b.CivilDate(d)
	}
	return s
}

// Plural translates one of two keys by the count n (French puts 0 and 1
// in the singular, English only 1), formatting args.
func (b Base) Plural(n int, one, other string, args ...any) string {
	if n == 1 || (n == 0 && b.Lang != "en") {
		return b.T(one, args...)
	}
	return b.T(other, args...)
}

// Year is the current year in the territory (footer).
func (b Base) Year() int { return time.Now().In(b.Territory.Location()).Year() }

// EventView is an event as pages show it.
type EventView struct {
	events.Event
	Status    events.Status
	SeatsLeft *int
	URL       string
}

// eventOf reads an events.Event or an EventView, or a pointer to one; any
// other value is a mistake of a template, which fails the page.
func eventOf(v any) (events.Event, error) {
	switch e := v.(type) {
	case events.Event:
		return e, nil
	case *events.Event:
		if e != nil {
			return *e, nil
		}
	case EventView:
		return e.Event, nil
	case *EventView:
		if e != nil {
			return e.Event, nil
		}
	}
	return events.Event{}, fmt.Errorf("not an event: %T", v)
}

// eventName is what people see an event called, in the page's language:
// « Souper citoyen à Gentilly, 30 octobre », or the title staff gave it
// when that title tells it apart (see events.Event.Name).
func (b Base) PlainEventName(ev events.Event) string {
	return ev.Name(b.cat, b.Lang, b.Territory.Location())
}

// MarkedEventName is eventName for the page's text: the title staff typed,
// when the name holds it, is marked as typed text (see Typed).
func (b Base) MarkedEventName(ev events.Event) template.HTML {
	name := b.PlainEventName(ev)
	if i := strings.Index(name, ev.Title); ev.Title != "" && i >= 0 {
		return template.HTML(template.HTMLEscapeString(name[:i])) + b.Typed(ev.Title) +
			template.HTML(template.HTMLEscapeString(name[i+len(ev.Title):]))
	}
	return template.HTML(template.HTMLEscapeString(name))
}

// EventName names an event (an events.Event or an EventView) in a page's
// text, its typed title marked: {{$.EventName .}}.
func (b Base) EventName(v any) (template.HTML, error) {
	ev, err := eventOf(v)
	return b.MarkedEventName(ev), err
}

// EventNameText names an event as plain text, for attributes and choices.
func (b Base) EventNameText(v any) (string, error) {
	ev, err := eventOf(v)
	return b.PlainEventName(ev), err
}

// SetEventTitle sets the page's title to the catalog sentence key about an
// event, or to the event's name alone when key is "".
func (b *Base) SetEventTitle(key string, ev events.Event) {
	if key == "" {
		b.Title, b.heading = b.PlainEventName(ev), b.MarkedEventName(ev)
		return
	}
	b.Title, b.heading = b.T(key, b.PlainEventName(ev)), b.Phrase(key, b.MarkedEventName(ev))
}

// CanRegister reports whether the public form is open (a full event takes the wait-list).
func (v EventView) CanRegister() bool { return v.Status == events.Open || v.Status == events.Full }

// When formats an event's day and hours in the page's language and the territory's zone.
func (b Base) When(ev events.Event) string {
	loc := b.Territory.Location()
	start, end := ev.StartsAt.In(loc), ev.EndsAt.In(loc)
	s := i18n.DateWithWeekday(b.Lang, start) + ", " + i18n.Time(b.Lang, start) + " – " + i18n.Time(b.Lang, end)
	if b.Lang != "en" {
		s = strings.Replace(s, ", ", " de ", 1)
		s = strings.Replace(s, " – ", " à ", 1)
	}
	return s
}

// ShortDate is « 2 déc. » style, for lists.
func (b Base) Day(t time.Time) string {
	return i18n.DateWithWeekday(b.Lang, t.In(b.Territory.Location()))
}

// Hour formats a time of day (« 18 h 30 »).
func (b Base) Hour(t time.Time) string { return i18n.Time(b.Lang, t.In(b.Territory.Location())) }

// initiativeCard is what the "initiativecard" template draws.
type initiativeCard struct {
	Base       Base
	Initiative community.Initiative
}

// InitiativeCard pairs an initiative with the page, for the card template.
func (b Base) InitiativeCard(i community.Initiative) initiativeCard {
	return initiativeCard{Base: b, Initiative: i}
}

// Progress is « 2 étapes sur 5 ».
func (b Base) Progress(i community.Initiative) string {
	return b.Count(i.MilestonesDone, "initiative.progress_one", "initiative.progress", i.Milestones)
}

// CalendarDay formats a calendar day (a milestone's, a period's): no time zone.
func (b Base) CalendarDay(v any) string {
	if t, ok := asTime(v); ok {
		return i18n.Date(b.Lang, t)
	}
	return ""
}

// Period is the planned period of an initiative, or "".
func (b Base) Period(i community.Initiative) string {
	switch {
	case i.StartsOn != nil && i.EndsOn != nil && !i.EndsOn.Equal(*i.StartsOn):
		return b.T("initiative.period", b.CalendarDay(i.StartsOn), b.CalendarDay(i.EndsOn))
	case i.StartsOn != nil:
		return b.T("initiative.period_from", b.CalendarDay(i.StartsOn))
	case i.EndsOn != nil:
		return b.T("initiative.period_until", b.CalendarDay(i.EndsOn))
	}
	return ""
}

// HowItHelps says how an actor helps, in words.
func (b Base) HowItHelps(a community.Actor) string {
	parts := make([]string, 0, len(a.Supports))
	for _, k := range a.Supports {
		parts = append(parts, b.T("initiative.support."+string(k)))
	}
	return strings.Join(parts, ", ")
}

// Names lists first names the way the language does (« Lise, Marc et Julie »).
func (b Base) Names(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + b.T("initiative.and") + names[len(names)-1]
}

// today is the current day in the territory, for « late » milestones.
func (b Base) today() time.Time {
	y, m, d := time.Now().In(b.Territory.Location()).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Late reports whether a milestone not done is past its day.
func (b Base) Late(m community.Milestone) bool { return m.DoneOn == nil && m.DueOn.Before(b.today()) }

// CrewLine says who is involved without anything personal: the first
// names people chose to show, then how many others (« Lise et 2 autres
// personnes »), or how many in all; noneKey says there is nobody.
func (b Base) CrewLine(names []string, total int, noneKey string) string {
	if total == 0 {
		return b.T(noneKey)
	}
	if len(names) == 0 {
		return b.Count(total, "initiative.persons_one", "initiative.persons")
	}
	list := append([]string(nil), names...)
	if others := total - len(names); others > 0 {
		list = append(list, b.Count(others, "initiative.others_one", "initiative.others"))
	}
	return b.Names(list)
}

// CivilDate formats a calendar day (« 31 mai 2026 »); "" when unknown.
func (b Base) CivilDate(d calendar.Date) string {
	if d.IsZero() {
		return ""
	}
	return i18n.Date(b.Lang, d.Time())
}

// Reason says why an organisation is at risk, in the page's language.
func (b Base) Reason(r orgs.Reason) string {
	args := make([]any, len(r.Args))
	for i, a := range r.Args {
		if d, ok := a.(calendar.Date); ok {
			a = b.CivilDate(d)
		}
		args[i] = a
	}
	return b.T(r.Key, args...)
}

// Percent formats a share from 0 to 1 (« 45 % », "45%").
func (b Base) Percent(f float64) string {
	n := i18n.Decimal(b.Lang, f*100, 0)
	if b.Lang == "en" {
		return n + "%"
	}
	return n + i18n.NBSP + "%"
}

// ManagesOrgs reports whether the signed-in person manages organisations.
func (b Base) ManagesOrgs() bool { return len(b.Principal.Organizations) > 0 }

// Excerpt shortens a text to about n characters, at a word.
func (b Base) Excerpt(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := string(r[:n])
	if i := strings.LastIndex(cut, " "); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:.") + "…"
}

// CauseName names a cause.
func (b Base) CauseName(code string) string { return b.T("org.cause." + code) }

// SkillName names a skill.
func (b Base) SkillName(code string) string { return b.T("volunteer.skill." + code) }

// Causes names the causes of a mask, joined.
func (b Base) Causes(m volunteering.Mask) string {
	return b.names(m, volunteering.Causes, "org.cause.")
}

// Skills names the skills of a mask, joined.
func (b Base) Skills(m volunteering.Mask) string {
	return b.names(m, volunteering.Skills, "volunteer.skill.")
}

// Languages names the languages of a mask, joined.
func (b Base) Languages(m volunteering.Mask) string {
	return b.names(m, volunteering.Languages, "volunteer.language.")
}

func (b Base) names(m volunteering.Mask, list []string, prefix string) string {
	var out []string
	for _, c := range m.Codes(list) {
		out = append(out, b.T(prefix+c))
	}
	return strings.Join(out, ", ")
}

// Hours writes minutes as hours (« 2,5 h »).
func (b Base) Hours(minutes int) string { return volunteering.FormatHours(b.Lang, minutes) }

// Money formats cents (« 25,00 $ »).
func (b Base) Money(cents int64) string { return i18n.Money(b.Lang, cents) }

// Choice is an option of a group of checkboxes or radios.
type Choice struct {
	Value, Label string
	Checked      bool
}

// Choices are the options of a form field from codes, labelled by prefix+code.
func (b Base) Choices(field, prefix string, codes []string) []Choice {
	out := make([]Choice, 0, len(codes))
	for _, c := range codes {
		out = append(out, Choice{Value: c, Label: b.T(prefix + c), Checked: b.Checked(field, c)})
	}
	return out
}

// SlotRow is one day of the availability grid.
type SlotRow struct {
	Day   string
	Slots []Choice
}

// SlotGrid is the availability grid of the form field "slot" (values
// "weekday-part", Monday first).
func (b Base) SlotGrid() []SlotRow {
	var rows []SlotRow
	for _, d := range volunteering.Days {
		row := SlotRow{Day: b.T("volunteer.day." + strconv.Itoa(int(d)))}
		for _, p := range volunteering.Parts {
			v := strconv.Itoa(int(d)) + "-" + strconv.Itoa(int(p))
			row.Slots = append(row.Slots, Choice{Value: v, Label: row.Day + " " + b.T("volunteer.part."+p.Code()), Checked: b.Checked("slot", v)})
		}
		rows = append(rows, row)
	}
	return rows
}

// PartLabels are the column headings of the availability grid.
func (b Base) PartLabels() []string {
	var out []string
	for _, p := range volunteering.Parts {
		out = append(out, b.T("volunteer.part_label."+p.Code()))
	}
	return out
}

// CheckGroup is what the "checkgroup" template draws: a fieldset of
// checkboxes with its legend, help and problem.
type CheckGroup struct {
	Name, Legend, Help, Error string
	Choices                   []Choice
	Columns                   bool
}

// Checks describes a group of checkboxes of the page's form; helpKey may be "".
func (b Base) Checks(name, legendKey, helpKey, prefix string, codes []string) CheckGroup {
	g := CheckGroup{Name: name, Legend: b.T(legendKey), Error: b.FieldError(name), Choices: b.Choices(name, prefix, codes), Columns: len(codes) > 6}
	if helpKey != "" {
		g.Help = b.T(helpKey)
	}
	return g
}

// AllCauses, AllSkills and AllLanguages are the codes forms offer.
func (b Base) AllCauses() []string { return volunteering.Causes }

func (b Base) AllSkills() []string { return volunteering.Skills }

func (b Base) AllLanguages() []string { return volunteering.Languages }

// OppCardData is what the "oppcard" template draws.
type OppCardData struct {
	Base Base
	Opp  OppView
}

// OppCard prepares an opportunity card.
func (b Base) OppCard(o OppView) OppCardData { return OppCardData{Base: b, Opp: o} }

// SlotFieldsetData is what the "slotgrid" template draws.
type SlotFieldsetData struct {
	B            Base
	Legend, Help string
}

// SlotFieldset describes the availability grid with its legend and help (helpKey may be "").
func (b Base) SlotFieldset(legendKey, helpKey string) SlotFieldsetData {
	d := SlotFieldsetData{B: b, Legend: b.T(legendKey)}
	if helpKey != "" {
		d.Help = b.T(helpKey)
	}
	return d
}

// OppView is an opportunity as citizens' pages show it, with how it fits
// when the page knows who asks.
type OppView struct {
	volunteering.Opportunity
	URL      string
	When     string
	Where    string
	Why      string
	Cautions []string
	Factors  []volunteering.FactorLine
	Score    int
	Excluded string
	// Applied is the status of the visitor's own application ("" for none).
	Applied string
}

func (s *Kit) EventView(ev events.Event) EventView {
	return EventView{Event: ev, Status: ev.StatusAt(s.Deps.Events.Now()), SeatsLeft: ev.SeatsLeft(), URL: "/evenements/" + ev.Slug}
}

// OpenGraph is what a page says of itself to sites that show links.
type OpenGraph struct {
	Title, Description, URL, Image string
}
