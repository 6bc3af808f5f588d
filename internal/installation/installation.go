// Package installation runs one installation of Implique that serves many
// territories: it adds a territory with everything it needs to open — its
// host, its places, the community themes and its first administrator — in
// one transaction, and lists the territories with their counts. It stores
// nothing of its own: it calls the owners (territory, auth, community).
// The command (`implique territory`) and the installation administrator's
// page both call it, so that there is one way to add a territory.
package installation

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"io"
	"strconv"
	"strings"

	"implique/internal/auth"
	"implique/internal/db"
	"implique/internal/errs"
	"implique/internal/i18n"
	"implique/internal/territory"
)

// MaxPlacesBytes is the largest file of places taken (the MRC's is 2 kB).
const MaxPlacesBytes = 1 << 20

// Themes gives a new territory the community's default themes.
type Themes interface {
	EnsureThemesTx(ctx context.Context, tx *db.Tx, territoryID int64) error
}

// Config is what the service is built from.
type Config struct {
	DB          *db.DB
	Territories *territory.Store
	Auth        *auth.Store
	Themes      Themes
}

// Service adds and lists the territories of the installation.
type Service struct{ cfg Config }

// New returns the service on cfg.
func New(cfg Config) *Service { return &Service{cfg: cfg} }

// NewTerritory is what it takes to open a territory. The field names of
// its problems are name, host, places and admin.
type NewTerritory struct {
	Name string
	// Host is the domain name the territory is served on (required: a
	// territory without one would never be reached beside the others).
	Host string
	// Places is a CSV file in the format of the MRC's list (slug, name,
	// kind, parent, population, population_year, lat, lon, source); nil
	// takes the places of the MRC de Bécancour.
	Places io.Reader
	// AdminEmail is the first administrator's address; an account that
	// exists becomes administrator of the territory too.
	AdminEmail, AdminName, AdminLocale string
	// InstallationAdmin also makes the first administrator an installation
	// administrator.
	InstallationAdmin bool
}

// Added is what AddTerritory wrote.
type Added struct {
	Territory territory.Territory
	Places    int
	Admin     *auth.User
	// AdminCreated tells whether the administrator's account is new.
	AdminCreated bool
}

// AddTerritory opens a territory: all of it, or nothing when a part is
// refused (an errs.Error whose fields say which part and why).
func (s *Service) AddTerritory(ctx context.Context, n NewTerritory) (Added, error) {
	n.Name = strings.TrimSpace(n.Name)
	f := errs.Fields{}
	if n.Name == "" {
		f.Add("name", "errors.required")
	}
	host, err := territory.NormalizeHost(n.Host)
	switch {
	case err != nil:
		f.Add("host", "errors.host")
	case host == "":
		f.Add("host", "errors.required")
	}
	email := auth.NormalizeEmail(n.AdminEmail)
	if email == "" {
		f.Add("admin", "errors.required")
	} else if !territory.ValidEmail(email) {
		f.Add("admin", "errors.email")
	}
	places := n.Places
	if places == nil {
		places = territory.BecancourPlaces()
	}
	// The file is read whole before the transaction: a slow upload never
	// holds the database's writer.
	data, err := io.ReadAll(io.LimitReader(places, MaxPlacesBytes+1))
	if err != nil {
		return Added{}, err
	}
	if len(data) > MaxPlacesBytes {
		f.Add("places", "errors.places_too_big")
	} else if len(bytes.TrimSpace(data)) == 0 {
		f.Add("places", "territory.places.empty")
	}
	if err := f.Err(); err != nil {
		return Added{}, err
	}
	var out Added
	err = s.cfg.DB.InTx(ctx, func(tx *db.Tx) error {
		slug, err := freeSlug(ctx, tx, n.Name)
		if err != nil {
			return err
		}
		if out.Territory, err = s.cfg.Territories.CreateTx(ctx, tx, slug, territory.Settings{Name: n.Name}); err != nil {
			return err
		}
		if err := s.cfg.Territories.SetHostTx(ctx, tx, out.Territory.ID, host); err != nil {
			return err
		}
		out.Territory.Host = host
		out.Places, err = s.cfg.Territories.ImportPlacesTx(ctx, tx, out.Territory.ID, bytes.NewReader(data))
		var pe *territory.PlacesError
		if errors.As(err, &pe) {
			return errs.Fields{"places": pe.Msg()}.Err()
		}
		if err != nil {
			return err
		}
		if out.Places == 0 {
			return errs.Fields{"places": "territory.places.none"}.Err()
		}
		if err := s.cfg.Themes.EnsureThemesTx(ctx, tx, out.Territory.ID); err != nil {
			return err
		}
		out.Admin, out.AdminCreated, err = s.cfg.Auth.TerritoryAdminTx(ctx, tx,
			auth.NewUser{Email: email, Name: n.AdminName, Locale: n.AdminLocale}, out.Territory.ID, n.InstallationAdmin)
		return adminField(err)
	})
	if err != nil {
		return Added{}, err
	}
	return out, nil
}

// adminField names the administrator's problems after the field "admin".
func adminField(err error) error {
	e, ok := errs.As(err)
	if !ok || len(e.Fields) == 0 {
		return err
	}
	fields := map[string]string{}
	for k, v := range e.Fields {
		switch k {
		case "email":
			k = "admin"
		case "name":
			k = "admin_name"
		}
		fields[k] = v
	}
	return &errs.Error{Code: e.Code, Key: e.Key, Fields: fields}
}

// freeSlug is the territory's address name made from its name, numbered
// when another territory has it already.
func freeSlug(ctx context.Context, tx *db.Tx, name string) (string, error) {
	base := i18n.Slug(name, 50)
	if base == "" {
		base = "territoire"
	}
	for i := 1; ; i++ {
		slug := base
		if i > 1 {
			slug += "-" + strconv.Itoa(i)
		}
		var id int64
		err := tx.QueryRow(ctx, `SELECT id FROM territories WHERE slug = ?`, slug).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return slug, nil
		}
		if err != nil {
			return "", err
		}
	}
}

// Summary is a territory with what it holds.
type Summary struct {
	territory.Territory
	Places, People int
}

// Territories lists every territory of the installation with its counts
// of places and of people (the accounts that hold a role in it).
func (s *Service) Territories(ctx context.Context) ([]Summary, error) {
	ts, err := s.cfg.Territories.List(ctx)
	if err != nil {
		return nil, err
	}
	places, err := s.cfg.Territories.PlaceCounts(ctx)
	if err != nil {
		return nil, err
	}
	people, err := s.cfg.Auth.PeopleByTerritory(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Summary, len(ts))
	for i, t := range ts {
		out[i] = Summary{Territory: t, Places: places[t.ID], People: people[t.ID]}
	}
	return out, nil
}

// SetHost changes the host a territory is served on.
func (s *Service) SetHost(ctx context.Context, territoryID int64, host string) error {
	if strings.TrimSpace(host) == "" {
		// A territory without a host is the fallback of every other host:
		// it is not something to do by mistake from a form.
		return errs.Fields{"host": "errors.required"}.Err()
	}
	return s.cfg.Territories.SetHost(ctx, territoryID, host)
}
