package demo

import (
	"bytes"
	"context"
	"fmt"

	"implique/internal/app"
	"implique/internal/committee"
	"implique/internal/events"
	"implique/internal/territory"
)

// committeeMember is a partner of the seed and the fictional person who
// represents it; account names the demo's partner login, when they have one.
type committeeMember struct {
	org, representative, title, account string
	joined                              int
}

var committeeMembers = []committeeMember{
	{"CIUSSS de la Mauricie-et-du-Centre-du-Québec", "Sophie Laroche", "Organisatrice communautaire", "", -300},
	{"MRC de Bécancour", "Martin Pellerin", "Agent de développement", "", -300},
	{"Loisir Sport Centre-du-Québec", "Isabelle Côté", "Conseillère en loisir", "", -300},
	{"Corporation de développement communautaire de la MRC de Bécancour", "Louise Provencher", "Directrice générale",
		"louise.provencher@demo.implique.test", -300},
}

// committeeMeeting is a meeting of the committee, days from today, with
// what it decided and what it left to do.
type committeeMeeting struct {
	day        int
	venue      string
	agenda     string
	minutes    string
	attendance int
	decisions  []string
	followUps  []committee.ItemInput
	// doneAfter marks the first follow-up done that many days after the meeting (0: still open).
	doneAfter int
}

var committeeMeetings = []committeeMeeting{
	{day: -70, venue: "Salle du conseil de la MRC", attendance: 7,
		agenda: "1. Mot de bienvenue\n2. Bilan des premiers soupers citoyens\n3. Préparation du forum\n4. Varia",
		minutes: "Présences\u00a0: les quatre organisations partenaires et l’équipe du Centre d’action bénévole.\n\n" +
			"Le bilan des premiers soupers citoyens est présenté\u00a0: la participation dépasse les attentes dans les petites municipalités.\n\n" +
			"Les partenaires conviennent de préparer ensemble le forum citoyen.",
		decisions: []string{"Le comité adopte le bilan des premiers soupers citoyens."},
		followUps: []committee.ItemInput{{Kind: committee.FollowUp, Body: "Transmettre le bilan des soupers aux conseils municipaux.",
			Owner: "MRC de Bécancour"}},
		doneAfter: 14},
	{day: -20, venue: "Centre d’action bénévole de la MRC de Bécancour", attendance: 6,
		agenda: "1. Suivi de la dernière rencontre\n2. Indicateurs du programme\n3. Recrutement de la relève\n4. Varia",
		minutes: "Le suivi de la dernière rencontre est fait\u00a0: le bilan a été transmis aux conseils municipaux.\n\n" +
			"Les partenaires discutent des indicateurs à suivre et de la relève dans les conseils d’administration.",
		decisions: []string{"Le comité retient trois indicateurs de participation pour le prochain bilan."},
		followUps: []committee.ItemInput{{Kind: committee.FollowUp, Body: "Proposer une formation sur la relève aux organismes.",
			Owner: "Loisir Sport Centre-du-Québec"}}},
	{day: 25, venue: "Salle du conseil de la MRC",
		agenda: "1. Suivi des décisions\n2. Bilan de l’année\n3. Calendrier des rencontres de l’an prochain\n4. Varia"},
}

// seedCommittee adds the partners' committee: the four partners of the
// program, two meetings held with their minutes, one to come and a document.
func seedCommittee(ctx context.Context, st *app.App, t territory.Territory, s *story) error {
	cs := st.Committee
	existing, err := cs.Members(ctx, t.ID)
	if err != nil || len(existing) > 0 {
		return err
	}
	staff, err := st.Auth.UserByEmail(ctx, "julie.tremblay@demo.implique.test")
	if err != nil {
		return err
	}
	for _, m := range committeeMembers {
		s.tellOn(m.joined, 10, 0)
		in := committee.MemberInput{OrganizationName: m.org, Representative: m.representative, Title: m.title,
			JoinedOn: s.day(m.joined).Format("2006-01-02")}
		if m.account != "" {
			u, err := st.Auth.UserByEmail(ctx, m.account)
			if err != nil {
				return err
			}
			in.UserID = u.ID
		}
		if _, err := cs.AddMember(ctx, t.ID, in); err != nil {
			return fmt.Errorf("demo committee member %s: %w", m.org, err)
		}
	}
	var first int64
	for _, dm := range committeeMeetings {
		s.tellOn(min(dm.day-21, -1), 10, 0)
		m, err := cs.CreateMeeting(ctx, t.ID, staff.ID, committee.MeetingInput{Title: "Comité des partenaires",
			Date: s.day(dm.day).Format("2006-01-02"), Start: "13:30", End: "15:30", PlaceSlug: "becancour",
			VenueName: dm.venue, Agenda: dm.agenda})
		if err != nil {
			return fmt.Errorf("demo committee meeting: %w", err)
		}
		if first == 0 {
			first = m.ID
		}
		if dm.minutes == "" {
			continue
		}
		s.tellOn(dm.day, 16, 0)
		n := dm.attendance
		if _, err := st.Events.Close(ctx, t.ID, m.EventID, events.Report{Attendance: &n}); err != nil {
			return err
		}
		s.tellOn(dm.day+3, 10, 0)
		if err := cs.SaveNotes(ctx, t.ID, m.ID, dm.agenda, dm.minutes); err != nil {
			return err
		}
		for _, d := range dm.decisions {
			if _, err := cs.AddItem(ctx, t.ID, m.ID, committee.ItemInput{Kind: committee.Decision, Body: d}); err != nil {
				return err
			}
		}
		var followUps []int64
		for _, f := range dm.followUps {
			f.DueOn = s.day(dm.day + 30).Format("2006-01-02")
			id, err := cs.AddItem(ctx, t.ID, m.ID, f)
			if err != nil {
				return err
			}
			followUps = append(followUps, id)
		}
		if err := cs.PublishMinutes(ctx, t.ID, m.ID, true); err != nil {
			return err
		}
		if dm.doneAfter > 0 && len(followUps) > 0 {
			s.tellOn(dm.day+dm.doneAfter, 11, 0)
			if err := cs.CompleteItem(ctx, t.ID, m.ID, followUps[0], true, ""); err != nil {
				return err
			}
		}
	}
	s.tellOn(committeeMeetings[0].day+4, 9, 0)
	_, err = cs.AddDocument(ctx, t.ID, staff.ID, committee.DocumentInput{Title: "Bilan des premiers soupers citoyens",
		FileName: "bilan-soupers.pdf", Data: onePagePDF("Bilan des premiers soupers citoyens"), MeetingID: first})
	return err
}

// onePagePDF is a small PDF of one page bearing a title.
func onePagePDF(title string) []byte {
	var b bytes.Buffer
	var offsets []int
	obj := func(body string) {
		offsets = append(offsets, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", len(offsets), body)
	}
	text := fmt.Sprintf("BT /F1 18 Tf 72 720 Td (%s) Tj ET", pdfText(title))
	b.WriteString("%PDF-1.4\n")
	obj("<< /Type /Catalog /Pages 2 0 R >>")
	obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
	obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>")
	obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	obj(fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(text), text))
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1)
	for _, o := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offsets)+1, xref)
	return b.Bytes()
}

// pdfText writes s in the Latin-1 of a PDF string (the title's accents).
func pdfText(s string) string {
	var b bytes.Buffer
	for _, r := range s {
		switch {
		case r == '(' || r == ')' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 128:
			b.WriteRune(r)
		case r < 256:
			fmt.Fprintf(&b, "\\%03o", r)
		}
	}
	return b.String()
}
