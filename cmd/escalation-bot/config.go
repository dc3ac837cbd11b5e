package main

import (
	"escalation-bot/bot"
	"escalation-bot/conversation"

	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"escalation-bot/redact"
)

// Config is the whole configuration, read from environment variables and flags (flags win).
type Config struct {
	HTTPAddr      string
	PprofAddr     string
	RedisURL      string
	Tenant        string
	Playground    string // "auto", "true" or "false"
	FlowFile      string
	Language      string // the operator's: executives read cases in it; "" is the flow's own
	Channels      []string
	Moderators    []string
	Claimers      []string
	SessionTTL    time.Duration
	RateLimit     int64
	RateWindow    time.Duration
	LogLevel      slog.Level
	LogFormat     string
	ShutdownAfter time.Duration

	Clocks Clocks

	PatternAlertAt int
	DigestAt       *bot.Daily
	Retention      time.Duration

	FileMaxBytes int64
	FileTTL      time.Duration

	WebhookURLs   []string
	WebhookSecret string

	Ownership OwnershipConfig

	OpenAI          OpenAIConfig
	Discord         DiscordConfig
	Slack           SlackConfig
	ModeratorsSlack []string
	ClaimersSlack   string
}

// Clocks are the case clocks and the owner's verdict; a zero duration turns one off.
type Clocks struct {
	RemindUnclaimed, EscalateUnclaimed, RemindSilent time.Duration
	ConfirmWithin, Cooldown                          time.Duration
	SupportHours                                     bot.Hours
	OnCall, BackupChannels                           []string
}

// OwnershipConfig is how the line checks that owners own their vehicles.
type OwnershipConfig struct {
	Mode              bot.VerifyMode
	URL, Secret, File string
	TTL, Timeout      time.Duration
}

// SlackConfig is the Slack part of the configuration.
type SlackConfig struct {
	BotToken, AppToken, SigningSecret, APIURL string
}

// OpenAIConfig is the language-model part of the configuration.
type OpenAIConfig struct {
	APIKey, BaseURL, Model string
	Timeout                time.Duration
	RedactPII              bool
}

// On reports whether summaries and extraction use a model.
func (o OpenAIConfig) On() bool { return o.APIKey != "" }

// DiscordConfig is the Discord part of the configuration.
type DiscordConfig struct {
	Token, APIURL                    string
	ShardID, ShardCount              int
	GuildIDs, OwnerRoleIDs           []string
	ModeratorRoleIDs, ClaimerRoleIDs []string
	OwnerMinMemberDays               int
	ThreadReplies                    bool
}

// On reports whether Discord is configured.
func (d DiscordConfig) On() bool { return d.Token != "" }

// On reports whether Slack is configured.
func (s SlackConfig) On() bool { return s.BotToken != "" }

// setting is one configuration variable with its flag, default and description; the table
// drives parsing, --help and the README alike.
type setting struct {
	env, flag, def, help string
	set                  func(c *Config, v string) error
}

// secret reports whether a setting's value must never be shown back: tokens, secrets, keys.
func (s setting) secret() bool {
	return strings.HasSuffix(s.env, "_TOKEN") || strings.HasSuffix(s.env, "_SECRET") || strings.HasSuffix(s.env, "_KEY")
}

func settings() []setting {
	return []setting{
		{"HTTP_ADDR", "http-addr", "127.0.0.1:8080", "address of the HTTP server (health, metrics, playground, Slack HTTP mode); keep it private: /metrics has no login",
			func(c *Config, v string) error { c.HTTPAddr = v; return nil }},
		{"PPROF_ADDR", "pprof-addr", "", "address of a second HTTP server with Go's profiler (/debug/pprof/), e.g. 127.0.0.1:6060; empty: off. Keep it private: it has no login",
			func(c *Config, v string) error { c.PprofAddr = v; return nil }},
		{"REDIS_URL", "redis-url", "", "redis://, rediss://, unix://, redis-sentinel://h1,h2/master or redis-cluster://h1,h2; empty: embedded in-process Redis, nothing kept",
			func(c *Config, v string) error { c.RedisURL = v; return checkRedisURL(v) }},
		{"REDIS_TENANT", "tenant", "default", "name inside the key hash tag esc:{tenant}:…, so deployments can share a Redis",
			func(c *Config, v string) error {
				if strings.ContainsAny(v, "{}: ") || v == "" {
					return fmt.Errorf("must be a non-empty word without braces, colons or spaces")
				}
				c.Tenant = v
				return nil
			}},
		{"PLAYGROUND", "playground", "auto", "serve the web playground: true, false, or auto (on when no chat platform is configured)",
			func(c *Config, v string) error {
				v = strings.ToLower(v)
				if v != "auto" && v != "true" && v != "false" {
					return fmt.Errorf("use true, false or auto")
				}
				c.Playground = v
				return nil
			}},
		{"FLOW_FILE", "flow-file", "", "YAML file that replaces the default intake flow",
			func(c *Config, v string) error { c.FlowFile = v; return nil }},
		{"LANGUAGE", "language", "", "the operator's language, in which executives read case cards, answers and template summaries: en, de, fr or es; empty: the flow's own (en for the default flow)",
			func(c *Config, v string) error {
				v = strings.ToLower(strings.TrimSpace(v))
				if v != "" && !slices.Contains(conversation.Languages(), v) {
					return fmt.Errorf("use one of %s", strings.Join(conversation.Languages(), ", "))
				}
				c.Language = v
				return nil
			}},
		{"ESCALATION_CHANNELS", "channels", "", "comma-separated escalation channels, platform-qualified (web:escalations, slack:C0123ABC, discord:1234); empty: web:escalations when the playground is on",
			func(c *Config, v string) error { c.Channels = list(v); return checkChannels(c.Channels) }},
		{"MODERATORS", "moderators", "", "comma-separated moderators: identities (web:dana), roles (role:123) or platform wildcards (web:*); empty: web:* (everyone in the playground) when the playground is on and no moderator is named",
			func(c *Config, v string) error { c.Moderators = list(v); return nil }},
		{"CLAIMERS", "claimers", "", "comma-separated users or roles who may claim cases; empty: anyone in the escalation channel",
			func(c *Config, v string) error { c.Claimers = list(v); return nil }},
		{"SESSION_TTL", "session-ttl", "168h", "how long an idle intake is kept",
			func(c *Config, v string) error { return positive(v, &c.SessionTTL) }},
		{"RATE_LIMIT", "rate-limit", "30", "messages an owner may send per RATE_WINDOW",
			func(c *Config, v string) error {
				n, err := strconv.ParseInt(v, 10, 64)
				if err != nil || n < 1 {
					return fmt.Errorf("must be a whole number above 0")
				}
				c.RateLimit = n
				return nil
			}},
		{"RATE_WINDOW", "rate-window", "1m", "window of RATE_LIMIT",
			func(c *Config, v string) error { return positive(v, &c.RateWindow) }},
		{"REMIND_UNCLAIMED_AFTER", "remind-unclaimed-after", "30m", "remind the on-call people of an unclaimed case after this long (support time), and again every such period; 0: off",
			func(c *Config, v string) error { return caseClock(v, &c.Clocks.RemindUnclaimed) }},
		{"ESCALATE_UNCLAIMED_AFTER", "escalate-unclaimed-after", "2h", "post a case still unclaimed after this long (support time) to ESCALATION_BACKUP_CHANNELS and tell its owner; 0: off",
			func(c *Config, v string) error { return caseClock(v, &c.Clocks.EscalateUnclaimed) }},
		{"ESCALATION_BACKUP_CHANNELS", "backup-channels", "", "comma-separated channels of the next tier, platform-qualified like ESCALATION_CHANNELS; empty: no escalation",
			func(c *Config, v string) error {
				c.Clocks.BackupChannels = list(v)
				return checkChannels(c.Clocks.BackupChannels)
			}},
		{"ONCALL", "oncall", "", "comma-separated people named in reminders and escalations: Slack user groups (group:S0123), Discord roles (role:123), identities (web:dana, slack:T1:U2, discord:123)",
			func(c *Config, v string) error { c.Clocks.OnCall = list(v); return nil }},
		{"REMIND_CLAIMED_SILENT_AFTER", "remind-claimed-silent-after", "4h", "remind a claimer, privately, who has written nothing to the owner this long (support time) after the claim or the owner's last message; 0: off",
			func(c *Config, v string) error { return caseClock(v, &c.Clocks.RemindSilent) }},
		{"SUPPORT_HOURS", "support-hours", "always", "when the clocks run, e.g. Mon-Fri 09:00-18:00 Europe/Berlin; owners who write outside them are told when to expect an answer",
			func(c *Config, v string) error {
				h, err := bot.ParseHours(v)
				c.Clocks.SupportHours = h
				return err
			}},
		{"CONFIRM_RESOLUTION_WITHIN", "confirm-resolution-within", "7d", "after Resolve the owner may confirm (and rate) or dispute the resolution this long; 0: owners are not asked",
			func(c *Config, v string) error { return caseClock(v, &c.Clocks.ConfirmWithin) }},
		{"COOLDOWN_AFTER_CASE", "cooldown-after-case", "0", "how long after a case ends its owner waits before opening another; 0: no wait",
			func(c *Config, v string) error { return caseClock(v, &c.Clocks.Cooldown) }},
		{"DIGEST_AT", "digest-at", "off", "when the escalation channels get the daily digest (open and waiting cases, SLA breaches, resolutions, ratings, patterns), e.g. 08:00 Europe/Berlin; off: never",
			func(c *Config, v string) error {
				d, ok, err := bot.ParseDaily(v)
				c.DigestAt = nil
				if ok {
					c.DigestAt = &d
				}
				return err
			}},
		{"PATTERN_ALERT_AT", "pattern-alert-at", "3", "tell the escalation channels (once a day per pattern) when this many open cases share model, model year and category; 0: never",
			func(c *Config, v string) error { return whole(v, &c.PatternAlertAt) }},
		{"FILE_MAX_BYTES", "file-max-bytes", "10485760", "the largest file (in bytes) an owner may send: photos (JPEG, PNG, GIF, WebP, HEIC), PDF and short videos (MP4, MOV); at most 104857600",
			func(c *Config, v string) error {
				n, err := strconv.ParseInt(v, 10, 64)
				if err != nil || n < 1 || n > 100<<20 {
					return fmt.Errorf("must be a number of bytes from 1 to 104857600 (100 MiB)")
				}
				c.FileMaxBytes = n
				return nil
			}},
		{"FILE_TTL", "file-ttl", "365d", "how long the files owners send are kept once they belong to a case (during the intake: SESSION_TTL)",
			func(c *Config, v string) error {
				x, err := bot.ParseDuration(v)
				if err != nil || x <= 0 {
					return fmt.Errorf("must be %s, above 0", bot.DurationSyntax)
				}
				c.FileTTL = x
				return nil
			}},
		{"RETENTION", "retention", "365d", "erase an ended case's personal data (the owner's words, answers, name, VIN, messages) this long after it ended, e.g. 90d or 52w (at most 1825d); off: keep until a moderator forgets the owner",
			func(c *Config, v string) error { return caseClock(v, &c.Retention) }},
		{"WEBHOOK_URLS", "webhook-urls", "", "comma-separated URLs that receive the case events (case.created, case.claimed, …) as signed JSON POSTs",
			func(c *Config, v string) error { c.WebhookURLs = list(v); return nil }},
		{"WEBHOOK_SECRET", "webhook-secret", "", "the secret that signs every webhook delivery (X-Escalation-Signature); required with WEBHOOK_URLS",
			func(c *Config, v string) error { c.WebhookSecret = v; return nil }},
		{"REQUIRE_VERIFIED_OWNER", "require-verified-owner", "off", "check that owners own the vehicle of their case: off; flag (the card shows ownership verified, not verified or pending); require (a case not verified is held, status pending, with no card until a moderator runs /escalations verify or approves the owner's registration photo)",
			func(c *Config, v string) error {
				m, err := bot.ParseVerifyMode(v)
				c.Ownership.Mode = m
				return err
			}},
		{"OWNER_VERIFY_URL", "owner-verify-url", "", "the maker's CRM that answers ownership checks: a signed JSON POST of identity, platform, vin and ticket, answered by a signed {\"verified\": true} or {\"verified\": false, \"reason\": \"…\"}",
			func(c *Config, v string) error { c.Ownership.URL = v; return checkHTTPURL(v) }},
		{"OWNER_VERIFY_SECRET", "owner-verify-secret", "", "the secret that signs ownership checks and their answers (X-Escalation-Signature, as the webhooks); required with OWNER_VERIFY_URL, at least 16 characters",
			func(c *Config, v string) error { c.Ownership.Secret = v; return nil }},
		{"OWNER_VERIFY_TTL", "owner-verify-ttl", "1h", "how long the CRM's answer is kept per identity and VIN",
			func(c *Config, v string) error { return positive(v, &c.Ownership.TTL) }},
		{"OWNER_VERIFY_TIMEOUT", "owner-verify-timeout", "2s", "how long one attempt to ask the CRM may take; it is asked up to 3 times, then ownership is unknown (pending)",
			func(c *Config, v string) error { return positive(v, &c.Ownership.Timeout) }},
		{"OWNERS_FILE", "owners-file", "", "CSV or YAML file of owners (identities or e-mail addresses) and their VINs, read again when it changes; instead of OWNER_VERIFY_URL (empty with the playground on: the playground's sample owners)",
			func(c *Config, v string) error { c.Ownership.File = v; return nil }},
		{"LOG_LEVEL", "log-level", "info", "debug, info, warn or error",
			func(c *Config, v string) error { return c.LogLevel.UnmarshalText([]byte(v)) }},
		{"LOG_FORMAT", "log-format", "text", "text or json",
			func(c *Config, v string) error {
				if v != "text" && v != "json" {
					return fmt.Errorf("use text or json")
				}
				c.LogFormat = v
				return nil
			}},
		{"SLACK_BOT_TOKEN", "slack-bot-token", "", "Slack bot token (xoxb-…); turns the Slack adapter on",
			func(c *Config, v string) error { c.Slack.BotToken = v; return prefixed(v, "xoxb-") }},
		{"SLACK_APP_TOKEN", "slack-app-token", "", "Slack app-level token (xapp-…) with connections:write: Socket Mode",
			func(c *Config, v string) error { c.Slack.AppToken = v; return prefixed(v, "xapp-") }},
		{"SLACK_SIGNING_SECRET", "slack-signing-secret", "", "Slack signing secret: HTTP mode (POST /slack/events, /slack/interactions, /slack/commands) when there is no SLACK_APP_TOKEN",
			func(c *Config, v string) error { c.Slack.SigningSecret = v; return nil }},
		{"SLACK_API_URL", "slack-api-url", "", "base URL of the Slack Web API (a proxy or an enterprise host); empty: https://slack.com/api/",
			func(c *Config, v string) error { c.Slack.APIURL = v; return checkHTTPURL(v) }},
		{"MODERATORS_SLACK", "moderators-slack", "", "comma-separated Slack moderators: user ids (U…) and user groups (S…)",
			func(c *Config, v string) error {
				c.ModeratorsSlack = list(v)
				return checkSlackIDs(c.ModeratorsSlack, "UWS")
			}},
		{"CLAIMERS_SLACK_USERGROUP", "claimers-slack-usergroup", "", "Slack user group (S…) whose members may claim cases; empty: anyone in the escalation channel",
			func(c *Config, v string) error { c.ClaimersSlack = v; return checkSlackIDs(list(v), "S") }},
		{"DISCORD_BOT_TOKEN", "discord-bot-token", "", "Discord bot token; turns the Discord adapter on",
			func(c *Config, v string) error { c.Discord.Token = v; return nil }},
		{"DISCORD_API_URL", "discord-api-url", "", "base URL of the Discord REST API (a REST proxy); the gateway URL comes from the API; empty: https://discord.com",
			func(c *Config, v string) error { c.Discord.APIURL = v; return checkHTTPURL(v) }},
		{"DISCORD_SHARD_ID", "discord-shard-id", "0", "the shard this replica runs (0 to DISCORD_SHARD_COUNT-1)",
			func(c *Config, v string) error { return whole(v, &c.Discord.ShardID) }},
		{"DISCORD_SHARD_COUNT", "discord-shard-count", "1", "how many shards the replicas run together",
			func(c *Config, v string) error { return whole(v, &c.Discord.ShardCount) }},
		{"DISCORD_GUILD_IDS", "discord-guild-ids", "", "comma-separated server ids: commands are registered there (at once) and owners are checked there; empty: commands are global",
			func(c *Config, v string) error { c.Discord.GuildIDs = list(v); return snowflakes(c.Discord.GuildIDs) }},
		{"MODERATOR_ROLE_IDS", "moderator-role-ids", "", "comma-separated Discord role ids whose members moderate (members with Manage Server always do)",
			func(c *Config, v string) error {
				c.Discord.ModeratorRoleIDs = list(v)
				return snowflakes(c.Discord.ModeratorRoleIDs)
			}},
		{"CLAIMER_ROLE_IDS", "claimer-role-ids", "", "comma-separated Discord role ids whose members may claim cases; empty: anyone in the escalation channel",
			func(c *Config, v string) error {
				c.Discord.ClaimerRoleIDs = list(v)
				return snowflakes(c.Discord.ClaimerRoleIDs)
			}},
		{"OWNER_ROLE_IDS", "owner-role-ids", "", "comma-separated Discord role ids an owner needs (in one of DISCORD_GUILD_IDS) to open a case; empty: anyone",
			func(c *Config, v string) error {
				c.Discord.OwnerRoleIDs = list(v)
				return snowflakes(c.Discord.OwnerRoleIDs)
			}},
		{"OWNER_MIN_MEMBER_DAYS", "owner-min-member-days", "0", "days an owner must have been a member of the server to open a case; 0: no minimum",
			func(c *Config, v string) error { return whole(v, &c.Discord.OwnerMinMemberDays) }},
		{"DISCORD_THREAD_REPLIES", "discord-thread-replies", "false", "relay what the claimer writes in a case card's thread to the owner; needs the privileged Message Content intent",
			func(c *Config, v string) error { return boolean(v, &c.Discord.ThreadReplies) }},
		{"OPENAI_API_KEY", "openai-api-key", "", "API key of an OpenAI-compatible server; turns on model summaries and field extraction (else the template and the rules)",
			func(c *Config, v string) error { c.OpenAI.APIKey = v; return nil }},
		{"OPENAI_BASE_URL", "openai-base-url", "", "base URL of an OpenAI-compatible API (Azure OpenAI, vLLM, Ollama: http://localhost:11434/v1); empty: https://api.openai.com/v1",
			func(c *Config, v string) error { c.OpenAI.BaseURL = v; return checkHTTPURL(v) }},
		{"OPENAI_MODEL", "openai-model", "gpt-4o-mini", "model (or Azure deployment) name",
			func(c *Config, v string) error { c.OpenAI.Model = v; return nil }},
		{"OPENAI_TIMEOUT", "openai-timeout", "15s", "whole budget of one summary, retries included (at most 20s, so a platform's request still ends in time); extraction inside an owner's turn gets at most 5s; past it the template and the rules are used",
			func(c *Config, v string) error {
				if err := positive(v, &c.OpenAI.Timeout); err != nil {
					return err
				}
				if c.OpenAI.Timeout > 20*time.Second {
					return fmt.Errorf("at most 20s: a summary runs inside the work of one platform request")
				}
				return nil
			}},
		{"REDACT_PII", "redact-pii", "true", "replace e-mail addresses and phone numbers in owner text before it leaves for the model",
			func(c *Config, v string) error {
				return boolean(v, &c.OpenAI.RedactPII)
			}},
		{"SHUTDOWN_TIMEOUT", "shutdown-timeout", "15s", "how long a graceful shutdown may take",
			func(c *Config, v string) error { return positive(v, &c.ShutdownAfter) }},
	}
}

// LoadConfig reads the environment through getenv, then args as flags.
func LoadConfig(args []string, getenv func(string) string, usage io.Writer) (Config, error) {
	var c Config
	fs := flag.NewFlagSet("escalation-bot", flag.ContinueOnError)
	fs.SetOutput(usage)
	values := map[string]*string{}
	for _, s := range settings() {
		// The flag's own default stays empty so --help shows the built-in default once.
		values[s.env] = fs.String(s.flag, "", fmt.Sprintf("%s (env %s, default %q)", s.help, s.env, s.def))
	}
	fs.Usage = func() {
		fmt.Fprintf(usage, "escalation-bot: a last-resort line from vehicle owners to executives, over chat.\n\n")
		fmt.Fprintf(usage, "Usage: escalation-bot [flags]\n\nEvery flag can be set by its environment variable; a flag wins over the variable.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	if fs.NArg() > 0 {
		return Config{}, fmt.Errorf("unexpected argument %q (see --help)", fs.Arg(0))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for _, s := range settings() {
		if set[s.flag] {
			continue
		}
		*values[s.env] = s.def
		if e := getenv(s.env); e != "" {
			*values[s.env] = e
		}
	}
	for _, s := range settings() {
		if err := s.set(&c, strings.TrimSpace(*values[s.env])); err != nil {
			if s.secret() {
				return Config{}, fmt.Errorf("%s: %w", s.env, err)
			}
			return Config{}, fmt.Errorf("%s=%q: %w", s.env, redact.URL(*values[s.env]), err)
		}
	}
	return c, c.checkAndDefault()
}

// PlaygroundOn decides whether the playground is served.
func (c Config) PlaygroundOn(platforms int) bool {
	switch c.Playground {
	case "true":
		return true
	case "false":
		return false
	}
	return platforms == 0
}

// checkAndDefault looks at the settings together, and fills the defaults that depend on
// others (the playground's moderators and channel).
func (c *Config) checkAndDefault() error {
	if c.Slack.On() && c.Slack.AppToken == "" && c.Slack.SigningSecret == "" {
		return fmt.Errorf("SLACK_BOT_TOKEN is set: also set SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode)")
	}
	if !c.Slack.On() && (c.Slack.AppToken != "" || c.Slack.SigningSecret != "") {
		return fmt.Errorf("SLACK_APP_TOKEN or SLACK_SIGNING_SECRET is set without SLACK_BOT_TOKEN")
	}
	if len(c.WebhookURLs) > 0 && c.WebhookSecret == "" {
		return fmt.Errorf("WEBHOOK_URLS is set: also set WEBHOOK_SECRET, which signs every delivery")
	}
	if c.Ownership.URL != "" && len(c.Ownership.Secret) < 16 {
		return fmt.Errorf("OWNER_VERIFY_URL is set: also set OWNER_VERIFY_SECRET (at least 16 characters), which signs the checks and their answers")
	}
	if c.Ownership.URL != "" && c.Ownership.File != "" {
		return fmt.Errorf("OWNER_VERIFY_URL and OWNERS_FILE are both set: ownership is checked by one of them")
	}
	if c.Discord.On() && c.Discord.ShardID >= c.Discord.ShardCount {
		return fmt.Errorf("DISCORD_SHARD_ID %d must be below DISCORD_SHARD_COUNT %d", c.Discord.ShardID, c.Discord.ShardCount)
	}
	if (len(c.Discord.OwnerRoleIDs) > 0 || c.Discord.OwnerMinMemberDays > 0) && len(c.Discord.GuildIDs) == 0 {
		return fmt.Errorf("OWNER_ROLE_IDS and OWNER_MIN_MEMBER_DAYS need DISCORD_GUILD_IDS: the servers where owners are checked")
	}
	if len(c.Moderators) == 0 && len(c.ModeratorsSlack) == 0 && c.PlaygroundOn(c.Platforms()) {
		c.Moderators = []string{"web:*"}
	}
	if len(c.Channels) == 0 {
		if !c.PlaygroundOn(c.Platforms()) {
			return fmt.Errorf("ESCALATION_CHANNELS is empty: name the channel(s) where cases are posted, e.g. slack:C0123ABC")
		}
		c.Channels = []string{"web:escalations"}
	}
	for _, ch := range append(slices.Clone(c.Channels), c.Clocks.BackupChannels...) {
		switch platform, _, _ := strings.Cut(ch, ":"); {
		case platform == "slack" && !c.Slack.On():
			return fmt.Errorf("ESCALATION_CHANNELS names %s but Slack is not configured (SLACK_BOT_TOKEN)", ch)
		case platform == "web" && !c.PlaygroundOn(c.Platforms()):
			return fmt.Errorf("ESCALATION_CHANNELS names %s but the playground is off (PLAYGROUND)", ch)
		case platform == "discord" && !c.Discord.On():
			return fmt.Errorf("ESCALATION_CHANNELS names %s but Discord is not configured (DISCORD_BOT_TOKEN)", ch)
		}
	}
	return nil
}

// Platforms counts the chat platforms configured.
func (c Config) Platforms() int {
	n := 0
	if c.Slack.On() {
		n++
	}
	if c.Discord.On() {
		n++
	}
	return n
}

// CoreModerators is the core's moderator list: MODERATORS plus the Slack users and groups.
func (c Config) CoreModerators() []string {
	out := append([]string(nil), c.Moderators...)
	if c.Discord.On() {
		// Members who may manage the server moderate, as Discord's own default suggests.
		out = append(out, "perm:manage_guild")
		for _, id := range c.Discord.ModeratorRoleIDs {
			out = append(out, "role:"+id)
		}
	}
	for _, id := range c.ModeratorsSlack {
		if strings.HasPrefix(id, "S") {
			out = append(out, "group:"+id)
		} else {
			out = append(out, "slack:*:"+id)
		}
	}
	return out
}

// CoreClaimers is the core's claimer list: CLAIMERS plus the Slack user group. An empty list
// lets anyone in an escalation channel claim, so a Slack group alone restricts claims to it.
func (c Config) CoreClaimers() []string {
	out := append([]string(nil), c.Claimers...)
	if c.ClaimersSlack != "" {
		out = append(out, "group:"+c.ClaimersSlack)
	}
	for _, id := range c.Discord.ClaimerRoleIDs {
		out = append(out, "role:"+id)
	}
	return out
}

// SlackUsergroups are the user groups whose membership decides permissions.
func (c Config) SlackUsergroups() []string {
	var out []string
	for _, id := range append(append([]string(nil), c.ModeratorsSlack...), c.ClaimersSlack) {
		if strings.HasPrefix(id, "S") {
			out = append(out, id)
		}
	}
	return out
}

func whole(v string, n *int) error {
	x, err := strconv.Atoi(v)
	if err != nil || x < 0 {
		return fmt.Errorf("must be a whole number, 0 or more")
	}
	*n = x
	return nil
}

func snowflakes(ids []string) error {
	for _, id := range ids {
		if _, err := strconv.ParseUint(id, 10, 64); err != nil {
			return fmt.Errorf("%q is not a Discord id (digits only; turn on Developer Mode and use Copy ID)", id)
		}
	}
	return nil
}

func prefixed(v, prefix string) error {
	if v != "" && !strings.HasPrefix(v, prefix) {
		return fmt.Errorf("does not look like a %s token; check you copied the right one", prefix)
	}
	return nil
}

func checkSlackIDs(ids []string, kinds string) error {
	for _, id := range ids {
		if len(id) < 2 || !strings.ContainsRune(kinds, rune(id[0])) || strings.ToUpper(id) != id {
			return fmt.Errorf("%q is not a Slack id starting with one of %s (find it in the user's or group's profile)", id, strings.Join(strings.Split(kinds, ""), ", "))
		}
	}
	return nil
}

func checkHTTPURL(v string) error {
	if v == "" {
		return nil
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("must be an http:// or https:// URL")
	}
	return nil
}

func list(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func checkChannels(chs []string) error {
	for _, ch := range chs {
		platform, id, ok := strings.Cut(ch, ":")
		if !ok || id == "" {
			return fmt.Errorf("%q: write a channel as platform:id, e.g. slack:C0123ABC", ch)
		}
		switch platform {
		case "web", "slack", "discord":
		default:
			return fmt.Errorf("%q: unknown platform %q (web, slack or discord)", ch, platform)
		}
	}
	return nil
}

// checkRedisURL refuses a REDIS_URL that cannot work before anything starts, so the error is
// one line about the variable.
func checkRedisURL(v string) error {
	if v == "" {
		return nil
	}
	u, err := url.Parse(v)
	if err != nil {
		return fmt.Errorf("not a URL")
	}
	switch u.Scheme {
	case "unix":
		if u.Path == "" {
			return fmt.Errorf("a unix:// URL needs the socket path, e.g. unix:///run/redis.sock")
		}
		return nil
	case "redis", "rediss", "redis-sentinel", "rediss-sentinel", "redis-cluster", "rediss-cluster":
	default:
		return fmt.Errorf("unknown scheme %q: use redis://, rediss://, unix://, redis-sentinel:// or redis-cluster://", u.Scheme)
	}
	if u.Host == "" {
		return fmt.Errorf("no host, e.g. redis://127.0.0.1:6379/0")
	}
	for _, h := range strings.Split(u.Host, ",") {
		if _, port, err := net.SplitHostPort(h); err == nil {
			if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
				return fmt.Errorf("port %q of %q is not a number from 1 to 65535", port, u.Hostname())
			}
		}
	}
	return nil
}

// boolean reads true or false.
func boolean(v string, b *bool) error {
	x, err := strconv.ParseBool(v)
	if err != nil {
		return fmt.Errorf("use true or false")
	}
	*b = x
	return nil
}

// caseClock reads a clock's duration in the moderator commands' syntax (30m, 12h, 7d, 2w);
// "0" and "off" turn the clock off.
func caseClock(v string, d *time.Duration) error {
	if v == "0" || strings.EqualFold(v, "off") {
		*d = 0
		return nil
	}
	x, err := bot.ParseDuration(v)
	if err != nil {
		return fmt.Errorf("must be 0 (off) or %s", bot.DurationSyntax)
	}
	*d = x
	return nil
}

func positive(v string, d *time.Duration) error {
	x, err := time.ParseDuration(v)
	if err != nil || x <= 0 {
		return fmt.Errorf("must be a positive duration such as 90s, 15m or 168h")
	}
	*d = x
	return nil
}
