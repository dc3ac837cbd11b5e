package slack

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"escalation-bot/bot"
	"escalation-bot/conversation"
	"escalation-bot/presentation"

	slackgo "github.com/slack-go/slack"
)

// Slack's Block Kit limits, in characters. Slack refuses a message that breaks one, so every
// renderer stays under them by splitting or cutting with a marker.
const (
	maxSectionText = 3000 // text of a section block
	maxBlocks      = 50   // blocks in a message
	maxFallback    = 3000 // the top-level text we send (Slack allows 40,000; notifications show far less)
	maxButtonText  = 75
	maxButtonValue = 2000
	maxActions     = 25    // elements in one actions block
	maxFields      = 10    // fields in one section
	maxFieldText   = 2000  // one field of a section
	maxPlainText   = 3000  // a text-only ephemeral answer
	maxCommandText = 39000 // a command answer (a long list or history); Slack's cap is 40,000
	// longAnswer is where a case answer stops fitting a two-column field and gets its own section.
	longAnswer = 300
)

// Action id prefixes of the buttons the adapter renders, parsed back in interactions.
const (
	ownerPrefix = "owner" // owner|<action>|<n>: an intake button in the DM
	casePrefix  = "case"  // case|<action>: a case card button; the value is the case id
)

// message is a rendered Slack message: the blocks and the top-level text that notifications
// and old clients show.
type message struct {
	Text   string
	Blocks []slackgo.Block
}

func (m message) options() []slackgo.MsgOption {
	return []slackgo.MsgOption{slackgo.MsgOptionText(m.Text, false), slackgo.MsgOptionBlocks(m.Blocks...)}
}

var (
	escaper   = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
	unescaper = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")
)

// escape makes text written by a person inert in mrkdwn: with &, < and > escaped it can form
// no mention, channel link or URL, whatever the core let through.
func escape(s string) string { return escaper.Replace(s) }

// unescape turns Slack's inbound message text back into what the person typed: Slack sends
// &, < and > as entities, and the core wants the text itself.
func unescape(s string) string { return unescaper.Replace(s) }

// fit escapes raw and cuts it to at most limit characters of escaped text, ending with "…"
// when cut; no entity is broken in half.
func fit(raw string, limit int) string {
	return presentation.Fit(escape(raw), limit, presentation.Entities)
}

// fitPlain cuts plain_text (buttons, titles) to limit characters; plain_text is not parsed for
// mentions, so it is not escaped.
func fitPlain(s string, limit int) string { return presentation.Fit(s, limit, nil) }

// split escapes raw text and cuts it into pieces of at most limit characters (see
// presentation.Split).
func split(raw string, limit int) []string {
	return presentation.Split(escape(raw), limit, presentation.Entities)
}

func mrkdwn(text string) *slackgo.TextBlockObject {
	// verbatim: Slack would otherwise link-ify channel names and parse some mentions itself.
	return slackgo.NewTextBlockObject(slackgo.MarkdownType, text, false, true)
}

func plain(text string) *slackgo.TextBlockObject {
	return slackgo.NewTextBlockObject(slackgo.PlainTextType, text, true, false)
}

func section(text string) slackgo.Block {
	return slackgo.NewSectionBlock(mrkdwn(text), nil, nil)
}

// sections renders a heading (mrkdwn, already safe) and a person's text as one or more
// sections within Slack's limit.
func sections(heading, raw string) []slackgo.Block {
	if strings.TrimSpace(raw) == "" {
		if heading == "" {
			return nil
		}
		return []slackgo.Block{section(heading)}
	}
	pieces := split(raw, maxSectionText-utf8.RuneCountInString(heading))
	blocks := make([]slackgo.Block, len(pieces))
	for i, p := range pieces {
		if i == 0 {
			p = heading + p
		}
		blocks[i] = section(p)
	}
	return blocks
}

// fieldSections lays out short labelled values two by two, at most ten to a section.
func fieldSections(fields []*slackgo.TextBlockObject) []slackgo.Block {
	var blocks []slackgo.Block
	for len(fields) > 0 {
		n := min(len(fields), maxFields)
		blocks = append(blocks, slackgo.NewSectionBlock(nil, fields[:n], nil))
		fields = fields[n:]
	}
	return blocks
}

// field is one labelled value of a fields section; value is mrkdwn, already escaped.
func field(label, value string) *slackgo.TextBlockObject {
	heading := "*" + fit(label, 100) + "*\n"
	return mrkdwn(heading + presentation.Fit(value, maxFieldText-utf8.RuneCountInString(heading), presentation.Entities))
}

func button(actionID, value, label string) *slackgo.ButtonBlockElement {
	// Values are the core's ids and choice keys, far shorter: the cut only guards against a
	// Slack error, and adds no marker to what the core reads back.
	value, _ = conversation.CutRunes(value, maxButtonValue)
	return slackgo.NewButtonBlockElement(actionID, value, plain(fitPlain(label, maxButtonText)))
}

// actionBlocks puts buttons into actions blocks of at most 25 elements each.
func actionBlocks(buttons []*slackgo.ButtonBlockElement) []slackgo.Block {
	var blocks []slackgo.Block
	for len(buttons) > 0 {
		n := min(len(buttons), maxActions)
		elems := make([]slackgo.BlockElement, n)
		for i, b := range buttons[:n] {
			elems[i] = b
		}
		blocks = append(blocks, slackgo.NewActionBlock("", elems...))
		buttons = buttons[n:]
	}
	return blocks
}

// layout caps a message at 50 blocks: the body is cut with a marker, the buttons at the end
// (tail) are kept, since a card without its buttons cannot be worked.
func layout(body, tail []slackgo.Block, marker string) []slackgo.Block {
	if len(tail) > maxBlocks-1 {
		tail = tail[:maxBlocks-1]
	}
	room := maxBlocks - len(tail)
	if len(body) > room {
		body = append(body[:room-1:room-1], section(marker))
	}
	return append(body, tail...)
}

// fallback is the top-level text of a message with blocks; Slack wants one for notifications.
func fallback(raw string) string {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "Message from the escalation line"
	}
	return fit(raw, maxFallback)
}

// ownerActionID names an intake button; n keeps action ids unique within a message, as Slack
// requires, when two buttons share an action (choices).
func ownerActionID(action string, n int) string {
	return ownerPrefix + "|" + action + "|" + strconv.Itoa(n)
}

func caseActionID(action string) string { return casePrefix + "|" + action }

// renderReply renders one message of the intake dialogue for the owner's DM. The review card
// (a reply with fields) shows each answer with its Edit button beside it.
func renderReply(r conversation.Reply) message {
	var body []slackgo.Block
	heading := ""
	if r.Emergency {
		heading = ":rotating_light: *Please read this first*\n"
	}
	body = append(body, sections(heading, r.Text)...)

	used := make([]bool, len(r.Buttons))
	for _, f := range r.Fields {
		text := "*" + fit(f.Label, 100) + "*\n"
		text += fit(f.Value, maxSectionText-utf8.RuneCountInString(text))
		var accessory *slackgo.Accessory
		for i, b := range r.Buttons {
			if !used[i] && b.Action == conversation.ActionEdit && b.Value == f.Key {
				used[i] = true
				accessory = slackgo.NewAccessory(button(ownerActionID(b.Action, i), b.Value, b.Label))
				break
			}
		}
		body = append(body, slackgo.NewSectionBlock(mrkdwn(text), nil, accessory))
	}

	var buttons []*slackgo.ButtonBlockElement
	for i, b := range r.Buttons {
		if used[i] {
			continue
		}
		el := button(ownerActionID(b.Action, i), b.Value, b.Label)
		if b.Action == conversation.ActionSubmit {
			el = el.WithStyle(slackgo.StylePrimary)
		}
		buttons = append(buttons, el)
	}
	return message{
		Text:   fallback(r.Text),
		Blocks: layout(body, actionBlocks(buttons), "… (shortened: the message was too long for Slack)"),
	}
}

// renderText renders plain text from the bot as sections, for ephemeral answers and DMs.
func renderText(raw string) message {
	return message{Text: fallback(raw), Blocks: layout(sections("", raw), nil, "… (truncated)")}
}

// renderRefusedText tells an executive that a modal submission was refused and gives them back
// what they typed, which the closed modal no longer holds.
func renderRefusedText(refusal, typed string) message {
	body := sections("", refusal)
	if strings.TrimSpace(typed) != "" {
		body = append(body, sections("*What you wrote* (not used; copy it to try again):\n", typed)...)
	}
	return message{Text: fallback(refusal), Blocks: layout(body, nil, "… (truncated)")}
}

// stamp is how the card shows a moment: absolute and in UTC, since executives may sit anywhere.
func stamp(t time.Time) string { return t.UTC().Format("2 Jan 2006 15:04 MST") }

// localDate is a moment every reader sees in their own time zone ("today 14:30"); clients that
// cannot show it show stamp instead.
func localDate(t time.Time) string {
	return fmt.Sprintf("<!date^%d^{date_short_pretty} {time}|%s>", t.Unix(), stamp(t))
}

// renderCard renders a case card for the escalation channel: its parts (presentation.Card) in
// their order, short facts and answers two by two, longer text in sections of its own, then
// the buttons its status allows.
func renderCard(c bot.Card) message {
	var body []slackgo.Block
	var short []*slackgo.TextBlockObject // fields waiting to be laid out
	flush := func() {
		body = append(body, fieldSections(short)...)
		short = nil
	}
	for _, p := range presentation.Card(c) {
		inColumns := p.Fact || p.Kind == presentation.KindAnswer && utf8.RuneCountInString(p.Text) <= longAnswer && !strings.Contains(p.Text, "\n")
		if !inColumns {
			flush()
		}
		switch {
		case p.Kind == presentation.KindTitle:
			head := "*" + fit(p.Label, 40) + "* · " + fit(p.Text, 200)
			if p.Alert {
				head = ":warning: " + head
			}
			body = append(body, section(head))
		case p.Kind == presentation.KindEscalated:
			body = append(body, section(":arrow_double_up: *"+fit(p.Label, 100)+"*: "+fit(p.Text, 200)))
		case p.Kind == presentation.KindAutomatic:
			body = append(body, slackgo.NewContextBlock("", mrkdwn(fit(p.Text, maxSectionText))))
		case inColumns:
			short = append(short, field(p.Label, factText(p)))
		case p.Kind == presentation.KindRating && p.Quote != "":
			body = append(body, sections("*"+fit(p.Label, 100)+"*\n"+fit(p.Text, 100)+"\n", presentation.Quoted(p.Quote))...)
		default:
			body = append(body, sections("*"+fit(p.Label, 100)+"*\n", p.Text)...)
		}
	}
	flush()

	var buttons []*slackgo.ButtonBlockElement
	for _, b := range c.Buttons {
		el := button(caseActionID(b.Action), b.Value, b.Label)
		if ca, ok := bot.CaseActionNamed(b.Action); ok && ca.Style != bot.StyleDefault {
			el = el.WithStyle(slackgo.StylePrimary) // Slack has no style between primary and danger
		}
		buttons = append(buttons, el)
	}
	title := presentation.Card(c)[0].Text
	marker := fmt.Sprintf("… (truncated, see /escalations show %s)", fit(c.ID, 40))
	text := fmt.Sprintf("%s · %s · %s: %s", c.ID, presentation.StatusWord(c.Status, c.Language), presentation.SeverityWord(c.Severity, c.Language), title)
	return message{Text: fallback(text), Blocks: layout(body, actionBlocks(buttons), marker)}
}

// factText is a short value of the card as mrkdwn: its words escaped, and its moment, if any,
// after them.
func factText(p presentation.Part) string {
	text := fit(p.Text, maxFieldText)
	if p.At.IsZero() {
		return text
	}
	when := stamp(p.At)
	if p.Kind == presentation.KindDue {
		when = localDate(p.At) // a deadline is read against the reader's own clock
	}
	if text == "" {
		return when
	}
	return text + ", " + when
}

// renderThread renders one line under a case card.
func renderThread(m bot.ThreadMessage) message {
	from := m.From
	if from == "" {
		from = "someone"
	}
	var heading string
	switch m.Role {
	case "owner":
		heading = "*" + fit(from, 100) + "* (owner):\n"
	case "executive":
		heading = "*" + fit(from, 100) + "* (executive):\n"
	default:
		heading = ":information_source: "
	}
	msg := message{
		Text:   fallback(from + ": " + m.Text),
		Blocks: layout(sections(heading, m.Text), nil, fmt.Sprintf("… (truncated, see /escalations show %s)", fit(m.CaseID, 40))),
	}
	if who := slackMentions(m.Mentions); who != "" {
		// Slack notifies from the text as well as the blocks: both name the on-call people.
		msg.Text = who + " " + msg.Text
		msg.Blocks = append([]slackgo.Block{section(who)}, msg.Blocks...)
	}
	return msg
}

// slackMentions renders the Slack entries of a line's mentions (user groups, users of any
// workspace) as Slack mentions; other platforms' entries are left out. Ids are checked, so
// configuration cannot smuggle a broadcast in.
func slackMentions(entries []string) string {
	var out []string
	for _, e := range entries {
		kind, id, _ := strings.Cut(strings.TrimSpace(e), ":")
		switch {
		case kind == "group" && validID(id) && strings.HasPrefix(id, "S"):
			out = append(out, "<!subteam^"+id+">")
		case kind == Platform:
			if _, user, err := parseIdentity(bot.Identity(e)); err == nil && validID(user) {
				out = append(out, "<@"+user+">")
			}
		}
	}
	return strings.Join(out, " ")
}

// maxModalTitle is Slack's limit for a modal's title and buttons.
const maxModalTitle = 24

// maxInputText is the most Slack lets a plain_text_input take (its max_length).
const maxInputText = 3000

// renderModal is the form of a case action that asks for a text (CaseAction.Form: a Reply's
// message to the owner, a Resolve's note). It takes no more than Slack's input allows and the
// core keeps (presentation.FormLimit). action must be one with a form.
func renderModal(action, caseID string) slackgo.ModalViewRequest {
	ca, _ := bot.CaseActionNamed(action)
	f := ca.Form
	limit := presentation.FormLimit(ca.Name, maxInputText)
	input := slackgo.NewPlainTextInputBlockElement(nil, modalActionID).WithMultiline(true).WithMaxLength(limit)
	block := slackgo.NewInputBlock(modalBlockID, plain(f.Label), plain(f.Hint), input)
	block.Optional = !f.Required
	return slackgo.ModalViewRequest{
		Type:            slackgo.VTModal,
		CallbackID:      caseActionID(ca.Name),
		PrivateMetadata: caseID,
		Title:           plain(fitPlain(ca.FormTitle(caseID), maxModalTitle)),
		Submit:          plain(f.Submit),
		Close:           plain("Cancel"),
		Blocks:          slackgo.Blocks{BlockSet: []slackgo.Block{block}},
	}
}

// Where the modal keeps its text, read back from view_submission.
const (
	modalBlockID  = "note"
	modalActionID = "text"
)
