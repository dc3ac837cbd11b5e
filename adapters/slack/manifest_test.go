package slack

import (
	"os"
	"slices"
	"testing"

	"github.com/goccy/go-yaml"
)

// TestManifests: both manifests parse, ask for the same scopes and events, and differ only
// in how Slack reaches the bot.
func TestManifests(t *testing.T) {
	type command struct {
		Command      string `yaml:"command"`
		URL          string `yaml:"url"`
		UsageHint    string `yaml:"usage_hint"`
		ShouldEscape bool   `yaml:"should_escape"`
	}
	type manifest struct {
		Features struct {
			BotUser struct {
				DisplayName string `yaml:"display_name"`
			} `yaml:"bot_user"`
			SlashCommands []command `yaml:"slash_commands"`
		} `yaml:"features"`
		OAuth struct {
			Scopes struct {
				Bot []string `yaml:"bot"`
			} `yaml:"scopes"`
		} `yaml:"oauth_config"`
		Settings struct {
			Events struct {
				RequestURL string   `yaml:"request_url"`
				BotEvents  []string `yaml:"bot_events"`
			} `yaml:"event_subscriptions"`
			Interactivity struct {
				Enabled    bool   `yaml:"is_enabled"`
				RequestURL string `yaml:"request_url"`
			} `yaml:"interactivity"`
			OrgDeploy  bool `yaml:"org_deploy_enabled"`
			SocketMode bool `yaml:"socket_mode_enabled"`
		} `yaml:"settings"`
	}
	scopes := []string{"app_mentions:read", "channels:history", "chat:write", "commands", "files:read", "files:write", "groups:history", "im:history", "im:read", "im:write", "usergroups:read", "users:read", "users:read.email"}
	tests := []struct {
		file   string
		socket bool
		base   string
	}{
		{"manifest.yaml", true, ""},
		{"manifest-http.yaml", false, "https://bot.example.com"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			raw, err := os.ReadFile(tt.file)
			if err != nil {
				t.Fatal(err)
			}
			var m manifest
			if err := yaml.Unmarshal(raw, &m); err != nil {
				t.Fatal(err)
			}
			s := m.Settings
			if s.SocketMode != tt.socket || s.OrgDeploy || !s.Interactivity.Enabled || m.Features.BotUser.DisplayName == "" {
				t.Errorf("settings = %+v", s)
			}
			got := slices.Sorted(slices.Values(m.OAuth.Scopes.Bot))
			if !slices.Equal(got, scopes) {
				t.Errorf("scopes = %v, want %v", got, scopes)
			}
			if events := slices.Sorted(slices.Values(s.Events.BotEvents)); !slices.Equal(events, []string{"app_mention", "message.channels", "message.groups", "message.im"}) {
				t.Errorf("events = %v", events)
			}
			want := map[string]string{"events": s.Events.RequestURL, "interactions": s.Interactivity.RequestURL}
			for path, url := range want {
				if tt.base == "" && url != "" || tt.base != "" && url != tt.base+"/slack/"+path {
					t.Errorf("%s request URL = %q", path, url)
				}
			}
			var names []string
			for _, c := range m.Features.SlashCommands {
				names = append(names, c.Command)
				if c.UsageHint == "" {
					t.Errorf("%s has no usage hint", c.Command)
				}
				if tt.base != "" && c.URL != tt.base+"/slack/commands" {
					t.Errorf("%s URL = %q", c.Command, c.URL)
				}
				if c.Command == commandEscalations && !c.ShouldEscape {
					t.Errorf("%s must escape user names so that assign gets user ids", c.Command)
				}
			}
			if !slices.Equal(names, []string{commandEscalate, commandEscalations}) {
				t.Errorf("commands = %v", names)
			}
		})
	}
}
