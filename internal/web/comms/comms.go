// Package comms serves the communications: the area of the
// communications officer (/admin/communications: campaigns, the content
// calendar and its iCalendar feed, stories and their consents,
// newsletters and their lists, posters and flyers), the public stories
// (/recits), the newsletter's subscription, confirmation, one-click
// unsubscription and public archive (/infolettre).
package comms

import (
	"embed"
	"net/http"
	"strconv"

	"implique/internal/auth"
	cm "implique/internal/comms"
	"implique/internal/web/kit"
)

// Templates are the pages of this capability.
//
//go:embed templates/*.html
var Templates embed.FS

// Handlers answer this capability's routes.
type Handlers struct{ *kit.Kit }

func (h *Handlers) store() *cm.Store { return h.Deps.Comms }

func id(n int64) string { return strconv.FormatInt(n, 10) }

func staffID(r *http.Request) int64 {
	if u := kit.Info(r).Principal.User; u != nil {
		return u.ID
	}
	return 0
}

// AreaPath is the communications area's home.
const AreaPath = "/admin/communications"

// hubPage is the area's home: where each part of the work is.
type hubPage struct {
	kit.Base
	Manage bool
}

// Hub shows the area's home: the calendar to whoever reads it, and the
// campaigns, stories, newsletters and print to the communications officer.
func (h *Handlers) Hub(w http.ResponseWriter, r *http.Request) {
	if !h.Allow(w, r, auth.ReadCommsCalendar) {
		return
	}
	p := hubPage{Base: h.Page(w, r, "comms.hub.title"), Manage: h.Can(r, auth.ManageCommunications)}
	h.Render(w, r, http.StatusOK, "comms_hub", p)
}
