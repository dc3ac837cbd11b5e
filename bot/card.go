package bot

import (
	"time"

	"escalation-bot/conversation"
)

// Card is a case as the escalation channel shows it, platform-neutral.
type Card struct {
	ID            string                `json:"id"`
	Title         string                `json:"title"`
	Status        Status                `json:"status"`
	Owner         string                `json:"owner"` // display name
	ClaimedBy     Identity              `json:"claimed_by,omitempty"`
	ClaimedByName string                `json:"claimed_by_name,omitempty"`
	ClaimedAt     time.Time             `json:"claimed_at,omitzero"`
	Severity      Severity              `json:"severity"`
	Safety        bool                  `json:"safety"`
	Summary       string                `json:"summary"`
	Category      string                `json:"category"`
	KeyFacts      []string              `json:"key_facts,omitempty"`
	Ask           string                `json:"ask,omitempty"`
	Automatic     bool                  `json:"automatic"`
	Fields        []Answer              `json:"fields"`
	Note          string                `json:"note,omitempty"`
	CreatedAt     time.Time             `json:"created_at"`
	Buttons       []conversation.Button `json:"buttons"`
	// Reminders is how many times the on-call people were reminded of the case unclaimed.
	Reminders int `json:"reminders"`
	// Escalated says the case went to the next tier (the backup channels).
	Escalated bool `json:"escalated"`
	// Due is the case's next deadline (a reminder, an escalation); zero when none runs.
	Due time.Time `json:"due,omitzero"`
	// Rating is the owner's rating of the resolution, 1 to 5; 0 when none.
	Rating int `json:"rating"`
	// RatingComment is what the owner added to the rating.
	RatingComment string `json:"rating_comment,omitempty"`
	// Related are the other open cases of the same model, model year and category, the
	// newest of them; RelatedMore counts the others.
	Related     []string `json:"related,omitempty"`
	RelatedMore int      `json:"related_more,omitempty"`
	// Ownership is whether the owner owns the vehicle: verified, unverified, unknown, or ""
	// when no check ran.
	Ownership Ownership `json:"ownership"`
	// Translation is the owner's account in the card's language, translated by a model from
	// TranslatedFrom (a language code); the answers hold the original.
	Translation    string `json:"translation,omitempty"`
	TranslatedFrom string `json:"translated_from,omitempty"`
	// Language is the operator's (Config.Language), in which executives read the card's
	// labels and buttons; what the owner wrote stays as written.
	Language string `json:"language,omitempty"`
}

// CardOf renders a case as a card in English, with the buttons its status allows. The next
// deadline and the language depend on the configuration: the service fills them in (CardIn).
func CardOf(c Case) Card { return CardIn(c, "") }

// CardIn renders a case as a card for executives who read lang.
func CardIn(c Case, lang string) Card {
	card := Card{
		ID:             c.ID,
		Title:          c.Summary.Title,
		Status:         c.Status,
		Owner:          c.OwnerName,
		ClaimedBy:      c.ClaimedBy,
		ClaimedByName:  c.ClaimedByName,
		ClaimedAt:      c.ClaimedAt,
		Severity:       c.Summary.Severity,
		Safety:         c.Summary.Safety,
		Summary:        c.Summary.Text,
		Category:       c.Summary.Category,
		KeyFacts:       c.Summary.KeyFacts,
		Ask:            c.Summary.Ask,
		Automatic:      c.Summary.Automatic,
		Fields:         c.Answers,
		Note:           c.Note,
		CreatedAt:      c.CreatedAt,
		Reminders:      c.Reminders,
		Escalated:      c.Escalated(),
		Rating:         c.Rating,
		RatingComment:  c.RatingComment,
		Ownership:      c.Ownership,
		Language:       lang,
		Translation:    c.Summary.Translation,
		TranslatedFrom: c.Summary.TranslatedFrom,
	}
	if !c.ErasedAt.IsZero() {
		card.Owner = ErasedName // executives see why the card says so little
	}
	for _, ca := range CaseActions() {
		if ca.ShownFor(c.Status) {
			card.Buttons = append(card.Buttons, conversation.Button{Label: ca.Label(lang), Action: ca.Name, Value: c.ID})
		}
	}
	return card
}
