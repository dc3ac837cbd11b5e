package discord

import (
	"strings"

	"escalation-bot/bot"

	"github.com/bwmarrin/discordgo"
)

// What an interaction asks of the core, read from the payload alone: the handlers add the
// checks that need the configuration (escalation channels, servers) and the flow (hashed
// button values).

// sender is who triggered the interaction, or nil when the payload names nobody the core can
// address: a Discord user id is a snowflake, and anything else would make an identity that
// does not read back as that user (discord:<user id>).
func sender(i *discordgo.Interaction) *discordgo.User {
	u := interactionUser(i)
	if u == nil || !snowflake.MatchString(u.ID) {
		return nil
	}
	return u
}

// click is a click on a button or a select menu the bot rendered.
type click struct {
	prefix string // ownerPrefix or casePrefix; "" for a component the bot did not render
	action string
	// value is the chosen value of an intake click, maybe still hashed (see hashMark), or the
	// case id of a case button.
	value string
	// unchosen is an intake select menu sent without a value: nothing to do.
	unchosen bool
}

// readClick reads a message component interaction by its custom id: owner|<action>|<value>
// or case|<action>|<case id>; a select menu's value is its first selected one.
func readClick(i *discordgo.Interaction) click {
	if i.Type != discordgo.InteractionMessageComponent {
		return click{}
	}
	data := i.MessageComponentData()
	parts := strings.SplitN(data.CustomID, "|", 3)
	if len(parts) != 3 || (parts[0] != ownerPrefix && parts[0] != casePrefix) {
		return click{}
	}
	c := click{prefix: parts[0], action: parts[1], value: parts[2]}
	if c.prefix == ownerPrefix && data.ComponentType == discordgo.SelectMenuComponent {
		c.value, c.unchosen = "", len(data.Values) == 0
		if !c.unchosen {
			c.value = data.Values[0]
		}
	}
	return c
}

// interactionLane orders an owner's intake clicks after their messages, in the owner's inbox
// lane; anything else runs at once.
func interactionLane(i *discordgo.Interaction) string {
	if c := readClick(i); c.prefix == ownerPrefix && i.GuildID == "" {
		return string(identity(interactionUser(i).ID))
	}
	return ""
}

// clickEvent is the owner event of an intake click c, with value as its (resolved) value.
func clickEvent(i *discordgo.Interaction, c click, value string) bot.OwnerEvent {
	user := interactionUser(i)
	return bot.OwnerEvent{
		ID:     eventID(i.ID),
		Owner:  identity(user.ID),
		Name:   userName(user),
		Action: c.action,
		Value:  value,
		// The locale of the owner's Discord client; DMs carry none.
		Locale: string(i.Locale),
	}
}

// form is a submitted Reply or Resolve modal: case|<action>|<case id>, with the text typed.
type form struct {
	action, caseID, text string
}

// readForm reads a modal submit interaction; ok is false for a modal that is not a case's.
func readForm(i *discordgo.Interaction) (f form, ok bool) {
	if i.Type != discordgo.InteractionModalSubmit {
		return form{}, false
	}
	data := i.ModalSubmitData()
	parts := strings.SplitN(data.CustomID, "|", 3)
	if len(parts) != 3 || parts[0] != casePrefix {
		return form{}, false
	}
	if ca, known := bot.CaseActionNamed(parts[1]); !known || ca.Form == nil {
		return form{}, false
	}
	return form{action: parts[1], caseID: parts[2], text: modalText(data)}, true
}

// modalText is the text of the modal's input.
func modalText(data discordgo.ModalSubmitInteractionData) string {
	for _, c := range data.Components {
		row, ok := c.(*discordgo.ActionsRow)
		if !ok {
			continue
		}
		for _, rc := range row.Components {
			if in, ok := rc.(*discordgo.TextInput); ok && in.CustomID == modalInputID {
				return in.Value
			}
		}
	}
	return ""
}
