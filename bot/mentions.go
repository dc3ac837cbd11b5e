package bot

import "strings"

// zwsp breaks a mention so no platform recognizes it, while a person reads the same text.
const zwsp = "\u200b"

var mentionBreaker = strings.NewReplacer(
	"@everyone", "@"+zwsp+"everyone",
	"@here", "@"+zwsp+"here",
	"@channel", "@"+zwsp+"channel",
	"<@", "<"+zwsp+"@", // Slack <@U123>, Discord <@123>, <@!123>, <@&role>
	"<!", "<"+zwsp+"!", // Slack <!channel>, <!here>, <!subteam^S1>
	"<#", "<"+zwsp+"#", // channel links
	"<http", "<"+zwsp+"http", // Slack link syntax <http://x|label>
	"<mailto", "<"+zwsp+"mailto",
)

// Neutralize makes owner-written text safe to post in a channel: no @everyone, @here, user,
// role or channel mention and no Slack link syntax survives it. Adapters still escape what
// their markup needs; this is the platform-neutral part.
func Neutralize(text string) string {
	return mentionBreaker.Replace(text)
}
