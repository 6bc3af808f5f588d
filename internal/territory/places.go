package territory

import (
	"bytes"
	"context"
	"database/sql"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"implique/internal/calendar"
	"implique/internal/db"
	"implique/internal/errs"
	"implique/internal/files"
	"implique/internal/i18n"
)

// Place kinds.
const (
	KindCity                = "city"
	KindMunicipality        = "municipality"
	KindParishMunicipality  = "parish_municipality"
	KindIndigenousCommunity = "indigenous_community"
	KindSector              = "sector"
)

// Kinds lists the place kinds in display order.
var Kinds = []string{KindCity, KindMunicipality, KindParishMunicipality, KindIndigenousCommunity, KindSector}

// Place is a municipality, a secteur or a community of a territory. A nil
// population or position is a fact nobody could confirm: show it as such.
type Place struct {
	ID             int64
	TerritoryID    int64
	Slug           string
	Name           string
	Kind           string
	ParentID       *int64
	ParentSlug     string
	ParentName     string
	Population     *int64
	PopulationYear *int64
	Lat, Lon       *float64
	Source         string
}

// HasPosition reports whether the place's position is known.
func (p Place) HasPosition() bool { return p.Lat != nil && p.Lon != nil }

//go:embed places.csv
var becancourCSV []byte

// BecancourPlaces is the list of places of the MRC de Bécancour
// (municipalities, secteurs of the ville de Bécancour, and Wôlinak), with the
// source of each figure.
func BecancourPlaces() io.Reader { return bytes.NewReader(becancourCSV) }

func kindCode(s string) (string, bool) {
	s = strings.TrimSpace(strings.ToLower(s))
	switch {
	case s == "ville" || s == KindCity:
		return KindCity, true
	case s == "municipalité" || s == KindMunicipality:
		return KindMunicipality, true
	case s == "municipalité de paroisse" || s == KindParishMunicipality:
		return KindParishMunicipality, true
	case strings.HasPrefix(s, "communauté autochtone") || s == KindIndigenousCommunity:
		return KindIndigenousCommunity, true
	case s == "secteur" || s == KindSector:
		return KindSector, true
	}
	return "", false
}

// PlacesError is what is wrong with a file of places: the line (1 is the
// header), a catalog key and the value in question. Its key, as an
// i18n.Msg, says it in French or English (Msg).
type PlacesError struct {
	Line  int
	Key   string
	Value string
}

func (e *PlacesError) Error() string {
	return fmt.Sprintf("places CSV line %d: %s %q", e.Line, e.Key, e.Value)
}

// Msg is the problem as a catalog message: the line and the value (an
// empty file says neither, an unreadable one only its line).
func (e *PlacesError) Msg() string {
	switch e.Key {
	case placesEmpty, placesTooBig:
		return i18n.Msg(e.Key)
	case placesUnreadable:
		return i18n.Msg(e.Key, e.Line)
	}
	return i18n.Msg(e.Key, e.Line, e.Value)
}

const (
	placesEmpty      = "territory.places.empty"
	placesUnreadable = "territory.places.unreadable"
	placesTooBig     = "territory.places.too_big"
	placesControl    = "territory.places.control"
)

// maxPlacesBytes is the largest file of places read: a province's
// municipalities and secteurs take a few hundred kilobytes.
const maxPlacesBytes = 5 << 20

// placeRow is a place as a file describes it, its parent by slug.
type placeRow struct {
	p      Place
	parent string
}

// parsePlaces reads and checks a file of places (columns slug, name,
// kind, parent, population, population_year, lat, lon, source), every
// row before anything is written. What is wrong is a *PlacesError.
func parsePlaces(r io.Reader) ([]placeRow, error) {
	bad := func(line int, key, value string) error { return &PlacesError{Line: line, Key: key, Value: value} }
	data, err := io.ReadAll(io.LimitReader(r, maxPlacesBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxPlacesBytes {
		return nil, bad(1, placesTooBig, "")
	}
	text, ok := files.Text(data)
	if !ok {
		return nil, bad(1, placesUnreadable, "")
	}
	cr := csv.NewReader(bytes.NewReader(text))
	cr.Comma = files.Separator(text)
	cr.FieldsPerRecord = -1
	recs, err := cr.ReadAll()
	if err != nil {
		line := 1
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			line = pe.Line
		}
		return nil, bad(line, placesUnreadable, "")
	}
	if len(recs) < 1 {
		return nil, bad(1, placesEmpty, "")
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = i
	}
	for _, need := range []string{"slug", "name", "kind"} {
		if _, ok := col[need]; !ok {
			return nil, bad(1, "territory.places.missing_column", need)
		}
	}
	get := func(rec []string, name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	var rows []placeRow
	seen := map[string]bool{}
	for n, rec := range recs[1:] {
		line := n + 2
		for _, cell := range rec {
			if !files.Readable(cell) {
				return nil, bad(line, placesControl, shown(cell))
			}
		}
		p := Place{Slug: get(rec, "slug"), Name: get(rec, "name"), Source: get(rec, "source")}
		if !slugRe.MatchString(p.Slug) {
			return nil, bad(line, "territory.places.slug", p.Slug)
		}
		if p.Name == "" {
			return nil, bad(line, "territory.places.name", p.Slug)
		}
		if seen[p.Slug] {
			return nil, bad(line, "territory.places.duplicate", p.Slug)
		}
		seen[p.Slug] = true
		var ok bool
		if p.Kind, ok = kindCode(get(rec, "kind")); !ok {
			return nil, bad(line, "territory.places.kind", get(rec, "kind"))
		}
		var err error
		if p.Population, err = optInt(get(rec, "population")); err != nil {
			return nil, bad(line, "territory.places.population", get(rec, "population"))
		}
		if p.PopulationYear, err = optInt(get(rec, "population_year")); err != nil ||
			p.PopulationYear != nil && !calendar.Record.Holds(int(*p.PopulationYear)) {
			return nil, bad(line, "territory.places.population_year", get(rec, "population_year"))
		}
		if p.Lat, err = optFloat(get(rec, "lat"), -90, 90); err != nil {
			return nil, bad(line, "territory.places.lat", get(rec, "lat"))
		}
		if p.Lon, err = optFloat(get(rec, "lon"), -180, 180); err != nil {
			return nil, bad(line, "territory.places.lon", get(rec, "lon"))
		}
		rows = append(rows, placeRow{p: p, parent: get(rec, "parent")})
	}
	for i, r := range rows {
		if r.parent != "" && !seen[r.parent] {
			return nil, bad(i+2, "territory.places.parent", r.parent)
		}
	}
	return rows, nil
}

// ImportPlaces reads places from CSV (columns slug, name, kind, parent,
// population, population_year, lat, lon, source) and adds or updates them
// by slug. Every row is checked before anything is written; a bad row
// rejects the whole file with its line number (a *PlacesError).
func (s *Store) ImportPlaces(ctx context.Context, territoryID int64, r io.Reader) (int, error) {
	var n int
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var err error
		n, err = s.ImportPlacesTx(ctx, tx, territoryID, r)
		return err
	})
	return n, err
}

// ImportPlacesTx is ImportPlaces inside tx.
func (s *Store) ImportPlacesTx(ctx context.Context, tx *db.Tx, territoryID int64, r io.Reader) (int, error) {
	rows, err := parsePlaces(r)
	if err != nil {
		return 0, err
	}
	ids := map[string]int64{}
	for i, r := range rows {
		p := r.p
		var id int64
		err := tx.QueryRow(ctx, `SELECT id FROM places WHERE territory_id = ? AND slug = ?`, territoryID, p.Slug).Scan(&id)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			id, err = tx.InsertID(ctx, `INSERT INTO places (territory_id, slug, name, kind, population, population_year,
				lat, lon, source, sort_order) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				territoryID, p.Slug, p.Name, p.Kind, p.Population, p.PopulationYear, p.Lat, p.Lon, p.Source, i)
		case err == nil:
			_, err = tx.Exec(ctx, `UPDATE places SET name = ?, kind = ?, population = ?, population_year = ?, lat = ?,
				lon = ?, source = ?, sort_order = ? WHERE id = ?`,
				p.Name, p.Kind, p.Population, p.PopulationYear, p.Lat, p.Lon, p.Source, i, id)
		}
		if err != nil {
			return 0, err
		}
		ids[p.Slug] = id
	}
	for _, r := range rows {
		var parent *int64
		if r.parent != "" {
			v := ids[r.parent]
			parent = &v
		}
		if _, err := tx.Exec(ctx, `UPDATE places SET parent_id = ? WHERE id = ?`, parent, ids[r.p.Slug]); err != nil {
			return 0, err
		}
	}
	return len(rows), nil
}

// shown is text that failed files.Readable as it may be shown in a
// message, on a page or a terminal: what cannot be shown is « � ».
func shown(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && r != '\t' {
			return '\ufffd'
		}
		return r
	}, strings.ToValidUTF8(s, "\ufffd"))
}

func optInt(s string) (*int64, error) {
	if s == "" {
		return nil, nil
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v < 0 {
		return nil, fmt.Errorf("%q is not a whole number", s)
	}
	return &v, nil
}

func optFloat(s string, lo, hi float64) (*float64, error) {
	if s == "" {
		return nil, nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v < lo || v > hi {
		return nil, fmt.Errorf("%q is not between %v and %v", s, lo, hi)
	}
	return &v, nil
}

const placeCols = `p.id, p.territory_id, p.slug, p.name, p.kind, p.parent_id, COALESCE(pp.slug, ''), COALESCE(pp.name, ''),
	p.population, p.population_year, p.lat, p.lon, p.source`

func scanPlace(row interface{ Scan(...any) error }) (Place, error) {
	var p Place
	var parent sql.NullInt64
	var pop, year sql.NullInt64
	var lat, lon sql.NullFloat64
	err := row.Scan(&p.ID, &p.TerritoryID, &p.Slug, &p.Name, &p.Kind, &parent, &p.ParentSlug, &p.ParentName,
		&pop, &year, &lat, &lon, &p.Source)
	if parent.Valid {
		p.ParentID = &parent.Int64
	}
	if pop.Valid {
		p.Population = &pop.Int64
	}
	if year.Valid {
		p.PopulationYear = &year.Int64
	}
	if lat.Valid && lon.Valid {
		p.Lat, p.Lon = &lat.Float64, &lon.Float64
	}
	return p, err
}

// Places lists a territory's places, sorted by name in French order.
func (s *Store) Places(ctx context.Context, territoryID int64) ([]Place, error) {
	rows, err := s.db.Query(ctx, `SELECT `+placeCols+` FROM places p LEFT JOIN places pp ON pp.id = p.parent_id
		WHERE p.territory_id = ?`, territoryID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Place
	for rows.Next() {
		p, err := scanPlace(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	SortByName(out)
	return out, nil
}

// SortByName sorts places by name the way a French reader expects
// (accents do not push « Bécancour » after « Bz »).
func SortByName(ps []Place) {
	c := collate.New(language.CanadianFrench, collate.Loose)
	sort.SliceStable(ps, func(i, j int) bool { return c.CompareString(ps[i].Name, ps[j].Name) < 0 })
}

// Place returns one place of a territory by slug.
func (s *Store) Place(ctx context.Context, territoryID int64, slug string) (Place, error) {
	p, err := scanPlace(s.db.QueryRow(ctx, `SELECT `+placeCols+` FROM places p LEFT JOIN places pp ON pp.id = p.parent_id
		WHERE p.territory_id = ? AND p.slug = ?`, territoryID, slug))
	if errors.Is(err, sql.ErrNoRows) {
		return Place{}, errs.New(errs.NotFound, "errors.place_not_found")
	}
	return p, err
}
