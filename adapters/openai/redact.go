package openai

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Placeholders that replace personal details in text sent to the model.
const (
	EmailPlaceholder = "[email]"
	PhonePlaceholder = "[phone]"
)

// phoneSep joins the digit groups of a phone number: spaces (also no-break ones), dots,
// hyphens and dashes, parentheses and slashes. Line breaks do not: a number is on one line.
const phoneSep = `[ \t\x{00a0}\x{202f}.\-\x{2010}-\x{2015}()/]`

var (
	// emailPattern takes Unicode letters in both parts ("jürgen@müller.de"), the fullwidth ＠,
	// spaces around the at sign ("jane.doe @ example.com") and the zero-width space that
	// bot.Neutralize puts after "@" in "@here…".
	emailPattern = regexp.MustCompile(`[\p{L}\p{N}._%+\-]+[ \t\x{00a0}]?[@＠]\x{200b}?[ \t\x{00a0}]?` +
		`[\p{L}\p{N}](?:[\p{L}\p{N}\-]*[\p{L}\p{N}])?(?:\.[\p{L}\p{N}](?:[\p{L}\p{N}\-]*[\p{L}\p{N}])?)*\.\p{L}{2,}`)

	// phonePattern finds a candidate: digits joined by at most three separators, optionally
	// after + or an opening parenthesis. redactPhones decides which candidates are numbers. The
	// bound keeps the work per candidate small; a longer run is cut to 15 digits anyway.
	phonePattern = regexp.MustCompile(`(?:\+|\()?\d(?:` + phoneSep + `{0,3}\d){0,24}`)
	// extPattern is an extension right after a number: "x12", " ext. 12".
	extPattern = regexp.MustCompile(`^[ \t\x{00a0}]*(?i:x|ext\.?|extension)[ \t\x{00a0}]*\d{1,6}`)
	// unitPattern follows an odometer reading, not a phone number.
	unitPattern = regexp.MustCompile(`^[ \t\x{00a0}]*(?i:km|kms|mi|miles?|kilomet(?:er|re)s?)\b`)
	// datePattern is a candidate made of dates only: 2024-03-15, 03/15/2024, 15.03.2024.
	datePattern = regexp.MustCompile(`^(?:(?:\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4})(?:[ \t\x{00a0}]+|$))+$`)
	// yearsPattern is a candidate made of model years only: "2019 2020".
	yearsPattern = regexp.MustCompile(`^(?:(?:19|20)\d{2}(?:[ \t\x{00a0}]+|$))+$`)
	// idLabelPattern ends text that labels the number after it as an identifier: "serial",
	// "order no.", "case #", "ticket:".
	idLabelPattern = regexp.MustCompile(`(?i)\b(?:serial|order|case|ticket|invoice|ref|reference|claim|account|acct|tracking|part|vin|po|ro|sr)` +
		`(?:\s*(?:no\.?|nr\.?|number|#|:))*\s*$`)
)

// Redact replaces e-mail addresses with [email] and phone numbers with [phone]. A phone number
// is 8 to 15 digits joined by spaces, dots, dashes, parentheses or slashes, optionally after +
// or 00 and before an extension. VINs, years, dates, odometer readings and identifiers (a
// number glued to capitals as in RN123456789 or SR-20931, or after "serial", "case #", …)
// survive.
func Redact(text string) string {
	text = emailPattern.ReplaceAllString(text, EmailPlaceholder)
	return redactPhones(text)
}

func redactPhones(s string) string {
	var b strings.Builder
	copied := 0
	for i := 0; i < len(s); {
		loc := phonePattern.FindStringIndex(s[i:])
		if loc == nil {
			break
		}
		start, end := i+loc[0], i+loc[1]
		whole := s[start:end] // dates and years are judged before a cut could hide them
		end = trimToE164(s, start, end)
		n := phoneDigits(s[start:end])
		if n < 8 || n > 15 || datePattern.MatchString(whole) || yearsPattern.MatchString(whole) || !phoneIn(s, &b, copied, start, end) {
			// Matches start with an ASCII byte, so the next byte starts a character.
			i = start + 1
			continue
		}
		end += extensionAt(s[end:])
		b.WriteString(s[copied:start])
		b.WriteString(PhonePlaceholder)
		copied, i = end, end
	}
	if copied == 0 {
		return s
	}
	b.WriteString(s[copied:])
	return b.String()
}

// extensionAt is the length of the extension that starts s ("x12", " ext. 12"), 0 when there
// is none. Digits that go on past six after the "x" are no extension but a number of their
// own, judged as one: otherwise the first number would be judged by digits that the second,
// once redacted, no longer shows, and redacting the result again would change it.
func extensionAt(s string) int {
	loc := extPattern.FindStringIndex(s)
	if loc == nil || (loc[1] < len(s) && '0' <= s[loc[1]] && s[loc[1]] <= '9') {
		return 0
	}
	return loc[1]
}

// phoneDigits counts the digits of a candidate, without the international prefix 00.
func phoneDigits(s string) int {
	n := digits(s)
	if strings.HasPrefix(s, "00") {
		n -= 2
	}
	return n
}

// trimToE164 drops trailing groups until the number has at most 15 digits (the E.164 maximum),
// so "+44 20 7946 0958 2019" keeps its year.
func trimToE164(s string, start, end int) int {
	for phoneDigits(s[start:end]) > 15 {
		cut := strings.LastIndexFunc(s[start:end], notDigit)
		if cut <= 0 {
			break
		}
		end = start + len(strings.TrimRightFunc(s[start:start+cut], notDigit))
	}
	return end
}

func notDigit(r rune) bool { return r < '0' || r > '9' }

// phoneIn is isPhone for the candidate s[start:end], judged in the text as it will read: the
// numbers before it (up to copied) already replaced by placeholders, whose output is in b. So
// the digits of a number just replaced do not count as glued to the next one, and redacting the
// result again changes nothing ("5125550142+4930901820", "10000000a(00000000").
func phoneIn(s string, b *strings.Builder, copied, start, end int) bool {
	if copied == 0 {
		return isPhone(s, start, end)
	}
	view := b.String() + s[copied:]
	shift := b.Len() - copied
	return isPhone(view, start+shift, end+shift)
}

// isPhone decides whether the candidate s[start:end] is a phone number.
func isPhone(s string, start, end int) bool {
	m := s[start:end]
	if datePattern.MatchString(m) || yearsPattern.MatchString(m) || unitPattern.MatchString(s[end:]) {
		return false
	}
	// Letters and digits glued to either side: a digit means a longer number; capitals only
	// mean an identifier (RN123456789, a VIN); "call5125550142" is a phone number.
	left, right := alnumBefore(s, start), alnumAfter(s, end)
	if n := extensionAt(s[end:]); n > 0 {
		right = alnumAfter(s, end+n)
	}
	glued := left + right
	if strings.ContainsAny(glued, "0123456789") {
		return false
	}
	if glued != "" && strings.ToUpper(glued) == glued {
		return false
	}
	if !strings.ContainsFunc(m, notDigit) && len(left)+len(m)+len(right) == 17 {
		return false // a VIN, whatever its case
	}
	if start > 0 {
		switch c := s[start-1]; c {
		case '_', '#', '+':
			return false
		case '-', '/', '.':
			// SR-2125550142, or the tail of a number already cut at 15 digits.
			if start > 1 && (isAlnum(s[start-2]) || s[start-2] == ']') {
				return false
			}
		}
	}
	return !idLabelPattern.MatchString(s[max(0, start-maxLabel):start])
}

// maxLabel is how far before a number its label is looked for, and maxGlued how many letters
// and digits glued to it are looked at: enough to tell a word from an identifier or a VIN.
const (
	maxLabel = 40
	maxGlued = 32
)

// alnumBefore is the run of letters and digits (at most maxGlued) that ends at i; alnumAfter
// the one that starts at i.
func alnumBefore(s string, i int) string {
	j := i
	for j > 0 && i-j < maxGlued {
		r, size := utf8.DecodeLastRuneInString(s[:j])
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			break
		}
		j -= size
	}
	return s[j:i]
}

func alnumAfter(s string, i int) string {
	j := i
	for j < len(s) && j-i < maxGlued {
		r, size := utf8.DecodeRuneInString(s[j:])
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			break
		}
		j += size
	}
	return s[i:j]
}

func digits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if '0' <= s[i] && s[i] <= '9' {
			n++
		}
	}
	return n
}

func isAlnum(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}
