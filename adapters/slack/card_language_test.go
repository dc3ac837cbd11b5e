package slack

import (
	"strings"
	"testing"
	"time"

	"escalation-bot/bot"
	"escalation-bot/conversation"
)

func operatorLanguage(lang string) option { return func(c *envConfig) { c.bot.Language = lang } }

// With LANGUAGE=de the executives read the card in German through the real Slack client: its
// labels, status, severity and buttons; the owner's answers stay as the owner wrote them.
func TestCardInTheOperatorsLanguage(t *testing.T) {
	e := newEnv(t, operatorLanguage(conversation.LangGerman))
	id := e.openCase(owner1)
	card := e.waitShown("chat.postMessage", escChannel, id)
	got := shown(card)
	for _, want := range []string{"*Zusammenfassung*", "*Status*\noffen", "*Dringlichkeit*", "*Fahrsicher*", "*Halter*", "*Eröffnet*", answers["description"]} {
		if !strings.Contains(got, want) {
			t.Errorf("card lacks %q:\n%s", want, got)
		}
	}
	for _, english := range []string{"*Severity*", "*Owner*", "*Safe to drive*", "*Opened*"} {
		if strings.Contains(got, english) {
			t.Errorf("card shows %q:\n%s", english, got)
		}
	}
	if b := buttonsOf(card); len(b) != 1 || b[0].Text != "Übernehmen" || b[0].Value != id {
		t.Fatalf("buttons %+v", b)
	}
	e.clickCase(dana, "dana", bot.ActionClaim, id)
	deadline := time.Now().Add(10 * time.Second)
	for {
		var labels []string
		for _, c := range e.calls("chat.update", escChannel) {
			if strings.Contains(shown(c), "übernommen") {
				for _, b := range buttonsOf(c) {
					labels = append(labels, b.Text)
				}
			}
		}
		if strings.Join(labels, ",") == "Antworten,Lösen,Freigeben" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("claimed card buttons %q; updates:\n%s", labels, e.dump("chat.update"))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// "language de" after submission switches the owner's language over Slack and is not relayed.
func TestLanguageAfterSubmissionOverSlack(t *testing.T) {
	e := newEnv(t)
	id := e.openCase(owner1)
	e.dm(owner1, "language de")
	e.waitShown("chat.postMessage", dmOf(owner1), "Ich schreibe Ihnen ab jetzt auf Deutsch.")
	if s := e.session(owner1); s.Language != conversation.LangGerman || s.CaseID != id {
		t.Fatalf("session language %q, case %q", s.Language, s.CaseID)
	}
	if c := e.getCase(id); c.Language != conversation.LangGerman || c.Messages != 0 {
		t.Fatalf("case language %q, %d messages relayed", c.Language, c.Messages)
	}
	e.dm(owner1, "any news?")
	e.waitShown("chat.postMessage", dmOf(owner1), "Zu Ihrem Fall "+id+" hinzugefügt.")
	for _, c := range e.posts(escChannel) {
		if strings.Contains(shown(c), "language de") {
			t.Fatalf("the request reached the executives:\n%s", shown(c))
		}
	}
}
