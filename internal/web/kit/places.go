package kit

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"implique/internal/auth"
	"implique/internal/territory"
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

type StaffOption struct {
	ID   string
	Name string
}

// StaffOptions lists the people who may lead an event: administrators and
// facilitators of the territory, and whoever the form already names.
func (s *Kit) StaffOptions(r *http.Request, form url.Values) ([]StaffOption, error) {
	members, err := s.Deps.Auth.Members(r.Context(), Info(r).Territory.ID)
	if err != nil {
		return nil, err
	}
	var out []StaffOption
	for _, m := range members {
		id := strconv.FormatInt(m.ID, 10)
		ok := slices.Contains(form["facilitators"], id)
		for _, role := range m.Roles {
			if role == auth.RoleAdministrator || role == auth.RoleFacilitator {
				ok = true
			}
		}
		if ok && (!m.Disabled() || slices.Contains(form["facilitators"], id)) {
			out = append(out, StaffOption{ID: id, Name: m.DisplayName()})
		}
	}
	return out, nil
}

// CommunityPath is the staff's page of a community.
func CommunityPath(id int64) string { return "/admin/communautes/" + strconv.FormatInt(id, 10) }
