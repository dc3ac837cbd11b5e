package presentation

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"escalation-bot/bot"
	"escalation-bot/conversation"
)

func kinds(parts []Part) []Kind {
	out := make([]Kind, len(parts))
	for i, p := range parts {
		out[i] = p.Kind
	}
	return out
}

func part(parts []Part, k Kind) Part {
	for _, p := range parts {
		if p.Kind == k {
			return p
		}
	}
	return Part{}
}

func TestCard(t *testing.T) {
	opened := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	base := bot.Card{
		ID: "ESC-1001", Title: "Car will not charge", Status: bot.StatusOpen, Owner: "Alice",
		Severity: bot.SeverityHigh, Summary: "The car stopped charging.", Category: "battery",
		CreatedAt: opened,
		Fields:    []bot.Answer{{Key: "vin", Label: "VIN", Value: "1HGCM82633A004352"}, {Key: "odometer", Label: "Odometer", Value: "42,000 km"}},
	}
	everything := base
	everything.Status, everything.Safety, everything.Automatic = bot.StatusResolved, true, true
	everything.ClaimedByName, everything.ClaimedAt = "Dana", opened.Add(time.Hour)
	everything.Note, everything.Ask, everything.KeyFacts = "Replaced the charger.", "A working charger", []string{"two visits", "no loaner"}
	everything.Escalated, everything.Reminders, everything.Due = true, 3, opened.Add(2*time.Hour)
	everything.Rating, everything.RatingComment = 4, " Quick, @everyone should know \u202e<!here> "

	tests := []struct {
		name  string
		card  bot.Card
		kinds []Kind
		check func(t *testing.T, parts []Part)
	}{
		{"open", base, []Kind{KindTitle, KindSummary, KindStatus, KindSeverity, KindSafety, KindOwner, KindCategory, KindOpened, KindAnswer, KindAnswer}, func(t *testing.T, parts []Part) {
			if p := parts[0]; p.Label != "ESC-1001" || p.Text != "Car will not charge" || p.Alert || !p.Written {
				t.Errorf("title %+v", p)
			}
			if p := part(parts, KindSafety); p.Label != "Safe to drive" || p.Text != "yes" || !p.Fact || p.Written {
				t.Errorf("safety %+v", p)
			}
			if a := parts[len(parts)-2:]; a[0].Label != "VIN" || a[1].Label != "Odometer" || a[1].Text != "42,000 km" || !a[1].Written {
				t.Errorf("answers %+v", a)
			}
		}},
		{"every part, in order", everything, []Kind{
			KindTitle, KindEscalated, KindSummary,
			KindStatus, KindSeverity, KindSafety, KindOwner, KindClaimedBy, KindCategory, KindOpened, KindReminders, KindDue,
			KindNote, KindRating, KindAsk, KindKeyFacts, KindAnswer, KindAnswer, KindAutomatic,
		}, func(t *testing.T, parts []Part) {
			if !parts[0].Alert || part(parts, KindSafety).Text != "NO: safety-critical" {
				t.Error("safety-critical not shown")
			}
			if p := part(parts, KindClaimedBy); p.Text != "Dana" || !p.At.Equal(opened.Add(time.Hour)) {
				t.Errorf("claimed by %+v", p)
			}
			if p := part(parts, KindReminders); p.Label != "Reminders" || p.Text != "3" {
				t.Errorf("reminders %+v", p)
			}
			if p := part(parts, KindDue); p.Label != "Next deadline" || !p.At.Equal(opened.Add(2*time.Hour)) {
				t.Errorf("due %+v", p)
			}
			if p := part(parts, KindNote); p.Label != "Resolution" || p.Text != "Replaced the charger." {
				t.Errorf("note %+v", p)
			}
			p := part(parts, KindRating)
			if p.Text != "★★★★☆ (4/5)" || p.Written {
				t.Errorf("rating %+v", p)
			}
			if strings.Contains(p.Quote, "@everyone") || strings.Contains(p.Quote, "<!here>") || strings.ContainsRune(p.Quote, '\u202e') || !strings.HasPrefix(p.Quote, "Quick, @") {
				t.Errorf("rating comment not cleaned: %q", p.Quote)
			}
			if p := part(parts, KindKeyFacts); p.Text != "• two visits\n• no loaner" {
				t.Errorf("key facts %q", p.Text)
			}
		}},
		{"empty title and summary", bot.Card{ID: "ESC-1", Status: bot.StatusOpen}, []Kind{KindTitle, KindSummary, KindStatus, KindSeverity, KindSafety, KindOwner}, func(t *testing.T, parts []Part) {
			if parts[0].Text != NoTitle || parts[1].Text != NoSummary {
				t.Errorf("title %q, summary %q", parts[0].Text, parts[1].Text)
			}
		}},
		{"claimer without a name", bot.Card{ID: "ESC-1", Status: bot.StatusClaimed, ClaimedBy: "slack:T1:U1"}, nil, func(t *testing.T, parts []Part) {
			if p := part(parts, KindClaimedBy); p.Text != "slack:T1:U1" || !p.At.IsZero() {
				t.Errorf("claimed by %+v", p)
			}
		}},
		{"closed", bot.Card{ID: "ESC-1", Status: bot.StatusClosed, Note: "duplicate"}, nil, func(t *testing.T, parts []Part) {
			if p := part(parts, KindNote); p.Label != "Closed because" {
				t.Errorf("note %+v", p)
			}
		}},
		{"rating without a comment", bot.Card{ID: "ESC-1", Status: bot.StatusResolved, Rating: 5}, nil, func(t *testing.T, parts []Part) {
			if p := part(parts, KindRating); p.Text != "★★★★★ (5/5)" || p.Quote != "" {
				t.Errorf("rating %+v", p)
			}
		}},
		{"related cases, named and counted", bot.Card{ID: "ESC-20", Status: bot.StatusOpen, Related: []string{"ESC-18", "ESC-19"}, RelatedMore: 7}, nil, func(t *testing.T, parts []Part) {
			if p := part(parts, KindRelated); p.Label != "Same model, year and problem" || p.Text != "ESC-18, ESC-19, +7" {
				t.Errorf("related %+v", p)
			}
		}},
		{"related cases, all named", bot.Card{ID: "ESC-20", Status: bot.StatusOpen, Related: []string{"ESC-18"}}, nil, func(t *testing.T, parts []Part) {
			if p := part(parts, KindRelated); p.Text != "ESC-18" {
				t.Errorf("related %+v", p)
			}
		}},
		{"no rating, no reminders, no deadline, not escalated", base, nil, func(t *testing.T, parts []Part) {
			for _, k := range []Kind{KindRating, KindReminders, KindDue, KindEscalated, KindNote, KindAsk, KindKeyFacts, KindAutomatic, KindClaimedBy, KindRelated} {
				if slices.Contains(kinds(parts), k) {
					t.Errorf("%s shown", k)
				}
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parts := Card(tt.card)
			if tt.kinds != nil && !slices.Equal(kinds(parts), tt.kinds) {
				t.Errorf("parts %v,\nwant  %v", kinds(parts), tt.kinds)
			}
			for _, p := range parts {
				if p.Kind != KindTitle && p.Kind != KindAutomatic && p.Label == "" {
					t.Errorf("%s has no label", p.Kind)
				}
				if p.Text == "" && p.At.IsZero() {
					t.Errorf("%s shows nothing", p.Kind)
				}
			}
			tt.check(t, parts)
		})
	}
}

func TestStars(t *testing.T) {
	tests := []struct {
		rating int
		want   string
	}{
		{-1, ""}, {0, ""}, {1, "★☆☆☆☆ (1/5)"}, {4, "★★★★☆ (4/5)"}, {5, "★★★★★ (5/5)"}, {9, "★★★★★ (5/5)"},
	}
	for _, tt := range tests {
		if got := Stars(tt.rating); got != tt.want {
			t.Errorf("Stars(%d) = %q, want %q", tt.rating, got, tt.want)
		}
	}
}

func TestWords(t *testing.T) {
	if SafetyWords("", true) != "NO: safety-critical" || SafetyWords("", false) != "yes" ||
		SafetyWords("Not sure", true) != "Not sure (safety-critical)" || SafetyWords("Yes", false) != "Yes" {
		t.Error("safety words")
	}
	for s, want := range map[bot.Status]string{bot.StatusOpen: "Note", bot.StatusClaimed: "Note", bot.StatusResolved: "Resolution", bot.StatusClosed: "Closed because"} {
		if got := NoteLabel(s); got != want {
			t.Errorf("NoteLabel(%s) = %q, want %q", s, got, want)
		}
	}
}

// Every word of a card exists in every language the intake speaks, with the same verbs.
func TestCardWordsComplete(t *testing.T) {
	check := func(name string, w word) {
		for _, lang := range conversation.Languages() {
			s := w.In(lang)
			if strings.TrimSpace(s) == "" {
				t.Errorf("%s has no %s text", name, lang)
			}
			if strings.Count(s, "%") != strings.Count(w.En, "%") {
				t.Errorf("%s in %s has other verbs than in English: %q", name, lang, s)
			}
		}
	}
	v := reflect.ValueOf(words)
	for i := range v.NumField() {
		check(v.Type().Field(i).Name, v.Field(i).Interface().(word))
	}
	for s, w := range statusWords {
		check(string(s), w)
	}
	for s, w := range severityWords {
		check(string(s), w)
	}
	for _, s := range []bot.Status{bot.StatusPending, bot.StatusOpen, bot.StatusClaimed, bot.StatusResolved, bot.StatusClosed} {
		if _, ok := statusWords[s]; !ok {
			t.Errorf("status %s has no words", s)
		}
	}
	for _, s := range []bot.Severity{bot.SeverityLow, bot.SeverityMedium, bot.SeverityHigh, bot.SeverityCritical} {
		if _, ok := severityWords[s]; !ok {
			t.Errorf("severity %s has no words", s)
		}
	}
}

// A card in the operator's language: its labels and its own words are German, what people
// wrote (the title, the summary, the answers, the ask) is as written.
func TestCardInGerman(t *testing.T) {
	opened := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	c := bot.Card{
		ID: "ESC-1001", Title: "Car will not charge", Status: bot.StatusResolved, Owner: "Greta",
		Severity: bot.SeverityHigh, Safety: true, Summary: "", Category: "Akku & Laden", CreatedAt: opened,
		ClaimedByName: "Dana", ClaimedAt: opened, Note: "Charger replaced.", Ask: "Eine Reparatur, die hält.",
		Automatic: true, Escalated: true, Language: conversation.LangGerman,
		Fields: []bot.Answer{{Key: conversation.RoleSafe, Label: "Fahrsicher?", Value: "Nicht sicher"}},
	}
	parts := Card(c)
	for _, tt := range []struct {
		kind        Kind
		label, text string
	}{
		{KindEscalated, "Eskaliert", "nicht rechtzeitig übernommen, an die nächste Stufe gegangen"},
		{KindSummary, "Zusammenfassung", "(keine Zusammenfassung)"},
		{KindStatus, "Status", "gelöst"},
		{KindSeverity, "Dringlichkeit", "hoch"},
		{KindSafety, "Fahrsicher", "Nicht sicher (sicherheitskritisch)"},
		{KindOwner, "Halter", "Greta"},
		{KindClaimedBy, "Übernommen von", "Dana"},
		{KindNote, "Lösung", "Charger replaced."},
		{KindAsk, "Der Halter wünscht", "Eine Reparatur, die hält."},
		{KindAnswer, "Fahrsicher?", "Nicht sicher"},
		{KindAutomatic, "", words.Automatic.De},
	} {
		if p := part(parts, tt.kind); p.Label != tt.label || p.Text != tt.text {
			t.Errorf("%s: %q %q, want %q %q", tt.kind, p.Label, p.Text, tt.label, tt.text)
		}
	}
	if l := Labels(conversation.LangGerman); l[string(KindAsk)] != "Der Halter wünscht" || l[string(KindOwner)] != "Halter" {
		t.Errorf("labels %v", l)
	}
	if got := SafetyWordsIn(conversation.LangGerman, "", true); got != "NEIN: sicherheitskritisch" {
		t.Errorf("SafetyWordsIn = %q", got)
	}
}
