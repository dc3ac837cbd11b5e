package discord

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"escalation-bot/bot"
	"escalation-bot/conversation"
	"escalation-bot/presentation"

	"github.com/bwmarrin/discordgo"
)

// Discord's limits, in characters. Discord refuses a message that breaks one, so every
// renderer stays under them by splitting or cutting with a marker.
const (
	maxContent       = 2000
	maxEmbedTitle    = 256
	maxEmbedDesc     = 4096
	maxEmbedTotal    = 6000 // title, description, field names and values, footer of all embeds
	maxEmbedFields   = 25
	maxEmbeds        = 10
	maxFieldName     = 256
	maxFieldValue    = 1024
	maxFooter        = 2048
	maxButtonLabel   = 80
	maxCustomID      = 100
	maxRowItems      = 5
	maxRows          = 5
	maxSelectOptions = 25
	maxOptionText    = 100 // label and value of a select option
	maxPlaceholder   = 150
	maxModalTitle    = 45
	maxInputLabel    = 45
	maxInputText     = 4000 // what a text input takes (its max_length)
	maxThreadName    = 100
	// maxFollowups bounds how many messages one ephemeral answer (a long case history) takes.
	maxFollowups = 5
	// shortAnswer is where an answer stops fitting an inline (three-column) field.
	shortAnswer = 60
)

// Custom id prefixes of the components the adapter renders, parsed back in interactions.
const (
	ownerPrefix = "owner" // owner|<action>|<value>: an intake button in the DM
	casePrefix  = "case"  // case|<action>|<case id>: a case card button, and its modals
	// hashMark starts a value that did not fit a custom id (or a select option) as itself:
	// "#" and 16 hex digits of its SHA-256, resolved from the flow when clicked (see
	// Adapter.resolveValue). A value that starts with "#" is always sent this way, so the two
	// forms never clash.
	hashMark = "#"
	// menuMark names a select menu, "owner|<action>|#menu<n>", which no hashed value can equal.
	menuMark = hashMark + "menu"
)

// Embed colours.
const (
	colourCritical = 0xE01E5A
	colourHigh     = 0xF2711C
	colourMedium   = 0xECB22E
	colourLow      = 0x2EB67D
	colourEnded    = 0x95A5A6
	colourNeutral  = 0x5865F2
)

// noMentions is attached to every message the bot sends: nothing in it may ping, whatever
// the text contains. Parse is an empty list, not nil, so the JSON says so explicitly.
func noMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

func runeLen(s string) int { return utf8.RuneCountInString(s) }

// cut shortens s to at most limit characters, ending with "…" when it cut. It never leaves a
// dangling backslash, which would escape the marker and un-escape what follows.
func cut(s string, limit int) (string, bool) {
	return presentation.Cut(s, limit, presentation.Backslashes)
}

// fit is cut without the report.
func fit(s string, limit int) string { return presentation.Fit(s, limit, presentation.Backslashes) }

// split cuts text into pieces of at most limit characters (see presentation.Split), keeping
// every backslash escape with the character it escapes.
func split(text string, limit int) []string {
	return presentation.Split(text, limit, presentation.Backslashes)
}

// escapeMarkdown makes text a person wrote show as written in the escalation channel: no bold,
// headings, quotes, spoilers or masked links of the owner's making. Mentions are the core's
// business (bot.Neutralize) and allowed_mentions'.
func escapeMarkdown(s string) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	lineStart := true
	for _, r := range s {
		switch r {
		case '\\', '*', '_', '~', '`', '|', '[', ']':
			b.WriteByte('\\')
		case '>', '#', '-':
			if lineStart {
				b.WriteByte('\\')
			}
		}
		b.WriteRune(r)
		switch {
		case r == '\n':
			lineStart = true
		case r != ' ' && r != '\t':
			lineStart = false
		}
	}
	return b.String()
}

// shown is owner-written text as the escalation channel shows it.
func shown(s string) string { return escapeMarkdown(bot.Neutralize(s)) }

// ---- owners' DM ----

// renderReply renders one message of the intake dialogue for the owner's DM: as many messages
// as the text needs, the last one carrying the answers (review card) and the buttons.
func renderReply(r conversation.Reply) []*discordgo.MessageSend {
	text := bot.Neutralize(strings.TrimSpace(r.Text))
	if r.Emergency {
		text = "🚨 **Please read this first**\n" + text
	}
	rows, dropped := ownerComponents(r.Buttons)
	if dropped > 0 {
		text += "\n\n(There are more options than Discord can show here: type your answer instead.)"
	}
	var embeds []*discordgo.MessageEmbed
	if len(r.Fields) > 0 {
		embeds = answerEmbeds(r.Fields)
	}
	var msgs []*discordgo.MessageSend
	for _, p := range split(text, maxContent) {
		msgs = append(msgs, &discordgo.MessageSend{Content: p, AllowedMentions: noMentions()})
	}
	if len(embeds) == 0 && len(rows) == 0 {
		return msgs
	}
	if len(msgs) == 0 {
		msgs = append(msgs, &discordgo.MessageSend{AllowedMentions: noMentions()})
	}
	last := msgs[len(msgs)-1]
	last.Embeds, last.Components = embeds, rows
	return msgs
}

// renderText is plain text from the bot for a DM, in as many messages as it needs.
func renderText(text string) []*discordgo.MessageSend {
	return renderReply(conversation.Reply{Text: text})
}

// answerEmbeds shows the owner's answers on the review card: 25 fields an embed, within the
// 6,000 characters of a message.
func answerEmbeds(fields []conversation.Field) []*discordgo.MessageEmbed {
	var embeds []*discordgo.MessageEmbed
	for len(fields) > 0 && len(embeds) < maxEmbeds {
		n := min(len(fields), maxEmbedFields)
		e := &discordgo.MessageEmbed{Color: colourNeutral}
		if len(embeds) == 0 {
			e.Title = "Your answers"
		}
		for _, f := range fields[:n] {
			e.Fields = append(e.Fields, field(bot.Neutralize(f.Label), bot.Neutralize(f.Value), runeLen(f.Value) <= shortAnswer))
		}
		embeds = append(embeds, e)
		fields = fields[n:]
	}
	fitTotal(embeds, maxEmbedTotal)
	return embeds
}

// field is one embed field within Discord's limits; Discord refuses an empty name or value.
func field(name, value string, inline bool) *discordgo.MessageEmbedField {
	if strings.TrimSpace(name) == "" {
		name = "—"
	}
	if strings.TrimSpace(value) == "" {
		value = "—"
	}
	return &discordgo.MessageEmbedField{Name: fit(name, maxFieldName), Value: fit(value, maxFieldValue), Inline: inline}
}

// ownerCustomID names an intake button: the action and its value, which the click gives back.
func ownerCustomID(action, value string) string {
	prefix := ownerPrefix + "|" + action + "|"
	return prefix + encodeValue(value, maxCustomID-runeLen(prefix))
}

// encodeValue is value itself when it fits room, else its hash (see hashMark). An index into
// the buttons would need the message to be remembered somewhere every replica can read; the
// hash is resolved from the flow, which every replica has.
func encodeValue(value string, room int) string {
	if !strings.HasPrefix(value, hashMark) && runeLen(value) <= room {
		return value
	}
	return hashValue(value)
}

func hashValue(value string) string {
	sum := sha256.Sum256([]byte(value))
	return hashMark + hex.EncodeToString(sum[:8])
}

// ownerComponents lays the buttons out: rows of five, at most five rows. Past 25 buttons the
// lists (choices, edit buttons) become select menus of 25 options and the controls stay
// buttons; what still does not fit is dropped and counted (the owner can type any answer).
func ownerComponents(buttons []conversation.Button) (rows []discordgo.MessageComponent, dropped int) {
	seen := make(map[string]bool, len(buttons))
	var uniq []conversation.Button
	for _, b := range buttons {
		id := ownerCustomID(b.Action, b.Value)
		if seen[id] || runeLen(id) > maxCustomID {
			continue // the same action and value twice does the same thing
		}
		seen[id] = true
		uniq = append(uniq, b)
	}
	if len(uniq) <= maxRows*maxRowItems {
		return buttonRows(uniq), 0
	}
	var controls []conversation.Button
	var order []string
	lists := map[string][]conversation.Button{}
	for _, b := range uniq {
		if b.Action != conversation.ActionChoose && b.Action != conversation.ActionEdit {
			controls = append(controls, b)
			continue
		}
		if _, ok := lists[b.Action]; !ok {
			order = append(order, b.Action)
		}
		lists[b.Action] = append(lists[b.Action], b)
	}
	controlRows := buttonRows(controls)
	if len(controlRows) > maxRows-1 {
		dropped += len(controls) - (maxRows-1)*maxRowItems
		controlRows = controlRows[:maxRows-1]
	}
	room := maxRows - len(controlRows)
	for _, action := range order {
		list := lists[action]
		for len(list) > 0 {
			n := min(len(list), maxSelectOptions)
			if len(rows) == room {
				dropped += len(list)
				break
			}
			rows = append(rows, discordgo.ActionsRow{Components: []discordgo.MessageComponent{
				selectMenu(action, len(rows)+1, list[:n]),
			}})
			list = list[n:]
		}
	}
	return append(rows, controlRows...), dropped
}

func selectMenu(action string, n int, list []conversation.Button) discordgo.SelectMenu {
	placeholder := "Choose an answer"
	if action == conversation.ActionEdit {
		placeholder = "Edit an answer"
	}
	opts := make([]discordgo.SelectMenuOption, 0, len(list))
	for _, b := range list {
		opts = append(opts, discordgo.SelectMenuOption{Label: label(b.Label, maxOptionText), Value: encodeValue(b.Value, maxOptionText)})
	}
	return discordgo.SelectMenu{
		MenuType:    discordgo.StringSelectMenu,
		CustomID:    ownerPrefix + "|" + action + "|" + menuMark + strconv.Itoa(n),
		Placeholder: fit(placeholder, maxPlaceholder),
		Options:     opts,
	}
}

func label(s string, limit int) string {
	s = strings.TrimSpace(bot.Neutralize(s))
	if s == "" {
		return "…"
	}
	return fit(s, limit)
}

// buttonRows puts owner buttons in rows of five.
func buttonRows(buttons []conversation.Button) []discordgo.MessageComponent {
	var rows []discordgo.MessageComponent
	for len(buttons) > 0 {
		n := min(len(buttons), maxRowItems)
		row := discordgo.ActionsRow{}
		for _, b := range buttons[:n] {
			style := discordgo.SecondaryButton
			if b.Action == conversation.ActionSubmit {
				style = discordgo.PrimaryButton
			}
			row.Components = append(row.Components, discordgo.Button{
				Label: label(b.Label, maxButtonLabel), Style: style, CustomID: ownerCustomID(b.Action, b.Value),
			})
		}
		rows = append(rows, row)
		buttons = buttons[n:]
	}
	return rows
}

// ---- the escalation channel ----

// cardMarker ends a card or a line that had to be cut.
func cardMarker(caseID string) string {
	return fmt.Sprintf("… (truncated, see %s show %s)", bot.CommandPrefix, fit(caseID, 40))
}

// renderCard renders a case card: an embed with its parts (presentation.Card) in their order,
// the title and summary first, short facts and answers inline, and the buttons its status
// allows.
func renderCard(c bot.Card) (*discordgo.MessageEmbed, []discordgo.MessageComponent) {
	marker := cardMarker(c.ID)
	reserve := runeLen(marker) + 2 // "\n\n" + marker, appended when anything was cut

	e := &discordgo.MessageEmbed{Color: cardColour(c)}
	var desc []string
	truncated := false
	add := func(name, value string, inline bool) {
		if len(e.Fields) == maxEmbedFields {
			truncated = true
			return
		}
		f := field(name, value, inline)
		truncated = truncated || f.Value != value && value != ""
		e.Fields = append(e.Fields, f)
	}
	for _, p := range presentation.Card(c) {
		text := p.Text
		if p.Written {
			text = shown(text)
		}
		switch p.Kind {
		case presentation.KindTitle:
			// Embed titles show markdown as typed, so the title is neutralized, not escaped.
			title := p.Label + " · " + p.Text
			if p.Alert {
				title = "⚠️ " + title
			}
			e.Title = fit(bot.Neutralize(title), maxEmbedTitle)
		case presentation.KindEscalated:
			desc = append(desc, "⏫ **"+p.Label+"**: "+text)
		case presentation.KindSummary:
			desc = append(desc, text)
		case presentation.KindAutomatic:
			e.Footer = &discordgo.MessageEmbedFooter{Text: fit(p.Text, maxFooter)}
		case presentation.KindRating:
			if p.Quote != "" {
				text += "\n" + presentation.Quoted(shown(p.Quote))
			}
			add(p.Label, text, false)
		case presentation.KindAnswer:
			add(bot.Neutralize(p.Label), text, runeLen(p.Text) <= shortAnswer && !strings.Contains(p.Text, "\n"))
		default:
			add(p.Label, factText(p, text), p.Fact)
		}
	}
	var cutDesc bool
	e.Description, cutDesc = cut(strings.Join(desc, "\n\n"), maxEmbedDesc-reserve)
	truncated = truncated || cutDesc
	if fitTotal([]*discordgo.MessageEmbed{e}, maxEmbedTotal-reserve) {
		truncated = true
	}
	if truncated {
		e.Description = strings.TrimSpace(e.Description + "\n\n" + marker)
	}

	var row discordgo.ActionsRow
	for _, b := range c.Buttons {
		style := discordgo.SecondaryButton
		if ca, ok := bot.CaseActionNamed(b.Action); ok {
			switch ca.Style {
			case bot.StylePrimary:
				style = discordgo.PrimaryButton
			case bot.StyleSuccess:
				style = discordgo.SuccessButton
			}
		}
		if len(row.Components) == maxRowItems {
			break
		}
		row.Components = append(row.Components, discordgo.Button{
			Label: label(b.Label, maxButtonLabel), Style: style, CustomID: caseCustomID(b.Action, b.Value),
		})
	}
	// An empty list, not nil: an edit must remove the buttons of an ended case.
	components := []discordgo.MessageComponent{}
	if len(row.Components) > 0 {
		components = append(components, row)
	}
	return e, components
}

// factText is a value of the card with its moment, if any, after it: a Discord timestamp, which
// every reader sees in their own time zone, relative ("in 20 minutes") where it is about now.
func factText(p presentation.Part, text string) string {
	if p.At.IsZero() {
		return text
	}
	style := byte('R')
	if p.Kind == presentation.KindOpened {
		style = 'f'
	}
	if text == "" {
		return stamp(p.At, style)
	}
	return text + " " + stamp(p.At, style)
}

func caseCustomID(action, caseID string) string {
	return fit(casePrefix+"|"+action+"|"+caseID, maxCustomID)
}

func cardColour(c bot.Card) int {
	switch {
	case c.Status == bot.StatusResolved || c.Status == bot.StatusClosed:
		return colourEnded
	case c.Severity == bot.SeverityCritical || c.Safety:
		return colourCritical
	case c.Severity == bot.SeverityHigh:
		return colourHigh
	case c.Severity == bot.SeverityLow:
		return colourLow
	}
	return colourMedium
}

// stamp is a Discord timestamp: every reader sees it in their own time zone.
func stamp(t time.Time, style byte) string {
	return fmt.Sprintf("<t:%d:%c>", t.Unix(), style)
}

// embedSize is what Discord counts toward the 6,000 characters of a message.
func embedSize(embeds []*discordgo.MessageEmbed) int {
	n := 0
	for _, e := range embeds {
		n += runeLen(e.Title) + runeLen(e.Description)
		for _, f := range e.Fields {
			n += runeLen(f.Name) + runeLen(f.Value)
		}
		if e.Footer != nil {
			n += runeLen(e.Footer.Text)
		}
		if e.Author != nil {
			n += runeLen(e.Author.Name)
		}
	}
	return n
}

// minTrim is how short fitTotal cuts a text before it drops fields instead.
const minTrim = 100

// fitTotal makes the embeds fit budget characters: the longest description or field value is
// cut first (never below minTrim), then the last fields are dropped. It reports whether it
// cut anything.
func fitTotal(embeds []*discordgo.MessageEmbed, budget int) bool {
	cutAny := false
	for over := embedSize(embeds) - budget; over > 0; over = embedSize(embeds) - budget {
		var longest *string
		for _, e := range embeds {
			if runeLen(e.Description) > minTrim && (longest == nil || runeLen(e.Description) > runeLen(*longest)) {
				longest = &e.Description
			}
			for _, f := range e.Fields {
				if runeLen(f.Value) > minTrim && (longest == nil || runeLen(f.Value) > runeLen(*longest)) {
					longest = &f.Value
				}
			}
		}
		cutAny = true
		if longest != nil {
			*longest = fit(*longest, max(minTrim, runeLen(*longest)-over))
			continue
		}
		dropped := false
		for i := len(embeds) - 1; i >= 0 && !dropped; i-- {
			if n := len(embeds[i].Fields); n > 0 {
				embeds[i].Fields = embeds[i].Fields[:n-1]
				dropped = true
			}
		}
		if !dropped {
			for _, e := range embeds {
				e.Description = fit(e.Description, max(0, runeLen(e.Description)-over))
			}
			return true
		}
	}
	return cutAny
}

// renderThread renders one line under a case card, in as many messages as it needs.
func renderThread(m bot.ThreadMessage) []*discordgo.MessageSend {
	from := strings.TrimSpace(m.From)
	if from == "" {
		from = "someone"
	}
	var heading string
	switch m.Role {
	case "owner":
		heading = "**" + fit(shown(from), 100) + "** (owner):\n"
	case "executive":
		heading = "**" + fit(shown(from), 100) + "** (executive):\n"
	default:
		heading = "ℹ️ "
	}
	var msgs []*discordgo.MessageSend
	for _, p := range split(heading+shown(m.Text), maxContent) {
		msgs = append(msgs, &discordgo.MessageSend{Content: p, AllowedMentions: noMentions()})
	}
	if who, allowed := discordMentions(m.Mentions); who != "" {
		// The on-call people are pinged by the line's first message, and nobody else is.
		msgs[0].Content = fit(who+" "+msgs[0].Content, maxContent)
		msgs[0].AllowedMentions = allowed
	}
	return msgs
}

// renderFileLine is the message that carries an owner's file in a card's thread: the owner's
// heading, as renderThread writes it (an erasure finds it by it), and what was sent.
func renderFileLine(m bot.ThreadMessage) *discordgo.MessageSend {
	line := m
	line.Text, line.Mentions = "sent "+m.Text, nil
	return renderThread(line)[0]
}

// discordMentions renders the Discord entries of a line's mentions (roles, users) as Discord
// mentions, with the allowed mentions that ping exactly them; other platforms' entries are
// left out.
func discordMentions(entries []string) (string, *discordgo.MessageAllowedMentions) {
	var out []string
	allowed := noMentions()
	for _, e := range entries {
		kind, id, _ := strings.Cut(strings.TrimSpace(e), ":")
		if !snowflake.MatchString(id) {
			continue
		}
		switch kind {
		case "role":
			out = append(out, "<@&"+id+">")
			allowed.Roles = append(allowed.Roles, id)
		case Platform:
			out = append(out, "<@"+id+">")
			allowed.Users = append(allowed.Users, id)
		}
	}
	return strings.Join(out, " "), allowed
}

// threadName names the thread under a card.
func threadName(caseID string) string { return fit(caseID+" · conversation", maxThreadName) }

// answerPieces is text for an ephemeral answer (a command's output, a refusal): escaped, in at
// most maxFollowups messages, the last one ending with a marker when it had to be cut.
func answerPieces(text string) []string {
	pieces := split(shown(text), maxContent)
	if len(pieces) == 0 {
		return []string{"Done."}
	}
	if len(pieces) > maxFollowups {
		const marker = " (truncated)"
		pieces = pieces[:maxFollowups]
		pieces[maxFollowups-1] = fit(pieces[maxFollowups-1], maxContent-runeLen(marker)) + marker
	}
	return pieces
}

// Where a case action's modal (Reply, Resolve) keeps its text.
const modalInputID = "text"

// renderModal is the form of a case action that asks for a text (CaseAction.Form: a Reply's
// message to the owner, a Resolve's note). It takes no more than Discord's text input allows
// and the core keeps (presentation.FormLimit). action must be one with a form.
func renderModal(action, caseID string) *discordgo.InteractionResponseData {
	ca, _ := bot.CaseActionNamed(action)
	f := ca.Form
	limit := presentation.FormLimit(action, maxInputText)
	return &discordgo.InteractionResponseData{
		CustomID: caseCustomID(action, caseID),
		Title:    fit(ca.FormTitle(caseID), maxModalTitle),
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.TextInput{
				CustomID:    modalInputID,
				Label:       fit(f.Label, maxInputLabel),
				Style:       discordgo.TextInputParagraph,
				Placeholder: fit(f.Hint, 100),
				Required:    f.Required,
				MaxLength:   limit,
			},
		}}},
	}
}
