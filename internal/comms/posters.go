package comms

import (
	"context"
	"database/sql"
	"errors"
	"strconv"

	"implique/internal/calendar"
	"implique/internal/errs"
	"implique/internal/events"
	"implique/internal/survey"
	"implique/internal/tracking"
	"implique/internal/volunteering"
)

// What a poster may promote.
const (
	PosterEvent       = "event"
	PosterCampaign    = "campaign"
	PosterOpportunity = "opportunity"
	PosterSurvey      = "survey"
)

// PosterSubjects lists them in display order.
var PosterSubjects = []string{PosterEvent, PosterCampaign, PosterOpportunity, PosterSurvey}

// PosterCampaignCode is the campaign of a poster's link when what it
// promotes belongs to no campaign.
const PosterCampaignCode = "affiche"

// PosterChoice is one thing a poster may promote, in a select.
type PosterChoice struct {
	ID    int64
	Label string
}

// PosterCampaignInfo is a campaign as a poster shows it.
type PosterCampaignInfo struct {
	ID             int64
	Code           string
	Theme, Goal    string
	StartsOn, Ends calendar.Date
}

// PosterSubject is what a poster promotes, with the tracked link its QR
// code carries: exactly one of Event, Campaign, Opportunity and Survey is
// set.
type PosterSubject struct {
	What        string
	Event       *events.Event
	Campaign    *PosterCampaignInfo
	Opportunity *volunteering.Opportunity
	Survey      *survey.Open
	// Target is the public page the link leads to.
	Target string
	Link   tracking.Link
	// ShortURL is the link's address, in the code and printed under it.
	ShortURL string
}

// PosterChoices lists what a poster may promote of kind what: the events
// to come on the public calendar, the campaigns not archived, the
// opportunities open to applications, the questionnaires' waves open
// online.
func (s *Store) PosterChoices(ctx context.Context, territoryID int64, what string) ([]PosterChoice, error) {
	var out []PosterChoice
	switch what {
	case PosterEvent:
		_, loc, err := s.today(ctx, territoryID)
		if err != nil {
			return nil, err
		}
		list, err := s.events.List(ctx, territoryID, events.Filter{From: s.now(), PublicOnly: true, Limit: 200})
		if err != nil {
			return nil, err
		}
		for _, ev := range list {
			if ev.CancelledAt == nil {
				out = append(out, PosterChoice{ev.ID, ev.Name(s.cat, "fr", loc)})
			}
		}
	case PosterCampaign:
		rows, err := s.db.Query(ctx, `SELECT id, theme FROM comms_campaigns WHERE territory_id = ? AND archived_at IS NULL
			ORDER BY starts_on DESC, id DESC`, territoryID)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var c PosterChoice
			if err := rows.Scan(&c.ID, &c.Label); err != nil {
				return nil, err
			}
			out = append(out, c)
		}
		return out, rows.Err()
	case PosterOpportunity:
		list, err := s.volunteering.Opportunities(ctx, territoryID, volunteering.Filter{OpenOnly: true, IncludeRemote: true})
		if err != nil {
			return nil, err
		}
		for _, o := range list {
			out = append(out, PosterChoice{o.ID, o.Title})
		}
	case PosterSurvey:
		list, err := s.surveys.OpenWaves(ctx, territoryID)
		if err != nil {
			return nil, err
		}
		for _, o := range list {
			out = append(out, PosterChoice{o.Wave.ID, o.Questionnaire.Title("fr") + " — " + o.Wave.Name})
		}
	default:
		return nil, errs.New(errs.Invalid, "errors.comms_print_what")
	}
	return out, nil
}

// PosterSubject returns what a poster promotes and the tracked link of its
// QR code (made the first time, then the same one): under the campaign's
// code for a campaign, « affiche » otherwise.
func (s *Store) PosterSubject(ctx context.Context, territoryID int64, what string, id int64) (PosterSubject, error) {
	p := PosterSubject{What: what}
	campaign := PosterCampaignCode
	notFound := errs.New(errs.NotFound, "errors.comms_print_not_found")
	switch what {
	case PosterEvent:
		ev, err := s.events.Get(ctx, territoryID, id)
		if errs.Is(err, errs.NotFound) || (err == nil && (ev.PublishAt == nil || ev.PublishAt.After(s.now()) || ev.CancelledAt != nil)) {
			return p, notFound
		}
		if err != nil {
			return p, err
		}
		p.Event, p.Target = &ev, s.baseURL+"/evenements/"+ev.Slug
	case PosterCampaign:
		var c PosterCampaignInfo
		err := s.db.QueryRow(ctx, `SELECT id, code, theme, goal, starts_on, ends_on FROM comms_campaigns WHERE territory_id = ? AND id = ?
			AND archived_at IS NULL`, territoryID, id).Scan(&c.ID, &c.Code, &c.Theme, &c.Goal, &c.StartsOn, &c.Ends)
		if errors.Is(err, sql.ErrNoRows) {
			return p, notFound
		}
		if err != nil {
			return p, err
		}
		p.Campaign, p.Target, campaign = &c, s.baseURL+"/", c.Code
	case PosterOpportunity:
		o, err := s.volunteering.Opportunity(ctx, territoryID, id)
		if errs.Is(err, errs.NotFound) || (err == nil && !o.Open(s.now())) {
			return p, notFound
		}
		if err != nil {
			return p, err
		}
		p.Opportunity, p.Target = &o, s.baseURL+"/s-impliquer/offres/"+o.Slug
	case PosterSurvey:
		list, err := s.surveys.OpenWaves(ctx, territoryID)
		if err != nil {
			return p, err
		}
		for i := range list {
			if list[i].Wave.ID == id {
				p.Survey = &list[i]
			}
		}
		if p.Survey == nil {
			return p, notFound
		}
		p.Target = s.baseURL + "/sondages/" + strconv.FormatInt(id, 10)
	default:
		return p, errs.New(errs.Invalid, "errors.comms_print_what")
	}
	l, err := s.tracking.Ensure(ctx, territoryID, tracking.Input{Target: p.Target, Campaign: campaign,
		Label: s.cat.T("fr", "comms.print.link_label")})
	if err != nil {
		return p, err
	}
	p.Link, p.ShortURL = l, s.baseURL+"/l/"+l.Code
	return p, nil
}
