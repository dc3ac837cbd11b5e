package slack

import (
	"context"
	"fmt"

	slackgo "github.com/slack-go/slack"

	"escalation-bot/bot"
)

var (
	_ bot.ProofPoster    = (*Messenger)(nil)
	_ bot.ProofEraser    = (*Messenger)(nil)
	_ bot.EmailDirectory = (*Messenger)(nil)
)

// EraseProof implements bot.ProofEraser: the bot's two messages of the proof in the channel
// (the photo's share, whose comment is the proof's words, and the words with Approve and
// Reject) are deleted, and the photo with them (files.delete). They are looked for among the
// channel's newest messages (historyWindow).
func (m *Messenger) EraseProof(ctx context.Context, channel string, p bot.Proof) error {
	about := p.About()
	msgs, err := m.api.history(ctx, channel, historyWindow)
	if err != nil {
		return fmt.Errorf("read %s for proof %s: %w", channel, p.ID, err)
	}
	for _, msg := range msgs {
		if msg.Text != about && msg.Text != fallback(about) {
			continue
		}
		var files []string
		for _, f := range msg.Files {
			files = append(files, f.ID)
		}
		if err := m.eraseFiles(ctx, channel, msg.Timestamp, files); err != nil {
			return fmt.Errorf("delete proof %s in %s: %w", p.ID, channel, err)
		}
	}
	return nil
}

// Email implements bot.EmailDirectory: the address in the user's Slack profile, so an owners
// file may name owners by it.
func (m *Messenger) Email(ctx context.Context, id bot.Identity) (string, error) {
	_, user, err := parseIdentity(id)
	if err != nil {
		return "", err
	}
	return m.api.email(ctx, user)
}

// PostProof shares an owner's registration photo in the escalation channel, then a message
// with Approve and Reject for the moderators (the core checks who presses them).
func (m *Messenger) PostProof(ctx context.Context, channel string, p bot.Proof) error {
	about := p.About()
	if err := m.api.shareFiles(ctx, channel, about, []bot.File{p.Photo}); err != nil {
		return fmt.Errorf("share proof %s in %s: %w", p.ID, channel, err)
	}
	if _, err := m.api.post(ctx, channel, renderProof(p, about)); err != nil {
		return fmt.Errorf("post proof %s in %s: %w", p.ID, channel, err)
	}
	return nil
}

// renderProof is the moderators' message about a photo: the words, Approve and Reject.
func renderProof(p bot.Proof, about string) message {
	var buttons []*slackgo.ButtonBlockElement
	for _, b := range p.Buttons() {
		el := button(caseActionID(b.Action), b.Value, b.Label)
		if b.Action == bot.ActionApproveOwner {
			el.Style = slackgo.StylePrimary
		} else {
			el.Style = slackgo.StyleDanger
		}
		buttons = append(buttons, el)
	}
	return message{Text: fallback(about), Blocks: append([]slackgo.Block{section(escape(about))}, actionBlocks(buttons)...)}
}

// proofAction runs Approve or Reject on a photo and tells the moderator the outcome.
func (a *Adapter) proofAction(ctx context.Context, ic slackgo.InteractionCallback, action, id, channel string) error {
	actor := a.actor(ctx, userTeam(ic), ic.User.ID, payloadName(ic.User))
	text, err := a.svc.DecideProof(ctx, actor, id, action == bot.ActionApproveOwner)
	if bot.Retryable(err) {
		return err // the click is kept until it can be carried out
	}
	if err != nil {
		a.logError(ctx, "ownership photo decision refused", err, "proof", id, "actor", actor.ID)
		text = bot.ErrorMessage(err)
	}
	if err := a.api.ephemeral(ctx, channel, ic.User.ID, text); err != nil {
		a.log.ErrorContext(ctx, "tell moderator", "actor", actor.ID, "err", err)
	}
	return nil
}
