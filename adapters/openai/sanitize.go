package openai

import (
	"regexp"
	"strings"
	"unicode"

	"escalation-bot/bot"
)

// LinkPlaceholder stands where the model wrote a URL.
const LinkPlaceholder = "[link]"

var (
	// Slack's <https://x|label>, <mailto:a@b>, and Discord's <https://x> (a link without preview).
	anglePattern = regexp.MustCompile(`(?i)<\s*(?:https?|ftp|mailto|tel|slack|discord):[^<>|]*(?:\|([^<>]*))?>`)
	// Markdown's [label](https://x), which Discord renders as a masked link.
	markdownPattern = regexp.MustCompile(`(?i)\[([^\[\]]*)\]\(\s*<?(?:https?|ftp|mailto|tel):[^()\s]*(?:\([^()\s]*\))?[^()\s]*\s*\)`)
	// Bare URLs, which both platforms turn into links.
	// No \b before the scheme: "_https://x" and "1https://x" are links to a platform too.
	urlPattern = regexp.MustCompile(`(?i)(?:(?:https?|ftp)://|www\.)[^\s<>"'()\[\]]+`)
)

// clean makes text the model wrote safe to post: links become their label or [link], since a
// model that read an owner's message may repeat a link planted in it and an executive should
// not meet it as something to click; mentions are neutralized as for owner text; control
// characters other than newlines and tabs go, and so do format characters (zero-width spaces,
// bidi overrides), which can hide text or make an empty field look filled.
func clean(s string) string {
	s = strings.Map(func(r rune) rune {
		if r != '\n' && r != '\t' && (unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '\u2028' || r == '\u2029') {
			return -1
		}
		return r
	}, s)
	s = anglePattern.ReplaceAllStringFunc(s, func(m string) string {
		sub := anglePattern.FindStringSubmatch(m)
		if label := strings.TrimSpace(sub[1]); label != "" {
			return label
		}
		return LinkPlaceholder
	})
	s = markdownPattern.ReplaceAllString(s, "$1")
	// After the labels are out, a label that was itself a URL is caught here.
	s = urlPattern.ReplaceAllString(s, LinkPlaceholder)
	return strings.TrimSpace(bot.Neutralize(s))
}

// dropFormat removes format characters (Unicode category Cf: zero-width spaces and joiners,
// bidi overrides, the soft hyphen) from text the model wrote.
func dropFormat(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, s)
}

// oneLine joins the lines of s with spaces, for a title.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
