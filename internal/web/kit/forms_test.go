package kit_test

import (
	"maps"
	"net/http"
	"testing"

	"implique/internal/calendar"
	"implique/internal/errs"
	"implique/internal/territory"
	"implique/internal/web/kit"
)

func TestFormProblems(t *testing.T) {
	rename := func(f string) string {
		if f == "starts_at" {
			return "date"
		}
		return f
	}
	for _, c := range []struct {
		name   string
		err    *errs.Error
		rename func(string) string
		want   map[string]string
	}{
		{"fields", &errs.Error{Key: "errors.invalid", Fields: map[string]string{"email": "errors.email"}}, nil,
			map[string]string{"email": "errors.email"}},
		{"no field: the whole form", &errs.Error{Key: "errors.volunteer_opportunity_closed"}, nil,
			map[string]string{"": "errors.volunteer_opportunity_closed"}},
		{"renamed", &errs.Error{Key: "errors.invalid", Fields: map[string]string{"starts_at": "errors.required", "title": "errors.too_long"}}, rename,
			map[string]string{"date": "errors.required", "title": "errors.too_long"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := kit.FormProblems(c.err, c.rename); !maps.Equal(got, c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}

func TestParseClock(t *testing.T) {
	for _, c := range []struct {
		in   string
		h, m int
		ok   bool
	}{
		{"18:30", 18, 30, true},
		{"18 h 30", 18, 30, true},
		{"18h", 18, 0, true},
		{"7", 7, 0, true},
		{"18\u00a0h\u00a030", 18, 30, true},
		{"24:00", 0, 0, false},
		{"18:75", 0, 0, false},
		{"midi", 0, 0, false},
		{"", 0, 0, false},
	} {
		h, m, ok := calendar.ParseClock(c.in)
		if ok != c.ok || ok && (h != c.h || m != c.m) {
			t.Errorf("ParseClock(%q) = %d, %d, %v; want %d, %d, %v", c.in, h, m, ok, c.h, c.m, c.ok)
		}
	}
}

func TestPlaceOptionsOf(t *testing.T) {
	city, other := int64(1), int64(9)
	ps := []territory.Place{
		{ID: 1, Slug: "becancour", Name: "Bécancour"},
		{ID: 2, Slug: "gentilly", Name: "Gentilly", ParentID: &city},
		{ID: 3, Slug: "manseau", Name: "Manseau"},
		{ID: 4, Slug: "ailleurs", Name: "Ailleurs", ParentID: &other},
	}
	want := []kit.PlaceOption{
		{Slug: "becancour", Name: "Bécancour"},
		{Slug: "gentilly", Name: "Gentilly", Sector: true},
		{Slug: "manseau", Name: "Manseau"},
		{Slug: "ailleurs", Name: "Ailleurs", Sector: true},
	}
	got := kit.PlaceOptionsOf(ps)
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("option %d = %v, want %v", i, got[i], want[i])
		}
	}
}

// TestRefusals covers the refusals that show the form again; the others
// fail, which the handlers' tests cover.
func TestRefusals(t *testing.T) {
	prefix := func(f string) string { return "met_" + f }
	for _, c := range []struct {
		name       string
		err        *errs.Error
		fieldsOnly bool
		rename     func(string) string
		status     int
		want       map[string]string
	}{
		{"invalid fields", &errs.Error{Code: errs.Invalid, Key: "errors.invalid", Fields: map[string]string{"name": "errors.required"}}, false, nil,
			http.StatusUnprocessableEntity, map[string]string{"name": "errors.required"}},
		{"renamed", &errs.Error{Code: errs.Invalid, Key: "errors.invalid", Fields: map[string]string{"name": "errors.required"}}, false, prefix,
			http.StatusUnprocessableEntity, map[string]string{"met_name": "errors.required"}},
		{"conflict: the whole form", &errs.Error{Code: errs.Conflict, Key: "errors.full"}, false, nil,
			http.StatusConflict, map[string]string{"": "errors.full"}},
		{"fields only", &errs.Error{Code: errs.Invalid, Key: "errors.invalid", Fields: map[string]string{"hour_value": "errors.too_big"}}, true, nil,
			http.StatusUnprocessableEntity, map[string]string{"hour_value": "errors.too_big"}},
		{"fields only, none", &errs.Error{Code: errs.Conflict, Key: "errors.full"}, true, nil,
			http.StatusConflict, map[string]string{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var k kit.Kit
			status, got := 0, map[string]string(nil)
			page := func(st int, problems map[string]string) { status, got = st, problems }
			if c.fieldsOnly {
				k.RefuseFields(nil, nil, c.err, page)
			} else {
				k.RefuseOn(nil, nil, c.err, c.rename, page)
			}
			if status != c.status || len(got) != len(c.want) || (len(got) > 0 && !maps.Equal(got, c.want)) {
				t.Errorf("got %d %v, want %d %v", status, got, c.status, c.want)
			}
		})
	}
}
