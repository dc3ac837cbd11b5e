package conversation

import (
	"errors"
	"strings"
	"unicode/utf8"
)

// ErrVINCheckDigit is a VIN from North America or China whose 9th character does not match the
// rest (ISO 3779), which there it must. A mismatch is nearly always a typo, but a registration
// can carry one, so the owner may confirm such a VIN anyway.
var ErrVINCheckDigit = errors.New("The 9th character of this VIN (its check digit) does not match the rest of it.")

// CheckDigitError is ErrVINCheckDigit with the digit the rest of the VIN calls for.
type CheckDigitError struct {
	Want byte // the check digit the other 16 characters call for: '0'..'9' or 'X'
}

func (e *CheckDigitError) Error() string {
	return e.in(LangEnglish)
}

// in is the error in lang.
func (e *CheckDigitError) in(lang string) string { return say.VINCheckWant.F(lang, e.Want) }

// Is makes errors.Is(err, ErrVINCheckDigit) true.
func (e *CheckDigitError) Is(target error) bool { return target == ErrVINCheckDigit }

const vinLength = 17

// ValidateVIN normalizes vin (spaces and dashes removed, upper case) and checks it. The check
// digit is verified only where it is required (VINCheckDigitRequired); a failed one returns the
// normalized VIN with a *CheckDigitError, so the owner can confirm it. Elsewhere the 9th
// character is the maker's to use, and a mismatch is no error.
func ValidateVIN(vin string) (normalized string, err error) {
	normalized = strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-', '\t', '\n', '\r', '\u00a0', '\u2010', '\u2011', '\u2012', '\u2013', '\u2014':
			return -1
		}
		if 'a' <= r && r <= 'z' {
			return r - 'a' + 'A'
		}
		return r
	}, vin)
	if n := utf8.RuneCountInString(normalized); n != vinLength {
		return "", invalid(say.VINLength, n)
	}
	for i := 0; i < len(normalized); i++ {
		c := normalized[i]
		switch {
		case c == 'I' || c == 'O' || c == 'Q':
			return "", invalid(say.VINIOQ)
		case !('0' <= c && c <= '9' || 'A' <= c && c <= 'Z'):
			return "", invalid(say.VINChars)
		}
	}
	if want := vinCheckDigit(normalized); normalized[8] != want && VINCheckDigitRequired(normalized) {
		return normalized, &CheckDigitError{Want: want}
	}
	return normalized, nil
}

// vinWeights are the ISO 3779 position weights; position 9 is the check digit itself.
var vinWeights = [vinLength]int{8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2}

// vinCheckDigit computes position 9 of a 17-character upper-case VIN without I, O or Q.
func vinCheckDigit(vin string) byte {
	sum := 0
	for i := range vinLength {
		sum += vinValue(vin[i]) * vinWeights[i]
	}
	if r := sum % 11; r < 10 {
		return byte('0' + r)
	}
	return 'X'
}

// vinValue transliterates a VIN character; letters skip I, O and Q, hence the uneven runs.
func vinValue(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'A' <= c && c <= 'H':
		return int(c-'A') + 1
	case 'J' <= c && c <= 'R':
		return int(c-'J') + 1
	case 'S' <= c && c <= 'Z':
		return int(c-'S') + 2
	}
	return 0
}

// VINCheckDigitRequired reports whether the region of vin's world manufacturer identifier makes
// the check digit mandatory: North America (1-5, and 7F-70 for the United States) and China (L,
// and H). vin is a normalized VIN of at least two characters.
func VINCheckDigitRequired(vin string) bool {
	if len(vin) < 2 {
		return false
	}
	switch c := vin[0]; {
	case '1' <= c && c <= '5', c == 'L', c == 'H':
		return true
	case c == '7':
		// 7A-7E is New Zealand; the rest of 7 was assigned to the United States.
		return !('A' <= vin[1] && vin[1] <= 'E')
	}
	return false
}

// vinYearCodes are the model year codes of position 10 from 1980 (A) on; the cycle repeats
// every 30 years. I, O, Q, U, Z and 0 are not used.
const vinYearCodes = "ABCDEFGHJKLMNPRSTVWXY123456789"

// VINModelYear reads the model year from position 10 of a normalized VIN: the one year its code
// can stand for between lo and hi. The code repeats every 30 years, so a range wider than that
// can leave two years, and then none is given.
func VINModelYear(vin string, lo, hi int) (int, bool) {
	if len(vin) != vinLength {
		return 0, false
	}
	i := strings.IndexByte(vinYearCodes, vin[9])
	if i < 0 {
		return 0, false
	}
	year, found := 0, 0
	for y := 1980 + i; y <= hi; y += 30 {
		if y >= lo {
			year = y
			found++
		}
	}
	if found != 1 {
		return 0, false
	}
	return year, true
}

// vinMatches reports whether a normalized VIN starts with prefix, where ? stands for any character.
func vinMatches(vin, prefix string) bool {
	if len(prefix) > len(vin) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		if prefix[i] != '?' && prefix[i] != vin[i] {
			return false
		}
	}
	return true
}
