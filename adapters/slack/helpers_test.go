package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	redisstore "escalation-bot/adapters/redis"
	"escalation-bot/bot"
	"escalation-bot/conversation"
	"escalation-bot/inbox"
	"escalation-bot/xtest/fakeslack"
	"escalation-bot/xtest/intaketest"
	"escalation-bot/xtest/logtest"
	"escalation-bot/xtest/redistest"
)

const (
	testSecret = "test-signing-secret"
	team       = fakeslack.TeamID
	escChannel = "CESC"
	owner1     = "UALICE"
	dana       = "UDANA"
	eve        = "UEVE"
	mod        = "UMOD"
)

// answers is what a typical owner types at each step of the default flow.
var answers = intaketest.Answers()

// env is the adapter over the real core and a real Redis, talking to a fake Slack through the
// real slack-go client. In HTTP mode its endpoints are served by httptest.
type env struct {
	t        *testing.T
	fake     *fakeslack.Server
	svc      *bot.Service
	adapter  *Adapter
	inbox    *inbox.Inbox
	rds      *redistest.Redis
	sessions *redisstore.SessionStore
	cases    *redisstore.CaseStore
	srv      *httptest.Server // HTTP mode
	socket   bool
	params   bot.Params // what svc was built from, to build another instance (a restart)
	seq      atomic.Int64
}

type envConfig struct {
	socket     bool
	bot        bot.Config
	usergroups []string
	messengers []bot.Messenger
	setup      func(*fakeslack.Server)
	logs       *logtest.Buffer
	params     func(*bot.Params, *redistest.Redis) // changes the service's dependencies
}

type option func(*envConfig)

func socketMode(c *envConfig) { c.socket = true }

func claimers(list ...string) option { return func(c *envConfig) { c.bot.Claimers = list } }

func moderators(list ...string) option { return func(c *envConfig) { c.bot.Moderators = list } }

func usergroups(ids ...string) option { return func(c *envConfig) { c.usergroups = ids } }

func channels(list ...string) option { return func(c *envConfig) { c.bot.Channels = list } }

func withMessenger(m bot.Messenger) option {
	return func(c *envConfig) { c.messengers = append(c.messengers, m) }
}

// withParams changes the service's dependencies before it is built.
func withParams(f func(*bot.Params, *redistest.Redis)) option {
	return func(c *envConfig) {
		prev := c.params // options compose, in their order
		c.params = func(p *bot.Params, r *redistest.Redis) {
			if prev != nil {
				prev(p, r)
			}
			f(p, r)
		}
	}
}

// beforeStart changes the fake Slack before the adapter starts.
func beforeStart(f func(*fakeslack.Server)) option { return func(c *envConfig) { c.setup = f } }

// captureLogs sends everything the adapter and the core log, at every level, to buf.
func captureLogs(buf *logtest.Buffer) option { return func(c *envConfig) { c.logs = buf } }

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
}

func newEnv(t *testing.T, opts ...option) *env {
	t.Helper()
	ec := envConfig{bot: bot.Config{
		Channels:   []string{"slack:" + escChannel},
		Moderators: []string{"slack:*:" + mod},
		RateLimit:  10000,
	}}
	for _, o := range opts {
		o(&ec)
	}
	r := redistest.New(t)
	fake := fakeslack.New(t)
	for id, name := range map[string]string{owner1: "Alice", dana: "Dana", eve: "Eve", mod: "Mo"} {
		fake.SetUser(id, name, team)
	}
	if ec.setup != nil {
		ec.setup(fake)
	}
	logger := testLogger(t)
	if ec.logs != nil {
		logger = slog.New(slog.NewTextHandler(ec.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	cfg := Config{BotToken: "xoxb-test", SigningSecret: testSecret, APIURL: fake.APIURL(), Usergroups: ec.usergroups}
	if ec.socket {
		cfg.AppToken = "xapp-test"
	}
	m, err := NewMessenger(cfg, logger)
	if err != nil {
		t.Fatal(err)
	}
	rcfg := redisstore.Config{Tenant: r.Tenant}
	flow := conversation.DefaultFlow()
	e := &env{
		t:        t,
		fake:     fake,
		sessions: redisstore.NewSessionStore(r.Client, rcfg),
		cases:    redisstore.NewCaseStore(r.Client, rcfg),
		socket:   ec.socket,
		rds:      r,
	}
	e.params = bot.Params{
		Config:     ec.bot,
		Engine:     conversation.NewEngine(flow),
		Extractor:  conversation.NewRuleExtractor(flow),
		Sessions:   e.sessions,
		Cases:      e.cases,
		Moderation: redisstore.NewModeration(r.Client, rcfg),
		Due:        redisstore.NewDueQueue(r.Client, rcfg),
		Eraser:     redisstore.NewEraser(r.Client, rcfg),
		Messengers: append([]bot.Messenger{m}, ec.messengers...),
		Logger:     logger,
	}
	if ec.params != nil {
		ec.params(&e.params, r)
	}
	e.svc = bot.NewService(e.params)
	e.inbox = inbox.New(redisstore.NewInbox(r.Client, rcfg), inbox.Config{Poll: 20 * time.Millisecond}, logger)
	e.inbox.Start()
	t.Cleanup(func() {
		if err := e.inbox.Stop(context.Background()); err != nil {
			t.Errorf("stop inbox: %v", err)
		}
	})
	e.adapter = NewAdapter(cfg, e.svc, m, e.inbox, logger)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := e.adapter.Start(ctx); err != nil {
		t.Fatalf("start: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := e.adapter.Stop(ctx); err != nil {
			t.Errorf("stop: %v", err)
		}
	})
	if !ec.socket {
		mux := http.NewServeMux()
		e.adapter.Register(mux)
		e.srv = httptest.NewServer(mux)
		t.Cleanup(e.srv.Close)
	}
	return e
}

// ts returns a fresh Slack timestamp.
func (e *env) ts() string { return fmt.Sprintf("1800000000.%06d", e.seq.Add(1)) }

// post sends body to the adapter with the given headers and returns the status and answer.
func (e *env) post(path string, body []byte, header http.Header) (int, []byte) {
	e.t.Helper()
	req, err := http.NewRequestWithContext(e.t.Context(), http.MethodPost, e.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if json.Valid(body) {
		req.Header.Set("Content-Type", "application/json")
	} else {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

// signed posts body signed now with the app's secret and wants 200.
func (e *env) signed(path string, body []byte) []byte {
	e.t.Helper()
	status, out := e.post(path, body, fakeslack.Sign(testSecret, time.Now(), body))
	if status != http.StatusOK {
		e.t.Fatalf("POST %s: %d %s", path, status, out)
	}
	return out
}

// settle waits until the work of every request acked so far is done.
func (e *env) settle() {
	e.t.Helper()
	if e.socket {
		// Envelopes are handled in order, so once this one is acked, the earlier ones have
		// handed their work over; then wait for that work.
		id := e.fake.SendEnvelope(e.t, "events_api", fakeslack.EventCallback(team, "EvSettle"+e.ts(),
			map[string]any{"type": "message", "subtype": "channel_join", "channel": "C0", "user": "U0", "ts": e.ts()}))
		e.fake.WaitAck(e.t, id, 5*time.Second)
	}
	deadline := time.Now().Add(20 * time.Second)
	for !e.inbox.Idle(e.t.Context()) {
		if time.Now().After(deadline) {
			e.t.Fatal("the adapter's work did not finish")
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// deliver sends an Events API callback the way the env's mode does.
func (e *env) deliver(eventID string, event map[string]any) {
	e.t.Helper()
	body := fakeslack.EventCallback(team, eventID, event)
	if e.socket {
		e.fake.WaitAck(e.t, e.fake.SendEnvelope(e.t, "events_api", body), 5*time.Second)
	} else {
		e.signed("/slack/events", body)
	}
	e.settle()
}

// dm is the user writing text to the bot in their DM.
func (e *env) dm(user, text string) {
	e.t.Helper()
	ts := e.ts()
	e.deliver("Ev"+ts, fakeslack.MessageIM(user, dmOf(user), text, ts))
}

// dmOf is the DM channel of a user, as the fake names it.
func dmOf(user string) string { return "D" + user }

// interact sends a block_actions payload the way the env's mode does.
func (e *env) interact(user, name, channel, messageTS string, act fakeslack.Action) {
	e.t.Helper()
	trigger := "trig" + e.ts()
	if e.socket {
		payload := e.fake.BlockActionsPayload(team, user, name, channel, messageTS, trigger, act)
		e.fake.WaitAck(e.t, e.fake.SendEnvelope(e.t, "interactive", payload), 5*time.Second)
	} else {
		e.signed("/slack/interactions", e.fake.BlockActions(team, user, name, channel, messageTS, trigger, act))
	}
	e.settle()
}

// press clicks the owner button of the given action (and value) in the newest DM message
// that shows one.
func (e *env) press(user, action, value string) {
	e.t.Helper()
	posts := e.posts(dmOf(user))
	for i := len(posts) - 1; i >= 0; i-- {
		for _, b := range buttonsOf(posts[i]) {
			if strings.HasPrefix(b.ActionID, ownerPrefix+"|"+action+"|") && b.Value == value {
				e.interact(user, strings.ToLower(user), dmOf(user), e.ts(), fakeslack.Action{ActionID: b.ActionID, Value: b.Value})
				return
			}
		}
	}
	e.t.Fatalf("no %s button with value %q in the DM of %s", action, value, user)
}

type shownButton struct{ ActionID, Value, Text string }

// buttonsOf lists the buttons of a posted message.
func buttonsOf(c fakeslack.Call) []shownButton {
	var blocks []map[string]any
	_ = json.Unmarshal([]byte(c.Form.Get("blocks")), &blocks)
	var out []shownButton
	add := func(e map[string]any) {
		if e["type"] != "button" {
			return
		}
		text, _ := e["text"].(map[string]any)
		label, _ := text["text"].(string)
		id, _ := e["action_id"].(string)
		value, _ := e["value"].(string)
		out = append(out, shownButton{ActionID: id, Value: value, Text: label})
	}
	for _, b := range blocks {
		if acc, ok := b["accessory"].(map[string]any); ok {
			add(acc)
		}
		if els, ok := b["elements"].([]any); ok {
			for _, el := range els {
				if m, ok := el.(map[string]any); ok {
					add(m)
				}
			}
		}
	}
	return out
}

// calls returns the successful calls of a method to a channel.
func (e *env) calls(method, channel string) []fakeslack.Call {
	var out []fakeslack.Call
	for _, c := range e.fake.Calls(method) {
		if c.Err == "" && (channel == "" || c.Form.Get("channel") == channel) {
			out = append(out, c)
		}
	}
	return out
}

func (e *env) posts(channel string) []fakeslack.Call { return e.calls("chat.postMessage", channel) }

// shown is everything a call put on screen: its text and the texts of its blocks.
func shown(c fakeslack.Call) string {
	return c.Form.Get("text") + "\n" + textsOf([]byte(c.Form.Get("blocks")))
}

// waitShown waits until a successful call of method to channel shows s.
func (e *env) waitShown(method, channel, s string) fakeslack.Call {
	e.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		for _, c := range e.calls(method, channel) {
			if strings.Contains(shown(c), s) {
				return c
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	e.t.Fatalf("no %s to %q shows %q; calls:\n%s", method, channel, s, e.dump(method))
	return fakeslack.Call{}
}

func (e *env) dump(method string) string {
	var b strings.Builder
	for _, c := range e.fake.Calls(method) {
		fmt.Fprintf(&b, "  %s channel=%s err=%s %.300q\n", c.Method, c.Form.Get("channel"), c.Err, shown(c))
	}
	return b.String()
}

func (e *env) session(user string) conversation.Session {
	e.t.Helper()
	turn, err := e.sessions.Load(e.t.Context(), identity(team, user), "")
	if err != nil {
		e.t.Fatal(err)
	}
	return turn.Session
}

// intake walks the owner through the default flow in their Slack DM, typing each answer and
// pressing the consent and submit buttons, and returns the case id.
func (e *env) intake(user string, override map[string]string) string {
	e.t.Helper()
	e.dm(user, "hello")
	e.press(user, conversation.ActionChoose, "understood")
	for range 30 {
		s := e.session(user)
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
	s := e.session(user)
	if s.Stage != conversation.StageSubmitted || s.CaseID == "" {
		e.t.Fatalf("after submit: stage %s, case %q", s.Stage, s.CaseID)
	}
	return s.CaseID
}

// openCase runs an owner's intake straight through the core (faster than over Slack) and
// returns the case id; the card goes to Slack as usual.
func (e *env) openCase(user string) string {
	e.t.Helper()
	owner := identity(team, user)
	say := func(ev bot.OwnerEvent) {
		ev.Owner, ev.Name = owner, user
		if _, err := e.svc.HandleOwner(e.t.Context(), ev); err != nil {
			e.t.Fatalf("%s: %v", user, err)
		}
	}
	say(bot.OwnerEvent{Text: "hello"})
	say(bot.OwnerEvent{Action: conversation.ActionChoose, Value: "understood"})
	for range 30 {
		s := e.session(user)
		if s.Stage == conversation.StageReview {
			break
		}
		say(bot.OwnerEvent{Text: answers[s.Step]})
	}
	say(bot.OwnerEvent{Action: conversation.ActionSubmit})
	id := e.session(user).CaseID
	if id == "" {
		e.t.Fatalf("%s has no case", user)
	}
	return id
}

// cardTS is the ts of the case card in the escalation channel.
func (e *env) cardTS(id string) string {
	e.t.Helper()
	c, err := e.cases.Get(e.t.Context(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, p := range c.Posts {
		if p.Channel == "slack:"+escChannel {
			return p.Ref
		}
	}
	e.t.Fatalf("%s was not posted to %s: %+v", id, escChannel, c.Posts)
	return ""
}

func (e *env) getCase(id string) bot.Case {
	e.t.Helper()
	c, err := e.cases.Get(e.t.Context(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// clickCase is an executive pressing a button of the case card.
func (e *env) clickCase(user, name, action, id string) {
	e.t.Helper()
	e.interact(user, name, escChannel, e.cardTS(id), fakeslack.Action{ActionID: caseActionID(action), Value: id})
}

// submitModal is an executive submitting the Reply or Resolve modal with text.
func (e *env) submitModal(user, name, action, id, text string) {
	e.t.Helper()
	values := map[string]map[string]string{modalBlockID: {modalActionID: text}}
	if e.socket {
		payload := e.fake.ViewSubmissionPayload(team, user, name, caseActionID(action), id, values)
		ack := e.fake.WaitAck(e.t, e.fake.SendEnvelope(e.t, "interactive", payload), 5*time.Second)
		if ack != nil {
			e.t.Errorf("view_submission ack carries %s; an empty ack closes the modal", ack)
		}
	} else {
		out := e.signed("/slack/interactions", e.fake.ViewSubmission(team, user, name, caseActionID(action), id, values))
		if len(bytes.TrimSpace(out)) != 0 {
			e.t.Errorf("view_submission answered %q; an empty 200 closes the modal", out)
		}
	}
	e.settle()
}

// command runs a slash command and returns the texts posted to its response_url, as Slack
// shows them.
func (e *env) command(user, name, channel, command, text string) []string {
	e.t.Helper()
	trigger := "trig" + e.ts()
	if e.socket {
		payload := fakeslack.SlashCommandPayload(team, user, name, channel, command, text, trigger, e.fake.ResponseURL(trigger))
		e.fake.WaitAck(e.t, e.fake.SendEnvelope(e.t, "slash_commands", payload), 5*time.Second)
	} else {
		e.signed("/slack/commands", fakeslack.SlashCommand(team, user, name, channel, command, text, trigger, e.fake.ResponseURL(trigger)))
	}
	e.settle()
	var out []string
	for _, raw := range e.fake.Responses(trigger) {
		var r struct {
			ResponseType string `json:"response_type"`
			Text         string `json:"text"`
		}
		if err := json.Unmarshal(raw, &r); err != nil {
			e.t.Fatal(err)
		}
		if r.ResponseType != "ephemeral" {
			e.t.Errorf("response_type = %q, want ephemeral", r.ResponseType)
		}
		out = append(out, unescape(r.Text)) // what Slack shows

	}
	return out
}
