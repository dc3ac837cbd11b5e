package conversation_test

import (
	"testing"

	"escalation-bot/conversation"
)

func TestCutRunes(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
		cut  bool
		clip string
	}{
		{"", 3, "", false, ""},
		{"abc", 3, "abc", false, "abc"},
		{"abcd", 3, "abc", true, "abc…"},
		{"Grüße", 3, "Grü", true, "Grü…"},
		{"日本語テキスト", 2, "日本", true, "日本…"},
		{"ab ", 2, "ab", true, "ab…"},
		{"abc", 0, "", true, "…"},
	}
	for _, tt := range tests {
		got, cut := conversation.CutRunes(tt.in, tt.n)
		if got != tt.want || cut != tt.cut {
			t.Errorf("CutRunes(%q, %d) = %q, %v; want %q, %v", tt.in, tt.n, got, cut, tt.want, tt.cut)
		}
		if clip := conversation.Clip(tt.in, tt.n); clip != tt.clip {
			t.Errorf("Clip(%q, %d) = %q, want %q", tt.in, tt.n, clip, tt.clip)
		}
	}
}
