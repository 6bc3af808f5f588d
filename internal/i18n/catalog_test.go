package i18n

import (
	"strings"
	"testing"
)

func TestCatalogsLoadAndMatch(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(c["fr"]) < 100 || len(c["fr"]) != len(c["en"]) {
		t.Fatalf("fr has %d keys, en %d", len(c["fr"]), len(c["en"]))
	}
	for k, v := range c["fr"] {
		if strings.TrimSpace(v) == "" || strings.TrimSpace(c["en"][k]) == "" {
			t.Errorf("%s is empty in one language", k)
		}
		if strings.Count(v, "%") != strings.Count(c["en"][k], "%") {
			t.Errorf("%s: the two languages take different arguments: %q / %q", k, v, c["en"][k])
		}
		// Québec typography: no plain space before a colon in French.
		if strings.Contains(v, " :") || strings.Contains(v, " »") || strings.Contains(v, "« ") {
			t.Errorf("%s: plain space where a no-break space belongs: %q", k, v)
		}
	}
}

func TestMissing(t *testing.T) {
	c := Catalogs{"fr": {"a": "A", "b": "B"}, "en": {"a": "A"}}
	if got := c.Missing(); len(got) != 1 || got[0] != "en:b" {
		t.Errorf("Missing() = %v", got)
	}
	if c.T("en", "b") != "b" || c.T("fr", "b") != "B" || c.T("de", "a") != "A" {
		t.Error("T fallbacks")
	}
}

func TestMatch(t *testing.T) {
	cases := map[[2]string]string{
		{"en", "fr-CA"}:                 "en",
		{"", "en-CA,en;q=0.9"}:          "en",
		{"", "fr-CA,fr;q=0.9,en;q=0.8"}: "fr",
		{"", "de-DE,en;q=0.5"}:          "en",
		{"", "de-DE"}:                   "fr",
		{"", ""}:                        "fr",
		{"xx", "en"}:                    "en",
		{"", "en;q=0.2,fr;q=0.9"}:       "fr",
	}
	for in, want := range cases {
		if got := Match(in[0], in[1]); got != want {
			t.Errorf("Match(%q, %q) = %q, want %q", in[0], in[1], got, want)
		}
	}
}

func TestMsgCarriesItsArguments(t *testing.T) {
	c := Catalogs{"fr": {"k": "Entre %s et %s : « %s »."}, "en": {"k": "Between %s and %s: “%s”."}}
	key := Msg("k", 2000, 2036)
	if got := c.T("fr", key, "9999-12-31"); got != "Entre 2000 et 2036 : « 9999-12-31 »." {
		t.Errorf("T(Msg) = %q", got)
	}
	if got := c.T("en", Msg("k", "a\x1fb", 2, 3)); got != "Between a b and 2: “3”." {
		t.Errorf("T(Msg) with a separator in an argument = %q", got)
	}
	if Msg("k") != "k" || c.T("fr", Msg("absent", 1)) != "absent" {
		t.Error("Msg without arguments, or of an unknown key")
	}
}
