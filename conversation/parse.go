package conversation

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Answers that need one more thing from the owner before they count.
var (
	errNoUnit = errors.New("odometer reading without a unit")
	errOther  = errors.New("owner chose Other")
)

// parse reads what the owner typed as the answer to st. Besides an *InvalidError it may return
// a *CheckDigitError (value holds the VIN), errNoUnit (value holds the number) or errOther.
// cut reports free text longer than the step allows, cut to size.
func parse(st *Step, text string, now time.Time) (value string, cut bool, err error) {
	switch st.Kind {
	case KindVIN:
		value, err = parseVIN(text)
		return value, false, err
	case KindYear:
		value, err = parseYear(text, st.Min, yearMax(st, now))
		return value, false, err
	case KindOdometer:
		value, err = parseOdometerAnswer(text)
		return value, false, err
	case KindTicket:
		value, err = parseTicket(st, text)
		return value, false, err
	case KindText:
		return parseText(st, text)
	case KindChoice, KindSafe, KindConsent:
		value, err = parseChoice(st, text)
		return value, false, err
	}
	return "", false, invalid(say.NoAnswerHere)
}

// parseOther reads the free text typed after choosing Other; a typed choice still counts.
func parseOther(st *Step, text string) (value string, cut bool, err error) {
	if v, ok := matchChoice(st, text); ok {
		return v, false, nil
	}
	t := strings.TrimSpace(text)
	if utf8.RuneCountInString(t) < max(st.MinLength, 2) {
		return "", false, invalid(say.TypeFewWords, inSentence(st))
	}
	t, cut = CutRunes(t, st.maxLength())
	return t, cut, nil
}

// parseVIN reads a VIN, alone or as the one VIN-shaped word of a sentence ("it's 5YJ3..."),
// so a VIN failing its check digit can still be confirmed when typed in a sentence.
func parseVIN(text string) (string, error) {
	v, err := ValidateVIN(text)
	if err == nil || errors.Is(err, ErrVINCheckDigit) {
		return v, err
	}
	if tokens := vinTokens(text); len(tokens) == 1 {
		if v2, err2 := ValidateVIN(tokens[0]); err2 == nil || errors.Is(err2, ErrVINCheckDigit) {
			return v2, err2
		}
	}
	return v, err
}

// yearMax is the latest model year st accepts: Max, or next year when Max is 0.
func yearMax(st *Step, now time.Time) int {
	if st.Max > 0 {
		return st.Max
	}
	return now.Year() + 1
}

// parseYear reads "2019" or "'19" and checks the range.
func parseYear(text string, lo, hi int) (string, error) {
	t := normalize(text)
	t = strings.TrimPrefix(strings.TrimPrefix(t, "my "), "model year ")
	var year int
	short := strings.TrimLeft(t, "'’‘")
	switch {
	case len(t) == 4 && digitsOnly(t):
		year, _ = strconv.Atoi(t)
	case short != t && len(short) == 2 && digitsOnly(short):
		year, _ = strconv.Atoi(short)
		year += 2000 // model years start in 2008 here, so '19 is 2019
	default:
		return "", invalid(say.YearDigits, hi-1)
	}
	if year < lo || year > hi {
		return "", invalid(say.YearRange, lo, hi, year)
	}
	return strconv.Itoa(year), nil
}

// parseTicket reads a ticket or case number, or "none" when the step allows it.
func parseTicket(st *Step, text string) (string, error) {
	t := strings.TrimSpace(text)
	if isNone(normalize(t)) {
		if st.RequireTicket {
			return "", invalid(say.TicketRequired)
		}
		return TicketNone, nil
	}
	n := utf8.RuneCountInString(t)
	if n < 3 || n > 64 || !strings.ContainsFunc(t, unicode.IsDigit) {
		if st.RequireTicket {
			return "", invalid(say.TicketShapeRequired)
		}
		return "", invalid(say.TicketShape)
	}
	return t, nil
}

// parseText checks free text against the step's length bounds, counted in runes.
func parseText(st *Step, text string) (value string, cut bool, err error) {
	t := strings.TrimSpace(text)
	if n := utf8.RuneCountInString(t); n < st.MinLength {
		return "", false, invalid(say.TellMore, st.MinLength, n)
	}
	t, cut = CutRunes(t, st.maxLength())
	return t, cut, nil
}

// parseChoice reads a typed choice: its number, value or label in any case, or a yes/no word.
func parseChoice(st *Step, text string) (string, error) {
	if v, ok := matchChoice(st, text); ok {
		return v, nil
	}
	t := normalize(text)
	if st.Other && (t == OtherValue || t == strconv.Itoa(len(st.Choices)+1)) {
		return "", errOther
	}
	// "yes" or "ok" acknowledges a consent step whatever its button says.
	if st.Kind == KindConsent && len(st.Choices) > 0 {
		if isAgreement(t) {
			return st.Choices[0].Value, nil
		}
		return "", invalid(say.PressToGoOn, st.Choices[0].Label)
	}
	return "", invalid(say.PickOneOf, optionList(st))
}

// matchChoice finds the choice text names.
func matchChoice(st *Step, text string) (string, bool) {
	t := normalize(text)
	if t == "" {
		return "", false
	}
	if n, err := strconv.Atoi(t); err == nil && n >= 1 && n <= len(st.Choices) {
		return st.Choices[n-1].Value, true
	}
	for _, c := range st.Choices {
		if t == normalize(c.Value) || t == normalize(c.Label) || t == normalize(strings.ReplaceAll(c.Value, "_", " ")) {
			return c.Value, true
		}
	}
	if v := synonym(t); v != "" && st.choice(v) != nil {
		return v, true
	}
	return "", false
}

// optionList is "1. Model S, 2. Model 3, ... or 6. Other (type your own)".
func optionList(st *Step) string {
	var b strings.Builder
	for i, c := range st.Choices {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%d. %s", i+1, c.Label)
	}
	if st.Other {
		b.WriteString(say.OrOther.F(st.lang, len(st.Choices)+1))
	}
	return b.String()
}

// synonym maps the usual ways of saying yes, no and not sure, in the languages the engine
// speaks, to those choice values.
func synonym(t string) string {
	switch t {
	case "yes", "y", "yeah", "yep", "yup", "yes it is", "correct", "that's right", "that is right",
		"ja", "jawohl", "genau", "stimmt", "richtig", "das stimmt",
		"oui", "exact", "c'est exact", "c'est ça", "c'est bon",
		"sí", "si", "correcto", "es correcto", "claro":
		return "yes"
	case "no", "n", "nope", "nah", "no it isn't", "no it is not", "wrong", "incorrect",
		"nein", "falsch", "stimmt nicht", "non", "faux", "pas du tout", "incorrecto", "no es correcto":
		return "no"
	case "not sure", "unsure", "maybe", "don't know", "dont know", "i don't know", "i dont know", "dunno", "i'm not sure",
		"nicht sicher", "unsicher", "weiß nicht", "weiss nicht", "ich weiß nicht", "keine ahnung", "vielleicht",
		"pas sûr", "pas sur", "pas sûre", "je ne sais pas", "je sais pas", "peut-être",
		"no sé", "no se", "no estoy seguro", "no estoy segura", "ni idea", "quizás", "tal vez":
		return SafeNotSure
	}
	return ""
}

// isAgreement is an owner acknowledging the consent step in their own words.
func isAgreement(t string) bool {
	switch t {
	case "ok", "okay", "sure", "agree", "i agree", "understood", "i understand", "got it", "go on", "start", "continue",
		"verstanden", "ich verstehe", "einverstanden", "weiter", "los",
		"d'accord", "compris", "je comprends", "continuer", "entendido", "entiendo", "de acuerdo", "vale", "seguir":
		return true
	}
	return synonym(t) == "yes"
}

// isNone is an owner saying there is no earlier ticket.
func isNone(t string) bool {
	switch t {
	case "none", "no", "n/a", "na", "nope", "-", "no ticket", "no case", "nothing", "not yet",
		"i don't have one", "i dont have one", "don't have one", "dont have one",
		"keine", "kein", "keins", "nein", "kein ticket", "noch nicht", "habe keine", "ich habe keine",
		"aucun", "aucune", "non", "pas encore", "je n'en ai pas", "pas de ticket",
		"ninguno", "ninguna", "no tengo", "todavía no", "aún no", "sin ticket":
		return true
	}
	return false
}

// normalize makes typed words comparable: lower case, single spaces, no trailing punctuation.
func normalize(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.TrimRight(s, ".!? ")
	if singleSpaced(s) {
		return s // most answers: nothing to rejoin, and nothing allocated
	}
	return strings.Join(strings.Fields(s), " ")
}

// singleSpaced reports whether s has its words apart by single plain spaces, with none at
// either end: what strings.Fields and a join with " " would give back unchanged.
func singleSpaced(s string) bool {
	prevSpace := true // at the start a space would be leading
	for _, r := range s {
		space := unicode.IsSpace(r)
		if space && (r != ' ' || prevSpace) {
			return false
		}
		prevSpace = space
	}
	return !prevSpace || s == ""
}

func digitsOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
