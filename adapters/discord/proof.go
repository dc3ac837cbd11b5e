package discord

import (
	"bytes"
	"context"
	"fmt"

	"github.com/bwmarrin/discordgo"

	"escalation-bot/bot"
)

var _ bot.ProofPoster = (*Messenger)(nil)

// PostProof posts an owner's registration photo in the escalation channel with Approve and
// Reject for the moderators (the core checks who presses them).
func (m *Messenger) PostProof(ctx context.Context, channel string, p bot.Proof) error {
	about := fmt.Sprintf("Registration photo from %s (%s) for VIN %s", p.OwnerName, p.Owner, p.VIN)
	if p.CaseID != "" {
		about += ", case " + p.CaseID
	}
	about += ". Does it show that they own the vehicle?"
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
