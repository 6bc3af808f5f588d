package volunteering

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"implique/internal/db"
	"implique/internal/errs"
	"implique/internal/orgs"
)

// Profile is a person's involvement profile: everything optional, used for
// matching, never public. Organisations see a part of it only when the
// person applies to them.
type Profile struct {
	ID          int64
	TerritoryID int64
	UserID      int64
	PlaceID     int64
	PlaceSlug   string
	PlaceName   string
	Causes      Mask
	Skills      Mask
	Languages   Mask
	// Availability holds the (day, part) slots and the Occasional bit.
	Availability Availability
	// MaxKm is how far the person will travel (nil: not said).
	MaxKm    *int
	Mobility Mobility
	AgeBand  string
	// ParentConsentAt: under 14, when a parent or tutor's consent was given.
	ParentConsentAt *time.Time
	Student         bool
	School          string
	// Employer is the business the person works for, when their hours
	// count for its corporate volunteering (0: none).
	EmployerID   int64
	EmployerName string
	// Digest: the person asked for the weekly e-mail of new opportunities
	// that fit them (CASL: express consent, when and how it was given).
	Digest           bool
	DigestConsentAt  *time.Time
	DigestConsentHow string
	DigestStoppedAt  *time.Time
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// Exists reports whether the person has saved a profile.
func (p Profile) Exists() bool { return p.ID != 0 }

// ProfileInput is a profile as typed.
type ProfileInput struct {
	PlaceSlug    string
	Causes       []string
	Skills       []string
	Languages    []string
	Availability Availability
	MaxKm        *int
	Mobility     Mobility
	AgeBand      string
	// ParentConsent: under 14, a parent or tutor agrees (Law 25, s. 14).
	ParentConsent bool
	Student       bool
	School        string
	EmployerID    int64
	Digest        bool
}

// MaxTravelKm bounds what « how far » may say.
const MaxTravelKm = 200

// DigestConsentProfile says how the digest was asked for: the box of the
// profile form, unchecked by default.
const DigestConsentProfile = "profile_form_checkbox"

// SaveProfile creates or replaces a person's profile.
func (s *Store) SaveProfile(ctx context.Context, territoryID, userID int64, in ProfileInput) (Profile, error) {
	f := errs.Fields{}
	causes, bad := MaskOf(Causes, in.Causes)
	if bad {
		f.Add("causes", "errors.volunteer_cause")
	}
	skills, bad := MaskOf(Skills, in.Skills)
	if bad {
		f.Add("skills", "errors.volunteer_skill")
	}
	langs, bad := MaskOf(Languages, in.Languages)
	if bad {
		f.Add("languages", "errors.volunteer_language")
	}
	if in.MaxKm != nil && (*in.MaxKm < 0 || *in.MaxKm > MaxTravelKm) {
		f.Add("max_km", "errors.volunteer_max_km")
	}
	switch in.Mobility {
	case MobilityUnknown, HasCar, NoCar, NeedsRide:
	default:
		f.Add("mobility", "errors.volunteer_mobility")
	}
	if in.AgeBand != "" {
		if _, ok := Band(in.AgeBand); !ok {
			f.Add("age_band", "errors.volunteer_age_band")
		}
	}
	if in.AgeBand == "under_14" && !in.ParentConsent {
		f.Add("parent_consent", "errors.volunteer_parent_consent")
	}
	in.School = clean(in.School)
	if tooLong(in.School, 150) {
		f.Add("school", "errors.too_long")
	}
	var placeID any
	if in.PlaceSlug != "" {
		pl, err := s.territories.Place(ctx, territoryID, in.PlaceSlug)
		if errs.Is(err, errs.NotFound) {
			f.Add("place", "errors.place_unknown")
		} else if err != nil {
			return Profile{}, err
		} else {
			placeID = pl.ID
		}
	}
	if in.EmployerID != 0 {
		o, err := s.orgs.Get(ctx, territoryID, in.EmployerID)
		if errs.Is(err, errs.NotFound) || (err == nil && o.Kind != orgs.Business) {
			f.Add("employer", "errors.volunteer_employer")
		} else if err != nil {
			return Profile{}, err
		}
	}
	if err := f.Err(); err != nil {
		return Profile{}, err
	}
	var maxKm any
	if in.MaxKm != nil {
		maxKm = *in.MaxKm
	}
	avail := in.Availability & (allSlots | Occasional)
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		now := s.now()
		var consent any
		if in.AgeBand == "under_14" {
			consent = now
		}
		var id int64
		var digest bool
		err := tx.QueryRow(ctx, `SELECT id, digest FROM volunteer_profiles WHERE territory_id = ? AND user_id = ?`, territoryID, userID).Scan(&id, &digest)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			var consentAt any
			consentHow := ""
			if in.Digest {
				consentAt, consentHow = now, DigestConsentProfile
			}
			_, err = tx.Exec(ctx, `INSERT INTO volunteer_profiles (territory_id, user_id, place_id, causes, skills, languages,
				availability, max_km, mobility, age_band, parent_consent_at, student, school, employer_id, digest, digest_consent_at,
				digest_consent_how, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				territoryID, userID, placeID, int64(causes), int64(skills), int64(langs), int64(avail), maxKm, string(in.Mobility),
				in.AgeBand, consent, in.Student, in.School, nullID(in.EmployerID), in.Digest, consentAt, consentHow, now, now)
			return err
		case err != nil:
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE volunteer_profiles SET place_id = ?, causes = ?, skills = ?, languages = ?,
			availability = ?, max_km = ?, mobility = ?, age_band = ?, parent_consent_at = CASE WHEN ? THEN COALESCE(parent_consent_at, ?) END,
			student = ?, school = ?, employer_id = ?, updated_at = ? WHERE id = ?`, placeID, int64(causes), int64(skills), int64(langs),
			int64(avail), maxKm, string(in.Mobility), in.AgeBand, in.AgeBand == "under_14", now, in.Student, in.School,
			nullID(in.EmployerID), now, id); err != nil {
			return err
		}
		switch {
		case in.Digest && !digest:
			_, err = tx.Exec(ctx, `UPDATE volunteer_profiles SET digest = ?, digest_consent_at = ?, digest_consent_how = ?,
				digest_stopped_at = NULL WHERE id = ?`, true, now, DigestConsentProfile, id)
		case !in.Digest && digest:
			_, err = tx.Exec(ctx, `UPDATE volunteer_profiles SET digest = ?, digest_stopped_at = ? WHERE id = ?`, false, now, id)
		}
		return err
	})
	if err != nil {
		return Profile{}, err
	}
	return s.Profile(ctx, territoryID, userID)
}

const profileCols = `v.id, v.territory_id, v.user_id, COALESCE(v.place_id, 0), COALESCE(p.slug, ''), COALESCE(p.name, ''),
	v.causes, v.skills, v.languages, v.availability, v.max_km, v.mobility, v.age_band, v.parent_consent_at, v.student, v.school,
	COALESCE(v.employer_id, 0), COALESCE(e.name, ''), v.digest, v.digest_consent_at, v.digest_consent_how, v.digest_stopped_at,
	v.created_at, v.updated_at`

const profileFrom = ` FROM volunteer_profiles v LEFT JOIN places p ON p.id = v.place_id LEFT JOIN organizations e ON e.id = v.employer_id `

func scanProfile(row interface{ Scan(...any) error }) (Profile, error) {
	var p Profile
	var causes, skills, langs, avail int64
	var maxKm sql.NullInt64
	var mobility string
	var consentAt, stoppedAt, parentAt sql.NullTime
	err := row.Scan(&p.ID, &p.TerritoryID, &p.UserID, &p.PlaceID, &p.PlaceSlug, &p.PlaceName, &causes, &skills, &langs, &avail,
		&maxKm, &mobility, &p.AgeBand, &parentAt, &p.Student, &p.School, &p.EmployerID, &p.EmployerName, &p.Digest, &consentAt,
		&p.DigestConsentHow, &stoppedAt, &p.CreatedAt, &p.UpdatedAt)
	if err != nil {
		return p, err
	}
	p.Causes, p.Skills, p.Languages, p.Availability = Mask(causes), Mask(skills), Mask(langs), Availability(avail)
	p.Mobility = Mobility(mobility)
	if maxKm.Valid {
		v := int(maxKm.Int64)
		p.MaxKm = &v
	}
	if consentAt.Valid {
		p.DigestConsentAt = &consentAt.Time
	}
	if parentAt.Valid {
		p.ParentConsentAt = &parentAt.Time
	}
	if stoppedAt.Valid {
		p.DigestStoppedAt = &stoppedAt.Time
	}
	return p, nil
}

// Profile returns a person's profile; a person without one gets the zero
// Profile (Exists is false) and no error.
func (s *Store) Profile(ctx context.Context, territoryID, userID int64) (Profile, error) {
	p, err := scanProfile(s.db.QueryRow(ctx, `SELECT `+profileCols+profileFrom+`WHERE v.territory_id = ? AND v.user_id = ?`, territoryID, userID))
	if errors.Is(err, sql.ErrNoRows) {
		return Profile{TerritoryID: territoryID, UserID: userID}, nil
	}
	return p, err
}

// StopDigest ends a person's weekly digest (the unsubscribe link, or the
// profile form). Stopping twice is harmless.
func (s *Store) StopDigest(ctx context.Context, territoryID, userID int64) error {
	_, err := s.db.Exec(ctx, `UPDATE volunteer_profiles SET digest = ?, digest_stopped_at = COALESCE(digest_stopped_at, ?), updated_at = ?
		WHERE territory_id = ? AND user_id = ? AND digest = ?`, false, s.now(), s.now(), territoryID, userID, true)
	return err
}

// DeleteProfile erases a person's profile and the record of the digests
// sent to them, as the privacy centre's erasure does (their applications
// and hours stay: they are the organisation's records too).
func (s *Store) DeleteProfile(ctx context.Context, territoryID, userID int64) error {
	return s.db.InTx(ctx, func(tx *db.Tx) error { return eraseProfile(ctx, tx, territoryID, userID) })
}
