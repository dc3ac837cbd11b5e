package bot

import (
	"regexp"
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
		{"@EVERYONE shouting", []string{"@EVERYONE"}},
		{"<@everyone and <@here", []string{"@everyone", "@here"}},
		{"<!channel> <!here> <!subteam^S0123>", []string{"<!channel>", "<!here>", "<!subteam"}},
		{"ping <@U123> and <@!456> and <@&789>", []string{"<@U123>", "<@!456>", "<@&789>"}},
		{"see <#C123|general>", []string{"<#C123"}},
		{"click <http://evil.example|here>", []string{"<http://"}},
		{"click <HTTPS://evil.example|here> or <Mailto:a@b.example|me>", []string{"<HTTPS://", "<Mailto:"}},
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

// live matches anything a platform would still treat as a mention or a link.
var live = regexp.MustCompile(`(?i)@(everyone|here|channel)|<[@!#]|<http|<mailto`)

func FuzzNeutralize(f *testing.F) {
	for _, s := range []string{"@everyone", "<@everyone", "<<@@here", "<!channel>", "<@U1>", "<#C1>", "<http://x|y>", "@@everyone", "<\u200b@here"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got := Neutralize(in)
		if m := live.FindString(got); m != "" {
			t.Fatalf("Neutralize(%q) = %q still has %q", in, got, m)
		}
	})
}
