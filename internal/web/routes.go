package web

import (
	"net/http"

	"implique/internal/web/kit"
)

// routes is the whole URL table of Implique.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()

	// Operations.
	mux.HandleFunc("GET /healthz", s.site.Healthz)
	mux.HandleFunc("GET /readyz", s.site.Readyz)
	mux.Handle("GET /static/", http.StripPrefix("/static/", s.staticFiles()))
	mux.HandleFunc("GET /theme.css", s.site.ThemeCSS)
	mux.HandleFunc("GET /robots.txt", s.site.Robots)

	// Public pages.
	mux.HandleFunc("GET /{$}", s.site.Home)
	mux.HandleFunc("GET /lieux/{slug}", s.site.Place)
	mux.HandleFunc("GET /langue/{lang}", s.site.SetLanguage)

	// Events: public pages, sign-up without an account, the private link.
	mux.HandleFunc("GET /soupers", s.events.Dinners)
	mux.HandleFunc("GET /evenements", s.events.EventList)
	mux.HandleFunc("GET /evenements/{slug}", s.events.EventPage)
	mux.HandleFunc("GET /evenements/{slug}/calendrier.ics", s.events.EventICS)
	mux.HandleFunc("GET /evenements/{slug}/partage.png", s.events.EventCard)
	mux.HandleFunc("POST /evenements/{slug}/inscription", s.events.Register)
	mux.HandleFunc("GET /inscription/{token}", s.events.Registration)
	mux.HandleFunc("POST /inscription/{token}", s.events.SaveRegistration)
	mux.HandleFunc("POST /inscription/{token}/annuler", s.events.CancelRegistration)
	mux.HandleFunc("GET /inscription/{token}/calendrier.ics", s.events.RegistrationICS)

	// Links created: after a held event, attendees keep in touch by mutual consent.
	mux.HandleFunc("GET /inscription/{token}/liens", s.connections.ConnectionsPage)
	mux.HandleFunc("POST /inscription/{token}/liens", s.connections.SaveConnections)

	// Communautés de partage: public ones listed; a private one is seen by
	// its members and staff only; joining by an invitation link.
	mux.HandleFunc("GET /communautes", s.communities.Communities)
	mux.HandleFunc("GET /communautes/{slug}", s.communities.Community)
	mux.HandleFunc("POST /communautes/{slug}/demande", s.communities.AskToJoin)
	mux.HandleFunc("POST /communautes/{slug}/partage", s.communities.SaveSharing)
	mux.HandleFunc("POST /communautes/{slug}/messages", s.communities.AddPost)
	mux.HandleFunc("POST /communautes/{slug}/messages/{id}/retirer", s.communities.RemovePost)
	mux.HandleFunc("POST /communautes/{slug}/ressources", s.communities.AddResource)
	mux.HandleFunc("GET /communautes/{slug}/ressources/{id}", s.communities.ResourceFile)
	mux.HandleFunc("POST /communautes/{slug}/ressources/{id}/retirer", s.communities.RemoveResource)
	mux.HandleFunc("GET /communautes/{slug}/quitter", s.communities.LeaveForm)
	mux.HandleFunc("POST /communautes/{slug}/quitter", s.communities.Leave)
	mux.HandleFunc("GET /rejoindre/{token}", s.communities.CommunityJoinLanding)
	mux.HandleFunc("POST /rejoindre/{token}", s.communities.JoinCommunity)

	// Needs and ideas: public list, support, proposals (moderated).
	mux.HandleFunc("GET /idees", s.ideas.Ideas)
	mux.HandleFunc("GET /idees/proposer", s.ideas.ProposeForm)
	mux.HandleFunc("POST /idees/proposer", s.ideas.Propose)
	mux.HandleFunc("GET /idees/{id}", s.ideas.Idea)
	mux.HandleFunc("GET /idees/{id}/partage.png", s.ideas.IdeaCard)
	mux.HandleFunc("POST /idees/{id}/appui", s.ideas.Support)
	mux.HandleFunc("GET /appui/{token}", s.ideas.SupportLanding)
	mux.HandleFunc("POST /appui/{token}", s.ideas.ConfirmSupport)

	// Citizen initiatives: public list and pages, « Je veux participer »
	// without an account, the participant's private link.
	mux.HandleFunc("GET /initiatives", s.initiatives.Initiatives)
	mux.HandleFunc("GET /initiatives/{slug}", s.initiatives.Initiative)
	mux.HandleFunc("GET /initiatives/{slug}/partage/image.png", s.initiatives.InitiativeCard)
	mux.HandleFunc("POST /initiatives/{slug}", s.initiatives.Join)
	mux.HandleFunc("GET /initiatives/participer/{token}", s.initiatives.Participation)
	mux.HandleFunc("POST /initiatives/participer/{token}", s.initiatives.ConfirmParticipation)
	mux.HandleFunc("GET /initiatives/participer/{token}/quitter", s.initiatives.Participation)
	mux.HandleFunc("POST /initiatives/participer/{token}/quitter", s.initiatives.LeaveInitiative)

	// Signing in and out.
	mux.HandleFunc("GET /connexion", s.account.SignInForm)
	mux.HandleFunc("POST /connexion/lien", s.account.RequestMagicLink)
	mux.HandleFunc("GET /connexion/courriel-envoye", s.account.MagicLinkSent)
	mux.HandleFunc("GET /connexion/lien", s.account.MagicLinkLanding)
	mux.HandleFunc("POST /connexion/lien/utiliser", s.account.UseMagicLink)
	mux.HandleFunc("POST /connexion/mot-de-passe", s.account.SignInPassword)
	mux.HandleFunc("POST /deconnexion", s.account.SignOut)

	// One's own account.
	mux.HandleFunc("GET /compte", s.account.Account)
	mux.HandleFunc("POST /compte", s.account.SaveAccount)
	mux.HandleFunc("POST /compte/mot-de-passe", s.account.SavePassword)
	mux.HandleFunc("POST /compte/formations/lien", s.account.SendTrainingLink)

	// Staff area.
	mux.HandleFunc("GET /admin", s.staff.AdminHome)
	mux.HandleFunc("GET /admin/utilisateurs", s.staff.AdminUsers)
	mux.HandleFunc("POST /admin/utilisateurs", s.staff.AdminAddUser)
	mux.HandleFunc("GET /admin/utilisateurs/{id}", s.staff.AdminUser)
	mux.HandleFunc("POST /admin/utilisateurs/{id}/roles", s.staff.AdminSaveRoles)
	mux.HandleFunc("POST /admin/utilisateurs/{id}/statut", s.staff.AdminSetDisabled)
	mux.HandleFunc("GET /admin/territoire", s.staff.AdminSettings)
	mux.HandleFunc("POST /admin/territoire", s.staff.AdminSaveSettings)
	mux.HandleFunc("GET /admin/courriels", s.staff.AdminOutbox)
	mux.HandleFunc("GET /admin/courriels/{id}", s.staff.AdminOutboxItem)

	// Staff: events, registrations, check-in at the door, closing.
	mux.HandleFunc("GET /admin/evenements", s.events.AdminEvents)
	mux.HandleFunc("GET /admin/evenements/nouveau", s.events.AdminNewEvent)
	mux.HandleFunc("POST /admin/evenements", s.events.AdminCreateEvent)
	mux.HandleFunc("GET /admin/evenements/{id}", s.events.AdminEvent)
	mux.HandleFunc("GET /admin/evenements/{id}/modifier", s.events.AdminEditEvent)
	mux.HandleFunc("POST /admin/evenements/{id}", s.events.AdminUpdateEvent)
	mux.HandleFunc("POST /admin/evenements/{id}/publier", s.events.AdminPublishEvent)
	mux.HandleFunc("POST /admin/evenements/{id}/retirer", s.events.AdminUnpublishEvent)
	mux.HandleFunc("POST /admin/evenements/{id}/annuler", s.events.AdminCancelEvent)
	mux.HandleFunc("POST /admin/evenements/{id}/dupliquer", s.events.AdminDuplicateEvent)
	mux.HandleFunc("POST /admin/evenements/{id}/inscriptions", s.events.AdminAddRegistration)
	mux.HandleFunc("POST /admin/evenements/{id}/inscriptions/{reg}/statut", s.events.AdminMoveRegistration)
	mux.HandleFunc("POST /admin/evenements/{id}/inscriptions/{reg}/annuler", s.events.AdminWithdrawRegistration)
	mux.HandleFunc("GET /admin/evenements/{id}/inscriptions.csv", s.events.AdminExportCSV)
	mux.HandleFunc("GET /admin/evenements/{id}/inscriptions.xlsx", s.events.AdminExportXLSX)
	mux.HandleFunc("GET /admin/evenements/{id}/feuille-de-presence.pdf", s.events.AdminAttendancePDF)
	mux.HandleFunc("GET /admin/evenements/{id}/cocardes.pdf", s.events.AdminNameTagsPDF)
	mux.HandleFunc("GET /admin/evenements/{id}/accueil", s.events.AdminCheckIn)
	mux.HandleFunc("POST /admin/evenements/{id}/accueil/{reg}", s.events.AdminToggleCheckIn)
	mux.HandleFunc("POST /admin/evenements/{id}/accueil", s.events.AdminWalkIn)
	mux.HandleFunc("GET /admin/evenements/{id}/cloture", s.events.AdminCloseForm)
	mux.HandleFunc("POST /admin/evenements/{id}/cloture", s.events.AdminCloseEvent)
	mux.HandleFunc("POST /admin/territoire/inscriptions", s.staff.AdminSaveEventSettings) // on the territory's settings page

	// Staff: communautés de partage, their members, invitations, ideas and meetings.
	mux.HandleFunc("GET /admin/communautes", s.communities.AdminCommunities)
	mux.HandleFunc("GET /admin/communautes/nouvelle", s.communities.AdminNewCommunity)
	mux.HandleFunc("POST /admin/communautes", s.communities.AdminCreateCommunity)
	mux.HandleFunc("GET /admin/communautes/{id}", s.communities.AdminCommunity)
	mux.HandleFunc("GET /admin/communautes/{id}/modifier", s.communities.AdminEditCommunity)
	mux.HandleFunc("POST /admin/communautes/{id}", s.communities.AdminUpdateCommunity)
	mux.HandleFunc("POST /admin/communautes/{id}/fermeture", s.communities.AdminCloseCommunity)
	mux.HandleFunc("POST /admin/communautes/{id}/invitations", s.communities.AdminInvite)
	mux.HandleFunc("POST /admin/communautes/{id}/invitations/{inv}/annuler", s.communities.AdminRevokeInvitation)
	mux.HandleFunc("POST /admin/communautes/{id}/membres", s.communities.AdminAddPersonMet)
	mux.HandleFunc("POST /admin/communautes/{id}/membres/{member}/retirer", s.communities.AdminRemoveMember)
	mux.HandleFunc("POST /admin/communautes/{id}/idees", s.communities.AdminCarryIdea)
	mux.HandleFunc("POST /admin/communautes/{id}/idees/{idea}/retirer", s.communities.AdminDropIdea)
	mux.HandleFunc("POST /admin/communautes/{id}/rencontres", s.communities.AdminAddMeeting)
	mux.HandleFunc("POST /admin/communautes/{id}/rencontres/{event}/retirer", s.communities.AdminRemoveMeeting)

	// Staff: needs and ideas, moderation, themes.
	mux.HandleFunc("GET /admin/idees", s.ideas.AdminIdeas)
	mux.HandleFunc("GET /admin/idees/nouvelle", s.ideas.AdminNewIdea)
	mux.HandleFunc("POST /admin/idees", s.ideas.AdminRecordIdea)
	mux.HandleFunc("GET /admin/idees/themes", s.ideas.AdminThemes)
	mux.HandleFunc("POST /admin/idees/themes", s.ideas.AdminAddTheme)
	mux.HandleFunc("POST /admin/idees/themes/{id}/archiver", s.ideas.AdminArchiveTheme)
	mux.HandleFunc("GET /admin/idees/{id}", s.ideas.AdminIdea)
	mux.HandleFunc("POST /admin/idees/{id}/statut", s.ideas.AdminIdeaStatus)
	mux.HandleFunc("POST /admin/idees/{id}/moderation", s.ideas.AdminModerateIdea)

	// Staff: citizen initiatives, their milestones, help wanted, actors and people.
	mux.HandleFunc("GET /admin/initiatives", s.initiatives.AdminInitiatives)
	mux.HandleFunc("GET /admin/initiatives/nouvelle", s.initiatives.AdminNewInitiative)
	mux.HandleFunc("POST /admin/initiatives", s.initiatives.AdminCreateInitiative)
	mux.HandleFunc("GET /admin/initiatives/{id}", s.initiatives.AdminInitiative)
	mux.HandleFunc("GET /admin/initiatives/{id}/modifier", s.initiatives.AdminEditInitiative)
	mux.HandleFunc("POST /admin/initiatives/{id}", s.initiatives.AdminUpdateInitiative)
	mux.HandleFunc("POST /admin/initiatives/{id}/publier", s.initiatives.AdminPublishInitiative)
	mux.HandleFunc("POST /admin/initiatives/{id}/retirer", s.initiatives.AdminUnpublishInitiative)
	mux.HandleFunc("POST /admin/initiatives/{id}/statut", s.initiatives.AdminInitiativeStatus)
	mux.HandleFunc("POST /admin/initiatives/{id}/bilan", s.initiatives.AdminInitiativeOutcome)
	mux.HandleFunc("POST /admin/initiatives/{id}/etapes", s.initiatives.AdminAddMilestone)
	mux.HandleFunc("POST /admin/initiatives/{id}/etapes/{mid}/fait", s.initiatives.AdminMilestoneDone)
	mux.HandleFunc("POST /admin/initiatives/{id}/etapes/{mid}/retirer", s.initiatives.AdminRemoveMilestone)
	mux.HandleFunc("POST /admin/initiatives/{id}/coups-de-main", s.initiatives.AdminAddHelp)
	mux.HandleFunc("POST /admin/initiatives/{id}/coups-de-main/{nid}/comble", s.initiatives.AdminHelpFilled)
	mux.HandleFunc("POST /admin/initiatives/{id}/acteurs", s.initiatives.AdminAddActor)
	mux.HandleFunc("GET /admin/initiatives/{id}/acteurs/{aid}", s.initiatives.AdminEditActor)
	mux.HandleFunc("POST /admin/initiatives/{id}/acteurs/{aid}", s.initiatives.AdminUpdateActor)
	mux.HandleFunc("POST /admin/initiatives/{id}/acteurs/{aid}/retirer", s.initiatives.AdminRemoveActor)
	mux.HandleFunc("POST /admin/initiatives/{id}/personnes", s.initiatives.AdminAddPerson)
	mux.HandleFunc("POST /admin/initiatives/{id}/personnes/{pid}/retirer", s.initiatives.AdminRemovePerson)

	// Staff: links created between citizens (paper forms, the indicator).
	mux.HandleFunc("GET /admin/evenements/{id}/liens", s.connections.AdminConnections)
	mux.HandleFunc("POST /admin/evenements/{id}/liens", s.connections.AdminSaveConnections)
	mux.HandleFunc("GET /admin/liens", s.connections.AdminLinks)

	// Organisations: the public directory and each organisation's page.
	mux.HandleFunc("GET /organismes", s.orgs.OrgDirectory)
	mux.HandleFunc("GET /organismes/{slug}", s.orgs.OrgPublicPage)

	// Organisations kept up to date, by staff (/admin/organismes) and by an
	// organisation's managers (/mes-organismes): the same pages, the policy
	// deciding who may edit which organisation.
	mux.HandleFunc("GET /mes-organismes", s.orgs.MyOrgs)
	for _, root := range []string{"/admin/organismes", "/mes-organismes"} {
		mux.HandleFunc("GET "+root+"/{id}", s.orgs.OrgPage)
		mux.HandleFunc("GET "+root+"/{id}/modifier", s.orgs.EditOrg)
		mux.HandleFunc("POST "+root+"/{id}", s.orgs.UpdateOrg)
		mux.HandleFunc("POST "+root+"/{id}/postes", s.orgs.AddSeat)
		mux.HandleFunc("GET "+root+"/{id}/postes/{seat}", s.orgs.EditSeat)
		mux.HandleFunc("POST "+root+"/{id}/postes/{seat}", s.orgs.UpdateSeat)
		mux.HandleFunc("GET "+root+"/{id}/postes/{seat}/retirer", s.orgs.ConfirmDeleteSeat)
		mux.HandleFunc("POST "+root+"/{id}/postes/{seat}/retirer", s.orgs.DeleteSeat)
		mux.HandleFunc("POST "+root+"/{id}/politiques", s.orgs.RecordPolicy)
		mux.HandleFunc("GET "+root+"/{id}/politiques/{policy}/document", s.orgs.PolicyDocument)
		mux.HandleFunc("GET "+root+"/{id}/politiques/{policy}/retirer", s.orgs.ConfirmRemovePolicy)
		mux.HandleFunc("POST "+root+"/{id}/politiques/{policy}/retirer", s.orgs.RemovePolicy)
	}

	// Staff: organisations, their managers and co-organised events, the
	// people who hold seats, the relève radar, accompaniment, policies, import.
	mux.HandleFunc("GET /admin/organismes", s.orgs.AdminOrgs)
	mux.HandleFunc("GET /admin/organismes/nouveau", s.orgs.AdminNewOrg)
	mux.HandleFunc("POST /admin/organismes", s.orgs.AdminCreateOrg)
	mux.HandleFunc("POST /admin/organismes/{id}/responsables", s.orgs.AddManager)
	mux.HandleFunc("GET /admin/organismes/{id}/responsables/{user}/retirer", s.orgs.ConfirmRemoveManager)
	mux.HandleFunc("POST /admin/organismes/{id}/responsables/{user}/retirer", s.orgs.RemoveManager)
	mux.HandleFunc("POST /admin/organismes/{id}/evenements", s.orgs.LinkEvent)
	mux.HandleFunc("POST /admin/organismes/{id}/evenements/{event}/retirer", s.orgs.UnlinkEvent)
	mux.HandleFunc("GET /admin/personnes", s.orgs.AdminPeople)
	mux.HandleFunc("GET /admin/personnes/{id}", s.orgs.AdminPerson)
	mux.HandleFunc("POST /admin/personnes/{id}", s.orgs.AdminSavePerson)
	mux.HandleFunc("GET /admin/personnes/{id}/relier/{other}", s.orgs.ConfirmLinkPeople)
	mux.HandleFunc("POST /admin/personnes/{id}/relier/{other}", s.orgs.LinkPeople)
	mux.HandleFunc("POST /admin/personnes/{id}/detacher", s.orgs.UnlinkPerson)
	mux.HandleFunc("GET /admin/releve", s.orgs.AdminRadar)
	mux.HandleFunc("POST /admin/releve/reglages", s.orgs.AdminRadarSettings)
	mux.HandleFunc("GET /admin/accompagnement", s.orgs.AdminAccompaniment)
	mux.HandleFunc("POST /admin/accompagnement", s.orgs.AdminLogAccompaniment)
	mux.HandleFunc("POST /admin/accompagnement/{id}/suivi", s.orgs.AdminFollowUpDone)
	mux.HandleFunc("GET /admin/politiques", s.orgs.AdminPolicies)
	mux.HandleFunc("GET /admin/organismes/modele.csv", s.orgs.AdminImportModel)
	mux.HandleFunc("GET /admin/importer-organismes", s.orgs.AdminImportForm)
	mux.HandleFunc("POST /admin/importer-organismes", s.orgs.AdminImportUpload)
	mux.HandleFunc("GET /admin/importer-organismes/{id}", s.orgs.AdminImportPreview)
	mux.HandleFunc("POST /admin/importer-organismes/{id}/confirmer", s.orgs.AdminImportConfirm)
	mux.HandleFunc("GET /admin/importer-organismes/{id}/lignes-a-corriger.csv", s.orgs.AdminImportProblems)

	// Volunteering: find an opportunity near home (quick match or profile),
	// apply, follow one's applications and hours, certificates.
	mux.HandleFunc("GET /s-impliquer", s.volunteering.VolunteerHome)
	mux.HandleFunc("GET /s-impliquer/jebenevole", s.volunteering.VolunteerJebenevoleHome)
	mux.HandleFunc("GET /s-impliquer/offres/{slug}", s.volunteering.VolunteerOpportunity)
	mux.HandleFunc("GET /s-impliquer/offres/{slug}/partage.png", s.volunteering.VolunteerOpportunityCard)
	mux.HandleFunc("POST /s-impliquer/offres/{slug}/interet", s.volunteering.VolunteerApply)
	mux.HandleFunc("GET /s-impliquer/offres/{slug}/jebenevole", s.volunteering.VolunteerJebenevole)
	mux.HandleFunc("GET /s-impliquer/confirmer", s.volunteering.VolunteerConfirmLanding)
	mux.HandleFunc("POST /s-impliquer/confirmer", s.volunteering.VolunteerConfirm)
	mux.HandleFunc("GET /s-impliquer/profil", s.volunteering.VolunteerProfile)
	mux.HandleFunc("POST /s-impliquer/profil", s.volunteering.VolunteerSaveProfile)
	mux.HandleFunc("POST /s-impliquer/profil/lien", s.volunteering.VolunteerProfileLink)
	mux.HandleFunc("POST /s-impliquer/profil/supprimer", s.volunteering.VolunteerDeleteProfile)
	mux.HandleFunc("GET /s-impliquer/mon-benevolat", s.volunteering.VolunteerMine)
	mux.HandleFunc("POST /s-impliquer/candidatures/{id}/confirmer", s.volunteering.VolunteerConfirmMine)
	mux.HandleFunc("POST /s-impliquer/candidatures/{id}/retirer", s.volunteering.VolunteerWithdraw)
	mux.HandleFunc("GET /s-impliquer/heures/declarer", s.volunteering.VolunteerHoursForm)
	mux.HandleFunc("POST /s-impliquer/heures", s.volunteering.VolunteerDeclareHours)
	mux.HandleFunc("POST /s-impliquer/heures/{id}/retirer", s.volunteering.VolunteerWithdrawHours)
	mux.HandleFunc("GET /s-impliquer/attestation.pdf", s.volunteering.VolunteerCertificate)
	mux.HandleFunc("GET /s-impliquer/attestation-scolaire.pdf", s.volunteering.VolunteerAttestation)
	mux.HandleFunc("GET /s-impliquer/verification", s.volunteering.VolunteerVerify)
	mux.HandleFunc("GET /s-impliquer/desabonnement/{token}", s.volunteering.VolunteerUnsubscribeLanding)
	mux.HandleFunc("POST /s-impliquer/desabonnement/{token}", s.volunteering.VolunteerUnsubscribe)

	// Volunteering for organisations (their managers, and staff): post
	// opportunities, answer applicants, confirm hours.
	mux.HandleFunc("GET /s-impliquer/gestion", s.volunteering.VolunteerManage)
	mux.HandleFunc("GET /s-impliquer/gestion/nouvelle", s.volunteering.VolunteerNewOpp)
	mux.HandleFunc("POST /s-impliquer/gestion/offres", s.volunteering.VolunteerCreateOpp)
	mux.HandleFunc("GET /s-impliquer/gestion/offres/{id}", s.volunteering.VolunteerApplicants)
	mux.HandleFunc("GET /s-impliquer/gestion/offres/{id}/modifier", s.volunteering.VolunteerEditOpp)
	mux.HandleFunc("POST /s-impliquer/gestion/offres/{id}", s.volunteering.VolunteerUpdateOpp)
	mux.HandleFunc("POST /s-impliquer/gestion/offres/{id}/statut", s.volunteering.VolunteerOppStatus)
	mux.HandleFunc("POST /s-impliquer/gestion/candidatures/{id}", s.volunteering.VolunteerRespond)
	mux.HandleFunc("GET /s-impliquer/gestion/heures", s.volunteering.VolunteerReview)
	mux.HandleFunc("POST /s-impliquer/gestion/heures/{id}", s.volunteering.VolunteerReviewHours)

	// Staff: supply and demand, recognition, businesses, the hour's value.
	mux.HandleFunc("GET /admin/benevolat", s.volunteering.AdminVolunteering)
	mux.HandleFunc("GET /admin/benevolat/reconnaissance", s.volunteering.AdminRecognition)
	mux.HandleFunc("GET /admin/benevolat/entreprises", s.volunteering.AdminBusinesses)
	mux.HandleFunc("GET /admin/benevolat/parametres", s.volunteering.AdminVolunteerSettings)
	mux.HandleFunc("POST /admin/benevolat/parametres", s.volunteering.AdminSaveVolunteerSettings)

	// Tracked short links (jebénévole.ca and other outside pages).
	mux.HandleFunc("GET /l/{code}", s.volunteering.TrackedLink)
	mux.HandleFunc("GET /admin/liens-suivis", s.volunteering.AdminTrackedLinks)
	mux.HandleFunc("POST /admin/liens-suivis", s.volunteering.AdminCreateTrackedLink)
	mux.HandleFunc("POST /admin/liens-suivis/{id}/archiver", s.volunteering.AdminArchiveTrackedLink)

	// Surveys: the open questionnaires, answered on their public page or
	// through a private link; printable form and poster; the staff's
	// questionnaires, waves, paper entry, typed answers, results, exports.
	mux.HandleFunc("GET /sondages", s.surveys.Surveys)
	mux.HandleFunc("GET /sondages/{id}", s.surveys.Answer)
	mux.HandleFunc("POST /sondages/{id}", s.surveys.SaveAnswer)
	mux.HandleFunc("GET /sondages/{id}/merci", s.surveys.Thanks)
	mux.HandleFunc("GET /sondages/{id}/questionnaire.pdf", s.surveys.PaperForm)
	mux.HandleFunc("GET /sondages/{id}/affiche.pdf", s.surveys.Poster)
	mux.HandleFunc("GET /questionnaire/{token}", s.surveys.LinkAnswer)
	mux.HandleFunc("POST /questionnaire/{token}", s.surveys.SaveLinkAnswer)
	mux.HandleFunc("GET /admin/sondages", s.surveys.AdminSurveys)
	mux.HandleFunc("POST /admin/sondages", s.surveys.CreateSurvey)
	mux.HandleFunc("POST /admin/sondages/instruments", s.surveys.LoadInstrument)
	mux.HandleFunc("GET /admin/sondages/{id}", s.surveys.AdminSurvey)
	mux.HandleFunc("POST /admin/sondages/{id}/reglages", s.surveys.SaveMeta)
	mux.HandleFunc("POST /admin/sondages/{id}/introduction", s.surveys.SaveIntro)
	mux.HandleFunc("POST /admin/sondages/{id}/publier", s.surveys.Publish)
	mux.HandleFunc("POST /admin/sondages/{id}/abandonner", s.surveys.Discard)
	mux.HandleFunc("POST /admin/sondages/{id}/copier", s.surveys.Copy)
	mux.HandleFunc("POST /admin/sondages/{id}/sections", s.surveys.SaveSection)
	mux.HandleFunc("POST /admin/sondages/{id}/sections/retirer", s.surveys.RemoveSection)
	mux.HandleFunc("GET /admin/sondages/{id}/questions/nouvelle", s.surveys.QuestionForm)
	mux.HandleFunc("POST /admin/sondages/{id}/questions/nouvelle", s.surveys.SaveQuestion)
	mux.HandleFunc("GET /admin/sondages/{id}/questions/{code}", s.surveys.QuestionForm)
	mux.HandleFunc("POST /admin/sondages/{id}/questions/{code}", s.surveys.SaveQuestion)
	mux.HandleFunc("POST /admin/sondages/{id}/questions/{code}/deplacer", s.surveys.MoveQuestion)
	mux.HandleFunc("POST /admin/sondages/{id}/questions/{code}/retirer", s.surveys.RemoveQuestion)
	mux.HandleFunc("POST /admin/sondages/{id}/vagues", s.surveys.CreateWave)
	mux.HandleFunc("GET /admin/vagues/{id}", s.surveys.AdminWave)
	mux.HandleFunc("POST /admin/vagues/{id}/fermer", s.surveys.CloseWave)
	mux.HandleFunc("POST /admin/vagues/{id}/liens", s.surveys.CreateLink)
	mux.HandleFunc("POST /admin/vagues/{id}/inviter", s.surveys.Invite)
	mux.HandleFunc("GET /admin/vagues/{id}/papier", s.surveys.PaperEntry)
	mux.HandleFunc("POST /admin/vagues/{id}/papier", s.surveys.SavePaper)
	mux.HandleFunc("POST /admin/vagues/{id}/papier/{response}/retirer", s.surveys.RemovePaper)
	mux.HandleFunc("GET /admin/vagues/{id}/textes", s.surveys.Texts)
	mux.HandleFunc("POST /admin/vagues/{id}/textes/{answer}", s.surveys.Moderate)
	mux.HandleFunc("GET /admin/vagues/{id}/resultats", s.surveys.Results)
	mux.HandleFunc("GET /admin/vagues/{id}/export.csv", s.surveys.ExportCSV)
	mux.HandleFunc("GET /admin/vagues/{id}/export.xlsx", s.surveys.ExportXLSX)
	// The portrait of involvement and needs: public (small numbers hidden)
	// and internal (exact), for the territory or a place (?lieu=), on a
	// page and in print.
	mux.HandleFunc("GET /portrait", s.portrait.Public)
	mux.HandleFunc("GET /portrait.pdf", s.portrait.PublicPDF)
	mux.HandleFunc("GET /admin/portrait", s.portrait.Internal)
	mux.HandleFunc("GET /admin/portrait.pdf", s.portrait.InternalPDF)

	// The impact of the program: the public page, the partners' dashboard,
	// the staff's logic model and the reports for funders.
	mux.HandleFunc("GET /impact", s.impact.Public)
	mux.HandleFunc("GET /partenaires", s.impact.Partners)
	mux.HandleFunc("GET /admin/impact", s.impact.Admin)
	mux.HandleFunc("POST /admin/impact/modele", s.impact.SaveModel)
	mux.HandleFunc("POST /admin/impact/actualiser", s.impact.Refresh)
	mux.HandleFunc("POST /admin/impact/effets", s.impact.AddEffect)
	mux.HandleFunc("POST /admin/impact/indicateurs", s.impact.AddIndicator)
	mux.HandleFunc("GET /admin/impact/indicateurs/{id}", s.impact.Indicator)
	mux.HandleFunc("POST /admin/impact/indicateurs/{id}", s.impact.SaveIndicator)
	mux.HandleFunc("POST /admin/impact/indicateurs/{id}/valeurs", s.impact.EnterValue)
	mux.HandleFunc("POST /admin/impact/indicateurs/{id}/recalculer", s.impact.Recompute)
	mux.HandleFunc("POST /admin/impact/indicateurs/{id}/archiver", s.impact.Archive)
	mux.HandleFunc("POST /admin/impact/etapes", s.impact.SaveMilestone)
	mux.HandleFunc("POST /admin/impact/etapes/{id}/retirer", s.impact.RemoveMilestone)
	mux.HandleFunc("POST /admin/impact/faits", s.impact.AddStory)
	mux.HandleFunc("POST /admin/impact/faits/{id}/retirer", s.impact.RemoveStory)
	mux.HandleFunc("GET /admin/rapports", s.impact.Reports)
	mux.HandleFunc("POST /admin/rapports", s.impact.CreateReport)
	mux.HandleFunc("GET /admin/rapports/{id}", s.impact.Report)
	mux.HandleFunc("GET /admin/rapports/{id}/rapport.pdf", s.impact.ReportPDF)
	mux.HandleFunc("GET /admin/rapports/{id}/rapport.xlsx", s.impact.ReportXLSX)
	// The search for funding: applications, decisions, reports owed to
	// funders, documents (administrators only).
	mux.HandleFunc("GET /admin/financement", s.funding.Applications)
	mux.HandleFunc("POST /admin/financement", s.funding.Create)
	mux.HandleFunc("GET /admin/financement/{id}", s.funding.Application)
	mux.HandleFunc("POST /admin/financement/{id}", s.funding.Update)
	mux.HandleFunc("POST /admin/financement/{id}/statut", s.funding.SetStatus)
	mux.HandleFunc("POST /admin/financement/{id}/rapports", s.funding.AddReport)
	mux.HandleFunc("POST /admin/financement/{id}/rapports/{report}/remis", s.funding.SubmitReport)
	mux.HandleFunc("POST /admin/financement/{id}/rapports/{report}/retirer", s.funding.RemoveReport)
	mux.HandleFunc("POST /admin/financement/{id}/documents", s.funding.AddDocument)
	mux.HandleFunc("GET /admin/financement/{id}/documents/{doc}", s.funding.DocumentFile)
	mux.HandleFunc("POST /admin/financement/{id}/documents/{doc}/retirer", s.funding.RemoveDocument)
	// The partners' committee: the partners' space (members, meetings,
	// published minutes, follow-ups, documents), and the staff's pages.
	mux.HandleFunc("GET /partenaires/comite", s.committee.Space)
	mux.HandleFunc("GET /partenaires/comite/rencontres/{id}", s.committee.Meeting)
	mux.HandleFunc("GET /partenaires/comite/documents/{id}", s.committee.Document)
	mux.HandleFunc("GET /admin/comite", s.committee.Admin)
	mux.HandleFunc("POST /admin/comite/membres", s.committee.AddMember)
	mux.HandleFunc("GET /admin/comite/membres/{id}", s.committee.MemberForm)
	mux.HandleFunc("POST /admin/comite/membres/{id}", s.committee.SaveMember)
	mux.HandleFunc("POST /admin/comite/membres/{id}/depart", s.committee.MemberLeft)
	mux.HandleFunc("POST /admin/comite/rencontres", s.committee.CreateMeeting)
	mux.HandleFunc("GET /admin/comite/rencontres/{id}", s.committee.AdminMeeting)
	mux.HandleFunc("POST /admin/comite/rencontres/{id}/notes", s.committee.SaveNotes)
	mux.HandleFunc("POST /admin/comite/rencontres/{id}/publier", s.committee.PublishMinutes)
	mux.HandleFunc("POST /admin/comite/rencontres/{id}/points", s.committee.AddItem)
	mux.HandleFunc("POST /admin/comite/rencontres/{id}/points/{item}/fait", s.committee.CompleteItem)
	mux.HandleFunc("POST /admin/comite/rencontres/{id}/points/{item}/retirer", s.committee.RemoveItem)
	mux.HandleFunc("POST /admin/comite/documents", s.committee.AddDocument)
	mux.HandleFunc("POST /admin/comite/documents/{id}/retirer", s.committee.RemoveDocument)
	// The trainings, for staff: programs, cohorts, their sessions and
	// learners, the attendance grid and its exports, the certificates.
	mux.HandleFunc("GET /admin/formations", s.training.Admin)
	mux.HandleFunc("GET /admin/formations/programmes/nouveau", s.training.NewProgram)
	mux.HandleFunc("POST /admin/formations/programmes", s.training.CreateProgram)
	mux.HandleFunc("GET /admin/formations/programmes/{id}", s.training.Program)
	mux.HandleFunc("POST /admin/formations/programmes/{id}", s.training.SaveProgram)
	mux.HandleFunc("POST /admin/formations/programmes/{id}/archiver", s.training.ArchiveProgram)
	mux.HandleFunc("GET /admin/formations/cohortes/nouveau", s.training.NewCohort)
	mux.HandleFunc("POST /admin/formations/cohortes", s.training.CreateCohort)
	mux.HandleFunc("GET /admin/formations/cohortes/{id}", s.training.Cohort)
	mux.HandleFunc("POST /admin/formations/cohortes/{id}", s.training.SaveCohort)
	mux.HandleFunc("POST /admin/formations/cohortes/{id}/etat", s.training.SetStatus)
	mux.HandleFunc("POST /admin/formations/cohortes/{id}/seances", s.training.AddSession)
	mux.HandleFunc("POST /admin/formations/cohortes/{id}/inscriptions", s.training.AdminEnrol)
	mux.HandleFunc("GET /admin/formations/cohortes/{id}/inscriptions/{e}/retirer", s.training.WithdrawForm)
	mux.HandleFunc("POST /admin/formations/cohortes/{id}/inscriptions/{e}/retirer", s.training.AdminWithdraw)
	mux.HandleFunc("POST /admin/formations/cohortes/{id}/inscriptions/{e}/projet", s.training.Project)
	mux.HandleFunc("POST /admin/formations/cohortes/{id}/inscriptions/{e}/decision", s.training.Decide)
	mux.HandleFunc("GET /admin/formations/cohortes/{id}/inscriptions/{e}/attestation.pdf", s.training.Certificate)
	mux.HandleFunc("POST /admin/formations/cohortes/{id}/evaluations", s.training.SendEvaluation)
	mux.HandleFunc("GET /admin/formations/cohortes/{id}/presences", s.training.Grid)
	mux.HandleFunc("GET /admin/formations/cohortes/{id}/presences.csv", s.training.GridCSV)
	mux.HandleFunc("GET /admin/formations/cohortes/{id}/presences.xlsx", s.training.GridXLSX)
	mux.HandleFunc("GET /admin/formations/cohortes/{id}/attestations.pdf", s.training.Certificates)

	// Communications: the area's home.
	mux.HandleFunc("GET /admin/communications", s.comms.Hub)

	// Communications: campaigns and the content calendar.
	mux.HandleFunc("GET /admin/communications/campagnes", s.comms.Campaigns)
	mux.HandleFunc("GET /admin/communications/campagnes/nouvelle", s.comms.NewCampaign)
	mux.HandleFunc("POST /admin/communications/campagnes", s.comms.CreateCampaign)
	mux.HandleFunc("GET /admin/communications/campagnes/{id}", s.comms.Campaign)
	mux.HandleFunc("POST /admin/communications/campagnes/{id}", s.comms.SaveCampaign)
	mux.HandleFunc("POST /admin/communications/campagnes/{id}/archiver", s.comms.ArchiveCampaign)
	mux.HandleFunc("POST /admin/communications/campagnes/{id}/liens", s.comms.CreateCampaignLink)
	mux.HandleFunc("GET /admin/communications/calendrier", s.comms.Calendar)
	mux.HandleFunc("POST /admin/communications/calendrier/flux", s.comms.RenewFeed)
	mux.HandleFunc("GET /admin/communications/calendrier/nouveau", s.comms.NewItem)
	mux.HandleFunc("POST /admin/communications/calendrier/elements", s.comms.CreateItem)
	mux.HandleFunc("GET /admin/communications/calendrier/elements/{id}", s.comms.Item)
	mux.HandleFunc("POST /admin/communications/calendrier/elements/{id}", s.comms.SaveItem)
	mux.HandleFunc("POST /admin/communications/calendrier/elements/{id}/statut", s.comms.ItemStatus)
	mux.HandleFunc("POST /admin/communications/calendrier/elements/{id}/supprimer", s.comms.DeleteItem)
	mux.HandleFunc("GET /admin/communications/calendrier/elements/{id}/image", s.comms.ItemImage)
	mux.HandleFunc("GET /communications/flux/{token}/calendrier.ics", s.comms.Feed)

	// Communications: stories (staff and public) and share cards.
	mux.HandleFunc("GET /admin/communications/recits", s.comms.Stories)
	mux.HandleFunc("GET /admin/communications/recits/nouveau", s.comms.NewStory)
	mux.HandleFunc("POST /admin/communications/recits", s.comms.CreateStory)
	mux.HandleFunc("GET /admin/communications/recits/{id}", s.comms.Story)
	mux.HandleFunc("POST /admin/communications/recits/{id}", s.comms.SaveStory)
	mux.HandleFunc("GET /admin/communications/recits/{id}/image", s.comms.StoryImage)
	mux.HandleFunc("POST /admin/communications/recits/{id}/publier", s.comms.PublishStory)
	mux.HandleFunc("POST /admin/communications/recits/{id}/retirer-du-site", s.comms.UnpublishStory)
	mux.HandleFunc("POST /admin/communications/recits/{id}/consentements", s.comms.AddConsent)
	mux.HandleFunc("POST /admin/communications/recits/{id}/consentements/{cid}/retrait", s.comms.WithdrawConsent)
	mux.HandleFunc("GET /recits", s.comms.PublicStories)
	mux.HandleFunc("GET /recits/{slug}", s.comms.PublicStory)
	mux.HandleFunc("GET /recits/{slug}/image", s.comms.PublicStoryImage)
	mux.HandleFunc("GET /recits/{slug}/carte.png", s.comms.PublicStoryCard)

	// Communications: posters and flyers.
	mux.HandleFunc("GET /admin/communications/affiches", s.comms.Posters)
	mux.HandleFunc("GET /admin/communications/affiches/pdf", s.comms.PosterPDF)
	mux.HandleFunc("POST /admin/communications/affiches/pdf", s.comms.PosterPDF)

	// Communications: newsletters (staff and public).
	mux.HandleFunc("GET /admin/communications/infolettres", s.comms.Newsletters)
	mux.HandleFunc("GET /admin/communications/infolettres/nouvelle", s.comms.NewNewsletter)
	mux.HandleFunc("POST /admin/communications/infolettres", s.comms.CreateNewsletter)
	mux.HandleFunc("GET /admin/communications/infolettres/{id}", s.comms.Newsletter)
	mux.HandleFunc("POST /admin/communications/infolettres/{id}", s.comms.UpdateNewsletter)
	mux.HandleFunc("POST /admin/communications/infolettres/{id}/essai", s.comms.TestNewsletter)
	mux.HandleFunc("POST /admin/communications/infolettres/{id}/programmer", s.comms.ScheduleNewsletter)
	mux.HandleFunc("POST /admin/communications/infolettres/{id}/annuler", s.comms.UnscheduleNewsletter)
	mux.HandleFunc("POST /admin/communications/infolettres/{id}/envoyer", s.comms.SendNewsletter)
	mux.HandleFunc("GET /admin/communications/listes", s.comms.NewsLists)
	mux.HandleFunc("POST /admin/communications/listes", s.comms.NewsCreateList)
	mux.HandleFunc("GET /admin/communications/listes/{id}", s.comms.NewsList)
	mux.HandleFunc("POST /admin/communications/listes/{id}", s.comms.NewsUpdateList)
	mux.HandleFunc("POST /admin/communications/listes/{id}/archiver", s.comms.NewsArchiveList)
	mux.HandleFunc("POST /admin/communications/listes/{id}/participants", s.comms.NewsAddAttendees)
	mux.HandleFunc("POST /admin/communications/listes/{id}/benevoles", s.comms.NewsAddVolunteers)
	mux.HandleFunc("GET /admin/communications/abonnes/{id}", s.comms.NewsSubscriberProof)
	mux.HandleFunc("GET /infolettre", s.comms.NewsSubscribeForm)
	mux.HandleFunc("POST /infolettre", s.comms.NewsSubscribe)
	mux.HandleFunc("GET /infolettre/confirmation/{token}", s.comms.NewsConfirmForm)
	mux.HandleFunc("POST /infolettre/confirmation/{token}", s.comms.NewsConfirm)
	mux.HandleFunc("GET /infolettre/desabonnement/{token}", s.comms.NewsUnsubscribeForm)
	mux.HandleFunc("POST /infolettre/desabonnement/{token}", s.comms.NewsUnsubscribe)
	mux.HandleFunc("GET /infolettre/archives", s.comms.NewsArchive)
	mux.HandleFunc("GET /infolettre/archives/{slug}", s.comms.NewsArchiveIssue)

	// Trainings, public side: the programs and cohorts, a cohort and its
	// enrolment, « Mes formations » by private link (progress, certificate,
	// withdrawal), the certificates' verification; and the pages where an
	// organisation's managers (and staff) enrol members and follow them.
	mux.HandleFunc("GET /formations", s.training.Catalog)
	mux.HandleFunc("GET /formations/verification", s.training.Verify)
	mux.HandleFunc("GET /formations/{slug}", s.training.CohortPage)
	mux.HandleFunc("POST /formations/{slug}/inscription", s.training.Enrol)
	mux.HandleFunc("GET /formations/mes-formations/{token}", s.training.Mine)
	mux.HandleFunc("GET /formations/mes-formations/{token}/attestation/{enrolment}", s.training.MineCertificate)
	mux.HandleFunc("GET /formations/mes-formations/{token}/retrait/{enrolment}", s.training.ConfirmWithdraw)
	mux.HandleFunc("POST /formations/mes-formations/{token}/retrait/{enrolment}", s.training.Withdraw)
	for _, root := range []string{"/admin/organismes", "/mes-organismes"} {
		mux.HandleFunc("GET "+root+"/{id}/formations", s.training.OrgTrainings)
		mux.HandleFunc("POST "+root+"/{id}/formations", s.training.OrgEnrol)
	}

	// Privacy, the person's side: « Mes données » by a verified e-mail link
	// (or signed in), the archive, consents, corrections, requests, erasure.
	// (privacy: person routes)
	mux.HandleFunc("GET /confidentialite", s.privacy.Policy)
	mux.HandleFunc("GET /mes-donnees", s.privacy.MeStart)
	mux.HandleFunc("POST /mes-donnees", s.privacy.MeSend)
	mux.HandleFunc("GET /mes-donnees/{token}", s.privacy.Me)
	mux.HandleFunc("POST /mes-donnees/{token}/consentements", s.privacy.MeWithdraw)
	mux.HandleFunc("POST /mes-donnees/{token}/corriger", s.privacy.MeCorrect)
	mux.HandleFunc("POST /mes-donnees/{token}/demande", s.privacy.MeAsk)
	mux.HandleFunc("GET /mes-donnees/{token}/donnees.zip", s.privacy.MeArchive)
	mux.HandleFunc("GET /mes-donnees/{token}/suppression", s.privacy.MeEraseForm)
	mux.HandleFunc("POST /mes-donnees/{token}/suppression", s.privacy.MeErase)

	// Privacy, the privacy officer's area: inventory, retention, access log,
	// incidents, requests, a person's data on their behalf.
	// (privacy: staff routes)
	mux.HandleFunc("GET /admin/confidentialite", s.privacy.AdminHome)
	mux.HandleFunc("GET /admin/confidentialite/inventaire", s.privacy.AdminInventory)
	mux.HandleFunc("GET /admin/confidentialite/inventaire.csv", s.privacy.AdminInventoryCSV)
	mux.HandleFunc("GET /admin/confidentialite/conservation", s.privacy.AdminRetention)
	mux.HandleFunc("POST /admin/confidentialite/conservation", s.privacy.AdminSetRule)
	mux.HandleFunc("POST /admin/confidentialite/conservation/appliquer", s.privacy.AdminRunRetention)
	mux.HandleFunc("GET /admin/confidentialite/journal", s.privacy.AdminAccessLog)
	mux.HandleFunc("GET /admin/confidentialite/incidents", s.privacy.AdminIncidents)
	mux.HandleFunc("GET /admin/confidentialite/incidents/nouveau", s.privacy.AdminNewIncident)
	mux.HandleFunc("POST /admin/confidentialite/incidents", s.privacy.AdminCreateIncident)
	mux.HandleFunc("GET /admin/confidentialite/incidents/merci", s.privacy.AdminIncidentThanks)
	mux.HandleFunc("GET /admin/confidentialite/incidents/{id}", s.privacy.AdminIncident)
	mux.HandleFunc("POST /admin/confidentialite/incidents/{id}", s.privacy.AdminSaveIncident)
	mux.HandleFunc("GET /admin/confidentialite/demandes", s.privacy.AdminRequests)
	mux.HandleFunc("POST /admin/confidentialite/demandes/{id}", s.privacy.AdminAnswerRequest)
	mux.HandleFunc("GET /admin/confidentialite/personnes", s.privacy.AdminPersonForm)
	mux.HandleFunc("POST /admin/confidentialite/personnes", s.privacy.AdminPerson)
	mux.HandleFunc("POST /admin/confidentialite/personnes/archive", s.privacy.AdminPersonArchive)
	mux.HandleFunc("POST /admin/confidentialite/personnes/consentement", s.privacy.AdminPersonWithdraw)
	mux.HandleFunc("POST /admin/confidentialite/personnes/correction", s.privacy.AdminPersonCorrect)
	mux.HandleFunc("POST /admin/confidentialite/personnes/suppression", s.privacy.AdminPersonErase)

	// Installation.
	// The installation administrator's page: the territories of the
	// installation, adding one (the same code as `implique territory add`)
	// and changing a territory's host. Nobody else opens it.
	mux.HandleFunc("GET /installation", s.installation.Home)
	mux.HandleFunc("POST /installation/territoires", s.installation.AddTerritory)
	mux.HandleFunc("POST /installation/territoires/{id}/hote", s.installation.SetHost)

	// JSON API.
	mux.HandleFunc("GET /api/v1/places", s.apiPlaces)
	mux.HandleFunc("GET /api/v1/openapi.json", s.apiOpenAPI)
	mux.HandleFunc("GET /api/v1/events", s.events.ApiEvents)
	mux.HandleFunc("POST /api/v1/events/{id}/registrations", s.events.ApiRegister)
	mux.HandleFunc("GET /api/v1/events.ics", s.events.ApiEventsICS)
	mux.HandleFunc("GET /api/v1/places/{slug}/events.ics", s.events.ApiPlaceEventsICS)
	mux.HandleFunc("GET /api/v1/opportunities", s.volunteering.ApiOpportunities)
	mux.HandleFunc("OPTIONS /api/v1/", s.apiPreflight(mux))

	// Anything else is a French (or English) 404 page.
	mux.HandleFunc("/", s.NotFound)

	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(http.HandlerFunc(s.csrfDenied))

	var h http.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mux.ServeHTTP(w, r)
		kit.Info(r).Pattern = r.Pattern // for logs and metrics: the route, never the URL
	})
	h = s.WithReadableInput(mux, h)
	h = newsOneClick(h, csrf.Handler(h))
	h = withAPIAccess(h)
	h = s.withSession(h)
	h = s.withPages(mux, h) // public pages from memory, compression, the pages version
	h = s.withTerritoryAndLanguage(h)
	h = s.withSecurityHeaders(h)
	h = s.withRecover(h)
	h = s.withLogAndMetrics(h)
	return h
}
