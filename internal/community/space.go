package community

import (
	"context"
	"database/sql"
	"errors"
	"net/url"
	"slices"
	"strings"
	"time"

	"implique/internal/db"
	"implique/internal/errs"
	"implique/internal/events"
	"implique/internal/files"
	"implique/internal/mail"
)

// A community's shared space: short news posts, tools and resources (links
// and files), the needs and ideas it carries, and its meetings.

// MaxFileSize is the largest file a member may share.
const MaxFileSize = 5 << 20

// Post is a short news post in a community.
type Post struct {
	ID        int64
	AuthorID  int64
	Author    string
	Body      string
	CreatedAt time.Time
}

// AddPost publishes a short news post by a member (or staff). With
// emailMembers, every other member also receives it by e-mail (staff use
// it to announce a meeting), in lang.
func (s *Store) AddPost(ctx context.Context, territoryID, communityID, authorID int64, body string, emailMembers bool, lang string) (int64, error) {
	body = strings.TrimSpace(body)
	switch {
	case body == "":
		return 0, errs.Fields{"body": "errors.required"}.Err()
	case tooLong(body, 2000):
		return 0, errs.Fields{"body": "errors.too_long"}.Err()
	}
	c, err := s.Community(ctx, territoryID, communityID)
	if err != nil {
		return 0, err
	}
	if c.Closed() {
		return 0, errs.New(errs.Conflict, "errors.community_closed")
	}
	var members []Member
	if emailMembers {
		if members, err = s.Members(ctx, territoryID, communityID); err != nil {
			return 0, err
		}
	}
	t, err := s.territories.ByID(ctx, territoryID)
	if err != nil {
		return 0, err
	}
	var id int64
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		var err error
		id, err = tx.InsertID(ctx, `INSERT INTO community_posts (territory_id, community_id, author_id, body, created_at)
			VALUES (?, ?, ?, ?, ?) RETURNING id`, territoryID, communityID, authorID, body, s.now())
		if err != nil {
			return err
		}
		link := s.baseURL + "/communautes/" + c.Slug + "#nouvelles"
		for _, m := range members {
			if m.UserID == authorID || m.Email == "" {
				continue // people without an e-mail hear the news from staff
			}
			text := s.cat.T(lang, "mail.community_post.body", m.Name, c.Name, body, link) + "\n\n-- \n" + t.MailFooter()
			if _, err := s.mailer.QueueTx(ctx, tx, territoryID, mail.Message{To: m.Email,
				Subject: s.cat.T(lang, "mail.community_post.subject", c.Name), Text: text}); err != nil {
				return err
			}
		}
		return nil
	})
	return id, err
}

// Posts lists a community's posts, newest first. A post shows its author's
// name in this community when they chose to show it, otherwise « un
// membre »: the caller decides from Author == "".
func (s *Store) Posts(ctx context.Context, territoryID, communityID int64, limit int) ([]Post, error) {
	if limit <= 0 {
		limit = 50
	}
	rows, err := s.db.Query(ctx, `SELECT p.id, p.author_id, COALESCE(CASE WHEN m.share_name THEN m.name END, ''), p.body, p.created_at
		FROM community_posts p LEFT JOIN community_members m ON m.community_id = p.community_id AND m.user_id = p.author_id
		WHERE p.territory_id = ? AND p.community_id = ? AND p.removed_at IS NULL
		ORDER BY p.created_at DESC, p.id DESC LIMIT ?`, territoryID, communityID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Post
	for rows.Next() {
		var p Post
		if err := rows.Scan(&p.ID, &p.AuthorID, &p.Author, &p.Body, &p.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Post returns one post.
func (s *Store) Post(ctx context.Context, territoryID, communityID, id int64) (Post, error) {
	var p Post
	err := s.db.QueryRow(ctx, `SELECT id, author_id, body, created_at FROM community_posts
		WHERE territory_id = ? AND community_id = ? AND id = ? AND removed_at IS NULL`, territoryID, communityID, id).
		Scan(&p.ID, &p.AuthorID, &p.Body, &p.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return p, errs.New(errs.NotFound, "errors.post_not_found")
	}
	return p, err
}

// RemovePost takes a post down (its author or staff; the caller checks).
func (s *Store) RemovePost(ctx context.Context, territoryID, communityID, id int64) error {
	res, err := s.db.Exec(ctx, `UPDATE community_posts SET removed_at = ? WHERE territory_id = ? AND community_id = ? AND id = ?
		AND removed_at IS NULL`, s.now(), territoryID, communityID, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.New(errs.NotFound, "errors.post_not_found")
	}
	return nil
}

// Resource categories.
const (
	Tool     = "tool"
	Document = "resource"
	Template = "template"
)

// ResourceCategories lists the categories in display order.
var ResourceCategories = []string{Tool, Document, Template}

// Resource is a tool, a resource or a template shared in a community: a
// link or a file.
type Resource struct {
	ID          int64
	Category    string
	Title       string
	Description string
	URL         string
	FileName    string
	ContentType string
	Size        int64
	AddedBy     int64
	CreatedAt   time.Time
}

// IsFile reports whether the resource is a file kept by Implique.
func (r Resource) IsFile() bool { return r.FileName != "" }

// ResourceInput is a link or a file to share.
type ResourceInput struct {
	Category    string
	Title       string
	Description string
	URL         string
	FileName    string
	Data        []byte
}

// AddResource shares a link or a file in a community.
func (s *Store) AddResource(ctx context.Context, territoryID, communityID, userID int64, in ResourceInput) (int64, error) {
	in.Title = strings.Join(strings.Fields(in.Title), " ")
	in.Description = strings.TrimSpace(in.Description)
	in.URL = strings.TrimSpace(in.URL)
	in.FileName = files.Name(in.FileName)
	f := errs.Fields{}
	known := false
	for _, c := range ResourceCategories {
		known = known || c == in.Category
	}
	if !known {
		f.Add("category", "errors.resource_category")
	}
	switch {
	case in.Title == "":
		f.Add("title", "errors.required")
	case tooLong(in.Title, 200):
		f.Add("title", "errors.too_long")
	}
	if tooLong(in.Description, 1000) {
		f.Add("description", "errors.too_long")
	}
	var contentType string
	switch {
	case in.URL == "" && len(in.Data) == 0:
		f.Add("url", "errors.resource_empty")
	case in.URL != "" && len(in.Data) > 0:
		f.Add("url", "errors.resource_both")
	case in.URL != "":
		u, err := url.Parse(in.URL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || tooLong(in.URL, 2000) {
			f.Add("url", "errors.url")
		}
		in.FileName = ""
	default:
		var ok bool
		switch {
		case len(in.Data) > MaxFileSize:
			f.Add("file", "errors.file_too_big")
		case in.FileName == "" || tooLong(in.FileName, 200):
			f.Add("file", "errors.file_type")
		default:
			if contentType, ok = files.Type(in.FileName, in.Data, files.DocumentsAndText); !ok {
				f.Add("file", "errors.file_type")
			}
		}
	}
	if err := f.Err(); err != nil {
		return 0, err
	}
	c, err := s.Community(ctx, territoryID, communityID)
	if err != nil {
		return 0, err
	}
	if c.Closed() {
		return 0, errs.New(errs.Conflict, "errors.community_closed")
	}
	var id int64
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		var err error
		id, err = tx.InsertID(ctx, `INSERT INTO community_resources (territory_id, community_id, category, title, description, url,
			file_name, content_type, size_bytes, added_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			territoryID, communityID, in.Category, in.Title, in.Description, in.URL, in.FileName, contentType, int64(len(in.Data)),
			userID, s.now())
		if err != nil || len(in.Data) == 0 {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO community_files (resource_id, data) VALUES (?, ?)`, id, in.Data)
		return err
	})
	return id, err
}

const resourceCols = `id, category, title, description, url, file_name, content_type, size_bytes, added_by, created_at`

func scanResource(row interface{ Scan(...any) error }) (Resource, error) {
	var r Resource
	err := row.Scan(&r.ID, &r.Category, &r.Title, &r.Description, &r.URL, &r.FileName, &r.ContentType, &r.Size, &r.AddedBy, &r.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return r, errs.New(errs.NotFound, "errors.resource_not_found")
	}
	return r, err
}

// Resources lists a community's tools and resources by category, then title.
func (s *Store) Resources(ctx context.Context, territoryID, communityID int64) ([]Resource, error) {
	rows, err := s.db.Query(ctx, `SELECT `+resourceCols+` FROM community_resources
		WHERE territory_id = ? AND community_id = ? AND removed_at IS NULL ORDER BY category, title, id`, territoryID, communityID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Resource
	for rows.Next() {
		r, err := scanResource(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Resource returns one resource of a community.
func (s *Store) Resource(ctx context.Context, territoryID, communityID, id int64) (Resource, error) {
	return scanResource(s.db.QueryRow(ctx, `SELECT `+resourceCols+` FROM community_resources
		WHERE territory_id = ? AND community_id = ? AND id = ? AND removed_at IS NULL`, territoryID, communityID, id))
}

// File returns a shared file and its content.
func (s *Store) File(ctx context.Context, territoryID, communityID, id int64) (Resource, []byte, error) {
	r, err := s.Resource(ctx, territoryID, communityID, id)
	if err != nil {
		return r, nil, err
	}
	if !r.IsFile() {
		return r, nil, errs.New(errs.NotFound, "errors.resource_not_found")
	}
	var data []byte
	err = s.db.QueryRow(ctx, `SELECT data FROM community_files WHERE resource_id = ?`, id).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return r, nil, errs.New(errs.NotFound, "errors.resource_not_found")
	}
	return r, data, err
}

// RemoveResource takes a resource out of the space; a file's content is
// deleted with it.
func (s *Store) RemoveResource(ctx context.Context, territoryID, communityID, id int64) error {
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE community_resources SET removed_at = ? WHERE territory_id = ? AND community_id = ? AND id = ?
			AND removed_at IS NULL`, s.now(), territoryID, communityID, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.New(errs.NotFound, "errors.resource_not_found")
		}
		_, err = tx.Exec(ctx, `DELETE FROM community_files WHERE resource_id = ?`, id)
		return err
	})
}

// CarryIdea says the community carries a need or an idea: an idea still
// proposed or retained moves on to « en cours », and its story says so.
func (s *Store) CarryIdea(ctx context.Context, territoryID, communityID, ideaID, userID int64) error {
	c, err := s.Community(ctx, territoryID, communityID)
	if err != nil {
		return err
	}
	idea, err := s.Get(ctx, territoryID, ideaID)
	if err != nil {
		return err
	}
	if idea.Moderation != Approved {
		return errs.New(errs.NotFound, "errors.idea_not_found")
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		var carried int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM community_ideas WHERE community_id = ? AND idea_id = ?`, c.ID, ideaID).Scan(&carried); err != nil || carried > 0 {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO community_ideas (community_id, idea_id, added_at) VALUES (?, ?, ?)`, c.ID, ideaID, s.now()); err != nil {
			return err
		}
		if idea.Status == Proposed || idea.Status == Retained {
			return s.setIdeaStatus(ctx, tx, territoryID, ideaID, userID, InProgress, c.Name)
		}
		return nil
	})
}

// DropIdea says the community no longer carries an idea (its story keeps
// what happened).
func (s *Store) DropIdea(ctx context.Context, territoryID, communityID, ideaID int64) error {
	if _, err := s.Community(ctx, territoryID, communityID); err != nil {
		return err
	}
	res, err := s.db.Exec(ctx, `DELETE FROM community_ideas WHERE community_id = ? AND idea_id = ?`, communityID, ideaID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.New(errs.NotFound, "errors.idea_not_found")
	}
	return nil
}

// CarriedIdeas lists the needs and ideas a community carries.
func (s *Store) CarriedIdeas(ctx context.Context, territoryID, communityID int64) ([]IdeaRecord, error) {
	rows, err := s.db.Query(ctx, `SELECT `+ideaCols+ideaFrom+`JOIN community_ideas ci ON ci.idea_id = i.id
		WHERE i.territory_id = ? AND ci.community_id = ? ORDER BY ci.added_at, i.id`, territoryID, communityID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []IdeaRecord
	for rows.Next() {
		r, err := scanIdea(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// CarriersOf lists the communities that carry an idea.
func (s *Store) CarriersOf(ctx context.Context, territoryID, ideaID int64) ([]Community, error) {
	rows, err := s.db.Query(ctx, `SELECT `+communityCols+` FROM communities c JOIN community_ideas ci ON ci.community_id = c.id
		WHERE c.territory_id = ? AND ci.idea_id = ? ORDER BY c.name`, territoryID, ideaID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Community
	for rows.Next() {
		c, err := scanCommunity(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// AddMeeting makes an event one of the community's meetings.
func (s *Store) AddMeeting(ctx context.Context, territoryID, communityID, eventID int64) error {
	if _, err := s.Community(ctx, territoryID, communityID); err != nil {
		return err
	}
	if _, err := s.events.Get(ctx, territoryID, eventID); err != nil {
		return err
	}
	_, err := s.db.Exec(ctx, `INSERT INTO community_meetings (community_id, event_id) VALUES (?, ?)`, communityID, eventID)
	if db.IsUniqueViolation(err) {
		return errs.New(errs.Conflict, "errors.meeting_taken")
	}
	return err
}

// RemoveMeeting takes an event out of the community's meetings (the event
// itself stays).
func (s *Store) RemoveMeeting(ctx context.Context, territoryID, communityID, eventID int64) error {
	if _, err := s.Community(ctx, territoryID, communityID); err != nil {
		return err
	}
	res, err := s.db.Exec(ctx, `DELETE FROM community_meetings WHERE community_id = ? AND event_id = ?`, communityID, eventID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.New(errs.NotFound, "errors.event_not_found")
	}
	return nil
}

// Meetings lists a community's meetings, soonest first.
func (s *Store) Meetings(ctx context.Context, territoryID, communityID int64) ([]events.Event, error) {
	rows, err := s.db.Query(ctx, `SELECT cm.event_id FROM community_meetings cm JOIN communities c ON c.id = cm.community_id
		WHERE c.territory_id = ? AND cm.community_id = ?`, territoryID, communityID)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]events.Event, 0, len(ids))
	for _, id := range ids {
		ev, err := s.events.Get(ctx, territoryID, id)
		if err != nil {
			return nil, err
		}
		out = append(out, ev)
	}
	slices.SortStableFunc(out, func(a, b events.Event) int { return a.StartsAt.Compare(b.StartsAt) })
	return out, nil
}

// MeetingEvents lists the events of the territory that are a community's
// meeting already.
func (s *Store) MeetingEvents(ctx context.Context, territoryID int64) (map[int64]bool, error) {
	rows, err := s.db.Query(ctx, `SELECT cm.event_id FROM community_meetings cm JOIN communities c ON c.id = cm.community_id
		WHERE c.territory_id = ?`, territoryID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}

// MeetingOf returns the community an event is a meeting of, if any.
func (s *Store) MeetingOf(ctx context.Context, territoryID, eventID int64) (Community, bool, error) {
	c, err := scanCommunity(s.db.QueryRow(ctx, `SELECT `+communityCols+` FROM communities c JOIN community_meetings cm ON cm.community_id = c.id
		WHERE c.territory_id = ? AND cm.event_id = ?`, territoryID, eventID))
	if errs.Is(err, errs.NotFound) {
		return c, false, nil
	}
	return c, err == nil, err
}

// Suggestion is a person staff may want to invite, and why.
type Suggestion struct {
	Name, Email string
	// Why names what they took part in: an idea they support, an event
	// they came to.
	Why []string
}

// Suggestions lists people staff may invite: the supporters of the ideas
// the community carries, and the people who came to a held event in its
// places (or to its meetings) in the last year and agreed to be contacted
// about the program. Members and people with a pending invitation are left
// out. Events are named in lang.
func (s *Store) Suggestions(ctx context.Context, territoryID, communityID int64, lang string) ([]Suggestion, error) {
	c, err := s.Community(ctx, territoryID, communityID)
	if err != nil {
		return nil, err
	}
	t, err := s.territories.ByID(ctx, territoryID)
	if err != nil {
		return nil, err
	}
	skip := map[string]bool{}
	rows, err := s.db.Query(ctx, `SELECT email FROM community_members WHERE community_id = ? AND left_at IS NULL
		UNION SELECT email FROM community_invitations WHERE community_id = ? AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ?`,
		communityID, communityID, s.now())
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			rows.Close()
			return nil, err
		}
		skip[e] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []Suggestion
	at := map[string]int{}
	add := func(name, email, why string) {
		email = strings.ToLower(strings.TrimSpace(email))
		if email == "" || skip[email] {
			return
		}
		i, ok := at[email]
		if !ok {
			i = len(out)
			at[email] = i
			out = append(out, Suggestion{Name: name, Email: email})
		}
		if out[i].Name == "" {
			out[i].Name = name
		}
		for _, w := range out[i].Why {
			if w == why {
				return
			}
		}
		out[i].Why = append(out[i].Why, why)
	}
	ideas, err := s.CarriedIdeas(ctx, territoryID, communityID)
	if err != nil {
		return nil, err
	}
	for _, idea := range ideas {
		sups, err := s.Supporters(ctx, territoryID, idea.ID)
		if err != nil {
			return nil, err
		}
		for _, su := range sups {
			add(su.Name, su.Email, idea.Title)
		}
	}
	seen := map[int64]bool{}
	var evs []events.Event
	for _, p := range c.Places {
		list, err := s.events.List(ctx, territoryID, events.Filter{PlaceSlug: p.Slug, From: s.now().AddDate(-1, 0, 0), To: s.now()})
		if err != nil {
			return nil, err
		}
		for _, ev := range list {
			if !seen[ev.ID] {
				seen[ev.ID] = true
				evs = append(evs, ev)
			}
		}
	}
	meetings, err := s.Meetings(ctx, territoryID, communityID)
	if err != nil {
		return nil, err
	}
	for _, ev := range meetings {
		if !seen[ev.ID] {
			seen[ev.ID] = true
			evs = append(evs, ev)
		}
	}
	var held []int64
	for _, ev := range evs {
		if ev.HeldAt != nil {
			held = append(held, ev.ID)
		}
	}
	people, err := s.events.Attendees(ctx, territoryID, held...)
	if err != nil {
		return nil, err
	}
	came := map[int64][]events.Registration{}
	for _, r := range people {
		came[r.EventID] = append(came[r.EventID], r)
	}
	for _, ev := range evs {
		for _, r := range came[ev.ID] {
			if r.ConsentContact {
				add(r.Name, r.Email, ev.Name(s.cat, lang, t.Location()))
			}
		}
	}
	return out, nil
}
