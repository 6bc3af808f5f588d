package kit

import (
	"strings"
	"testing"
)

// TestLocalPath feeds the judge of redirect targets hostile values: each
// must come back "" (refused) or as a harmless path of this site.
func TestLocalPath(t *testing.T) {
	keep := []string{
		"/",
		"/lieux/fortierville",
		"/connexion?retour=%2Fcompte",
		"/s-impliquer/offres/aide?envoye=1#interet",
		"/idees?theme=sante&lieu=becancour-gentilly",
		"/lieux/b%C3%A9cancour",
	}
	for _, p := range keep {
		if got := LocalPath(p); got != p {
			t.Errorf("LocalPath(%q) = %q, want it kept", p, got)
		}
	}
	hostile := []string{
		"",
		"evil.example",
		"http://evil.example/",
		"https:evil.example",
		"javascript:alert(1)",
		"//evil.example",
		"///evil.example",
		"/\\evil.example",
		"\\\\evil.example",
		"/\t/evil.example",
		"/\t\t/evil.example",
		"/\r/evil.example",
		"/\n/evil.example",
		"/\r\n/evil.example",
		"\t//evil.example",
		" /evil",
		"/ /evil.example",
		"/\x00/evil.example",
		"/\x0b/evil.example",
		"/\x0c/evil.example",
		"/\x1f/evil.example",
		"/\x7f/evil.example",
		"/\u0085/evil.example",
		"/\u009b/evil.example",
		"/\u00a0/evil.example",
		"/\u200b/evil.example",
		"/\u2028/evil.example",
		"/\u202e/evil.example",
		"/\u3000/evil.example",
		"/\ufeff/evil.example",
		"/\uff0f/evil.example",
		"/\uff3c/evil.example",
		"/\u2215evil.example",
		"/%2F/evil.example",
		"/%2f/evil.example",
		"/%252F/evil.example",
		"/%25252F/evil.example",
		"/%5C/evil.example",
		"/%5cevil.example",
		"/%09/evil.example",
		"/%0D%0A/evil.example",
		"/%00",
		"/%E2%80%AE",
		"/%zz",
		"/\xff/evil.example",
		"/\xc0\xaf/evil.example",
		"/" + strings.Repeat("a", 3000),
	}
	for _, p := range hostile {
		if got := LocalPath(p); got != "" {
			t.Errorf("LocalPath(%q) = %q, want it refused", p, got)
		}
	}
}
