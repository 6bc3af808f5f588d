package chart

import (
	"strings"
	"testing"
)

func TestWrap(t *testing.T) {
	cases := []struct {
		in   string
		want []string
		cut  bool
	}{
		{"", nil, false},
		{"Gentilly", []string{"Gentilly"}, false},
		{"  Gentilly \n ", []string{"Gentilly"}, false},
		{"Je connais mes voisins", []string{"Je connais mes", "voisins"}, false},
		{"Sainte-Cécile-de-Lévrard-sur-le-fleuve", []string{"Sainte-Cécile-de-", "Lévrard-sur-le-", "fleuve"}, false},
		{"un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze",
			[]string{"un deux trois", "quatre cinq six", "sept huit neuf…"}, true},
	}
	for _, c := range cases {
		got, cut := wrap(c.in, labelWidth, fontSize, maxLines)
		if strings.Join(got, "|") != strings.Join(c.want, "|") || cut != c.cut {
			t.Errorf("wrap(%q) = %q %v, want %q %v", c.in, got, cut, c.want, c.cut)
		}
		for _, l := range got {
			if w := textWidth(l, fontSize); w > labelWidth {
				t.Errorf("wrap(%q): line %q is %.1f wide, more than %v", c.in, l, w, labelWidth)
			}
		}
	}
}

func TestWrapNeverLoops(t *testing.T) {
	// A column narrower than any character still ends, one character a line.
	got, _ := wrap("abc", 1, fontSize, 10)
	if strings.Join(got, "|") != "a|b|c" {
		t.Errorf("wrap in a 1-unit column = %q", got)
	}
}

func TestFitAndEllipsis(t *testing.T) {
	if got := fit("Départ", 200, fontSize); got != "Départ" {
		t.Errorf("fit kept %q", got)
	}
	long := strings.Repeat("Mesure de départ, ", 10)
	got := fit(long, 200, fontSize)
	if !strings.HasSuffix(got, "…") || textWidth(got, fontSize) > 200 || strings.HasSuffix(got, ",…") || strings.HasSuffix(got, " …") {
		t.Errorf("fit(long) = %q", got)
	}
	if got := ellipsis("abc", 1, fontSize); got != "…" {
		t.Errorf("ellipsis in no room = %q", got)
	}
}

func TestNum(t *testing.T) {
	for v, want := range map[float64]string{0: "0", -0.001: "0", 1.005: "1", 12.345: "12.35", 360: "360", 1e-9: "0", 67.5: "67.5"} {
		if got := num(v); got != want {
			t.Errorf("num(%v) = %q, want %q", v, got, want)
		}
	}
}
