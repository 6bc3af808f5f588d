package export

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

// questionnaire is a sheet with every kind of question, in French or in
// English.
func questionnaire(lang string) QuestionnaireSheet {
	en := lang == "en"
	tr := func(fr, english string) string { return pick(en, english, fr) }
	agree := []string{"Tout à fait d’accord", "Plutôt d’accord", "Ni d’accord ni en désaccord", "Plutôt en désaccord", "Tout à fait en désaccord"}
	if en {
		agree = []string{"Strongly agree", "Agree", "Neither agree nor disagree", "Disagree", "Strongly disagree"}
	}
	zeroToTen := make([]string, 11)
	for i := range zeroToTen {
		zeroToTen[i] = fmt.Sprint(i)
	}
	decline := tr("Je préfère ne pas répondre", "I prefer not to answer")
	return QuestionnaireSheet{
		Lang:  lang,
		Title: tr("Profil de l’implication citoyenne — Bécancour 2026", "Civic involvement profile — Bécancour 2026"),
		Intro: tr("Ce questionnaire prend environ 10 minutes. Cochez une case par réponse, ou écrivez lisiblement.\nMerci de le remettre à l’accueil à la fin du souper.",
			"This questionnaire takes about 10 minutes. Tick one box per answer, or write clearly.\nPlease hand it in at the reception desk after the dinner."),
		Statement: tr("Vos réponses sont anonymes : votre nom n’est demandé nulle part, et les résultats ne sont publiés que par groupes d’au moins 5 personnes.",
			"Your answers are anonymous: your name is asked nowhere, and results are only published for groups of at least 5 people."),
		FormNumberLabel: tr("No du formulaire", ""),
		Created:         time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC),
		Sections: []SheetSection{
			{Title: tr("Votre implication", "Your involvement"), Questions: []SheetQuestion{
				{Text: tr("Au cours des 12 derniers mois, avez-vous fait du bénévolat ?", "In the last 12 months, did you volunteer?"), Kind: SheetSingle,
					Choices: []string{tr("Oui", "Yes"), tr("Non", "No")}, Required: true, Decline: decline},
				{Text: tr("Dans quels domaines ?", "In which fields?"), Help: tr("Plusieurs réponses possibles.", "Several answers possible."), Kind: SheetMultiple,
					Condition: tr("Si Oui à la question 1 :", "If Yes to question 1:"),
					Choices: []string{tr("Sports et loisirs", "Sports and leisure"), tr("Aide alimentaire", "Food aid"), tr("Éducation", "Education"), tr("Santé", "Health"),
						"Culture", tr("Environnement", "Environment"), tr("Défense des droits", "Rights advocacy"), tr("Autre", "Other")}},
				{Text: tr("Combien d’heures par mois, environ ?", "About how many hours a month?"), Kind: SheetNumber, Decline: decline},
			}},
			{Title: tr("Votre milieu", "Where you live"), Questions: []SheetQuestion{
				{Text: tr("« Je me sens chez moi dans ma municipalité. »", "“I feel at home in my municipality.”"), Kind: SheetScale, Choices: agree, Required: true},
				{Text: tr("Sur une échelle de 0 à 10, à quel point êtes-vous satisfait de la vie dans votre communauté ?", "On a scale from 0 to 10, how satisfied are you with life in your community?"),
					Help: tr("0 = pas du tout satisfait, 10 = tout à fait satisfait.", "0 = not at all satisfied, 10 = completely satisfied."), Kind: SheetScale, Choices: zeroToTen},
				{Text: tr("Dans quelle municipalité habitez-vous ?", "Which municipality do you live in?"), Kind: SheetSingle,
					Choices: []string{tr("Bécancour — secteur Gentilly, Sainte-Angèle-de-Laval, Précieux-Sang, Saint-Grégoire, Sainte-Gertrude et Bécancour",
						"Bécancour — Gentilly, Sainte-Angèle-de-Laval, Précieux-Sang, Saint-Grégoire, Sainte-Gertrude and Bécancour sectors"),
						"Deschaillons-sur-Saint-Laurent", "Fortierville", "Parisville", "Sainte-Cécile-de-Lévrard", "Sainte-Françoise", "Sainte-Marie-de-Blandford",
						"Sainte-Sophie-de-Lévrard", "Saint-Pierre-les-Becquets", "Saint-Sylvère", "Wôlinak"}},
				{Text: tr("Qu’est-ce qui vous aiderait à vous impliquer davantage ? Pensez au temps dont vous disposez, au transport, à la garde des enfants, à l’information sur les besoins des organismes de votre secteur et à tout ce qui, aujourd’hui, vous en empêche.",
					"What would help you get more involved? Think of the time you have, transport, childcare, news of what the organisations near you need, and whatever stops you today."),
					Kind: SheetText, Lines: 5},
			}},
		},
	}
}

func TestWriteQuestionnairePDF(t *testing.T) {
	for _, lang := range []string{"fr", "en"} {
		t.Run(lang, func(t *testing.T) {
			s := questionnaire(lang)
			var buf bytes.Buffer
			if err := WriteQuestionnairePDF(&buf, s); err != nil {
				t.Fatal(err)
			}
			pdf := buf.Bytes()
			checkPDF(t, pdf)
			pages := len(pageObject.FindAll(pdf, -1))
			if pages < 2 || pages > 4 {
				t.Errorf("%d pages, want 2 to 4 for seven questions", pages)
			}
			checkDeterministic(t, pdf, func(w io.Writer) error { return WriteQuestionnairePDF(w, s) })
			if dir := os.Getenv("IMPLIQUE_SCREENSHOTS"); dir != "" {
				_ = os.WriteFile(fmt.Sprintf("%s/questionnaire-%s.pdf", dir, lang), pdf, 0o644)
			}

			text, ok := pdfToText(t, pdf, false)
			if !ok {
				return
			}
			flat := strings.Join(strings.Fields(text), " ")
			wants := []string{s.Title, "Sainte-Cécile-de-Lévrard", "Wôlinak", "7.", "Bécancour —"}
			if lang == "fr" {
				wants = append(wants, "No du formulaire", "« Je me sens chez moi dans ma municipalité. »", "Qu’est-ce qui vous aiderait",
					"Je préfère ne pas répondre", "Tout à fait d’accord", "Éducation", "Si Oui à la question 1", "* Réponse obligatoire", "avez-vous fait du bénévolat ?")
			} else {
				wants = append(wants, "Form number", "did you volunteer?", "I prefer not to answer", "Neither agree nor disagree", "* Answer required",
					"“I feel at home in my municipality.”", "What would help you get more involved?")
			}
			for _, want := range wants {
				if !strings.Contains(flat, want) {
					t.Errorf("text lacks %q:\n%s", want, text)
				}
			}
			// The page numbers (the text extraction may drop their spaces).
			squeezed := strings.Join(strings.Fields(text), "")
			for p := range pages {
				if want := fmt.Sprintf("%d/%d", p+1, pages); !strings.Contains(squeezed, want) {
					t.Errorf("text lacks page number %q", want)
				}
			}
		})
	}
}

func TestQuestionnaireLayout(t *testing.T) {
	s := questionnaire("fr")
	// Enough questions for several pages, one taller than a page.
	var more []SheetQuestion
	for i := range 12 {
		more = append(more, SheetQuestion{Text: fmt.Sprintf("Question supplémentaire %d, assez longue pour aller à la ligne : qu’aimeriez-vous dire aux organismes de la MRC de Bécancour au sujet de l’accueil des nouveaux bénévoles ?", i+1),
			Kind: SheetText, Lines: 4 + i%3})
	}
	more = append(more, SheetQuestion{Text: "Racontez-nous.", Kind: SheetText, Lines: 30})
	s.Sections = append(s.Sections, SheetSection{Title: "Suite", Questions: more}, SheetSection{Title: "Section vide"})

	pdf := newPDF(s.Title, s.Lang, s.Created)
	pages, err := planQuestionnaire(pdf, s)
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) < 4 {
		t.Errorf("%d pages, want at least 4", len(pages))
	}
	onPage := map[int][]int{} // question → pages
	last := 0
	for pi, page := range pages {
		if len(page) == 0 {
			t.Errorf("page %d is empty", pi+1)
		}
		for _, it := range page {
			if it.y < qsBodyTop-1e-9 || it.y+it.h > qsBodyBottom+1e-9 {
				t.Errorf("page %d: item from %.1f to %.1f mm, outside %.1f–%.1f", pi+1, it.y, it.y+it.h, qsBodyTop, qsBodyBottom)
			}
			if it.question < last {
				t.Errorf("page %d: question %d after question %d", pi+1, it.question, last)
			}
			last = it.question
			if ps := onPage[it.question]; len(ps) == 0 || ps[len(ps)-1] != pi {
				onPage[it.question] = append(ps, pi)
			}
		}
	}
	if want := 7 + len(more); last != want {
		t.Errorf("last question %d, want %d", last, want)
	}
	for q, ps := range onPage {
		if q == last {
			if len(ps) < 2 {
				t.Errorf("question %d, taller than a page, is on pages %v", q, ps)
			}
			continue
		}
		if len(ps) != 1 {
			t.Errorf("question %d is split across pages %v", q, ps)
		}
	}

	// A long question wraps within its column.
	items, err := questionItems(pdf, false, 3, more[0])
	if err != nil {
		t.Fatal(err)
	}
	lines := 0
	for _, it := range items {
		if it.h == qsTextLH {
			lines++
		}
	}
	if lines < 2 {
		t.Errorf("long question on %d lines, want several", lines)
	}
	pdf.SetFont(fontFamily, "B", qsTextSize)
	for _, l := range wrapText(pdf, pdfText(more[0].Text, true), qsAnswerW) {
		if w := pdf.GetStringWidth(l); w > qsAnswerW {
			t.Errorf("line %q is %.1f mm wide, column %.1f", l, w, qsAnswerW)
		}
	}

	var buf bytes.Buffer
	if err := WriteQuestionnairePDF(&buf, s); err != nil {
		t.Fatal(err)
	}
	checkPDF(t, buf.Bytes())
	if got := len(pageObject.FindAll(buf.Bytes(), -1)); got != len(pages) {
		t.Errorf("file has %d pages, plan %d", got, len(pages))
	}
}

func TestQuestionnaireChoices(t *testing.T) {
	pdf := newPDF("", "fr", time.Time{})
	// Short choices share a line; many short ones make columns; long
	// ones take a line each.
	if got := len(choiceItems(pdf, []string{"Oui", "Non"}, true)); got != 1 {
		t.Errorf("Oui / Non on %d lines, want 1", got)
	}
	many := []string{"Sports et loisirs", "Aide alimentaire", "Éducation", "Santé", "Culture", "Environnement", "Défense des droits", "Autre"}
	if got := len(choiceItems(pdf, many, false)); got < 3 || got > 4 {
		t.Errorf("eight short choices on %d lines, want 3 or 4 (columns)", got)
	}
	long := []string{strings.Repeat("Une réponse très longue qui ne tient pas sur une ligne ", 3), "Non"}
	items := choiceItems(pdf, long, true)
	if len(items) != 2 || items[0].h <= items[1].h {
		t.Errorf("long choice: %d items, heights %v", len(items), items)
	}
	// 0 to 10 on one row; five agreement points on one row, labels
	// wrapped; twenty points wrap onto rows.
	ten := make([]string, 11)
	for i := range ten {
		ten[i] = fmt.Sprint(i)
	}
	if got := len(scaleItems(pdf, ten)); got != 1 {
		t.Errorf("0 to 10 on %d rows, want 1", got)
	}
	if got := len(scaleItems(pdf, []string{"Tout à fait d’accord", "Plutôt d’accord", "Ni d’accord ni en désaccord", "Plutôt en désaccord", "Tout à fait en désaccord"})); got != 1 {
		t.Errorf("agreement on %d rows, want 1", got)
	}
	twenty := make([]string, 20)
	for i := range twenty {
		twenty[i] = fmt.Sprintf("Point %d", i+1)
	}
	if got := len(scaleItems(pdf, twenty)); got < 2 {
		t.Errorf("twenty points on %d rows, want several", got)
	}
}

func TestQuestionnaireErrors(t *testing.T) {
	s := questionnaire("fr")
	s.Sections[0].Questions[1].Kind = "agree"
	if err := WriteQuestionnairePDF(&bytes.Buffer{}, s); err == nil || !strings.Contains(err.Error(), `"agree"`) {
		t.Errorf("unknown kind: error %v", err)
	}
	// An empty sheet is one page with its header.
	var buf bytes.Buffer
	if err := WriteQuestionnairePDF(&buf, QuestionnaireSheet{Title: "Vide", Created: time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	if pages := len(pageObject.FindAll(buf.Bytes(), -1)); pages != 1 {
		t.Errorf("empty sheet: %d pages", pages)
	}
}
