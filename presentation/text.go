// Package presentation is what the chat adapters show alike: how text is split and cut to a
// platform's limits, the words and order of a case card, and how much an executive may type
// in a form. Each adapter keeps its own markup, escaping and layout, and passes its own
// limits; the words, their order and the rules of cutting come from here, so a card reads the
// same on every platform and no limit drifts from the core's.
//
// It imports the core and no platform SDK.
package presentation

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Marker ends a text that was cut, and marks both sides of every cut of a text that was split,
// so a reader sees where a piece continues.
const Marker = "…"

// Syntax says where text escaped for a platform may be cut: given the runes of the text and a
// cut after the first n of them, it returns the largest cut at or before n that leaves no
// escape in half (an entity, a backslash and what it escapes). Nil is plain text, which may be
// cut between any two characters.
//
// Escaping comes before cutting: the limits count the escaped text, and an escape that depends
// on what surrounds it (Discord escapes "#" only at the start of a line) is then right in
// every piece.
type Syntax func(rs []rune, n int) int

// Entities is the syntax of text in which "&" starts an entity that ";" ends, as Slack's
// mrkdwn once &, < and > are escaped (&amp; &lt; &gt;).
func Entities(rs []rune, n int) int {
	for i := n - 1; i >= 0 && i >= n-maxEntity; i-- {
		switch rs[i] {
		case ';':
			return n
		case '&':
			return i
		}
	}
	return n
}

// maxEntity is the longest entity Entities keeps whole, "&" and ";" included.
const maxEntity = 10

// Backslashes is the syntax of text in which a backslash escapes the character after it, as
// Discord's markdown: a cut after an odd run of backslashes would leave one escaping the marker.
func Backslashes(rs []rune, n int) int {
	run := 0
	for i := n - 1; i >= 0 && rs[i] == '\\'; i-- {
		run++
	}
	if run%2 == 1 {
		return n - 1
	}
	return n
}

// Cut shortens text to at most limit characters (runes), ending it with Marker when it had to
// cut, and reports whether it did. It cuts where syn allows, never inside a character sequence
// that shows as one (an emoji with its modifiers, a letter with its accents, a flag), and drops
// the spaces before the marker.
func Cut(text string, limit int, syn Syntax) (string, bool) {
	if utf8.RuneCountInString(text) <= limit {
		return text, false
	}
	if limit < 1 {
		return "", true
	}
	rs := []rune(text)
	n := cutPoint(rs, limit-utf8.RuneCountInString(Marker), syn)
	return strings.TrimRightFunc(string(rs[:n]), isSpace) + Marker, true
}

// Fit is Cut without the report.
func Fit(text string, limit int, syn Syntax) string {
	out, _ := Cut(text, limit, syn)
	return out
}

// Split cuts text into pieces of at most limit characters (runes), at the last line break in
// the second half of a piece, else at its last space, else wherever syn and the character
// sequences allow. Every cut is marked with Marker on both sides. Space around the cuts and
// around the text is dropped; nothing else is. An empty text gives no pieces.
func Split(text string, limit int, syn Syntax) []string {
	rs := []rune(strings.TrimSpace(text))
	marker := utf8.RuneCountInString(Marker)
	var out []string
	for {
		for len(rs) > 0 && unicode.IsSpace(rs[0]) {
			rs = rs[1:]
		}
		if len(rs) == 0 {
			return out
		}
		lead := 0 // room for the marker that starts every piece but the first
		if len(out) > 0 {
			lead = marker
		}
		n := len(rs)
		if lead+n > limit {
			n = max(limit-lead-marker, 1)
			if i := lastBreak(rs[:n]); i > n/2 {
				n = i + 1
			}
			if safe := cutPoint(rs, n, syn); safe > 0 {
				n = safe
			} // else a limit too small for one escape: cut it, rather than never move on
		}
		piece := strings.TrimRightFunc(string(rs[:n]), unicode.IsSpace)
		rs = rs[n:]
		if len(out) > 0 {
			piece = Marker + piece
		}
		if slices.ContainsFunc(rs, func(r rune) bool { return !unicode.IsSpace(r) }) {
			piece += Marker
		}
		out = append(out, piece)
	}
}

// maxBackoff bounds how far a cut moves back to keep an escape or a character sequence whole;
// text that has no such place nearby is cut where it is.
const maxBackoff = 32

// cutPoint is the cut at or before n that ends, once the spaces before it are dropped, on a
// whole escape and a whole character sequence; 0 when there is none.
func cutPoint(rs []rune, n int, syn Syntax) int {
	for range maxBackoff {
		end := n
		for end > 0 && isSpace(rs[end-1]) {
			end--
		}
		if end == 0 {
			return 0
		}
		safe := end
		if syn != nil {
			safe = syn(rs, safe)
		}
		safe = boundary(rs, safe)
		if safe == end {
			return n
		}
		n = safe
	}
	return n
}

// boundary is the nearest place at or before n where rs may be cut without splitting what
// shows as one character; n itself when there is none within maxBackoff. It knows the common
// cases (combining marks, variation selectors, emoji modifiers and tags, zero-width joiners,
// flags), not all of Unicode's grapheme rules.
func boundary(rs []rune, n int) int {
	for i := n; i > 0 && i > n-maxBackoff; i-- {
		if breakable(rs, i) {
			return i
		}
	}
	return n
}

// breakable reports whether rs may be cut before rs[i].
func breakable(rs []rune, i int) bool {
	if i <= 0 || i >= len(rs) {
		return true
	}
	if extends(rs[i]) || rs[i-1] == zwj {
		return false
	}
	if regional(rs[i]) && regional(rs[i-1]) {
		run := 0
		for j := i - 1; j >= 0 && regional(rs[j]); j-- {
			run++
		}
		return run%2 == 0 // a flag is a pair of regional indicators
	}
	return true
}

const zwj = '\u200d'

// extends reports whether r belongs to the character before it.
func extends(r rune) bool {
	switch {
	case r == zwj,
		'\ufe00' <= r && r <= '\ufe0f', // variation selectors
		0x1f3fb <= r && r <= 0x1f3ff,   // skin tones
		0xe0020 <= r && r <= 0xe007f,   // tags (subdivision flags)
		0xe0100 <= r && r <= 0xe01ef:   // variation selectors supplement
		return true
	}
	return unicode.In(r, unicode.Mn, unicode.Me, unicode.Mc)
}

func regional(r rune) bool { return 0x1f1e6 <= r && r <= 0x1f1ff }

func isSpace(r rune) bool { return r == ' ' || r == '\n' || r == '\t' || r == '\r' }

// lastBreak is the index of the last line break in rs, else of the last space, else -1.
func lastBreak(rs []rune) int {
	space := -1
	for i := len(rs) - 1; i >= 0; i-- {
		switch rs[i] {
		case '\n':
			return i
		case ' ':
			if space < 0 {
				space = i
			}
		}
	}
	return space
}
