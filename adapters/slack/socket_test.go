package slack

import (
	"context"
	"strings"
	"testing"
	"time"

	redisstore "escalation-bot/adapters/redis"
	"escalation-bot/bot"
	"escalation-bot/conversation"
	"escalation-bot/inbox"
	"escalation-bot/xtest/fakeslack"
	"escalation-bot/xtest/redistest"
)

// TestSocketMode: the same adapter over Socket Mode: a DM turn, a button, slash commands and a
// claim, every envelope acked; a recycled connection comes back and carries on.
func TestSocketMode(t *testing.T) {
	e := newEnv(t, socketMode)
	e.fake.WaitSocketConnections(t, 1, 5*time.Second)
	if err := e.adapter.Check().Func(t.Context()); err != nil {
		t.Errorf("not ready while connected: %v", err)
	}

	e.dm(owner1, "hello") // deliver waits for the ack
	e.waitShown("chat.postMessage", dmOf(owner1), "escalation assistant")
	e.press(owner1, conversation.ActionChoose, "understood")
	e.waitShown("chat.postMessage", dmOf(owner1), "service ticket")
	if s := e.session(owner1); s.Step != "ticket" {
		t.Errorf("after the consent button the step is %q", s.Step)
	}

	if got := e.command(mod, "mo", "C1", "/escalations", "stats"); len(got) != 1 || !strings.Contains(got[0], "open 0") {
		t.Errorf("/escalations stats answered %q", got)
	}
	if got := e.command(eve, "eve", "C1", "/escalate", ""); len(got) != 1 || got[0] != dmSent {
		t.Errorf("/escalate answered %q", got)
	}

	// A redelivered event (same event id, as after a lost ack) makes no second turn.
	version := e.session(owner1).Version
	ts := e.ts()
	ev := fakeslack.MessageIM(owner1, dmOf(owner1), "SR-1", ts)
	e.deliver("EvOnce", ev)
	e.deliver("EvOnce", ev)
	if v := e.session(owner1).Version; v != version+1 {
		t.Errorf("version %d after one event delivered twice, want %d", v, version+1)
	}

	// Slack recycles the connection; the client reconnects and the next event gets through.
	e.fake.DropConnections()
	e.fake.WaitSocketConnections(t, 1, 10*time.Second)
	id := e.openCase(dana)
	e.clickCase(eve, "eve", bot.ActionClaim, id)
	e.waitShown("chat.update", escChannel, "*Claimed by*\nEve")
	e.clickCase(eve, "eve", bot.ActionResolve, id)
	if len(e.calls("views.open", "")) != 1 {
		t.Fatalf("views.open:\n%s", e.dump("views.open"))
	}
	e.submitModal(eve, "eve", bot.ActionResolve, id, "Fixed over the air.")
	e.waitShown("chat.update", escChannel, "*Resolution*\nFixed over the air.")
	e.fake.AssertNoViolations(t)
}

// TestSocketModeSlowSlack: with chat.postMessage answering after 4 s, a claim envelope is
// acked before the first delayed call is answered.
func TestSocketModeSlowSlack(t *testing.T) {
	e := newEnv(t, socketMode)
	id := e.openCase(owner1)
	before := len(e.fake.Calls("chat.postMessage"))
	e.fake.Delay("chat.postMessage", 4*time.Second)
	payload := e.fake.BlockActionsPayload(team, dana, "dana", escChannel, e.cardTS(id), "trig-slow",
		fakeslack.Action{ActionID: "case|claim", Value: id})
	e.fake.WaitAck(t, e.fake.SendEnvelope(t, "interactive", payload), 5*time.Second)
	if n := len(e.fake.Calls("chat.postMessage")) - before; n >= 2 {
		t.Errorf("the ack came after %d delayed posts were answered", n)
	}
	e.fake.WaitCalls(t, "chat.postMessage", before+2, 20*time.Second)
	e.settle()
}

// TestStartErrors: a token Slack refuses stops the start with a message naming the variable,
// never the token.
func TestStartErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  func(api string) Config
		want string
	}{
		{"bad bot token", func(api string) Config {
			return Config{BotToken: "bad-bot-token", SigningSecret: "s", APIURL: api}
		}, "SLACK_BOT_TOKEN was refused by Slack: invalid_auth"},
		{"bad app token", func(api string) Config {
			return Config{BotToken: "xoxb-ok", AppToken: "bad-app-token", APIURL: api}
		}, "SLACK_APP_TOKEN was refused by Slack: invalid_auth"},
		{"bot token as app token", func(api string) Config {
			return Config{BotToken: "xoxb-ok", AppToken: "xoxb-wrong-kind", APIURL: api}
		}, "SLACK_APP_TOKEN was refused by Slack: not_allowed_token_type"},
		{"API URL without trailing slash", func(api string) Config {
			return Config{BotToken: "bad-bot-token", SigningSecret: "s", APIURL: strings.TrimSuffix(api, "/")}
		}, "SLACK_BOT_TOKEN was refused by Slack: invalid_auth"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := fakeslack.New(t)
			cfg := tt.cfg(fake.APIURL())
			m, err := NewMessenger(cfg, testLogger(t))
			if err != nil {
				t.Fatal(err)
			}
			box := inbox.New(redisstore.NewInbox(redistest.NewMini(t).Client, redisstore.Config{}), inbox.Config{}, testLogger(t))
			a := NewAdapter(cfg, nil, m, box, testLogger(t))
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			err = a.Start(ctx)
			if err == nil {
				_ = a.Stop(ctx)
				t.Fatal("started")
			}
			if err.Error() != tt.want {
				t.Errorf("error %q, want %q", err, tt.want)
			}
			for _, secret := range []string{cfg.BotToken, cfg.AppToken} {
				if secret != "" && strings.Contains(err.Error(), secret) {
					t.Errorf("the error shows a token: %v", err)
				}
			}
			if err := a.Stop(ctx); err != nil {
				t.Errorf("stop after a failed start: %v", err)
			}
		})
	}
}

func TestConfig(t *testing.T) {
	tests := []struct {
		cfg     Config
		wantErr string
		apiURL  string
		socket  bool
	}{
		{Config{}, "SLACK_BOT_TOKEN is empty", "", false},
		{Config{BotToken: "xoxb-1"}, "set SLACK_APP_TOKEN for Socket Mode or SLACK_SIGNING_SECRET", "", false},
		{Config{BotToken: "xoxb-1", SigningSecret: "s"}, "", "https://slack.com/api/", false},
		{Config{BotToken: "xoxb-1", AppToken: "xapp-1", APIURL: "http://proxy:8080/api"}, "", "http://proxy:8080/api/", true},
		{Config{BotToken: "xoxb-1", AppToken: "xapp-1", APIURL: "http://proxy:8080/api/"}, "", "http://proxy:8080/api/", true},
	}
	for _, tt := range tests {
		err := tt.cfg.Validate()
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Validate(%+v) = %v, want %q", tt.cfg, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("Validate(%+v) = %v", tt.cfg, err)
		}
		if got := tt.cfg.apiURL(); got != tt.apiURL {
			t.Errorf("apiURL = %q, want %q", got, tt.apiURL)
		}
		if tt.cfg.SocketMode() != tt.socket {
			t.Errorf("SocketMode = %v", tt.cfg.SocketMode())
		}
	}
}
