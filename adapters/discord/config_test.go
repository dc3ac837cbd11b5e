package discord

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestConfigValidate(t *testing.T) {
	ok := Config{Token: "t", GuildIDs: []string{"123"}, OwnerRoleIDs: []string{"456"}}
	tests := []struct {
		name string
		mod  func(*Config)
		want string
	}{
		{"valid", func(*Config) {}, ""},
		{"no token", func(c *Config) { c.Token = " " }, "DISCORD_BOT_TOKEN is empty"},
		{"shard out of range", func(c *Config) { c.ShardID, c.ShardCount = 2, 2 }, "DISCORD_SHARD_ID"},
		{"negative days", func(c *Config) { c.OwnerMinMemberDays = -1 }, "OWNER_MIN_MEMBER_DAYS"},
		{"bad URL", func(c *Config) { c.APIURL = "ftp://x" }, "DISCORD_API_URL"},
		{"bad guild id", func(c *Config) { c.GuildIDs = []string{"general"} }, "DISCORD_GUILD_IDS"},
		{"bad role id", func(c *Config) { c.OwnerRoleIDs = []string{"<@&1>"} }, "OWNER_ROLE_IDS"},
		{"restrictions without servers", func(c *Config) { c.GuildIDs = nil }, "need DISCORD_GUILD_IDS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ok
			tt.mod(&c)
			err := c.Validate()
			if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
				t.Errorf("Validate() = %v, want %q", err, tt.want)
			}
		})
	}
	if s := (Config{Token: "secret-token"}).String(); strings.Contains(s, "secret-token") {
		t.Errorf("String() shows the token: %s", s)
	}
}

// TestRewrite: requests for discord.com go to DISCORD_API_URL, under its path prefix; a
// documented "/api" or "/api/v10" suffix is not doubled; other hosts are left alone.
func TestRewrite(t *testing.T) {
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.Host+" "+r.URL.RequestURI())
	}))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	tests := []struct{ apiURL, want string }{
		{srv.URL, host + " /api/v9/users/@me?x=1"},
		{srv.URL + "/", host + " /api/v9/users/@me?x=1"},
		{srv.URL + "/proxy/discord", host + " /proxy/discord/api/v9/users/@me?x=1"},
		{srv.URL + "/proxy/api", host + " /proxy/api/v9/users/@me?x=1"},
		{srv.URL + "/api/v10/", host + " /api/v9/users/@me?x=1"},
	}
	for _, tt := range tests {
		got = nil
		base, err := Config{Token: "t", APIURL: tt.apiURL}.apiBase()
		if err != nil {
			t.Fatal(err)
		}
		client := &http.Client{Transport: &rewrite{base: http.DefaultTransport, target: base}}
		resp, err := client.Get("https://discord.com/api/v9/users/@me?x=1")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if len(got) != 1 || got[0] != tt.want {
			t.Errorf("%s: requested %v, want %q", tt.apiURL, got, tt.want)
		}
	}
	if !discordHost("Discord.com.") || discordHost("example.com") || discordHost("discord.com.evil.example") {
		t.Error("discordHost")
	}
}
