package openai

import (
	"regexp"
	"strings"
)

// Placeholders that replace personal details in text sent to the model.
const (
	EmailPlaceholder = "[email]"
	PhonePlaceholder = "[phone]"
)

var (
	emailPattern = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}`)

	// phonePattern finds international numbers (+44 20 7946 0958, +49 (0)30 1234567) and North
	// American ones: with separators ((212) 555-0142, 212.555.0142, 1-800-555-0199) or as ten
	// bare digits that obey the numbering plan (2125550142), so that an odometer reading or a
	// long ticket number is not taken for a phone number.
	phonePattern = regexp.MustCompile(
		`\+\d{1,3}(?:[ .\-]?(?:\(\d{1,4}\)|\d{1,5})){2,6}` +
			`|(?:1[ .\-]?)?(?:\(\d{3}\) ?|\d{3}[ .\-])\d{3}[ .\-]\d{4}` +
			`|1?[2-9]\d{2}[2-9]\d{6}`)
)

// Redact replaces e-mail addresses with [email] and phone numbers with [phone]. A number
// glued to letters or digits, or to a ticket prefix such as SR- or #, is left alone, so VINs,
// years, odometer readings and ticket numbers survive.
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
		end = trimToE164(s, start, end)
		if !standsAlone(s, start, end) || digits(s[start:end]) < 8 {
			// Matches start with an ASCII byte, so the next byte starts a character.
			i = start + 1
			continue
		}
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

// trimToE164 drops trailing groups until the number has at most 15 digits (the E.164 maximum),
// so "+44 20 7946 0958 2019" keeps its year.
func trimToE164(s string, start, end int) int {
	for digits(s[start:end]) > 15 {
		cut := strings.LastIndexAny(s[start:end], " .-(")
		if cut <= 0 {
			break
		}
		end = start + cut
	}
	return end
}

// standsAlone reports a match not glued to a word or number, nor to a ticket prefix.
func standsAlone(s string, start, end int) bool {
	if start > 0 {
		switch c := s[start-1]; {
		case isAlnum(c), c == '-', c == '_', c == '/', c == '#':
			return false
		}
	}
	return end >= len(s) || !isAlnum(s[end])
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
