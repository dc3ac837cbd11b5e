package conversation

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// settleLanguage chooses the session's language from the platform's locale, else from what the
// owner wrote, unless the owner chose one. A new session (opening) chooses afresh; a running
// one only while nothing has chosen yet, so the dialogue does not change language under an
// owner who answers "2019". It returns a language the message reads as when the platform's
// locale won over it, to offer to the owner.
func (t *turn) settleLanguage(in Input, opening bool) (offer string) {
	if t.s.LanguageFrom == LanguageFromOwner || (!opening && t.s.LanguageFrom != "") {
		return ""
	}
	flow := t.e.flow
	written, clear := "", false
	if in.Action == "" && in.Text != "" {
		written, clear = DetectLanguage(in.Text)
		clear = clear && flow.Speaks(written)
	}
	switch local := ParseLocale(in.Locale); {
	case local != "" && flow.Speaks(local):
		t.s.Language, t.s.LanguageFrom = local, LanguageFromPlatform
		if clear && written != local {
			offer = written
		}
	case clear:
		t.s.Language, t.s.LanguageFrom = written, LanguageFromMessage
	}
	t.speak(t.s.Language)
	return offer
}

// offerLanguage tells the owner, in lang, that the dialogue can be in lang too.
func (t *turn) offerLanguage(lang string) {
	if lang == "" {
		return
	}
	t.say(Reply{
		Text:    say.LanguageOffer.In(lang),
		Buttons: []Button{{Label: LanguageName(lang), Action: ActionLanguage, Value: lang}},
	})
}

// switchLanguage answers "language <arg>": the session speaks the language named from now
// on; with none named, or one the flow does not offer, the owner is shown the choice.
func (t *turn) switchLanguage(arg string) bool {
	lang := languageCode(arg)
	if lang == "" || !t.e.flow.Speaks(lang) {
		r := Reply{Text: t.tr(say.LanguageChoose, t.offered())}
		if arg != "" {
			r.Text = t.tr(say.LanguageUnknown, Clip(arg, 30), t.offered())
		}
		for _, l := range t.e.flow.Offers() {
			r.Buttons = append(r.Buttons, Button{Label: LanguageName(l), Action: ActionLanguage, Value: l})
		}
		t.say(r)
		return false
	}
	t.s.Language, t.s.LanguageFrom = lang, LanguageFromOwner
	t.speak(lang)
	t.sayText(t.tr(say.LanguageNow))
	return true
}

// offered names the languages of the flow, each in itself: "English, Deutsch, Français".
func (t *turn) offered() string {
	var names []string
	for _, l := range t.e.flow.Offers() {
		names = append(names, LanguageName(l))
	}
	return strings.Join(names, ", ")
}

// inSentence is st's label as it reads inside a sentence: "the odometer", but German nouns
// keep their capital and "VIN" stays "VIN".
func inSentence(st *Step) string {
	first, n := utf8.DecodeRuneInString(st.Label)
	second, _ := utf8.DecodeRuneInString(st.Label[n:])
	if st.lang == LangGerman || unicode.IsUpper(second) {
		return st.Label
	}
	return string(unicode.ToLower(first)) + st.Label[n:]
}
