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
	KindTitle     Kind = "title"     // Label: the case id; Text: its title; Alert: safety-critical
	KindEscalated Kind = "escalated" // the case went to the next tier
	KindSummary   Kind = "summary"
	KindStatus    Kind = "status"
	KindSeverity  Kind = "severity"
	KindSafety    Kind = "safety"
	KindOwner     Kind = "owner"
	KindOwnership Kind = "ownership"  // whether the owner owns the vehicle, when it was checked
	KindClaimedBy Kind = "claimed_by" // At: when
	KindCategory  Kind = "category"
	KindOpened    Kind = "opened"    // At: when
	KindReminders Kind = "reminders" // how many times the on-call people were reminded
	KindDue       Kind = "due"       // At: the next deadline
	KindRelated   Kind = "related"   // the other open cases of the same model, year and category
	KindNote      Kind = "note"      // the resolution, the reason it was closed, or a note
	KindRating    Kind = "rating"    // Text: the stars; Quote: the owner's comment
	KindAsk       Kind = "ask"
	KindKeyFacts  Kind = "key_facts"
	KindAnswer    Kind = "answer" // one per answer, in the flow's order
	KindAutomatic Kind = "automatic"
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

// Words shown on cards.
const (
	NoTitle       = "(no title)"
	NoSummary     = "(no summary)"
	Missing       = "—" // a fact the case lacks
	EscalatedText = "not claimed in time, sent to the next tier"
	AutomaticText = "Summary written from the owner's answers by the template, not by a model."
)

// Card is a case card as a list of parts, in the order every platform shows them: the title
// and the escalation marker, the summary, the facts an executive decides on, what ended the
// case and the owner's rating of it, what the owner asks for, the key facts, the owner's
// answers, and how the summary was written. Parts with nothing to show are left out.
func Card(c bot.Card) []Part {
	title := strings.TrimSpace(c.Title)
	if title == "" {
		title = NoTitle
	}
	parts := []Part{{Kind: KindTitle, Label: c.ID, Text: title, Written: true, Alert: c.Safety}}
	if c.Escalated {
		parts = append(parts, Part{Kind: KindEscalated, Label: "Escalated", Text: EscalatedText})
	}
	summary := strings.TrimSpace(c.Summary)
	if summary == "" {
		summary = NoSummary
	}
	parts = append(parts, Part{Kind: KindSummary, Label: "Summary", Text: summary, Written: true})

	fact := func(k Kind, label, text string, written bool, at time.Time) {
		if strings.TrimSpace(text) == "" && at.IsZero() {
			text = Missing
		}
		parts = append(parts, Part{Kind: k, Label: label, Text: strings.TrimSpace(text), Written: written, At: at, Fact: true})
	}
	fact(KindStatus, "Status", string(c.Status), false, time.Time{})
	fact(KindSeverity, "Severity", string(c.Severity), false, time.Time{})
	// The answer is the flow's label, which an operator wrote: escaped like outside text.
	safe := safeAnswer(c)
	fact(KindSafety, "Safe to drive", SafetyWords(safe, c.Safety), safe != "", time.Time{})
	fact(KindOwner, "Owner", c.Owner, true, time.Time{})
	if words := OwnershipWords(c.Ownership, c.Status); words != "" {
		fact(KindOwnership, "Ownership", words, false, time.Time{})
	}
	if who := claimer(c); who != "" {
		fact(KindClaimedBy, "Claimed by", who, true, c.ClaimedAt)
	}
	if c.Category != "" {
		fact(KindCategory, "Category", c.Category, true, time.Time{})
	}
	if !c.CreatedAt.IsZero() {
		fact(KindOpened, "Opened", "", false, c.CreatedAt)
	}
	if c.Reminders > 0 {
		fact(KindReminders, "Reminders", strconv.Itoa(c.Reminders), false, time.Time{})
	}
	if !c.Due.IsZero() {
		fact(KindDue, "Next deadline", "", false, c.Due)
	}
	if len(c.Related) > 0 {
		fact(KindRelated, "Same model, year and problem", strings.Join(c.Related, ", "), false, time.Time{})
	}

	if note := strings.TrimSpace(c.Note); note != "" {
		parts = append(parts, Part{Kind: KindNote, Label: NoteLabel(c.Status), Text: note, Written: true})
	}
	if stars := Stars(c.Rating); stars != "" {
		parts = append(parts, Part{Kind: KindRating, Label: "Rating", Text: stars, Quote: strings.TrimSpace(bot.Clean(c.RatingComment))})
	}
	if ask := strings.TrimSpace(c.Ask); ask != "" {
		parts = append(parts, Part{Kind: KindAsk, Label: "The owner asks for", Text: ask, Written: true})
	}
	if len(c.KeyFacts) > 0 {
		parts = append(parts, Part{Kind: KindKeyFacts, Label: "Key facts", Text: "• " + strings.Join(c.KeyFacts, "\n• "), Written: true})
	}
	for _, a := range c.Fields {
		value := strings.TrimSpace(a.Value)
		if value == "" {
			value = Missing
		}
		parts = append(parts, Part{Kind: KindAnswer, Label: a.Label, Text: value, Written: true})
	}
	if c.Automatic {
		parts = append(parts, Part{Kind: KindAutomatic, Text: AutomaticText})
	}
	return parts
}

// OwnershipWords say whether a case's owner owns its vehicle: verified, not verified, or
// pending (held for a moderator, or the check could not be made); "" when no check ran.
func OwnershipWords(o bot.Ownership, s bot.Status) string {
	switch {
	case s == bot.StatusPending:
		return "pending"
	case o == bot.OwnershipVerified:
		return "verified"
	case o == bot.OwnershipUnverified:
		return "not verified"
	case o == bot.OwnershipUnknown:
		return "pending"
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
	switch {
	case answer != "" && safetyCritical:
		return answer + " (safety-critical)"
	case answer != "":
		return answer
	case safetyCritical:
		return "NO: safety-critical"
	}
	return "yes"
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
func NoteLabel(s bot.Status) string {
	switch s {
	case bot.StatusResolved:
		return "Resolution"
	case bot.StatusClosed:
		return "Closed because"
	}
	return "Note"
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
