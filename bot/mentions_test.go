package bot

import (
	"strings"
	"testing"
)

func TestNeutralize(t *testing.T) {
	tests := []struct {
		in     string
		banned []string
	}{
		{"hey @everyone look", []string{"@everyone"}},
		{"@here now", []string{"@here"}},
		{"<!channel> <!here> <!subteam^S0123>", []string{"<!channel>", "<!here>", "<!subteam"}},
		{"ping <@U123> and <@!456> and <@&789>", []string{"<@U123>", "<@!456>", "<@&789>"}},
		{"see <#C123|general>", []string{"<#C123"}},
		{"click <http://evil.example|here>", []string{"<http://"}},
		{"no mentions at all 🚗 مرحبا", nil},
	}
	for _, tt := range tests {
		got := Neutralize(tt.in)
		for _, b := range tt.banned {
			if strings.Contains(got, b) {
				t.Errorf("Neutralize(%q) = %q, still contains %q", tt.in, got, b)
			}
		}
		if plain := strings.ReplaceAll(got, zwsp, ""); plain != tt.in {
			t.Errorf("Neutralize(%q) changed the visible text: %q", tt.in, plain)
		}
	}
}
