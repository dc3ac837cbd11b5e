package openai

import (
	"context"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"escalation-bot/conversation"
)

// story is an owner's first message with the fields a careful person would take from it, in
// the form the flow stores them. A VIN that fails its check digit is not among them. The
// stories are the conversation package's, where the rule extractor is scored on them.
type story struct {
	Name   string            `json:"id"`
	Text   string            `json:"text"`
	Fields map[string]string `json:"expect"`
}

// askedFields are the fields the model is asked for.
var askedFields = []string{"model", "year", "vin", "odometer", "location", "category", "description", "outcome"}

func loadStories(t *testing.T) []story {
	t.Helper()
	data, err := os.ReadFile("../../conversation/testdata/stories.json")
	if err != nil {
		t.Fatal(err)
	}
	var stories []story
	if err := json.Unmarshal(data, &stories); err != nil {
		t.Fatal(err)
	}
	if len(stories) < 20 {
		t.Fatalf("%d stories, want at least 20", len(stories))
	}
	return stories
}

// answer: validation must keep every one of them that the owner wrote out (the rules win where
// they read the field), and drop the rest: free text that is a paraphrase rather than the
// owner's words, and the numbers below that the owner wrote in words or in a form of their own.
func TestStoriesCarefulAnswersPassValidation(t *testing.T) {
	notWritten := map[string]string{
		"terse-my-phantom-braking/year":      "MY 22",
		"rambling-charging-saga/odometer":    "52 thousand miles",
		"all-stated-model-x-falcon/odometer": "52 thousand miles",
		"year-in-words-airbag/year":          "twenty twenty-one",
	}
	rules := conversation.NewRuleExtractor(conversation.DefaultFlow())
	for _, s := range loadStories(t) {
		if utf8.RuneCountInString(s.Text) < MinModelText {
			continue // short answers never reach the model
		}
		t.Run(s.Name, func(t *testing.T) {
			m := map[string]any{}
			for _, k := range askedFields {
				m[k] = map[string]any{"value": s.Fields[k], "confidence": 0.0}
				if s.Fields[k] != "" {
					m[k] = map[string]any{"value": s.Fields[k], "confidence": 0.9}
				}
			}
			srv := newFake(t, replies(answer(mustJSON(m))))
			x, _ := newExtractor(t, srv.config())
			got, err := x.Extract(context.Background(), s.Text)
			if err != nil {
				t.Fatal(err)
			}
			fromRules, _ := rules.Extract(context.Background(), s.Text)
			text := strings.ToLower(strings.Join(strings.Fields(s.Text), " "))
			dropped := 0
			for k, want := range s.Fields {
				asked := slices.Contains(askedFields, k)
				_, words := notWritten[s.Name+"/"+k]
				free := k == "location" || k == "description" || k == "outcome"
				// The model's value is dropped when the owner did not write it so.
				kept := asked && !(words || free && !strings.Contains(text, strings.ToLower(strings.TrimSuffix(want, "."))))
				if asked && !kept {
					dropped++
				}
				switch r, ruled := fromRules[k]; {
				case ruled && (!kept || !byTheSense(k)):
					want = r // the rules win where they read the letter, and stand where the model's value went
				case !kept:
					want = ""
				}
				if got[k] != want {
					t.Errorf("%s = %q, want %q", k, got[k], want)
				}
			}
			if st := x.Stats(); st.Dropped != int64(dropped) {
				t.Errorf("%d values dropped, want %d", st.Dropped, dropped)
			}
		})
	}
}
