package i18n

import (
	"strings"
	"testing"
	"unicode"
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

// frenchWords are words of the program's French that an English text
// should not carry: English says dinner, seat, volunteer, e-mail...
var frenchWords = map[string]bool{
	"souper": true, "soupers": true, "poste": true, "postes": true, "bénévole": true, "bénévoles": true, "bénévolat": true,
	"courriel": true, "courriels": true, "inscription": true, "inscriptions": true, "organisme": true, "organismes": true,
	"municipalité": true, "municipalités": true, "comité": true, "comités": true, "citoyen": true, "citoyenne": true,
	"citoyens": true, "relève": true, "idée": true, "idées": true, "communauté": true, "communautés": true, "besoin": true,
	"besoins": true, "trésorerie": true, "présidence": true, "école": true, "oui": true, "non": true, "secteur": true,
	"secteurs": true, "merci": true, "bonjour": true, "atelier": true, "ateliers": true, "mandat": true, "recensement": true,
	"lieu": true, "lieux": true, "heures": true, "offre": true, "offres": true, "appui": true, "partage": true,
	"accompagnement": true, "reconnaissance": true, "et": true, "le": true, "la": true, "les": true, "des": true,
	"du": true, "à": true, "au": true, "aux": true, "pour": true, "avec": true, "une": true,
}

// frenchNames are the proper names that English keeps in French.
var frenchNames = []string{"Moi, je m’implique !", "jebénévole.ca", "jebénévole", "Français"}

// quotesFrench are the English entries that quote, on purpose, what a
// French document holds: the column names and values of the organisations'
// import file, which staff fill in French.
var quotesFrench = map[string]bool{
	"errors.org_import_kind":    true,
	"errors.org_import_no_name": true,
	"errors.org_import_seat":    true,
	"org.import.columns_help":   true,
}

// TestEnglishIsEnglish: English entries use English quotation marks, and
// English words — French only in proper names and where an entry quotes a
// French file.
func TestEnglishIsEnglish(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range c["en"] {
		if strings.ContainsAny(v, "«»") {
			t.Errorf("en %s: French guillemets in English (write “…”): %q", k, v)
		}
		if quotesFrench[k] {
			continue
		}
		for _, n := range frenchNames {
			v = strings.ReplaceAll(v, n, "")
		}
		for _, w := range strings.FieldsFunc(v, func(r rune) bool { return !unicode.IsLetter(r) && r != '’' && r != '\'' && r != '-' }) {
			if frenchWords[strings.ToLower(w)] {
				t.Errorf("en %s: French word %q in English: %q", k, w, c["en"][k])
			}
		}
	}
}
