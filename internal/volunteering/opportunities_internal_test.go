package volunteering

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"implique/internal/errs"
	"implique/internal/i18n"
)

// The rules of an opportunity as typed, without a database: each case
// changes one thing of a valid recurring opportunity and names the field
// problems it gives, on 15 March 2026.
func TestCheckInput(t *testing.T) {
	now := time.Date(2026, 3, 15, 12, 0, 0, 0, time.UTC)
	saturday := time.Date(2026, 3, 21, 9, 0, 0, 0, time.UTC)
	n := func(v int) *int { return &v }
	long := func(n int) string { return strings.Repeat("a", n) }
	for _, c := range []struct {
		name   string
		change func(in *Input)
		want   string
	}{
		{"valid", func(in *Input) {}, ""},
		{"no title", func(in *Input) { in.Title = "" }, "title=errors.required"},
		{"a long title", func(in *Input) { in.Title = long(151) }, "title=errors.too_long"},
		{"a long description", func(in *Input) { in.Description = long(4001) }, "description=errors.too_long"},
		{"an unknown kind", func(in *Input) { in.Kind = "party" }, "kind=errors.volunteer_kind"},
		{"long texts", func(in *Input) { in.Venue, in.Accessibility, in.ContactPhone = long(151), long(1001), long(61) },
			"accessibility=errors.too_long contact_phone=errors.too_long venue=errors.too_long"},
		{"an address that is not one", func(in *Input) { in.ContactEmail = "marie" }, "contact_email=errors.email"},
		{"a link elsewhere", func(in *Input) { in.JebenevoleURL = "https://exemple.org/x" }, "jebenevole_url=errors.volunteer_jebenevole_url"},
		{"jebenevole.ca", func(in *Input) { in.JebenevoleURL = "https://www.jebenevole.ca/x" }, ""},
		{"unknown codes", func(in *Input) { in.Causes, in.Skills, in.Languages = []string{"x"}, []string{"x"}, []string{"x"} },
			"causes=errors.volunteer_cause languages=errors.volunteer_language skills=errors.volunteer_skill"},
		{"no spot", func(in *Input) { in.Spots = n(0) }, "spots=errors.volunteer_spots"},
		{"too many spots", func(in *Input) { in.Spots = n(MaxSpots + 1) }, "spots=errors.volunteer_spots"},
		{"an age out of range", func(in *Input) { in.MinAge, in.MaxAge = n(-1), n(MaxAge+1) }, "max_age=errors.volunteer_age min_age=errors.volunteer_age"},
		{"ages the wrong way", func(in *Input) { in.MinAge, in.MaxAge = n(20), n(18) }, "max_age=errors.volunteer_age_order"},
		{"recurring without slots", func(in *Input) { in.Slots = 0 }, "slots=errors.volunteer_slots"},
		{"an unknown schedule", func(in *Input) { in.Schedule = "often" }, "schedule=errors.volunteer_schedule"},
		{"a last day past", func(in *Input) { in.Until = now.AddDate(0, 0, -1) }, "until=errors.volunteer_date_past"},
		{"a last day too far", func(in *Input) { in.Until = now.AddDate(11, 0, 0) }, "until=" + i18n.Msg("errors.date_years", 2000, 2036)},
		{"one-off without a date", func(in *Input) { in.Schedule = OneOff }, "date=errors.required"},
		{"one-off past", func(in *Input) { in.Schedule, in.StartsAt = OneOff, now.Add(-time.Hour) }, "date=errors.volunteer_date_past"},
		{"one-off too far", func(in *Input) { in.Schedule, in.StartsAt = OneOff, now.AddDate(11, 0, 0) }, "date=" + i18n.Msg("errors.date_years", 2000, 2036)},
		{"one-off ending before it starts", func(in *Input) { in.Schedule, in.StartsAt, in.EndsAt = OneOff, saturday, saturday },
			"end_time=errors.ends_before_start"},
	} {
		in := Input{Title: "Popote roulante", Kind: Task, Schedule: Recurring, Slots: Slot(time.Tuesday, Morning), Causes: []string{"food"}}
		c.change(&in)
		f := errs.Fields{}
		checkInput(in, now, f)
		var got []string
		for field, key := range f {
			got = append(got, field+"="+key)
		}
		sort.Strings(got)
		if s := strings.Join(got, " "); s != c.want {
			t.Errorf("%s: %s, want %s", c.name, s, c.want)
		}
	}

	// A one-off date gives its slot and, without an end, lasts three hours.
	f := errs.Fields{}
	r := checkInput(Input{Title: "Bingo", Kind: Task, Schedule: OneOff, StartsAt: saturday}, now, f)
	if len(f) != 0 || r.slots != Slot(time.Saturday, Morning) || fmt.Sprint(r.startsAt, r.endsAt) != fmt.Sprint(saturday, saturday.Add(3*time.Hour)) {
		t.Errorf("one-off: %v %b %v–%v", f, r.slots, r.startsAt, r.endsAt)
	}
	// The packed key says what matching reads.
	var got candidate
	var at time.Time
	unpackMatch(0, 0, r.matchA, r.matchB, &got, &at)
	if got.kind != Task || got.schedule != OneOff || got.slots != r.slots || got.startsAt == nil || !got.startsAt.Equal(saturday) {
		t.Errorf("packed %+v", got)
	}
}
