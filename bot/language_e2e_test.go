package bot_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"escalation-bot/bot"
	"escalation-bot/conversation"
	"escalation-bot/xtest/redistest"
)

// germanAnswers are what a German owner types at each step.
var germanAnswers = map[string]string{
	"ticket":      "keine",
	"model":       "Model Y",
	"year":        "2022",
	"vin":         validVIN,
	"odometer":    "72.000 km",
	"location":    "Stuttgart, Deutschland",
	"category":    "Akku & Laden",
	"safe":        "nicht sicher",
	"description": "Das Auto lädt seit drei Wochen nicht mehr, der Service hat es zweimal angesehen, ohne Ergebnis.",
	"started":     "seit drei Wochen",
	"outcome":     "Eine Reparatur, die hält.",
}

// A German owner does the whole intake in German over real Redis: the language is kept in
// the session, every question and the submission answer are German, and the executives read
// the case in the operator's language (English here) with the owner's words as written.
func TestGermanOwnerIntakeThroughTheCore(t *testing.T) {
	h := newHarness(t, redistest.New(t), func(c *bot.Config) { c.Language = conversation.LangEnglish })
	owner := bot.Identity("web:greta")
	replies := h.say(t, owner, "Hallo, ich brauche bitte Hilfe mit meinem Auto.")
	if s := h.session(t, owner); s.Language != conversation.LangGerman || s.LanguageFrom != conversation.LanguageFromMessage {
		t.Fatalf("session language %q from %q", s.Language, s.LanguageFrom)
	}
	if !strings.Contains(joined(replies), "Hallo, ich bin der Eskalationsassistent.") {
		t.Fatalf("greeting not in German: %s", joined(replies))
	}
	h.press(t, owner, conversation.ActionChoose, "understood")
	for range 30 {
		s := h.session(t, owner)
		if s.Stage != conversation.StageIntake {
			break
		}
		text, ok := germanAnswers[s.Step]
		if !ok {
			t.Fatalf("no answer for %q", s.Step)
		}
		replies = h.say(t, owner, text)
		if strings.Contains(joined(replies), "Please") {
			t.Fatalf("English after %q: %s", text, joined(replies))
		}
	}
	if s := h.session(t, owner); s.Stage != conversation.StageReview {
		t.Fatalf("stage %s at %s: %s", s.Stage, s.Step, joined(replies))
	}
	if !strings.Contains(joined(replies), "Hier ist alles, was Sie mir gesagt haben.") {
		t.Fatalf("review not in German: %s", joined(replies))
	}
	replies = h.press(t, owner, conversation.ActionSubmit, "")
	if !strings.Contains(joined(replies), "Vielen Dank. Ihr Fall hat die Nummer ESC-") {
		t.Fatalf("submission answer not in German: %s", joined(replies))
	}
	id := h.session(t, owner).CaseID
	c, err := h.cases.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []bot.Answer{
		{Key: "safe", Label: "Safe to drive", Value: "Not sure", Choice: conversation.SafeNotSure},
		{Key: "category", Label: "Issue category", Value: "Battery & charging", Choice: "battery"},
		{Key: "outcome", Label: "Desired outcome", Value: germanAnswers["outcome"]},
	} {
		if !slices.Contains(c.Answers, want) {
			t.Errorf("case answers %+v lack %+v", c.Answers, want)
		}
	}
	sum := c.Summary
	if sum.Severity != bot.SeverityHigh || !sum.Safety || !strings.Contains(sum.Text, "Safe to drive? The owner answered: Not sure.") ||
		!slices.Contains(sum.KeyFacts, "Owner's language: Deutsch") {
		t.Errorf("summary %+v", sum)
	}
	// Later, "status" is answered in German too.
	if r := h.say(t, owner, "status"); !strings.Contains(joined(r), id) {
		t.Errorf("status: %s", joined(r))
	}
}

// The platform's locale decides the language of a new intake; an operator's LANGUAGE decides
// the case's.
func TestLocaleAndOperatorLanguage(t *testing.T) {
	h := newHarness(t, redistest.New(t), func(c *bot.Config) { c.Language = conversation.LangFrench })
	owner := bot.Identity("web:ana")
	replies, err := h.svc.HandleOwner(context.Background(), bot.OwnerEvent{Owner: owner, Name: "ana", Locale: "es-MX"})
	if err != nil {
		t.Fatal(err)
	}
	if s := h.session(t, owner); s.Language != conversation.LangSpanish || s.LanguageFrom != conversation.LanguageFromPlatform {
		t.Fatalf("session language %q from %q", s.Language, s.LanguageFrom)
	}
	if !strings.Contains(joined(replies), "Hola, soy el asistente de escalado.") {
		t.Fatalf("not in Spanish: %s", joined(replies))
	}
	id := h.intake(t, owner, true, map[string]string{"safe": "no"})
	c, err := h.cases.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if c.Answer(conversation.RoleSafe) != "Non" || c.Summary.Severity != bot.SeverityCritical ||
		!strings.Contains(c.Summary.Text, "Catégorie : Batterie et recharge.") || !slices.Contains(c.Summary.KeyFacts, "Langue du propriétaire : Español") {
		t.Fatalf("case in French: answers %+v summary %+v", c.Answers, c.Summary)
	}
	// The owner switches language; the next answer is in it.
	h2 := bot.Identity("web:bo")
	h.say(t, h2, "hello")
	if r := h.say(t, h2, "sprache deutsch"); !strings.Contains(joined(r), "Ich schreibe Ihnen ab jetzt auf Deutsch.") {
		t.Fatalf("switch: %s", joined(r))
	}
	if r := h.say(t, h2, "status"); !strings.Contains(joined(r), "Sie haben noch keinen Fall") {
		t.Fatalf("status after the switch: %s", joined(r))
	}
}

func joined(replies []conversation.Reply) string {
	var b strings.Builder
	for _, r := range replies {
		b.WriteString(r.Text)
		b.WriteString(" | ")
		for _, btn := range r.Buttons {
			b.WriteString(btn.Label + "; ")
		}
	}
	return b.String()
}

// After submission the owner keeps hearing their language: the claim, an executive's message,
// the resolution with its buttons, the verdict's answers.
func TestOwnerNewsInTheirLanguage(t *testing.T) {
	h := newHarness(t, redistest.New(t), func(c *bot.Config) {
		c.Language = conversation.LangEnglish
		c.ConfirmResolutionWithin = 24 * time.Hour
	})
	ctx := context.Background()
	owner := bot.Identity("web:ana")
	if _, err := h.svc.HandleOwner(ctx, bot.OwnerEvent{Owner: owner, Name: "ana", Locale: "es-ES"}); err != nil {
		t.Fatal(err)
	}
	id := h.intake(t, owner, true, nil)
	if c, _ := h.cases.Get(ctx, id); c.Language != conversation.LangSpanish {
		t.Fatalf("case language %q", c.Language)
	}
	dana := bot.Actor{ID: "web:dana", Name: "Dana"}
	h.svc.Claim(ctx, dana, id)
	h.svc.Reply(ctx, dana, id, "I will call you at four.")
	h.svc.Resolve(ctx, dana, id, "Charger replaced.")
	got := texts(h.msgr.toOwner(owner))
	for _, want := range []string{"Buenas noticias: un directivo, Dana, se ocupa ahora de su caso " + id, "Dana (sobre " + id + "):\nI will call you at four.", "Su caso " + id + " ha sido resuelto por Dana:\nCharger replaced.", "¿Está resuelto el problema para usted?"} {
		if !strings.Contains(got, want) {
			t.Errorf("owner lacks %q:\n%s", want, got)
		}
	}
	buttons := h.lastButtons(owner)
	if len(buttons) != 2 || buttons[0].Label != "Sí, está resuelto" {
		t.Fatalf("buttons %+v", buttons)
	}
	rate := h.press(t, owner, buttons[0].Action, buttons[0].Value)
	if len(rate) != 1 || !strings.HasPrefix(rate[0].Text, "Nos alegra.") || rate[0].Buttons[4].Label != "5 excelente" {
		t.Fatalf("rating question %+v", rate)
	}
}

// An owner who asks for another language after submission is answered in it, and so is
// everything after: the case takes the language; the request is no message to the executives.
func TestOwnerSwitchesLanguageAfterSubmission(t *testing.T) {
	tests := []struct {
		name   string
		ask    func(h *harness, owner bot.Identity) []conversation.Reply
		status bot.Status
	}{
		{"typed", func(h *harness, owner bot.Identity) []conversation.Reply { return h.say(t, owner, "sprache de") }, bot.StatusOpen},
		{"button", func(h *harness, owner bot.Identity) []conversation.Reply {
			return h.press(t, owner, conversation.ActionLanguage, conversation.LangGerman)
		}, bot.StatusOpen},
		{"claimed case", func(h *harness, owner bot.Identity) []conversation.Reply { return h.say(t, owner, "language de") }, bot.StatusClaimed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, redistest.New(t), func(c *bot.Config) { c.Language = conversation.LangEnglish })
			ctx := context.Background()
			owner := bot.Identity("web:olive")
			id := h.intake(t, owner, true, nil)
			dana := bot.Actor{ID: "web:dana", Name: "Dana"}
			if tt.status == bot.StatusClaimed {
				if _, err := h.svc.Claim(ctx, dana, id); err != nil {
					t.Fatal(err)
				}
			}
			before, err := h.cases.Get(ctx, id)
			if err != nil {
				t.Fatal(err)
			}

			replies := tt.ask(h, owner)
			if got := joined(replies); !strings.Contains(got, "Ich schreibe Ihnen ab jetzt auf Deutsch.") {
				t.Fatalf("answer %q, want the switch in German", got)
			}
			if s := h.session(t, owner); s.Language != conversation.LangGerman || s.Stage != conversation.StageSubmitted || s.CaseID != id {
				t.Fatalf("session language %q, stage %s, case %q", s.Language, s.Stage, s.CaseID)
			}
			c, err := h.cases.Get(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if c.Language != conversation.LangGerman || c.Messages != before.Messages {
				t.Fatalf("case language %q, messages %d (before %d)", c.Language, c.Messages, before.Messages)
			}
			for _, m := range h.msgr.thread(id) {
				if strings.Contains(strings.ToLower(m.Text), "sprache") || strings.Contains(m.Text, "language de") {
					t.Fatalf("the request reached the executives: %+v", m)
				}
			}
			audit, err := h.cases.Audit(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			last := audit[len(audit)-1]
			if last.Action != "language" || last.Text != conversation.LangGerman {
				t.Fatalf("last audit entry %+v", last)
			}

			// What the owner writes next is relayed, and answered in German.
			replies = h.say(t, owner, "any news?")
			if got := joined(replies); !strings.Contains(got, "Zu Ihrem Fall "+id+" hinzugefügt.") {
				t.Fatalf("relay answer %q", got)
			}
			if c, _ := h.cases.Get(ctx, id); c.Messages != before.Messages+1 {
				t.Fatalf("messages %d, want %d", c.Messages, before.Messages+1)
			}
			if tt.status == bot.StatusClaimed {
				if _, err := h.svc.Resolve(ctx, dana, id, "Charger replaced."); err != nil {
					t.Fatal(err)
				}
				if got := texts(h.msgr.toOwner(owner)); !strings.Contains(got, "Ihr Fall "+id) {
					t.Fatalf("resolution not in German:\n%s", got)
				}
			}
		})
	}
}
