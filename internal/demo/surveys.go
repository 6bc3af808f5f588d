package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"strconv"
	"time"

	"implique/internal/app"
	"implique/internal/events"
	"implique/internal/survey"
	"implique/internal/territory"
)

// surveyPlace is a municipality or secteur and how many of its people
// answer a citizens' questionnaire of about 140 answers.
type surveyPlace struct {
	slug  string
	n     int
	rural bool // a parish far from the services, where transport holds people back
}

// answerers spread the answers of a questionnaire of the whole territory
// over its places, roughly as people live there: more in Bécancour's
// secteurs, Saint-Pierre-les-Becquets and Deschaillons; fewer than five in
// the smallest places, whose figures the small-numbers rule hides.
var answerers = []surveyPlace{
	{"becancour-saint-gregoire", 20, false},
	{"becancour-secteur-becancour", 14, false},
	{"becancour-gentilly", 14, false},
	{"saint-pierre-les-becquets", 13, false},
	{"deschaillons-sur-saint-laurent", 11, false},
	{"becancour-sainte-angele-de-laval", 9, false},
	{"manseau", 9, true},
	{"fortierville", 9, true},
	{"saint-sylvere", 6, true},
	{"parisville", 6, true},
	{"sainte-francoise", 6, true},
	{"sainte-sophie-de-levrard", 5, true},
	{"sainte-marie-de-blandford", 5, true},
	{"becancour-sainte-gertrude", 4, true},
	{"sainte-cecile-de-levrard", 4, true},
	{"becancour-precieux-sang", 3, true},
	{"lemieux", 3, true},
	{"wolinak", 2, false},
}

// SmallSurveyPlace is a place of the demo with fewer answers than the
// small-numbers rule's minimum in every citizens' wave.
const SmallSurveyPlace = "wolinak"

// surveyStaff types the paper forms.
const surveyStaff = "julie.tremblay@demo.implique.test"

// surveyor answers the demo's questionnaires as the story goes.
type surveyor struct {
	ctx   context.Context
	ss    *survey.Store
	tid   int64
	s     *story
	staff int64
	rnd   *rand.Rand
	rural map[string]bool
}

// seedSurveys loads the four questionnaires the product ships and answers
// them as the year went: the portrait of belonging and loneliness before
// the program began and its follow-up open now, the involvement profile,
// the opinions written at the soupers and the needs of the organisations.
// Only when the territory has no questionnaire yet.
func seedSurveys(ctx context.Context, st *app.App, t territory.Territory, s *story) (bool, error) {
	existing, err := st.Surveys.List(ctx, t.ID)
	if err != nil || len(existing) > 0 {
		return false, err
	}
	admin, err := st.Auth.UserByEmail(ctx, AdminEmail)
	if err != nil {
		return false, err
	}
	staff, err := st.Auth.UserByEmail(ctx, surveyStaff)
	if err != nil {
		return false, err
	}
	sv := &surveyor{ctx: ctx, ss: st.Surveys, tid: t.ID, s: s, staff: staff.ID, rnd: rand.New(rand.NewPCG(2025, 1001)),
		rural: map[string]bool{}}
	for _, p := range answerers {
		sv.rural[p.slug] = p.rural
	}
	load := func(key string, day int) (int64, error) {
		s.tellOn(day, 10, 0)
		id, err := sv.ss.LoadInstrument(ctx, t.ID, key, admin.ID)
		if err != nil {
			return 0, fmt.Errorf("demo questionnaire %s: %w", key, err)
		}
		return id, nil
	}

	// The portrait before the program, and its follow-up.
	belonging, err := load("appartenance-solitude", -364)
	if err != nil {
		return false, err
	}
	baseline, err := sv.wave(belonging, "Portrait", -363, -360, -321)
	if err != nil {
		return false, err
	}
	if err := sv.answerAll(baseline, sv.feelings(120, -360, -321, 0, 30), s.on(-320, 9, 0)); err != nil {
		return false, err
	}

	// The opinions written at the soupers, since the questionnaire came.
	feedback, err := load("retour-evenement", -95)
	if err != nil {
		return false, err
	}
	soupers, err := sv.wave(feedback, "Soupers", -94, -90, 0)
	if err != nil {
		return false, err
	}
	held, err := sv.heldSoupers(st.Events, -90)
	if err != nil {
		return false, err
	}
	opinions, err := sv.opinions(st.Events, held)
	if err != nil {
		return false, err
	}
	if err := sv.answerAll(soupers, opinions, time.Time{}); err != nil {
		return false, err
	}

	needs, err := load("besoins-organisations", -82)
	if err != nil {
		return false, err
	}
	needsWave, err := sv.wave(needs, "Besoins", -81, -75, 20)
	if err != nil {
		return false, err
	}
	if err := sv.answerAll(needsWave, sv.needs(-74, -4), time.Time{}); err != nil {
		return false, err
	}

	profile, err := load("profil-implication", -64)
	if err != nil {
		return false, err
	}
	profileWave, err := sv.wave(profile, "Portrait", -63, -60, 30)
	if err != nil {
		return false, err
	}
	if err := sv.answerAll(profileWave, sv.profiles(90, -60, -1), time.Time{}); err != nil {
		return false, err
	}

	followUp, err := sv.wave(belonging, "Suivi", -47, -45, 30)
	if err != nil {
		return false, err
	}
	if err := sv.answerAll(followUp, sv.feelings(140, -45, -1, 0.25, 40), time.Time{}); err != nil {
		return false, err
	}

	// The day after the last souper, its attendees are invited to answer
	// online: only those who gave an e-mail and agreed to be contacted,
	// and none of the demo's did.
	if len(held) > 0 {
		last := held[len(held)-1]
		s.tell(sv.dayAfter(last.StartsAt, 1, 9, 0))
		if _, err := sv.ss.InviteAttendees(ctx, t.ID, soupers, last.ID); err != nil {
			return false, err
		}
	}

	// Staff read the typed answers: most are shown, one that names a
	// neighbour is hidden, the latest wait.
	s.tell(s.now)
	for _, w := range []int64{profileWave, soupers, needsWave} {
		if err := sv.moderate(w); err != nil {
			return false, err
		}
	}
	return true, nil
}

// wave starts a wave named after the year it opens, created on day
// created, open from day opens to day closes (0: until closed).
func (sv *surveyor) wave(questionnaire int64, name string, created, opens, closes int) (int64, error) {
	sv.s.tellOn(created, 11, 0)
	in := survey.WaveInput{Name: fmt.Sprintf("%s %d", name, sv.s.day(opens).Year()), Opens: sv.s.day(opens).Format(time.DateOnly)}
	if closes != 0 {
		in.Closes = sv.s.day(closes).Format(time.DateOnly)
	}
	id, err := sv.ss.CreateWave(sv.ctx, sv.tid, questionnaire, in)
	if err != nil {
		return 0, fmt.Errorf("demo wave %s: %w", in.Name, err)
	}
	return id, nil
}

// response is one response as it will be recorded: on the web when it was
// given, or a paper form typed by staff later.
type response struct {
	at     time.Time
	paper  bool
	event  int64
	values map[string][]string
}

// answerAll records the responses in the order they came, the paper forms
// numbered as they are typed; staff close the wave at closing (zero: it
// stays open), and the paper forms of the last days are typed after.
func (sv *surveyor) answerAll(wave int64, rs []response, closing time.Time) error {
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].at.Before(rs[j].at) })
	paper := 0
	for _, r := range rs {
		if !closing.IsZero() && !r.at.Before(closing) {
			sv.s.tell(closing)
			if err := sv.ss.CloseWave(sv.ctx, sv.tid, wave); err != nil {
				return err
			}
			closing = time.Time{}
		}
		sv.s.tell(r.at)
		who := survey.Respondent{Channel: survey.ChannelWeb}
		if r.paper {
			paper++
			who = survey.Respondent{Channel: survey.ChannelPaper, PaperNumber: fmt.Sprintf("P-%04d", paper), EnteredBy: sv.staff,
				EventID: r.event}
		}
		if _, err := sv.ss.Answer(sv.ctx, sv.tid, wave, who, survey.Submission{Lang: "fr", Values: r.values}); err != nil {
			return fmt.Errorf("demo answer %v: %w", r.values, err)
		}
	}
	if !closing.IsZero() {
		sv.s.tell(closing)
		return sv.ss.CloseWave(sv.ctx, sv.tid, wave)
	}
	return nil
}

// dayAfter is hour:min, in the territory's zone, days after t's day there.
func (sv *surveyor) dayAfter(t time.Time, days, hour, min int) time.Time {
	d := t.In(sv.s.today.Location()).AddDate(0, 0, days)
	return time.Date(d.Year(), d.Month(), d.Day(), hour, min, 0, 0, d.Location())
}

// moment is a moment of a day from day from to day to, in the daytime or
// the evening, when people answer.
func (sv *surveyor) moment(from, to int) time.Time {
	return sv.s.on(from+sv.rnd.IntN(to-from+1), 7+sv.rnd.IntN(15), sv.rnd.IntN(60))
}

// typed is when a paper form filled at t is typed: a weekday morning
// after, within the week.
func (sv *surveyor) typed(t time.Time) time.Time {
	d := sv.dayAfter(t, 1+sv.rnd.IntN(4), 9, sv.rnd.IntN(60))
	for d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
		d = d.AddDate(0, 0, 1)
	}
	return d
}

// places is where total respondents live, in the order they answer.
func (sv *surveyor) places(total int) []string {
	sum := 0
	for _, p := range answerers {
		sum += p.n
	}
	var out []string
	for _, p := range answerers {
		n := max(1, (p.n*total+sum/2)/sum)
		for range n {
			out = append(out, p.slug)
		}
	}
	sv.rnd.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// pick is one of the codes, by weight.
func (sv *surveyor) pick(codes []string, weights []int) string {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := sv.rnd.IntN(total)
	for i, w := range weights {
		if n < w {
			return codes[i]
		}
		n -= w
	}
	return codes[len(codes)-1]
}

// chance is true percent times in a hundred.
func (sv *surveyor) chance(percent int) bool { return sv.rnd.IntN(100) < percent }

// sense draws a person's ties to the community: how lonely they are (a
// lower number is less lonely) and their sense of belonging, the program's
// effect making both a little better.
func (sv *surveyor) sense(effect float64) (lonely float64, belonging string) {
	lonely = sv.rnd.NormFloat64()
	b := -0.8*lonely + 0.6*sv.rnd.NormFloat64() + effect
	switch {
	case b > 1.0:
		belonging = "tres_fort"
	case b > -0.25:
		belonging = "plutot_fort"
	case b > -1.2:
		belonging = "plutot_faible"
	default:
		belonging = "tres_faible"
	}
	if sv.chance(2) {
		belonging = survey.DeclineCode
	}
	return lonely, belonging
}

// feelings are n answers to « Appartenance et solitude » from day from to
// day to, paperShare percent of them on paper, with the program's effect.
func (sv *surveyor) feelings(n, from, to int, effect float64, paperShare int) []response {
	var out []response
	places := sv.places(n - 2)
	places = append(places, "", "") // two who prefer not to say where
	for _, place := range places {
		lonely, belonging := sv.sense(effect)
		if place == "" {
			place = survey.DeclineCode
		}
		v := map[string][]string{"lieu": {place}, "appartenance": {belonging}}
		for _, q := range []string{"compagnie", "laisse_cote", "isole"} {
			x := 0.7*lonely + 0.7*sv.rnd.NormFloat64() - effect/2
			item := "2"
			switch {
			case x < -0.1:
				item = "1"
			case x > 1.0:
				item = "3"
			}
			v[q] = []string{item}
		}
		if sv.chance(2) {
			v["isole"] = []string{survey.DeclineCode}
		}
		r := response{at: sv.moment(from, to), values: v}
		if sv.chance(paperShare) {
			r.paper, r.at = true, sv.typed(r.at)
		}
		out = append(out, r)
	}
	return out
}

// projectIdeas are ideas people wrote in the involvement profile, by
// where they live; hidden marks the one staff keep to themselves.
var projectIdeas = []struct {
	place, text string
	hidden      bool
}{
	{"manseau", "Un café-rencontre le samedi matin au centre communautaire, pour que les nouveaux arrivants connaissent du monde. J’apporte la cafetière\u202f!", false},
	{"fortierville", "Relancer le club de marche l’hiver\u00a0: on pourrait marcher dans le gymnase de l’école quand les trottoirs sont glacés.", false},
	{"saint-pierre-les-becquets", "Une corvée au parc riverain au printemps, avec un dîner hot-dogs pour remercier les bénévoles.", false},
	{"deschaillons-sur-saint-laurent", "Des soirées de jeux de société à la bibliothèque pour les ados et les grands-parents ensemble. Pourquoi pas une fois par mois\u202f?", false},
	{"becancour-gentilly", "Un jardin communautaire derrière l’église, avec des bacs surélevés pour les aînés qui ne peuvent plus se pencher.", false},
	{"sainte-francoise", "Du covoiturage organisé pour aller aux activités à Fortierville et à Bécancour\u202f; sans auto, on ne peut pas y aller.", false},
	{"becancour-saint-gregoire", "Un babillard des besoins du quartier (déneigement, commissions, covoiturage) au dépanneur et en ligne.", false},
	{"parisville", "Une fête des voisins au mois d’août sur le terrain de la fabrique. Ça fait longtemps qu’on n’a pas fait ça\u202f!", false},
	{"becancour-secteur-becancour", "Une liste simple des comités qui cherchent du monde, avec le nombre d’heures demandé. Souvent, on ne sait juste pas à qui parler.", false},
	{"saint-sylvere", "Réparer la patinoire extérieure et organiser des soirées de patin avec de la musique et du chocolat chaud.", false},
	{"parisville", "Mon voisin Gaston, au bout du rang, devrait ramasser ses vieux chars avant qu’on parle d’embellissement.", true},
	{"becancour-sainte-angele-de-laval", "Des ateliers de cuisine en groupe pour les personnes seules\u00a0: on cuisine ensemble et chacun repart avec des portions.", false},
	{"sainte-sophie-de-levrard", "Une joujouthèque et un prêt d’outils de jardin entre voisins, au sous-sol de l’église.", false},
	{"sainte-marie-de-blandford", "De l’accompagnement pour les aînés qui ont un rendez-vous à l’hôpital à Trois-Rivières. Le transport, c’est notre grand défi ici.", false},
	{"becancour-gentilly", "Un club de tricot entre générations à l’école primaire, le midi. Les grands-mères sont partantes\u202f!", false},
	{"becancour-saint-gregoire", "Une fête d’accueil pour les familles nouvellement arrivées, avec les organismes sur place pour se présenter.", false},
	{"manseau", "Un comité de jeunes pour organiser des activités au parc l’été. Est-ce que quelqu’un pourrait nous accompagner\u202f?", false},
}

// profiles are n answers to « Profil d’implication » from day from to day
// to: who is involved and how, what holds people back (time, transport in
// the rural parishes, nobody asked them), and ideas.
func (sv *surveyor) profiles(n, from, to int) []response {
	fields := []string{"loisirs", "aines", "jeunesse", "culture", "alimentation", "environnement", "municipal", "autre"}
	fieldWeights := []int{6, 6, 4, 2, 4, 2, 3, 1}
	hours := []string{"2", "2,5", "3", "4", "4", "5", "6", "8", "10", "12", "15", "20"}
	ideas := map[string][]string{}
	for _, idea := range projectIdeas {
		ideas[idea.place] = append(ideas[idea.place], idea.text)
	}
	var out []response
	for _, place := range sv.places(n) {
		lonely, belonging := sv.sense(0.1)
		v := map[string][]string{"lieu": {place}, "appartenance": {belonging}}
		involved := sv.chance(45 - int(10*lonely))
		switch {
		case sv.chance(2):
			v["implique"] = []string{survey.DeclineCode}
		case involved:
			v["implique"] = []string{"oui"}
			v["domaines"] = []string{sv.pick(fields, fieldWeights)}
			if sv.chance(40) {
				if f := sv.pick(fields, fieldWeights); f != v["domaines"][0] {
					v["domaines"] = append(v["domaines"], f)
				}
			}
			v["heures"] = []string{hours[sv.rnd.IntN(len(hours))]}
		default:
			v["implique"] = []string{"non"}
		}
		var held []string
		for _, f := range []struct {
			code    string
			percent int
		}{
			{"temps", 50},
			{"info", 20},
			{"transport", map[bool]int{true: 40, false: 10}[sv.rural[place]]},
			{"sante", 12},
			{"invite", map[bool]int{true: 20, false: 40}[involved]},
			{"confiance", 8},
		} {
			if sv.chance(f.percent) {
				held = append(held, f.code)
			}
		}
		switch {
		case sv.chance(3):
			held = []string{survey.DeclineCode}
		case len(held) == 0:
			held = []string{"rien"}
		}
		v["freins"] = held
		want := []int{6, 12, 30, 34, 18}
		if involved {
			want = []int{4, 8, 28, 36, 24}
		}
		v["envie"] = []string{sv.pick([]string{"1", "2", "3", "4", "5"}, want)}
		if list := ideas[place]; len(list) > 0 {
			v["idees"] = []string{list[0]}
			ideas[place] = list[1:]
		}
		r := response{at: sv.moment(from, to), values: v}
		if sv.chance(35) {
			r.paper, r.at = true, sv.typed(r.at)
		}
		out = append(out, r)
	}
	return out
}

// souperComments are what people wrote at the bottom of the form.
var souperComments = []string{
	"Très bon repas, et j’ai enfin jasé avec mes voisins d’en face.",
	"Merci aux bénévoles de la cuisine\u202f! On va revenir.",
	"Il faisait un peu chaud dans la salle, mais l’ambiance était excellente.",
	"J’aimerais qu’on donne suite aux idées nommées ce soir. Qui s’en occupe\u202f?",
	"Le mélange des tables a bien marché\u00a0: j’étais avec du monde que je ne connaissais pas.",
	"Un peu bruyant pour bien entendre quand tout le monde parle en même temps.",
	"Je viens d’arriver dans la municipalité\u202f; je me sens déjà moins seule.",
	"Pourriez-vous organiser du covoiturage pour le prochain souper\u202f?",
	"Belle soirée. Le dessert était succulent\u202f!",
	"Un coin pour les enfants aiderait les jeunes familles à venir.",
}

// heldSoupers are the soupers held since day from, oldest first.
func (sv *surveyor) heldSoupers(es *events.Store, from int) ([]events.Event, error) {
	list, err := es.List(sv.ctx, sv.tid, events.Filter{Kind: events.CitizenDinner, From: sv.s.day(from), To: sv.s.now})
	if err != nil {
		return nil, err
	}
	var out []events.Event
	for _, ev := range list {
		if ev.HeldAt != nil && ev.CancelledAt == nil {
			out = append(out, ev)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].StartsAt.Before(out[j].StartsAt) })
	return out, nil
}

// opinions are the paper forms filled at each souper held, by about four
// guests in ten, typed by staff the next days.
func (sv *surveyor) opinions(es *events.Store, held []events.Event) ([]response, error) {
	var out []response
	comment := 0
	for _, ev := range held {
		attendees, err := es.Attendees(sv.ctx, sv.tid, ev.ID)
		if err != nil {
			return nil, err
		}
		came := 0
		for _, a := range attendees {
			came += max(1, a.PartySize)
		}
		typed := sv.typed(ev.StartsAt)
		for i := range (came*4 + 5) / 10 {
			v := map[string][]string{}
			if sv.chance(75) {
				v["nouvelles"] = []string{"oui"}
				v["combien"] = []string{strconv.Itoa(1 + sv.rnd.IntN(7))}
			} else {
				v["nouvelles"] = []string{"non"}
			}
			v["agir"] = []string{sv.pick([]string{"1", "2", "3", "4", "5", survey.DeclineCode}, []int{2, 5, 24, 42, 25, 2})}
			v["satisfaction"] = []string{sv.pick([]string{"5", "6", "7", "8", "9", "10"}, []int{1, 3, 8, 25, 30, 33})}
			if sv.chance(30) {
				v["commentaires"] = []string{souperComments[comment%len(souperComments)]}
				comment++
			}
			out = append(out, response{at: typed.Add(time.Duration(2*i) * time.Minute), paper: true, event: ev.ID, values: v})
		}
	}
	return out, nil
}

// orgNeeds is what an organisation of the demo wrote on the paper form of
// its needs.
type orgNeeds struct {
	name, place      string
	volunteers       int
	lacking          bool
	seats, successor int // seats to fill within two years; « La relève est assurée » from 1 to 5
	training         []string
	tools            string
}

var demoNeeds = []orgNeeds{
	{"Comité des loisirs de Manseau", "manseau", 14, true, 3, 2, []string{"recrutement", "communication"},
		"Un modèle de lettre pour recruter des bénévoles et un calendrier partagé pour les corvées."},
	{"Club de l’âge d’or de Fortierville", "fortierville", 22, true, 2, 2, []string{"gouvernance", "numerique"},
		"Un guide d’accueil pour les nouveaux administrateurs, avec nos règlements expliqués simplement."},
	{"Comité d’embellissement de Parisville", "parisville", 6, true, 1, 3, []string{"recrutement"}, ""},
	{"Maison des jeunes de Saint-Grégoire", "becancour-saint-gregoire", 9, true, 2, 3, []string{"gouvernance", "finances"},
		"Une formation pour notre trésorière sur les demandes de subvention, et un logiciel comptable simple."},
	{"Cercle de Fermières de Gentilly", "becancour-gentilly", 31, false, 2, 4, []string{"communication", "numerique"},
		"Quelqu’un pour nous aider à tenir notre page Facebook à jour."},
	{"Comité culturel de Deschaillons-sur-Saint-Laurent", "deschaillons-sur-saint-laurent", 8, true, 1, 3, []string{"communication", "finances"},
		"Une liste des salles et du matériel de scène qu’on peut emprunter dans la MRC, avec les prix."},
	{"Popote roulante de Sainte-Françoise", "sainte-francoise", 12, true, 1, 2, []string{"recrutement"},
		"Une liste de bénévoles disponibles pour remplacer nos baladeurs l’été."},
	{"Conseil d’établissement de l’école de Saint-Pierre-les-Becquets", "saint-pierre-les-becquets", 5, false, 1, 3, []string{"gouvernance"}, ""},
	{"Comité de sécurité civile de Sainte-Marie-de-Blandford", "sainte-marie-de-blandford", 7, true, 2, 2, []string{"recrutement", "gouvernance"}, ""},
	{"Transport bénévole de la MRC de Bécancour", "becancour", 38, true, 2, 4, []string{"recrutement", "numerique"},
		"Un outil pour jumeler les demandes de transport et les chauffeurs disponibles, au lieu de nos listes papier."},
	{"Corporation de développement de Saint-Sylvère", "saint-sylvere", 10, true, 3, 2, []string{"finances", "gouvernance"}, ""},
	{"Popote roulante de Gentilly", "becancour-gentilly", 18, true, 1, 3, []string{"recrutement", "communication"}, ""},
	{"Club de l’âge d’or de Manseau", "manseau", 15, false, 2, 3, []string{"numerique"}, ""},
	{"Comité des loisirs de Fortierville", "fortierville", 11, true, 2, 2, []string{"recrutement", "finances"},
		"Un modèle de politique de reconnaissance des bénévoles\u00a0: on veut dire merci, mais on ne sait pas par où commencer."},
	{"Maison des jeunes du Littoral", "saint-pierre-les-becquets", 7, true, 2, 3, []string{"finances", "communication"}, ""},
}

// needs are the organisations' paper forms, filled from day from to day
// to and typed by staff.
func (sv *surveyor) needs(from, to int) []response {
	var out []response
	for _, o := range demoNeeds {
		lacking := "non"
		if o.lacking {
			lacking = "oui"
		}
		v := map[string][]string{"organisation": {o.name}, "lieu": {o.place}, "benevoles": {strconv.Itoa(o.volunteers)},
			"manque": {lacking}, "postes": {strconv.Itoa(o.seats)}, "releve": {strconv.Itoa(o.successor)}, "formation": o.training}
		if o.tools != "" {
			v["outils"] = []string{o.tools}
		}
		out = append(out, response{at: sv.typed(sv.moment(from, to)), paper: true, values: v})
	}
	return out
}

// moderate shows most typed answers of a wave, hides the one that names a
// neighbour, and leaves the latest third waiting.
func (sv *surveyor) moderate(wave int64) error {
	page, err := sv.ss.Texts(sv.ctx, sv.tid, wave, survey.TextQuery{States: []string{survey.ModerationPending}, Limit: survey.MaxTextsPerPage})
	if err != nil {
		return err
	}
	texts := page.Texts
	hidden := map[string]bool{}
	for _, idea := range projectIdeas {
		hidden[idea.text] = idea.hidden
	}
	for i, t := range texts {
		if i >= len(texts)-max(2, len(texts)/3) {
			break
		}
		state := survey.ModerationApproved
		if hidden[t.Text] {
			state = survey.ModerationHidden
		}
		if err := sv.ss.Moderate(sv.ctx, sv.tid, t.ID, state); err != nil {
			return err
		}
	}
	return nil
}
