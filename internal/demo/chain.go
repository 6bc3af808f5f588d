package demo

import (
	"context"

	"implique/internal/app"
	"implique/internal/community"
	"implique/internal/territory"
)

// demoSupport is an organisation of the demo directory that supports a
// demo initiative.
type demoSupport struct {
	initiative, organization string
	kind                     community.ActorKind
	supports                 []community.SupportKind
	details                  string
	day                      int // days from today
}

var demoSupports = []demoSupport{
	{"Le club de marche du mardi à Fortierville", "Club de l’âge d’or de Fortierville", community.ActorOrganization,
		[]community.SupportKind{community.SupportRoom}, "Le café après la marche, dans sa salle.", -50},
	{"Le club de marche du mardi à Fortierville", "Transport bénévole de la MRC de Bécancour", community.ActorOrganization,
		[]community.SupportKind{community.SupportStaffTime}, "Conduit les marcheurs qui n’ont plus d’auto.", -47},
}

// seedChain ties the demo's initiatives to the organisations of the demo
// directory that came to support them, so that each names the other and
// the indicator « organismes réseautés » counts them. It does nothing when
// an initiative or an organisation is missing, or when it ran already.
func seedChain(ctx context.Context, st *app.App, t territory.Territory, s *story) error {
	cs, os := st.Community, st.Orgs
	inis, err := cs.Initiatives(ctx, t.ID, community.InitiativeFilter{})
	if err != nil {
		return err
	}
	iniByTitle := map[string]community.Initiative{}
	for _, i := range inis {
		iniByTitle[i.Title] = i
	}
	refs, err := os.Options(ctx, t.ID)
	if err != nil {
		return err
	}
	orgByName := map[string]int64{}
	for _, o := range refs {
		orgByName[o.Name] = o.ID
	}
	for _, ds := range demoSupports {
		ini, ok := iniByTitle[ds.initiative]
		orgID, found := orgByName[ds.organization]
		if !ok || !found {
			continue
		}
		actors, err := cs.Actors(ctx, t.ID, ini.ID)
		if err != nil {
			return err
		}
		in := community.ActorInput{Name: ds.organization, Kind: ds.kind, Supports: ds.supports, Details: ds.details, OrganizationID: orgID}
		done := false
		for _, a := range actors {
			if a.OrganizationID != nil && *a.OrganizationID == orgID {
				done = true
			}
		}
		if done {
			continue
		}
		s.tellOn(ds.day, 11, 0)
		if _, err := cs.AddActor(ctx, t.ID, ini.ID, in); err != nil {
			return err
		}
	}
	return nil
}
