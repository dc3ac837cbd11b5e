package conversation

import (
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// screens are the rules' screened expressions, by name, with those of the default flow's
// choices; a nil set of words would make a screen that never skips.
func screens(tb testing.TB) map[string]screen {
	tb.Helper()
	all := map[string]screen{
		"cannotDrive": cannotDrive, "doubtDrive": doubtDrive, "canDrive": canDrive,
		"startedPatterns": startedPatterns, "outcomeWords": outcomeWords, "placeIntro": placeIntro,
		"ticketNamed": ticketNamed, "ticketShaped": ticketShaped,
		"modelYearPrefix": modelYearPrefix, "shortYear": shortYear,
	}
	x := NewRuleExtractor(DefaultFlow())
	for _, c := range append(x.models, x.categories...) {
		if c.re != nil {
			all["choice "+c.value] = screen{re: c.re, any: c.any}
		}
	}
	return all
}

// Texts that test the screens' folding: case, the Kelvin sign and the long s that (?i) takes
// for k and s, curly apostrophes, accents.
var screenTexts = []string{
	"", "a", "I CAN'T DRIVE IT", "i can’t drive it", "won’t go into drive", "my car was towed",
	"Model 3", "MODEL-Y 2022", "MY22", "'22 model", "ticket SR-1234567", "Vorgangsnummer 4711-22",
	"It's been parked since Tuesday, I want a refund.", "I'm in Austin TX", "seit 3 Wochen",
	"the Kelvin sign: \u212A and long s: \u017Fince yesterday", "\u017Fafe? is it \u017Fafe",
	"Ladesäule KAPUTT, ÉCRAN noir", "desde hace dos semanas", "no puedo manejarlo", "grúa",
	"Tesla 3 frunk leak", "brakes squeak", "LEAKS", "phantom braking on the highway",
}

// A screen turns away a text only when its expression does not match it: the rules read
// every message as they would without it.
func TestScreensKeepEveryMatch(t *testing.T) {
	texts := append([]string(nil), screenTexts...)
	for _, s := range loadStories(t) {
		texts = append(texts, s.Text)
	}
	for _, w := range walkThrough {
		texts = append(texts, w.text)
	}
	for name, sc := range screens(t) {
		if sc.any == nil && name != "shortYear" {
			t.Errorf("%s: no words found, so it never skips", name)
		}
		skipped := 0
		for _, text := range texts {
			may := sc.may(foldCase(text))
			if !may {
				skipped++
			}
			if !may && sc.re.MatchString(text) {
				t.Errorf("%s: turned away %q, which it matches", name, text)
			}
		}
		if skipped == 0 {
			t.Errorf("%s: skipped none of %d texts", name, len(texts))
		}
	}
}

// A choice reads a text with the alternation of the names the text may hold, and finds what
// the alternation of all its names finds.
func TestChoiceSubsetsFindTheSame(t *testing.T) {
	texts := append([]string(nil), screenTexts...)
	for _, s := range loadStories(t) {
		texts = append(texts, s.Text)
	}
	x := NewRuleExtractor(DefaultFlow())
	for _, text := range texts {
		for _, c := range append(x.models, x.categories...) {
			sameMatches(t, c, text)
		}
	}
}

func sameMatches(t *testing.T, c choicePattern, text string) {
	t.Helper()
	if c.re == nil {
		return
	}
	want := c.re.FindAllStringIndex(text, -1)
	var got [][]int
	if re := c.expression(foldCase(text)); re != nil {
		got = re.FindAllStringIndex(text, -1)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s in %q: the names it may hold find %v, all names %v", c.value, text, got, want)
	}
}

func FuzzScreens(f *testing.F) {
	for _, s := range screenTexts {
		f.Add(s)
	}
	all := screens(f)
	x := NewRuleExtractor(DefaultFlow())
	f.Fuzz(func(t *testing.T, text string) {
		text = strings.ToValidUTF8(text, "\uFFFD")
		folded := foldCase(text)
		for name, sc := range all {
			if !sc.may(folded) && sc.re.MatchString(text) {
				t.Fatalf("%s: turned away %q, which it matches", name, text)
			}
		}
		for _, c := range append(x.models, x.categories...) {
			sameMatches(t, c, text)
		}
	})
}

// A text contains a word ignoring case, as (?i) reads it, exactly when its fold contains the
// word's fold.
func FuzzFoldCase(f *testing.F) {
	f.Add("Kelvin \u212A", "k")
	f.Add("\u017Fince", "SINCE")
	f.Add("Straße", "STRASSE")
	f.Add("ÉCRAN", "écran")
	f.Fuzz(func(t *testing.T, text, word string) {
		text, word = strings.ToValidUTF8(text, "\uFFFD"), strings.ToValidUTF8(word, "\uFFFD")
		want := regexp.MustCompile("(?i)" + regexp.QuoteMeta(word)).MatchString(text)
		if got := strings.Contains(foldCase(text), foldCase(word)); got != want {
			t.Fatalf("fold of %q contains fold of %q: %v; (?i) matches: %v", text, word, got, want)
		}
	})
}
