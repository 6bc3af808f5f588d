package synthetic

import (
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	"implique/internal/auth"
	"implique/internal/events"
	"implique/internal/i18n"
	"implique/internal/orgs"
	"implique/internal/survey"
	"implique/internal/volunteering"
)

func slugOf(s string) string { return i18n.Slug(s, 0) }

// ago is a moment up to d before now, on the minute.
func (s *seeder) ago(d time.Duration) time.Time {
	return s.now.Add(-time.Duration(s.r.Int64N(int64(d)))).Truncate(time.Minute)
}

func day(t time.Time) string { return t.Format(time.DateOnly) }

// people writes n accounts (citizens; the first is the territory's
// administrator, the second a facilitator) and the volunteering profiles of
// one in ten.
func (s *seeder) people(n int) error {
	users := s.batch(`INSERT INTO users (email, name, locale, created_at, updated_at)`, 5, true)
	created := make([]time.Time, n)
	for i := range n {
		first, last := pick(s.r, firstNames), pick(s.r, lastNames)
		u := user{name: first + " " + last, place: s.r.IntN(len(s.places))}
		u.email = fmt.Sprintf("%s.%s.%d@exemple.org", slugOf(first), slugOf(last), s.userBase+i+1)
		locale := "fr"
		if s.r.IntN(10) == 0 {
			locale = "en"
		}
		created[i] = s.ago(3 * 365 * 24 * time.Hour)
		if err := users.add(u.email, u.name, locale, created[i], created[i]); err != nil {
			return err
		}
		s.users = append(s.users, u)
	}
	if err := users.flush(); err != nil {
		return err
	}
	for i := range s.users {
		s.users[i].id = users.ids[i]
	}
	roles := s.batch(`INSERT INTO user_roles (user_id, territory_id, role, created_at)`, 4, false)
	profiles := s.batch(`INSERT INTO volunteer_profiles (territory_id, user_id, place_id, causes, skills, languages, availability,
		max_km, mobility, age_band, student, digest, digest_consent_at, digest_consent_how, created_at, updated_at)`, 16, false)
	for i, u := range s.users {
		role := auth.RoleCitizen
		switch i {
		case 0:
			role = auth.RoleAdministrator
		case 1:
			role = auth.RoleFacilitator
		}
		if err := roles.add(u.id, s.tid, string(role), created[i]); err != nil {
			return err
		}
		if s.r.IntN(10) != 0 {
			continue
		}
		avail := volunteering.Availability(0)
		for range 1 + s.r.IntN(6) {
			avail |= volunteering.Slot(time.Weekday(s.r.IntN(7)), volunteering.Part(s.r.IntN(3)))
		}
		if s.r.IntN(3) == 0 {
			avail |= volunteering.Occasional
		}
		causes := 1<<s.r.IntN(len(volunteering.Causes)) | 1<<s.r.IntN(len(volunteering.Causes))
		skills := 1<<s.r.IntN(len(volunteering.Skills)) | 1<<s.r.IntN(len(volunteering.Skills))
		langs := 1
		if s.r.IntN(6) == 0 {
			langs |= 2
		}
		var maxKm any
		if s.r.IntN(2) == 0 {
			maxKm = []int{5, 10, 15, 25, 40}[s.r.IntN(5)]
		}
		band := volunteering.AgeBands[3+s.r.IntN(len(volunteering.AgeBands)-3)]
		digest := s.r.IntN(3) == 0
		var consentAt any
		how := ""
		if digest {
			consentAt, how = created[i], volunteering.DigestConsentProfile
		}
		err := profiles.add(s.tid, u.id, s.places[u.place].ID, causes, skills, langs, int64(avail), maxKm,
			string(pick(s.r, volunteering.Mobilities)), band.Code, band.Code == "18_24" && s.r.IntN(2) == 0, digest, consentAt, how,
			created[i], created[i])
		if err != nil {
			return err
		}
	}
	if err := roles.flush(); err != nil {
		return err
	}
	return profiles.flush()
}

// seatRoles are the roles of seatTitles.
var seatRoles = []orgs.Role{orgs.President, orgs.VicePresident, orgs.Treasurer, orgs.Secretary, orgs.Director, orgs.Councillor,
	orgs.Coordinator, orgs.Member, orgs.Director, orgs.OtherRole}

// organizations writes n organisations with their place, causes, seats
// and the people who hold them: a tenth of the seats vacant, a tenth held
// by someone who already sits elsewhere (« plusieurs chapeaux », linked
// by same_as as staff link them).
func (s *seeder) organizations(n int) error {
	head := s.batch(`INSERT INTO organizations (territory_id, slug, name, name_key, kind, mission, contact_name, contact_email,
		is_public, search_text, created_at, updated_at)`, 12, true)
	seen := map[string]bool{}
	type org struct{ place, causes int }
	var list []org
	for i := range n {
		p := s.r.IntN(len(s.places))
		kind := orgs.Nonprofit
		name := fmt.Sprintf("%s de %s", pick(s.r, orgHeads), s.places[p].Name)
		switch s.r.IntN(12) {
		case 0:
			kind, name = orgs.MunicipalCouncil, "Conseil municipal de "+s.places[p].Name
		case 1:
			kind = orgs.CitizenCommittee
		case 2:
			kind = orgs.School
		}
		if key := orgs.Key(name); seen[key] {
			name = fmt.Sprintf("%s (%d)", name, i+1)
		}
		seen[orgs.Key(name)] = true
		mission := "Un organisme du milieu qui rassemble ses membres autour d’une cause commune."
		at := s.ago(5 * 365 * 24 * time.Hour)
		contact := personName(s.r)
		err := head.add(s.tid, orgs.Key(name), name, orgs.Key(name), string(kind), mission, contact,
			fmt.Sprintf("info.%d.%d@exemple.org", s.tid, i+1), s.r.IntN(5) > 0,
			orgs.SearchText(name, mission, ""), at, at)
		if err != nil {
			return err
		}
		list = append(list, org{place: p, causes: 1 + s.r.IntN(2)})
	}
	if err := head.flush(); err != nil {
		return err
	}
	s.orgs = head.ids
	placesB := s.batch(`INSERT INTO organization_places (organization_id, place_id, territory_id)`, 3, false)
	causesB := s.batch(`INSERT INTO organization_causes (organization_id, cause, territory_id)`, 3, false)
	for i, o := range list {
		if err := placesB.add(s.orgs[i], s.places[o.place].ID, s.tid); err != nil {
			return err
		}
		first := s.r.IntN(len(orgs.Causes))
		for c := range o.causes {
			if err := causesB.add(s.orgs[i], orgs.Causes[(first+c*3)%len(orgs.Causes)], s.tid); err != nil {
				return err
			}
		}
	}
	if err := placesB.flush(); err != nil {
		return err
	}
	if err := causesB.flush(); err != nil {
		return err
	}

	// The seats, then who holds them.
	type holder struct {
		org                int
		name, email, phone string
		sameAs             int // index of the first record, -1: none
	}
	type seat struct {
		org, n, holder int // holder: index in people, -1 vacant
	}
	var people []holder
	var primaries []int
	var seats []seat
	for i := range list {
		for j := range 4 + s.r.IntN(7) {
			st := seat{org: i, n: j, holder: -1}
			x := s.r.IntN(10)
			if x == 0 {
				seats = append(seats, st) // vacant
				continue
			}
			if x == 1 && len(primaries) > 0 {
				if pi := primaries[s.r.IntN(len(primaries))]; people[pi].org != i {
					first := people[pi]
					st.holder = len(people)
					people = append(people, holder{org: i, name: first.name, email: first.email, phone: first.phone, sameAs: pi})
					seats = append(seats, st)
					continue
				}
			}
			h := holder{org: i, name: personName(s.r), sameAs: -1}
			if s.r.IntN(5) < 3 {
				h.email = fmt.Sprintf("%s.%d.%d@exemple.org", slugOf(h.name), s.tid, len(people)+1)
			}
			if s.r.IntN(3) == 0 {
				h.phone = phone(s.r)
			}
			st.holder = len(people)
			primaries = append(primaries, len(people))
			people = append(people, h)
			seats = append(seats, st)
		}
	}
	ids := make([]int64, len(people))
	firsts := s.batch(`INSERT INTO organization_people (territory_id, organization_id, name, name_key, email, phone, created_at,
		updated_at)`, 8, true)
	for _, p := range primaries {
		h := people[p]
		if err := firsts.add(s.tid, s.orgs[h.org], h.name, orgs.Key(h.name), h.email, h.phone, s.now, s.now); err != nil {
			return err
		}
	}
	if err := firsts.flush(); err != nil {
		return err
	}
	for k, p := range primaries {
		ids[p] = firsts.ids[k]
	}
	copies := s.batch(`INSERT INTO organization_people (territory_id, organization_id, same_as, name, name_key, email, phone,
		created_at, updated_at)`, 9, true)
	var copied []int
	for i, h := range people {
		if h.sameAs < 0 {
			continue
		}
		copied = append(copied, i)
		if err := copies.add(s.tid, s.orgs[h.org], ids[h.sameAs], h.name, orgs.Key(h.name), h.email, h.phone, s.now, s.now); err != nil {
			return err
		}
	}
	if err := copies.flush(); err != nil {
		return err
	}
	for k, i := range copied {
		ids[i] = copies.ids[k]
	}
	seatsB := s.batch(`INSERT INTO organization_seats (territory_id, organization_id, title, title_key, role, holder_id, holder_since,
		term_start, term_end, open_to_newcomers, successor_identified, sort_order, created_at, updated_at)`, 14, false)
	today := s.now
	for _, st := range seats {
		title := seatTitles[st.n%len(seatTitles)]
		if st.n >= len(seatTitles) {
			title = fmt.Sprintf("%s %d", title, st.n)
		}
		var holderID, since, start, end any
		if st.holder >= 0 {
			holderID = ids[st.holder]
			sinceDays := -s.r.IntN(15 * 365)
			endDays := s.r.IntN(5*365) - 365
			since = day(today.AddDate(0, 0, sinceDays))
			start = day(today.AddDate(0, 0, min(sinceDays+s.r.IntN(400), endDays-1)))
			end = day(today.AddDate(0, 0, endDays))
		}
		err := seatsB.add(s.tid, s.orgs[st.org], title, orgs.Key(title), string(seatRoles[st.n%len(seatRoles)]), holderID, since, start,
			end, st.holder < 0 && s.r.IntN(2) == 0, st.holder >= 0 && s.r.IntN(5) == 0, st.n, s.now, s.now)
		if err != nil {
			return err
		}
	}
	s.nSeats = len(seats)
	return seatsB.flush()
}

// opportunities writes n opportunities of the territory's organisations
// (most open, some closed), a few applications to each and the hours given
// by the people accepted.
func (s *seeder) opportunities(n int) error {
	b := s.batch(`INSERT INTO volunteer_opportunities (territory_id, organization_id, slug, title, description, kind, schedule,
		place_id, remote, starts_at, ends_at, slots, spots, min_age, max_age, causes, skills, languages, car_required, ride_offered,
		contact_name, contact_email, status, match_a, match_b, created_at, updated_at, published_at)`, 28, true)
	orgOf := make([]int64, n)
	publishedAt := make([]time.Time, n)
	for i := range n {
		o := volunteering.Opportunity{Kind: volunteering.Task, Status: volunteering.StatusOpen}
		switch s.r.IntN(25) {
		case 0:
			o.Kind = volunteering.BoardSeat
		case 1:
			o.Kind = volunteering.SchoolProject
		case 2:
			o.Kind = volunteering.CorporateRequest
		}
		o.Schedule = []volunteering.Schedule{volunteering.Recurring, volunteering.Recurring, volunteering.OneOff, volunteering.Flexible}[s.r.IntN(4)]
		published := s.ago(300 * 24 * time.Hour)
		if s.r.IntN(60) == 0 {
			published = s.ago(6 * 24 * time.Hour) // new this week
		}
		if s.r.IntN(7) == 0 {
			o.Status = volunteering.StatusClosed
		}
		switch o.Schedule {
		case volunteering.OneOff:
			start := s.now.Add(time.Duration(24+s.r.IntN(24*90)) * time.Hour).Truncate(time.Hour)
			if o.Status == volunteering.StatusClosed {
				start = published.Add(time.Duration(24+s.r.IntN(24*30)) * time.Hour).Truncate(time.Hour)
			}
			end := start.Add(3 * time.Hour)
			o.StartsAt, o.EndsAt = &start, &end
			o.Slots = volunteering.Slot(start.Weekday(), volunteering.PartOf(start.Hour()))
		case volunteering.Recurring:
			for range 1 + s.r.IntN(3) {
				o.Slots |= volunteering.Slot(time.Weekday(s.r.IntN(7)), volunteering.Part(s.r.IntN(3)))
			}
		}
		p := s.places[s.r.IntN(len(s.places))]
		var placeID any = p.ID
		o.Remote = s.r.IntN(20) == 0
		if o.Remote && s.r.IntN(2) == 0 {
			placeID = nil
		}
		var minAge, maxAge any
		switch s.r.IntN(10) {
		case 0:
			v := 18
			o.MinAge, minAge = &v, v
		case 1:
			v := 16
			o.MinAge, minAge = &v, v
		case 2:
			v := 17
			o.MaxAge, maxAge = &v, v
		}
		o.Causes = volunteering.Mask(1<<s.r.IntN(len(volunteering.Causes)) | 1<<s.r.IntN(len(volunteering.Causes)))
		if s.r.IntN(2) == 0 {
			o.Skills = 1 << s.r.IntN(len(volunteering.Skills))
		}
		o.Languages = 1
		o.CarRequired, o.RideOffered = s.r.IntN(8) == 0, s.r.IntN(6) == 0
		var spots any
		if s.r.IntN(2) == 0 {
			spots = 1 + s.r.IntN(10)
		}
		a, pb := volunteering.PackedMatch(o)
		org := s.orgs[s.r.IntN(len(s.orgs))]
		orgOf[i], publishedAt[i] = org, published
		title := pick(s.r, opportunityTitles)
		var starts, ends any
		if o.StartsAt != nil {
			starts, ends = *o.StartsAt, *o.EndsAt
		}
		err := b.add(s.tid, org, fmt.Sprintf("%s-%d", slugOf(title), i+1), title, "Une tâche simple, en équipe, près de chez vous.",
			string(o.Kind), string(o.Schedule), placeID, o.Remote, starts, ends, int64(o.Slots), spots, minAge, maxAge, int64(o.Causes),
			int64(o.Skills), int64(o.Languages), o.CarRequired, o.RideOffered, personName(s.r), fmt.Sprintf("benevolat.%d@exemple.org", org),
			o.Status, a, pb, published, published, published)
		if err != nil {
			return err
		}
	}
	if err := b.flush(); err != nil {
		return err
	}
	s.opps, s.nOpps = b.ids, n

	apps := s.batch(`INSERT INTO volunteer_applications (territory_id, opportunity_id, user_id, message, status, created_at,
		confirmed_at, responded_at, updated_at)`, 9, false)
	hours := s.batch(`INSERT INTO volunteer_hours (territory_id, user_id, organization_id, opportunity_id, day, activity,
		declared_minutes, minutes, status, reviewed_at, created_at, updated_at)`, 12, false)
	statuses := []string{volunteering.New, volunteering.Contacted, volunteering.Accepted, volunteering.Accepted, volunteering.Declined,
		volunteering.Withdrawn}
	for i, id := range s.opps {
		k := min(s.r.IntN(5), len(s.users))
		from := s.r.IntN(len(s.users))
		for j := range k {
			u := s.users[(from+j)%len(s.users)]
			at := publishedAt[i].Add(time.Duration(1+s.r.IntN(24*20)) * time.Hour)
			if at.After(s.now) {
				at = s.now.Add(-time.Hour)
			}
			status := pick(s.r, statuses)
			var responded any
			if status != volunteering.New {
				responded = at.Add(48 * time.Hour)
			}
			if err := apps.add(s.tid, id, u.id, "", status, at, at, responded, at); err != nil {
				return err
			}
			s.nApps++
			if status != volunteering.Accepted {
				continue
			}
			for range 1 + s.r.IntN(4) {
				when := at.Add(time.Duration(s.r.Int64N(int64(max(s.now.Sub(at), time.Hour)))))
				minutes := 30 * (1 + s.r.IntN(8))
				st, reviewed := volunteering.HoursConfirmed, any(when.Add(72*time.Hour))
				switch x := s.r.IntN(20); {
				case x < 5:
					st, reviewed = volunteering.HoursDeclared, nil
				case x == 5:
					st = volunteering.HoursRejected
				}
				if err := hours.add(s.tid, u.id, orgOf[i], id, day(when), "Bénévolat", minutes, minutes, st, reviewed, when, when); err != nil {
					return err
				}
				s.nHours++
			}
		}
	}
	if err := apps.flush(); err != nil {
		return err
	}
	return hours.flush()
}

// eventKinds are drawn in these proportions: mostly soupers.
var eventKinds = []events.Kind{events.CitizenDinner, events.CitizenDinner, events.CitizenDinner, events.Workshop, events.Workshop,
	events.Forum, events.Training, events.CommunityMeeting, events.PartnersMeeting, events.Other}

// events writes the territory's events of the past year and the next two
// months, of every kind, and regs registrations to them.
func (s *seeder) events(regs int) error {
	if regs == 0 {
		return nil
	}
	n := max(1, regs/50)
	weights := make([]float64, n)
	for i := range weights {
		weights[i] = 0.3 + s.r.Float64()*1.4
	}
	per := apportion(regs, weights)
	type ev struct {
		start    time.Time
		capacity int
		held     bool
		place    int
	}
	list := make([]ev, n)
	b := s.batch(`INSERT INTO events (territory_id, slug, kind, title, summary, place_id, venue_name, starts_at, ends_at, capacity,
		contact_name, contact_email, cancelled_at, cancel_reason, held_at, attendance, no_shows, created_by, created_at, updated_at)`, 20, true)
	admin := s.users[0].id
	for i := range n {
		e := ev{place: s.r.IntN(len(s.places))}
		kind := pick(s.r, eventKinds)
		if s.r.IntN(7) == 0 {
			e.start = s.now.AddDate(0, 0, 1+s.r.IntN(60))
		} else {
			e.start = s.now.AddDate(0, 0, -1-s.r.IntN(364))
		}
		e.start = time.Date(e.start.Year(), e.start.Month(), e.start.Day(), 22, 30, 0, 0, time.UTC) // 17 h 30 or 18 h 30 in Québec
		end := e.start.Add(3 * time.Hour)
		var capacity, cancelled, held, attendance, noShows any
		reason := ""
		if s.r.IntN(5) > 0 {
			e.capacity = max(per[i], 10) * (8 + s.r.IntN(5)) / 10
			capacity = e.capacity
		}
		if e.start.Before(s.now) {
			if s.r.IntN(30) == 0 {
				cancelled, reason = e.start.Add(-48*time.Hour), "Tempête de neige annoncée."
			} else {
				e.held = true
				held = end
				attendance, noShows = per[i]*85/100, per[i]/10
			}
		}
		p := s.places[e.place]
		title := pick(s.r, eventTitles[string(kind)]) + " — " + p.Name
		created := e.start.AddDate(0, 0, -30)
		err := b.add(s.tid, fmt.Sprintf("%s-%d", slugOf(title), i+1), string(kind), title, "Bienvenue à tout le monde.", p.ID,
			"Salle communautaire", e.start, end, capacity, personName(s.r), fmt.Sprintf("animation.%d@exemple.org", s.tid), cancelled, reason,
			held, attendance, noShows, admin, created, created)
		if err != nil {
			return err
		}
		list[i] = e
	}
	if err := b.flush(); err != nil {
		return err
	}
	s.nEvents = n
	rb := s.batch(`INSERT INTO registrations (territory_id, event_id, name, email, phone, phone_key, party_size, ride, consent_contact,
		consent_at, lang, status, queued_at, source, manage_nonce, manage_token_hash, checked_in_at, created_at, updated_at,
		cancelled_at)`, 20, false)
	nonce := make([]byte, 18)
	sources := []string{events.SourceWeb, events.SourceWeb, events.SourceWeb, events.SourceWeb, events.SourcePhone, events.SourcePaper,
		events.SourceWalkIn}
	for i, e := range list {
		k := min(per[i], len(s.users))
		from := s.r.IntN(len(s.users))
		seats := 0
		for j := range k {
			u := s.users[(from+j)%len(s.users)]
			at := e.start.Add(-time.Duration(1+s.r.IntN(24*30)) * time.Hour)
			email, ph := u.email, ""
			if s.r.IntN(4) == 0 {
				email = ""
			}
			if email == "" || s.r.IntN(3) == 0 {
				ph = fmt.Sprintf("819-555-%04d", (s.userBase+from+j)%10000)
			}
			party := 1
			if s.r.IntN(4) == 0 {
				party = 2
			}
			source := pick(s.r, sources)
			status := events.Confirmed
			var cancelledAt, checkedIn any
			switch {
			case source == events.SourceWalkIn:
				if !e.held {
					source = events.SourceWeb
				} else {
					checkedIn, at = e.start, e.start
				}
			case s.r.IntN(20) == 0:
				status, cancelledAt = string(events.Cancelled), at.Add(24*time.Hour)
			}
			if status == events.Confirmed && e.capacity > 0 && seats+party > e.capacity && source != events.SourceWalkIn {
				status = events.Waitlisted
			}
			if status == events.Confirmed {
				seats += party
				if e.held && checkedIn == nil && s.r.IntN(10) < 8 {
					checkedIn = e.start
				}
			}
			consent := email != "" && s.r.IntN(2) == 0
			var consentAt any
			if consent {
				consentAt = at
			}
			lang := "fr"
			if s.r.IntN(10) == 0 {
				lang = "en"
			}
			for x := range nonce {
				nonce[x] = byte(s.r.UintN(256))
			}
			nh := hex.EncodeToString(nonce)
			// The private link is never sent: its token is drawn and forgotten.
			err := rb.add(s.tid, s.eventID(b, i), u.name, email, ph, i18n.PhoneKey(ph), party, "none", consent, consentAt, lang, status,
				at, source, nh, auth.HashToken(nh+strconv.Itoa(i)), checkedIn, at, at, cancelledAt)
			if err != nil {
				return err
			}
		}
		s.nRegs += k
	}
	return rb.flush()
}

func (s *seeder) eventID(b *batch, i int) int64 { return b.ids[i] }

// survey loads the belonging and loneliness questionnaire the product
// ships, opens its wave a year ago, writes n responses as Answer writes
// them and counts them with Retally.
func (s *seeder) survey(n int) error {
	if n == 0 {
		return nil
	}
	ss := s.a.Surveys
	admin := s.users[0].id
	qid, err := ss.LoadInstrument(s.ctx, s.tid, "appartenance-solitude", admin)
	if err != nil {
		return err
	}
	q, err := ss.Get(s.ctx, s.tid, qid)
	if err != nil {
		return err
	}
	opens := s.now.AddDate(-1, 0, 0)
	wid, err := ss.CreateWave(s.ctx, s.tid, qid, survey.WaveInput{Name: fmt.Sprintf("Portrait %d", opens.Year()), Opens: day(opens)})
	if err != nil {
		return err
	}
	type answer struct {
		question, choice string
		number           any
		declined         bool
	}
	var answers [][]answer
	rb := s.batch(`INSERT INTO survey_responses (territory_id, wave_id, version_id, channel, paper_number, place_id, audience, lang,
		entered_by, created_at)`, 10, true)
	for i := range n {
		var as []answer
		add := func(question, choice string, declineOneIn int) bool {
			if s.r.IntN(declineOneIn) == 0 {
				as = append(as, answer{question: question, choice: survey.DeclineCode, declined: true})
				return false
			}
			as = append(as, answer{question: question, choice: choice})
			return true
		}
		p := s.places[s.r.IntN(len(s.places))]
		var placeID any
		if add("lieu", p.Slug, 50) {
			placeID = p.ID
		}
		add("appartenance", pick(s.r, []string{"tres_fort", "plutot_fort", "plutot_fort", "plutot_faible", "tres_faible"}), 40)
		score, items := 0.0, 0
		for _, question := range []string{"compagnie", "laisse_cote", "isole"} {
			v := pick(s.r, []string{"1", "1", "2", "2", "3"})
			if add(question, v, 60) {
				x, _ := strconv.ParseFloat(v, 64)
				score += x
				items++
			}
		}
		if items == 3 {
			as = append(as, answer{question: "solitude", number: score})
		}
		channel, paper, by := survey.ChannelWeb, any(nil), any(nil)
		if s.r.IntN(10) == 0 {
			channel, paper, by = survey.ChannelPaper, fmt.Sprintf("F-%06d", i+1), admin
		}
		lang := "fr"
		if s.r.IntN(8) == 0 {
			lang = "en"
		}
		at := opens.Add(time.Duration(s.r.Int64N(int64(s.now.Sub(opens)))))
		if err := rb.add(s.tid, wid, q.Published.ID, channel, paper, placeID, q.Audience, lang, by, at); err != nil {
			return err
		}
		answers = append(answers, as)
	}
	if err := rb.flush(); err != nil {
		return err
	}
	ab := s.batch(`INSERT INTO survey_answers (response_id, wave_id, question, choice, number, text, declined, moderation)`, 8, false)
	for i, as := range answers {
		for _, a := range as {
			if err := ab.add(rb.ids[i], wid, a.question, a.choice, a.number, "", a.declined, ""); err != nil {
				return err
			}
		}
	}
	if err := ab.flush(); err != nil {
		return err
	}
	s.nResponses = n
	return ss.Retally(s.ctx, s.tid, wid)
}
