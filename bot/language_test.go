package bot

import (
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"escalation-bot/conversation"
)

var verbPattern = regexp.MustCompile(`%[-+# 0]*\d*(?:\.\d+)?[a-zA-Z%]`)

// Every sentence the core says to owners, and every word of the template summary, exists in
// every language the intake speaks, with the same verbs.
func TestTextsComplete(t *testing.T) {
	checkTexts(t, reflect.ValueOf(core))
	checkTexts(t, reflect.ValueOf(later))
	checkTexts(t, reflect.ValueOf(owned))
	checkTexts(t, reflect.ValueOf(cardButtons))
	checkTexts(t, reflect.ValueOf(forget))
}

func checkTexts(t *testing.T, v reflect.Value) {
	t.Helper()
	for i := range v.NumField() {
		name := v.Type().Field(i).Name
		m := v.Field(i).Interface().(text)
		want := verbPattern.FindAllString(m.En, -1)
		for _, lang := range conversation.Languages() {
			s := m.In(lang)
			if strings.TrimSpace(s) == "" {
				t.Errorf("%s has no %s text", name, lang)
			}
			if got := verbPattern.FindAllString(s, -1); !slices.Equal(got, want) {
				t.Errorf("%s in %s has verbs %v, English %v", name, lang, got, want)
			}
		}
	}
}
