package openai

import (
	"context"
	"strings"
	"testing"

	"escalation-bot/conversation"
)

// With the owner writing in another language than the operator's, the model is asked for a
// translation of the owner's words, and the summary carries it with the owner's language; in
// the same language none is asked nor kept, and an answer without one is still a summary.
func TestSummarizeTranslatesTheOwnersWords(t *testing.T) {
	tests := []struct {
		name            string
		owner, operator string
		translation     any // the model's; nil leaves the field out
		ask             string
		want, from      string
	}{
		{"German owner, English operator", conversation.LangGerman, conversation.LangEnglish, "The car no longer charges.",
			"The owner wrote in German: put in translation their description of the problem and what they ask for, translated into English.", "The car no longer charges.", conversation.LangGerman},
		{"French owner, German operator", conversation.LangFrench, conversation.LangGerman, "Das Auto lädt nicht mehr.",
			"translated into German", "Das Auto lädt nicht mehr.", conversation.LangFrench},
		{"same language", conversation.LangEnglish, conversation.LangEnglish, "A translation nobody asked for.", "", "", ""},
		{"no operator language", conversation.LangEnglish, "", "A translation nobody asked for.", "", "", ""},
		{"left out", conversation.LangGerman, conversation.LangEnglish, nil, "translated into English", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := goodSummary()
			if tt.translation != nil {
				a["translation"] = tt.translation
			}
			srv := newFake(t, replies(answer(mustJSON(a))))
			s, _ := newSummarizer(t, srv.config())
			in := caseInput()
			in.OwnerLanguage, in.Language = tt.owner, tt.operator
			sum, err := s.Summarize(context.Background(), in)
			if err != nil {
				t.Fatal(err)
			}
			if sum.Translation != tt.want || sum.TranslatedFrom != tt.from {
				t.Fatalf("translation %q from %q, want %q from %q", sum.Translation, sum.TranslatedFrom, tt.want, tt.from)
			}
			user := srv.requests()[0].message("user")
			if asked := strings.Contains(user, "put in translation"); asked != (tt.ask != "") || !strings.Contains(user, tt.ask) {
				t.Fatalf("user message %q, want it to ask %q", user, tt.ask)
			}
		})
	}
}
