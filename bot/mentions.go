package bot

import (
	"regexp"
	"strings"
)

// zwsp breaks a mention so no platform recognizes it, while a person reads the same text.
const zwsp = "\u200b"

// angleBreaker breaks Slack's and Discord's <…> syntax: user, role and channel mentions,
// <!channel>-style broadcasts and Slack links.
var angleBreaker = strings.NewReplacer(
	"<@", "<"+zwsp+"@", // Slack <@U123>, Discord <@123>, <@!123>, <@&role>
	"<!", "<"+zwsp+"!", // Slack <!channel>, <!here>, <!subteam^S1>
	"<#", "<"+zwsp+"#", // channel links
	"<http", "<"+zwsp+"http", // Slack link syntax <http://x|label>
	"<mailto", "<"+zwsp+"mailto",
)

// broadcasts are the bare @-words that ping a whole channel or server.
var broadcasts = regexp.MustCompile(`(?i)@(everyone|here|channel)`)

// Neutralize makes owner-written text safe to post in a channel: no @everyone, @here, user,
// role or channel mention and no Slack link syntax survives it. Adapters still escape what
// their markup needs; this is the platform-neutral part. The two passes are separate because
// one replacement must not hide another ("<@everyone").
func Neutralize(text string) string {
	return broadcasts.ReplaceAllString(angleBreaker.Replace(text), "@"+zwsp+"$1")
}
