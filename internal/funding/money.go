package funding

import "strings"

// ParseMoney reads an amount of dollars as people type it in Québec and
// returns it in cents: « 25 000 $ », « 25000,50 », « 25 000,5 », « 1 250 »,
// and in English « $25,000.50 ». Spaces (plain, no-break or narrow) group
// thousands; a comma or a point followed by one or two digits marks the
// cents; a comma or a point followed by three digits groups thousands.
// It reads no negative amount, no letters and no more than two decimals.
func ParseMoney(s string) (int64, bool) {
	s = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "", "\t", "").Replace(s)
	s = strings.TrimSuffix(strings.TrimPrefix(s, "$"), "$")
	if s == "" {
		return 0, false
	}
	whole, cents := s, ""
	if i := strings.LastIndexAny(s, ",."); i >= 0 && len(s)-i-1 <= 2 {
		whole, cents = s[:i], s[i+1:]
		if cents == "" {
			return 0, false
		}
	}
	// What is left groups thousands by threes, with a comma or a point.
	if strings.ContainsAny(whole, ",.") {
		sep := ","
		if strings.Contains(whole, ".") {
			sep = "."
		}
		groups := strings.Split(whole, sep)
		if len(groups[0]) == 0 || len(groups[0]) > 3 {
			return 0, false
		}
		for _, g := range groups[1:] {
			if len(g) != 3 {
				return 0, false
			}
		}
		whole = strings.Join(groups, "")
	}
	if whole == "" || len(whole) > 12 || !digits(whole) || !digits(cents) {
		return 0, false
	}
	var n int64
	for _, c := range whole {
		n = n*10 + int64(c-'0')
	}
	n *= 100
	switch len(cents) {
	case 1:
		n += int64(cents[0]-'0') * 10
	case 2:
		n += int64(cents[0]-'0')*10 + int64(cents[1]-'0')
	}
	return n, true
}

func digits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
