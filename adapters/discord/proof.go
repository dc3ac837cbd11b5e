package discord

import (
	"bytes"
	"context"
	"fmt"

	"github.com/bwmarrin/discordgo"

	"escalation-bot/bot"
)

var (
	_ bot.ProofPoster = (*Messenger)(nil)
	_ bot.ProofEraser = (*Messenger)(nil)
)

// EraseProof implements bot.ProofEraser: the bot's message in the channel that carries the
// proof's buttons (their custom ids name the proof), or its words, is deleted with the photo
// attached to it. The channel's newest 1,000 messages are looked through.
func (m *Messenger) EraseProof(ctx context.Context, channel string, p bot.Proof) error {
	ids := map[string]bool{caseCustomID(bot.ActionApproveOwner, p.ID): true, caseCustomID(bot.ActionRejectOwner, p.ID): true}
	about := fit(escapeMarkdown(p.About()), maxContent)
	self := m.selfID()
	before := ""
	for range erasePages {
		page, err := m.dg.ChannelMessages(channel, 100, before, "", "", discordgo.WithContext(ctx))
		if err != nil {
			return fmt.Errorf("read channel %s for proof %s: %w", channel, p.ID, err)
		}
		for _, msg := range page {
			if msg.Author == nil || !msg.Author.Bot || (self != "" && msg.Author.ID != self) {
				continue
			}
			if msg.Content != about && !hasButton(msg, ids) {
				continue
			}
			err := m.dg.ChannelMessageDelete(channel, msg.ID, discordgo.WithContext(ctx))
			if err != nil && restCode(err) != discordgo.ErrCodeUnknownMessage {
				return fmt.Errorf("delete proof %s in channel %s: %w", p.ID, channel, err)
			}
		}
		if len(page) < 100 {
			return nil
		}
		before = page[len(page)-1].ID
	}
	return nil
}

// hasButton reports whether the message shows a button with one of the custom ids.
func hasButton(msg *discordgo.Message, ids map[string]bool) bool {
	for _, c := range msg.Components {
		row, ok := c.(*discordgo.ActionsRow)
		if !ok {
			continue
		}
		for _, rc := range row.Components {
			if b, ok := rc.(*discordgo.Button); ok && ids[b.CustomID] {
				return true
			}
		}
	}
	return false
}

// PostProof posts an owner's registration photo in the escalation channel with Approve and
// Reject for the moderators (the core checks who presses them).
func (m *Messenger) PostProof(ctx context.Context, channel string, p bot.Proof) error {
	about := p.About()
	var row discordgo.ActionsRow
	for _, b := range p.Buttons() {
		style := discordgo.DangerButton
		if b.Action == bot.ActionApproveOwner {
			style = discordgo.SuccessButton
		}
		row.Components = append(row.Components, discordgo.Button{Label: label(b.Label, maxButtonLabel), Style: style, CustomID: caseCustomID(b.Action, b.Value)})
	}
	_, err := m.dg.ChannelMessageSendComplex(channel, &discordgo.MessageSend{
		Content:         fit(escapeMarkdown(about), maxContent),
		Components:      []discordgo.MessageComponent{row},
		Files:           []*discordgo.File{{Name: p.Photo.Name, ContentType: p.Photo.ContentType, Reader: bytes.NewReader(p.Photo.Data)}},
		AllowedMentions: noMentions(),
	}, discordgo.WithContext(ctx))
	if err != nil {
		return fmt.Errorf("post proof %s to channel %s: %w", p.ID, channel, err)
	}
	return nil
}

// proofAction runs Approve or Reject on a photo and tells the moderator the outcome, privately.
func (a *Adapter) proofAction(ctx context.Context, i *discordgo.Interaction, action, id string) {
	if !a.deferEphemeral(ctx, i) {
		return
	}
	actor := a.actor(i)
	text, err := a.svc.DecideProof(ctx, actor, id, action == bot.ActionApproveOwner)
	if err != nil {
		a.logError(ctx, "ownership photo decision refused", err, "proof", id, "actor", actor.ID)
		text = bot.ErrorMessage(err)
	}
	a.followup(ctx, i, text)
}
