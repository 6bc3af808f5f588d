package kit

import (
	"net/http"

	"implique/internal/privacy"
)

// Accessed writes to the access log that the signed-in member of staff
// viewed or exported people's personal information: what (the kind,
// "events.registrations") and which record ("event 12"), never the data.
// A page that shows a list of people, a person's page, an export or a
// survey's answers calls it before answering. A failure to write is logged
// and the page still answers.
func (s *Kit) Accessed(r *http.Request, action privacy.AccessAction, what, record string) {
	info := Info(r)
	a := privacy.Access{TerritoryID: info.Territory.ID, Action: action, What: what, Record: record}
	if u := info.Principal.User; u != nil {
		a.UserID = u.ID
	}
	if err := s.Deps.Privacy.LogAccess(r.Context(), a); err != nil {
		s.Deps.Logger.Error("access log", "id", info.ID, "err", err)
	}
}
