package discord

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
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

	"github.com/bwmarrin/discordgo"
	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"
)

// TestModule wires the adapter the way the command does: the readiness check reports Discord,
// a DM is answered, and the Messenger is the core's "discord" messenger (a case reaches the
// Discord channel). Stopping the app closes the gateway.
func TestModule(t *testing.T) {
	fake := fakediscord.New(t)
	mux := http.NewServeMux()
	app := moduleApp(t, mux, Config{Token: "test-token", APIURL: fake.URL, GuildIDs: []string{guild}})
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

// TestModuleOwnerRestrictions: the module gives the core the owner restrictions as its
// Admission, so a DM from someone who is not a member of the server is refused.
func TestModuleOwnerRestrictions(t *testing.T) {
	fake := fakediscord.New(t)
	fake.SetGuild(guild, "Owners Club")
	app := moduleApp(t, http.NewServeMux(), Config{Token: "test-token", APIURL: fake.URL, GuildIDs: []string{guild}, OwnerRoleIDs: []string{ownerRole}})
	app.RequireStart()
	defer app.RequireStop()
	fake.WaitReady(t, wait)

	fake.Dispatch(t, "MESSAGE_CREATE", fakediscord.MessageCreate("", dmOf(alice), "", alice, "Alice", "hello"))
	fake.WaitCalls(t, "POST /channels/"+dmOf(alice)+"/messages", 1, wait)
	var m discordgo.Message
	msgs := fake.Messages(dmOf(alice))
	if err := json.Unmarshal(msgs[len(msgs)-1], &m); err != nil || !strings.Contains(m.Content, "open to members of our community server") {
		t.Errorf("a stranger's DM was answered with %q (%v)", m.Content, err)
	}
}

// moduleApp wires the module the way the command does, with the app's routes on mux.
func moduleApp(t *testing.T, mux *http.ServeMux, cfg Config) *fxtest.App {
	t.Helper()
	r := redistest.New(t)
	flow := conversation.DefaultFlow()
	return fxtest.New(t,
		fx.NopLogger,
		Module,
		corefx.Module,
		redisstore.Module,
		inbox.Module,
		health.Module,
		fx.Supply(
			cfg,
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
}
