package conversation

import "unicode/utf8"

// CutRunes cuts s to at most n runes, on a rune boundary and without a marker, and reports
// whether it cut. It is the one count-based cut of the project: Clip and bot.Truncate mark
// what they cut with it, and presentation.Cut, which must also keep platform escapes and
// character sequences whole, cuts for the platforms.
func CutRunes(s string, n int) (string, bool) {
	if utf8.RuneCountInString(s) <= n {
		return s, false
	}
	i := 0
	for j := range s {
		if i == n {
			return s[:j], true
		}
		i++
	}
	return s, false
}

// Clip is s cut to n runes with "…" after it when it was cut: a short quote of what someone
// wrote inside a sentence.
func Clip(s string, n int) string {
	if c, cut := CutRunes(s, n); cut {
		return c + "…"
	}
	return s
}
