package i18n

import "testing"

func TestSlug(t *testing.T) {
	cases := []struct {
		in   string
		max  int
		want string
	}{
		{"Souper citoyen — Sainte-Cécile-de-Lévrard", 0, "souper-citoyen-sainte-cecile-de-levrard"},
		{"Œuvre des Sœurs à Wôlinak", 0, "oeuvre-des-soeurs-a-wolinak"},
		{"  «  Forum 2026 !  » ", 0, "forum-2026"},
		{"Atelier : l’entraide, ça s’apprend", 0, "atelier-l-entraide-ca-s-apprend"},
		{"Saint-Pierre-les-Becquets souper de l'automne", 30, "saint-pierre-les-becquets"},
		{"!!!", 0, ""},
		{"日本", 0, ""},
	}
	for _, c := range cases {
		if got := Slug(c.in, c.max); got != c.want {
			t.Errorf("Slug(%q, %d) = %q, want %q", c.in, c.max, got, c.want)
		}
	}
}

func FuzzSlug(f *testing.F) {
	f.Add("Souper citoyen — Sainte-Cécile", 20)
	f.Fuzz(func(t *testing.T, s string, max int) {
		if max < 0 || max > 200 {
			return
		}
		got := Slug(s, max)
		if max > 0 && len(got) > max {
			t.Fatalf("Slug(%q, %d) = %q is too long", s, max, got)
		}
		for _, r := range got {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
				t.Fatalf("Slug(%q) = %q has %q", s, got, r)
			}
		}
		if len(got) > 0 && (got[0] == '-' || got[len(got)-1] == '-') {
			t.Fatalf("Slug(%q) = %q starts or ends with a hyphen", s, got)
		}
	})
}
