package web

import "net/http"

// routes is the whole URL table of Implique.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()

	// Operations.
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.Handle("GET /metrics", s.metricsHandler())
	mux.Handle("GET /static/", http.StripPrefix("/static/", staticFiles()))
	mux.HandleFunc("GET /theme.css", s.themeCSS)
	mux.HandleFunc("GET /robots.txt", s.robots)

	// Public pages.
	mux.HandleFunc("GET /{$}", s.home)
	mux.HandleFunc("GET /lieux/{slug}", s.place)
	mux.HandleFunc("GET /langue/{lang}", s.setLanguage)
	mux.HandleFunc("GET /confidentialite", s.privacy)

	// Signing in and out.
	mux.HandleFunc("GET /connexion", s.signInForm)
	mux.HandleFunc("POST /connexion/lien", s.requestMagicLink)
	mux.HandleFunc("GET /connexion/courriel-envoye", s.magicLinkSent)
	mux.HandleFunc("GET /connexion/lien", s.magicLinkLanding)
	mux.HandleFunc("POST /connexion/lien/utiliser", s.useMagicLink)
	mux.HandleFunc("POST /connexion/mot-de-passe", s.signInPassword)
	mux.HandleFunc("POST /deconnexion", s.signOut)

	// One's own account.
	mux.HandleFunc("GET /compte", s.account)
	mux.HandleFunc("POST /compte", s.saveAccount)
	mux.HandleFunc("POST /compte/mot-de-passe", s.savePassword)

	// Staff area.
	mux.HandleFunc("GET /admin", s.adminHome)
	mux.HandleFunc("GET /admin/utilisateurs", s.adminUsers)
	mux.HandleFunc("POST /admin/utilisateurs", s.adminAddUser)
	mux.HandleFunc("GET /admin/utilisateurs/{id}", s.adminUser)
	mux.HandleFunc("POST /admin/utilisateurs/{id}/roles", s.adminSaveRoles)
	mux.HandleFunc("POST /admin/utilisateurs/{id}/statut", s.adminSetDisabled)
	mux.HandleFunc("GET /admin/territoire", s.adminSettings)
	mux.HandleFunc("POST /admin/territoire", s.adminSaveSettings)
	mux.HandleFunc("GET /admin/courriels", s.adminOutbox)
	mux.HandleFunc("GET /admin/courriels/{id}", s.adminOutboxItem)

	// JSON API.
	mux.HandleFunc("GET /api/v1/places", s.apiPlaces)
	mux.HandleFunc("GET /api/v1/openapi.json", s.apiOpenAPI)

	// Anything else is a French (or English) 404 page.
	mux.HandleFunc("/", s.notFound)

	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(http.HandlerFunc(s.csrfDenied))

	var h http.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mux.ServeHTTP(w, r)
		info(r).pattern = r.Pattern // for logs and metrics: the route, never the URL
	})
	h = csrf.Handler(h)
	h = s.withSession(h)
	h = s.withTerritoryAndLanguage(h)
	h = s.withSecurityHeaders(h)
	h = s.withRecover(h)
	h = s.withLogAndMetrics(h)
	return h
}
