package bot

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Clean makes text someone outside wrote safe to show, post and pass on: bidi controls and
// control characters other than newline and tab removed (an ANSI escape sequence with its
// parameters), Unicode NFKC applied, and mentions neutralized. NFKC comes before the mention
// check, so that "＠everyone" or "＜!channel＞" cannot slip past it as look-alikes; letters,
// digits and punctuation in ASCII stay as they are. Invalid UTF-8 becomes U+FFFD. Cleaning
// clean text changes nothing.
func Clean(text string) string {
	return Neutralize(norm.NFKC.String(stripControls(text)))
}

// stripControls removes bidi controls and C0/C1 control characters except newline and tab. A
// CSI sequence (ESC [ or U+009B, its parameter and intermediate bytes, its final byte) goes
// as a whole, so "\x1b[31m" leaves nothing behind; any other escape loses only its ESC. A
// carriage return becomes a newline, or nothing before a newline.
func stripControls(text string) string {
	if clean(text) {
		return text // the common case: nothing to do, nothing to allocate
	}
	var b strings.Builder
	b.Grow(len(text))
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteRune(utf8.RuneError)
		case r == '\r':
			if !strings.HasPrefix(text[i:], "\n") {
				b.WriteByte('\n')
			}
		case r == '\x1b' && strings.HasPrefix(text[i:], "["):
			i = skipCSI(text, i+1)
		case r == '\u009b':
			i = skipCSI(text, i)
		case dropped(r):
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// skipCSI returns the index after the CSI sequence whose parameters start at text[i]: parameter
// bytes 0x30–0x3F, intermediate bytes 0x20–0x2F, then one final byte 0x40–0x7E. An unfinished
// sequence ends at the first byte that cannot continue it, which is kept.
func skipCSI(text string, i int) int {
	for i < len(text) && 0x20 <= text[i] && text[i] <= 0x3f {
		i++
	}
	if i < len(text) && 0x40 <= text[i] && text[i] <= 0x7e {
		i++
	}
	return i
}

// dropped reports the characters Clean removes: C0 and C1 controls but newline and tab, DEL,
// and the bidi controls that can reorder what a reader sees (embeddings, overrides, isolates,
// and the implicit marks).
func dropped(r rune) bool {
	switch {
	case r == '\n' || r == '\t':
		return false
	case r < 0x20 || (0x7f <= r && r <= 0x9f):
		return true
	case 0x202a <= r && r <= 0x202e, 0x2066 <= r && r <= 0x2069:
		return true
	case r == '\u200e' || r == '\u200f' || r == '\u061c':
		return true
	}
	return false
}

// clean reports text that stripControls would leave as it is.
func clean(text string) bool {
	for i, r := range text {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(text[i:]); size == 1 {
				return false
			}
		}
		if r == '\r' || dropped(r) {
			return false
		}
	}
	return true
}
