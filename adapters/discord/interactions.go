package discord

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"escalation-bot/bot"
	"escalation-bot/conversation"
	"escalation-bot/inbox"

	"github.com/bwmarrin/discordgo"
)

// onInteractionCreate takes a slash command, a context-menu command, a click or a modal. It is
// stored in the inbox first; only then is it answered (within Discord's 3 s: deferred, a
// modal, or a short refusal) and its work done, by the handler the inbox runs at once. An
// interaction that cannot be stored (Redis away) is not answered, so the person sees that it
// failed and can try again. A resumed gateway session may deliver an interaction again; the
// inbox stores it once.
//
// What is stored is the gateway's own JSON of the interaction: discordgo cannot write a modal
// submission back to JSON (it leaves out the components with the text).
func (a *Adapter) onInteractionCreate(_ *discordgo.Session, ev *discordgo.Event) {
	ic, ok := ev.Struct.(*discordgo.InteractionCreate)
	if ev.Type != "INTERACTION_CREATE" || !ok || ic.Interaction == nil || sender(ic.Interaction) == nil {
		return
	}
	i := ic.Interaction
	ctx, cancel := context.WithTimeout(context.Background(), acceptBudget)
	err := a.inbox.Accept(ctx, inbox.Item{ID: "discord:interaction:" + i.ID, Lane: interactionLane(i), Kind: kindInteraction, Payload: ev.RawData})
	cancel()
	switch {
	case errors.Is(err, inbox.ErrDuplicate):
		a.log.Debug("replayed discord interaction dropped", "interaction", i.ID)
	case err != nil:
		a.log.Warn("discord interaction not answered: it could not be stored", "interaction", i.ID, "err", err)
	default:
		a.log.Debug("discord interaction stored", "interaction", i.ID, "type", i.Type)
	}
}

// acceptBudget bounds storing an interaction: its first answer is due 3 s after the click.
const acceptBudget = 1500 * time.Millisecond

// kindInteraction is the inbox kind of an interaction.
const kindInteraction = "discord.interaction"

// handleInteraction is the inbox handler of a stored interaction. An error means: run it again
// later (an owner's click, acknowledged, whose turn could not be done for now).
func (a *Adapter) handleInteraction(ctx context.Context, payload []byte) error {
	var i discordgo.Interaction
	if err := json.Unmarshal(payload, &i); err != nil || sender(&i) == nil {
		a.log.ErrorContext(ctx, "stored discord interaction unreadable; dropped", "err", err)
		return nil
	}
	switch i.Type {
	case discordgo.InteractionApplicationCommand:
		a.command(ctx, &i)
	case discordgo.InteractionMessageComponent:
		return a.component(ctx, &i)
	case discordgo.InteractionModalSubmit:
		a.modalSubmit(ctx, &i)
	default:
		a.log.DebugContext(ctx, "discord interaction ignored", "type", i.Type)
	}
	return nil
}

// component runs a click: an owner's intake button or select menu, or a case card button. An
// error means: run it again later (the click was acknowledged, so its work is owed).
func (a *Adapter) component(ctx context.Context, i *discordgo.Interaction) error {
	c := readClick(i)
	switch c.prefix {
	case ownerPrefix:
		// Intake buttons are only ever shown in the owner's DM.
		if i.GuildID != "" {
			a.refuse(ctx, "owner click outside a DM", i, "This button works only in your direct messages with the bot.")
			return nil
		}
		// The acknowledgement goes first: the turn may take longer than the 3 s.
		a.log.DebugContext(ctx, "discord owner click", "interaction", i.ID)
		if !a.deferUpdate(ctx, i) {
			return nil
		}
		return a.ownerClick(ctx, i, c)
	case casePrefix:
		if !a.caseChannel(i) {
			a.refuse(ctx, "case action outside an escalation channel", i, caseElsewhere)
			return nil
		}
		a.caseAction(ctx, i, c.action, c.value)
	default:
		a.log.DebugContext(ctx, "discord component ignored", "custom_id", i.MessageComponentData().CustomID)
	}
	return nil
}

// caseElsewhere refuses a case button or modal that does not come from a case card.
const caseElsewhere = "Case buttons work only on the case cards in the escalation channel."

// caseChannel reports whether a case button or modal comes from where case cards are: an
// escalation channel of the core's (ESCALATION_CHANNELS), or a channel or card thread the
// Messenger posted or updated a card in. Never from a DM.
func (a *Adapter) caseChannel(i *discordgo.Interaction) bool {
	if i.GuildID == "" || i.ChannelID == "" {
		return false
	}
	for _, ch := range a.svc.Channels() {
		if id, ok := strings.CutPrefix(ch, Platform+":"); ok && id == i.ChannelID {
			return true
		}
	}
	return a.msgr.holdsCard(i.ChannelID)
}

// refuse answers an interaction, only to the person, with text and does nothing else.
func (a *Adapter) refuse(ctx context.Context, what string, i *discordgo.Interaction, text string) {
	a.log.InfoContext(ctx, "discord interaction refused: "+what, "interaction", i.ID, "guild", i.GuildID, "channel", i.ChannelID, "user", interactionUser(i).ID)
	a.respondText(ctx, i, text)
}

// ownerClick runs an intake button or select menu as an owner event. The click is acknowledged
// already, so it is not refused for a failure of the moment (Redis away): the error goes back
// to the inbox, which runs the click again; a click handled before whose answer was lost with
// a process (Redelivered) is answered again by the core.
func (a *Adapter) ownerClick(ctx context.Context, i *discordgo.Interaction, c click) error {
	user := interactionUser(i)
	owner := identity(user.ID)
	if i.GuildID == "" {
		a.msgr.rememberDM(user.ID, i.ChannelID)
	}
	if c.unchosen {
		return nil
	}
	value := c.value
	if strings.HasPrefix(value, hashMark) {
		v, ok := a.resolveValue(value)
		if !ok {
			a.answer(ctx, owner, i.ChannelID, eventID(i.ID), []conversation.Reply{{Text: "That button belongs to an older question. Please type your answer instead."}}, nil)
			return nil
		}
		value = v
	}
	ev := clickEvent(i, c, value)
	ev.Redelivered = inbox.Redelivered(ctx)
	ev.Member = memberOf(i.GuildID, i.Member)
	return a.ownerTurn(ctx, i.ChannelID, ev)
}

// resolveValue finds the value whose hash a button carried (see hashMark) among the values a
// button of the flow can hold: choice values, step ids (edit buttons) and the engine's own.
func (a *Adapter) resolveValue(hashed string) (string, bool) {
	candidates := []string{conversation.OtherValue, conversation.UnitKm, conversation.UnitMi, "yes", "no"}
	for _, st := range a.svc.Engine().Flow().Steps {
		candidates = append(candidates, st.ID)
		for _, c := range st.Choices {
			candidates = append(candidates, c.Value)
		}
	}
	for _, v := range candidates {
		if hashValue(v) == hashed {
			return v, true
		}
	}
	return "", false
}

// caseAction runs a case card button (bot.CaseActions). An action without a form (Claim,
// Release) is acknowledged at once and run; one with a form (Reply, Resolve) answers with a
// modal for the text, after asking the core whether the actor may.
func (a *Adapter) caseAction(ctx context.Context, i *discordgo.Interaction, action, caseID string) {
	if action == bot.ActionApproveOwner || action == bot.ActionRejectOwner {
		a.proofAction(ctx, i, action, caseID)
		return
	}
	ca, known := bot.CaseActionNamed(action)
	if !known {
		a.log.DebugContext(ctx, "unknown case action", "action", action)
		return
	}
	actor := a.actor(i)
	if ca.Form == nil {
		if !a.deferUpdate(ctx, i) {
			return
		}
		// The core edits the card through UpdateCard; only a refusal is said here. A click run
		// again after a crash is the same event: done once, and not refused.
		if _, err := a.svc.RunCaseAction(ctx, actor, action, caseID, "", "discord:interaction:"+i.ID); err != nil {
			a.logError(ctx, "case "+action+" refused", err, "case", caseID, "actor", actor.ID)
			a.followup(ctx, i, bot.ErrorMessage(err))
		}
		return
	}
	if inbox.Redelivered(ctx) {
		return // the form was offered the first time; the interaction cannot open another
	}
	if err := a.svc.AuthorizeCaseAction(ctx, actor, action, caseID); err != nil {
		a.logError(ctx, "case "+action+" refused", err, "case", caseID, "actor", actor.ID)
		a.respondText(ctx, i, bot.ErrorMessage(err))
		return
	}
	a.respond(ctx, i, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseModal,
		Data: renderModal(action, bot.NormalizeCaseID(caseID)),
	})
}

// modalSubmit runs a case action's modal (Reply, Resolve) and tells the executive the outcome.
func (a *Adapter) modalSubmit(ctx context.Context, i *discordgo.Interaction) {
	f, ok := readForm(i)
	if !ok {
		a.log.DebugContext(ctx, "discord modal ignored", "custom_id", i.ModalSubmitData().CustomID)
		return
	}
	if !a.caseChannel(i) {
		a.log.InfoContext(ctx, "discord interaction refused: case modal outside an escalation channel", "interaction", i.ID, "guild", i.GuildID, "channel", i.ChannelID)
		a.respondText(ctx, i, caseElsewhere)
		return
	}
	if !a.deferEphemeral(ctx, i) {
		return
	}
	action, caseID, text := f.action, f.caseID, f.text
	actor := a.actor(i)
	// The submission names the event: run again after a crash, it changes nothing.
	card, err := a.svc.RunCaseAction(ctx, actor, action, caseID, text, "discord:interaction:"+i.ID)
	ca, _ := bot.CaseActionNamed(action) // readForm took only an action with a form
	out := ca.Done(card.ID)
	if err != nil {
		a.logError(ctx, "case "+action+" refused", err, "case", caseID, "actor", actor.ID)
		out = bot.ErrorMessage(err)
	}
	a.followup(ctx, i, out)
}

// command runs the application commands.
func (a *Adapter) command(ctx context.Context, i *discordgo.Interaction) {
	data := i.ApplicationCommandData()
	switch {
	case data.CommandType == discordgo.MessageApplicationCommand && data.Name == inviteCommand:
		a.invite(ctx, i, data)
	case data.Name == escalateCommand:
		a.escalate(ctx, i)
	case data.Name == escalationsCommand:
		a.moderate(ctx, i, data)
	default:
		a.respondText(ctx, i, fmt.Sprintf("This bot does not know that command. Try /%s or %s help.", escalateCommand, bot.CommandPrefix))
	}
}

// escalate is /escalate: it starts (or resumes) the owner's intake in their DM and says so
// where they typed it, to them only; a refusal (the owner restrictions') is said there too.
func (a *Adapter) escalate(ctx context.Context, i *discordgo.Interaction) {
	if !a.deferEphemeral(ctx, i) {
		return
	}
	user := interactionUser(i)
	owner := identity(user.ID)
	err := a.startIntake(ctx, user, bot.OwnerEvent{ID: eventID(i.ID), Locale: string(i.Locale), Member: memberOf(i.GuildID, i.Member)}, "")
	text := dmSent
	if err != nil {
		a.logError(ctx, "start intake", err, "owner", owner)
		text = dmFailure(err)
	}
	a.followup(ctx, i, text)
}

// inviteText opens the DM of a member a moderator invited.
const inviteText = "Hello! A moderator of our community server thinks our executive escalation line can help with the issue you posted about. " +
	"I'll ask a few questions here, and your answers go to the executive team. You can type cancel at any time."

// invite is the "Escalate for this member" message command: a moderator invites the author
// of a post to the intake. The moderator vouches for them, so the owner restrictions do not
// apply.
func (a *Adapter) invite(ctx context.Context, i *discordgo.Interaction, data discordgo.ApplicationCommandInteractionData) {
	if a.foreignGuild(ctx, i) {
		return
	}
	if !a.deferEphemeral(ctx, i) {
		return
	}
	actor := a.actor(i)
	if !a.svc.IsModerator(actor) {
		a.log.InfoContext(ctx, "invite refused: not a moderator", "actor", actor.ID)
		a.followup(ctx, i, notModerator)
		return
	}
	var target *discordgo.Message
	if data.Resolved != nil {
		target = data.Resolved.Messages[data.TargetID]
	}
	switch {
	case target == nil || target.Author == nil:
		a.followup(ctx, i, "I could not read that message; please try again.")
		return
	case target.Author.Bot || target.Author.System:
		a.followup(ctx, i, "That message was written by a bot; invite a person instead.")
		return
	}
	// The interaction's locale is the inviter's, not the invited member's: the intake goes by
	// what the member writes.
	err := a.startIntake(ctx, target.Author, bot.OwnerEvent{ID: eventID(i.ID), Invited: true}, inviteText)
	name := userName(target.Author)
	text := fmt.Sprintf("I've invited %s to the escalation line in a direct message.", name)
	if err != nil {
		a.logError(ctx, "invite member", err, "actor", actor.ID, "owner", identity(target.Author.ID))
		text = dmFailure(err)
		if restCode(err) == discordgo.ErrCodeCannotSendMessagesToThisUser {
			text = fmt.Sprintf("I could not send %s a direct message: they do not accept direct messages from this server.", name)
		}
	}
	a.followup(ctx, i, text)
}

// startIntake opens the user's DM, writes greeting first when set, and runs ev, an empty owner
// event of the user's, there: the intake starts, or the owner is reminded where it stopped.
// ev.Locale is the user's Discord locale when the user invoked it, which a new intake speaks.
func (a *Adapter) startIntake(ctx context.Context, user *discordgo.User, ev bot.OwnerEvent, greeting string) error {
	ev.Owner, ev.Name = identity(user.ID), userName(user)
	channel, err := a.msgr.dmChannel(ctx, user.ID)
	if err != nil {
		return fmt.Errorf("open DM with %s: %w", ev.Owner, err)
	}
	replies, err := a.svc.HandleOwner(ctx, ev)
	if err != nil {
		return err
	}
	if greeting != "" && len(replies) > 0 {
		replies = append([]conversation.Reply{{Text: greeting}}, replies...)
	}
	return a.msgr.sendReplies(ctx, channel, replies)
}

// dmFailure explains why an intake could not start in the DM.
func dmFailure(err error) string {
	if restCode(err) == discordgo.ErrCodeCannotSendMessagesToThisUser {
		return "I could not send you a direct message. Please allow direct messages from this server's members (server menu → Privacy Settings), then try again."
	}
	return bot.ErrorMessage(err)
}

// moderate is /escalations <sub> …: the options become the command line the core parses.
func (a *Adapter) moderate(ctx context.Context, i *discordgo.Interaction, data discordgo.ApplicationCommandInteractionData) {
	if a.foreignGuild(ctx, i) {
		return
	}
	if !a.deferEphemeral(ctx, i) {
		return
	}
	actor := a.actor(i)
	line, err := commandLine(a.svc.Commands(), data)
	var ans bot.CommandAnswer
	switch {
	case err != nil && !a.svc.IsModerator(actor):
		// Who may run it comes first, as in the core, whatever the options hold.
		ans, err = bot.CommandAnswer{Text: notModerator}, nil
	case err == nil:
		ans, err = a.svc.Run(ctx, actor, line)
	}
	if err == nil {
		err = ans.CheckFiles("Discord", maxAttachmentSize, maxAttachments)
	}
	if err != nil {
		a.logError(ctx, "moderator command refused", err, "actor", actor.ID, "command", firstWord(strings.TrimPrefix(line, bot.CommandPrefix)))
		ans = bot.CommandAnswer{Text: bot.ErrorMessage(err)}
	}
	a.followup(ctx, i, ans.Text, ans.Files...)
}

// Discord's limits for the files of one message.
const (
	maxAttachmentSize = 25 << 20
	maxAttachments    = 10
)

// notModerator answers someone who may not moderate.
const notModerator = "Only moderators of the escalation line may do that."

// notSetUp answers a moderator command from a server the bot does not serve.
const notSetUp = "This bot is not set up for this server."

// foreignGuild refuses, ephemerally, a moderator command from a server that is not one of
// DISCORD_GUILD_IDS, and reports whether it did. With DISCORD_GUILD_IDS empty no server is
// trusted for roles (see actor), and the command runs for the identities the core names.
func (a *Adapter) foreignGuild(ctx context.Context, i *discordgo.Interaction) bool {
	if i.GuildID == "" || len(a.cfg.GuildIDs) == 0 || a.cfg.configuredGuild(i.GuildID) {
		return false
	}
	a.log.InfoContext(ctx, "discord command from a server that is not configured refused", "guild", i.GuildID, "user", interactionUser(i).ID)
	a.respondText(ctx, i, notSetUp)
	return true
}

func firstWord(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return ""
}

// actor is the person behind an executive or moderator action. Their roles come from the
// interaction's member, which Discord fills in servers, and count only in a server of
// DISCORD_GUILD_IDS: anyone can add the bot to a server of their own (when it is public) and
// hold Manage Server or any role there. Without a configured server (a DM, another server,
// no DISCORD_GUILD_IDS) nothing is granted that a role would grant; the core still matches
// the identity ("discord:<user id>").
func (a *Adapter) actor(i *discordgo.Interaction) bot.Actor {
	user := interactionUser(i)
	act := bot.Actor{ID: identity(user.ID), Name: userName(user)}
	if m := i.Member; m != nil {
		if strings.TrimSpace(m.Nick) != "" {
			act.Name = m.Nick
		}
		if !a.cfg.configuredGuild(i.GuildID) {
			return act
		}
		for _, r := range m.Roles {
			act.Roles = append(act.Roles, "role:"+r)
		}
		// Administrator implies Manage Server; Discord's permissions field already holds the
		// member's permissions in the channel.
		if m.Permissions&(discordgo.PermissionManageGuild|discordgo.PermissionAdministrator) != 0 {
			act.Roles = append(act.Roles, permManageGuild)
		}
	}
	return act
}

// permManageGuild is the role name of members with Manage Server, for the core's Moderators.
const permManageGuild = "perm:manage_guild"

// interactionUser is who triggered the interaction: the member's user in a server, the user
// in a DM.
func interactionUser(i *discordgo.Interaction) *discordgo.User {
	if i.Member != nil && i.Member.User != nil {
		return i.Member.User
	}
	return i.User
}

// respond sends the initial response. A failure means the interaction is gone (answered,
// expired): its work is not done, so nothing happens that the person was not told about.
func (a *Adapter) respond(ctx context.Context, i *discordgo.Interaction, r *discordgo.InteractionResponse) bool {
	if err := a.dg.InteractionRespond(i, r, discordgo.WithContext(ctx)); err != nil {
		a.log.WarnContext(ctx, "answer discord interaction", "interaction", i.ID, "type", r.Type, "code", restCode(err), "err", err)
		return false
	}
	return true
}

// deferUpdate acknowledges a click without changing its message.
func (a *Adapter) deferUpdate(ctx context.Context, i *discordgo.Interaction) bool {
	return a.acknowledge(ctx, i, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate})
}

// deferEphemeral acknowledges with "thinking…" that only the person sees; followups answer.
func (a *Adapter) deferEphemeral(ctx context.Context, i *discordgo.Interaction) bool {
	return a.acknowledge(ctx, i, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral},
	})
}

// acknowledge sends a deferred initial response, after which the person waits for the work to
// be done, and reports whether the work is to be done. A handler run again finds the
// interaction acknowledged before: by this process, after a failure of the moment (it
// remembers, and does not call again), or by a process that died before the work was done
// (Discord refuses a second acknowledgement with 40060; the inbox stores each interaction
// once, so only this bot's handler of this very interaction can have sent the first). Either
// way the work is owed, and the core does it once.
func (a *Adapter) acknowledge(ctx context.Context, i *discordgo.Interaction, r *discordgo.InteractionResponse) bool {
	if _, ok := a.acked.Get(i.ID); ok {
		return true
	}
	err := a.dg.InteractionRespond(i, r, discordgo.WithContext(ctx))
	switch {
	case err == nil:
	case restCode(err) == discordgo.ErrCodeInteractionHasAlreadyBeenAcknowledged:
		a.log.InfoContext(ctx, "discord interaction acknowledged before; its work goes on", "interaction", i.ID)
	default:
		a.log.WarnContext(ctx, "answer discord interaction", "interaction", i.ID, "type", r.Type, "code", restCode(err), "err", err)
		return false
	}
	a.acked.Put(i.ID, true)
	return true
}

// respondText answers at once with text only the person sees.
func (a *Adapter) respondText(ctx context.Context, i *discordgo.Interaction, text string) bool {
	return a.respond(ctx, i, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{
			Content:         answerPieces(text)[0],
			Flags:           discordgo.MessageFlagsEphemeral,
			AllowedMentions: noMentions(),
		},
	})
}

// followup sends text only the person sees, after the interaction was acknowledged, with the
// files attached to its last piece; the files are within Discord's limits (CheckFiles).
func (a *Adapter) followup(ctx context.Context, i *discordgo.Interaction, text string, files ...bot.File) {
	pieces := answerPieces(text)
	for n, p := range pieces {
		params := &discordgo.WebhookParams{
			Content:         p,
			Flags:           discordgo.MessageFlagsEphemeral,
			AllowedMentions: noMentions(),
		}
		if n == len(pieces)-1 {
			for _, f := range files {
				params.Files = append(params.Files, &discordgo.File{Name: f.Name, ContentType: f.ContentType, Reader: bytes.NewReader(f.Data)})
			}
		}
		_, err := a.dg.FollowupMessageCreate(i, true, params, discordgo.WithContext(ctx))
		if err != nil {
			if !errors.Is(err, context.Canceled) {
				a.log.WarnContext(ctx, "discord followup failed", "interaction", i.ID, "files", len(params.Files), "err", err)
			}
			return
		}
	}
}
