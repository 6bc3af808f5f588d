package calendar_test

import (
	"testing"
	"time"

	"implique/internal/calendar"
	"implique/internal/errs"
	"implique/internal/i18n"
)

func TestWindows(t *testing.T) {
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	h := calendar.Happening(now)
	if h.First != 2000 || h.Last != 2036 {
		t.Fatalf("Happening(2026) = %+v", h)
	}
	for year, want := range map[int]bool{1: false, 1999: false, 2000: true, 2026: true, 2036: true, 2037: false, 9999: false} {
		if h.Holds(year) != want {
			t.Errorf("Happening holds %d: %v", year, !want)
		}
	}
	for year, want := range map[int]bool{1: false, 1850: false, 1900: true, 1985: true, 2100: true, 2101: false, 9999: false} {
		if calendar.Record.Holds(year) != want {
			t.Errorf("Record holds %d: %v", year, !want)
		}
	}
	if late := calendar.Happening(time.Date(2095, 1, 1, 0, 0, 0, 0, time.UTC)); late.Last != 2100 {
		t.Errorf("no date after 2100, even planned ten years ahead: %+v", late)
	}
}

func TestCheckSaysWhichYears(t *testing.T) {
	cat := i18n.MustLoad()
	f := errs.Fields{}
	w := calendar.Happening(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	if w.Check(f, "date", 9999) || !w.Check(f, "other", 2030) {
		t.Fatal("Check")
	}
	if _, ok := f["other"]; ok || len(f) != 1 {
		t.Fatalf("fields %v", f)
	}
	if got := cat.T("fr", f["date"]); got != "L’année doit être entre 2000 et 2036." {
		t.Errorf("fr: %q", got)
	}
	if got := cat.T("en", f["date"]); got != "The year must be between 2000 and 2036." {
		t.Errorf("en: %q", got)
	}
}
