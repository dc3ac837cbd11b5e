package discord

import (
	"context"
	"encoding/json"

	"escalation-bot/bot"
	"escalation-bot/inbox"

	"github.com/bwmarrin/discordgo"
)

// dmSent is what an owner sees where they typed /escalate.
const dmSent = "I've sent you a direct message to start."

// onMessageCreate takes a DM written to the bot. Guild messages reach the bot only with
// DISCORD_THREAD_REPLIES (see onThreadMessage); edits, system messages, bots, the bot's own
// posts and authors whose id is not a snowflake drive nothing.
func (a *Adapter) onMessageCreate(_ *discordgo.Session, m *discordgo.MessageCreate) {
	if m.GuildID != "" {
		a.onThreadMessage(m)
		return
	}
	if m.Author == nil || m.Author.Bot || m.Author.System || m.Author.ID == a.botUser() || !snowflake.MatchString(m.Author.ID) {
		return
	}
	if m.Type != discordgo.MessageTypeDefault && m.Type != discordgo.MessageTypeReply {
		return
	}
	owner := identity(m.Author.ID)
	// The gateway delivers a message once and cannot be told to send it again: it is stored
	// before anything else, and held in memory while Redis is away.
	payload, err := json.Marshal(m.Message)
	if err == nil {
		err = a.inbox.AcceptOrHold(context.Background(), inbox.Item{ID: "discord:msg:" + m.ID, Lane: string(owner), Kind: kindDM, Payload: payload})
	}
	if err != nil {
		a.log.Error("discord DM lost: it could not be stored or held", "owner", owner, "message", m.ID, "err", err)
	}
}

// kindDM is the inbox kind of an owner's DM.
const kindDM = "discord.dm"

// handleDM is the inbox handler of a stored DM. An error means: run it again later.
func (a *Adapter) handleDM(ctx context.Context, payload []byte) error {
	var m discordgo.Message
	if err := json.Unmarshal(payload, &m); err != nil || m.Author == nil {
		a.log.ErrorContext(ctx, "stored discord DM unreadable; dropped", "err", err)
		return nil
	}
	return a.ownerMessage(ctx, &m)
}

// ownerMessage runs a DM through the intake and answers in the DM.
func (a *Adapter) ownerMessage(ctx context.Context, m *discordgo.Message) error {
	a.msgr.rememberDM(m.Author.ID, m.ChannelID)
	return a.ownerTurn(ctx, m.ChannelID, bot.OwnerEvent{
		ID:          eventID(m.ID),
		Owner:       identity(m.Author.ID),
		Name:        userName(m.Author),
		Text:        m.Content,
		Redelivered: inbox.Redelivered(ctx),
	}, m.Attachments...)
}

// ownerTurn runs one owner event and answers in channel: the replies, or the core's refusal
// (the owner restrictions', see Admission). attachments are a message's, fetched when the core
// takes them. It returns an error when the work could not be done for now (Redis or the CDN
// away) and nobody was told.
func (a *Adapter) ownerTurn(ctx context.Context, channel string, ev bot.OwnerEvent, attachments ...*discordgo.MessageAttachment) error {
	ev.Files = a.files(attachments)
	replies, err := a.svc.HandleOwner(ctx, ev)
	if bot.Retryable(err) {
		return err
	}
	a.answer(ctx, ev.Owner, channel, ev.ID, replies, err)
	return nil
}
