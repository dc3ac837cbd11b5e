package presentation

import (
	"testing"

	"escalation-bot/bot"
	"escalation-bot/conversation"
)

// A model's translation of the owner's words comes before the answers, which hold the original,
// under a label naming the owner's language in the card's.
func TestCardTranslation(t *testing.T) {
	c := bot.Card{ID: "ESC-1001", Status: bot.StatusOpen, Language: conversation.LangGerman,
		Translation: "The car no longer charges.", TranslatedFrom: conversation.LangSpanish,
		Fields: []bot.Answer{{Key: "description", Label: "Beschreibung", Value: "El coche ya no carga."}}}
	parts := Card(c)
	p := part(parts, KindTranslation)
	if p.Label != "Die Worte des Halters, übersetzt aus: Español" || p.Text != "The car no longer charges." || !p.Written {
		t.Fatalf("translation part %+v", p)
	}
	if last := parts[len(parts)-1]; last.Kind != KindAnswer || last.Text != "El coche ya no carga." {
		t.Fatalf("the original %+v", last)
	}
	c.Translation = ""
	if p := part(Card(c), KindTranslation); p.Kind != "" {
		t.Fatalf("a card without a translation shows %+v", p)
	}
}
