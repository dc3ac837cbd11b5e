package discord

import (
	"context"
	"encoding/json"
	"strings"

	"escalation-bot/bot"
	"escalation-bot/inbox"

	"github.com/bwmarrin/discordgo"
)

// kindThread is the inbox kind of a server message that may be a claimer's reply under a card.
const kindThread = "discord.thread"

// onThreadMessage stores a message written in a configured server, with DISCORD_THREAD_REPLIES
// on, for handleThreadMessage: the gateway sends it once, so it is stored (or held) first.
func (a *Adapter) onThreadMessage(m *discordgo.MessageCreate) {
	if !a.cfg.ThreadReplies || !a.cfg.configuredGuild(m.GuildID) || m.Author == nil || m.Author.Bot || m.Author.System ||
		!snowflake.MatchString(m.Author.ID) || strings.TrimSpace(m.Content) == "" {
		return
	}
	if m.Type != discordgo.MessageTypeDefault && m.Type != discordgo.MessageTypeReply {
		return
	}
	payload, err := json.Marshal(m.Message)
	if err == nil {
		// One lane per thread keeps a claimer's messages in order.
		err = a.inbox.AcceptOrHold(context.Background(), inbox.Item{ID: "discord:msg:" + m.ID, Lane: "discord:thread:" + m.ChannelID, Kind: kindThread, Payload: payload})
	}
	if err != nil {
		a.log.Error("discord thread message lost: it could not be stored or held", "channel", m.ChannelID, "message", m.ID, "err", err)
	}
}

// handleThreadMessage relays a message written in a case card's thread by the case's claimer
// (or a moderator) to the owner, as the Reply button does. Messages elsewhere, and everyone
// else's, are executives talking among themselves. An error means: run it again later.
func (a *Adapter) handleThreadMessage(ctx context.Context, payload []byte) error {
	var m discordgo.Message
	if err := json.Unmarshal(payload, &m); err != nil || m.Author == nil {
		a.log.ErrorContext(ctx, "stored discord thread message unreadable; dropped", "err", err)
		return nil
	}
	caseID, channel, err := a.msgr.caseOfThread(ctx, m.ChannelID, a.cardChannels())
	if err != nil {
		return err
	}
	if caseID == "" {
		return nil
	}
	actor := bot.Actor{ID: identity(m.Author.ID), Name: userName(m.Author)}
	if m.Member != nil {
		if strings.TrimSpace(m.Member.Nick) != "" {
			actor.Name = m.Member.Nick
		}
		for _, r := range m.Member.Roles {
			actor.Roles = append(actor.Roles, "role:"+r)
		}
	}
	_, err = a.svc.ThreadReply(ctx, actor, caseID, m.Content, eventID(m.ID), Platform+":"+channel)
	switch {
	case err == nil:
		return nil
	case bot.Retryable(err):
		return err
	case bot.ErrorCode(err) == bot.CodeForbidden:
		return nil
	}
	if card, cerr := a.svc.Card(ctx, caseID); cerr != nil || card.ClaimedBy != actor.ID {
		return nil // nobody has the case: talk among executives
	}
	// The writer had the case and the message did not go (the case ended): say so there.
	a.log.InfoContext(ctx, "thread reply refused", "case", caseID, "user", actor.ID, "why", err)
	_, serr := a.msgr.send(ctx, m.ChannelID, renderText(bot.ErrorMessage(err)))
	if serr != nil {
		a.log.ErrorContext(ctx, "tell the executive the reply failed", "err", serr)
	}
	return nil
}

// cardChannels are the Discord channels case cards are posted in.
func (a *Adapter) cardChannels() []string {
	var out []string
	for _, ch := range a.svc.Channels() {
		if id, ok := strings.CutPrefix(ch, Platform+":"); ok {
			out = append(out, id)
		}
	}
	return out
}
