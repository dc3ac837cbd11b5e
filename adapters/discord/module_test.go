package discord

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	redisstore "escalation-bot/adapters/redis"
	"escalation-bot/bot"
	"escalation-bot/conversation"
	"escalation-bot/corefx"
	"escalation-bot/health"
	"escalation-bot/inbox"
	"escalation-bot/xtest/fakediscord"
	"escalation-bot/xtest/redistest"

	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"
)

// TestModule wires the adapter the way the command does: the readiness check reports Discord,
// a DM is answered, and the Messenger is the core's "discord" messenger (a case reaches the
// Discord channel). Stopping the app closes the gateway.
func TestModule(t *testing.T) {
	r := redistest.New(t)
	fake := fakediscord.New(t)
	flow := conversation.DefaultFlow()
	mux := http.NewServeMux()
	app := fxtest.New(t,
		fx.NopLogger,
		Module,
		corefx.Module,
		redisstore.Module,
		inbox.Module,
		health.Module,
		fx.Supply(
			Config{Token: "test-token", APIURL: fake.URL, GuildIDs: []string{guild}},
			redisstore.Config{URL: redistest.URL(t), Tenant: r.Tenant},
			bot.Config{Channels: []string{"discord:" + escChannel}, Moderators: []string{"role:" + modRole}},
			conversation.NewEngine(flow),
			fx.Annotate(conversation.NewRuleExtractor(flow), fx.As(new(conversation.Extractor))),
			fx.Annotate(bot.NewTemplateSummarizer(), fx.As(new(bot.Summarizer))),
			fx.Annotate(bot.SystemClock{}, fx.As(new(bot.Clock))),
			testLogger(t),
			mux,
		),
	)
	app.RequireStart()
	fake.WaitReady(t, wait)

	srv := httptest.NewServer(mux)
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	var ready struct {
		Checks map[string]string `json:"checks"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&ready)
	resp.Body.Close()
	if ready.Checks["discord"] != "ok" {
		t.Errorf("readiness = %+v", ready.Checks)
	}

	fake.Dispatch(t, "MESSAGE_CREATE", fakediscord.MessageCreate("", dmOf(alice), "", alice, "Alice", "hello"))
	fake.WaitCalls(t, "POST /channels/"+dmOf(alice)+"/messages", 1, wait)

	app.RequireStop()
	// The gateway is closed: an event now is only queued by Discord, and nobody answers it.
	fake.Dispatch(t, "MESSAGE_CREATE", fakediscord.MessageCreate("", dmOf(bob), "", bob, "Bob", "after stop"))
	time.Sleep(200 * time.Millisecond)
	if n := len(fake.Calls("POST /channels/" + dmOf(bob) + "/messages")); n != 0 {
		t.Errorf("answered %d message(s) after stop", n)
	}
}
