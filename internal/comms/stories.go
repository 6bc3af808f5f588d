package comms

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"implique/internal/calendar"
	"implique/internal/db"
	"implique/internal/errs"
	"implique/internal/i18n"
	"implique/internal/territory"
)

// Kinds of story: who or what it puts forward.
const (
	StoryVolunteer  = "volunteer"
	StoryCommittee  = "committee"
	StoryInitiative = "initiative"
)

// StoryKinds lists them in display order.
var StoryKinds = []string{StoryVolunteer, StoryCommittee, StoryInitiative}

// Statuses of a story. Whether a published story shows is computed from
// its consents (see Story.Showing).
const (
	StoryDraft     = "draft"
	StoryPublished = "published"
	StoryWithdrawn = "withdrawn"
)

// What a person agreed to show of themselves.
const (
	ConsentName  = "name"
	ConsentPhoto = "photo"
	ConsentWords = "words"
	ConsentStory = "story"
)

// ConsentWhats lists them in display order.
var ConsentWhats = []string{ConsentName, ConsentPhoto, ConsentWords, ConsentStory}

// How a consent was given (or withdrawn).
const (
	ConsentSignedForm = "signed_form"
	ConsentEmail      = "email"
	ConsentSpoken     = "spoken"
)

// ConsentByMyData is how a consent withdrawn by the person in « Mes
// données » (or erased there) was withdrawn; staff never choose it.
const ConsentByMyData = "my_data"

// ConsentHows lists them in display order.
var ConsentHows = []string{ConsentSignedForm, ConsentEmail, ConsentSpoken}

// Where a story may be shown: the site, social media, print.
const (
	StoryOnWeb    = "web"
	StoryOnSocial = "social"
	StoryOnPrint  = "print"
)

// Why a story does not show (Story.Hidden).
const (
	StoryHiddenDraft     = "draft"
	StoryHiddenWithdrawn = "withdrawn"
	StoryHiddenNoConsent = "no_consent"
	StoryHiddenExpired   = "expired"
	StoryHiddenNotHere   = "not_here"
	// StoryHiddenName: the text names a person who did not agree to show
	// their name.
	StoryHiddenName = "name"
)

// ChannelScope is the consent's scope (StoryOnWeb, StoryOnSocial,
// StoryOnPrint) a calendar item's channel needs to show a story: Facebook
// is social media; the website and the newsletter are the web (see
// NewsletterScope); the municipal bulletin, the newspaper and posters are
// print. The radio is none of them: no consent covers it ("").
func ChannelScope(channel string) string {
	switch channel {
	case "facebook":
		return StoryOnSocial
	case "website", "newsletter":
		return NewsletterScope
	case "bulletin", "newspaper", "poster":
		return StoryOnPrint
	}
	return ""
}

// NewsletterScope is the scope a newsletter needs to show a story. A
// newsletter is e-mail, which no consent names; but every issue sent stays
// readable by anyone in the public archive of the site (/infolettre), so a
// story goes in a newsletter only with consents that cover the web.
const NewsletterScope = StoryOnWeb

// Consent is the recorded consent of one person shown in a story. The
// record stays after a withdrawal: it is the proof of what was agreed.
type Consent struct {
	ID      int64
	StoryID int64
	// Person is the name as shown.
	Person string
	// Email and Phone, when the person gave them, let the privacy centre
	// find the consent (« Mes données »); both may be "".
	Email, Phone string
	// What is shown of them (ConsentWhats).
	What                     []string
	OnWeb, OnSocial, OnPrint bool
	// ValidUntil is the last day it holds (zero: until withdrawn).
	ValidUntil calendar.Date
	// Wording is the exact text they agreed to.
	Wording      string
	GivenOn      calendar.Date
	How          string
	RecordedAt   time.Time
	WithdrawnAt  *time.Time
	WithdrawnHow string
}

// Expired reports whether the consent's last day is before today.
func (c Consent) Expired(today calendar.Date) bool {
	return !c.ValidUntil.IsZero() && c.ValidUntil.Before(today)
}

// Active reports whether the consent still holds today.
func (c Consent) Active(today calendar.Date) bool { return c.WithdrawnAt == nil && !c.Expired(today) }

// Covers reports whether the consent allows where (StoryOnWeb…).
func (c Consent) Covers(where string) bool {
	switch where {
	case StoryOnWeb:
		return c.OnWeb
	case StoryOnSocial:
		return c.OnSocial
	case StoryOnPrint:
		return c.OnPrint
	}
	return false
}

// Shows reports whether the person agreed to show w (ConsentWhats).
func (c Consent) Shows(w string) bool {
	for _, v := range c.What {
		if v == w {
			return true
		}
	}
	return false
}

// Story puts a volunteer, a committee or an initiative forward.
type Story struct {
	ID          int64
	TerritoryID int64
	Slug        string
	Kind        string
	Title       string
	Summary     string
	// Body is Markdown, shown through Markdown only.
	Body        string
	PlaceID     int64
	PlaceSlug   string
	PlaceName   string
	ImageID     int64
	ImageAlt    string
	Status      string
	PublishedAt *time.Time
	WithdrawnAt *time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
	Consents    []Consent
}

// Path is the story's public page.
func (s Story) Path() string { return "/recits/" + s.Slug }

// Hidden tells why the story does not show at where today (StoryHidden…),
// or "" when it shows: it is published, it has at least one consent, no
// consent has ended, every consent covers where, and no one is named in its
// text who did not agree to show their name. It is the one rule by which a
// story shows: its public pages, the calendar items and the newsletter
// blocks made from it all ask it.
func (s Story) Hidden(today calendar.Date, where string) string {
	switch s.Status {
	case StoryDraft:
		return StoryHiddenDraft
	case StoryWithdrawn:
		return StoryHiddenWithdrawn
	}
	n := 0
	for _, c := range s.Consents {
		if c.WithdrawnAt != nil {
			return StoryHiddenWithdrawn
		}
		if c.Expired(today) {
			return StoryHiddenExpired
		}
		if !c.Covers(where) {
			return StoryHiddenNotHere
		}
		n++
	}
	if n == 0 {
		return StoryHiddenNoConsent
	}
	if len(s.Unnamed()) > 0 {
		return StoryHiddenName
	}
	return ""
}

// Unnamed lists the people whose name the story's title, summary or text
// shows though their consent does not cover their name.
func (s Story) Unnamed() []string {
	text := strings.ToLower(s.Title + "\n" + s.Summary + "\n" + s.Body)
	var out []string
	for _, c := range s.Consents {
		if c.WithdrawnAt == nil && !c.Shows(ConsentName) && c.Person != "" && strings.Contains(text, strings.ToLower(c.Person)) {
			out = append(out, c.Person)
		}
	}
	return out
}

// Unpictured lists the people whose consent does not cover their photo:
// while one does, the story's picture is not shown.
func (s Story) Unpictured() []string {
	var out []string
	for _, c := range s.Consents {
		if c.WithdrawnAt == nil && !c.Shows(ConsentPhoto) {
			out = append(out, c.Person)
		}
	}
	return out
}

// PhotoShows reports whether the story's picture shows at where today: the
// story shows there, and every person shown agreed to show their photo
// (each consent covers where, or the story would not show).
func (s Story) PhotoShows(today calendar.Date, where string) bool {
	return s.ImageID != 0 && s.Showing(today, where) && len(s.Unpictured()) == 0
}

// shownAt is the story as shown at where today: without its picture when
// the consents do not cover the photo.
func (s Story) shownAt(today calendar.Date, where string) Story {
	if !s.PhotoShows(today, where) {
		s.ImageID, s.ImageAlt = 0, ""
	}
	return s
}

// Showing reports whether the story shows at where today.
func (s Story) Showing(today calendar.Date, where string) bool { return s.Hidden(today, where) == "" }

// StoryInput is a story as typed.
type StoryInput struct {
	Kind, Title, Summary, Body string
	// PlaceSlug names the story's place ("" for none).
	PlaceSlug string
	// Image is a new picture (nil: keep the one there is).
	Image *ImageInput
	// RemoveImage takes the picture off.
	RemoveImage bool
	// ImageAlt is the new text alternative of the picture there is, when
	// no new picture is sent.
	ImageAlt string
}

// ConsentInput is a consent as staff record it.
type ConsentInput struct {
	Person                   string
	Email, Phone             string
	What                     []string
	OnWeb, OnSocial, OnPrint bool
	ValidUntil               string
	Wording                  string
	GivenOn                  string
	How                      string
}

// ConsentWithdrawal is a person's withdrawal as staff record it.
type ConsentWithdrawal struct {
	Date string
	How  string
}

// StoryLeftover is a calendar item already published that showed a
// withdrawn story: staff take it down by hand.
type StoryLeftover struct {
	ItemID      int64
	Channel     string
	Title       string
	Day         string
	PublishedAt *time.Time
}

func storyValidKind(k string) bool {
	for _, v := range StoryKinds {
		if v == k {
			return true
		}
	}
	return false
}

func storyIn(v string, list []string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func (in *StoryInput) validate(hasImage bool) (string, errs.Fields) {
	in.Title, in.Summary, in.Body = clean(in.Title), strings.TrimSpace(in.Summary), strings.TrimSpace(in.Body)
	in.PlaceSlug = strings.TrimSpace(in.PlaceSlug)
	f := errs.Fields{}
	if !storyValidKind(in.Kind) {
		f.Add("kind", "errors.comms_story_kind")
	}
	switch {
	case in.Title == "":
		f.Add("title", "errors.required")
	case tooLong(in.Title, 150):
		f.Add("title", "errors.too_long")
	}
	if in.Summary == "" {
		f.Add("summary", "errors.required")
	} else if tooLong(in.Summary, 500) {
		f.Add("summary", "errors.too_long")
	}
	if tooLong(in.Body, 20000) {
		f.Add("body", "errors.too_long")
	}
	ct := ""
	if in.Image != nil && len(in.Image.Data) > 0 {
		ct = checkImage(in.Image, "image", f)
		if in.Image.Alt == "" {
			f.Add("image_alt", "errors.comms_story_alt_required")
		}
	} else {
		in.Image = nil
	}
	return ct, f
}

const storyCols = `s.id, s.territory_id, s.slug, s.kind, s.title, s.summary, s.body, COALESCE(s.place_id, 0), COALESCE(p.slug, ''),
	COALESCE(p.name, ''), COALESCE(s.image_id, 0), COALESCE(i.alt, ''), s.status, s.published_at, s.withdrawn_at, s.created_at, s.updated_at`

const storyFrom = ` FROM comms_stories s LEFT JOIN places p ON p.id = s.place_id LEFT JOIN comms_images i ON i.id = s.image_id `

func storyScan(row interface{ Scan(...any) error }) (Story, error) {
	var s Story
	err := row.Scan(&s.ID, &s.TerritoryID, &s.Slug, &s.Kind, &s.Title, &s.Summary, &s.Body, &s.PlaceID, &s.PlaceSlug, &s.PlaceName,
		&s.ImageID, &s.ImageAlt, &s.Status, db.ScanNullTime(&s.PublishedAt), db.ScanNullTime(&s.WithdrawnAt),
		db.ScanTime(&s.CreatedAt), db.ScanTime(&s.UpdatedAt))
	if errors.Is(err, sql.ErrNoRows) {
		return s, errs.New(errs.NotFound, "errors.comms_story_not_found")
	}
	return s, err
}

// storyConsents fills the consents of the stories in list.
func (s *Store) storyConsents(ctx context.Context, list []Story) error {
	if len(list) == 0 {
		return nil
	}
	at := map[int64]int{}
	ids := make([]string, len(list))
	for i, st := range list {
		at[st.ID] = i
		ids[i] = strconv.FormatInt(st.ID, 10)
	}
	rows, err := s.db.Query(ctx, `SELECT id, story_id, person, email, phone, what, on_web, on_social, on_print, valid_until, wording,
		given_on, how, recorded_at, withdrawn_at, withdrawn_how FROM comms_story_consents WHERE story_id IN (`+strings.Join(ids, ",")+`)
		ORDER BY id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var c Consent
		var what string
		if err := rows.Scan(&c.ID, &c.StoryID, &c.Person, &c.Email, &c.Phone, &what, &c.OnWeb, &c.OnSocial, &c.OnPrint, &c.ValidUntil, &c.Wording,
			&c.GivenOn, &c.How, db.ScanTime(&c.RecordedAt), db.ScanNullTime(&c.WithdrawnAt), &c.WithdrawnHow); err != nil {
			return err
		}
		if what != "" {
			c.What = strings.Split(what, ",")
		}
		i := at[c.StoryID]
		list[i].Consents = append(list[i].Consents, c)
	}
	return rows.Err()
}

func (s *Store) storyList(ctx context.Context, where string, args ...any) ([]Story, error) {
	var list []Story
	err := db.Each(ctx, s.db, `SELECT `+storyCols+storyFrom+where, args, func(rows *sql.Rows) error {
		st, err := storyScan(rows)
		list = append(list, st)
		return err
	})
	if err != nil {
		return nil, err
	}
	return list, s.storyConsents(ctx, list)
}

// Stories lists the territory's stories for staff, the latest changed first.
func (s *Store) Stories(ctx context.Context, territoryID int64) ([]Story, error) {
	return s.storyList(ctx, `WHERE s.territory_id = ? ORDER BY s.updated_at DESC, s.id DESC`, territoryID)
}

// Story returns one story with its consents.
func (s *Store) Story(ctx context.Context, territoryID, id int64) (Story, error) {
	list, err := s.storyList(ctx, `WHERE s.territory_id = ? AND s.id = ?`, territoryID, id)
	if err != nil {
		return Story{}, err
	}
	if len(list) == 0 {
		return Story{}, errs.New(errs.NotFound, "errors.comms_story_not_found")
	}
	return list[0], nil
}

// StoryToday is the territory's day, by which consents end.
func (s *Store) StoryToday(ctx context.Context, territoryID int64) (calendar.Date, error) {
	d, _, err := s.today(ctx, territoryID)
	return d, err
}

// PublicStories lists the stories that show on the site, the newest
// published first; placeSlug ("" for all) keeps one place's.
func (s *Store) PublicStories(ctx context.Context, territoryID int64, placeSlug string) ([]Story, error) {
	today, err := s.StoryToday(ctx, territoryID)
	if err != nil {
		return nil, err
	}
	q, args := `WHERE s.territory_id = ? AND s.status = ?`, []any{territoryID, StoryPublished}
	if placeSlug != "" {
		// A place's stories and its secteurs'.
		cond, a := territory.InScope("s.place_id", territoryID, placeSlug, territory.AndSecteurs)
		q += ` AND ` + cond
		args = append(args, a...)
	}
	list, err := s.storyList(ctx, q+` ORDER BY s.published_at DESC, s.id DESC`, args...)
	if err != nil {
		return nil, err
	}
	out := list[:0]
	for _, st := range list {
		if st.Showing(today, StoryOnWeb) {
			out = append(out, st.shownAt(today, StoryOnWeb))
		}
	}
	return out, nil
}

// PublicStory returns the story of slug when it shows on the site; else it
// is not found, as if it had never been.
func (s *Store) PublicStory(ctx context.Context, territoryID int64, slug string) (Story, error) {
	list, err := s.storyList(ctx, `WHERE s.territory_id = ? AND s.slug = ?`, territoryID, slug)
	if err != nil {
		return Story{}, err
	}
	today, err := s.StoryToday(ctx, territoryID)
	if err != nil {
		return Story{}, err
	}
	if len(list) == 0 || !list[0].Showing(today, StoryOnWeb) {
		return Story{}, errs.New(errs.NotFound, "errors.comms_story_not_found")
	}
	return list[0].shownAt(today, StoryOnWeb), nil
}

// storiesShowing lists the territory's stories that match cond (on the
// columns of storyCols) and show at where today, as shown there (without a
// picture the consents do not cover); where "" keeps those that show at
// least somewhere (the web, social media or print).
func (s *Store) storiesShowing(ctx context.Context, territoryID int64, where, cond string, args ...any) ([]Story, error) {
	today, err := s.StoryToday(ctx, territoryID)
	if err != nil {
		return nil, err
	}
	list, err := s.storyList(ctx, `WHERE s.territory_id = ? AND s.status = ? AND `+cond, append([]any{territoryID, StoryPublished}, args...)...)
	if err != nil {
		return nil, err
	}
	out := list[:0]
	for _, st := range list {
		scopes := []string{where}
		if where == "" {
			scopes = []string{StoryOnWeb, StoryOnSocial, StoryOnPrint}
		}
		for _, sc := range scopes {
			if st.Showing(today, sc) {
				out = append(out, st.shownAt(today, sc))
				break
			}
		}
	}
	return out, nil
}

// StoryShows reports whether story id may be shown at where (StoryOnWeb,
// StoryOnSocial, StoryOnPrint) today, by the one rule (storiesShowing).
func (s *Store) StoryShows(ctx context.Context, territoryID, id int64, where string) (bool, error) {
	if where == "" {
		return false, nil
	}
	list, err := s.storiesShowing(ctx, territoryID, where, `s.id = ?`, id)
	return len(list) == 1, err
}

// PublicStoryImage returns the picture of the story of slug, only while
// the story shows on the site and everyone shown agreed to their photo.
func (s *Store) PublicStoryImage(ctx context.Context, territoryID int64, slug string) (Image, error) {
	st, err := s.PublicStory(ctx, territoryID, slug)
	if err != nil {
		return Image{}, err
	}
	if st.ImageID == 0 {
		return Image{}, errs.New(errs.NotFound, "errors.comms_image_not_found")
	}
	return s.Image(ctx, territoryID, st.ImageID)
}

func storySlug(ctx context.Context, tx *db.Tx, territoryID int64, title string) (string, error) {
	base := i18n.Slug(title, 60)
	if base == "" {
		base = "recit"
	}
	slug := base
	for n := 2; ; n++ {
		var x int
		err := tx.QueryRow(ctx, `SELECT 1 FROM comms_stories WHERE territory_id = ? AND slug = ?`, territoryID, slug).Scan(&x)
		if errors.Is(err, sql.ErrNoRows) {
			return slug, nil
		}
		if err != nil {
			return "", err
		}
		slug = base + "-" + strconv.Itoa(n)
	}
}

// storyPlace resolves a place's slug, adding its problem to f.
func (s *Store) storyPlace(ctx context.Context, territoryID int64, slug string, f errs.Fields) (any, error) {
	if slug == "" {
		return nil, nil
	}
	p, err := s.territories.Place(ctx, territoryID, slug)
	if errs.Is(err, errs.NotFound) {
		f.Add("place", "errors.place_unknown")
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return p.ID, nil
}

// CreateStory writes a new story as a draft.
func (s *Store) CreateStory(ctx context.Context, territoryID, userID int64, in StoryInput) (Story, error) {
	ct, f := in.validate(false)
	placeID, err := s.storyPlace(ctx, territoryID, in.PlaceSlug, f)
	if err != nil {
		return Story{}, err
	}
	if err := f.Err(); err != nil {
		return Story{}, err
	}
	var id int64
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		var imageID any
		if in.Image != nil {
			iid, err := s.saveImage(ctx, tx, territoryID, userID, *in.Image, ct)
			if err != nil {
				return err
			}
			imageID = iid
		}
		slug, err := storySlug(ctx, tx, territoryID, in.Title)
		if err != nil {
			return err
		}
		var by any
		if userID != 0 {
			by = userID
		}
		now := s.now()
		id, err = tx.InsertID(ctx, `INSERT INTO comms_stories (territory_id, slug, kind, title, summary, body, place_id, image_id, status,
			created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, territoryID, slug, in.Kind,
			in.Title, in.Summary, in.Body, placeID, imageID, StoryDraft, by, now, now)
		return err
	})
	if err != nil {
		return Story{}, err
	}
	return s.Story(ctx, territoryID, id)
}

// UpdateStory saves a story's text, place and picture. A withdrawn story
// stays withdrawn: its text may still be corrected.
func (s *Store) UpdateStory(ctx context.Context, territoryID, userID, id int64, in StoryInput) (Story, error) {
	st, err := s.Story(ctx, territoryID, id)
	if err != nil {
		return Story{}, err
	}
	ct, f := in.validate(st.ImageID != 0)
	in.ImageAlt = clean(in.ImageAlt)
	keepAlt := in.Image == nil && st.ImageID != 0 && !in.RemoveImage
	if keepAlt && in.ImageAlt == "" {
		f.Add("image_alt", "errors.comms_story_alt_required")
	} else if keepAlt && tooLong(in.ImageAlt, 300) {
		f.Add("image_alt", "errors.too_long")
	}
	placeID, err := s.storyPlace(ctx, territoryID, in.PlaceSlug, f)
	if err != nil {
		return Story{}, err
	}
	if err := f.Err(); err != nil {
		return Story{}, err
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		var imageID any
		if st.ImageID != 0 && !in.RemoveImage {
			imageID = st.ImageID
		}
		if in.Image != nil {
			iid, err := s.saveImage(ctx, tx, territoryID, userID, *in.Image, ct)
			if err != nil {
				return err
			}
			imageID = iid
		} else if keepAlt && in.ImageAlt != st.ImageAlt {
			if _, err := tx.Exec(ctx, `UPDATE comms_images SET alt = ? WHERE territory_id = ? AND id = ?`, in.ImageAlt, territoryID,
				st.ImageID); err != nil {
				return err
			}
		}
		_, err := tx.Exec(ctx, `UPDATE comms_stories SET kind = ?, title = ?, summary = ?, body = ?, place_id = ?, image_id = ?,
			updated_at = ? WHERE territory_id = ? AND id = ?`, in.Kind, in.Title, in.Summary, in.Body, placeID, imageID, s.now(),
			territoryID, id)
		return err
	})
	if err != nil {
		return Story{}, err
	}
	return s.Story(ctx, territoryID, id)
}

// PublishStory puts a draft story on the site. It is refused without at
// least one consent, when a consent was withdrawn or has ended, and when
// one does not cover the web.
func (s *Store) PublishStory(ctx context.Context, territoryID, id int64) error {
	st, err := s.Story(ctx, territoryID, id)
	if err != nil {
		return err
	}
	today, err := s.StoryToday(ctx, territoryID)
	if err != nil {
		return err
	}
	if st.Status == StoryWithdrawn {
		return errs.New(errs.Conflict, "errors.comms_story_withdrawn")
	}
	probe := st
	probe.Status = StoryPublished
	switch probe.Hidden(today, StoryOnWeb) {
	case StoryHiddenNoConsent:
		return errs.New(errs.Conflict, "errors.comms_story_no_consent")
	case StoryHiddenExpired:
		return errs.New(errs.Conflict, "errors.comms_story_consent_expired")
	case StoryHiddenNotHere:
		return errs.New(errs.Conflict, "errors.comms_story_consent_not_web")
	case StoryHiddenWithdrawn:
		return errs.New(errs.Conflict, "errors.comms_story_withdrawn")
	case StoryHiddenName:
		return errs.New(errs.Conflict, "errors.comms_story_consent_name")
	}
	if st.Status == StoryPublished {
		return nil
	}
	now := s.now()
	_, err = s.db.Exec(ctx, `UPDATE comms_stories SET status = ?, published_at = ?, updated_at = ? WHERE territory_id = ? AND id = ?
		AND status = ?`, StoryPublished, now, now, territoryID, id, StoryDraft)
	return err
}

// UnpublishStory takes a published story off the site, back to draft.
func (s *Store) UnpublishStory(ctx context.Context, territoryID, id int64) error {
	st, err := s.Story(ctx, territoryID, id)
	if err != nil {
		return err
	}
	if st.Status != StoryPublished {
		return errs.New(errs.Conflict, "errors.comms_story_not_published")
	}
	_, err = s.db.Exec(ctx, `UPDATE comms_stories SET status = ?, updated_at = ? WHERE territory_id = ? AND id = ?`,
		StoryDraft, s.now(), territoryID, id)
	return err
}

// AddConsent records the consent of one person shown in a story.
func (s *Store) AddConsent(ctx context.Context, territoryID, userID, storyID int64, in ConsentInput) (Consent, error) {
	st, err := s.Story(ctx, territoryID, storyID)
	if err != nil {
		return Consent{}, err
	}
	if st.Status == StoryWithdrawn {
		return Consent{}, errs.New(errs.Conflict, "errors.comms_story_withdrawn")
	}
	today, err := s.StoryToday(ctx, territoryID)
	if err != nil {
		return Consent{}, err
	}
	in.Person, in.Wording = clean(in.Person), strings.TrimSpace(in.Wording)
	f := errs.Fields{}
	switch {
	case in.Person == "":
		f.Add("person", "errors.required")
	case tooLong(in.Person, 150):
		f.Add("person", "errors.too_long")
	}
	in.Email, in.Phone = strings.TrimSpace(in.Email), clean(in.Phone)
	if in.Email != "" {
		if e, ok := subAddress(in.Email); ok {
			in.Email = e
		} else {
			f.Add("email", "errors.email")
		}
	}
	if in.Phone != "" {
		if k := i18n.PhoneKey(in.Phone); len(k) != 10 || tooLong(in.Phone, 40) {
			f.Add("phone", "errors.phone")
		}
	}
	var what []string
	for _, w := range ConsentWhats {
		if storyIn(w, in.What) {
			what = append(what, w)
		}
	}
	if len(what) == 0 || len(what) != len(in.What) {
		f.Add("what", "errors.comms_consent_what")
	}
	if !in.OnWeb && !in.OnSocial && !in.OnPrint {
		f.Add("where", "errors.comms_consent_where")
	}
	switch {
	case in.Wording == "":
		f.Add("wording", "errors.required")
	case tooLong(in.Wording, 5000):
		f.Add("wording", "errors.too_long")
	}
	given := calendar.Record.Parse(f, "given_on", in.GivenOn, true)
	if !given.IsZero() && today.Before(given) {
		f.Add("given_on", "errors.comms_consent_future")
	}
	until := calendar.Record.Parse(f, "valid_until", in.ValidUntil, false)
	if !until.IsZero() && !given.IsZero() && until.Before(given) {
		f.Add("valid_until", "errors.comms_consent_until")
	}
	if !storyIn(in.How, ConsentHows) {
		f.Add("how", "errors.comms_consent_how")
	}
	if err := f.Err(); err != nil {
		return Consent{}, err
	}
	var by any
	if userID != 0 {
		by = userID
	}
	now := s.now()
	phoneKey := ""
	if in.Phone != "" {
		phoneKey = i18n.PhoneKey(in.Phone)
	}
	cid, err := s.db.InsertID(ctx, `INSERT INTO comms_story_consents (story_id, person, email, phone, phone_key, what, on_web, on_social,
		on_print, valid_until, wording, given_on, how, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		RETURNING id`, storyID, in.Person, in.Email, in.Phone, phoneKey, strings.Join(what, ","), in.OnWeb, in.OnSocial, in.OnPrint, until,
		in.Wording, given, in.How, by, now)
	if err != nil {
		return Consent{}, err
	}
	st, err = s.Story(ctx, territoryID, storyID)
	if err != nil {
		return Consent{}, err
	}
	for _, c := range st.Consents {
		if c.ID == cid {
			return c, nil
		}
	}
	return Consent{}, errs.New(errs.NotFound, "errors.comms_consent_not_found")
}

// WithdrawConsent records a person's withdrawal and, in the same
// transaction, unpublishes the story everywhere: the story becomes
// withdrawn (off /recits, its picture and share card), and the calendar
// items that show it and are not yet published go back to ideas without
// their text and picture. The items already published are returned:
// staff take them down by hand. The person's name stays in the consent as
// proof.
func (s *Store) WithdrawConsent(ctx context.Context, territoryID, storyID, consentID int64, in ConsentWithdrawal) ([]StoryLeftover, error) {
	st, err := s.Story(ctx, territoryID, storyID)
	if err != nil {
		return nil, err
	}
	var c *Consent
	for i := range st.Consents {
		if st.Consents[i].ID == consentID {
			c = &st.Consents[i]
		}
	}
	if c == nil {
		return nil, errs.New(errs.NotFound, "errors.comms_consent_not_found")
	}
	if c.WithdrawnAt != nil {
		return nil, errs.New(errs.Conflict, "errors.comms_consent_already_withdrawn")
	}
	today, loc, err := s.today(ctx, territoryID)
	if err != nil {
		return nil, err
	}
	f := errs.Fields{}
	day := calendar.Record.Parse(f, "withdrawn_on", in.Date, true)
	if !day.IsZero() && today.Before(day) {
		f.Add("withdrawn_on", "errors.comms_consent_future")
	}
	if !storyIn(in.How, ConsentHows) {
		f.Add("withdrawn_how", "errors.comms_consent_how")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	at := time.Date(day.Year, day.Month, day.Day, 12, 0, 0, 0, loc).UTC()
	if day == today {
		at = s.now()
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		return s.withdrawConsentTx(ctx, tx, territoryID, storyID, consentID, at, in.How)
	})
	if err != nil {
		return nil, err
	}
	return s.StoryLeftovers(ctx, territoryID, storyID)
}

// withdrawConsentTx writes a consent's withdrawal (at, how) inside tx and
// unpublishes its story everywhere (see WithdrawConsent).
func (s *Store) withdrawConsentTx(ctx context.Context, tx *db.Tx, territoryID, storyID, consentID int64, at time.Time, how string) error {
	now := s.now()
	res, err := tx.Exec(ctx, `UPDATE comms_story_consents SET withdrawn_at = ?, withdrawn_how = ? WHERE id = ? AND story_id = ?
		AND withdrawn_at IS NULL`, at, how, consentID, storyID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errs.New(errs.Conflict, "errors.comms_consent_already_withdrawn")
	}
	if _, err := tx.Exec(ctx, `UPDATE comms_stories SET status = ?, withdrawn_at = ?, updated_at = ? WHERE territory_id = ? AND id = ?`,
		StoryWithdrawn, now, now, territoryID, storyID); err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE comms_items SET status = 'idea', title = ?, body = '', image_id = NULL, updated_at = ?
		WHERE territory_id = ? AND source_kind = 'story' AND source_id = ? AND status <> 'published' AND published_at IS NULL`,
		s.cat.T("fr", "comms.story.item_withdrawn"), now, territoryID, storyID)
	return err
}

// releaseEndedStories handles the calendar items made from a story one of
// whose consents has ended as a withdrawal does: those not yet published go
// back to ideas without their text and picture (those already published
// are in StoryLeftovers, for staff to take down by hand). It runs before
// the calendar is read, so an ended consent is never planned further.
func (s *Store) releaseEndedStories(ctx context.Context, territoryID int64) error {
	today, err := s.StoryToday(ctx, territoryID)
	if err != nil {
		return err
	}
	title := s.cat.T("fr", "comms.story.item_withdrawn")
	_, err = s.db.Exec(ctx, `UPDATE comms_items SET status = 'idea', title = ?, body = '', image_id = NULL, updated_at = ?
		WHERE territory_id = ? AND source_kind = 'story' AND status <> 'published' AND published_at IS NULL
		AND NOT (status = 'idea' AND title = ? AND body = '' AND image_id IS NULL)
		AND source_id IN (SELECT story_id FROM comms_story_consents WHERE withdrawn_at IS NULL AND valid_until IS NOT NULL
			AND valid_until <> '' AND valid_until < ?)`, title, s.now(), territoryID, title, today.String())
	return err
}

// StoryLeftovers lists the calendar items already published that show a
// story: after a withdrawal, what staff take down by hand.
func (s *Store) StoryLeftovers(ctx context.Context, territoryID, storyID int64) ([]StoryLeftover, error) {
	rows, err := s.db.Query(ctx, `SELECT id, channel, title, day, published_at FROM comms_items WHERE territory_id = ?
		AND source_kind = 'story' AND source_id = ? AND (status = 'published' OR published_at IS NOT NULL) ORDER BY day, id`,
		territoryID, storyID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []StoryLeftover
	for rows.Next() {
		var l StoryLeftover
		if err := rows.Scan(&l.ItemID, &l.Channel, &l.Title, &l.Day, db.ScanNullTime(&l.PublishedAt)); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}
