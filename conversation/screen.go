package conversation

import (
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The rules' expressions are long alternations, and most messages match none of them: running
// one costs the message's length times the expression's size. A screen is the words one of
// every match contains, read off the expression itself; when the message contains none of them
// the expression cannot match and does not run. Text and words are compared folded (see foldCase),
// as (?i) compares them, so the screen never turns away a match.

// screen is an expression with the literals one of which every match contains.
type screen struct {
	re *regexp.Regexp
	// any holds folded literals; nil when the expression has no such set (it may match
	// anything), and then it always runs.
	any []string
}

func newScreen(re *regexp.Regexp) screen {
	return screen{re: re, any: requiredOf(re.String())}
}

// requiredOf is the union of what every match of each of exprs contains: what a match of
// their alternation contains. Reading them one by one keeps the parser from factoring their
// common first letters out of the words ("Tesla 3", "the 3": "T", then "esla 3" or "he 3").
// nil when one of them has nothing required.
func requiredOf(exprs ...string) []string {
	var union []string
	for _, expr := range exprs {
		parsed, err := syntax.Parse(expr, syntax.Perl)
		if err != nil {
			return nil // the expression compiled from the same text, so this does not happen
		}
		lits := required(parsed.Simplify())
		if lits == nil {
			return nil
		}
		for _, l := range lits {
			union = appendUnique(union, l)
		}
	}
	return union
}

// may reports whether the expression can match a text whose fold is folded.
func (s screen) may(folded string) bool {
	if s.any == nil {
		return true
	}
	for _, lit := range s.any {
		if strings.Contains(folded, lit) {
			return true
		}
	}
	return false
}

// maxClassRunes bounds the character classes read as a set of one-rune strings ("['’]"), and
// maxExact the sets of strings a part is known to match exactly.
const (
	maxClassRunes = 4
	maxExact      = 16
)

func required(re *syntax.Regexp) []string {
	exact, any := literals(re)
	if exact != nil {
		any = exact
	}
	if slices.Contains(any, "") {
		return nil // every text contains the empty string: no screen
	}
	return any
}

// literals reads what re matches: exact, when it is known, is every string it can match
// (folded); otherwise any, when known, holds strings one of which every match contains. A
// concatenation joins the exact sets of neighbouring parts ("won" "'?" "t": WONT, WON'T,
// WON’T) and otherwise needs what its most telling part needs; an alternation needs what one
// of its branches needs.
func literals(re *syntax.Regexp) (exact, any []string) {
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return []string{""}, nil // zero width
	case syntax.OpLiteral:
		return []string{foldCase(string(re.Rune))}, nil
	case syntax.OpCharClass:
		// Pairs of ranges; a small class is a few one-rune strings.
		var set []string
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				if len(set) == maxClassRunes {
					return nil, nil
				}
				set = appendUnique(set, foldCase(string(r)))
			}
		}
		return set, nil
	case syntax.OpCapture:
		return literals(re.Sub[0])
	case syntax.OpQuest:
		if exact, _ := literals(re.Sub[0]); exact != nil {
			return appendUnique(exact, ""), nil
		}
		return nil, nil
	case syntax.OpPlus:
		return nil, contained(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return nil, contained(re.Sub[0])
		}
		return nil, nil
	case syntax.OpConcat:
		var best, run []string
		exactAll := true
		consider := func(set []string) {
			if set != nil && !slices.Contains(set, "") && (best == nil || telling(set) > telling(best)) {
				best = set
			}
		}
		for i, sub := range re.Sub {
			e, a := literals(sub)
			switch {
			case e != nil && (i == 0 || run != nil) && len(run)*len(e) <= maxExact:
				run = cross(run, e, i == 0)
			case e != nil:
				consider(run)
				run, exactAll = e, false
			default:
				consider(run)
				consider(a)
				run, exactAll = nil, false
			}
		}
		if exactAll {
			return run, nil
		}
		consider(run)
		return nil, best
	case syntax.OpAlternate:
		var union []string
		exactAll := true
		for _, sub := range re.Sub {
			e, a := literals(sub)
			if e == nil {
				exactAll, e = false, a
			}
			if e == nil {
				return nil, nil
			}
			for _, l := range e {
				union = appendUnique(union, l)
			}
		}
		if exactAll && len(union) <= maxExact {
			return union, nil
		}
		if slices.Contains(union, "") {
			return nil, nil
		}
		return nil, union
	}
	return nil, nil
}

// contained is what every match of re contains: its exact strings, or its required ones.
func contained(re *syntax.Regexp) []string {
	if exact, any := literals(re); exact != nil {
		return exact
	} else {
		return any
	}
}

// cross is every string of a followed by one of b; first: a is not started yet.
func cross(a, b []string, first bool) []string {
	if first {
		return slices.Clone(b)
	}
	var out []string
	for _, x := range a {
		for _, y := range b {
			out = appendUnique(out, x+y)
		}
	}
	return out
}

// telling ranks a set of literals by its shortest one: the longer, the rarer a text holds it.
func telling(lits []string) int {
	n := -1
	for _, l := range lits {
		if c := utf8.RuneCountInString(l); n < 0 || c < n {
			n = c
		}
	}
	return n
}

// foldCase maps every rune of s to the least rune of its case-folding orbit, as the expression
// parser does with the literals of (?i): "k", "K" and the Kelvin sign all become "K". A text
// matches a literal ignoring case exactly when its fold contains the literal's.
func foldCase(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		// In ASCII the least rune of an orbit is the capital.
		return strings.ToUpper(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		b.WriteRune(foldRune(r))
	}
	return b.String()
}

func foldRune(r rune) rune {
	least := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		least = min(least, f)
	}
	return least
}
