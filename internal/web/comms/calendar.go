package comms

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"implique/internal/auth"
	"implique/internal/calendar"
	cm "implique/internal/comms"
	"implique/internal/errs"
	"implique/internal/i18n"
	"implique/internal/web/kit"
)

// calendarPath is the content calendar.
const calendarPath = AreaPath + "/calendrier"

func calendarItemPath(iid int64) string { return calendarPath + "/elements/" + id(iid) }

// calendarDay is one day of a view with its items.
type calendarDay struct {
	Date    calendar.Date
	Outside bool
	Today   bool
	Items   []cm.Item
}

type calendarPage struct {
	campaignBase
	Week    bool
	Heading string
	Weeks   [][]calendarDay
	Prev    string
	Next    string
	Current string
	// Shown is the key of the month or week shown (2026-12, 2026-W49).
	Shown     string
	Campaigns []cm.Campaign
	Filter    cm.ItemFilter
	FeedURL   string
	Count     int
}

// Weekdays are the columns' names, Monday first.
func (p calendarPage) Weekdays() []string {
	out := make([]string, 7)
	monday := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	for i := range out {
		out[i] = i18n.Weekday(p.Lang, monday.AddDate(0, 0, i))
	}
	return out
}

// DayName is « lundi 30 novembre ».
func (p calendarPage) DayName(d calendar.Date) string {
	t := d.Time()
	return i18n.Weekday(p.Lang, t) + " " + i18n.DayMonth(p.Lang, t)
}

// Clock writes an item's time of day.
func (b campaignBase) Clock(it cm.Item) string {
	h, m, ok := calendar.ParseClock(it.Clock)
	if it.Clock == "" || !ok {
		return ""
	}
	return i18n.Time(b.Lang, time.Date(2000, 1, 1, h, m, 0, 0, time.UTC))
}

// With is the calendar's address with the filters and one view key.
func (p calendarPage) With(key, value string) string {
	q := url.Values{}
	q.Set(key, value)
	if p.Filter.Channel != "" {
		q.Set("canal", p.Filter.Channel)
	}
	if p.Filter.Status != "" {
		q.Set("statut", p.Filter.Status)
	}
	if p.Filter.CampaignID != 0 {
		q.Set("campagne", id(p.Filter.CampaignID))
	}
	return calendarPath + "?" + q.Encode()
}

func calendarMonday(d calendar.Date) calendar.Date {
	t := d.Time()
	wd := (int(t.Weekday()) + 6) % 7
	return calendar.DateOf(t.AddDate(0, 0, -wd))
}

func calendarAdd(d calendar.Date, days int) calendar.Date {
	return calendar.DateOf(d.Time().AddDate(0, 0, days))
}

// calendarWeekOf reads « 2026-W49 ».
func calendarWeekOf(v string) (calendar.Date, bool) {
	var y, w int
	if _, err := fmt.Sscanf(strings.ToUpper(v), "%d-W%d", &y, &w); err != nil || y < calendar.FirstHappeningYear ||
		y > calendar.LastYear || w < 1 || w > 53 {
		return calendar.Date{}, false
	}
	jan4 := calendar.Date{Year: y, Month: time.January, Day: 4}
	return calendarAdd(calendarMonday(jan4), (w-1)*7), true
}

func calendarWeekKey(monday calendar.Date) string {
	y, w := monday.Time().ISOWeek()
	return fmt.Sprintf("%d-W%02d", y, w)
}

// Calendar shows the content calendar by month (?mois=2026-12) or by week
// (?semaine=2026-W49), with its filters.
func (h *Handlers) Calendar(w http.ResponseWriter, r *http.Request) {
	if !h.Allow(w, r, auth.ReadCommsCalendar) {
		return
	}
	ctx, tid := r.Context(), kit.Info(r).Territory.ID
	p := calendarPage{campaignBase: h.campaignBase(w, r, "comms.calendar.title")}
	q := r.URL.Query()
	if c := q.Get("canal"); cm.ValidChannel(c) {
		p.Filter.Channel = c
	}
	for _, st := range cm.ItemStatuses {
		if q.Get("statut") == st {
			p.Filter.Status = st
		}
	}
	if n, err := strconv.ParseInt(q.Get("campagne"), 10, 64); err == nil && n > 0 {
		p.Filter.CampaignID = n
	}
	var first, last calendar.Date
	if v := q.Get("semaine"); v != "" {
		monday, ok := calendarWeekOf(v)
		if !ok {
			h.NotFound(w, r)
			return
		}
		p.Week = true
		first, last = monday, calendarAdd(monday, 6)
		p.Heading = p.T("comms.calendar.week_of", p.Day(first))
		p.Prev, p.Next = calendarWeekKey(calendarAdd(monday, -7)), calendarWeekKey(calendarAdd(monday, 7))
		p.Current = calendarWeekKey(calendarMonday(p.Today))
		p.Shown = calendarWeekKey(monday)
	} else {
		month := calendar.Date{Year: p.Today.Year, Month: p.Today.Month, Day: 1}
		if v := q.Get("mois"); v != "" {
			d, ok := calendar.Parse(v + "-01")
			if !ok || !calendar.Happening(h.store().Now()).Holds(d.Year) {
				h.NotFound(w, r)
				return
			}
			month = d
		}
		first = calendarMonday(month)
		end := month.AddMonths(1)
		last = calendarAdd(calendarMonday(calendarAdd(end, -1)), 6)
		p.Heading = i18n.Month(p.Lang, month.Month) + " " + strconv.Itoa(month.Year)
		p.Prev, p.Next = month.AddMonths(-1).String()[:7], end.String()[:7]
		p.Current = p.Today.String()[:7]
		p.Shown = month.String()[:7]
		p.Filter.From = month
	}
	f := p.Filter
	f.From, f.To = first, last
	items, err := h.store().Items(ctx, tid, f)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	p.Count = len(items)
	byDay := map[calendar.Date][]cm.Item{}
	for _, it := range items {
		byDay[it.Day] = append(byDay[it.Day], it)
	}
	for d := first; !last.Before(d); d = calendarAdd(d, 7) {
		var week []calendarDay
		for i := range 7 {
			day := calendarAdd(d, i)
			week = append(week, calendarDay{Date: day, Today: day == p.Today, Items: byDay[day],
				Outside: !p.Week && day.Month != p.Filter.From.Month})
		}
		p.Weeks = append(p.Weeks, week)
	}
	p.Filter.From = calendar.Date{}
	if p.Campaigns, err = h.store().Campaigns(ctx, tid); err != nil {
		h.Fail(w, r, err)
		return
	}
	if u := kit.Info(r).Principal.User; u != nil {
		tok, err := h.store().CalendarFeedToken(ctx, tid, u.ID, false)
		if err != nil {
			h.Fail(w, r, err)
			return
		}
		p.FeedURL = h.store().LinkURL("")
		p.FeedURL = strings.TrimSuffix(p.FeedURL, "/l/") + "/communications/flux/" + tok + "/calendrier.ics"
	}
	h.Render(w, r, http.StatusOK, "comms_calendar", p)
}

// RenewFeed gives the staff member a new feed address; the old one stops.
func (h *Handlers) RenewFeed(w http.ResponseWriter, r *http.Request) {
	if !h.Allow(w, r, auth.ReadCommsCalendar) {
		return
	}
	if !h.Confirmed(w, r) {
		return
	}
	_, err := h.store().CalendarFeedToken(r.Context(), kit.Info(r).Territory.ID, staffID(r), true)
	h.Done(w, r, err, "comms.calendar.flash_feed", calendarPath+"#flux")
}

// Feed answers a staff member's private iCalendar feed.
func (h *Handlers) Feed(w http.ResponseWriter, r *http.Request) {
	ri := kit.Info(r)
	cal, err := h.store().CalendarFeed(r.Context(), ri.Territory.ID, r.PathValue("token"), ri.Lang)
	if errs.Is(err, errs.NotFound) {
		h.NotFound(w, r)
		return
	}
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	if _, err := cal.WriteTo(&buf); err != nil {
		h.Fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("X-Robots-Tag", "noindex")
	_, _ = w.Write(buf.Bytes())
}

// WeekNow is the key of the week shown from the month view: the current
// week when today falls in the month, else the month's first week.
func (p calendarPage) WeekNow() string {
	if len(p.Weeks) == 0 {
		return calendarWeekKey(calendarMonday(p.Today))
	}
	for _, w := range p.Weeks {
		for _, d := range w {
			if d.Today {
				return calendarWeekKey(w[0].Date)
			}
		}
	}
	return calendarWeekKey(p.Weeks[0][0].Date)
}
