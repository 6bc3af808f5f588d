// Package survey owns the questionnaires, their versions and waves, the
// invitations, and the answers; it computes the results with the
// small-numbers rule and the headline figures the portrait shows.
//
// A questionnaire's questions live in its versions, as a Definition stored
// whole: a published version never changes, an edit makes a new draft, and
// answers name questions and choices by their stable codes, so that the
// answers of two versions or two waves stay comparable.
package survey

import "time"

// Text is one sentence in French and English.
type Text struct {
	FR string `json:"fr"`
	EN string `json:"en,omitempty"`
}

// In is the text in lang, French when there is no English.
func (t Text) In(lang string) string {
	if lang == "en" && t.EN != "" {
		return t.EN
	}
	return t.FR
}

// Question kinds.
const (
	KindSingle   = "single"   // one choice
	KindMultiple = "multiple" // several choices
	KindAgree    = "agree"    // an agreement scale with labelled points
	KindScale10  = "scale10"  // 0 to 10
	KindNumber   = "number"   // a number
	KindShort    = "short"    // a short text
	KindLong     = "long"     // a long text
	KindPlace    = "place"    // a municipality or secteur of the territory
	KindYesNo    = "yesno"    // oui / non
)

// Kinds lists the question kinds in the order the editor offers them.
var Kinds = []string{KindSingle, KindMultiple, KindAgree, KindScale10, KindNumber, KindShort, KindLong, KindPlace, KindYesNo}

// Audiences: whom a questionnaire asks.
const (
	AudienceCitizens      = "citizens"
	AudienceOrganizations = "organizations"
	AudienceAttendees     = "attendees"
)

// Audiences lists them in display order.
var Audiences = []string{AudienceCitizens, AudienceOrganizations, AudienceAttendees}

// Choice is one answer a choice question offers.
type Choice struct {
	Code  string `json:"code"`
	Label Text   `json:"label"`
}

// Condition shows a question only when an earlier one was answered so.
type Condition struct {
	Question string `json:"question"`
	Equals   string `json:"equals"`
}

// Headline marks a question whose answers make a figure of the portrait:
// the share of the respondents who chose one of Codes, or whose number is
// at least AtLeast.
type Headline struct {
	Key     string   `json:"key"`
	Label   Text     `json:"label"`
	Codes   []string `json:"codes,omitempty"`
	AtLeast *float64 `json:"at_least,omitempty"`
}

// Question is one question of a version.
type Question struct {
	Code     string     `json:"code"`
	Kind     string     `json:"kind"`
	Text     Text       `json:"text"`
	Help     Text       `json:"help,omitempty"`
	Required bool       `json:"required,omitempty"`
	Decline  bool       `json:"decline,omitempty"` // offers « Je préfère ne pas répondre »
	Choices  []Choice   `json:"choices,omitempty"`
	Min      *float64   `json:"min,omitempty"`
	Max      *float64   `json:"max,omitempty"`
	ShowIf   *Condition `json:"show_if,omitempty"`
	Headline *Headline  `json:"headline,omitempty"`
}

// Section groups questions under a title.
type Section struct {
	Title     Text       `json:"title"`
	Questions []Question `json:"questions"`
}

// Score adds up the numbers of several questions into one derived answer
// (e.g. the three-item loneliness scale, 3 to 9); it is stored and counted
// like a number question with its own code.
type Score struct {
	Code      string    `json:"code"`
	Label     Text      `json:"label"`
	Questions []string  `json:"questions"`
	Headline  *Headline `json:"headline,omitempty"`
}

// Definition is the whole content of a version.
type Definition struct {
	Title    Text      `json:"title"`
	Intro    Text      `json:"intro,omitempty"`
	Sections []Section `json:"sections"`
	Scores   []Score   `json:"scores,omitempty"`
}

// Figure is one headline figure of a wave for a place scope, as the
// portrait shows it. Suppressed is true when fewer than the territory's
// minimum answered: then Percent and Count are zero and must not be shown.
type Figure struct {
	Key           string
	Label         Text
	Percent       float64
	Count         int // respondents in the share
	N             int // respondents who answered
	Suppressed    bool
	Questionnaire Text
	Wave          string
	Source        string
	ComputedAt    time.Time
}
