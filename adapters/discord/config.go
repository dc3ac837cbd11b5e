// Package discord is the Discord adapter: owners talk to the bot in a DM (or start with
// /escalate in a community server), executives work the case cards in an escalation channel,
// moderators use /escalations. It speaks the Gateway (DMs, interactions) and the REST API
// through discordgo, and only translates: dialogue, cases and permissions stay in the core
// (package bot).
package discord

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"escalation-bot/redact"
)

// Platform is the identity prefix of Discord users: "discord:<user id>".
const Platform = "discord"

// Config connects the adapter to one Discord application.
type Config struct {
	Token               string   // DISCORD_BOT_TOKEN
	APIURL              string   // DISCORD_API_URL: REST base (a REST proxy, tests); empty: Discord's
	ShardID, ShardCount int      // DISCORD_SHARD_ID / DISCORD_SHARD_COUNT (one shard per replica)
	GuildIDs            []string // DISCORD_GUILD_IDS: the servers served; only their roles and memberships count
	OwnerRoleIDs        []string // OWNER_ROLE_IDS: only members with one of these roles may open a case
	OwnerMinMemberDays  int      // OWNER_MIN_MEMBER_DAYS: minimum server membership age to open a case
	// ThreadReplies (DISCORD_THREAD_REPLIES) relays what the claimer writes in a case card's
	// thread to the owner. It needs the privileged Message Content intent, switched on for the
	// application in the Developer Portal; off, the Reply button is the way to write.
	ThreadReplies bool
}

var snowflake = regexp.MustCompile(`^[0-9]{1,20}$`)

// Validate says what is wrong, naming the environment variables an operator sets. It never
// repeats the token.
func (c Config) Validate() error {
	var errs []error
	if strings.TrimSpace(c.token()) == "" {
		errs = append(errs, errors.New("discord: DISCORD_BOT_TOKEN is empty"))
	}
	if c.ShardCount < 0 || c.ShardID < 0 || c.ShardID >= max(c.ShardCount, 1) {
		errs = append(errs, fmt.Errorf("discord: DISCORD_SHARD_ID %d must be at least 0 and below DISCORD_SHARD_COUNT %d", c.ShardID, max(c.ShardCount, 1)))
	}
	if c.OwnerMinMemberDays < 0 {
		errs = append(errs, fmt.Errorf("discord: OWNER_MIN_MEMBER_DAYS %d is negative", c.OwnerMinMemberDays))
	}
	if c.ownerRestricted() && len(c.GuildIDs) == 0 {
		errs = append(errs, errors.New("discord: OWNER_ROLE_IDS and OWNER_MIN_MEMBER_DAYS need DISCORD_GUILD_IDS, the servers whose memberships count"))
	}
	if _, err := c.apiBase(); err != nil {
		errs = append(errs, err)
	}
	for _, l := range []struct {
		name string
		ids  []string
	}{{"DISCORD_GUILD_IDS", c.GuildIDs}, {"OWNER_ROLE_IDS", c.OwnerRoleIDs}} {
		for _, id := range l.ids {
			if !snowflake.MatchString(id) {
				errs = append(errs, fmt.Errorf("discord: %s holds %q, which is not a Discord id (digits only)", l.name, id))
			}
		}
	}
	return errors.Join(errs...)
}

// token is the bot token without the "Bot " prefix an operator may have copied with it.
func (c Config) token() string {
	return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(c.Token), "Bot "))
}

// configuredGuild reports whether guild is one of DISCORD_GUILD_IDS: the only servers whose
// roles, permissions and memberships the adapter trusts.
func (c Config) configuredGuild(guild string) bool {
	return guild != "" && slices.Contains(c.GuildIDs, guild)
}

// shards is the shard count discordgo identifies with.
func (c Config) shards() int { return max(c.ShardCount, 1) }

// ownerRestricted reports whether opening a case needs a role or a membership age.
func (c Config) ownerRestricted() bool { return len(c.OwnerRoleIDs) > 0 || c.OwnerMinMemberDays > 0 }

// apiBase is the URL that replaces https://discord.com in REST requests, or nil for Discord
// itself. Discord documents its base as https://discord.com/api, so a trailing /api or
// /api/v<n> is dropped: discordgo adds /api/v9 itself.
func (c Config) apiBase() (*url.URL, error) {
	raw := strings.TrimSpace(c.APIURL)
	if raw == "" {
		return nil, nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("discord: DISCORD_API_URL %q is not an http(s) URL", redact.URL(raw))
	}
	p := strings.TrimRight(u.Path, "/")
	if i := strings.LastIndex(p, "/api"); i >= 0 && apiSuffix.MatchString(p[i:]) {
		p = p[:i]
	}
	u.Path, u.RawPath, u.RawQuery, u.Fragment, u.User = p, "", "", "", nil
	return u, nil
}

var apiSuffix = regexp.MustCompile(`^/api(/v[0-9]+)?$`)

// String keeps the token out of anything that prints a Config.
func (c Config) String() string {
	return fmt.Sprintf("discord.Config{Token: %s, APIURL: %q, Shard: %d/%d, GuildIDs: %v, OwnerRoleIDs: %v, OwnerMinMemberDays: %d}",
		redact.Token(c.Token), redact.URL(c.APIURL), c.ShardID, c.shards(), c.GuildIDs, c.OwnerRoleIDs, c.OwnerMinMemberDays)
}

// LogValue keeps the token out of structured logs.
func (c Config) LogValue() slog.Value { return slog.StringValue(c.String()) }
