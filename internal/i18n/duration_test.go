package i18n

import (
	"testing"
	"time"
)

func TestDuration(t *testing.T) {
	cases := []struct {
		d      time.Duration
		fr, en string
	}{
		{time.Hour, "1" + NBSP + "heure", "1 hour"},
		{2 * time.Hour, "2" + NBSP + "heures", "2 hours"},
		{15 * time.Minute, "15" + NBSP + "minutes", "15 minutes"},
		{90 * time.Minute, "90" + NBSP + "minutes", "90 minutes"},
		{time.Minute, "1" + NBSP + "minute", "1 minute"},
		{10 * time.Second, "10" + NBSP + "secondes", "10 seconds"},
		{1500 * time.Millisecond, "2" + NBSP + "secondes", "2 seconds"},
		{0, "1" + NBSP + "seconde", "1 second"},
	}
	for _, c := range cases {
		if got := Duration("fr", c.d); got != c.fr {
			t.Errorf("Duration(fr, %v) = %q, want %q", c.d, got, c.fr)
		}
		if got := Duration("en", c.d); got != c.en {
			t.Errorf("Duration(en, %v) = %q, want %q", c.d, got, c.en)
		}
	}
}
