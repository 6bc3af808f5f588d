package kit

import (
	"implique/internal/territory"
	"net/http"
)

// PlaceOption is a place of the territory in a select: secteurs come right
// under their ville, indented.
type PlaceOption struct {
	Slug, Name string
	Sector     bool
}

// PlaceOptionsOf orders places for a select.
func PlaceOptionsOf(ps []territory.Place) []PlaceOption {
	var out []PlaceOption
	for _, g := range GroupPlaces(ps) {
		out = append(out, PlaceOption{Slug: g.Place.Slug, Name: g.Place.Name, Sector: g.Place.ParentID != nil})
		for _, sec := range g.Sectors {
			out = append(out, PlaceOption{Slug: sec.Slug, Name: sec.Name, Sector: true})
		}
	}
	return out
}

// PlaceOptions are the places of the request's territory, for a select.
func (s *Kit) PlaceOptions(r *http.Request) ([]PlaceOption, error) {
	ps, err := s.Deps.Territories.Places(r.Context(), Info(r).Territory.ID)
	if err != nil {
		return nil, err
	}
	return PlaceOptionsOf(ps), nil
}

// PlaceGroup is a ville and its secteurs.
type PlaceGroup struct {
	Place   territory.Place
	Sectors []territory.Place
}

// GroupPlaces puts each secteur under its ville.
func GroupPlaces(ps []territory.Place) []PlaceGroup {
	var groups []PlaceGroup
	idx := map[int64]int{}
	for _, p := range ps {
		if p.ParentID == nil {
			idx[p.ID] = len(groups)
			groups = append(groups, PlaceGroup{Place: p})
		}
	}
	for _, p := range ps {
		if p.ParentID != nil {
			if i, ok := idx[*p.ParentID]; ok {
				groups[i].Sectors = append(groups[i].Sectors, p)
				continue
			}
			groups = append(groups, PlaceGroup{Place: p})
		}
	}
	return groups
}
