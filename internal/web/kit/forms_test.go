package kit_test

import (
	"maps"
	"testing"

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
		h, m, ok := kit.ParseClock(c.in)
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
