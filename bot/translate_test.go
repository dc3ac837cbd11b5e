package bot_test

import (
	"context"
	"strings"
	"testing"

	"escalation-bot/bot"
	"escalation-bot/conversation"
	"escalation-bot/xtest/redistest"
)

// translatingSummarizer stands for a model that translates the owner's words.
type translatingSummarizer struct{}

func (translatingSummarizer) Summarize(context.Context, bot.SummaryInput) (bot.Summary, error) {
	return bot.Summary{Title: "Car will not charge", Text: "The car stopped charging.", Category: "Battery & charging",
		Severity: bot.SeverityMedium, Translation: "The car no longer charges.\u202e"}, nil
}

// A model's translation of the owner's words reaches the case and its card, cleaned, when the
// owner wrote in another language than the operator's; in the operator's own it is dropped.
func TestTranslationOnTheCard(t *testing.T) {
	for _, tt := range []struct {
		locale, want, from string
	}{
		{"es-ES", "The car no longer charges.", conversation.LangSpanish},
		{"en-US", "", ""},
	} {
		t.Run(tt.locale, func(t *testing.T) {
			h := newHarness(t, redistest.New(t), func(c *bot.Config) { c.Language = conversation.LangEnglish })
			h.setSummarizer(t, translatingSummarizer{})
			ctx := context.Background()
			owner := bot.Identity("web:ana")
			if _, err := h.svc.HandleOwner(ctx, bot.OwnerEvent{Owner: owner, Name: "ana", Locale: tt.locale}); err != nil {
				t.Fatal(err)
			}
			id := h.intake(t, owner, true, nil)
			c, err := h.cases.Get(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if c.Summary.Translation != tt.want || c.Summary.TranslatedFrom != tt.from {
				t.Fatalf("translation %q from %q, want %q from %q", c.Summary.Translation, c.Summary.TranslatedFrom, tt.want, tt.from)
			}
			card, ok := h.msgr.card(id)
			if !ok || card.Translation != tt.want || card.TranslatedFrom != tt.from || strings.ContainsRune(card.Translation, '\u202e') {
				t.Fatalf("card %v: translation %q from %q", ok, card.Translation, card.TranslatedFrom)
			}
		})
	}
}
