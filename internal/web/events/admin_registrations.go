package events

import (
	"bytes"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	evs "implique/internal/events"
	"implique/internal/export"
	"implique/internal/privacy"
	"implique/internal/web/kit"
)

// Staff handling of an event's registrations: one taken by phone or on
// paper, moved between the wait-list and a seat, withdrawn; and the files
// staff take away (CSV, XLSX, attendance sheet and name tags in PDF).

// eventRegistration reads {reg}: a registration of that event, else a 404.
func (s *Handlers) eventRegistration(w http.ResponseWriter, r *http.Request, ev evs.Event) (evs.Registration, bool) {
	id := kit.PathID(r, "reg")
	if id == 0 {
		s.NotFound(w, r)
		return evs.Registration{}, false
	}
	regs, err := s.Deps.Events.Registrations(r.Context(), kit.Info(r).Territory.ID, ev.ID)
	if err != nil {
		s.Fail(w, r, err)
		return evs.Registration{}, false
	}
	for _, reg := range regs {
		if reg.ID == id {
			return reg, true
		}
	}
	s.NotFound(w, r)
	return evs.Registration{}, false
}

// staffSources are the ways staff take a registration down.
var staffSources = []string{evs.SourcePhone, evs.SourcePaper}

func (s *Handlers) AdminAddRegistration(w http.ResponseWriter, r *http.Request) {
	ev, ok := s.staffEvent(w, r)
	if !ok {
		return
	}
	f := r.PostForm
	source := f.Get("source")
	if !slices.Contains(staffSources, source) {
		source = evs.SourcePhone
	}
	lang := "fr"
	if f.Get("lang") == "en" {
		lang = "en"
	}
	in := registrationInput(f, lang)
	out, err := s.Deps.Events.RegisterByStaff(r.Context(), kit.Info(r).Territory.ID, ev.ID, in, source)
	if err != nil {
		s.actionFailed(w, r, ev, "register", err, nil)
		return
	}
	switch {
	case out.Existing:
		s.Flash(w, "flash.staff_registration_existing")
	case out.Registration.Status == evs.Waitlisted:
		s.Flash(w, "flash.staff_registration_waitlisted")
	default:
		s.Flash(w, "flash.staff_registration_added")
	}
	s.Redirect(w, r, eventPath(ev.ID)+"#r"+strconv.FormatInt(out.Registration.ID, 10))
}

func (s *Handlers) AdminMoveRegistration(w http.ResponseWriter, r *http.Request) {
	ev, ok := s.staffEvent(w, r)
	if !ok {
		return
	}
	reg, ok := s.eventRegistration(w, r, ev)
	if !ok {
		return
	}
	status := r.PostFormValue("status")
	if err := s.Deps.Events.Move(r.Context(), kit.Info(r).Territory.ID, reg.ID, status); err != nil {
		s.actionFailed(w, r, ev, "", err, nil)
		return
	}
	if status == evs.Waitlisted {
		s.Flash(w, "flash.staff_registration_to_waitlist")
	} else {
		s.Flash(w, "flash.staff_registration_confirmed")
	}
	s.Redirect(w, r, eventPath(ev.ID)+"#inscriptions")
}

func (s *Handlers) AdminWithdrawRegistration(w http.ResponseWriter, r *http.Request) {
	ev, ok := s.staffEvent(w, r)
	if !ok {
		return
	}
	reg, ok := s.eventRegistration(w, r, ev)
	if !ok {
		return
	}
	if r.PostFormValue("confirm") != "1" {
		// Without the confirmation (no JavaScript, or a stray click): ask.
		s.confirmWithdraw(w, r, ev, reg)
		return
	}
	if err := s.Deps.Events.CancelForStaff(r.Context(), kit.Info(r).Territory.ID, reg.ID); err != nil {
		s.actionFailed(w, r, ev, "", err, nil)
		return
	}
	s.Confirm(w, r, "flash.staff_registration_withdrawn", eventPath(ev.ID)+"#inscriptions")
}

func (s *Handlers) confirmWithdraw(w http.ResponseWriter, r *http.Request, ev evs.Event, reg evs.Registration) {
	// The event page, opened on the question.
	p := reg
	s.staffEventPageWith(w, r, http.StatusOK, ev, func(page *adminEventPage) { page.ConfirmWithdraw = &p })
}

// ---- Files ---------------------------------------------------------------

// exportRows are the registrations staff take away: confirmed, then the
// wait-list in order (withdrawn ones stay out: nobody should call them).
func (s *Handlers) exportRows(r *http.Request, ev evs.Event) ([]evs.Registration, error) {
	regs, err := s.Deps.Events.Registrations(r.Context(), kit.Info(r).Territory.ID, ev.ID)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(regs, func(reg evs.Registration) bool { return reg.Status == evs.Withdrawn }), nil
}

// exportSheet is the table of the CSV and XLSX files: numbers and times
// keep their kind, so that a spreadsheet adds up the people.
func (s *Handlers) exportSheet(r *http.Request, regs []evs.Registration) export.Sheet {
	ri := kit.Info(r)
	lang, t := ri.Lang, ri.Territory
	loc := t.Location()
	T := func(k string, a ...any) string { return s.Cat.T(lang, k, a...) }
	header := []string{T("staff.col.name"), T("staff.col.email"), T("staff.col.phone"), T("staff.col.people"),
		T("staff.col.status"), T("staff.col.waitlist_position"), T("staff.col.dietary"), T("staff.col.accessibility"),
		T("staff.col.ride"), T("staff.col.from_place"), T("staff.col.consent"), T("staff.col.source"),
		T("staff.col.registered_at"), T("staff.col.checked_in")}
	yesNo := func(b bool) string {
		if b {
			return T("staff.yes")
		}
		return T("staff.no")
	}
	rows := make([][]any, 0, len(regs))
	for _, reg := range regs {
		var pos, checked any
		if reg.WaitlistPosition > 0 {
			pos = reg.WaitlistPosition
		}
		if reg.CheckedInAt != nil {
			checked = reg.CheckedInAt.In(loc)
		}
		rows = append(rows, []any{reg.Name, reg.Email, reg.Phone, reg.PartySize,
			T("staff.reg_status." + reg.Status), pos, reg.Dietary, reg.Accessibility, T("staff.ride." + reg.Ride),
			reg.FromPlaceName, yesNo(reg.ConsentContact), T("staff.source." + reg.Source),
			reg.CreatedAt.In(loc), checked})
	}
	creator := t.ProgramName
	if creator == "" {
		creator = t.Name
	}
	return export.Sheet{Name: T("staff.file.sheet"), Lang: lang, Header: header, Rows: rows, Creator: creator,
		Created: s.Deps.Events.Now()}
}

// exportName is the file name of an event's export: its name, its day
// (unless the name says it), what.
func (s *Handlers) exportName(r *http.Request, ev evs.Event, whatKey, ext string) string {
	loc, lang := kit.Info(r).Territory.Location(), kit.Info(r).Lang
	name := ev.Name(s.Cat, lang, loc)
	if name == ev.Title {
		name += " " + ev.StartsAt.In(loc).Format("2006-01-02")
	}
	return export.Filename(name+" "+s.Cat.T(lang, whatKey), ext)
}

func (s *Handlers) AdminExportCSV(w http.ResponseWriter, r *http.Request) {
	s.exportRegistrations(w, r, "csv", export.ContentTypeCSV, export.WriteCSV)
}

func (s *Handlers) AdminExportXLSX(w http.ResponseWriter, r *http.Request) {
	s.exportRegistrations(w, r, "xlsx", export.ContentTypeXLSX, export.WriteXLSX)
}

// exportRegistrations sends an event's registrations as a file written by write.
func (s *Handlers) exportRegistrations(w http.ResponseWriter, r *http.Request, ext, contentType string,
	write func(w io.Writer, sheet export.Sheet) error) {
	ev, ok := s.staffEvent(w, r)
	if !ok {
		return
	}
	regs, err := s.exportRows(r, ev)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	s.Accessed(r, privacy.Exported, "events.registrations", eventRecord(ev))
	var buf bytes.Buffer
	if err := write(&buf, s.exportSheet(r, regs)); err != nil {
		s.Fail(w, r, err)
		return
	}
	kit.SendFile(w, contentType, s.exportName(r, ev, "staff.file.registrations", ext), buf.Bytes())
}

// confirmedByName lists the confirmed registrations in alphabetical order.
func (s *Handlers) confirmedByName(r *http.Request, ev evs.Event) ([]evs.Registration, error) {
	regs, err := s.Deps.Events.Registrations(r.Context(), kit.Info(r).Territory.ID, ev.ID)
	if err != nil {
		return nil, err
	}
	regs = slices.DeleteFunc(regs, func(reg evs.Registration) bool { return reg.Status != evs.Confirmed })
	slices.SortStableFunc(regs, func(a, b evs.Registration) int { return frenchOrder.CompareString(a.Name, b.Name) })
	return regs, nil
}

// needsText sums up a registration's needs in a few words.
func (s *Handlers) needsText(lang string, reg evs.Registration) string {
	var parts []string
	if reg.Dietary != "" {
		parts = append(parts, s.Cat.T(lang, "staff.pdf.dietary", reg.Dietary))
	}
	if reg.Accessibility != "" {
		parts = append(parts, s.Cat.T(lang, "staff.pdf.accessibility", reg.Accessibility))
	}
	if reg.Ride == evs.RideNeeds || reg.Ride == evs.RideOffers {
		parts = append(parts, s.Cat.T(lang, "staff.ride."+reg.Ride))
	}
	return strings.Join(parts, "\n")
}

func (s *Handlers) AdminAttendancePDF(w http.ResponseWriter, r *http.Request) {
	ev, ok := s.staffEvent(w, r)
	if !ok {
		return
	}
	regs, err := s.confirmedByName(r, ev)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	s.Accessed(r, privacy.Exported, "events.registrations", eventRecord(ev))
	ri := kit.Info(r)
	lang, loc := ri.Lang, ri.Territory.Location()
	T := func(k string, a ...any) string { return s.Cat.T(lang, k, a...) }
	b := s.BaseIn(lang, ri.Territory)
	sheet := export.AttendanceSheet{
		Title:     b.PlainEventName(ev),
		Subtitle:  b.When(ev) + "\n" + strings.Join(nonEmptyParts(ev.VenueName, ev.VenueAddress, ev.PlaceName), ", "),
		Columns:   []string{T("staff.col.name"), T("staff.col.people_short"), T("staff.col.from_place"), T("staff.col.needs")},
		Footer:    b.Count(ev.Confirmed, "staff.pdf.expected_one", "staff.pdf.expected_other") + " · " + ri.Territory.OperatorName,
		Lang:      lang,
		Generated: s.Deps.Events.Now().In(loc),
	}
	for _, reg := range regs {
		sheet.Rows = append(sheet.Rows, []string{reg.Name, strconv.Itoa(reg.PartySize), reg.FromPlaceName, s.needsText(lang, reg)})
	}
	var buf bytes.Buffer
	if err := export.WriteAttendancePDF(&buf, sheet); err != nil {
		s.Fail(w, r, err)
		return
	}
	kit.SendFile(w, export.ContentTypePDF, s.exportName(r, ev, "staff.file.attendance", "pdf"), buf.Bytes())
}

// AdminNameTagsPDF prints a tag with the name of each confirmed
// registration, and a blank one (same place of departure) for each other
// person of the party, whose names staff do not know.
func (s *Handlers) AdminNameTagsPDF(w http.ResponseWriter, r *http.Request) {
	ev, ok := s.staffEvent(w, r)
	if !ok {
		return
	}
	regs, err := s.confirmedByName(r, ev)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	s.Accessed(r, privacy.Exported, "events.registrations", eventRecord(ev))
	var tags []export.NameTag
	for _, reg := range regs {
		tags = append(tags, export.NameTag{Name: reg.Name, Line2: reg.FromPlaceName})
		for range reg.PartySize - 1 {
			tags = append(tags, export.NameTag{Line2: reg.FromPlaceName})
		}
	}
	var buf bytes.Buffer
	if err := export.WriteNameTagsPDF(&buf, ev.Name(s.Cat, kit.Info(r).Lang, kit.Info(r).Territory.Location()), tags); err != nil {
		s.Fail(w, r, err)
		return
	}
	kit.SendFile(w, export.ContentTypePDF, s.exportName(r, ev, "staff.file.name_tags", "pdf"), buf.Bytes())
}

func nonEmptyParts(v ...string) []string {
	var out []string
	for _, s := range v {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
