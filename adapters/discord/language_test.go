package discord

import (
	"strings"
	"testing"
	"time"

	"escalation-bot/conversation"
	"escalation-bot/xtest/fakediscord"
)

// Discord's interaction locale reaches the intake: /escalate from a French client starts it in
// French. DMs carry no locale, so a DM is read for its language, and a click's locale settles
// only an intake whose language nothing has said yet.
func TestDiscordLocaleReachesTheIntake(t *testing.T) {
	e := newEnv(t)
	inv := memberInv(alice)
	inv.Locale = "fr"
	e.followups(e.interact(fakediscord.SlashCommand(inv, escChannel, escalateCommand)))
	// /escalate opens a DM channel of its own; the greeting is among the messages posted.
	greeted := false
	for deadline := time.Now().Add(wait); !greeted && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		for _, c := range e.fake.Calls("") {
			greeted = greeted || c.Method == "POST" && strings.HasSuffix(c.Path, "/messages") && strings.Contains(string(c.Body), "Bonjour, je suis l'assistant d'escalade.")
		}
	}
	if !greeted {
		t.Fatal("no French greeting posted")
	}
	s, found := e.session(alice)
	if !found || s.Language != conversation.LangFrench || s.LanguageFrom != conversation.LanguageFromPlatform {
		t.Fatalf("session %v: language %q from %q", found, s.Language, s.LanguageFrom)
	}

	// A German DM; the owner's Discord client is in English (the fake's default en-US).
	e.dm(bob, "Hallo, mein Auto lädt seit gestern nicht mehr und keiner hilft mir.")
	if s, _ := e.session(bob); s.Language != conversation.LangGerman || s.LanguageFrom != conversation.LanguageFromMessage {
		t.Fatalf("bob: language %q from %q", s.Language, s.LanguageFrom)
	}
	e.press(bob, conversation.ActionConfirm, "yes")
	if s, _ := e.session(bob); s.Language != conversation.LangGerman {
		t.Fatalf("a click's en-US locale changed bob's German to %q", s.Language)
	}
	e.waitShown(dmOf(bob), "Welche Nummer hat Ihr Service-Ticket")
}
