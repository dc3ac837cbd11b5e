package bot

import (
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func TestClean(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain text", "My 2019 Model 3, VIN 5YJ3E1EA2KF317000, 45,000 km; ticket SR-1234567 (since 3/4).", "My 2019 Model 3, VIN 5YJ3E1EA2KF317000, 45,000 km; ticket SR-1234567 (since 3/4)."},
		{"other scripts and emoji", "مرحبا 🚗 Grüße 日本語", "مرحبا 🚗 Grüße 日本語"},
		{"newline and tab kept", "line one\n\tline two", "line one\n\tline two"},
		{"right-to-left override", "invoice\u202Efdp.exe", "invoicefdp.exe"},
		{"every bidi control", "a\u202Ab\u202Bc\u202Cd\u202De\u202Ef\u2066g\u2067h\u2068i\u2069j\u200Ek\u200Fl\u061Cm", "abcdefghijklm"},
		{"NUL", "brakes\x00 fail", "brakes fail"},
		{"C0 controls", "a\x01b\x07c\x08d\x0be\x0cf\x1fg\x7fh", "abcdefgh"},
		{"C1 controls", "a\u0080b\u0085c\u009fd", "abcd"},
		{"ANSI colour", "\x1b[31mred\x1b[0m text", "red text"},
		{"ANSI with parameters", "\x1b[1;38;5;200mbold\x1b[K", "bold"},
		{"ANSI private mode", "\x1b[?25lhidden cursor", "hidden cursor"},
		{"8-bit CSI", "\u009b31mred", "red"},
		{"unfinished CSI", "end\x1b[12", "end"},
		{"CSI cut by a letter of another script", "\x1b[3éa", "éa"},
		{"other escape loses its ESC", "\x1bcreset", "creset"},
		{"lone ESC", "\x1b", ""},
		{"CRLF", "one\r\ntwo", "one\ntwo"},
		{"lone CR", "one\rtwo", "one\ntwo"},
		{"invalid UTF-8", "ok\xff\xfeok", "ok\uFFFD\uFFFDok"},
		{"fullwidth everyone", "\uFF20everyone look", "@" + zwsp + "everyone look"},
		{"fullwidth channel", "\uFF1C!channel\uFF1E", "<" + zwsp + "!channel>"},
		{"small commercial at", "\uFE6Bhere", "@" + zwsp + "here"},
		{"fullwidth letters", "\uFF20\uFF45\uFF56\uFF45\uFF52\uFF59\uFF4F\uFF4E\uFF45", "@" + zwsp + "everyone"},
		{"fullwidth VIN and digits", "\uFF15\uFF39\uFF2A\uFF13 \uFF14\uFF15\uFF10\uFF10\uFF10 km", "5YJ3 45000 km"},
		{"bidi inside a mention", "@every\u202Eone", "@" + zwsp + "everyone"},
		{"control inside a mention", "<\x00@U123>", "<" + zwsp + "@U123>"},
		{"ANSI inside a mention", "@\x1b[1meveryone", "@" + zwsp + "everyone"},
		{"Slack user mention", "<@U123> help", "<" + zwsp + "@U123> help"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Clean(tt.in)
			if got != tt.want {
				t.Errorf("Clean(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if again := Clean(got); again != got {
				t.Errorf("Clean(Clean(%q)) = %q, want %q", tt.in, again, got)
			}
		})
	}
}

func BenchmarkClean(b *testing.B) {
	text := strings.Repeat("My 2019 Model 3 won't charge since Tuesday; 45,000 km. ", 20)
	b.ReportAllocs()
	for b.Loop() {
		Clean(text)
	}
}

// controlOrBidi reports a character Clean must never leave in its output.
func controlOrBidi(r rune) bool { return r == '\r' || dropped(r) }

func FuzzClean(f *testing.F) {
	for _, s := range []string{
		"plain", "5YJ3E1EA2KF317000", "@everyone", "\uFF20everyone", "\uFF1C!channel\uFF1E", "\uFE6Bhere",
		"a\u202Eb", "\x00", "\x1b[31mred\x1b[0m", "\u009b1m", "\x1b[", "one\r\ntwo", "\xff", "<\x00@here",
		"@every\u202Eone", "e\x00\u0301", "\u2474", "\u01C4", "\uFDFA", "<\u0338@", "\u1100\x00\u1161",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got := Clean(in)
		if !utf8.ValidString(got) {
			t.Fatalf("Clean(%q) = %q is not UTF-8", in, got)
		}
		if i := strings.IndexFunc(got, controlOrBidi); i >= 0 {
			t.Fatalf("Clean(%q) = %q keeps %U", in, got, []rune(got[i:])[0])
		}
		if m := live.FindString(got); m != "" {
			t.Fatalf("Clean(%q) = %q has the live mention %q", in, got, m)
		}
		if !norm.NFKC.IsNormalString(got) {
			t.Fatalf("Clean(%q) = %q is not NFKC", in, got)
		}
		if again := Clean(got); again != got {
			t.Fatalf("Clean is not idempotent: Clean(%q) = %q, Clean of that = %q", in, got, again)
		}
		// Printable ASCII (VINs, numbers, ticket ids) reads the same afterwards.
		if printableASCII(in) {
			if plain := strings.ReplaceAll(got, zwsp, ""); plain != in {
				t.Fatalf("Clean(%q) changed ASCII text: %q", in, plain)
			}
		}
	})
}

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 0x20 || c > 0x7e) && c != '\n' && c != '\t' {
			return false
		}
	}
	return true
}
