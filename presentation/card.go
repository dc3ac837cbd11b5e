package presentation

import (
	"strconv"
	"strings"
	"time"

	"escalation-bot/bot"
	"escalation-bot/conversation"
)

// Kind is what a part of a case card is.
type Kind string

// The parts of a case card, in the order Card lists them.
const (
	KindTitle       Kind = "title"     // Label: the case id; Text: its title; Alert: safety-critical
	KindEscalated   Kind = "escalated" // the case went to the next tier
	KindSummary     Kind = "summary"
	KindStatus      Kind = "status"
	KindSeverity    Kind = "severity"
	KindSafety      Kind = "safety"
	KindOwner       Kind = "owner"
	KindOwnership   Kind = "ownership"  // whether the owner owns the vehicle, when it was checked
	KindClaimedBy   Kind = "claimed_by" // At: when
	KindCategory    Kind = "category"
	KindOpened      Kind = "opened"    // At: when
	KindReminders   Kind = "reminders" // how many times the on-call people were reminded
	KindDue         Kind = "due"       // At: the next deadline
	KindRelated     Kind = "related"   // the other open cases of the same model, year and category
	KindNote        Kind = "note"      // the resolution, the reason it was closed, or a note
	KindRating      Kind = "rating"    // Text: the stars; Quote: the owner's comment
	KindAsk         Kind = "ask"
	KindKeyFacts    Kind = "key_facts"
	KindTranslation Kind = "translation" // the owner's account translated by a model; Label names the language
	KindAnswer      Kind = "answer"      // one per answer, in the flow's order
	KindAutomatic   Kind = "automatic"
)

// Part is one thing a case card shows. Its words are the same on every platform; how they are
// marked up, escaped, laid out and cut is the platform's.
type Part struct {
	Kind Kind
	// Label is what the part is called on the card ("Status", an answer's question); for the
	// title, the case id.
	Label string
	// Text is the part's words, neither escaped nor cut. Empty for a moment (Opened, Next
	// deadline), which is At.
	Text string
	// At is the moment of Claimed by, Opened and Next deadline, which each platform writes in
	// its own way (a timestamp every reader sees in their own zone, where it has one).
	At time.Time
	// Quote is the owner's comment on a rating, cleaned; shown quoted (Quoted) under the stars.
	Quote string
	// Written says an owner or an executive wrote Text (or a model, from their words): the
	// platform escapes it as it does all text from outside, so it can ping no one, link
	// nowhere and carry no markup. The core has neutralized mentions already.
	Written bool
	// Fact says the part is a short value that platforms lay out in columns.
	Fact bool
	// Alert marks the title of a safety-critical case.
	Alert bool
}

// Words shown on cards, in English; a card shows them in its language (see words).
var (
	NoTitle       = words.NoTitle.En
	NoSummary     = words.NoSummary.En
	EscalatedText = words.EscalatedText.En
	AutomaticText = words.Automatic.En
)

// Missing stands for a fact the case lacks.
const Missing = "—"

// Card is a case card as a list of parts, in the order every platform shows them: the title
// and the escalation marker, the summary, the facts an executive decides on, what ended the
// case and the owner's rating of it, what the owner asks for, the key facts, the owner's
// answers, and how the summary was written. Parts with nothing to show are left out. Labels
// and the card's own words are in the card's language (c.Language, the operator's).
func Card(c bot.Card) []Part {
	lang := c.Language
	title := strings.TrimSpace(c.Title)
	if title == "" {
		title = words.NoTitle.In(lang)
	}
	parts := []Part{{Kind: KindTitle, Label: c.ID, Text: title, Written: true, Alert: c.Safety}}
	if c.Escalated {
		parts = append(parts, Part{Kind: KindEscalated, Label: words.Escalated.In(lang), Text: words.EscalatedText.In(lang)})
	}
	summary := strings.TrimSpace(c.Summary)
	if summary == "" {
		summary = words.NoSummary.In(lang)
	}
	parts = append(parts, Part{Kind: KindSummary, Label: words.Summary.In(lang), Text: summary, Written: true})

	fact := func(k Kind, label, text string, written bool, at time.Time) {
		if strings.TrimSpace(text) == "" && at.IsZero() {
			text = Missing
		}
		parts = append(parts, Part{Kind: k, Label: label, Text: strings.TrimSpace(text), Written: written, At: at, Fact: true})
	}
	fact(KindStatus, words.Status.In(lang), StatusWord(c.Status, lang), false, time.Time{})
	fact(KindSeverity, words.Severity.In(lang), SeverityWord(c.Severity, lang), false, time.Time{})
	// The answer is the flow's label, which an operator wrote: escaped like outside text.
	safe := safeAnswer(c)
	fact(KindSafety, words.SafeToDrive.In(lang), SafetyWordsIn(lang, safe, c.Safety), safe != "", time.Time{})
	fact(KindOwner, words.Owner.In(lang), c.Owner, true, time.Time{})
	if w := OwnershipWordsIn(lang, c.Ownership, c.Status); w != "" {
		fact(KindOwnership, words.Ownership.In(lang), w, false, time.Time{})
	}
	if who := claimer(c); who != "" {
		fact(KindClaimedBy, words.ClaimedBy.In(lang), who, true, c.ClaimedAt)
	}
	if c.Category != "" {
		fact(KindCategory, words.Category.In(lang), c.Category, true, time.Time{})
	}
	if !c.CreatedAt.IsZero() {
		fact(KindOpened, words.Opened.In(lang), "", false, c.CreatedAt)
	}
	if c.Reminders > 0 {
		fact(KindReminders, words.Reminders.In(lang), strconv.Itoa(c.Reminders), false, time.Time{})
	}
	if !c.Due.IsZero() {
		fact(KindDue, words.NextDeadline.In(lang), "", false, c.Due)
	}
	if len(c.Related) > 0 {
		related := strings.Join(c.Related, ", ")
		if c.RelatedMore > 0 {
			related += ", +" + strconv.Itoa(c.RelatedMore) // a count reads the same in every language
		}
		fact(KindRelated, words.Related.In(lang), related, false, time.Time{})
	}

	if note := strings.TrimSpace(c.Note); note != "" {
		parts = append(parts, Part{Kind: KindNote, Label: NoteLabelIn(lang, c.Status), Text: note, Written: true})
	}
	if stars := Stars(c.Rating); stars != "" {
		parts = append(parts, Part{Kind: KindRating, Label: words.Rating.In(lang), Text: stars, Quote: strings.TrimSpace(bot.Clean(c.RatingComment))})
	}
	if ask := strings.TrimSpace(c.Ask); ask != "" {
		parts = append(parts, Part{Kind: KindAsk, Label: words.Asks.In(lang), Text: ask, Written: true})
	}
	if len(c.KeyFacts) > 0 {
		parts = append(parts, Part{Kind: KindKeyFacts, Label: words.KeyFacts.In(lang), Text: "• " + strings.Join(c.KeyFacts, "\n• "), Written: true})
	}
	if tr := strings.TrimSpace(c.Translation); tr != "" {
		parts = append(parts, Part{Kind: KindTranslation, Label: TranslationLabel(lang, c.TranslatedFrom), Text: tr, Written: true})
	}
	for _, a := range c.Fields {
		value := strings.TrimSpace(a.Value)
		if value == "" {
			value = Missing
		}
		parts = append(parts, Part{Kind: KindAnswer, Label: a.Label, Text: value, Written: true})
	}
	if c.Automatic {
		parts = append(parts, Part{Kind: KindAutomatic, Text: words.Automatic.In(lang)})
	}
	return parts
}

// OwnershipWords say whether a case's owner owns its vehicle: verified, not verified, or
// pending (held for a moderator, or the check could not be made); "" when no check ran.
func OwnershipWords(o bot.Ownership, s bot.Status) string { return OwnershipWordsIn("", o, s) }

// OwnershipWordsIn is OwnershipWords on a card in lang.
func OwnershipWordsIn(lang string, o bot.Ownership, s bot.Status) string {
	switch {
	case s == bot.StatusPending:
		return words.OwnershipPending.In(lang)
	case o == bot.OwnershipVerified:
		return words.OwnershipVerified.In(lang)
	case o == bot.OwnershipUnverified:
		return words.OwnershipUnverified.In(lang)
	case o == bot.OwnershipUnknown:
		return words.OwnershipPending.In(lang)
	}
	return ""
}

// claimer is who claimed the case: their name, else their identity; "" when nobody.
func claimer(c bot.Card) string {
	if c.ClaimedByName != "" {
		return c.ClaimedByName
	}
	return string(c.ClaimedBy)
}

// SafetyWords answers "safe to drive?" for a case: the owner's answer as given ("Not sure" is
// not "No"), marked when the case is safety-critical; without an answer, what the triage says.
func SafetyWords(answer string, safetyCritical bool) string {
	return SafetyWordsIn("", answer, safetyCritical)
}

// SafetyWordsIn is SafetyWords on a card in lang; the owner's answer is the flow's label in it.
func SafetyWordsIn(lang, answer string, safetyCritical bool) string {
	switch {
	case answer != "" && safetyCritical:
		return answer + " " + words.SafetyCritical.In(lang)
	case answer != "":
		return answer
	case safetyCritical:
		return words.NotSafe.In(lang)
	}
	return words.Safe.In(lang)
}

// safeAnswer is the owner's answer to "is the vehicle safe to drive?" on the card, or "".
func safeAnswer(c bot.Card) string {
	for _, a := range c.Fields {
		if a.Key == conversation.RoleSafe {
			return a.Value
		}
	}
	return ""
}

// NoteLabel is what a case's note is called on its card, by the status it has.
func NoteLabel(s bot.Status) string { return NoteLabelIn("", s) }

// NoteLabelIn is NoteLabel on a card in lang.
func NoteLabelIn(lang string, s bot.Status) string {
	switch s {
	case bot.StatusResolved:
		return words.Resolution.In(lang)
	case bot.StatusClosed:
		return words.ClosedBecause.In(lang)
	}
	return words.Note.In(lang)
}

// Stars shows a rating of 1 to 5 as "★★★★☆ (4/5)"; "" for no rating (0). A rating above 5
// shows as 5 and one below 0 as none, so a card never claims more than the scale has.
func Stars(rating int) string {
	if rating <= 0 {
		return ""
	}
	rating = min(rating, 5)
	return strings.Repeat("★", rating) + strings.Repeat("☆", 5-rating) + " (" + strconv.Itoa(rating) + "/5)"
}

// Quoted puts an owner's words, already escaped by the platform, in quotation marks.
func Quoted(s string) string { return "“" + s + "”" }
