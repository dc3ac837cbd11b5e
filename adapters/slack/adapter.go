package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"escalation-bot/bot"
	"escalation-bot/conversation"
	"escalation-bot/health"
	"escalation-bot/jobs"

	slackgo "github.com/slack-go/slack"
)

// The slash commands of the manifest.
const (
	commandEscalate    = "/escalate"
	commandEscalations = bot.CommandPrefix // "/escalations"
)

// dmSent is what an owner sees where they typed /escalate or mentioned the bot.
const dmSent = "I've sent you a direct message to start."

// jobTimeout bounds the work of one Slack request after its ack.
const jobTimeout = 30 * time.Second

// Adapter turns Slack events, interactions and slash commands into calls of the core, in
// Socket Mode or over HTTP, and answers through the Messenger.
type Adapter struct {
	cfg  Config
	svc  *bot.Service
	msgr *Messenger
	api  *api
	log  *slog.Logger
	jobs *jobs.Runner

	botUser atomic.Value // string: the bot's own user id, from auth.test
	ready   atomic.Bool  // HTTP mode: auth.test passed; Socket Mode: connected

	mu         sync.Mutex
	stopSocket context.CancelFunc
	socketDone chan struct{}
}

// NewAdapter builds the adapter over the service, answering through m.
func NewAdapter(cfg Config, svc *bot.Service, m *Messenger, logger *slog.Logger) *Adapter {
	if logger == nil {
		logger = slog.Default()
	}
	logger = logger.With("adapter", Platform)
	a := &Adapter{cfg: cfg, svc: svc, msgr: m, api: m.api, log: logger, jobs: jobs.New(Platform, jobTimeout, logger)}
	a.botUser.Store("")
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

// Stop disconnects Socket Mode, lets the work in flight finish while ctx allows, then cancels
// the rest and waits for it.
func (a *Adapter) Stop(ctx context.Context) error {
	a.ready.Store(false)
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
	if err := a.jobs.Stop(ctx); err != nil {
		errs = append(errs, fmt.Errorf("slack: work in flight did not stop: %w", err))
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
	if u, perr := url.Parse(apiURL); perr == nil {
		apiURL = u.Redacted() // a proxy URL may carry a password
	}
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

// eventEnvelope is the outer body of the Events API (HTTP body or Socket Mode payload).
type eventEnvelope struct {
	Type      string          `json:"type"`
	Challenge string          `json:"challenge"`
	TeamID    string          `json:"team_id"`
	EventID   string          `json:"event_id"`
	Event     json.RawMessage `json:"event"`
}

// innerEvent holds the fields of message and app_mention events the adapter reads.
type innerEvent struct {
	Type        string `json:"type"`
	Subtype     string `json:"subtype"`
	User        string `json:"user"`
	BotID       string `json:"bot_id"`
	Team        string `json:"team"`
	UserTeam    string `json:"user_team"`
	Text        string `json:"text"`
	Channel     string `json:"channel"`
	ChannelType string `json:"channel_type"`
	TS          string `json:"ts"`
}

// eventID is the core's dedupe key of a Slack event: the same for a redelivery, whichever way
// it comes.
func eventID(id string) string {
	if id == "" {
		return ""
	}
	return Platform + ":" + id
}

// The work of a request runs in a job. An owner's work (DMs, intake buttons, /escalate, a
// mention) is keyed by the owner and runs in arrival order, so two messages typed quickly are
// applied in the order they were written; everything else runs at once. Each returns false
// once the adapter is stopping, and then nothing runs.

func (a *Adapter) goEvent(env eventEnvelope) bool {
	return a.jobs.GoAfter(eventKey(env), "event", func(ctx context.Context) { a.handleEvent(ctx, env) })
}

func (a *Adapter) goInteraction(ic slackgo.InteractionCallback) bool {
	return a.jobs.GoAfter(interactionKey(ic), "interaction", func(ctx context.Context) { a.handleInteraction(ctx, ic) })
}

func (a *Adapter) goCommand(cmd slackgo.SlashCommand) bool {
	key := ""
	if cmd.Command == commandEscalate {
		key = string(identity(cmd.TeamID, cmd.UserID))
	}
	return a.jobs.GoAfter(key, "command", func(ctx context.Context) { a.handleCommand(ctx, cmd) })
}

// eventKey is the owner an event comes from, as handleEvent names them; "" when none.
func eventKey(env eventEnvelope) string {
	var ev innerEvent
	if json.Unmarshal(env.Event, &ev) != nil || ev.User == "" {
		return ""
	}
	return string(identity(firstNonEmpty(ev.UserTeam, ev.Team, env.TeamID), ev.User))
}

// interactionKey is the owner behind an intake button click; "" for anything else (case
// buttons and modals must not wait: a trigger_id lasts 3 s).
func interactionKey(ic slackgo.InteractionCallback) string {
	if ic.Type != slackgo.InteractionTypeBlockActions {
		return ""
	}
	for _, act := range ic.ActionCallback.BlockActions {
		if strings.HasPrefix(act.ActionID, ownerPrefix+"|") {
			return string(identity(userTeam(ic), ic.User.ID))
		}
	}
	return ""
}

// handleEvent runs one Events API callback.
func (a *Adapter) handleEvent(ctx context.Context, env eventEnvelope) {
	var ev innerEvent
	if err := json.Unmarshal(env.Event, &ev); err != nil {
		a.log.WarnContext(ctx, "unreadable slack event", "event_id", env.EventID, "err", err)
		return
	}
	// Edits, joins, bot messages and the bot's own posts must not drive a dialogue. A message
	// with a file attached (file_share) is still the person writing: its text counts.
	if (ev.Subtype != "" && ev.Subtype != "file_share") || ev.BotID != "" || ev.User == "" || ev.User == a.botUser.Load().(string) {
		return
	}
	team := firstNonEmpty(ev.UserTeam, ev.Team, env.TeamID)
	switch ev.Type {
	case "message":
		if ev.ChannelType != "im" {
			return
		}
		a.ownerMessage(ctx, env.EventID, team, ev)
	case "app_mention":
		if ev.ChannelType == "im" || strings.HasPrefix(ev.Channel, "D") {
			return // in the DM the message event already runs the intake
		}
		a.startIntake(ctx, eventID(env.EventID), team, ev.User, "", func(ctx context.Context, text string) error {
			return a.api.ephemeral(ctx, ev.Channel, ev.User, text)
		})
	}
}

// ownerMessage runs a DM from an owner through the intake and answers in the DM.
func (a *Adapter) ownerMessage(ctx context.Context, id, team string, ev innerEvent) {
	a.api.rememberDM(ev.User, ev.Channel)
	owner := identity(team, ev.User)
	replies, err := a.svc.HandleOwner(ctx, bot.OwnerEvent{
		ID:    eventID(id),
		Owner: owner,
		Name:  a.api.userName(ctx, ev.User, ""),
		Text:  unescape(ev.Text),
	})
	a.answerOwner(ctx, owner, ev.Channel, replies, err)
}

// answerOwner posts an intake turn's replies in the DM, or says that it failed.
func (a *Adapter) answerOwner(ctx context.Context, owner bot.Identity, channel string, replies []conversation.Reply, err error) {
	if err != nil {
		a.logError(ctx, "owner event failed", err, "owner", owner)
		replies = []conversation.Reply{{Text: bot.ErrorMessage(err)}}
	}
	if err := a.msgr.sendReplies(ctx, channel, replies); err != nil {
		a.log.ErrorContext(ctx, "answer owner", "owner", owner, "err", err)
	}
}

// startIntake opens the DM and starts (or resumes) the owner's intake there, then tells them
// where to look through tell, where they asked.
func (a *Adapter) startIntake(ctx context.Context, id, team, user, name string, tell func(context.Context, string) error) {
	owner := identity(team, user)
	channel, err := a.api.openDM(ctx, user)
	if err == nil {
		var replies []conversation.Reply
		replies, err = a.svc.HandleOwner(ctx, bot.OwnerEvent{ID: id, Owner: owner, Name: a.api.userName(ctx, user, name)})
		if err == nil && len(replies) == 0 {
			return // a redelivered event: it was answered the first time
		}
		if err == nil {
			err = a.msgr.sendReplies(ctx, channel, replies)
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
func (a *Adapter) handleInteraction(ctx context.Context, ic slackgo.InteractionCallback) {
	switch ic.Type {
	case slackgo.InteractionTypeBlockActions:
		for _, act := range ic.ActionCallback.BlockActions {
			a.blockAction(ctx, ic, act)
		}
	case slackgo.InteractionTypeViewSubmission:
		a.viewSubmission(ctx, ic)
	default:
		a.log.DebugContext(ctx, "slack interaction ignored", "type", ic.Type)
	}
}

func userTeam(ic slackgo.InteractionCallback) string {
	return firstNonEmpty(ic.User.TeamID, ic.Team.ID)
}

func payloadName(u slackgo.User) string { return firstNonEmpty(u.Name, u.Username) }

func (a *Adapter) blockAction(ctx context.Context, ic slackgo.InteractionCallback, act *slackgo.BlockAction) {
	parts := strings.Split(act.ActionID, "|")
	channel := firstNonEmpty(ic.Container.ChannelID, ic.Channel.ID)
	switch {
	case len(parts) == 3 && parts[0] == ownerPrefix:
		// Intake buttons are rendered only in the owner's DM with the bot.
		if !isDM(channel) {
			a.refuseAction(ctx, ic, channel, act.ActionID, notInDM)
			return
		}
		owner := identity(userTeam(ic), ic.User.ID)
		a.api.rememberDM(ic.User.ID, channel)
		replies, err := a.svc.HandleOwner(ctx, bot.OwnerEvent{
			// The same click redelivered has the same message, action time and trigger.
			ID:     eventID("click:" + firstNonEmpty(ic.Container.MessageTs, ic.Message.Timestamp) + ":" + firstNonEmpty(act.ActionTs, ic.ActionTs) + ":" + ic.TriggerID),
			Owner:  owner,
			Name:   a.api.userName(ctx, ic.User.ID, payloadName(ic.User)),
			Action: parts[1],
			Value:  act.Value,
		})
		a.answerOwner(ctx, owner, channel, replies, err)
	case len(parts) == 2 && parts[0] == casePrefix:
		// Case cards are posted only in the escalation channels.
		if !a.escalationChannel(channel) {
			a.refuseAction(ctx, ic, channel, act.ActionID, notInEscalationChannel)
			return
		}
		a.caseAction(ctx, ic, parts[1], act.Value, channel)
	default:
		a.log.DebugContext(ctx, "slack action ignored", "action_id", act.ActionID)
	}
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

// caseAction runs a case card button. Claim and Release act at once; Reply and Resolve open a
// modal for the text, after asking the core whether the actor may.
func (a *Adapter) caseAction(ctx context.Context, ic slackgo.InteractionCallback, action, caseID, channel string) {
	var actor bot.Actor
	var err error
	switch action {
	case bot.ActionClaim:
		actor = a.actor(ctx, userTeam(ic), ic.User.ID, payloadName(ic.User))
		_, err = a.svc.Claim(ctx, actor, caseID)
	case bot.ActionRelease:
		actor = a.actor(ctx, userTeam(ic), ic.User.ID, payloadName(ic.User))
		_, err = a.svc.Release(ctx, actor, caseID)
	case bot.ActionReply, bot.ActionResolve:
		// The trigger id expires 3 s after the click, so the modal opens before anything slow:
		// the check needs no display name, and it has a budget.
		actor = bot.Actor{ID: identity(userTeam(ic), ic.User.ID), Name: payloadName(ic.User)}
		if err = a.precheck(ctx, &actor, ic.User.ID, action, caseID); err == nil {
			if verr := a.api.openView(ctx, ic.TriggerID, renderModal(action, bot.NormalizeCaseID(caseID))); verr != nil {
				a.log.WarnContext(ctx, "slack modal not opened", "case", caseID, "action", action, "err", verr)
				err = bot.Errorf(bot.CodeUnavailable, "Slack did not open the form in time. Please click the button again.")
			}
		}
	default:
		a.log.DebugContext(ctx, "unknown case action", "action", action)
		return
	}
	if err == nil {
		return
	}
	a.logError(ctx, "case action refused", err, "case", caseID, "action", action, "actor", actor.ID)
	if err := a.api.ephemeral(ctx, channel, ic.User.ID, bot.ErrorMessage(err)); err != nil {
		a.log.ErrorContext(ctx, "tell executive", "actor", actor.ID, "err", err)
	}
}

// precheck asks the core, within precheckBudget, whether the actor may Reply or Resolve before
// the modal opens. User group memberships come from the cache or one lookup that does not wait
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
	err := a.svc.Check(ctx, *actor, action, caseID)
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

// viewSubmission runs the Reply or Resolve modal. The modal is closed by the ack, so a refusal
// reaches the executive as a DM.
func (a *Adapter) viewSubmission(ctx context.Context, ic slackgo.InteractionCallback) {
	parts := strings.Split(ic.View.CallbackID, "|")
	if len(parts) != 2 || parts[0] != casePrefix {
		a.log.DebugContext(ctx, "slack view ignored", "callback_id", ic.View.CallbackID)
		return
	}
	caseID := ic.View.PrivateMetadata
	text := ""
	if ic.View.State != nil {
		text = ic.View.State.Values[modalBlockID][modalActionID].Value
	}
	actor := a.actor(ctx, userTeam(ic), ic.User.ID, payloadName(ic.User))
	var err error
	switch parts[1] {
	case bot.ActionReply:
		_, err = a.svc.Reply(ctx, actor, caseID, text)
	case bot.ActionResolve:
		_, err = a.svc.Resolve(ctx, actor, caseID, text)
	default:
		return
	}
	if err == nil {
		return
	}
	a.logError(ctx, "case "+parts[1]+" refused", err, "case", caseID, "actor", actor.ID)
	// The modal is gone: what they typed goes back to them with the refusal, so nothing is lost.
	channel, derr := a.api.openDM(ctx, ic.User.ID)
	if derr == nil {
		_, derr = a.api.post(ctx, channel, renderRefusedText(bot.ErrorMessage(err), text))
	}
	if derr != nil {
		a.log.ErrorContext(ctx, "tell executive", "actor", actor.ID, "err", derr)
	}
}

// handleCommand runs /escalate and /escalations; answers go to the caller only.
func (a *Adapter) handleCommand(ctx context.Context, cmd slackgo.SlashCommand) {
	respond := func(ctx context.Context, text string) error {
		if cmd.ResponseURL == "" {
			return a.api.ephemeral(ctx, cmd.ChannelID, cmd.UserID, text)
		}
		return a.api.respond(ctx, cmd.ResponseURL, text)
	}
	var text string
	switch cmd.Command {
	case commandEscalate:
		a.startIntake(ctx, eventID("command:"+cmd.TriggerID), cmd.TeamID, cmd.UserID, cmd.UserName, respond)
		return
	case commandEscalations:
		actor := a.actor(ctx, cmd.TeamID, cmd.UserID, cmd.UserName)
		out, err := a.svc.Command(ctx, actor, commandEscalations+" "+unescape(cmd.Text))
		if err != nil {
			a.logError(ctx, "moderator command refused", err, "actor", actor.ID, "command", firstWord(cmd.Text))
			out = bot.ErrorMessage(err)
		}
		text = out
	default:
		text = fmt.Sprintf("This app does not know the command %s. Try %s or %s help.", cmd.Command, commandEscalate, commandEscalations)
	}
	if err := respond(ctx, text); err != nil {
		a.log.ErrorContext(ctx, "answer slash command", "command", cmd.Command, "err", err)
	}
}

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
