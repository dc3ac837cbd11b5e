package discord

import (
	"strings"
	"testing"
	"time"

	"escalation-bot/bot"
	"escalation-bot/conversation"
)

// With LANGUAGE=de the executives read the card in German through the real discordgo client:
// field names, status, severity and buttons; the owner's answers stay as written.
func TestCardInTheOperatorsLanguage(t *testing.T) {
	e := newEnv(t, withBot(func(c *bot.Config) { c.Language = conversation.LangGerman }))
	id := e.openCase(alice)
	e.waitShown(escChannel, id)
	card := e.card(id)
	got := text(card)
	for _, want := range []string{"Status: offen", "Dringlichkeit: ", "Fahrsicher: ", "Halter: ", "Eröffnet: ", answers["description"]} {
		if !strings.Contains(got, want) {
			t.Errorf("card lacks %q:\n%s", want, got)
		}
	}
	for _, english := range []string{"Severity:", "Owner:", "Safe to drive:", "Opened:"} {
		if strings.Contains(got, english) {
			t.Errorf("card shows %q:\n%s", english, got)
		}
	}
	if b := components(card); len(b) != 1 || b[0].Label != "Übernehmen" {
		t.Fatalf("buttons %+v", b)
	}
	e.clickCase(memberInv(dana), bot.ActionClaim, id)
	for deadline := time.Now().Add(wait); ; time.Sleep(10 * time.Millisecond) {
		card = e.card(id)
		var labels []string
		for _, b := range components(card) {
			labels = append(labels, b.Label)
		}
		if strings.Join(labels, ",") == "Antworten,Lösen,Freigeben" && strings.Contains(text(card), "Status: übernommen") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("claimed card %q, buttons %q", text(card), labels)
		}
	}
}
