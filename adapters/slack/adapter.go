package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"escalation-bot/bot"
	"escalation-bot/conversation"
	"escalation-bot/health"
	"escalation-bot/inbox"

	slackgo "github.com/slack-go/slack"

	"escalation-bot/redact"
)

// The slash commands of the manifest.
const (
	commandEscalate    = "/escalate"
	commandEscalations = bot.CommandPrefix // "/escalations"
)

// dmSent is what an owner sees where they typed /escalate or mentioned the bot.
const dmSent = "I've sent you a direct message to start."

// Adapter turns Slack events, interactions and slash commands into calls of the core, in
// Socket Mode or over HTTP, and answers through the Messenger.
type Adapter struct {
	cfg   Config
	svc   core
	msgr  *Messenger
	api   *api
	log   *slog.Logger
	inbox *inbox.Inbox // every request is stored here before Slack is acknowledged

	botUser atomic.Value // string: the bot's own user id, from auth.test
	ready   atomic.Bool  // HTTP mode: auth.test passed; Socket Mode: connected
	stopped atomic.Bool  // Stop was called: nothing more is accepted

	mu         sync.Mutex
	stopSocket context.CancelFunc
	socketDone chan struct{}
}

// NewAdapter builds the adapter over the service, answering through m. What Slack sends is
// stored in box before it is acknowledged and handled from there.
func NewAdapter(cfg Config, svc core, m *Messenger, box *inbox.Inbox, logger *slog.Logger) *Adapter {
	if logger == nil {
		logger = slog.Default()
	}
	logger = logger.With("adapter", Platform)
	a := &Adapter{cfg: cfg, svc: svc, msgr: m, api: m.api, log: logger, inbox: box}
	a.botUser.Store("")
	a.registerKinds()
	return a
}

// Start checks the bot token with auth.test and, in Socket Mode, connects; it returns once
// Slack can reach the bot. A refused token is an error that names its variable, never its value.
func (a *Adapter) Start(ctx context.Context) error {
	var info *slackgo.AuthTestResponse
	err := a.api.call(ctx, "auth.test", func(ctx context.Context) error {
		var err error
		info, err = a.api.client.AuthTestContext(ctx)
		return err
	})
	if err != nil {
		return tokenError("SLACK_BOT_TOKEN", a.cfg.apiURL(), err)
	}
	a.botUser.Store(info.UserID)
	a.log.InfoContext(ctx, "slack bot token accepted", "team", info.TeamID, "bot_user", info.UserID, "socket_mode", a.cfg.SocketMode())
	if !a.cfg.SocketMode() {
		a.ready.Store(true)
		return nil
	}
	return a.startSocket(ctx)
}

// Stop disconnects Socket Mode and accepts nothing more: later requests get 503 (Slack sends
// them again, to this replica once restarted or to another). What was stored is finished by
// the inbox, which stops after the adapter.
func (a *Adapter) Stop(ctx context.Context) error {
	a.ready.Store(false)
	a.stopped.Store(true)
	a.mu.Lock()
	stop, done := a.stopSocket, a.socketDone
	a.mu.Unlock()
	var errs []error
	if stop != nil {
		stop()
		select {
		case <-done:
		case <-ctx.Done():
			errs = append(errs, fmt.Errorf("slack: socket mode did not stop: %w", ctx.Err()))
		}
	}
	a.api.http.CloseIdleConnections()
	return errors.Join(errs...)
}

// tokenError explains a failed first call in words an operator acts on.
func tokenError(variable, apiURL string, err error) error {
	var se slackgo.SlackErrorResponse
	if errors.As(err, &se) {
		return fmt.Errorf("%s was refused by Slack: %s", variable, se.Err)
	}
	apiURL = redact.URL(apiURL) // a proxy URL may carry a password
	return fmt.Errorf("could not check %s with Slack at %s: %w", variable, apiURL, err)
}

// Check is the readiness probe: Socket Mode connected, or in HTTP mode the token accepted.
func (a *Adapter) Check() health.Check {
	return health.Check{Name: Platform, Func: func(context.Context) error {
		if !a.ready.Load() {
			if a.cfg.SocketMode() {
				return errors.New("slack: socket mode is not connected")
			}
			return errors.New("slack: not started")
		}
		return nil
	}}
}

// The work of a request is stored in the inbox and run from there. An owner's work (DMs,
// intake buttons, /escalate, a mention) is in the owner's lane and runs in arrival order, so
// two messages typed quickly are applied in the order they were written; everything else runs
// at once.

// The kinds of the inbox items this adapter stores: the parsed payload, as JSON.
const (
	kindEvent       = "slack.event"
	kindInteraction = "slack.interaction"
	kindCommand     = "slack.command"
)

// registerKinds tells the inbox how to handle what this adapter stores in it.
func (a *Adapter) registerKinds() {
	handle(a, kindEvent, a.handleEvent)
	handle(a, kindInteraction, a.handleInteraction)
	handle(a, kindCommand, a.handleCommand)
}

// handle registers run as the inbox handler of kind, whose payload is the JSON of a T.
func handle[T any](a *Adapter, kind string, run func(context.Context, T) error) {
	a.inbox.Handle(kind, func(ctx context.Context, payload []byte) error {
		var v T
		if err := json.Unmarshal(payload, &v); err != nil {
			a.log.ErrorContext(ctx, "stored slack request unreadable; dropped", "kind", kind, "err", err)
			return nil
		}
		return run(ctx, v)
	})
}

// accept stores the work of a request in the inbox before Slack is acknowledged. An error
// means: do not acknowledge, so that Slack delivers it again. An event stored before (a retry
// of a delivery whose acknowledgement was lost) is acknowledged without being stored again.
func (a *Adapter) accept(ctx context.Context, it inbox.Item, v any) error {
	if a.stopped.Load() {
		return errors.New("slack: stopping")
	}
	payload, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("slack %s: %w", it.Kind, err)
	}
	it.Payload = payload
	err = a.inbox.Accept(ctx, it)
	if errors.Is(err, inbox.ErrDuplicate) {
		return nil
	}
	if err != nil {
		a.log.WarnContext(ctx, "slack request not stored; Slack will deliver it again", "kind", it.Kind, "id", it.ID, "err", err)
	}
	return err
}

func (a *Adapter) acceptEvent(ctx context.Context, env eventEnvelope) error {
	return a.accept(ctx, inbox.Item{ID: eventID(env.EventID), Lane: eventKey(env), Kind: kindEvent}, env)
}

func (a *Adapter) acceptInteraction(ctx context.Context, ic slackgo.InteractionCallback) error {
	ic.Token = "" // the legacy verification token is a secret and is not needed later
	// A click carries the whole message clicked, blocks and all, which is most of its payload;
	// the handler needs only its ts, and every byte stored is decoded again when it runs.
	ic.Message = slackgo.Message{Msg: slackgo.Msg{Timestamp: ic.Message.Timestamp}}
	ic.OriginalMessage = slackgo.Message{}
	return a.accept(ctx, inbox.Item{ID: triggerKey(ic.TriggerID), Lane: interactionKey(ic), Kind: kindInteraction}, &ic)
}

func (a *Adapter) acceptCommand(ctx context.Context, cmd slackgo.SlashCommand) error {
	cmd.Token = ""
	lane := ""
	if cmd.Command == commandEscalate {
		lane = string(identity(cmd.TeamID, cmd.UserID))
	}
	return a.accept(ctx, inbox.Item{ID: triggerKey(cmd.TriggerID), Lane: lane, Kind: kindCommand}, cmd)
}

// triggerKey names a click or a command for the inbox's deduplication by its trigger id,
// which Slack gives each one; "" (not deduplicated) when there is none.
func triggerKey(trigger string) string {
	if trigger == "" {
		return ""
	}
	return "slack:trigger:" + trigger
}

// handleEvent runs one Events API callback. An error means: run it again later.
func (a *Adapter) handleEvent(ctx context.Context, env eventEnvelope) error {
	ev, ok, err := readEvent(env, a.botUser.Load().(string))
	switch {
	case err != nil:
		a.log.WarnContext(ctx, "unreadable slack event", "event_id", env.EventID, "err", err)
		return nil
	case !ok:
		return nil
	case ev.mention:
		return a.startIntake(ctx, ev.owner.ID, ev.team, ev.user, "", func(ctx context.Context, text string) error {
			return a.api.ephemeral(ctx, ev.channel, ev.user, text)
		})
	case ev.threadTS != "":
		return a.threadReply(ctx, ev)
	}
	return a.ownerMessage(ctx, ev)
}

// threadReply relays what the claimer (or a moderator) writes under a case card to the case's
// owner, as the Reply button does. Other threads, and other people's messages, are
// conversation among executives and are left alone.
func (a *Adapter) threadReply(ctx context.Context, ev dmEvent) error {
	if !a.escalationChannel(ev.channel) || strings.TrimSpace(ev.owner.Text) == "" {
		return nil
	}
	caseID, err := a.msgr.caseOfThread(ctx, ev.channel, ev.threadTS)
	if err != nil {
		return err // Slack is away: run it again
	}
	if caseID == "" {
		return nil
	}
	actor := a.actor(ctx, ev.team, ev.user, "")
	_, err = a.svc.ThreadReply(ctx, actor, caseID, ev.owner.Text, ev.owner.ID, Platform+":"+ev.channel)
	switch {
	case err == nil:
		if n := utf8.RuneCountInString(strings.TrimSpace(ev.owner.Text)); n > bot.MaxReply {
			// A thread takes far more than the core keeps: say where the message was cut.
			note := fmt.Sprintf("Your message has %d characters; the owner got the first %d. Write the rest in another message.", n, bot.MaxReply)
			if err := a.api.ephemeral(ctx, ev.channel, ev.user, note); err != nil {
				a.log.ErrorContext(ctx, "tell the executive the reply was cut", "err", err)
			}
		}
		return nil
	case bot.Retryable(err):
		return err
	case !a.mayReply(ctx, actor, caseID, err):
		a.log.DebugContext(ctx, "thread message not relayed", "case", caseID, "user", actor.ID, "why", err)
		return nil
	}
	// The writer had the case, and the message did not go (the case ended): say so.
	a.logError(ctx, "thread reply", err, "case", caseID)
	if err := a.api.ephemeral(ctx, ev.channel, ev.user, bot.ErrorMessage(err)); err != nil {
		a.log.ErrorContext(ctx, "tell the executive the reply failed", "err", err)
	}
	return nil
}

// mayReply tells whether a thread message the core refused was meant for the owner: its
// writer holds (or held) the case. Anyone else, or any message while nobody has the case, is
// executives talking among themselves.
func (a *Adapter) mayReply(ctx context.Context, actor bot.Actor, caseID string, refusal error) bool {
	if bot.ErrorCode(refusal) == bot.CodeForbidden {
		return false
	}
	card, err := a.svc.Card(ctx, caseID)
	return err == nil && card.ClaimedBy == actor.ID
}

// ownerMessage runs a DM from an owner through the intake and answers in the DM.
func (a *Adapter) ownerMessage(ctx context.Context, ev dmEvent) error {
	a.api.rememberDM(ev.user, ev.channel)
	owner := ev.owner
	owner.Name = a.api.userName(ctx, ev.user, "")
	owner.Locale = a.api.userLocale(ctx, ev.user)
	owner.Redelivered = inbox.Redelivered(ctx)
	owner.Files = a.files(ev.files)
	replies, err := a.svc.HandleOwner(ctx, owner)
	if bot.Retryable(err) {
		return err // Redis or Slack away (a file not fetched): the inbox runs the event again
	}
	a.answerOwner(ctx, owner.Owner, ev.channel, owner.ID, replies, err)
	return nil
}

// files are the files an owner shared, for the core to keep, fetched only when it takes them:
// Slack's links need the bot's token, so the executives could not open them. A file over the
// core's limit is not fetched, and one Slack does not hand over comes without bytes: the core
// tells the owner. A download that fails fails the turn, which the inbox runs again.
func (a *Adapter) files(files []sharedFile) []bot.Upload {
	limit := a.svc.FileMaxBytes()
	var out []bot.Upload
	for _, f := range files {
		u := bot.Upload{Name: f.Name, Type: f.Mimetype, Size: f.Size}
		if f.Size <= limit && f.Download != "" && f.Mode != "external" && f.Mode != "tombstone" {
			u.Fetch = func(ctx context.Context) ([]byte, error) {
				data, err := a.api.download(ctx, f.Download, limit)
				if errors.Is(err, errFileGone) {
					a.log.WarnContext(ctx, "owner's file not handed over by slack", "file", f.ID)
					return nil, nil
				}
				return data, err
			}
		}
		out = append(out, u)
	}
	return out
}

// answerOwner posts the answer to the owner's event in the DM, or says that it failed. An
// event handled again after a crash is answered only with what did not reach the DM before.
func (a *Adapter) answerOwner(ctx context.Context, owner bot.Identity, channel, event string, replies []conversation.Reply, err error) {
	if err != nil {
		a.logError(ctx, "owner event failed", err, "owner", owner)
		replies = []conversation.Reply{{Text: bot.ErrorMessage(err)}}
	}
	if err := a.msgr.sendAnswer(ctx, channel, event, replies, inbox.Redelivered(ctx)); err != nil {
		a.log.ErrorContext(ctx, "answer owner", "owner", owner, "err", err)
	}
}

// startIntake opens the DM and starts (or resumes) the owner's intake there, then tells them
// where to look through tell, where they asked.
func (a *Adapter) startIntake(ctx context.Context, id, team, user, name string, tell func(context.Context, string) error) error {
	owner := identity(team, user)
	channel, err := a.api.openDM(ctx, user)
	if err == nil {
		var replies []conversation.Reply
		replies, err = a.svc.HandleOwner(ctx, bot.OwnerEvent{ID: id, Owner: owner, Name: a.api.userName(ctx, user, name), Locale: a.api.userLocale(ctx, user), Redelivered: inbox.Redelivered(ctx)})
		if bot.Retryable(err) {
			return err
		}
		if err == nil && len(replies) == 0 {
			return nil // a redelivered event: it was answered the first time
		}
		if err == nil {
			err = a.msgr.sendAnswer(ctx, channel, id, replies, inbox.Redelivered(ctx))
		}
	}
	text := dmSent
	if err != nil {
		a.logError(ctx, "start intake", err, "owner", owner)
		text = bot.ErrorMessage(err)
	}
	if err := tell(ctx, text); err != nil {
		a.log.ErrorContext(ctx, "tell owner where the intake is", "owner", owner, "err", err)
	}
	return nil
}

// actor is the person behind an executive or moderator action, with the configured user
// groups they belong to as roles.
func (a *Adapter) actor(ctx context.Context, team, user, name string) bot.Actor {
	return bot.Actor{ID: identity(team, user), Name: a.api.userName(ctx, user, name), Roles: a.roles(ctx, user)}
}

// roles are the configured user groups the user belongs to, as "group:<id>".
func (a *Adapter) roles(ctx context.Context, user string) []string {
	var roles []string
	for _, g := range a.cfg.Usergroups {
		if a.api.inGroup(ctx, g, user) {
			roles = append(roles, "group:"+g)
		}
	}
	return roles
}

// handleInteraction runs a button click or a modal submission.
// An error means: run it again later (every action in it is idempotent in the core).
func (a *Adapter) handleInteraction(ctx context.Context, ic slackgo.InteractionCallback) error {
	switch ic.Type {
	case slackgo.InteractionTypeBlockActions:
		for _, act := range ic.ActionCallback.BlockActions {
			if err := a.blockAction(ctx, ic, act); err != nil {
				return err
			}
		}
	case slackgo.InteractionTypeViewSubmission:
		return a.viewSubmission(ctx, ic)
	default:
		a.log.DebugContext(ctx, "slack interaction ignored", "type", ic.Type)
	}
	return nil
}

func userTeam(ic slackgo.InteractionCallback) string {
	return firstNonEmpty(ic.User.TeamID, ic.Team.ID)
}

func payloadName(u slackgo.User) string { return firstNonEmpty(u.Name, u.Username) }

func (a *Adapter) blockAction(ctx context.Context, ic slackgo.InteractionCallback, act *slackgo.BlockAction) error {
	c := readClick(ic, act)
	switch {
	case c.owner != nil:
		// Intake buttons are rendered only in the owner's DM with the bot.
		if !isDM(c.channel) {
			a.refuseAction(ctx, ic, c.channel, act.ActionID, notInDM)
			return nil
		}
		a.api.rememberDM(ic.User.ID, c.channel)
		ev := *c.owner
		ev.Name = a.api.userName(ctx, ic.User.ID, payloadName(ic.User))
		ev.Locale = a.api.userLocale(ctx, ic.User.ID)
		ev.Redelivered = inbox.Redelivered(ctx)
		replies, err := a.svc.HandleOwner(ctx, ev)
		if bot.Retryable(err) {
			return err
		}
		a.answerOwner(ctx, ev.Owner, c.channel, ev.ID, replies, err)
	case c.caseAction != "":
		// Case cards are posted only in the escalation channels.
		if !a.escalationChannel(c.channel) {
			a.refuseAction(ctx, ic, c.channel, act.ActionID, notInEscalationChannel)
			return nil
		}
		if c.caseAction == bot.ActionApproveOwner || c.caseAction == bot.ActionRejectOwner {
			return a.proofAction(ctx, ic, c.caseAction, c.caseID, c.channel)
		}
		return a.caseAction(ctx, ic, c.caseAction, c.caseID, c.channel)
	default:
		a.log.DebugContext(ctx, "slack action ignored", "action_id", act.ActionID)
	}
	return nil
}

// What someone is told when a button arrives from where it was never shown.
const (
	notInDM                = "These buttons work only in your direct message with the bot."
	notInEscalationChannel = "Case buttons work only in an escalation channel."
)

// isDM reports whether a channel id is a direct message (Slack's DM ids start with "D").
func isDM(channel string) bool { return strings.HasPrefix(channel, "D") }

// escalationChannel reports whether the channel is one of the configured escalation channels,
// the only places case cards are posted.
func (a *Adapter) escalationChannel(channel string) bool {
	return channel != "" && !isDM(channel) && slices.Contains(a.svc.Channels(), Platform+":"+channel)
}

// refuseAction tells the clicker, privately, that a button does not work where it came from.
func (a *Adapter) refuseAction(ctx context.Context, ic slackgo.InteractionCallback, channel, actionID, text string) {
	a.log.InfoContext(ctx, "slack action refused: wrong channel", "action_id", actionID, "channel", channel, "user", ic.User.ID)
	if channel == "" {
		return
	}
	if err := a.api.ephemeral(ctx, channel, ic.User.ID, text); err != nil {
		a.log.ErrorContext(ctx, "tell user the action was refused", "user", ic.User.ID, "err", err)
	}
}

// precheckBudget bounds what runs before views.open: the trigger_id expires 3 s after the
// click, and the modal must open within them.
const precheckBudget = 1500 * time.Millisecond

// caseAction runs a case card button (bot.CaseActions). An action without a form (Claim,
// Release) acts at once; one with a form (Reply, Resolve) opens a modal for the text, after
// asking the core whether the actor may.
func (a *Adapter) caseAction(ctx context.Context, ic slackgo.InteractionCallback, action, caseID, channel string) error {
	ca, known := bot.CaseActionNamed(action)
	if !known {
		a.log.DebugContext(ctx, "unknown case action", "action", action)
		return nil
	}
	var actor bot.Actor
	var err error
	if ca.Form == nil {
		// A click run again after a crash is the same event: done once, and not refused.
		actor = a.actor(ctx, userTeam(ic), ic.User.ID, payloadName(ic.User))
		_, err = a.svc.RunCaseAction(ctx, actor, action, caseID, "", triggerKey(ic.TriggerID))
	} else {
		if inbox.Redelivered(ctx) {
			// The form opened the first time or its trigger has expired: either way a form
			// cannot be opened now, and refusing would speak of a change the executive made.
			return nil
		}
		// The trigger id expires 3 s after the click, so the modal opens before anything slow:
		// the check needs no display name, and it has a budget.
		actor = bot.Actor{ID: identity(userTeam(ic), ic.User.ID), Name: payloadName(ic.User)}
		if err = a.precheck(ctx, &actor, ic.User.ID, action, caseID); err == nil {
			if verr := a.api.openView(ctx, ic.TriggerID, renderModal(action, bot.NormalizeCaseID(caseID))); verr != nil {
				a.log.WarnContext(ctx, "slack modal not opened", "case", caseID, "action", action, "err", verr)
				err = bot.Errorf(bot.CodeUnavailable, "Slack did not open the form in time. Please click the button again.")
			}
		}
	}
	if err == nil {
		return nil
	}
	if bot.Retryable(err) && ca.Form == nil {
		return err // a click is kept until it can be carried out
	}
	a.logError(ctx, "case action refused", err, "case", caseID, "action", action, "actor", actor.ID)
	if err := a.api.ephemeral(ctx, channel, ic.User.ID, bot.ErrorMessage(err)); err != nil {
		a.log.ErrorContext(ctx, "tell executive", "actor", actor.ID, "err", err)
	}
	return nil
}

// precheck asks the core, within precheckBudget, whether the actor may run an action with a
// form before the modal opens. User group memberships come from the cache or one lookup that does not wait
// out a 429. Only a refusal the check is sure of is returned: when it is not answered in time,
// or refuses for want of a membership that could not be read, the modal opens anyway, since
// the core checks again, with every role, on submit.
func (a *Adapter) precheck(ctx context.Context, actor *bot.Actor, user, action, caseID string) error {
	ctx, cancel := context.WithTimeout(ctx, precheckBudget)
	defer cancel()
	// The lookups get part of the budget, so that the check itself still runs after a slow one.
	lookupCtx, cancelLookup := context.WithTimeout(ctx, precheckBudget*2/3)
	defer cancelLookup()
	complete := true
	for _, g := range a.cfg.Usergroups {
		member, known := a.api.membership(lookupCtx, g, user, false)
		if member {
			actor.Roles = append(actor.Roles, "group:"+g)
		}
		complete = complete && known
	}
	err := a.svc.AuthorizeCaseAction(ctx, *actor, action, caseID)
	switch {
	case err == nil:
		return nil
	case bot.ErrorCode(err) == bot.CodeInternal:
		a.log.WarnContext(ctx, "case pre-check not answered; opening the form anyway", "case", caseID, "action", action, "err", err)
		return nil
	case bot.ErrorCode(err) == bot.CodeForbidden && !complete:
		a.log.InfoContext(ctx, "case pre-check without every user group; opening the form anyway", "case", caseID, "action", action)
		return nil
	}
	return err
}

// viewSubmission runs a case action's modal (Reply, Resolve). The modal is closed by the ack, so a refusal
// reaches the executive as a DM.
func (a *Adapter) viewSubmission(ctx context.Context, ic slackgo.InteractionCallback) error {
	f, ok := readForm(ic)
	if !ok {
		a.log.DebugContext(ctx, "slack view ignored", "callback_id", ic.View.CallbackID)
		return nil
	}
	caseID, text := f.caseID, f.text
	actor := a.actor(ctx, userTeam(ic), ic.User.ID, payloadName(ic.User))
	// The form's submission names the event: submitted again, it changes nothing.
	_, err := a.svc.RunCaseAction(ctx, actor, f.action, caseID, text, viewEvent(ic))
	if err == nil {
		return nil
	}
	if bot.Retryable(err) {
		return err // what they typed is kept and sent once it can be
	}
	a.logError(ctx, "case "+f.action+" refused", err, "case", caseID, "actor", actor.ID)
	// The modal is gone: what they typed goes back to them with the refusal, so nothing is lost.
	channel, derr := a.api.openDM(ctx, ic.User.ID)
	if derr == nil {
		_, derr = a.api.post(ctx, channel, renderRefusedText(bot.ErrorMessage(err), text))
	}
	if derr != nil {
		a.log.ErrorContext(ctx, "tell executive", "actor", actor.ID, "err", derr)
	}
	return nil
}

// viewEvent names a form submission for deduplication: a submission run again after a crash
// has the same view id. "" when Slack sent none.
func viewEvent(ic slackgo.InteractionCallback) string {
	if ic.View.ID == "" {
		return ""
	}
	return "slack:view:" + ic.View.ID
}

// handleCommand runs /escalate and /escalations; answers go to the caller only.
func (a *Adapter) handleCommand(ctx context.Context, cmd slackgo.SlashCommand) error {
	respond := func(ctx context.Context, text string) error {
		if cmd.ResponseURL == "" {
			return a.api.ephemeral(ctx, cmd.ChannelID, cmd.UserID, text)
		}
		return a.api.respond(ctx, cmd.ResponseURL, text)
	}
	var text string
	switch cmd.Command {
	case commandEscalate:
		return a.startIntake(ctx, eventID("command:"+cmd.TriggerID), cmd.TeamID, cmd.UserID, cmd.UserName, respond)
	case commandEscalations:
		actor := a.actor(ctx, cmd.TeamID, cmd.UserID, cmd.UserName)
		ans, err := a.svc.Run(ctx, actor, commandLine(cmd.TeamID, cmd.Text))
		if bot.Retryable(err) {
			return err
		}
		if err == nil && len(ans.Files) > 0 {
			ans, err = a.sendFiles(ctx, cmd.UserID, ans)
		}
		if err != nil {
			a.logError(ctx, "moderator command refused", err, "actor", actor.ID, "command", firstWord(cmd.Text))
			ans.Text = bot.ErrorMessage(err)
		}
		text = ans.Text
	default:
		text = fmt.Sprintf("This app does not know the command %s. Try %s or %s help.", cmd.Command, commandEscalate, commandEscalations)
	}
	if err := respond(ctx, text); err != nil {
		a.log.ErrorContext(ctx, "answer slash command", "command", cmd.Command, "err", err)
	}
	return nil
}

// sendFiles delivers a command's files to the moderator alone, in the DM with the bot (a
// slash command's answer cannot carry files), and returns the answer to show in its place.
// A failed upload is told to the moderator, never retried behind their back: the command ran.
func (a *Adapter) sendFiles(ctx context.Context, user string, ans bot.CommandAnswer) (bot.CommandAnswer, error) {
	if err := ans.CheckFiles("Slack", maxFileSize, maxFiles); err != nil {
		return ans, err
	}
	dm, err := a.api.openDM(ctx, user)
	if err == nil {
		err = a.api.shareFiles(ctx, dm, ans.Text, ans.Files)
	}
	if err != nil {
		a.log.ErrorContext(ctx, "command files not delivered", "user", user, "files", ans.FileNames(), "err", err)
		return ans, bot.Errorf(bot.CodeUnavailable, "I could not send you %s: Slack did not take the files. Please try again in a moment.", ans.FileNames())
	}
	return bot.CommandAnswer{Text: fmt.Sprintf("%s Sent to you in a DM: %s.", ans.Text, ans.FileNames())}, nil
}

// maxFiles is the most files the adapter shares in one message.
const maxFiles = 10

func firstWord(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return ""
}

// logError logs a core error: a refusal written for the person at info, anything else, whose
// detail only the log may carry, at error.
func (a *Adapter) logError(ctx context.Context, msg string, err error, args ...any) {
	args = append(args, "err", err)
	if bot.ErrorCode(err) == bot.CodeInternal {
		a.log.ErrorContext(ctx, msg, args...)
		return
	}
	a.log.InfoContext(ctx, msg, append(args, "code", bot.ErrorCode(err))...)
}
