package events

import (
	"strings"
	"time"

	"implique/internal/i18n"
)

// Name is what people see an event called, in lang, everywhere it is
// named: the title staff gave it when that title tells it apart, otherwise
// its kind, place and day — « Souper citoyen à Gentilly, 30 octobre »,
// « Citizen dinner in Gentilly, October 30 ». A community's meetings and
// the partners' committee's, which repeat under the same title, also give
// their day: « Rencontre — Jardin partagé, 30 octobre ». loc is the
// territory's zone.
func (e Event) Name(cat i18n.Catalogs, lang string, loc *time.Location) string {
	day := i18n.DayMonth(lang, e.StartsAt.In(loc))
	switch {
	case e.plainTitle(cat):
		return cat.T(lang, "event.name", cat.T(lang, "event.kind."+string(e.Kind)), e.PlaceName, day)
	case e.Kind == CommunityMeeting, e.Kind == PartnersMeeting:
		return cat.T(lang, "event.name_dated", e.Title, day)
	}
	return e.Title
}

// linkWords join a kind and a place in a title without telling anything:
// « Souper citoyen de Manseau », « Manseau citizen dinner ».
var linkWords = map[string]bool{"a": true, "au": true, "aux": true, "d": true, "de": true, "des": true, "du": true, "en": true,
	"l": true, "la": true, "le": true, "les": true, "at": true, "in": true, "of": true, "the": true}

// plainTitle reports whether the title says no more than the event's kind
// (in either language) and its place: « Souper citoyen », « Souper
// citoyen de Manseau ». Such titles repeat from one event to the next.
func (e Event) plainTitle(cat i18n.Catalogs) bool {
	known := map[string]bool{}
	for _, s := range []string{cat.T("fr", "event.kind."+string(e.Kind)), cat.T("en", "event.kind."+string(e.Kind)), e.PlaceName} {
		for _, w := range words(s) {
			known[w] = true
		}
	}
	title := words(e.Title)
	for _, w := range title {
		if !known[w] && !linkWords[w] {
			return false
		}
	}
	return len(title) > 0
}

// words are the words of s, lower-case and without accents.
func words(s string) []string {
	return strings.FieldsFunc(i18n.Slug(s, 0), func(r rune) bool { return r == '-' })
}
