package export

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

func certificate(rows int) Certificate {
	c := Certificate{Lang: "fr", Issuer: "Centre d’action bénévole de la MRC de Bécancour", Program: "Moi, je m’implique !",
		Title: "Certificat de reconnaissance", Intro: "décerné à", Holder: "Marie-Ève Bélanger-Lévesque",
		Statement: "en reconnaissance de 72,5 h de bénévolat données à la communauté, du 3 janvier au 28 novembre 2026. Merci pour votre engagement !",
		Columns:   [2]string{"Organisme", "Heures"}, Total: [2]string{"Total des heures confirmées", "72,5 h"},
		Signature: "Direction générale, Centre d’action bénévole de la MRC de Bécancour", Issued: "Délivré le 29 novembre 2026",
		Verification: "Code de vérification : K7QF-3MZP-2XAB — vérifiez-le sur https://implique.exemple.org/s-impliquer/verification.",
		Created:      time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)}
	for i := range rows {
		c.Rows = append(c.Rows, [2]string{fmt.Sprintf("Œuvre des Sœurs de Sainte-Cécile-de-Lévrard, comptoir %d", i+1), "2,5 h"})
	}
	return c
}

func TestWriteCertificatePDF(t *testing.T) {
	for _, n := range []int{0, 3, 80} {
		t.Run(fmt.Sprintf("%d rows", n), func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteCertificatePDF(&buf, certificate(n)); err != nil {
				t.Fatal(err)
			}
			pdf := buf.Bytes()
			checkPDF(t, pdf)
			if pages := len(pageObject.FindAll(pdf, -1)); pages != 1 {
				t.Errorf("%d pages, want one", pages)
			}
			if dir := os.Getenv("IMPLIQUE_SCREENSHOTS"); dir != "" {
				_ = os.WriteFile(fmt.Sprintf("%s/certificat-%d.pdf", dir, n), pdf, 0o644)
			}
			text, ok := pdfToText(t, pdf, false)
			if !ok {
				return
			}
			wants := []string{"Certificat de reconnaissance", "Marie-Ève Bélanger-Lévesque", "K7QF-3MZP-2XAB"}
			if n > 0 {
				wants = append(wants, "Total des heures confirmées")
			}
			for _, want := range wants {
				if !strings.Contains(text, want) {
					t.Errorf("text lacks %q", want)
				}
			}
			if n == 80 && !strings.Contains(text, "…") {
				t.Error("rows that do not fit are not summed up with …")
			}
			if n == 3 && strings.Count(text, "comptoir") != 3 {
				t.Errorf("rows:\n%s", text)
			}
		})
	}
}
