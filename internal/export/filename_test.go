package export

import (
	"mime"
	"net/url"
	"strings"
	"testing"
)

func TestFilename(t *testing.T) {
	tests := []struct {
		name, base, ext, want string
	}{
		{"French title", "« Souper citoyen — Sainte-Cécile-de-Lévrard »", "csv", "souper-citoyen-sainte-cecile-de-levrard.csv"},
		{"ligatures", "Œuvre des Sœurs", ".pdf", "oeuvre-des-soeurs.pdf"},
		{"apostrophes", "Centre d’action bénévole de l'Érable", "xlsx", "centre-d-action-benevole-de-l-erable.xlsx"},
		{"no-break spaces and digits", "Présences du 2\u00a0décembre 2026 à 18\u00a0h\u00a030", "ics", "presences-du-2-decembre-2026-a-18-h-30.ics"},
		{"upper case extension", "Liste", ".CSV", "liste.csv"},
		{"dirty extension", "Liste", "../p d;f", "liste.pdf"},
		{"no extension", "Liste", "", "liste"},
		{"path traversal", "../../etc/passwd", "csv", "etc-passwd.csv"},
		{"empty", "", "csv", "export.csv"},
		{"only punctuation", "« — »", "csv", "export.csv"},
		{"non-Latin", "李小龍", "csv", "export.csv"},
		{"Windows device name", "CON", "txt", "export-con.txt"},
		{"Windows device name with digit", "com1", "txt", "export-com1.txt"},
		{"not a device name", "console", "txt", "console.txt"},
		{"German and Nordic", "Straße Øresund", "csv", "strasse-oresund.csv"},
		{"long", strings.Repeat("Bécancour ", 20), "csv", strings.TrimSuffix(strings.Repeat("becancour-", 8), "-") + ".csv"},
		{"invalid UTF-8", "caf\xe9 noir", "csv", "caf-noir.csv"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Filename(tt.base, tt.ext)
			if got != tt.want {
				t.Errorf("Filename(%q, %q) = %q, want %q", tt.base, tt.ext, got, tt.want)
			}
			for _, r := range got {
				if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '.') {
					t.Errorf("unsafe character %q in %q", r, got)
				}
			}
			if base, _, _ := strings.Cut(got, "."); len(base) > maxFilenameBase {
				t.Errorf("base name has %d characters, more than %d", len(base), maxFilenameBase)
			}
		})
	}
}

func TestContentDisposition(t *testing.T) {
	tests := []struct {
		name, in, want, wantName string
	}{
		{
			"ASCII",
			"souper-citoyen.csv",
			`attachment; filename="souper-citoyen.csv"; filename*=UTF-8''souper-citoyen.csv`,
			"souper-citoyen.csv",
		},
		{
			"French",
			"Présences Bécancour.pdf",
			`attachment; filename="Presences Becancour.pdf"; filename*=UTF-8''Pr%C3%A9sences%20B%C3%A9cancour.pdf`,
			"Présences Bécancour.pdf",
		},
		{
			"quotes, backslash and percent",
			`Rapport "final" 100% a\b.csv`,
			`attachment; filename="Rapport _final_ 100_ a_b.csv"; filename*=UTF-8''Rapport%20%22final%22%20100%25%20a_b.csv`,
			`Rapport "final" 100% a_b.csv`,
		},
		{
			"header injection",
			"a.csv\r\nSet-Cookie: x=1",
			`attachment; filename="a.csvSet-Cookie: x=1"; filename*=UTF-8''a.csvSet-Cookie%3A%20x%3D1`,
			"a.csvSet-Cookie: x=1",
		},
		{
			"path",
			"../secret/Œuvre.pdf",
			`attachment; filename=".._secret_OEuvre.pdf"; filename*=UTF-8''.._secret_%C5%92uvre.pdf`,
			".._secret_Œuvre.pdf",
		},
		{
			"empty",
			"  ",
			`attachment; filename="export"; filename*=UTF-8''export`,
			"export",
		},
		{
			"no ASCII form",
			"李.csv",
			`attachment; filename="_.csv"; filename*=UTF-8''%E6%9D%8E.csv`,
			"李.csv",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ContentDisposition(tt.in)
			if got != tt.want {
				t.Errorf("ContentDisposition(%q)\n got %s\nwant %s", tt.in, got, tt.want)
			}
			for i := 0; i < len(got); i++ {
				if got[i] < 0x20 || got[i] > 0x7e {
					t.Fatalf("non-ASCII or control byte %q in header value", got[i])
				}
			}
			// mime decodes filename* (RFC 2231) in preference to filename.
			disp, params, err := mime.ParseMediaType(got)
			if err != nil {
				t.Fatalf("mime.ParseMediaType: %v", err)
			}
			if disp != "attachment" {
				t.Errorf("disposition %q", disp)
			}
			if params["filename"] != tt.wantName {
				t.Errorf("decoded filename %q, want %q", params["filename"], tt.wantName)
			}
			_, enc, _ := strings.Cut(got, "filename*=UTF-8''")
			if dec, err := url.PathUnescape(enc); err != nil || dec != tt.wantName {
				t.Errorf("filename* decodes to %q (%v), want %q", dec, err, tt.wantName)
			}
		})
	}
}
