package presentation

import (
	"fmt"

	"escalation-bot/bot"
	"escalation-bot/conversation"
)

// word is one of a card's words in every language the intake speaks. Executives read cards in
// the operator's language (bot.Card.Language); what owners and executives wrote stays as
// written. A test checks that every word has every language.
type word = conversation.Words

// cardWords are the labels and fixed words of a case card.
type cardWords struct {
	Escalated, EscalatedText, Summary, Status, Severity, SafeToDrive, Owner, ClaimedBy  word
	Category, Opened, Reminders, NextDeadline, Related, Resolution, ClosedBecause, Note word
	Rating, Asks, KeyFacts, Automatic, NoTitle, NoSummary, Translation, Answers         word
	SafetyCritical, NotSafe, Safe                                                       word
	Ownership, OwnershipPending, OwnershipVerified, OwnershipUnverified                 word
}

var words = cardWords{
	Escalated:     word{En: "Escalated", De: "Eskaliert", Fr: "Escaladé", Es: "Escalado"},
	EscalatedText: word{En: "not claimed in time, sent to the next tier", De: "nicht rechtzeitig übernommen, an die nächste Stufe gegangen", Fr: "non pris en charge à temps, transmis au niveau suivant", Es: "no se tomó a tiempo, enviado al siguiente nivel"},
	Summary:       word{En: "Summary", De: "Zusammenfassung", Fr: "Résumé", Es: "Resumen"},
	Status:        word{En: "Status", De: "Status", Fr: "Statut", Es: "Estado"},
	Severity:      word{En: "Severity", De: "Dringlichkeit", Fr: "Gravité", Es: "Gravedad"},
	SafeToDrive:   word{En: "Safe to drive", De: "Fahrsicher", Fr: "Peut rouler sans danger", Es: "Seguro para conducir"},
	Owner:         word{En: "Owner", De: "Halter", Fr: "Propriétaire", Es: "Propietario"},
	ClaimedBy:     word{En: "Claimed by", De: "Übernommen von", Fr: "Pris en charge par", Es: "Tomado por"},
	Category:      word{En: "Category", De: "Kategorie", Fr: "Catégorie", Es: "Categoría"},
	Opened:        word{En: "Opened", De: "Eröffnet", Fr: "Ouvert", Es: "Abierto"},
	Reminders:     word{En: "Reminders", De: "Erinnerungen", Fr: "Rappels", Es: "Recordatorios"},
	NextDeadline:  word{En: "Next deadline", De: "Nächste Frist", Fr: "Prochaine échéance", Es: "Próximo plazo"},
	Related:       word{En: "Same model, year and problem", De: "Gleiches Modell, Baujahr und Problem", Fr: "Même modèle, année et problème", Es: "Mismo modelo, año y problema"},
	Resolution:    word{En: "Resolution", De: "Lösung", Fr: "Résolution", Es: "Resolución"},
	ClosedBecause: word{En: "Closed because", De: "Geschlossen, weil", Fr: "Fermé car", Es: "Cerrado porque"},
	Note:          word{En: "Note", De: "Notiz", Fr: "Note", Es: "Nota"},
	Rating:        word{En: "Rating", De: "Bewertung", Fr: "Évaluation", Es: "Valoración"},
	Asks:          word{En: "The owner asks for", De: "Der Halter wünscht", Fr: "Le propriétaire demande", Es: "El propietario pide"},
	KeyFacts:      word{En: "Key facts", De: "Wichtige Fakten", Fr: "Faits clés", Es: "Datos clave"},
	Automatic: word{
		En: "Summary written from the owner's answers by the template, not by a model.",
		De: "Zusammenfassung aus den Antworten des Halters nach der Vorlage geschrieben, nicht von einem Modell.",
		Fr: "Résumé rédigé à partir des réponses du propriétaire selon le gabarit, et non par un modèle.",
		Es: "Resumen escrito a partir de las respuestas del propietario con la plantilla, no por un modelo.",
	},
	Answers:        word{En: "Answers", De: "Antworten", Fr: "Réponses", Es: "Respuestas"},
	NoTitle:        word{En: "(no title)", De: "(kein Titel)", Fr: "(sans titre)", Es: "(sin título)"},
	NoSummary:      word{En: "(no summary)", De: "(keine Zusammenfassung)", Fr: "(pas de résumé)", Es: "(sin resumen)"},
	Translation:    word{En: "The owner's words, translated from %s", De: "Die Worte des Halters, übersetzt aus: %s", Fr: "Les mots du propriétaire, traduits de : %s", Es: "Las palabras del propietario, traducidas de: %s"},
	SafetyCritical: word{En: "(safety-critical)", De: "(sicherheitskritisch)", Fr: "(critique pour la sécurité)", Es: "(crítico para la seguridad)"},
	NotSafe:        word{En: "NO: safety-critical", De: "NEIN: sicherheitskritisch", Fr: "NON : critique pour la sécurité", Es: "NO: crítico para la seguridad"},
	Safe:           word{En: "yes", De: "ja", Fr: "oui", Es: "sí"},
	// Whether the owner owns the vehicle.
	Ownership:           word{En: "Ownership", De: "Halterschaft", Fr: "Propriété", Es: "Titularidad"},
	OwnershipPending:    word{En: "pending", De: "ausstehend", Fr: "en attente", Es: "pendiente"},
	OwnershipVerified:   word{En: "verified", De: "bestätigt", Fr: "vérifiée", Es: "verificada"},
	OwnershipUnverified: word{En: "not verified", De: "nicht bestätigt", Fr: "non vérifiée", Es: "no verificada"},
}

// statusWords and severityWords name a case's status and severity on its card.
var (
	statusWords = map[bot.Status]word{
		bot.StatusPending:  {En: "pending", De: "ausstehend", Fr: "en attente", Es: "pendiente"},
		bot.StatusOpen:     {En: "open", De: "offen", Fr: "ouvert", Es: "abierto"},
		bot.StatusClaimed:  {En: "claimed", De: "übernommen", Fr: "pris en charge", Es: "tomado"},
		bot.StatusResolved: {En: "resolved", De: "gelöst", Fr: "résolu", Es: "resuelto"},
		bot.StatusClosed:   {En: "closed", De: "geschlossen", Fr: "fermé", Es: "cerrado"},
	}
	severityWords = map[bot.Severity]word{
		bot.SeverityLow:      {En: "low", De: "niedrig", Fr: "faible", Es: "baja"},
		bot.SeverityMedium:   {En: "medium", De: "mittel", Fr: "moyenne", Es: "media"},
		bot.SeverityHigh:     {En: "high", De: "hoch", Fr: "élevée", Es: "alta"},
		bot.SeverityCritical: {En: "critical", De: "kritisch", Fr: "critique", Es: "crítica"},
	}
)

// StatusWord is a status as a card in lang names it; an unknown status as it is.
func StatusWord(s bot.Status, lang string) string {
	if w, ok := statusWords[s]; ok {
		return w.In(lang)
	}
	return string(s)
}

// SeverityWord is a severity as a card in lang names it; an unknown one as it is.
func SeverityWord(s bot.Severity, lang string) string {
	if w, ok := severityWords[s]; ok {
		return w.In(lang)
	}
	return string(s)
}

// TranslationLabel names, on a card in lang, the owner's words translated from the language from.
func TranslationLabel(lang, from string) string {
	return fmt.Sprintf(words.Translation.In(lang), conversation.LanguageName(from))
}

// Labels are a card's labels in lang by the kind of part they name, for a page that lays the
// card out itself (the playground).
func Labels(lang string) map[string]string {
	return map[string]string{
		string(KindEscalated): words.Escalated.In(lang), "escalated_text": words.EscalatedText.In(lang),
		string(KindSummary): words.Summary.In(lang), string(KindStatus): words.Status.In(lang),
		string(KindSeverity): words.Severity.In(lang), string(KindSafety): words.SafeToDrive.In(lang),
		string(KindOwner): words.Owner.In(lang), string(KindClaimedBy): words.ClaimedBy.In(lang),
		string(KindCategory): words.Category.In(lang), string(KindOpened): words.Opened.In(lang),
		string(KindReminders): words.Reminders.In(lang), string(KindDue): words.NextDeadline.In(lang),
		string(KindRelated): words.Related.In(lang), string(KindNote): words.Note.In(lang),
		"resolution": words.Resolution.In(lang), "closed_because": words.ClosedBecause.In(lang),
		string(KindRating): words.Rating.In(lang), string(KindAsk): words.Asks.In(lang),
		string(KindKeyFacts): words.KeyFacts.In(lang), string(KindAutomatic): words.Automatic.In(lang),
		"no_title": words.NoTitle.In(lang), "no_summary": words.NoSummary.In(lang),
		string(KindOwnership): words.Ownership.In(lang), "safety_critical": words.SafetyCritical.In(lang),
		"answers": words.Answers.In(lang),
	}
}
