package web_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"implique/internal/auth"
	"implique/internal/db"
	"implique/internal/db/dbtest"
	"implique/internal/events"
	"implique/internal/jobs"
	"implique/internal/orgs"
	"implique/internal/territory"
)

// orgClock stops the clock on 15 March 2026 in the territory.
func (e *env) orgClock() {
	e.app.Clock.Set(time.Date(2026, 3, 15, 16, 0, 0, 0, time.UTC))
}

func orgByName(t *testing.T, e *env, name string) orgs.Organization {
	t.Helper()
	list, _, err := e.orgs.List(context.Background(), e.territory.ID, orgs.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range list {
		if o.Name == name {
			return o
		}
	}
	t.Fatalf("no organisation %q", name)
	return orgs.Organization{}
}

// postMultipart sends a form with one file, as a browser does.
func (c *client) postMultipart(path string, fields url.Values, fileField, fileName string, file []byte) response {
	c.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range fields {
		for _, v := range vs {
			_ = mw.WriteField(k, v)
		}
	}
	if fileField != "" {
		fw, _ := mw.CreateFormFile(fileField, fileName)
		_, _ = fw.Write(file)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", c.e.srv.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

func section(t *testing.T, body, id string) string {
	t.Helper()
	i := strings.Index(body, `id="`+id+`"`)
	if i < 0 {
		t.Fatalf("no section %s", id)
	}
	s := body[i:]
	if j := strings.Index(s, "</section>"); j > 0 {
		s = s[:j]
	}
	return s
}

func TestStaffOrganizations(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.orgClock()
		ctx := context.Background()
		tid := e.territory.ID
		e.user("anim@exemple.org", auth.RoleFacilitator)
		c := e.client(t)
		c.signIn("anim@exemple.org")

		t.Run("the staff area links to organisations, the radar and the log", func(t *testing.T) {
			expectContains(t, c.get("/admin"), `href="/admin/organismes"`, `href="/admin/releve"`, `href="/admin/accompagnement"`, "Organismes et relève")
			r := c.get("/admin/organismes")
			expectStatus(t, r, 200)
			expectContains(t, r, "Aucun organisme n’est encore inscrit.", `href="/admin/organismes/nouveau"`, `href="/admin/importer-organismes"`)
			expectContains(t, c.get("/"), `href="/organismes"`)
		})

		var loisirs orgs.Organization
		t.Run("create: French messages on bad input, nothing written", func(t *testing.T) {
			r := c.get("/admin/organismes/nouveau")
			expectStatus(t, r, 200)
			expectContains(t, r, `name="places" value="manseau"`, "Sports et loisirs", `name="public" value="1" checked`)
			r = c.post("/admin/organismes", url.Values{"name": {" "}, "kind": {"secte"}, "contact_email": {"loisirs"},
				"website": {"pas une adresse"}, "mission": {"Animer le village"}})
			expectStatus(t, r, 422)
			expectContains(t, r, "Ce champ est obligatoire.", "Choisissez un type d’organisme de la liste.",
				"Entrez une adresse courriel valide", "Entrez une adresse web complète", "Animer le village", `href="#name"`)
			if _, n, _ := e.orgs.List(ctx, tid, orgs.Filter{}); n != 0 {
				t.Fatalf("bad forms wrote %d organisations", n)
			}
			r = c.post("/admin/organismes", url.Values{"name": {"Comité des loisirs de Manseau"}, "kind": {"citizen_committee"},
				"mission": {"Fêtes, patinoire et soccer pour les jeunes."}, "places": {"manseau"}, "causes": {"sports_recreation", "youth"},
				"contact_email": {"loisirs@manseau.exemple"}, "public": {"1"}})
			expectStatus(t, r, 303)
			r = c.follow(r)
			expectStatus(t, r, 200)
			expectContains(t, r, "L’organisme est ajouté.", "Comité des loisirs de Manseau", "Aucun poste n’est inscrit", "À évaluer")
			loisirs = orgByName(t, e, "Comité des loisirs de Manseau")
			r = c.post("/admin/organismes", url.Values{"name": {"comité des loisirs de manseau"}, "kind": {"nonprofit"}})
			expectStatus(t, r, 409)
			expectContains(t, r, "Un organisme porte déjà ce nom dans le territoire.")
		})
		orgPath := "/admin/organismes/" + itoa(loisirs.ID)

		t.Run("seats: end before start and an unknown person are refused, then saved", func(t *testing.T) {
			r := c.post(orgPath+"/postes", url.Values{"role": {"president"}, "holder": {"new"}, "holder_name": {"Marie Côté"},
				"term_start": {"2026-06-01"}, "term_end": {"2025-06-01"}})
			expectStatus(t, r, 422)
			expectContains(t, r, "La fin du mandat ne peut pas précéder son début.", `id="term_end-err"`, `value="Marie Côté"`, `href="#nouveau-poste"`)
			r = c.post(orgPath+"/postes", url.Values{"role": {"president"}, "holder": {"987654"}})
			expectStatus(t, r, 422)
			expectContains(t, r, "Choisissez une personne de la liste, ou inscrivez une nouvelle personne.")
			r = c.post(orgPath+"/postes", url.Values{"role": {"president"}, "holder": {"abc"}})
			expectStatus(t, r, 422)
			if seats, _ := e.orgs.Seats(ctx, tid, loisirs.ID); len(seats) != 0 {
				t.Fatalf("refused seats written: %d", len(seats))
			}
			r = c.post(orgPath+"/postes", url.Values{"role": {"president"}, "title": {"Présidente"}, "holder": {"new"},
				"holder_name": {"Marie Côté"}, "holder_email": {"marie@exemple.org"}, "term_start": {"2024-05-01"}, "term_end": {"2026-05-01"}})
			expectStatus(t, r, 303)
			r = c.follow(r)
			expectContains(t, r, "Le poste est ajouté.", "Présidente", "marie@exemple.org", "jusqu’au 1er\u00a0mai 2026",
				"Risque élevé", "Le mandat de «\u00a0Présidente\u00a0» finit le 1er\u00a0mai 2026 (d’ici 3\u00a0mois)")
			r = c.post(orgPath+"/postes", url.Values{"role": {"treasurer"}, "holder": {"vacant"}, "open": {"1"}})
			expectStatus(t, r, 303)
			r = c.follow(r)
			expectContains(t, r, "Poste de direction vacant\u00a0: Trésorerie.", "Ouvert à la relève")
			// Marie is now offered in the holder list.
			if !regexp.MustCompile(`name="holder" value="\d+"[^>]*> Marie Côté`).MatchString(r.body) {
				t.Error("Marie is not offered as a holder")
			}
		})

		seats, _ := e.orgs.Seats(ctx, tid, loisirs.ID)
		pres, tres := seats[0], seats[1]
		seatPath := orgPath + "/postes/" + itoa(tres.ID)

		t.Run("edit a seat, then remove one after a confirmation", func(t *testing.T) {
			r := c.get(seatPath)
			expectStatus(t, r, 200)
			expectContains(t, r, `value="vacant" checked`, `name="open" value="1" checked`)
			r = c.post(seatPath, url.Values{"role": {"treasurer"}, "holder": {itoa(*pres.HolderID)}, "term_end": {"31/12/2027"}, "successor": {"1"}, "open": {"1"}})
			expectStatus(t, r, 303)
			expectContains(t, c.follow(r), "Le poste est enregistré.", "Relève identifiée")
			st, _ := e.orgs.Seat(ctx, tid, loisirs.ID, tres.ID)
			if st.Vacant() || st.TermEnd.String() != "2027-12-31" || !st.SuccessorIdentified {
				t.Errorf("seat after edit %+v", st)
			}
			added := c.post(orgPath+"/postes", url.Values{"role": {"member"}, "holder": {"vacant"}})
			expectStatus(t, added, 303)
			all, _ := e.orgs.Seats(ctx, tid, loisirs.ID)
			member := all[len(all)-1]
			del := orgPath + "/postes/" + itoa(member.ID) + "/retirer"
			r = c.get(del)
			expectStatus(t, r, 200)
			expectContains(t, r, "Êtes-vous certain ou certaine ?", "Le poste «\u00a0Membre\u00a0» sera retiré", `action="`+del+`"`)
			if n, _ := e.orgs.Seats(ctx, tid, loisirs.ID); len(n) != 3 {
				t.Fatal("the confirmation page removed the seat")
			}
			r = c.post(del, nil)
			expectStatus(t, r, 303)
			expectContains(t, c.follow(r), "Le poste est retiré.")
			if n, _ := e.orgs.Seats(ctx, tid, loisirs.ID); len(n) != 2 {
				t.Errorf("%d seats after removal", len(n))
			}
			expectStatus(t, c.post(del, nil), 404)
		})

		t.Run("policies: a document is checked, kept and downloaded", func(t *testing.T) {
			r := c.postMultipart(orgPath+"/politiques", url.Values{"policy_kind": {"volunteer_recognition"}, "adopted_on": {"2025-06-12"}},
				"document", "politique.exe", []byte("MZ…"))
			expectStatus(t, r, 422)
			expectContains(t, r, "Le document doit être un PDF", `href="#politiques"`)
			r = c.postMultipart(orgPath+"/politiques", url.Values{"policy_kind": {"volunteer_recognition"}, "adopted_on": {""}}, "", "", nil)
			expectStatus(t, r, 422)
			expectContains(t, r, `id="adopted_on-err"`)
			r = c.postMultipart(orgPath+"/politiques", url.Values{"policy_kind": {"volunteer_recognition"}, "adopted_on": {"2025-06-12"}},
				"document", "Politique de reconnaissance.pdf", []byte("%PDF-1.4 reconnaissance"))
			expectStatus(t, r, 303)
			r = c.follow(r)
			expectContains(t, r, "La politique adoptée est enregistrée.", "Politique de reconnaissance des bénévoles", "12\u00a0juin 2025")
			p, _ := e.orgs.Policies(ctx, tid, loisirs.ID)
			doc := c.get(orgPath + "/politiques/" + itoa(p[0].ID) + "/document")
			expectStatus(t, doc, 200)
			if doc.body != "%PDF-1.4 reconnaissance" || doc.Header.Get("Content-Type") != "application/pdf" ||
				!strings.HasPrefix(doc.Header.Get("Content-Disposition"), "attachment") {
				t.Errorf("document: %q %v", doc.body, doc.Header)
			}
			rm := orgPath + "/politiques/" + itoa(p[0].ID) + "/retirer"
			expectContains(t, c.get(rm), "L’adoption de «\u00a0Politique de reconnaissance des bénévoles\u00a0» sera retirée")
		})

		t.Run("managers: only an account with the role, removed after a confirmation", func(t *testing.T) {
			e.user("citoyenne@exemple.org", auth.RoleCitizen)
			mgr := e.user("gestion@exemple.org", auth.RoleOrganizationManager)
			r := c.post(orgPath+"/responsables", url.Values{"manager_email": {"personne@exemple.org"}})
			expectStatus(t, r, 422)
			expectContains(t, r, "Aucun compte de ce territoire n’a cette adresse.")
			r = c.post(orgPath+"/responsables", url.Values{"manager_email": {"citoyenne@exemple.org"}})
			expectStatus(t, r, 422)
			expectContains(t, r, "n’a pas le rôle «\u00a0Responsable d’organisme\u00a0»")
			r = c.post(orgPath+"/responsables", url.Values{"manager_email": {"Gestion@Exemple.org"}})
			expectStatus(t, r, 303)
			expectContains(t, c.follow(r), "Ce compte peut maintenant mettre la fiche de l’organisme à jour.", "gestion@exemple.org")
			rm := orgPath + "/responsables/" + itoa(mgr.ID) + "/retirer"
			expectContains(t, c.get(rm), "ne pourra plus mettre à jour Comité des loisirs de Manseau")
			expectStatus(t, c.get(orgPath+"/responsables/999999/retirer"), 404)
		})

		t.Run("co-organised events network two organisations", func(t *testing.T) {
			loc := e.territory.Location()
			ev, err := e.events.Create(ctx, tid, 0, events.Input{Kind: events.Forum, Title: "Forum de la relève", PlaceSlug: "manseau",
				VenueName: "Salle", StartsAt: time.Date(2026, 2, 7, 13, 0, 0, 0, loc), EndsAt: time.Date(2026, 2, 7, 16, 0, 0, 0, loc)})
			if err != nil {
				t.Fatal(err)
			}
			other, err := e.orgs.Create(ctx, tid, 0, orgs.Input{Name: "Conseil municipal de Manseau", Kind: orgs.MunicipalCouncil, PlaceSlugs: []string{"manseau"}})
			if err != nil {
				t.Fatal(err)
			}
			if err := e.orgs.LinkEvent(ctx, tid, other.ID, ev.ID); err != nil {
				t.Fatal(err)
			}
			r := c.post(orgPath+"/evenements", url.Values{"event": {"999999"}})
			expectStatus(t, r, 422)
			r = c.post(orgPath+"/evenements", url.Values{"event": {itoa(ev.ID)}})
			expectStatus(t, r, 303)
			r = c.follow(r)
			expectContains(t, r, "Forum de la relève", "Conseil municipal de Manseau")
			ind, _ := e.orgs.YearIndicators(ctx, tid)
			if ind.Networked != 2 {
				t.Errorf("networked %d", ind.Networked)
			}
		})

		t.Run("the radar, its settings, a person's seats", func(t *testing.T) {
			r := c.get("/admin/releve")
			expectStatus(t, r, 200)
			expectContains(t, r, "Comité des loisirs de Manseau", "Risque élevé", "Marie Côté", "Mandats qui finissent d’ici 12\u00a0mois")
			atRisk := section(t, r.body, "a-risque")
			if !strings.Contains(atRisk, "Le mandat de «\u00a0Présidente\u00a0» finit le 1er\u00a0mai 2026") {
				t.Errorf("reasons: %s", atRisk)
			}
			expectContains(t, c.get("/admin/releve?lieu=manseau&horizon=3"), "Mandats qui finissent d’ici 3\u00a0mois", "Présidente")
			expectStatus(t, c.get("/admin/releve?lieu=paris"), 404)
			r = c.post("/admin/releve/reglages", url.Values{"hats_threshold": {"1"}, "long_service_years": {"8"}})
			expectStatus(t, r, 422)
			expectContains(t, r, "Entrez un nombre entier dans les limites indiquées.", `id="hats_threshold-err"`, `value="8"`)
			r = c.post("/admin/releve/reglages", url.Values{"hats_threshold": {"2"}, "long_service_years": {"8"}})
			expectStatus(t, r, 303)
			r = c.follow(r)
			expectContains(t, r, "Les seuils du radar sont enregistrés.", `value="2"`)
			if !strings.Contains(section(t, r.body, "chapeaux"), "Marie Côté") {
				t.Error("Marie holds two seats: with a threshold of 2, she wears many hats")
			}
			r = c.get("/admin/personnes?q=cote")
			expectStatus(t, r, 200)
			expectContains(t, r, "1 personne", "Marie Côté")
			r = c.get("/admin/personnes/" + itoa(*pres.HolderID))
			expectStatus(t, r, 200)
			expectContains(t, r, "Présidente", "Trésorerie", "Comité des loisirs de Manseau")
			r = c.post("/admin/personnes/"+itoa(*pres.HolderID), url.Values{"name": {"Marie Côté"}, "email": {"marie@exemple.org"},
				"account_email": {"inconnu@exemple.org"}})
			expectStatus(t, r, 422)
			expectContains(t, r, "Aucun compte de ce territoire n’a cette adresse.")
			r = c.post("/admin/personnes/"+itoa(*pres.HolderID), url.Values{"name": {"Marie Côté"}, "email": {"marie@exemple.org"},
				"name_public": {"1"}, "account_email": {"gestion@exemple.org"}})
			expectStatus(t, r, 303)
			p, _ := e.orgs.Person(ctx, tid, *pres.HolderID)
			if !p.NamePublic || p.UserID == nil {
				t.Errorf("person after save %+v", p)
			}
			expectStatus(t, c.get("/admin/personnes/999999"), 404)
		})

		t.Run("accompaniment: refused, logged, due, done", func(t *testing.T) {
			r := c.get("/admin/accompagnement")
			expectStatus(t, r, 200)
			expectContains(t, r, "Aucun suivi n’est dû.", `value="2026-03-15"`)
			r = c.post("/admin/accompagnement", url.Values{"organization": {""}, "happened_on": {"2026-03-10"}, "topic": {""},
				"follow_up_on": {"2026-03-01"}, "notes": {"Notes gardées"}})
			expectStatus(t, r, 422)
			expectContains(t, r, "Le suivi ne peut pas précéder l’accompagnement.", "Notes gardées", `id="topic-err"`, `id="organization-err"`)
			r = c.post("/admin/accompagnement", url.Values{"organization": {itoa(loisirs.ID)}, "happened_on": {"2026-03-01"},
				"topic": {"Préparer l’assemblée générale"}, "people": {"La présidente"}, "next_step": {"Envoyer l’avis de convocation"},
				"follow_up_on": {"2026-03-12"}})
			expectStatus(t, r, 303)
			r = c.follow(r)
			expectContains(t, r, "L’accompagnement est noté au journal.", "Préparer l’assemblée générale")
			due := section(t, r.body, "a-faire")
			if !strings.Contains(due, "Comité des loisirs de Manseau") || !strings.Contains(due, "Envoyer l’avis de convocation") {
				t.Errorf("due: %s", due)
			}
			list, _ := e.orgs.Accompaniments(ctx, tid, orgs.AccompanimentFilter{})
			r = c.post("/admin/accompagnement/"+itoa(list[0].ID)+"/suivi", url.Values{"done": {"1"}})
			expectStatus(t, r, 303)
			expectContains(t, c.follow(r), "Le suivi est marqué comme fait.", "Aucun suivi n’est dû.")
			expectContains(t, c.get(orgPath), "Préparer l’assemblée générale")
			ind, _ := e.orgs.YearIndicators(ctx, tid)
			if ind.Accompanied != 1 || ind.AccompaniedAndNetworked != 1 {
				t.Errorf("indicators %+v", ind)
			}
			r = c.get("/admin/politiques")
			expectStatus(t, r, 200)
			expectContains(t, r, "1 sur 2", "50\u00a0%", "Accompagnés en 2026")
		})

		t.Run("the public directory shows seats, never holders' names without consent", func(t *testing.T) {
			pub := e.client(t)
			r := pub.get("/organismes")
			expectStatus(t, r, 200)
			expectContains(t, r, "Comité des loisirs de Manseau", "1 poste ouvert à la relève")
			if strings.Contains(r.body, "Conseil municipal de Manseau") {
				t.Error("a record not made public is in the directory")
			}
			expectContains(t, pub.get("/organismes?q=PATINOIRE"), "Comité des loisirs de Manseau")
			expectContains(t, pub.get("/organismes?lieu=lemieux"), "Aucun organisme ne correspond à cette recherche.")
			expectContains(t, pub.get("/organismes?cause=youth"), "Comité des loisirs de Manseau")
			expectStatus(t, pub.get("/organismes?lieu=atlantide"), 404)
			r = pub.get("/organismes/" + loisirs.Slug)
			expectStatus(t, r, 200)
			// Marie agreed: her name shows. Her e-mail never does.
			expectContains(t, r, "Présidente", "Marie Côté", "Ouvert à la relève", "S’impliquer")
			if strings.Contains(r.body, "marie@exemple.org") || strings.Contains(r.body, "Mettre la fiche à jour") {
				t.Error("the public page shows a holder's e-mail or the edit link")
			}
			if _, err := e.orgs.UpdatePerson(ctx, tid, *pres.HolderID, orgs.PersonInput{Name: "Marie Côté", Email: "marie@exemple.org"}); err != nil {
				t.Fatal(err)
			}
			e.changedBehindTheSite(t)
			if r := pub.get("/organismes/" + loisirs.Slug); strings.Contains(r.body, "Marie Côté") || !strings.Contains(r.body, "poste occupé") {
				t.Error("a holder's name shows without consent")
			}
			expectStatus(t, pub.get("/organismes/conseil-municipal-de-manseau"), 404)
			expectStatus(t, pub.get("/organismes/nulle-part"), 404)
			expectContains(t, c.get("/organismes/"+loisirs.Slug), `href="`+orgPath+`"`)
		})

		t.Run("refused to citizens, communications, partners, managers and anonymous", func(t *testing.T) {
			urls := []struct{ method, path string }{
				{"GET", "/admin/organismes"}, {"GET", "/admin/organismes/nouveau"}, {"POST", "/admin/organismes"},
				{"GET", orgPath}, {"POST", orgPath}, {"GET", orgPath + "/modifier"}, {"POST", orgPath + "/postes"},
				{"GET", seatPath}, {"POST", seatPath}, {"GET", seatPath + "/retirer"}, {"POST", seatPath + "/retirer"},
				{"POST", orgPath + "/politiques"}, {"POST", orgPath + "/responsables"}, {"POST", orgPath + "/evenements"},
				{"GET", "/admin/personnes"}, {"GET", "/admin/personnes/" + itoa(*pres.HolderID)}, {"POST", "/admin/personnes/" + itoa(*pres.HolderID)},
				{"GET", "/admin/releve"}, {"POST", "/admin/releve/reglages"}, {"GET", "/admin/accompagnement"},
				{"POST", "/admin/accompagnement"}, {"GET", "/admin/politiques"},
				{"GET", "/mes-organismes/" + itoa(loisirs.ID)}, {"POST", "/mes-organismes/" + itoa(loisirs.ID) + "/postes"},
			}
			form := url.Values{"name": {"Intrus"}, "kind": {"nonprofit"}, "role": {"member"}, "holder": {"vacant"},
				"hats_threshold": {"9"}, "long_service_years": {"9"}, "organization": {itoa(loisirs.ID)}, "topic": {"x"}, "happened_on": {"2026-03-01"}}
			e.user("comm@exemple.org", auth.RoleCommunications)
			e.user("partenaire@exemple.org", auth.RolePartner)
			e.user("autre.gestion@exemple.org", auth.RoleOrganizationManager)
			for _, who := range []string{"citoyenne@exemple.org", "comm@exemple.org", "partenaire@exemple.org", "autre.gestion@exemple.org"} {
				cl := e.client(t)
				cl.signIn(who)
				for _, u := range urls {
					var r response
					if u.method == "GET" {
						r = cl.get(u.path)
					} else {
						r = cl.post(u.path, form)
					}
					if r.StatusCode != 403 {
						t.Errorf("%s %s %s: status %d, want 403", who, u.method, u.path, r.StatusCode)
					}
				}
			}
			anon := e.client(t)
			for _, u := range urls {
				var r response
				if u.method == "GET" {
					r = anon.get(u.path)
				} else {
					r = anon.post(u.path, form)
				}
				if r.StatusCode != 303 || !strings.HasPrefix(r.Header.Get("Location"), "/connexion") {
					t.Errorf("anonymous %s %s: status %d", u.method, u.path, r.StatusCode)
				}
			}
			if _, n, _ := e.orgs.List(ctx, tid, orgs.Filter{}); n != 2 {
				t.Errorf("refused requests wrote organisations: %d", n)
			}
			if st, _ := e.orgs.Settings(ctx, tid); st.HatsThreshold != 2 {
				t.Errorf("a refused request changed the settings: %+v", st)
			}
		})

		t.Run("another territory's organisation is 404", func(t *testing.T) {
			ts := territory.NewStore(d)
			other, err := ts.Create(ctx, "mrc-nicolet-yamaska", territory.Settings{Name: "MRC de Nicolet-Yamaska"})
			if err != nil {
				t.Fatal(err)
			}
			theirs, err := e.orgs.Create(ctx, other.ID, 0, orgs.Input{Name: "Chez les voisins", Kind: orgs.Nonprofit, Public: true})
			if err != nil {
				t.Fatal(err)
			}
			id := itoa(theirs.ID)
			expectStatus(t, c.get("/admin/organismes/"+id), 404)
			expectStatus(t, c.post("/admin/organismes/"+id+"/postes", url.Values{"role": {"member"}}), 404)
			expectStatus(t, c.get("/organismes/"+theirs.Slug), 404)
			expectStatus(t, c.get("/admin/organismes/abc"), 404)
			if strings.Contains(c.get("/admin/organismes").body, "Chez les voisins") {
				t.Error("the list shows another territory's organisation")
			}
			if seats, _ := e.orgs.Seats(ctx, other.ID, theirs.ID); len(seats) != 0 {
				t.Error("a seat was added to another territory's organisation")
			}
		})
	})
}

// TestManagerOrganization: an organisation manager keeps their own
// organisation up to date from /mes-organismes, and nothing else.
func TestManagerOrganization(t *testing.T) {
	dbtest.Run(t, jobs.MigrateAll, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.orgClock()
		ctx := context.Background()
		tid := e.territory.ID
		mgr := e.user("gestion@exemple.org", auth.RoleOrganizationManager)
		mine, err := e.orgs.Create(ctx, tid, 0, orgs.Input{Name: "Club de l’âge d’or de Fortierville", Kind: orgs.Nonprofit,
			PlaceSlugs: []string{"fortierville"}, Public: true})
		if err != nil {
			t.Fatal(err)
		}
		theirs, err := e.orgs.Create(ctx, tid, 0, orgs.Input{Name: "Comité culturel de Gentilly", Kind: orgs.CitizenCommittee})
		if err != nil {
			t.Fatal(err)
		}
		// A person of another organisation, whom the manager must not reach.
		other, err := e.orgs.AddSeat(ctx, tid, theirs.ID, orgs.SeatInput{Role: orgs.President, NewHolder: &orgs.PersonInput{Name: "Lise Noël", Email: "lise@exemple.org", Phone: "819 555-0142"}})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.orgs.AddManager(ctx, tid, mine.ID, mgr.ID); err != nil {
			t.Fatal(err)
		}
		c := e.client(t)
		c.signIn("gestion@exemple.org")
		base := "/mes-organismes/" + itoa(mine.ID)

		r := c.get("/")
		expectContains(t, r, `href="/mes-organismes"`)
		if strings.Contains(r.body, `href="/admin"`) {
			t.Error("a manager is offered the staff area")
		}
		r = c.get("/mes-organismes")
		expectStatus(t, r, 200)
		expectContains(t, r, "Club de l’âge d’or de Fortierville", `href="`+base+`"`, "À évaluer")
		if strings.Contains(r.body, "Comité culturel de Gentilly") {
			t.Error("another organisation is listed")
		}
		r = c.get(base)
		expectStatus(t, r, 200)
		expectContains(t, r, "Radar de la relève", `action="`+base+`/postes"`, `href="/mes-organismes"`)
		for _, staffOnly := range []string{"Responsables de l’organisme", "Événements coorganisés", `href="/admin`} {
			if strings.Contains(r.body, staffOnly) {
				t.Errorf("the manager's page shows %q", staffOnly)
			}
		}

		// The same mistakes are refused in French.
		r = c.post(base+"/postes", url.Values{"role": {"president"}, "holder": {"new"}, "holder_name": {"Paul Roy"},
			"term_start": {"2026-01-01"}, "term_end": {"2025-12-31"}})
		expectStatus(t, r, 422)
		expectContains(t, r, "La fin du mandat ne peut pas précéder son début.")
		// A person of another organisation cannot be picked, even by number.
		r = c.post(base+"/postes", url.Values{"role": {"president"}, "holder": {itoa(*other.HolderID)}})
		expectStatus(t, r, 422)
		expectContains(t, r, "Choisissez une personne de la liste")
		// Nor reached by typing their name: a new person is created.
		r = c.post(base+"/postes", url.Values{"role": {"president"}, "holder": {"new"}, "holder_name": {"Lise Noël"},
			"term_end": {"2026-04-30"}})
		expectStatus(t, r, 303)
		r = c.follow(r)
		expectContains(t, r, "Le poste est ajouté.", "Lise Noël", "Risque élevé")
		if strings.Contains(r.body, "lise@exemple.org") || strings.Contains(r.body, "819 555-0142") {
			t.Error("the manager sees another organisation's person's contact")
		}
		seats, _ := e.orgs.Seats(ctx, tid, mine.ID)
		if *seats[0].HolderID == *other.HolderID {
			t.Error("a manager's name-only entry reached another organisation's person")
		}

		// Their own record: edit it.
		r = c.post(base, url.Values{"name": {"Club de l’âge d’or de Fortierville"}, "kind": {"nonprofit"}, "places": {"fortierville"},
			"mission": {"Des activités pour les 50 ans et plus."}, "public": {"1"}})
		expectStatus(t, r, 303)
		expectContains(t, c.follow(r), "La fiche de l’organisme est enregistrée.")
		expectContains(t, c.get("/organismes/"+mine.Slug), "Des activités pour les 50 ans et plus.", `href="`+base+`"`)

		// Another organisation, the staff pages: refused.
		for _, p := range []string{"/mes-organismes/" + itoa(theirs.ID), "/mes-organismes/" + itoa(theirs.ID) + "/modifier",
			"/admin", "/admin/organismes", "/admin/organismes/" + itoa(mine.ID), "/admin/releve", "/admin/personnes/" + itoa(*other.HolderID)} {
			if r := c.get(p); r.StatusCode != 403 {
				t.Errorf("GET %s: status %d, want 403", p, r.StatusCode)
			}
		}
		expectStatus(t, c.post("/mes-organismes/"+itoa(theirs.ID)+"/postes", url.Values{"role": {"member"}}), 403)
		expectStatus(t, c.post("/admin/organismes/"+itoa(mine.ID)+"/responsables", url.Values{"manager_email": {"x@exemple.org"}}), 403)
		expectStatus(t, c.get("/mes-organismes/999999"), 404)
		if seats, _ := e.orgs.Seats(ctx, tid, theirs.ID); len(seats) != 1 {
			t.Errorf("another organisation has %d seats", len(seats))
		}

		// Once the link is removed, the organisation is closed to them.
		if err := e.orgs.RemoveManager(ctx, tid, mine.ID, mgr.ID); err != nil {
			t.Fatal(err)
		}
		expectStatus(t, c.get(base), 403)
		expectContains(t, c.get("/mes-organismes"), "Votre compte n’est lié à aucun organisme.")
	})
}
