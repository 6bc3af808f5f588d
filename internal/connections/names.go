package connections

import (
	"strings"

	"implique/internal/events"
)

// Two attendees may look alike: « Lise B. » for Lise Beaudoin and Lise
// Bergeron, or even two Lise Beaudoin. Staff recording paper forms must
// tell them apart, with as little personal data as will do it, and only
// for the people whose names collide.

// How much StaffNames says, in order: each step only for the people still
// alike after the one before.
const (
	// byDisplay is the name attendees see (« Lise B. »).
	byDisplay = iota
	// byFullName is the name given at registration.
	byFullName
	// byPlace adds the municipality they came from.
	byPlace
	// byContact adds the end of their phone or the start of their e-mail.
	byContact
	// byNumber adds the registration's number, which always differs.
	byNumber
)

// StaffNames names an event's attendees for staff so that no two look
// alike. With full, names start from the full name (the list staff pick
// from); otherwise from the name the attendees saw (« Lise B. »). Only
// people whose names collide get more: the full name, then their
// municipality, then the end of their phone or the start of their e-mail,
// and at last their registration number.
func (s *Store) StaffNames(lang string, regs []events.Registration, full bool) map[int64]string {
	level := make(map[int64]int, len(regs))
	start := byDisplay
	if full {
		start = byFullName
	}
	for _, r := range regs {
		level[r.ID] = start
	}
	names := make(map[int64]string, len(regs))
	for {
		same := map[string][]int64{}
		for _, r := range regs {
			n := s.staffName(lang, r, level[r.ID])
			names[r.ID] = n
			key := strings.ToLower(n)
			same[key] = append(same[key], r.ID)
		}
		raised := false
		for _, ids := range same {
			if len(ids) < 2 {
				continue
			}
			for _, id := range ids {
				if level[id] < byNumber {
					level[id]++
					raised = true
				}
			}
		}
		if !raised {
			return names
		}
	}
}

// staffName names r at a level of detail.
func (s *Store) staffName(lang string, r events.Registration, level int) string {
	name := strings.Join(strings.Fields(r.Name), " ")
	if level == byDisplay {
		return DisplayName(name)
	}
	var more []string
	if level >= byPlace && r.FromPlaceName != "" {
		more = append(more, r.FromPlaceName)
	}
	if level >= byContact {
		switch {
		case len(digits(r.Phone)) >= 4:
			d := digits(r.Phone)
			more = append(more, s.cat.T(lang, "staff.connections.hint_phone", d[len(d)-4:]))
		case r.Email != "":
			more = append(more, s.cat.T(lang, "staff.connections.hint_email", prefix(r.Email, 3)))
		}
	}
	if level >= byNumber {
		more = append(more, s.cat.T(lang, "staff.connections.hint_number", r.ID))
	}
	if len(more) == 0 {
		return name
	}
	return name + " (" + strings.Join(more, ", ") + ")"
}

func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// prefix is the first n characters of s.
func prefix(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		r = r[:n]
	}
	return string(r)
}
