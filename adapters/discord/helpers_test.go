package discord

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	redisstore "escalation-bot/adapters/redis"
	"escalation-bot/bot"
	"escalation-bot/conversation"
	"escalation-bot/inbox"
	"escalation-bot/xtest/fakediscord"
	"escalation-bot/xtest/intaketest"
	"escalation-bot/xtest/ownertest"
	"escalation-bot/xtest/redistest"

	"github.com/bwmarrin/discordgo"
)

const (
	guild      = "200000000000000001"
	escChannel = "300000000000000001"
	alice      = "400000000000000001"
	dana       = "400000000000000002"
	eve        = "400000000000000003"
	mod        = "400000000000000004"
	bob        = "400000000000000005"
	modRole    = "800000000000000001"
	ownerRole  = "700000000000000001"
	wait       = 10 * time.Second
)

var names = map[string]string{alice: "Alice", dana: "Dana", eve: "Eve", mod: "Mo", bob: "Bob"}

// dmOf is the DM channel of a user in the tests.
func dmOf(user string) string { return "5" + user[1:] }

// answers is what a typical owner types at each step of the default flow.
var answers = intaketest.Answers()

// env is the adapter over the real core and a real Redis, talking to a fake Discord through
// the real discordgo client.
type env struct {
	t        *testing.T
	inbox    *inbox.Inbox
	rds      *redistest.Redis
	fake     *fakediscord.Server
	svc      *bot.Service
	adapter  *Adapter
	sessions *redisstore.SessionStore
	cases    *redisstore.CaseStore
	seq      atomic.Int64 // sequence number of the last gateway event the client handled
}

type envConfig struct {
	cfg        Config
	bot        bot.Config
	flow       *conversation.Flow
	messengers []bot.Messenger
	setup      func(*fakediscord.Server)
	clock      bot.Clock
	logs       io.Writer                                 // every log line, at debug level
	transport  func(http.RoundTripper) http.RoundTripper // wraps the REST client's transport
	params     func(*bot.Params, *redistest.Redis)       // changes the service's dependencies
}

type option func(*envConfig)

func withConfig(f func(*Config)) option { return func(c *envConfig) { f(&c.cfg) } }

// withParams changes the service's dependencies before it is built.
func withParams(f func(*bot.Params, *redistest.Redis)) option {
	return func(c *envConfig) { c.params = f }
}

func withBot(f func(*bot.Config)) option { return func(c *envConfig) { f(&c.bot) } }

func withFlow(f *conversation.Flow) option { return func(c *envConfig) { c.flow = f } }

func withMessenger(m bot.Messenger) option {
	return func(c *envConfig) { c.messengers = append(c.messengers, m) }
}

func withClock(c bot.Clock) option { return func(ec *envConfig) { ec.clock = c } }

// withLogs sends every log line, debug included, to w instead of the test output.
func withLogs(w io.Writer) option { return func(ec *envConfig) { ec.logs = w } }

// withTransport wraps the REST client's transport before the adapter starts.
func withTransport(f func(http.RoundTripper) http.RoundTripper) option {
	return func(ec *envConfig) { ec.transport = f }
}

// beforeStart changes the fake Discord before the adapter starts.
func beforeStart(f func(*fakediscord.Server)) option { return func(c *envConfig) { c.setup = f } }

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
}

func newEnv(t *testing.T, opts ...option) *env {
	t.Helper()
	fake := fakediscord.New(t)
	ec := envConfig{
		cfg: Config{Token: "test-token", APIURL: fake.URL, GuildIDs: []string{guild}},
		bot: bot.Config{
			Channels:   []string{"discord:" + escChannel},
			Moderators: []string{"role:" + modRole, permManageGuild},
			RateLimit:  10000,
		},
	}
	for _, o := range opts {
		o(&ec)
	}
	for id, name := range names {
		fake.SetUser(id, name)
	}
	fake.SetGuild(guild, "Owners Club")
	if ec.setup != nil {
		ec.setup(fake)
	}
	r := redistest.New(t)
	logger := testLogger(t)
	if ec.logs != nil {
		logger = slog.New(slog.NewTextHandler(ec.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	m, err := NewMessenger(ec.cfg, logger)
	if err != nil {
		t.Fatal(err)
	}
	if ec.transport != nil {
		m.dg.Client.Transport = ec.transport(m.dg.Client.Transport)
	}
	rcfg := redisstore.Config{Tenant: r.Tenant}
	flow := ec.flow
	if flow == nil {
		flow = conversation.DefaultFlow()
	}
	e := &env{
		t:        t,
		fake:     fake,
		sessions: redisstore.NewSessionStore(r.Client, rcfg),
		cases:    redisstore.NewCaseStore(r.Client, rcfg),
		rds:      r,
	}
	params := bot.Params{
		Config:     ec.bot,
		Engine:     conversation.NewEngine(flow),
		Extractor:  conversation.NewRuleExtractor(flow),
		Sessions:   e.sessions,
		Cases:      e.cases,
		Moderation: redisstore.NewModeration(r.Client, rcfg),
		Due:        redisstore.NewDueQueue(r.Client, rcfg),
		Eraser:     redisstore.NewEraser(r.Client, rcfg),
		Admission:  NewAdmission(ec.cfg, m, logger),
		Messengers: append([]bot.Messenger{m}, ec.messengers...),
		Clock:      ec.clock,
		Logger:     logger,
	}
	if ec.params != nil {
		ec.params(&params, r)
	}
	e.svc = bot.NewService(params)
	e.inbox = inbox.New(redisstore.NewInbox(r.Client, rcfg), inbox.Config{Poll: 20 * time.Millisecond}, logger)
	e.inbox.Start()
	t.Cleanup(func() {
		if err := e.inbox.Stop(context.Background()); err != nil {
			t.Errorf("stop inbox: %v", err)
		}
	})
	e.adapter = NewAdapter(ec.cfg, e.svc, m, e.inbox, logger)
	// Handlers run in order on the read loop, this one last: once it saw an event, the
	// adapter has handed that event's work to its jobs.
	e.adapter.dg.AddHandler(func(_ *discordgo.Session, ev *discordgo.Event) {
		if ev.Operation == 0 {
			e.seq.Store(ev.Sequence)
		}
	})
	ctx, cancel := context.WithTimeout(t.Context(), wait)
	defer cancel()
	if err := e.adapter.Start(ctx); err != nil {
		t.Fatalf("start: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), wait)
		defer cancel()
		if err := e.adapter.Stop(ctx); err != nil {
			t.Errorf("stop: %v", err)
		}
	})
	return e
}

// dispatch sends a gateway event and waits until the adapter has handled it and its work is
// done.
func (e *env) dispatch(eventType string, data map[string]any) {
	e.t.Helper()
	seq := e.fake.Dispatch(e.t, eventType, data)
	if seq == 0 {
		e.t.Fatalf("%s was not delivered", eventType)
	}
	e.settle(seq)
}

// settle waits until the client handled the event of sequence seq and the adapter is idle.
func (e *env) settle(seq int64) {
	e.t.Helper()
	deadline := time.Now().Add(wait)
	for time.Now().Before(deadline) {
		if e.seq.Load() >= seq && e.adapter.jobs.Idle() && e.inbox.Idle(e.t.Context()) {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	e.t.Fatalf("event %d not handled in time (last handled %d); %d calls", seq, e.seq.Load(), len(e.fake.Calls("")))
}

// dm is the user writing text to the bot in their DM.
func (e *env) dm(user, text string) string {
	e.t.Helper()
	msg := fakediscord.MessageCreate("", dmOf(user), "", user, names[user], text)
	e.dispatch("MESSAGE_CREATE", msg)
	return msg["id"].(string)
}

func ownerInv(user string) fakediscord.Invoker {
	return fakediscord.Invoker{UserID: user, Username: names[user]}
}

func memberInv(user string, roles ...string) fakediscord.Invoker {
	return fakediscord.Invoker{UserID: user, Username: names[user], GuildID: guild, Roles: roles}
}

// interact dispatches an interaction and returns its id once it was handled.
func (e *env) interact(payload map[string]any) string {
	e.t.Helper()
	e.dispatch("INTERACTION_CREATE", payload)
	return payload["id"].(string)
}

// botMessages are the bot's messages in a channel, as they are now, oldest first.
func (e *env) botMessages(channel string) []*discordgo.Message {
	e.t.Helper()
	var out []*discordgo.Message
	for _, raw := range e.fake.Messages(channel) {
		var m discordgo.Message
		if err := json.Unmarshal(raw, &m); err != nil {
			e.t.Fatalf("decode message: %v", err)
		}
		if m.Author != nil && m.Author.ID == fakediscord.BotUserID {
			out = append(out, &m)
		}
	}
	return out
}

// text is everything a message shows: content, embed titles, descriptions, fields, footers.
func text(m *discordgo.Message) string { return ownertest.DiscordText(m) }

// waitShown waits until a bot message in channel shows s, and returns it.
func (e *env) waitShown(channel, s string) *discordgo.Message {
	e.t.Helper()
	deadline := time.Now().Add(wait)
	for {
		for _, m := range e.botMessages(channel) {
			if strings.Contains(text(m), s) {
				return m
			}
		}
		if time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	e.t.Fatalf("no message in %s shows %q; messages:\n%s", channel, s, e.dump(channel))
	return nil
}

func (e *env) dump(channel string) string {
	var b strings.Builder
	for _, m := range e.botMessages(channel) {
		fmt.Fprintf(&b, "  %s: %.400q\n", m.ID, text(m))
	}
	return b.String()
}

// component is one button or select option shown on a message.
type component struct {
	CustomID string
	Label    string
	Value    string // select option value
	Select   bool
}

func components(m *discordgo.Message) []component {
	var out []component
	for _, c := range m.Components {
		row, ok := c.(*discordgo.ActionsRow)
		if !ok {
			continue
		}
		for _, rc := range row.Components {
			switch x := rc.(type) {
			case *discordgo.Button:
				out = append(out, component{CustomID: x.CustomID, Label: x.Label})
			case *discordgo.SelectMenu:
				for _, o := range x.Options {
					out = append(out, component{CustomID: x.CustomID, Label: o.Label, Value: o.Value, Select: true})
				}
			}
		}
	}
	return out
}

// press clicks the owner button (or picks the select option) with this action and value in
// the newest DM message that shows one, and returns the interaction id.
func (e *env) press(user, action, value string) string {
	e.t.Helper()
	msgs := e.botMessages(dmOf(user))
	for i := len(msgs) - 1; i >= 0; i-- {
		for _, c := range components(msgs[i]) {
			switch {
			case !c.Select && c.CustomID == ownerCustomID(action, value):
				return e.interact(fakediscord.ButtonClick(ownerInv(user), dmOf(user), msgs[i].ID, c.CustomID))
			case c.Select && strings.HasPrefix(c.CustomID, ownerPrefix+"|"+action+"|") && c.Value == encodeValue(value, maxOptionText):
				return e.interact(fakediscord.SelectMenu(ownerInv(user), dmOf(user), msgs[i].ID, c.CustomID, c.Value))
			}
		}
	}
	e.t.Fatalf("no %s button with value %q in the DM of %s:\n%s", action, value, user, e.dump(dmOf(user)))
	return ""
}

func (e *env) session(user string) (conversation.Session, bool) {
	e.t.Helper()
	turn, err := e.sessions.Reload(e.t.Context(), identity(user), "")
	if err != nil {
		e.t.Fatal(err)
	}
	return turn.Session, turn.Found
}

// intake walks the owner through the default flow in their DM, typing each answer and
// pressing the consent and submit buttons, and returns the case id.
func (e *env) intake(user string, override map[string]string) string {
	e.t.Helper()
	e.dm(user, "hello")
	e.press(user, conversation.ActionChoose, "understood")
	for range 30 {
		s, _ := e.session(user)
		if s.Stage == conversation.StageReview {
			break
		}
		text, ok := override[s.Step]
		if !ok {
			text, ok = answers[s.Step]
		}
		if !ok {
			e.t.Fatalf("no answer for step %q (stage %s)", s.Step, s.Stage)
		}
		e.dm(user, text)
	}
	e.press(user, conversation.ActionSubmit, "")
	s, _ := e.session(user)
	if s.Stage != conversation.StageSubmitted || s.CaseID == "" {
		e.t.Fatalf("after submit: stage %s, case %q", s.Stage, s.CaseID)
	}
	return s.CaseID
}

// openCase runs an owner's intake straight through the core (faster than over the gateway)
// and returns the case id; the card goes to Discord as usual.
func (e *env) openCase(user string) string {
	e.t.Helper()
	owner := identity(user)
	say := func(ev bot.OwnerEvent) {
		ev.Owner, ev.Name = owner, names[user]
		if _, err := e.svc.HandleOwner(e.t.Context(), ev); err != nil {
			e.t.Fatalf("%s: %v", user, err)
		}
	}
	say(bot.OwnerEvent{Text: "hello"})
	say(bot.OwnerEvent{Action: conversation.ActionChoose, Value: "understood"})
	for range 30 {
		s, _ := e.session(user)
		if s.Stage == conversation.StageReview {
			break
		}
		say(bot.OwnerEvent{Text: answers[s.Step]})
	}
	say(bot.OwnerEvent{Action: conversation.ActionSubmit})
	s, _ := e.session(user)
	if s.CaseID == "" {
		e.t.Fatalf("%s has no case", user)
	}
	return s.CaseID
}

func (e *env) getCase(id string) bot.Case {
	e.t.Helper()
	c, err := e.cases.Get(e.t.Context(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// cardID is the message id of the case card in the escalation channel.
func (e *env) cardID(id string) string {
	e.t.Helper()
	for _, p := range e.getCase(id).Posts {
		if p.Channel == "discord:"+escChannel {
			return p.Ref
		}
	}
	e.t.Fatalf("%s was not posted to %s", id, escChannel)
	return ""
}

func (e *env) card(id string) *discordgo.Message {
	e.t.Helper()
	raw, ok := e.fake.Message(e.cardID(id))
	if !ok {
		e.t.Fatalf("no card message for %s", id)
	}
	var m discordgo.Message
	if err := json.Unmarshal(raw, &m); err != nil {
		e.t.Fatal(err)
	}
	return &m
}

// clickCase is an executive pressing a button of the case card; it returns the interaction id.
func (e *env) clickCase(inv fakediscord.Invoker, action, id string) string {
	e.t.Helper()
	return e.interact(fakediscord.ButtonClick(inv, escChannel, e.cardID(id), caseCustomID(action, id)))
}

// submitModal is an executive submitting the Reply or Resolve modal.
func (e *env) submitModal(inv fakediscord.Invoker, action, id, text string) string {
	e.t.Helper()
	p := fakediscord.ModalSubmit(inv, escChannel, caseCustomID(action, id), fakediscord.TextField{CustomID: modalInputID, Value: text})
	p["message"] = map[string]any{"id": e.cardID(id)}
	return e.interact(p)
}

// followups are the texts of the ephemeral followups of an interaction; it fails the test
// when a followup is not ephemeral.
func (e *env) followups(interactionID string) []string {
	e.t.Helper()
	var out []string
	for _, c := range e.fake.Responses(interactionID) {
		if c.Method != "POST" || !strings.Contains(c.Path, "/webhooks/") {
			continue
		}
		var p discordgo.WebhookParams
		if err := c.Decode(&p); err != nil {
			e.t.Fatal(err)
		}
		if !c.Ephemeral {
			e.t.Errorf("followup %q is not ephemeral", p.Content)
		}
		out = append(out, p.Content)
	}
	return out
}

// callbackType is the type of the accepted initial response of an interaction.
func (e *env) callbackType(interactionID string) int {
	e.t.Helper()
	return e.fake.WaitResponse(e.t, interactionID, wait).CallbackType
}

// command runs /escalations <sub> with options as inv and returns the followup texts.
func (e *env) command(inv fakediscord.Invoker, sub string, opts ...fakediscord.CommandOption) []string {
	e.t.Helper()
	id := e.interact(fakediscord.SlashCommand(inv, escChannel, escalationsCommand, fakediscord.SubCommand(sub, opts...)))
	if got := e.callbackType(id); got != int(discordgo.InteractionResponseDeferredChannelMessageWithSource) {
		e.t.Errorf("/%s %s answered with type %d", escalationsCommand, sub, got)
	}
	return e.followups(id)
}
