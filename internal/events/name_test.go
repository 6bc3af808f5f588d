package events_test

import (
	"testing"
	"time"

	"implique/internal/events"
	"implique/internal/i18n"
)

func TestName(t *testing.T) {
	cat := i18n.MustLoad()
	loc, _ := time.LoadLocation("America/Toronto")
	at := time.Date(2026, 10, 30, 21, 30, 0, 0, time.UTC) // 17 h 30 in Bécancour
	ev := func(kind events.Kind, title, place string) events.Event {
		return events.Event{Kind: kind, Title: title, PlaceName: place, StartsAt: at}
	}
	for _, c := range []struct {
		ev     events.Event
		fr, en string
	}{
		{ev(events.CitizenDinner, "Souper citoyen", "Gentilly"), "Souper citoyen à Gentilly, 30\u00a0octobre", "Citizen dinner in Gentilly, October 30"},
		{ev(events.CitizenDinner, "Souper citoyen de Sainte-Cécile-de-Lévrard", "Sainte-Cécile-de-Lévrard"),
			"Souper citoyen à Sainte-Cécile-de-Lévrard, 30\u00a0octobre", "Citizen dinner in Sainte-Cécile-de-Lévrard, October 30"},
		{ev(events.CitizenDinner, "souper CITOYEN — Manseau", "Manseau"), "Souper citoyen à Manseau, 30\u00a0octobre", "Citizen dinner in Manseau, October 30"},
		{ev(events.CitizenDinner, "Manseau citizen dinner", "Manseau"), "Souper citoyen à Manseau, 30\u00a0octobre", "Citizen dinner in Manseau, October 30"},
		// A title that tells the event apart is its name.
		{ev(events.CitizenDinner, "Souper citoyen de Noël", "Manseau"), "Souper citoyen de Noël", "Souper citoyen de Noël"},
		{ev(events.Forum, "Forum sur l’implication citoyenne", "Bécancour"), "Forum sur l’implication citoyenne", "Forum sur l’implication citoyenne"},
		{ev(events.Workshop, "Atelier", "Lemieux"), "Atelier à Lemieux, 30\u00a0octobre", "Workshop in Lemieux, October 30"},
		// A community's meetings repeat under one title: their day tells them apart.
		{ev(events.CommunityMeeting, "Rencontre — Jardin partagé", "Manseau"), "Rencontre — Jardin partagé, 30\u00a0octobre",
			"Rencontre — Jardin partagé, October 30"},
	} {
		if got := c.ev.Name(cat, "fr", loc); got != c.fr {
			t.Errorf("%q in French: %q, want %q", c.ev.Title, got, c.fr)
		}
		if got := c.ev.Name(cat, "en", loc); got != c.en {
			t.Errorf("%q in English: %q, want %q", c.ev.Title, got, c.en)
		}
	}
	first := ev(events.CitizenDinner, "Souper citoyen", "Gentilly")
	first.StartsAt = time.Date(2026, 11, 1, 22, 0, 0, 0, time.UTC)
	if got := first.Name(cat, "fr", loc); got != "Souper citoyen à Gentilly, 1er\u00a0novembre" {
		t.Errorf("the first of the month: %q", got)
	}
}
