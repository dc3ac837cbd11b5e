package slack

import (
	"regexp"
)

// userMention is a user mention as Slack sends it in a slash command with "escape usernames"
// on: <@U0123ABC|dana>, or <@U0123ABC> without the name.
var userMention = regexp.MustCompile(`<@([UW][A-Z0-9]+)(?:\|[^<>]*)?>`)

// commandLine turns the text of /escalations into the core's command line: user mentions
// become identities (slack:<team>:<user>), then Slack's escaping is undone. Mentions are
// replaced first, while a "<" the moderator typed is still "&lt;", so only what Slack itself
// marked up as a user mention is read as one. Other markup (<!channel>, <!subteam^…>, <#C…>)
// is left as it is, and the core refuses it where it expects a user.
func commandLine(team, text string) string {
	resolved := userMention.ReplaceAllStringFunc(text, func(m string) string {
		return string(identity(team, userMention.FindStringSubmatch(m)[1]))
	})
	return commandEscalations + " " + unescape(resolved)
}
