package comms

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"implique/internal/auth"
	cm "implique/internal/comms"
	"implique/internal/errs"
	"implique/internal/events"
	"implique/internal/privacy"
	"implique/internal/web/kit"
)

// Paths of the newsletters' pages.
const (
	newsPath = AreaPath + "/infolettres"
	listPath = AreaPath + "/listes"
	subPath  = AreaPath + "/abonnes"
)

func newsOne(nid int64) string { return newsPath + "/" + id(nid) }
func listOne(lid int64) string { return listPath + "/" + id(lid) }

// ---- Staff: the lists --------------------------------------------------------

type subListsPage struct {
	kit.Base
	Lists  []cm.MailingList
	Kinds  []string
	Places []kit.PlaceOption
	Now    time.Time
}

// KindName names a list's kind.
func (p subListsPage) KindName(k string) string { return p.T("comms.list.kind." + k) }

// PlaceSelected reports whether a place is the one typed.
func (p subListsPage) PlaceSelected(pid int64) bool { return p.Value("place") == id(pid) }

func (h *Handlers) subPlaces(r *http.Request) ([]kit.PlaceOption, []int64, error) {
	ps, err := h.Deps.Territories.Places(r.Context(), kit.Info(r).Territory.ID)
	if err != nil {
		return nil, nil, err
	}
	opts := kit.PlaceOptionsOf(ps)
	ids := make([]int64, len(opts))
	for i, o := range opts {
		for _, p := range ps {
			if p.Slug == o.Slug {
				ids[i] = p.ID
			}
		}
	}
	return opts, ids, nil
}

// subPlaceChoice is a place of the list form.
type subPlaceChoice struct {
	ID   int64
	Name string
}

func (h *Handlers) newsRenderLists(w http.ResponseWriter, r *http.Request, status int, form url.Values, problems map[string]string) {
	p := subListsPage{Base: h.Page(w, r, "comms.list.title"), Kinds: cm.ListKinds, Now: h.store().Now()}
	p.Form, p.Errors = form, problems
	var err error
	if p.Lists, err = h.store().MailingLists(r.Context(), kit.Info(r).Territory.ID, true); err != nil {
		h.Fail(w, r, err)
		return
	}
	h.Render(w, r, status, "comms_sub_lists", subListPageData{subListsPage: p, Choices: h.subChoices(w, r)})
}

// subListPageData adds the places to choose from.
type subListPageData struct {
	subListsPage
	Choices []subPlaceChoice
	List    *cm.MailingList
	Rows    []cm.SubscriberRow
	Events  []events.Event
}

// BasisName names a subscription's basis.
func (p subListPageData) BasisName(b string) string { return p.T("comms.sub.basis." + b) }

// StatusName names a subscription's status at now.
func (p subListPageData) StatusName(x cm.Subscription) string {
	if x.Expired(p.Now) {
		return p.T("comms.sub.status.expired")
	}
	return p.T("comms.sub.status." + x.Status)
}

func (h *Handlers) subChoices(w http.ResponseWriter, r *http.Request) []subPlaceChoice {
	opts, ids, err := h.subPlaces(r)
	if err != nil {
		return nil
	}
	out := make([]subPlaceChoice, len(opts))
	for i, o := range opts {
		out[i] = subPlaceChoice{ID: ids[i], Name: o.Name}
	}
	return out
}

func listInput(f url.Values) cm.ListInput {
	return cm.ListInput{Name: f.Get("name"), Kind: f.Get("kind"), PlaceID: f.Get("place"), Interest: f.Get("interest"),
		Description: f.Get("description")}
}

// NewsLists shows the mailing lists and the form that adds one.
func (h *Handlers) NewsLists(w http.ResponseWriter, r *http.Request) {
	if !h.Allow(w, r, auth.ManageCommunications) {
		return
	}
	h.newsRenderLists(w, r, http.StatusOK, url.Values{"kind": {cm.ListGeneral}}, nil)
}

// NewsCreateList adds a list.
func (h *Handlers) NewsCreateList(w http.ResponseWriter, r *http.Request) {
	if !h.Allow(w, r, auth.ManageCommunications) {
		return
	}
	l, err := h.store().CreateMailingList(r.Context(), kit.Info(r).Territory.ID, listInput(r.PostForm))
	if err != nil {
		h.Refuse(w, r, err, func(status int, problems map[string]string) { h.newsRenderLists(w, r, status, r.PostForm, problems) })
		return
	}
	h.Confirm(w, r, "comms.list.flash.created", listOne(l.ID))
}

func (h *Handlers) newsRenderList(w http.ResponseWriter, r *http.Request, l cm.MailingList, status int, form url.Values, problems map[string]string) {
	ctx, tid := r.Context(), kit.Info(r).Territory.ID
	p := subListPageData{subListsPage: subListsPage{Base: h.Page(w, r, ""), Kinds: cm.ListKinds, Now: h.store().Now()}, List: &l}
	p.SetTitle("comms.list.one_title", l.Name)
	if form == nil {
		form = url.Values{"name": {l.Name}, "kind": {l.Kind}, "interest": {l.Interest}, "description": {l.Description}}
		if l.PlaceID != nil {
			form.Set("place", id(*l.PlaceID))
		}
	}
	p.Form, p.Errors = form, problems
	p.Choices = h.subChoices(w, r)
	var err error
	if p.Rows, err = h.store().ListSubscribers(ctx, tid, l.ID); err != nil {
		h.Fail(w, r, err)
		return
	}
	h.Accessed(r, privacy.Viewed, "comms.subscribers", "list "+id(l.ID))
	// The events of the last two years: their attendees' consent still holds.
	now := h.store().Now()
	if p.Events, err = h.Deps.Events.List(ctx, tid, events.Filter{From: now.AddDate(-2, 0, 0), To: now, Newest: true, Limit: 60}); err != nil {
		h.Fail(w, r, err)
		return
	}
	h.Render(w, r, status, "comms_sub_list", p)
}

// NewsList shows one list: its form, its subscribers, and the adding of an
// event's attendees.
func (h *Handlers) NewsList(w http.ResponseWriter, r *http.Request) {
	l, ok := kit.Load(h.Kit, w, r, auth.ManageCommunications, h.store().MailingList)
	if !ok {
		return
	}
	h.newsRenderList(w, r, l, http.StatusOK, nil, nil)
}

// NewsUpdateList saves a list.
func (h *Handlers) NewsUpdateList(w http.ResponseWriter, r *http.Request) {
	l, ok := kit.Load(h.Kit, w, r, auth.ManageCommunications, h.store().MailingList)
	if !ok {
		return
	}
	if err := h.store().UpdateMailingList(r.Context(), l.TerritoryID, l.ID, listInput(r.PostForm)); err != nil {
		h.RefuseOn(w, r, err, nil, func(status int, problems map[string]string) { h.newsRenderList(w, r, l, status, r.PostForm, problems) })
		return
	}
	h.Confirm(w, r, "comms.list.flash.saved", listOne(l.ID))
}

// NewsArchiveList archives a list, or puts it back.
func (h *Handlers) NewsArchiveList(w http.ResponseWriter, r *http.Request) {
	l, ok := kit.Load(h.Kit, w, r, auth.ManageCommunications, h.store().MailingList)
	if !ok || !h.Confirmed(w, r) {
		return
	}
	archive := l.ArchivedAt == nil
	key := "comms.list.flash.archived"
	if !archive {
		key = "comms.list.flash.restored"
	}
	h.Done(w, r, h.store().ArchiveMailingList(r.Context(), l.TerritoryID, l.ID, archive), key, listOne(l.ID))
}

// NewsAddAttendees adds an event's attendees who agreed to be contacted, on
// implied consent.
func (h *Handlers) NewsAddAttendees(w http.ResponseWriter, r *http.Request) {
	l, ok := kit.Load(h.Kit, w, r, auth.ManageCommunications, h.store().MailingList)
	if !ok {
		return
	}
	ev, _ := strconv.ParseInt(r.PostFormValue("event"), 10, 64)
	_, err := h.store().AddEventAttendees(r.Context(), l.TerritoryID, l.ID, ev)
	if err != nil {
		if errs.Is(err, errs.NotFound) && ev > 0 {
			err = errs.New(errs.Invalid, "errors.comms_list_event")
		}
		h.RefuseOn(w, r, err, func(string) string { return "event" }, func(status int, problems map[string]string) {
			h.newsRenderList(w, r, l, status, nil, problems)
		})
		return
	}
	h.Confirm(w, r, "comms.list.flash.attendees", listOne(l.ID))
}

// NewsAddVolunteers adds the people who gave confirmed volunteer hours in
// the last two years, on implied consent.
func (h *Handlers) NewsAddVolunteers(w http.ResponseWriter, r *http.Request) {
	l, ok := kit.Load(h.Kit, w, r, auth.ManageCommunications, h.store().MailingList)
	if !ok {
		return
	}
	_, err := h.store().AddVolunteers(r.Context(), l.TerritoryID, l.ID)
	h.Done(w, r, err, "comms.list.flash.volunteers", listOne(l.ID))
}

type subProofPage struct {
	kit.Base
	Sub   cm.Subscriber
	Proof []cm.ProofEntry
	Now   time.Time
}

// BasisName names a subscription's basis.
func (p subProofPage) BasisName(b string) string { return p.T("comms.sub.basis." + b) }

// ActionName names an entry of the proof.
func (p subProofPage) ActionName(a string) string { return p.T("comms.sub.action." + a) }

// StatusName names a subscription's status at now.
func (p subProofPage) StatusName(x cm.Subscription) string {
	if x.Expired(p.Now) {
		return p.T("comms.sub.status.expired")
	}
	return p.T("comms.sub.status." + x.Status)
}

// NewsSubscriberProof shows one subscriber's subscriptions and the proof of their
// consents and unsubscriptions.
func (h *Handlers) NewsSubscriberProof(w http.ResponseWriter, r *http.Request) {
	b, ok := kit.Load(h.Kit, w, r, auth.ManageCommunications, h.store().Subscriber)
	if !ok {
		return
	}
	h.Accessed(r, privacy.Viewed, "comms.subscribers", "subscriber "+id(b.ID))
	p := subProofPage{Base: h.Page(w, r, ""), Sub: b, Now: h.store().Now()}
	p.SetTitle("comms.sub.proof_title", b.Email)
	var err error
	if p.Proof, err = h.store().SubscriberProof(r.Context(), b.TerritoryID, b.ID); err != nil {
		h.Fail(w, r, err)
		return
	}
	h.Render(w, r, http.StatusOK, "comms_sub_proof", p)
}

// ---- Staff: the newsletters --------------------------------------------------

type newsListPage struct {
	kit.Base
	Newsletters []cm.Newsletter
}

// StatusName names a newsletter's status.
func (p newsListPage) StatusName(s string) string { return p.T("comms.news.status." + s) }

// Newsletters lists the drafts, the scheduled and the sent newsletters.
func (h *Handlers) Newsletters(w http.ResponseWriter, r *http.Request) {
	if !h.Allow(w, r, auth.ManageCommunications) {
		return
	}
	p := newsListPage{Base: h.Page(w, r, "comms.news.title")}
	var err error
	if p.Newsletters, err = h.store().Newsletters(r.Context(), kit.Info(r).Territory.ID); err != nil {
		h.Fail(w, r, err)
		return
	}
	h.Render(w, r, http.StatusOK, "comms_news_list", p)
}

type newsEditPage struct {
	kit.Base
	News               *cm.Newsletter
	Lists              []cm.MailingList
	Campaigns          []cm.NewsCampaign
	Evs, Opps, Stories []cm.NewsBlockChoice
	Preview            template.HTML
	Previewed          bool
	Editable           bool
	// Clicks on the newsletter's tracked links since its sending, when it
	// carries some (Links).
	Clicks, Links int
}

// StatusName names a newsletter's status.
func (p newsEditPage) StatusName(s string) string { return p.T("comms.news.status." + s) }

func (h *Handlers) newsRender(w http.ResponseWriter, r *http.Request, n *cm.Newsletter, status int, form url.Values, problems map[string]string) {
	ctx, tid := r.Context(), kit.Info(r).Territory.ID
	p := newsEditPage{Base: h.Page(w, r, "comms.news.new_title"), News: n, Editable: n == nil || n.Status == cm.NewsDraft || n.Status == cm.NewsScheduled}
	if n != nil {
		p.SetTitle("comms.news.one_title", n.Subject)
		if form == nil {
			form = url.Values{"subject": {n.Subject}, "body": {n.Body}, "list": {id(n.ListID)}}
			if n.CampaignID != nil {
				form.Set("campaign", id(*n.CampaignID))
			}
		}
	}
	p.Form, p.Errors = form, problems
	var err error
	if n != nil && n.StartedAt != nil {
		if p.Clicks, p.Links, err = h.store().NewsletterClicks(ctx, tid, *n); err != nil {
			h.Fail(w, r, err)
			return
		}
	}
	if p.Lists, err = h.store().MailingLists(ctx, tid, false); err != nil {
		h.Fail(w, r, err)
		return
	}
	if p.Evs, p.Opps, p.Stories, err = h.store().NewsBlockChoices(ctx, tid, p.Lang); err != nil {
		h.Fail(w, r, err)
		return
	}
	if p.Campaigns, err = h.store().NewsCampaigns(ctx, tid); err != nil {
		h.Fail(w, r, err)
		return
	}
	if body := form.Get("body"); body != "" || n != nil {
		rd, err := h.store().RenderNewsletter(ctx, tid, body, p.Lang)
		if err != nil {
			h.Fail(w, r, err)
			return
		}
		p.Preview = rd.HTML
	}
	h.Render(w, r, status, "comms_news_edit", p)
}

func newsInput(f url.Values) cm.NewsletterInput {
	return cm.NewsletterInput{Subject: f.Get("subject"), Body: f.Get("body"), ListID: f.Get("list"), Campaign: f.Get("campaign")}
}

// newsComposeAction handles the composer's buttons that only show the form
// again: the preview, and the blocks added to the body. It reports whether
// it answered.
func (h *Handlers) newsComposeAction(w http.ResponseWriter, r *http.Request, n *cm.Newsletter) bool {
	form := r.PostForm
	switch {
	case form.Get("action") == "preview":
		h.newsRender(w, r, n, http.StatusOK, form, nil)
		return true
	case strings.HasPrefix(form.Get("action"), "block-"):
		code := form.Get(strings.TrimPrefix(form.Get("action"), "block-"))
		if strings.HasPrefix(code, "[[") && strings.HasSuffix(code, "]]") && !strings.ContainsAny(code, "\r\n") {
			body := strings.TrimRight(form.Get("body"), "\r\n ")
			if body != "" {
				body += "\n\n"
			}
			form.Set("body", body+code+"\n")
		}
		h.newsRender(w, r, n, http.StatusOK, form, nil)
		return true
	}
	return false
}

// NewNewsletter shows the composer of a new newsletter.
func (h *Handlers) NewNewsletter(w http.ResponseWriter, r *http.Request) {
	if !h.Allow(w, r, auth.ManageCommunications) {
		return
	}
	form := url.Values{}
	if c := r.URL.Query().Get("campagne"); c != "" {
		form.Set("campaign", c)
	}
	h.newsRender(w, r, nil, http.StatusOK, form, nil)
}

// CreateNewsletter saves a new draft (or previews it, or adds a block).
func (h *Handlers) CreateNewsletter(w http.ResponseWriter, r *http.Request) {
	if !h.Allow(w, r, auth.ManageCommunications) || h.newsComposeAction(w, r, nil) {
		return
	}
	n, err := h.store().CreateNewsletter(r.Context(), kit.Info(r).Territory.ID, staffID(r), newsInput(r.PostForm))
	if err != nil {
		h.Refuse(w, r, err, func(status int, problems map[string]string) { h.newsRender(w, r, nil, status, r.PostForm, problems) })
		return
	}
	h.Confirm(w, r, "comms.news.flash.created", newsOne(n.ID))
}

// Newsletter shows one newsletter: its composer, preview and sending.
func (h *Handlers) Newsletter(w http.ResponseWriter, r *http.Request) {
	n, ok := kit.Load(h.Kit, w, r, auth.ManageCommunications, h.store().Newsletter)
	if !ok {
		return
	}
	h.newsRender(w, r, &n, http.StatusOK, nil, nil)
}

// UpdateNewsletter saves a draft (or previews it, or adds a block).
func (h *Handlers) UpdateNewsletter(w http.ResponseWriter, r *http.Request) {
	n, ok := kit.Load(h.Kit, w, r, auth.ManageCommunications, h.store().Newsletter)
	if !ok || h.newsComposeAction(w, r, &n) {
		return
	}
	if err := h.store().UpdateNewsletter(r.Context(), n.TerritoryID, n.ID, newsInput(r.PostForm)); err != nil {
		h.RefuseOn(w, r, err, nil, func(status int, problems map[string]string) { h.newsRender(w, r, &n, status, r.PostForm, problems) })
		return
	}
	h.Confirm(w, r, "comms.news.flash.saved", newsOne(n.ID))
}

// newsAction runs an action on a newsletter and shows the page again with
// its problems, or goes back to it with a message.
func (h *Handlers) newsAction(w http.ResponseWriter, r *http.Request, confirm bool, flash string,
	do func(n cm.Newsletter) error) {
	n, ok := kit.Load(h.Kit, w, r, auth.ManageCommunications, h.store().Newsletter)
	if !ok || (confirm && !h.Confirmed(w, r)) {
		return
	}
	if err := do(n); err != nil {
		h.RefuseOn(w, r, err, nil, func(status int, problems map[string]string) {
			form := url.Values{"subject": {n.Subject}, "body": {n.Body}, "list": {id(n.ListID)}}
			for k, v := range r.PostForm {
				form[k] = v
			}
			h.newsRender(w, r, &n, status, form, problems)
		})
		return
	}
	h.Confirm(w, r, flash, newsOne(n.ID))
}

// TestNewsletter e-mails the newsletter once to an address staff typed.
func (h *Handlers) TestNewsletter(w http.ResponseWriter, r *http.Request) {
	h.newsAction(w, r, false, "comms.news.flash.tested", func(n cm.Newsletter) error {
		return h.store().SendNewsletterTest(r.Context(), n.TerritoryID, n.ID, r.PostFormValue("test_to"))
	})
}

// ScheduleNewsletter sets the day and time a newsletter goes.
func (h *Handlers) ScheduleNewsletter(w http.ResponseWriter, r *http.Request) {
	h.newsAction(w, r, false, "comms.news.flash.scheduled", func(n cm.Newsletter) error {
		return h.store().ScheduleNewsletter(r.Context(), n.TerritoryID, n.ID,
			cm.NewsScheduleInput{Day: r.PostFormValue("day"), Clock: r.PostFormValue("clock")})
	})
}

// UnscheduleNewsletter cancels a scheduled sending (back to draft).
func (h *Handlers) UnscheduleNewsletter(w http.ResponseWriter, r *http.Request) {
	h.newsAction(w, r, true, "comms.news.flash.unscheduled", func(n cm.Newsletter) error {
		return h.store().UnscheduleNewsletter(r.Context(), n.TerritoryID, n.ID)
	})
}

// SendNewsletter starts the sending at once, once confirmed.
func (h *Handlers) SendNewsletter(w http.ResponseWriter, r *http.Request) {
	h.newsAction(w, r, true, "comms.news.flash.sending", func(n cm.Newsletter) error {
		return h.store().SendNewsletterNow(r.Context(), n.TerritoryID, n.ID)
	})
}

// ---- Public: subscribing, confirming, unsubscribing, the archive -------------

type subFormPage struct {
	kit.Base
	Lists   []cm.MailingList
	Wording string
	// Sender is who sends the newsletter, typed text within the wording.
	Sender string
	Done   bool
}

// Chosen reports whether a list was ticked.
func (p subFormPage) Chosen(lid int64) bool {
	for _, v := range p.Form["lists"] {
		if v == id(lid) {
			return true
		}
	}
	return false
}

func (h *Handlers) newsRenderSubscribe(w http.ResponseWriter, r *http.Request, status int, form url.Values, problems map[string]string, done bool) {
	p := subFormPage{Base: h.Page(w, r, "comms.sub.title"), Done: done}
	p.Form, p.Errors = form, problems
	p.Wording = h.store().ConsentWording(p.Lang, p.Territory)
	p.Sender = cm.ConsentSender(p.Territory)
	var err error
	if p.Lists, err = h.store().MailingLists(r.Context(), p.Territory.ID, false); err != nil {
		h.Fail(w, r, err)
		return
	}
	h.Render(w, r, status, "comms_sub_form", p)
}

// NewsSubscribeForm is the public subscription form: lists, e-mail, first
// name, language, and consent never ticked in advance.
func (h *Handlers) NewsSubscribeForm(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	form := url.Values{"campagne": {q.Get("campagne")}, "lang": {kit.Info(r).Lang}}
	if l := q.Get("liste"); l != "" {
		form.Set("lists", l)
	}
	h.newsRenderSubscribe(w, r, http.StatusOK, form, nil, false)
}

// NewsSubscribe records the request and e-mails the confirmation link; the
// answer is the same whether the address was known or not.
func (h *Handlers) NewsSubscribe(w http.ResponseWriter, r *http.Request) {
	if !h.AllowPublicForm(w, r) {
		return
	}
	f := r.PostForm
	var lists []int64
	for _, v := range f["lists"] {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			lists = append(lists, n)
		}
	}
	in := cm.SubscribeInput{Email: f.Get("email"), Name: f.Get("name"), Lang: f.Get("lang"), Lists: lists,
		Consent: f.Get("consent") == "1", Campaign: f.Get("campagne"), Source: "infolettre"}
	if err := h.store().Subscribe(r.Context(), kit.Info(r).Territory.ID, in); err != nil {
		h.Refuse(w, r, err, func(status int, problems map[string]string) { h.newsRenderSubscribe(w, r, status, f, problems, false) })
		return
	}
	h.newsRenderSubscribe(w, r, http.StatusOK, url.Values{}, nil, true)
}

type subConfirmPage struct {
	kit.Base
	Token   string
	Lists   []string
	Done    bool
	Expired bool
}

// NewsConfirmForm shows the button that confirms a subscription (a link
// opened by a mail scanner confirms nothing).
func (h *Handlers) NewsConfirmForm(w http.ResponseWriter, r *http.Request) {
	p := subConfirmPage{Base: h.Page(w, r, "comms.sub.confirm_title"), Token: r.PathValue("token")}
	h.Render(w, r, http.StatusOK, "comms_sub_confirm", p)
}

// NewsConfirm confirms the subscription of the link.
func (h *Handlers) NewsConfirm(w http.ResponseWriter, r *http.Request) {
	p := subConfirmPage{Base: h.Page(w, r, "comms.sub.confirm_title"), Token: r.PathValue("token")}
	names, err := h.store().ConfirmSubscription(r.Context(), p.Territory.ID, p.Token)
	switch {
	case err == nil:
		p.Done, p.Lists = true, names
	case errs.Is(err, errs.Invalid):
		p.Expired = true
		h.Render(w, r, http.StatusGone, "comms_sub_confirm", p)
		return
	default:
		h.Fail(w, r, err)
		return
	}
	h.Render(w, r, http.StatusOK, "comms_sub_confirm", p)
}

type subUnsubPage struct {
	kit.Base
	Token string
	Sub   cm.Subscriber
	Done  bool
	Now   time.Time
}

// Active lists the subscriptions still active.
func (p subUnsubPage) Active() []cm.Subscription {
	var out []cm.Subscription
	for _, x := range p.Sub.Subs {
		if x.Status != cm.SubUnsubscribed {
			out = append(out, x)
		}
	}
	return out
}

// NewsUnsubscribeForm is the one-button page of an unsubscribe link, without
// sign-in.
func (h *Handlers) NewsUnsubscribeForm(w http.ResponseWriter, r *http.Request) {
	p := subUnsubPage{Base: h.Page(w, r, "comms.sub.unsub_title"), Token: r.PathValue("token"), Now: h.store().Now()}
	b, err := h.store().SubscriberByToken(r.Context(), p.Territory.ID, p.Token)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	p.Sub = b
	h.Render(w, r, http.StatusOK, "comms_sub_unsub", p)
}

// NewsUnsubscribe takes the address off every list at once. A post whose body
// is RFC 8058's « List-Unsubscribe=One-Click » (a mail program's button)
// gets a short answer and no page.
func (h *Handlers) NewsUnsubscribe(w http.ResponseWriter, r *http.Request) {
	tid := kit.Info(r).Territory.ID
	token := r.PathValue("token")
	oneClick := r.PostForm.Get("List-Unsubscribe") == "One-Click"
	how := "link"
	if oneClick {
		how = "one-click"
	}
	err := h.store().Unsubscribe(r.Context(), tid, token, how)
	if oneClick {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		switch {
		case err == nil:
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write([]byte(h.Cat.T(kit.Info(r).Lang, "comms.sub.unsub_done") + "\n"))
		case errs.Is(err, errs.NotFound):
			w.WriteHeader(http.StatusNotFound)
		default:
			h.Fail(w, r, err)
		}
		return
	}
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	p := subUnsubPage{Base: h.Page(w, r, "comms.sub.unsub_title"), Token: token, Done: true, Now: h.store().Now()}
	h.Render(w, r, http.StatusOK, "comms_sub_unsub", p)
}

type newsArchivePage struct {
	kit.Base
	Newsletters []cm.Newsletter
	News        *cm.Newsletter
	Body        template.HTML
}

// NewsArchive is the public archive of the newsletters sent.
func (h *Handlers) NewsArchive(w http.ResponseWriter, r *http.Request) {
	p := newsArchivePage{Base: h.Page(w, r, "comms.news.archive_title")}
	var err error
	if p.Newsletters, err = h.store().SentNewsletters(r.Context(), p.Territory.ID); err != nil {
		h.Fail(w, r, err)
		return
	}
	h.Render(w, r, http.StatusOK, "comms_news_archive", p)
}

// NewsArchiveIssue shows one sent newsletter, its blocks as they are now (a
// story withdrawn since is left out).
func (h *Handlers) NewsArchiveIssue(w http.ResponseWriter, r *http.Request) {
	p := newsArchivePage{Base: h.Page(w, r, "")}
	n, err := h.store().SentNewsletter(r.Context(), p.Territory.ID, r.PathValue("slug"))
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	p.SetTitle("comms.news.issue_title", n.Subject)
	// The archive shows the original links, not the tracked ones the
	// e-mails carried: a reader of the site goes straight where the link
	// leads (no redirect through /l/), and the newsletter's clicks stay
	// those of its recipients, which is what staff read on its page.
	rd, err := h.store().RenderNewsletter(r.Context(), p.Territory.ID, n.Body, p.Lang)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	p.News, p.Body = &n, rd.HTML
	h.Render(w, r, http.StatusOK, "comms_news_issue", p)
}
