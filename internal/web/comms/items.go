package comms

import (
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"implique/internal/auth"
	cm "implique/internal/comms"
	"implique/internal/errs"
	"implique/internal/tracking"
	"implique/internal/web/kit"
)

type itemPage struct {
	campaignBase
	Item       *cm.Item
	Owners     []cm.ItemOwner
	Campaigns  []cm.Campaign
	Links      []tracking.Link
	Sources    []cm.ItemSource
	ShareImage string
	SourceURL  string
}

// Statuses are the items' statuses.
func (p itemPage) Statuses() []string { return cm.ItemStatuses }

func itemForm(it cm.Item) url.Values {
	f := url.Values{"channel": {it.Channel}, "title": {it.Title}, "body": {it.Body}, "day": {it.Day.String()},
		"clock": {it.Clock}, "status": {it.Status}, "image_alt": {it.ImageAlt}}
	if it.OwnerID != 0 {
		f.Set("owner", id(it.OwnerID))
	}
	if it.CampaignID != 0 {
		f.Set("campaign", id(it.CampaignID))
	}
	if it.LinkID != 0 {
		f.Set("link", id(it.LinkID))
	}
	return f
}

func itemNum(v string) int64 {
	n, _ := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	return n
}

func itemInput(r *http.Request) (cm.ItemInput, error) {
	f := r.PostForm
	in := cm.ItemInput{Channel: f.Get("channel"), Title: f.Get("title"), Body: f.Get("body"), Day: f.Get("day"),
		Clock: f.Get("clock"), OwnerID: itemNum(f.Get("owner")), Status: f.Get("status"), CampaignID: itemNum(f.Get("campaign")),
		LinkID: itemNum(f.Get("link")), Target: f.Get("target"), RemoveImage: f.Get("remove_image") == "1",
		ImageAlt: f.Get("image_alt"), SourceKind: f.Get("source_kind"), SourceID: itemNum(f.Get("source_id"))}
	if r.MultipartForm != nil {
		if fh := r.MultipartForm.File["image"]; len(fh) > 0 && fh[0].Size > 0 {
			file, err := fh[0].Open()
			if err != nil {
				return in, err
			}
			defer file.Close()
			data, err := io.ReadAll(io.LimitReader(file, cm.MaxImageSize+1))
			if err != nil {
				return in, err
			}
			in.Image = &cm.ImageInput{Name: fh[0].Filename, Data: data, Alt: f.Get("image_alt")}
		}
	}
	return in, nil
}

func (h *Handlers) itemRender(w http.ResponseWriter, r *http.Request, it *cm.Item, status int, form url.Values, problems map[string]string) {
	ctx, tid := r.Context(), kit.Info(r).Territory.ID
	p := itemPage{campaignBase: h.campaignBase(w, r, "comms.calendar.new_title"), Item: it}
	var err error
	if it != nil {
		p.SetTitle("comms.calendar.item_title", it.Title)
		p.ShareImage = h.store().ItemShareImage(ctx, tid, *it)
	}
	if p.Manage {
		if p.Owners, err = h.store().ItemOwners(ctx, tid); err != nil {
			h.Fail(w, r, err)
			return
		}
		if p.Campaigns, err = h.store().Campaigns(ctx, tid); err != nil {
			h.Fail(w, r, err)
			return
		}
		if cid := itemNum(form.Get("campaign")); cid != 0 {
			p.Links, err = h.store().CampaignLinks(ctx, tid, cid)
			if err != nil && !errs.Is(err, errs.NotFound) {
				h.Fail(w, r, err)
				return
			}
		}
		if it == nil {
			if p.Sources, err = h.store().ItemSources(ctx, tid, p.Lang); err != nil {
				h.Fail(w, r, err)
				return
			}
		}
	}
	p.Errors, p.Form = problems, form
	h.Render(w, r, status, "comms_calendar_item", p)
}

// NewItem is the form of a new item; ?source=event-12 prefills it from
// what it promotes, ?campagne=3 puts it in a campaign.
func (h *Handlers) NewItem(w http.ResponseWriter, r *http.Request) {
	if !h.Allow(w, r, auth.ManageCommunications) {
		return
	}
	ri := kit.Info(r)
	form := url.Values{"channel": {"facebook"}, "status": {cm.ItemIdea}, "day": {h.store().Now().In(ri.Territory.Location()).Format("2006-01-02")}}
	if u := ri.Principal.User; u != nil {
		form.Set("owner", id(u.ID))
	}
	if src := r.URL.Query().Get("source"); src != "" {
		kind, num, _ := strings.Cut(src, "-")
		pre, err := h.store().ItemFrom(r.Context(), ri.Territory.ID, ri.Lang, kind, itemNum(num))
		if err != nil {
			h.Fail(w, r, err)
			return
		}
		form.Set("title", pre.Input.Title)
		form.Set("body", pre.Input.Body)
		form.Set("target", pre.Input.Target)
		form.Set("status", pre.Input.Status)
		form.Set("source_kind", pre.Input.SourceKind)
		form.Set("source_id", id(pre.Input.SourceID))
	}
	if c := r.URL.Query().Get("campagne"); c != "" {
		form.Set("campaign", c)
	}
	h.itemRender(w, r, nil, http.StatusOK, form, nil)
}

// CreateItem puts an item on the calendar.
func (h *Handlers) CreateItem(w http.ResponseWriter, r *http.Request) {
	if !h.Allow(w, r, auth.ManageCommunications) {
		return
	}
	in, err := itemInput(r)
	if err == nil {
		var it cm.Item
		it, err = h.store().CreateItem(r.Context(), kit.Info(r).Territory.ID, staffID(r), in)
		if err == nil {
			h.Confirm(w, r, "comms.calendar.flash_created", calendarItemPath(it.ID))
			return
		}
	}
	h.Refuse(w, r, err, func(status int, problems map[string]string) { h.itemRender(w, r, nil, status, r.PostForm, problems) })
}

// Item is an item's page: its text to copy, its link, its status buttons,
// and its form for whoever manages communications.
func (h *Handlers) Item(w http.ResponseWriter, r *http.Request) {
	it, ok := kit.Load(h.Kit, w, r, auth.ReadCommsCalendar, h.store().Item)
	if !ok {
		return
	}
	h.itemRender(w, r, &it, http.StatusOK, itemForm(it), nil)
}

// SaveItem saves an item's form.
func (h *Handlers) SaveItem(w http.ResponseWriter, r *http.Request) {
	it, ok := kit.Load(h.Kit, w, r, auth.ManageCommunications, h.store().Item)
	if !ok {
		return
	}
	in, err := itemInput(r)
	if err == nil {
		_, err = h.store().UpdateItem(r.Context(), it.TerritoryID, staffID(r), it.ID, in)
		if err == nil {
			h.Confirm(w, r, "comms.calendar.flash_saved", calendarItemPath(it.ID))
			return
		}
	}
	h.Refuse(w, r, err, func(status int, problems map[string]string) { h.itemRender(w, r, &it, status, r.PostForm, problems) })
}

// ItemStatus moves an item to another status.
func (h *Handlers) ItemStatus(w http.ResponseWriter, r *http.Request) {
	it, ok := kit.Load(h.Kit, w, r, auth.ManageCommunications, h.store().Item)
	if !ok {
		return
	}
	h.Done(w, r, h.store().SetItemStatus(r.Context(), it.TerritoryID, it.ID, r.PostForm.Get("status")),
		"comms.calendar.flash_status", calendarItemPath(it.ID))
}

// DeleteItem takes an item off the calendar, once confirmed.
func (h *Handlers) DeleteItem(w http.ResponseWriter, r *http.Request) {
	it, ok := kit.Load(h.Kit, w, r, auth.ManageCommunications, h.store().Item)
	if !ok || !h.Confirmed(w, r) {
		return
	}
	h.Done(w, r, h.store().DeleteItem(r.Context(), it.TerritoryID, it.ID), "comms.calendar.flash_deleted",
		calendarPath+"?mois="+it.Day.String()[:7])
}

// ItemImage sends an item's picture.
func (h *Handlers) ItemImage(w http.ResponseWriter, r *http.Request) {
	it, ok := kit.Load(h.Kit, w, r, auth.ReadCommsCalendar, h.store().Item)
	if !ok {
		return
	}
	if it.ImageID == 0 {
		h.NotFound(w, r)
		return
	}
	im, err := h.store().Image(r.Context(), it.TerritoryID, it.ImageID)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", im.ContentType)
	w.Header().Set("Cache-Control", "private, max-age=3600")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(im.Data)
}
