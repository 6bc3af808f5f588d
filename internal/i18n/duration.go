package i18n

import (
	"strconv"
	"time"
)

// Duration says how long d is in whole hours, minutes or seconds — the
// largest unit that measures it exactly, rounding up below a second:
// "1 heure", "15 minutes", "10 secondes" in French (NBSP before the unit);
// "1 hour", "15 minutes", "10 seconds" in English.
func Duration(lang string, d time.Duration) string {
	type unit struct {
		size             time.Duration
		fr, frs, en, ens string
	}
	units := []unit{
		{time.Hour, "heure", "heures", "hour", "hours"},
		{time.Minute, "minute", "minutes", "minute", "minutes"},
		{time.Second, "seconde", "secondes", "second", "seconds"},
	}
	if d < time.Second {
		d = time.Second
	}
	u := units[len(units)-1]
	for _, c := range units {
		if d%c.size == 0 {
			u = c
			break
		}
	}
	n := int64((d + u.size - 1) / u.size)
	name, sep := u.frs, NBSP
	switch {
	case isEnglish(lang) && n == 1:
		name, sep = u.en, " "
	case isEnglish(lang):
		name, sep = u.ens, " "
	case n == 1:
		name = u.fr
	}
	return strconv.FormatInt(n, 10) + sep + name
}
