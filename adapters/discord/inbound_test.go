package discord

import (
	"encoding/json"
	"strings"
	"testing"

	"escalation-bot/bot"
	"escalation-bot/conversation"
	"escalation-bot/xtest/fakediscord"

	"github.com/bwmarrin/discordgo"
)

func FuzzReadInteraction(f *testing.F) {
	const dm, esc, msg = "300000000000000001", "300000000000000002", "400000000000000001"
	owner := fakediscord.Invoker{UserID: "200000000000000001", Username: "alice"}
	exec := fakediscord.Invoker{UserID: "200000000000000002", Username: "dana", GuildID: "500000000000000001"}
	for _, p := range []map[string]any{
		fakediscord.ButtonClick(owner, dm, msg, ownerPrefix+"|"+conversation.ActionChoose+"|understood"),
		fakediscord.ButtonClick(owner, dm, msg, ownerPrefix+"|"+conversation.ActionSubmit+"|"),
		fakediscord.ButtonClick(owner, dm, msg, ownerPrefix+"|"+conversation.ActionChoose+"|"+hashValue("a very long choice value")),
		fakediscord.SelectMenu(owner, dm, msg, ownerPrefix+"|"+conversation.ActionChoose+"|"+menuMark+"0", "model_3"),
		fakediscord.SelectMenu(owner, dm, msg, ownerPrefix+"|"+conversation.ActionChoose+"|"+menuMark+"1"),
		fakediscord.ButtonClick(exec, esc, msg, casePrefix+"|"+bot.ActionClaim+"|ESC-1042"),
		fakediscord.ButtonClick(exec, esc, msg, "owner|a|b|c"),
		fakediscord.ModalSubmit(exec, esc, casePrefix+"|"+bot.ActionReply+"|ESC-1042", fakediscord.TextField{CustomID: modalInputID, Value: "We are on it."}),
		fakediscord.ModalSubmit(exec, esc, casePrefix+"|claim|ESC-1042"),
		fakediscord.SlashCommand(owner, dm, escalateCommand),
	} {
		raw, err := json.Marshal(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		// As handleInteraction reads what the inbox stored: the gateway's JSON of it.
		i := new(discordgo.Interaction)
		if err := json.Unmarshal(raw, i); err != nil {
			return
		}
		user := sender(i)
		if user == nil {
			return // onInteractionCreate and handleInteraction drop it
		}
		if c := readClick(i); c.prefix != "" {
			data := i.MessageComponentData()
			parts := strings.SplitN(data.CustomID, "|", 3)
			if len(parts) != 3 || parts[0] != c.prefix || parts[1] != c.action || strings.Contains(c.action, "|") {
				t.Fatalf("custom id %q read as %+v", data.CustomID, c)
			}
			menu := c.prefix == ownerPrefix && data.ComponentType == discordgo.SelectMenuComponent
			switch {
			case menu && c.unchosen != (len(data.Values) == 0):
				t.Fatalf("menu with values %q read as %+v", data.Values, c)
			case menu && !c.unchosen && c.value != data.Values[0]:
				t.Fatalf("menu with values %q read as value %q", data.Values, c.value)
			case !menu && (c.value != parts[2] || c.unchosen):
				t.Fatalf("custom id %q read as %+v", data.CustomID, c)
			}
			if c.prefix == ownerPrefix {
				ev := clickEvent(i, c, c.value)
				id, err := parseIdentity(ev.Owner)
				if err != nil || id != user.ID {
					t.Fatalf("click by user %q runs as %q, which reads back as %q (%v)", user.ID, ev.Owner, id, err)
				}
				if ev.ID != eventID(i.ID) || ev.Action != c.action || ev.Value != c.value || ev.Text != "" {
					t.Fatalf("click %+v made %+v", c, ev)
				}
				// The inbox lane orders an owner's clicks after their messages: it must name
				// the owner the click runs as.
				if lane := interactionLane(i); i.GuildID == "" && lane != string(ev.Owner) {
					t.Fatalf("click by %q runs in lane %q", ev.Owner, lane)
				}
			}
		}
		if f, ok := readForm(i); ok {
			if f.action != bot.ActionReply && f.action != bot.ActionResolve {
				t.Fatalf("modal read as %q", f.action)
			}
			if id := i.ModalSubmitData().CustomID; id != casePrefix+"|"+f.action+"|"+f.caseID {
				t.Fatalf("modal %q read as %+v", id, f)
			}
		}
	})
}
