package slack

import (
	"strings"
	"testing"

	"escalation-bot/conversation"
	"escalation-bot/xtest/fakeslack"
)

// The owner's Slack locale (users.info with include_locale) reaches the intake: a German user
// is greeted in German even when their first message says nothing in any language, and keeps
// it; a user whose locale Slack gives as en-US but who writes German is offered German.
func TestSlackLocaleReachesTheIntake(t *testing.T) {
	for _, socket := range []bool{false, true} {
		t.Run(map[bool]string{false: "http", true: "socket"}[socket], func(t *testing.T) {
			opts := []option{beforeStart(func(f *fakeslack.Server) { f.SetUserLocale(owner1, "de-DE") })}
			if socket {
				opts = append(opts, socketMode)
			}
			e := newEnv(t, opts...)
			e.dm(owner1, "m3 2021")
			e.waitShown("chat.postMessage", dmOf(owner1), "Hallo, ich bin der Eskalationsassistent.")
			s := e.session(owner1)
			if s.Language != conversation.LangGerman || s.LanguageFrom != conversation.LanguageFromPlatform {
				t.Fatalf("session language %q from %q", s.Language, s.LanguageFrom)
			}
			e.waitShown("chat.postMessage", dmOf(owner1), "Aus Ihrer Nachricht habe ich notiert: Model 3, Modelljahr 2021.")
			e.press(owner1, conversation.ActionConfirm, "yes")
			e.waitShown("chat.postMessage", dmOf(owner1), "Welche Nummer hat Ihr Service-Ticket")
		})
	}
	t.Run("en-US locale, German message", func(t *testing.T) {
		e := newEnv(t)
		e.dm(owner1, "Hallo, mein Auto lädt seit gestern nicht mehr.")
		c := e.waitShown("chat.postMessage", dmOf(owner1), "Ich kann auch Deutsch")
		if !strings.Contains(shown(c), "Deutsch") {
			t.Fatalf("offer:\n%s", shown(c))
		}
		if s := e.session(owner1); s.Language != conversation.LangEnglish {
			t.Fatalf("session language %q", s.Language)
		}
		e.press(owner1, conversation.ActionLanguage, conversation.LangGerman)
		e.waitShown("chat.postMessage", dmOf(owner1), "Ich schreibe Ihnen ab jetzt auf Deutsch.")
		if s := e.session(owner1); s.Language != conversation.LangGerman || s.LanguageFrom != conversation.LanguageFromOwner {
			t.Fatalf("session language %q from %q", s.Language, s.LanguageFrom)
		}
	})
}
