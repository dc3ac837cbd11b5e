// Package slack is the Slack adapter: owners talk to the bot in a DM, executives work the case
// cards in an escalation channel, moderators type /escalations. It speaks Socket Mode or the
// HTTP Events API, interactivity and slash commands, and only translates: dialogue, cases and
// permissions stay in the core (package bot).
package slack

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"

	slackgo "github.com/slack-go/slack"

	"escalation-bot/redact"
)

// Platform is the identity prefix of Slack users: "slack:<team>:<user>".
const Platform = "slack"

// Config connects the adapter to one Slack app.
type Config struct {
	BotToken      string   // SLACK_BOT_TOKEN (xoxb-)
	AppToken      string   // SLACK_APP_TOKEN (xapp-): Socket Mode when set
	SigningSecret string   // SLACK_SIGNING_SECRET: HTTP mode (when no AppToken)
	APIURL        string   // SLACK_API_URL; the trailing "/" is added when missing; default slack-go's
	Usergroups    []string // user group ids (S…) whose membership matters for permissions
}

// SocketMode reports whether the adapter connects out over Socket Mode rather than serving
// the HTTP endpoints.
func (c Config) SocketMode() bool { return c.AppToken != "" }

// Validate says what is missing, naming the environment variables an operator sets.
func (c Config) Validate() error {
	if strings.TrimSpace(c.BotToken) == "" {
		return errors.New("slack: SLACK_BOT_TOKEN is empty")
	}
	if c.AppToken == "" && c.SigningSecret == "" {
		return errors.New("slack: set SLACK_APP_TOKEN for Socket Mode or SLACK_SIGNING_SECRET for HTTP mode")
	}
	return nil
}

// apiURL is the Web API base: slack-go appends method names to it as text, so it must end
// with a slash.
func (c Config) apiURL() string {
	u := strings.TrimSpace(c.APIURL)
	if u == "" {
		return slackgo.APIURL
	}
	if !strings.HasSuffix(u, "/") {
		u += "/"
	}
	return u
}

// String shows the configuration without its secrets: the tokens and the signing secret read
// "[set]" or "[unset]", and a password in the API URL is masked. fmt's %v, %+v and %s use it.
func (c Config) String() string {
	return fmt.Sprintf("slack.Config{BotToken:%s AppToken:%s SigningSecret:%s APIURL:%s Usergroups:%v}",
		redact.Token(c.BotToken), redact.Token(c.AppToken), redact.Token(c.SigningSecret), redact.URL(c.APIURL), c.Usergroups)
}

// GoString is String for %#v.
func (c Config) GoString() string { return c.String() }

// LogValue is how slog shows the configuration: without its secrets.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("bot_token", redact.Token(c.BotToken)),
		slog.String("app_token", redact.Token(c.AppToken)),
		slog.String("signing_secret", redact.Token(c.SigningSecret)),
		slog.String("api_url", redact.URL(c.APIURL)),
		slog.Any("usergroups", c.Usergroups),
		slog.Bool("socket_mode", c.SocketMode()),
	)
}

var _ slog.LogValuer = Config{}
