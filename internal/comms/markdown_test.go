package comms_test

import (
	"strings"
	"testing"

	"implique/internal/comms"
)

func TestMarkdownKeepsTextAndDropsWhatIsUnsafe(t *testing.T) {
	cases := []struct {
		src       string
		want, not []string
	}{
		{"# Titre\n\nBonjour **tout le monde**", []string{"<h2>Titre</h2>", "<strong>tout le monde</strong>"}, []string{"<h1>"}},
		{"<script>alert(1)</script>\n\nTexte", []string{"<p>Texte</p>"}, []string{"<script", "alert(1)</script"}},
		{"[lien](javascript:alert(1))", nil, []string{"javascript:"}},
		{"<img src=\"https://pixel.example/p.gif\">", nil, []string{"<img", "pixel.example"}},
		{"[CAB](https://cab.example/soupers) et <a href=\"x\" onclick=\"f()\">y</a>", []string{`href="https://cab.example/soupers"`}, []string{"onclick"}},
		{"- un\n- deux", []string{"<ul>", "<li>un</li>"}, nil},
		{"<<<>>> **non fermé", []string{"&lt;&lt;&lt;&gt;&gt;&gt;"}, []string{"<<<"}},
	}
	for _, c := range cases {
		got := string(comms.Markdown(c.src))
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("Markdown(%q) = %q, want %q in it", c.src, got, w)
			}
		}
		for _, n := range c.not {
			if strings.Contains(got, n) {
				t.Errorf("Markdown(%q) = %q, must not hold %q", c.src, got, n)
			}
		}
	}
}
