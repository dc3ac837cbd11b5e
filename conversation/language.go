package conversation

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Languages the engine speaks. Its own sentences (messages.go) exist in each, so a flow may
// carry translations into these and no others.
const (
	LangEnglish = "en"
	LangGerman  = "de"
	LangFrench  = "fr"
	LangSpanish = "es"
)

// Languages lists the languages the engine speaks, English first.
func Languages() []string { return []string{LangEnglish, LangGerman, LangFrench, LangSpanish} }

// Where a session's language came from.
const (
	LanguageFromPlatform = "platform" // the owner's locale on Slack or Discord
	LanguageFromMessage  = "message"  // read from what the owner wrote
	LanguageFromOwner    = "owner"    // the owner chose it ("language de"); nothing else changes it
)

// LanguageName is lang's name in itself ("Deutsch"), or lang when it is not one of Languages.
func LanguageName(lang string) string {
	switch lang {
	case LangEnglish:
		return "English"
	case LangGerman:
		return "Deutsch"
	case LangFrench:
		return "Français"
	case LangSpanish:
		return "Español"
	}
	return lang
}

// ParseLocale reads a platform's locale ("de-DE", "es-419", "fr", "en_GB") as one of
// Languages, or "" when it names another language or nothing readable.
func ParseLocale(locale string) string {
	primary, _, _ := strings.Cut(strings.TrimSpace(locale), "-")
	primary, _, _ = strings.Cut(primary, "_")
	primary = strings.ToLower(primary)
	if slices.Contains(Languages(), primary) {
		return primary
	}
	return ""
}

// languageNames maps what an owner may call a language, in any of Languages, to its code.
var languageNames = map[string]string{
	"en": LangEnglish, "english": LangEnglish, "englisch": LangEnglish, "anglais": LangEnglish, "inglés": LangEnglish, "ingles": LangEnglish,
	"de": LangGerman, "german": LangGerman, "deutsch": LangGerman, "allemand": LangGerman, "alemán": LangGerman, "aleman": LangGerman,
	"fr": LangFrench, "french": LangFrench, "französisch": LangFrench, "franzosisch": LangFrench, "francais": LangFrench, "français": LangFrench, "francés": LangFrench, "frances": LangFrench,
	"es": LangSpanish, "spanish": LangSpanish, "spanisch": LangSpanish, "espagnol": LangSpanish, "español": LangSpanish, "espanol": LangSpanish, "castellano": LangSpanish,
}

// languageWords start a language command: "language de", "sprache deutsch", "langue fr", "idioma es".
var languageWords = []string{"language", "languages", "lang", "sprache", "langue", "idioma", "lengua"}

// politeEnds are dropped from the end of a language request: "auf Deutsch bitte".
var politeEnds = []string{"please", "pls", "bitte", "s'il vous plaît", "s'il vous plait", "svp", "por favor"}

// parseLanguageCommand reads a request to speak another language: a language word alone
// (arg "", asking which languages there are), followed by a code or a name ("language de",
// "Sprache: Deutsch"), "in English", "auf Deutsch", "en français", "en español", or a language's
// name alone. arg is what the owner named, which may be no language at all.
func parseLanguageCommand(text string) (arg string, ok bool) {
	t := normalize(text)
	if utf8.RuneCountInString(t) > 40 {
		return "", false
	}
	t = strings.TrimRight(t, ",;:!? ")
	for _, p := range politeEnds {
		if rest, found := strings.CutSuffix(t, p); found && rest != "" {
			t = strings.TrimRight(rest, ",;:!? ")
			break
		}
	}
	words := strings.FieldsFunc(t, func(r rune) bool { return unicode.IsSpace(r) || r == ':' || r == ',' || r == '=' })
	switch {
	case len(words) == 0:
		return "", false
	case len(words) <= 2 && slices.Contains(languageWords, words[0]):
		if len(words) == 1 {
			return "", true
		}
		return words[1], true
	case len(words) == 2 && (words[0] == "in" || words[0] == "auf" || words[0] == "en") && len(words[1]) > 2:
		if _, known := languageNames[words[1]]; known {
			return words[1], true
		}
	case len(words) == 1 && len(words[0]) > 2:
		if _, known := languageNames[words[0]]; known {
			return words[0], true
		}
	}
	return "", false
}

// languageCode is the language an owner named ("de", "Deutsch", "german"), or "".
func languageCode(name string) string {
	return languageNames[normalize(name)]
}

// languageHints are common words of each language: function words, greetings and the words
// owners use for their car. A word shared by two languages counts for both.
var languageHints = map[string][]string{
	LangEnglish: {"the", "and", "is", "my", "it", "i", "to", "of", "in", "for", "not", "on", "with", "was", "this", "that",
		"have", "has", "since", "car", "but", "me", "you", "at", "from", "won't", "wont", "can't", "cant", "doesn't", "don't",
		"after", "when", "what", "there", "are", "be", "hello", "hi", "please", "yes", "thanks", "it's", "i'm", "we", "our",
		"any", "anymore", "again", "just", "they", "been", "would", "could", "does", "did", "an", "its", "will", "no"},
	LangGerman: {"der", "die", "das", "und", "ist", "mein", "meine", "meinem", "meinen", "meiner", "nicht", "ich", "mit",
		"seit", "ein", "eine", "einer", "einem", "auf", "auch", "wir", "sie", "es", "zu", "im", "bei", "von", "für", "hallo",
		"guten", "tag", "bitte", "danke", "ja", "nein", "noch", "mehr", "nur", "habe", "hat", "wird", "kann", "keine",
		"sehr", "schon", "wie", "den", "dem", "des", "wagen", "fahrzeug", "fährt", "lädt", "geht", "aber", "oder", "nach"},
	LangFrench: {"le", "la", "les", "et", "est", "mon", "ma", "mes", "ne", "pas", "je", "j'ai", "avec", "depuis", "un",
		"une", "des", "du", "sur", "pour", "il", "elle", "bonjour", "merci", "oui", "non", "voiture", "plus", "très", "suis",
		"au", "aux", "qui", "que", "ce", "cette", "c'est", "n'est", "j'habite", "dans", "mais", "ou", "rien", "toujours",
		"fait", "à", "nous", "vous", "se", "été", "en"},
	LangSpanish: {"el", "la", "los", "las", "y", "es", "mi", "mis", "no", "yo", "con", "desde", "un", "una", "del", "por",
		"para", "que", "se", "hola", "gracias", "sí", "coche", "carro", "muy", "pero", "estoy", "tengo", "hace", "está",
		"lo", "al", "buenas", "buenos", "días", "tardes", "ya", "nadie", "vivo", "me", "nos", "hay", "más", "en"},
}

// languageLetters are letters only some of the languages write.
var languageLetters = map[rune][]string{
	'ä': {LangGerman}, 'ö': {LangGerman}, 'ü': {LangGerman}, 'ß': {LangGerman},
	'è': {LangFrench}, 'ê': {LangFrench}, 'à': {LangFrench}, 'ç': {LangFrench}, 'œ': {LangFrench}, 'ù': {LangFrench}, 'â': {LangFrench}, 'î': {LangFrench}, 'ô': {LangFrench},
	'ñ': {LangSpanish}, '¿': {LangSpanish}, '¡': {LangSpanish}, 'á': {LangSpanish}, 'í': {LangSpanish}, 'ó': {LangSpanish}, 'ú': {LangSpanish},
}

// maxDetectRunes is how much of a message language detection reads.
const maxDetectRunes = 2000

// DetectLanguage guesses which of Languages text is written in, by counting each language's
// common words (and letters only some of them write). ok is false when the text says too little
// or two languages come close: a guess then would be a coin toss, and the flow's own language is
// the better default.
func DetectLanguage(text string) (lang string, ok bool) {
	text, _ = CutRunes(strings.ToValidUTF8(text, ""), maxDetectRunes)
	text = strings.ToLower(strings.ReplaceAll(text, "’", "'"))
	scores := map[string]float64{}
	words := strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' })
	for _, w := range words {
		w = strings.Trim(w, "'")
		for l, hints := range languageHints {
			if slices.Contains(hints, w) {
				scores[l]++
			}
		}
	}
	for _, r := range text {
		for _, l := range languageLetters[r] {
			scores[l] += 0.5
		}
	}
	best, second := "", 0.0
	for _, l := range Languages() {
		switch s := scores[l]; {
		case best == "" || s > scores[best]:
			second = scores[best]
			best = l
		case s > second:
			second = s
		}
	}
	if scores[best] < 2 || scores[best] < 1.5*second {
		return "", false
	}
	return best, true
}
