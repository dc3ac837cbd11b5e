package presentation

import (
	"fmt"

	"escalation-bot/bot"
	"escalation-bot/conversation"
)

// word is one of a card's words in every language the intake speaks (conversation.Languages).
// Executives read cards in the operator's language (bot.Card.Language); what owners and
// executives wrote stays as written. A test checks that every word has every language.
type word struct{ en, de, fr, es string }

// in is w in lang; English for a language cards are not written in.
func (w word) in(lang string) string {
	switch lang {
	case conversation.LangGerman:
		return w.de
	case conversation.LangFrench:
		return w.fr
	case conversation.LangSpanish:
		return w.es
	}
	return w.en
}

// cardWords are the labels and fixed words of a case card.
type cardWords struct {
	Escalated, EscalatedText, Summary, Status, Severity, SafeToDrive, Owner, ClaimedBy  word
	Category, Opened, Reminders, NextDeadline, Related, Resolution, ClosedBecause, Note word
	Rating, Asks, KeyFacts, Automatic, NoTitle, NoSummary, Translation, Answers         word
	SafetyCritical, NotSafe, Safe                                                       word
	Ownership, OwnershipPending, OwnershipVerified, OwnershipUnverified                 word
}

var words = cardWords{
	Escalated:     word{en: "Escalated", de: "Eskaliert", fr: "Escaladé", es: "Escalado"},
	EscalatedText: word{en: "not claimed in time, sent to the next tier", de: "nicht rechtzeitig übernommen, an die nächste Stufe gegangen", fr: "non pris en charge à temps, transmis au niveau suivant", es: "no se tomó a tiempo, enviado al siguiente nivel"},
	Summary:       word{en: "Summary", de: "Zusammenfassung", fr: "Résumé", es: "Resumen"},
	Status:        word{en: "Status", de: "Status", fr: "Statut", es: "Estado"},
	Severity:      word{en: "Severity", de: "Dringlichkeit", fr: "Gravité", es: "Gravedad"},
	SafeToDrive:   word{en: "Safe to drive", de: "Fahrsicher", fr: "Peut rouler sans danger", es: "Seguro para conducir"},
	Owner:         word{en: "Owner", de: "Halter", fr: "Propriétaire", es: "Propietario"},
	ClaimedBy:     word{en: "Claimed by", de: "Übernommen von", fr: "Pris en charge par", es: "Tomado por"},
	Category:      word{en: "Category", de: "Kategorie", fr: "Catégorie", es: "Categoría"},
	Opened:        word{en: "Opened", de: "Eröffnet", fr: "Ouvert", es: "Abierto"},
	Reminders:     word{en: "Reminders", de: "Erinnerungen", fr: "Rappels", es: "Recordatorios"},
	NextDeadline:  word{en: "Next deadline", de: "Nächste Frist", fr: "Prochaine échéance", es: "Próximo plazo"},
	Related:       word{en: "Same model, year and problem", de: "Gleiches Modell, Baujahr und Problem", fr: "Même modèle, année et problème", es: "Mismo modelo, año y problema"},
	Resolution:    word{en: "Resolution", de: "Lösung", fr: "Résolution", es: "Resolución"},
	ClosedBecause: word{en: "Closed because", de: "Geschlossen, weil", fr: "Fermé car", es: "Cerrado porque"},
	Note:          word{en: "Note", de: "Notiz", fr: "Note", es: "Nota"},
	Rating:        word{en: "Rating", de: "Bewertung", fr: "Évaluation", es: "Valoración"},
	Asks:          word{en: "The owner asks for", de: "Der Halter wünscht", fr: "Le propriétaire demande", es: "El propietario pide"},
	KeyFacts:      word{en: "Key facts", de: "Wichtige Fakten", fr: "Faits clés", es: "Datos clave"},
	Automatic: word{
		en: "Summary written from the owner's answers by the template, not by a model.",
		de: "Zusammenfassung aus den Antworten des Halters nach der Vorlage geschrieben, nicht von einem Modell.",
		fr: "Résumé rédigé à partir des réponses du propriétaire selon le gabarit, et non par un modèle.",
		es: "Resumen escrito a partir de las respuestas del propietario con la plantilla, no por un modelo.",
	},
	Answers:        word{en: "Answers", de: "Antworten", fr: "Réponses", es: "Respuestas"},
	NoTitle:        word{en: "(no title)", de: "(kein Titel)", fr: "(sans titre)", es: "(sin título)"},
	NoSummary:      word{en: "(no summary)", de: "(keine Zusammenfassung)", fr: "(pas de résumé)", es: "(sin resumen)"},
	Translation:    word{en: "The owner's words, translated from %s", de: "Die Worte des Halters, übersetzt aus: %s", fr: "Les mots du propriétaire, traduits de : %s", es: "Las palabras del propietario, traducidas de: %s"},
	SafetyCritical: word{en: "(safety-critical)", de: "(sicherheitskritisch)", fr: "(critique pour la sécurité)", es: "(crítico para la seguridad)"},
	NotSafe:        word{en: "NO: safety-critical", de: "NEIN: sicherheitskritisch", fr: "NON : critique pour la sécurité", es: "NO: crítico para la seguridad"},
	Safe:           word{en: "yes", de: "ja", fr: "oui", es: "sí"},
	// Whether the owner owns the vehicle.
	Ownership:           word{en: "Ownership", de: "Halterschaft", fr: "Propriété", es: "Titularidad"},
	OwnershipPending:    word{en: "pending", de: "ausstehend", fr: "en attente", es: "pendiente"},
	OwnershipVerified:   word{en: "verified", de: "bestätigt", fr: "vérifiée", es: "verificada"},
	OwnershipUnverified: word{en: "not verified", de: "nicht bestätigt", fr: "non vérifiée", es: "no verificada"},
}

// statusWords and severityWords name a case's status and severity on its card.
var (
	statusWords = map[bot.Status]word{
		bot.StatusPending:  {en: "pending", de: "ausstehend", fr: "en attente", es: "pendiente"},
		bot.StatusOpen:     {en: "open", de: "offen", fr: "ouvert", es: "abierto"},
		bot.StatusClaimed:  {en: "claimed", de: "übernommen", fr: "pris en charge", es: "tomado"},
		bot.StatusResolved: {en: "resolved", de: "gelöst", fr: "résolu", es: "resuelto"},
		bot.StatusClosed:   {en: "closed", de: "geschlossen", fr: "fermé", es: "cerrado"},
	}
	severityWords = map[bot.Severity]word{
		bot.SeverityLow:      {en: "low", de: "niedrig", fr: "faible", es: "baja"},
		bot.SeverityMedium:   {en: "medium", de: "mittel", fr: "moyenne", es: "media"},
		bot.SeverityHigh:     {en: "high", de: "hoch", fr: "élevée", es: "alta"},
		bot.SeverityCritical: {en: "critical", de: "kritisch", fr: "critique", es: "crítica"},
	}
)

// StatusWord is a status as a card in lang names it; an unknown status as it is.
func StatusWord(s bot.Status, lang string) string {
	if w, ok := statusWords[s]; ok {
		return w.in(lang)
	}
	return string(s)
}

// SeverityWord is a severity as a card in lang names it; an unknown one as it is.
func SeverityWord(s bot.Severity, lang string) string {
	if w, ok := severityWords[s]; ok {
		return w.in(lang)
	}
	return string(s)
}

// TranslationLabel names, on a card in lang, the owner's words translated from the language from.
func TranslationLabel(lang, from string) string {
	return fmt.Sprintf(words.Translation.in(lang), conversation.LanguageName(from))
}

// Labels are a card's labels in lang by the kind of part they name, for a page that lays the
// card out itself (the playground).
func Labels(lang string) map[string]string {
	return map[string]string{
		string(KindEscalated): words.Escalated.in(lang), "escalated_text": words.EscalatedText.in(lang),
		string(KindSummary): words.Summary.in(lang), string(KindStatus): words.Status.in(lang),
		string(KindSeverity): words.Severity.in(lang), string(KindSafety): words.SafeToDrive.in(lang),
		string(KindOwner): words.Owner.in(lang), string(KindClaimedBy): words.ClaimedBy.in(lang),
		string(KindCategory): words.Category.in(lang), string(KindOpened): words.Opened.in(lang),
		string(KindReminders): words.Reminders.in(lang), string(KindDue): words.NextDeadline.in(lang),
		string(KindRelated): words.Related.in(lang), string(KindNote): words.Note.in(lang),
		"resolution": words.Resolution.in(lang), "closed_because": words.ClosedBecause.in(lang),
		string(KindRating): words.Rating.in(lang), string(KindAsk): words.Asks.in(lang),
		string(KindKeyFacts): words.KeyFacts.in(lang), string(KindAutomatic): words.Automatic.in(lang),
		"no_title": words.NoTitle.in(lang), "no_summary": words.NoSummary.in(lang),
		string(KindOwnership): words.Ownership.in(lang), "safety_critical": words.SafetyCritical.in(lang),
		"answers": words.Answers.in(lang),
	}
}
