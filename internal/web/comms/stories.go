package comms

import (
	"html/template"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"implique/internal/auth"
	"implique/internal/calendar"
	cm "implique/internal/comms"
	"implique/internal/errs"
	"implique/internal/privacy"
	"implique/internal/sharecard"
	"implique/internal/web/kit"
)

// storiesPath is the staff's list of stories.
const storiesPath = AreaPath + "/recits"

func storyPath(sid int64) string { return storiesPath + "/" + id(sid) }

// storyBase is what the staff's story pages show besides their own.
type storyBase struct {
	kit.Base
	Today calendar.Date
}

// KindName names a story's kind.
func (p storyBase) KindName(k string) string { return p.T("comms.story.kind." + k) }

// StatusName names where a story stands for staff: its status, or why a
// published story does not show.
func (p storyBase) StatusName(s cm.Story) string {
	if s.Status == cm.StoryPublished {
		if why := s.Hidden(p.Today, cm.StoryOnWeb); why != "" {
			return p.T("comms.story.hidden." + why)
		}
	}
	return p.T("comms.story.status." + s.Status)
}

// ConsentWhat names what a consent shows.
func (p storyBase) ConsentWhat(c cm.Consent) string {
	var out []string
	for _, w := range c.What {
		out = append(out, p.T("comms.consent.what."+w))
	}
	return strings.Join(out, ", ")
}

// ConsentWhere names where a consent allows.
func (p storyBase) ConsentWhere(c cm.Consent) string {
	var out []string
	for _, w := range []string{cm.StoryOnWeb, cm.StoryOnSocial, cm.StoryOnPrint} {
		if c.Covers(w) {
			out = append(out, p.T("comms.consent.where."+w))
		}
	}
	return strings.Join(out, ", ")
}

// ConsentUntil is a consent's last day, or « jusqu’au retrait ».
func (p storyBase) ConsentUntil(c cm.Consent) string {
	if c.ValidUntil.IsZero() {
		return p.T("comms.consent.until_withdrawn")
	}
	return p.CivilDate(c.ValidUntil)
}

// DayOf writes a calendar day.
func (p storyBase) DayOf(d calendar.Date) string { return p.CivilDate(d) }

// storyListPage is the staff's list of stories.
type storyListPage struct {
	storyBase
	Stories []cm.Story
}

// storyEditPage is a story's staff page, or the form of a new one.
type storyEditPage struct {
	storyBase
	Story     *cm.Story
	Kinds     []string
	Places    []kit.PlaceOption
	Whats     []string
	Hows      []string
	Leftovers []cm.StoryLeftover
	// Section names the form the problems belong to.
	Section string
}

// Has reports whether the form's field holds v (checkboxes).
func (p storyEditPage) Has(field, v string) bool {
	for _, x := range p.Form[field] {
		if x == v {
			return true
		}
	}
	return false
}

// Body renders the story's Markdown safely.
func (p storyEditPage) Body() template.HTML { return cm.Markdown(p.Story.Body) }

// PhotoHidden says why the story's picture is shown nowhere: the people
// whose consent does not cover their photo ("" when none).
func (p storyEditPage) PhotoHidden() template.HTML {
	if p.Story == nil || p.Story.ImageID == 0 {
		return ""
	}
	if names := p.Story.Unpictured(); len(names) > 0 {
		return p.Phrase("comms.story.photo_hidden", p.Typed(strings.Join(names, ", ")))
	}
	return ""
}

// NameHidden says why the story is hidden when its text names people who
// did not agree to show their name ("" when none).
func (p storyEditPage) NameHidden() template.HTML {
	if p.Story == nil {
		return ""
	}
	if names := p.Story.Unnamed(); len(names) > 0 {
		return p.Phrase("comms.story.name_hidden", p.Typed(strings.Join(names, ", ")))
	}
	return ""
}

// Shows reports whether the story is on the site today.
func (p storyEditPage) Shows() bool { return p.Story.Showing(p.Today, cm.StoryOnWeb) }

func (h *Handlers) storyBase(w http.ResponseWriter, r *http.Request, titleKey string) (storyBase, error) {
	today, err := h.store().StoryToday(r.Context(), kit.Info(r).Territory.ID)
	return storyBase{Base: h.Page(w, r, titleKey), Today: today}, err
}

// Stories lists the stories for staff.
func (h *Handlers) Stories(w http.ResponseWriter, r *http.Request) {
	if !h.Allow(w, r, auth.ManageCommunications) {
		return
	}
	b, err := h.storyBase(w, r, "comms.story.staff_title")
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	p := storyListPage{storyBase: b}
	if p.Stories, err = h.store().Stories(r.Context(), kit.Info(r).Territory.ID); err != nil {
		h.Fail(w, r, err)
		return
	}
	h.Render(w, r, http.StatusOK, "comms_stories", p)
}

func storyForm(s cm.Story) url.Values {
	return url.Values{"kind": {s.Kind}, "title": {s.Title}, "summary": {s.Summary}, "body": {s.Body}, "place": {s.PlaceSlug},
		"image_alt": {s.ImageAlt}}
}

// storyInput reads a story's form, with its picture when one was sent.
func storyInput(r *http.Request) (cm.StoryInput, error) {
	f := r.PostForm
	in := cm.StoryInput{Kind: f.Get("kind"), Title: f.Get("title"), Summary: f.Get("summary"), Body: f.Get("body"),
		PlaceSlug: f.Get("place"), RemoveImage: f.Get("remove_image") == "1", ImageAlt: f.Get("image_alt")}
	if file, fh, err := r.FormFile("image"); err == nil {
		data, err := io.ReadAll(io.LimitReader(file, cm.MaxImageSize+1))
		file.Close()
		if err != nil {
			return in, err
		}
		in.Image = &cm.ImageInput{Name: fh.Filename, Data: data, Alt: f.Get("image_alt")}
	}
	return in, nil
}

// NewStory is the form of a new story.
func (h *Handlers) NewStory(w http.ResponseWriter, r *http.Request) {
	if !h.Allow(w, r, auth.ManageCommunications) {
		return
	}
	h.renderStory(w, r, nil, http.StatusOK, "", url.Values{"kind": {cm.StoryVolunteer}}, nil)
}

func (h *Handlers) renderStory(w http.ResponseWriter, r *http.Request, s *cm.Story, status int, section string, form url.Values, problems map[string]string) {
	b, err := h.storyBase(w, r, "comms.story.new")
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	p := storyEditPage{storyBase: b, Story: s, Kinds: cm.StoryKinds, Whats: cm.ConsentWhats, Hows: cm.ConsentHows, Section: section}
	if p.Places, err = h.PlaceOptions(r); err != nil {
		h.Fail(w, r, err)
		return
	}
	if s != nil {
		p.SetTitle("comms.story.title", s.Title)
		if p.Leftovers, err = h.store().StoryLeftovers(r.Context(), s.TerritoryID, s.ID); err != nil {
			h.Fail(w, r, err)
			return
		}
		if form == nil {
			form = storyForm(*s)
		}
	}
	if section == "consentement" && len(form["how"]) == 0 {
		form.Set("how", cm.ConsentSignedForm)
	}
	p.Errors, p.Form = problems, form
	h.Render(w, r, status, "comms_story", p)
}

// CreateStory writes a new story as a draft.
func (h *Handlers) CreateStory(w http.ResponseWriter, r *http.Request) {
	if !h.Allow(w, r, auth.ManageCommunications) {
		return
	}
	in, err := storyInput(r)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	s, err := h.store().CreateStory(r.Context(), kit.Info(r).Territory.ID, staffID(r), in)
	if err != nil {
		h.Refuse(w, r, err, func(status int, problems map[string]string) {
			h.renderStory(w, r, nil, status, "", r.PostForm, problems)
		})
		return
	}
	h.Confirm(w, r, "comms.story.flash.created", storyPath(s.ID)+"#consentements")
}

func (h *Handlers) loadStory(w http.ResponseWriter, r *http.Request) (cm.Story, bool) {
	return kit.Load(h.Kit, w, r, auth.ManageCommunications, h.store().Story)
}

// Story is a story's staff page: its text, where it stands, its consents.
func (h *Handlers) Story(w http.ResponseWriter, r *http.Request) {
	s, ok := h.loadStory(w, r)
	if !ok {
		return
	}
	h.Accessed(r, privacy.Viewed, "comms.story_consents", "story "+id(s.ID))
	h.renderStory(w, r, &s, http.StatusOK, "", nil, nil)
}

// refuseOnStory shows the story's page again with a form's problems.
func (h *Handlers) refuseOnStory(w http.ResponseWriter, r *http.Request, s cm.Story, err error, section string) {
	h.RefuseOn(w, r, err, nil, func(status int, problems map[string]string) {
		now, err := h.store().Story(r.Context(), s.TerritoryID, s.ID)
		if err != nil {
			h.Fail(w, r, err)
			return
		}
		// The story's own values, under what was just typed.
		form := storyForm(now)
		for k, v := range r.PostForm {
			form[k] = v
		}
		h.renderStory(w, r, &now, status, section, form, problems)
	})
}

// SaveStory saves a story's text, place and picture.
func (h *Handlers) SaveStory(w http.ResponseWriter, r *http.Request) {
	s, ok := h.loadStory(w, r)
	if !ok {
		return
	}
	in, err := storyInput(r)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	if _, err := h.store().UpdateStory(r.Context(), s.TerritoryID, staffID(r), s.ID, in); err != nil {
		h.refuseOnStory(w, r, s, err, "")
		return
	}
	h.Confirm(w, r, "comms.story.flash.saved", storyPath(s.ID))
}

// PublishStory puts a story on the site (refused without consent).
func (h *Handlers) PublishStory(w http.ResponseWriter, r *http.Request) {
	s, ok := h.loadStory(w, r)
	if !ok {
		return
	}
	if err := h.store().PublishStory(r.Context(), s.TerritoryID, s.ID); err != nil {
		h.refuseOnStory(w, r, s, err, "etat")
		return
	}
	h.Confirm(w, r, "comms.story.flash.published", storyPath(s.ID))
}

// UnpublishStory takes a story off the site, back to draft.
func (h *Handlers) UnpublishStory(w http.ResponseWriter, r *http.Request) {
	s, ok := h.loadStory(w, r)
	if !ok {
		return
	}
	h.Done(w, r, h.store().UnpublishStory(r.Context(), s.TerritoryID, s.ID), "comms.story.flash.unpublished", storyPath(s.ID))
}

// AddConsent records a person's consent.
func (h *Handlers) AddConsent(w http.ResponseWriter, r *http.Request) {
	s, ok := h.loadStory(w, r)
	if !ok {
		return
	}
	f := r.PostForm
	in := cm.ConsentInput{Person: f.Get("person"), Email: f.Get("email"), Phone: f.Get("phone"), What: f["what"], OnWeb: f.Get("on_web") == "1", OnSocial: f.Get("on_social") == "1",
		OnPrint: f.Get("on_print") == "1", ValidUntil: f.Get("valid_until"), Wording: f.Get("wording"), GivenOn: f.Get("given_on"),
		How: f.Get("how")}
	if _, err := h.store().AddConsent(r.Context(), s.TerritoryID, staffID(r), s.ID, in); err != nil {
		h.refuseOnStory(w, r, s, err, "consentement")
		return
	}
	h.Confirm(w, r, "comms.consent.flash.recorded", storyPath(s.ID)+"#consentements")
}

// WithdrawConsent records a person's withdrawal: the story leaves the
// site, its card and the calendar at once.
func (h *Handlers) WithdrawConsent(w http.ResponseWriter, r *http.Request) {
	s, ok := h.loadStory(w, r)
	if !ok {
		return
	}
	if !h.Confirmed(w, r) {
		return
	}
	cid := kit.PathID(r, "cid")
	_, err := h.store().WithdrawConsent(r.Context(), s.TerritoryID, s.ID, cid, cm.ConsentWithdrawal{Date: r.PostForm.Get("withdrawn_on"),
		How: r.PostForm.Get("withdrawn_how")})
	if err != nil {
		h.refuseOnStory(w, r, s, err, "retrait")
		return
	}
	h.Confirm(w, r, "comms.consent.flash.withdrawn", storyPath(s.ID))
}

// StoryImage is a story's picture for staff, whatever its status.
func (h *Handlers) StoryImage(w http.ResponseWriter, r *http.Request) {
	s, ok := h.loadStory(w, r)
	if !ok {
		return
	}
	if s.ImageID == 0 {
		h.Fail(w, r, errs.New(errs.NotFound, "errors.comms_image_not_found"))
		return
	}
	im, err := h.store().Image(r.Context(), s.TerritoryID, s.ImageID)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "private, no-store")
	storyWriteImage(w, im)
}

func storyWriteImage(w http.ResponseWriter, im cm.Image) {
	w.Header().Set("Content-Type", im.ContentType)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(im.Data)
}

// ---- Public ----------------------------------------------------------------

// storyPublicPage is /recits and /recits/{slug}.
type storyPublicPage struct {
	kit.Base
	Stories []cm.Story
	Story   *cm.Story
	Places  []kit.PlaceOption
	Place   string
	OG      kit.OpenGraph
}

// KindName names a story's kind.
func (p storyPublicPage) KindName(k string) string { return p.T("comms.story.kind." + k) }

// Body renders the story's Markdown safely.
func (p storyPublicPage) Body() template.HTML { return cm.Markdown(p.Story.Body) }

// ByKind is the stories of one kind.
func (p storyPublicPage) ByKind(k string) []cm.Story {
	var out []cm.Story
	for _, s := range p.Stories {
		if s.Kind == k {
			out = append(out, s)
		}
	}
	return out
}

// Kinds are the kinds, in order.
func (p storyPublicPage) Kinds() []string { return cm.StoryKinds }

// PublicStories lists the stories on the site, by kind; ?lieu= keeps one
// place's.
func (h *Handlers) PublicStories(w http.ResponseWriter, r *http.Request) {
	t := kit.Info(r).Territory
	p := storyPublicPage{Base: h.Page(w, r, "comms.story.public_title"), Place: r.URL.Query().Get("lieu")}
	var err error
	if p.Places, err = h.PlaceOptions(r); err != nil {
		h.Fail(w, r, err)
		return
	}
	known := false
	for _, pl := range p.Places {
		known = known || pl.Slug == p.Place
	}
	if !known {
		p.Place = ""
	}
	if p.Stories, err = h.store().PublicStories(r.Context(), t.ID, p.Place); err != nil {
		h.Fail(w, r, err)
		return
	}
	h.Render(w, r, http.StatusOK, "comms_story_public_list", p)
}

// PublicStory is a story's public page, with its Open Graph tags.
func (h *Handlers) PublicStory(w http.ResponseWriter, r *http.Request) {
	t := kit.Info(r).Territory
	s, err := h.store().PublicStory(r.Context(), t.ID, r.PathValue("slug"))
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	p := storyPublicPage{Base: h.Page(w, r, ""), Story: &s}
	p.SetTypedTitle(s.Title)
	abs := h.Cfg.BaseURL + s.Path()
	p.OG = kit.OpenGraph{Title: s.Title, Description: s.Summary, URL: abs, Image: abs + "/carte.png"}
	h.Render(w, r, http.StatusOK, "comms_story_public", p)
}

// PublicStoryImage is a story's picture, only while the story shows.
func (h *Handlers) PublicStoryImage(w http.ResponseWriter, r *http.Request) {
	im, err := h.store().PublicStoryImage(r.Context(), kit.Info(r).Territory.ID, r.PathValue("slug"))
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	// Short: a withdrawn story's picture must not linger in caches.
	w.Header().Set("Cache-Control", "public, max-age=300")
	storyWriteImage(w, im)
}

// PublicStoryCard is a story's share image, only while the story shows.
func (h *Handlers) PublicStoryCard(w http.ResponseWriter, r *http.Request) {
	t := kit.Info(r).Territory
	s, err := h.store().PublicStory(r.Context(), t.ID, r.PathValue("slug"))
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	card := sharecard.Card{Kicker: h.Cat.T("fr", "comms.story.kind."+s.Kind), Title: s.Title, When: s.Summary, Where: s.PlaceName}
	h.WriteShareCard(w, r, card, 5*time.Minute)
}
