package volunteering

import (
	"net/http"
	"time"

	"implique/internal/errs"
	"implique/internal/orgs"
	vol "implique/internal/volunteering"
	"implique/internal/web/kit"
)

type apiRef struct {
	Slug string `json:"slug"`
	Name string `json:"name"`
}

type apiOpportunity struct {
	ID            int64   `json:"id"`
	Slug          string  `json:"slug"`
	Title         string  `json:"title"`
	Organization  apiRef  `json:"organization"`
	Place         *apiRef `json:"place"`
	Kind          string  `json:"kind"`
	Remote        bool    `json:"remote"`
	StartsAt      *string `json:"starts_at"`
	Recurring     bool    `json:"recurring"`
	Spots         *int    `json:"spots"`
	URL           string  `json:"url"`
	JebenevoleURL *string `json:"jebenevole_url"`
}

// ApiOpportunities lists the open opportunities: GET
// /api/v1/opportunities?place=<slug>&cause=<code>.
func (s *Handlers) ApiOpportunities(w http.ResponseWriter, r *http.Request) {
	ri := kit.Info(r)
	q := r.URL.Query()
	f := vol.Filter{OpenOnly: true, PlaceSlug: q.Get("place"), IncludeRemote: true, Cause: q.Get("cause")}
	bad := map[string]string{}
	if f.PlaceSlug != "" {
		if _, err := s.Deps.Territories.Place(r.Context(), ri.Territory.ID, f.PlaceSlug); errs.Is(err, errs.NotFound) {
			bad["place"] = s.Cat.T(ri.Lang, "errors.place_unknown")
		} else if err != nil {
			s.Fail(w, r, err)
			return
		}
	}
	if f.Cause != "" && !orgs.ValidCause(f.Cause) {
		bad["cause"] = s.Cat.T(ri.Lang, "errors.volunteer_cause")
	}
	if len(bad) > 0 {
		kit.WriteJSON(w, http.StatusUnprocessableEntity, map[string]any{"errors": bad})
		return
	}
	opps, err := s.Deps.Volunteering.Opportunities(r.Context(), ri.Territory.ID, f)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	out := make([]apiOpportunity, 0, len(opps))
	for _, o := range opps {
		a := apiOpportunity{ID: o.ID, Slug: o.Slug, Title: o.Title, Organization: apiRef{Slug: o.Organization.Slug, Name: o.Organization.Name},
			Kind: string(o.Kind), Remote: o.Remote, Recurring: o.Schedule == vol.Recurring, Spots: o.SpotsLeft(),
			URL: s.Cfg.BaseURL + "/s-impliquer/offres/" + o.Slug}
		if o.PlaceSlug != "" {
			a.Place = &apiRef{Slug: o.PlaceSlug, Name: o.PlaceName}
		}
		if o.StartsAt != nil {
			v := o.StartsAt.In(ri.Territory.Location()).Format(time.RFC3339)
			a.StartsAt = &v
		}
		if o.JebenevoleURL != "" {
			// Through the counted link: clicks from sites that use the API
			// count for « utilisation de jebénévole.ca » too.
			v := a.URL + "/jebenevole"
			a.JebenevoleURL = &v
		}
		out = append(out, a)
	}
	kit.WriteJSON(w, http.StatusOK, map[string]any{"opportunities": out})
}
