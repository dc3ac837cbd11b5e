package presentation

import "escalation-bot/bot"

// What the core keeps of what an executive writes: it cuts a reply to the owner at
// ReplyLimit characters, a resolution note at NoteLimit. A form that accepted more would lose
// the rest without a word, so the forms never offer more.
const (
	ReplyLimit = bot.MaxReply
	NoteLimit  = bot.MaxNote
)

// FormLimit is how many characters the form of action (one of bot.CaseActions with a Form)
// lets an executive type on a platform whose text input takes at most platformMax: the smaller
// of the platform's limit and the core's, so the platform refuses nothing the form offers and
// the core cuts nothing the form accepted. Slack's input takes 3,000 and Discord's 4,000, so a
// reply may be 3,000 characters long on Slack and 4,000 on Discord, a note 2,000 on both.
//
// The core counts runes (code points). A platform that counts UTF-16 units, an emoji as two,
// lets through fewer runes than its limit, never more.
func FormLimit(action string, platformMax int) int {
	ca, ok := bot.CaseActionNamed(action)
	if !ok || ca.Form == nil {
		return 0 // no form, nothing to type
	}
	return min(platformMax, ca.Form.Limit)
}
