package discord

import (
	"log/slog"
	"regexp"

	"escalation-bot/redact"
)

// An interaction token lets whoever holds it answer the interaction and post as the bot in its
// channel for 15 minutes. discordgo puts it into the path of the callback
// (/interactions/<id>/<token>/callback) and of the followups (/webhooks/<app>/<token>…), and
// those URLs reach the log through its RateLimit events and through transport errors
// (*url.Error prints the URL). tokenPath finds the token segment of both.
var tokenPath = regexp.MustCompile(`(/(?:webhooks|interactions)/[^/\s"'?#]+/)[^/\s"'?#]+`)

// redactTokens rewrites /webhooks/<app>/<token>… to /webhooks/<app>/…, and
// /interactions/<id>/<token>/callback to /interactions/<id>/…/callback.
func redactTokens(s string) string {
	return tokenPath.ReplaceAllString(s, "${1}…")
}

// redactLogger returns l with redactTokens applied to every line: whatever logs through the
// adapter's logger (its own lines, the job runner's) cannot write an interaction token.
// Wrapping twice is harmless.
func redactLogger(l *slog.Logger) *slog.Logger { return redact.Logger(l, redactTokens) }
