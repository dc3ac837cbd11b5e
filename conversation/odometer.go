package conversation

import (
	"strconv"
	"strings"
)

// maxOdometer is far above any real reading; a larger number is a typo.
const maxOdometer = 2_000_000

// Odometer units as stored in answers: "45000 mi", "72000 km".
const (
	UnitKm = "km"
	UnitMi = "mi"
)

// parseOdometerAnswer reads a whole answer such as "45,000 miles", "about 72 000 km" or "45k mi".
// A number without a unit returns the number with errNoUnit, so the engine can ask for it.
func parseOdometerAnswer(text string) (string, error) {
	t := strings.ToLower(strings.TrimSpace(text))
	for _, p := range []string{"about", "around", "approximately", "approx.", "approx", "roughly", "nearly", "almost", "~", "≈", "ca."} {
		t = strings.TrimSpace(strings.TrimPrefix(t, p))
	}
	n, unit, end, ok := scanOdometer(t, 0)
	if !ok || strings.TrimSpace(strings.TrimRight(t[end:], ".! ")) != "" {
		return "", invalid(say.OdometerShape)
	}
	if n > maxOdometer {
		return "", invalid(say.OdometerTooBig)
	}
	if unit == "" {
		return strconv.Itoa(n), errNoUnit
	}
	return formatOdometer(n, unit), nil
}

func formatOdometer(n int, unit string) string { return strconv.Itoa(n) + " " + unit }

// parseUnit reads the answer to "kilometres or miles?".
func parseUnit(text string) string {
	switch normalize(text) {
	case "km", "kms", "k", "kilometer", "kilometers", "kilometre", "kilometres", "1":
		return UnitKm
	case "mi", "mile", "miles", "m", "2":
		return UnitMi
	}
	return ""
}

// scanOdometer reads a reading starting at s[i]: digits with optional thousands groups
// ("45,000", "72 000", "45.000"), an optional fraction and "k" ("72.5k"), and an optional unit.
// n is capped at maxOdometer+1 so callers can say "too big" without overflow.
func scanOdometer(s string, i int) (n int, unit string, end int, ok bool) {
	j := i
	for j < len(s) && isDigit(s[j]) {
		j++
	}
	lead := j - i
	if lead == 0 || lead > 9 {
		return 0, "", i, false
	}
	n, _ = strconv.Atoi(s[i:j])
	grouped := false
	for lead <= 3 && n <= maxOdometer {
		w := separatorWidth(s, j)
		k := j + w
		if w == 0 || k+3 > len(s) || !digitsOnly(s[k:k+3]) || (k+3 < len(s) && isDigit(s[k+3])) {
			break
		}
		g, _ := strconv.Atoi(s[k : k+3])
		n, j, grouped = n*1000+g, k+3, true
	}
	// A fraction means something only before "k": "72.5k" is 72500.
	frac, fracDigits := 0, 0
	if !grouped && j+1 < len(s) && (s[j] == '.' || s[j] == ',') && isDigit(s[j+1]) {
		k := j + 1
		for k < len(s) && isDigit(s[k]) {
			if fracDigits < 3 {
				frac = frac*10 + int(s[k]-'0')
				fracDigits++
			}
			k++
		}
		j = k
	}
	end = j
	p := skipSpaces(s, j)
	thousand := p < len(s) && (s[p] == 'k' || s[p] == 'K') && !(p+1 < len(s) && isLetter(s[p+1]))
	if w := thousandWord(s[p:]); w > 0 && !thousand {
		// "52 thousand miles": the word stands for the k.
		thousand, p = true, p+w-1
	}
	if thousand {
		for range 3 - fracDigits {
			frac *= 10
		}
		n = min(n, maxOdometer+1)*1000 + frac
		end = p + 1
		p = skipSpaces(s, end)
	}
	q := p
	for q < len(s) && isLetter(s[q]) {
		q++
	}
	// Units spelt with an accent: "kilómetros", "kilomètres".
	for _, w := range []string{"kilómetros", "kilómetro", "kilomètres", "kilomètre"} {
		if len(s)-p >= len(w) && strings.EqualFold(s[p:p+len(w)], w) {
			return min(n, maxOdometer+1), UnitKm, p + len(w), true
		}
	}
	switch strings.ToLower(s[p:q]) {
	case "km", "kms", "kilometer", "kilometers", "kilometre", "kilometres":
		unit, end = UnitKm, q
	case "mi", "mile", "miles":
		unit, end = UnitMi, q
	}
	return min(n, maxOdometer+1), unit, end, true
}

// separatorWidth is the byte width of a thousands separator at s[i], or 0.
func separatorWidth(s string, i int) int {
	if i >= len(s) {
		return 0
	}
	switch s[i] {
	case ',', '.', ' ', '\'':
		return 1
	}
	for _, sep := range []string{"\u00a0", "\u202f", "’"} {
		if strings.HasPrefix(s[i:], sep) {
			return len(sep)
		}
	}
	return 0
}

func skipSpaces(s string, i int) int {
	for i < len(s) && s[i] == ' ' {
		i++
	}
	return i
}

func isDigit(c byte) bool  { return '0' <= c && c <= '9' }
func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// thousandWord is the length of a word for "thousand" at the start of s, or 0.
func thousandWord(s string) int {
	q := 0
	for q < len(s) && isLetter(s[q]) {
		q++
	}
	switch strings.ToLower(s[:q]) {
	case "thousand", "tausend", "mille", "mil":
		return q
	}
	return 0
}
