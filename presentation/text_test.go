package presentation

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// entities escapes as Slack's mrkdwn does: every escaped character takes four or five.
var entities = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace

// backslashed escapes markdown punctuation with a backslash, as Discord's renderer does.
func backslashed(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`\*_~|`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func TestCut(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		limit int
		syn   Syntax
		want  string
		cut   bool
	}{
		{"short", "hello", 10, nil, "hello", false},
		{"exact limit", "hello", 5, nil, "hello", false},
		{"one over", "hello!", 5, nil, "hell…", true},
		{"spaces before the marker dropped", "hello world", 7, nil, "hello…", true},
		{"no break at all", strings.Repeat("x", 20), 10, nil, "xxxxxxxxx…", true},
		{"zero", "x", 0, nil, "", true},
		{"negative", "x", -3, nil, "", true},
		{"one: only the marker", "xy", 1, nil, "…", true},
		{"empty", "", 0, nil, "", false},
		{"multi-byte counts once", "ééééé", 3, nil, "éé…", true},
		{"multi-byte exact", "ééééé", 5, nil, "ééééé", false},
		{"escaped text fits", entities("a<b"), 6, Entities, "a&lt;b", false},
		{"entity kept whole", entities("ab&cd"), 6, Entities, "ab…", true},
		{"entity ends at the cut", entities("a<bcdef"), 6, Entities, "a&lt;…", true},
		{"entity escaping expands past the limit", entities("<<<<"), 10, Entities, "&lt;&lt;…", true},
		{"no dangling backslash", `abc\*def`, 5, Backslashes, "abc…", true},
		{"an escaped backslash kept", `ab\\cdef`, 5, Backslashes, `ab\\…`, true},
		{"backslash before a space", `ab\ cdef`, 5, Backslashes, "ab…", true},
		{"emoji with skin tone kept whole", "ok 👍🏽👍🏽", 6, nil, "ok 👍🏽…", true},
		{"emoji with skin tone not split", "ok 👍🏽👍🏽", 5, nil, "ok…", true},
		{"family emoji not split at a joiner", "a👩\u200d👩\u200d👧", 5, nil, "a…", true},
		{"flag pair kept whole", "🇩🇪🇫🇷🇪🇸", 4, nil, "🇩🇪…", true},
		{"combining accent kept with its letter", "cafe\u0301s", 5, nil, "caf…", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, cut := Cut(tt.text, tt.limit, tt.syn)
			if got != tt.want || cut != tt.cut {
				t.Errorf("Cut(%q, %d) = %q, %v; want %q, %v", tt.text, tt.limit, got, cut, tt.want, tt.cut)
			}
			if n := utf8.RuneCountInString(got); n > max(tt.limit, 0) {
				t.Errorf("Cut(%q, %d) has %d characters", tt.text, tt.limit, n)
			}
			if Fit(tt.text, tt.limit, tt.syn) != got {
				t.Error("Fit differs from Cut")
			}
		})
	}
}

func TestSplit(t *testing.T) {
	words := strings.Repeat("lorem ipsum dolor ", 600) // 10,800 characters
	tests := []struct {
		name   string
		text   string
		limit  int
		syn    Syntax
		pieces []string // nil: only count
		count  int
	}{
		{name: "empty", text: "  \n ", limit: 100, count: 0},
		{name: "one piece", text: " short text\n", limit: 100, pieces: []string{"short text"}},
		{name: "exact limit", text: "abcde", limit: 5, pieces: []string{"abcde"}},
		{name: "one over: no break", text: "abcdef", limit: 5, pieces: []string{"abcd…", "…ef"}},
		{name: "at a space in the second half", text: "abcdef ghij", limit: 9, pieces: []string{"abcdef…", "…ghij"}},
		{name: "a line break wins over a later space", text: "abcd\nef gh ijkl", limit: 12, pieces: []string{"abcd\nef gh…", "…ijkl"}},
		{name: "a break in the first half is ignored", text: "a bcdefghijklmn", limit: 8, pieces: []string{"a bcdef…", "…ghijkl…", "…mn"}},
		{name: "words", text: words, limit: 3000, count: 4},
		{name: "no spaces", text: strings.Repeat("x", 7000), limit: 3000, count: 3},
		{name: "entities count", text: entities(strings.Repeat("<>", 1000)), limit: 3000, syn: Entities, count: 3},
		{name: "backslashes count", text: backslashed(strings.Repeat("*", 1500)), limit: 2000, syn: Backslashes, count: 2},
		{name: "multi-byte", text: strings.Repeat("日本語", 1000), limit: 2000, count: 2},
		{name: "emoji", text: strings.Repeat("👍🏽", 10), limit: 7, count: 4},
		{name: "limit too small for anything", text: "abc", limit: 1, count: 3},
		{name: "limit too small for an entity", text: entities("<<"), limit: 3, syn: Entities, count: 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Split(tt.text, tt.limit, tt.syn)
			if tt.pieces != nil {
				if strings.Join(got, "|") != strings.Join(tt.pieces, "|") {
					t.Fatalf("Split = %q, want %q", got, tt.pieces)
				}
			} else if len(got) != tt.count {
				t.Fatalf("Split gave %d pieces, want %d", len(got), tt.count)
			}
			checkPieces(t, tt.text, tt.limit, tt.syn, got)
		})
	}
}

// checkPieces checks what Split promises of any text.
func checkPieces(t *testing.T, text string, limit int, syn Syntax, pieces []string) {
	t.Helper()
	var joined strings.Builder
	for i, p := range pieces {
		if n := utf8.RuneCountInString(p); limit > 2 && n > limit {
			t.Errorf("piece %d has %d characters, limit %d", i, n, limit)
		}
		body := p
		if i > 0 {
			var ok bool
			if body, ok = strings.CutPrefix(body, Marker); !ok {
				t.Errorf("piece %d does not start with the marker: %.20q", i, p)
			}
		}
		if i < len(pieces)-1 {
			var ok bool
			if body, ok = strings.CutSuffix(body, Marker); !ok {
				t.Errorf("piece %d does not end with the marker", i)
			}
			rs := []rune(body)
			if syn != nil && limit > 2+maxEntity && syn(rs, len(rs)) != len(rs) {
				t.Errorf("piece %d ends inside an escape: %q", i, body[max(0, len(body)-12):])
			}
		}
		if strings.TrimSpace(body) == "" {
			t.Errorf("piece %d is empty", i)
		}
		joined.WriteString(body)
	}
	// Nothing is lost but the space at the cuts.
	strip := func(s string) string { return strings.Join(strings.Fields(s), "") }
	if strip(joined.String()) != strip(text) {
		t.Errorf("the pieces do not add up to the text")
	}
}

func FuzzSplitAndCut(f *testing.F) {
	for _, s := range []string{"", "hello world", "a&lt;b&amp;c", `x\\\*y`, "👩\u200d👩\u200d👧 🇩🇪🇫🇷", "cafe\u0301\nline two", "\xff\xfe"} {
		f.Add(s, 5, uint8(0))
		f.Add(s, 12, uint8(1))
		f.Add(s, 3, uint8(2))
	}
	// Each syntax with the escaping that makes text of it, as the adapters escape before they cut.
	syntaxes := []struct {
		syn    Syntax
		escape func(string) string
	}{{nil, func(s string) string { return s }}, {Entities, entities}, {Backslashes, backslashed}}
	f.Fuzz(func(t *testing.T, raw string, limit int, which uint8) {
		limit %= 200
		pick := syntaxes[int(which)%len(syntaxes)]
		syn, text := pick.syn, pick.escape(strings.ToValidUTF8(raw, "\uFFFD"))
		got, cut := Cut(text, limit, syn)
		if n := utf8.RuneCountInString(got); n > max(limit, 0) {
			t.Fatalf("Cut(%q, %d) has %d characters", text, limit, n)
		}
		if !cut && got != text || cut && limit > 0 && !strings.HasSuffix(got, Marker) {
			t.Fatalf("Cut(%q, %d) = %q, %v", text, limit, got, cut)
		}
		if cut && !strings.HasPrefix(text, strings.TrimSuffix(got, Marker)) {
			t.Fatalf("Cut(%q, %d) = %q is not a prefix", text, limit, got)
		}
		if limit < 1 {
			return
		}
		checkPieces(t, text, limit, syn, Split(text, limit, syn))
	})
}
