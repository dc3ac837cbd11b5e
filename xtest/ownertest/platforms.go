package ownertest

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"escalation-bot/xtest/fakediscord"
	"escalation-bot/xtest/fakeslack"

	"github.com/bwmarrin/discordgo"
)

// SlackMessage is what a person sees of a Slack message delivered at at: its text and the
// owner's buttons.
func SlackMessage(m fakeslack.Message, at time.Time) Message {
	out := Message{Text: Unescape(m.Text), TS: m.TS, At: at}
	var blocks any
	_ = json.Unmarshal(m.Blocks, &blocks)
	walkButtons(blocks, func(actionID, value, label string) {
		parts := strings.Split(actionID, "|")
		if len(parts) == 3 && parts[0] == "owner" {
			out.Buttons = append(out.Buttons, Button{Action: parts[1], Value: value, Label: label, ID: actionID})
		}
	})
	return out
}

func walkButtons(v any, fn func(actionID, value, label string)) {
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			walkButtons(e, fn)
		}
	case map[string]any:
		if x["type"] == "button" {
			id, _ := x["action_id"].(string)
			value, _ := x["value"].(string)
			label := ""
			if t, ok := x["text"].(map[string]any); ok {
				label, _ = t["text"].(string)
			}
			fn(id, value, label)
			return
		}
		for _, e := range x {
			walkButtons(e, fn)
		}
	}
}

var unescaper = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")

// Unescape turns Slack's &lt; &gt; &amp; back into what they stand for.
func Unescape(s string) string { return unescaper.Replace(s) }

// DiscordMessage is what a person sees of a message of the bot delivered at at: its text and
// the owner's buttons. ok is false for a message that is not the bot's.
func DiscordMessage(raw json.RawMessage, at time.Time) (Message, bool) {
	var m discordgo.Message
	if err := json.Unmarshal(raw, &m); err != nil || m.Author == nil || m.Author.ID != fakediscord.BotUserID {
		return Message{}, false
	}
	out := Message{Text: DiscordText(&m), ID: m.ID, At: at}
	for _, c := range m.Components {
		row, ok := c.(*discordgo.ActionsRow)
		if !ok {
			continue
		}
		for _, rc := range row.Components {
			switch x := rc.(type) {
			case *discordgo.Button:
				if parts := strings.SplitN(x.CustomID, "|", 3); len(parts) == 3 && parts[0] == "owner" {
					out.Buttons = append(out.Buttons, Button{Action: parts[1], Value: parts[2], Label: x.Label, ID: x.CustomID})
				}
			case *discordgo.SelectMenu:
				if parts := strings.SplitN(x.CustomID, "|", 3); len(parts) == 3 && parts[0] == "owner" {
					for _, opt := range x.Options {
						out.Buttons = append(out.Buttons, Button{Action: parts[1], Value: opt.Value, Label: opt.Label, ID: x.CustomID, Select: true})
					}
				}
			}
		}
	}
	return out, true
}

// DiscordText is everything a Discord message shows: content, embed titles, descriptions,
// fields, footers.
func DiscordText(m *discordgo.Message) string {
	var b strings.Builder
	b.WriteString(m.Content)
	for _, em := range m.Embeds {
		fmt.Fprintf(&b, "\n%s\n%s", em.Title, em.Description)
		for _, f := range em.Fields {
			fmt.Fprintf(&b, "\n%s: %s", f.Name, f.Value)
		}
		if em.Footer != nil {
			b.WriteString("\n" + em.Footer.Text)
		}
	}
	return b.String()
}
