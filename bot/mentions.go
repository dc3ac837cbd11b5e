package bot

import (
	"regexp"
	"strings"
)

// zwsp breaks a mention so no platform recognizes it, while a person reads the same text.
const zwsp = "\u200b"

// angleBreaker finds Slack's and Discord's <…> syntax: user and role mentions (Slack <@U123>,
// Discord <@123>, <@!123>, <@&role>), <!channel>-style broadcasts (<!here>, <!subteam^S1>),
// channel links (<#C123>) and Slack links (<http://x|label>, <mailto:…>), whose scheme Slack
// reads in any case: <HTTP://x|label> is a link too.
var angleBreaker = regexp.MustCompile(`(?i)<([@!#]|http|mailto)`)

// broadcasts are the bare @-words that ping a whole channel or server.
var broadcasts = regexp.MustCompile(`(?i)@(everyone|here|channel)`)

// Neutralize makes owner-written text safe to post in a channel: no @everyone, @here, user,
// role or channel mention and no Slack link syntax survives it. Adapters still escape what
// their markup needs; this is the platform-neutral part. The two passes are separate because
// one replacement must not hide another ("<@everyone").
func Neutralize(text string) string {
	// Most text has neither '<' nor '@': it is returned as it is, without running (and
	// allocating for) the replacements.
	if strings.Contains(text, "<") {
		text = angleBreaker.ReplaceAllString(text, "<"+zwsp+"$1")
	}
	if strings.Contains(text, "@") {
		text = broadcasts.ReplaceAllString(text, "@"+zwsp+"$1")
	}
	return text
}
