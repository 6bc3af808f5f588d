package synthetic

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Every name here is made up by combining common words: any likeness to a
// real person, organisation or place is chance.

var (
	firstNames = []string{"Amélie", "Benoît", "Chantal", "Denis", "Élodie", "François", "Geneviève", "Hugo", "Isabelle", "Jérôme",
		"Karine", "Louis", "Mélanie", "Nathan", "Odette", "Patrice", "Quentin", "Rachel", "Sylvain", "Thérèse", "Ulric", "Valérie",
		"William", "Yvette", "Zoé", "Annie", "Bruno", "Claudette", "Dominique", "Émile", "Francine", "Gabriel", "Hélène", "Jacinthe",
		"Kevin", "Léa", "Martin", "Nadia", "Olivier", "Pascale", "Réal", "Sophie", "Thomas", "Véronique", "Xavier", "Yannick"}
	lastNames = []string{"Arsenault", "Bélanger", "Caron", "Desrosiers", "Fontaine", "Giroux", "Hébert", "Isabel", "Jacques",
		"Laflamme", "Marcoux", "Nolet", "Ouellette", "Paradis", "Quirion", "Rioux", "Savard", "Thibodeau", "Vaillancourt", "Beaulieu",
		"Cloutier", "Dufresne", "Lachance", "Mercier", "Pelletier", "Roy", "Simard", "Tanguay", "Veilleux", "Boucher", "Champagne",
		"Drouin", "Gosselin", "Lavoie", "Morin", "Poirier", "Turcotte", "Bouchard", "Côté", "Dion", "Lapointe", "Nadeau", "Gauthier"}
	// Place names: a saint's or a landscape's name and a feature.
	placeHeads = []string{"Saint-Albéric", "Sainte-Odile", "Saint-Firmin", "Sainte-Brigitte", "Saint-Léandre", "Sainte-Clotilde",
		"Saint-Rosaire", "Sainte-Aurélie", "Saint-Hermas", "Sainte-Hénédine", "Val", "Lac", "Mont", "Rivière", "Pointe", "Anse",
		"Grand-Ruisseau", "Petit-Bois", "Haut-Plateau", "Cap"}
	placeTails = []string{"des Aulnes", "des Érables", "des Cèdres", "des Hérons", "des Outardes", "des Bleuets", "des Castors",
		"du Rocher", "du Ruisseau", "de la Source", "de la Colline", "des Sables", "des Brumes", "des Loutres", "du Moulin",
		"de la Prairie", "des Pins", "du Quai", "des Épinettes", "de la Savane", "des Trembles", "du Portage"}
	orgHeads = []string{"Comité des loisirs", "Cuisine collective", "Club de l’âge d’or", "Maison des jeunes", "Comptoir alimentaire",
		"Société d’histoire", "Corporation de développement", "Association des parents", "Chorale", "Popote roulante",
		"Club de marche", "Jardin communautaire", "Fabrique", "Conseil d’établissement", "Coopérative de solidarité",
		"Table de concertation", "Regroupement des proches aidants", "Bibliothèque", "Festival", "Club de soccer"}
	seatTitles = []string{"Présidence", "Vice-présidence", "Trésorerie", "Secrétariat", "Administration", "Conseiller", "Coordination",
		"Membre", "Direction", "Responsable des bénévoles"}
	eventTitles = map[string][]string{
		"citizen_dinner":    {"Souper citoyen", "Souper des voisins", "Souper de la rentrée"},
		"forum":             {"Forum citoyen", "Forum sur l’avenir du village"},
		"workshop":          {"Atelier de cuisine", "Atelier d’écriture", "Atelier de réparation"},
		"training":          {"Formation des bénévoles", "Formation en secourisme"},
		"community_meeting": {"Rencontre de quartier", "Assemblée du comité"},
		"partners_meeting":  {"Rencontre des partenaires", "Table des partenaires"},
		"other":             {"Corvée de nettoyage", "Fête de quartier", "Marche du dimanche"},
	}
	opportunityTitles = []string{"Accompagnement aux courses", "Aide aux devoirs", "Livraison de repas", "Animation d’un atelier",
		"Accueil à la friperie", "Transport médical", "Appels d’amitié", "Entretien du jardin", "Tenue de kiosque",
		"Aide à la cuisine collective", "Soutien informatique", "Poste au conseil d’administration", "Lecture aux enfants",
		"Tri au comptoir alimentaire", "Comptabilité bénévole"}
)

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// personName is a made-up first and last name.
func personName(r *rand.Rand) string { return pick(r, firstNames) + " " + pick(r, lastNames) }

// placeName is a made-up place name.
func placeName(r *rand.Rand) string {
	return pick(r, placeHeads) + "-" + strings.ReplaceAll(pick(r, placeTails), " ", "-")
}

// phone is a made-up number in a fictional exchange (555).
func phone(r *rand.Rand) string { return fmt.Sprintf("819-555-%04d", r.IntN(10000)) }
