package discord

import (
	"context"
	"runtime"
	"strings"
	"testing"
	"time"

	redisstore "escalation-bot/adapters/redis"
	"escalation-bot/adapters/web"
	"escalation-bot/bot"
	"escalation-bot/conversation"
	"escalation-bot/inbox"
	"escalation-bot/xtest/fakediscord"
	"escalation-bot/xtest/redistest"

	"github.com/bwmarrin/discordgo"
)

// TestIdentifyLeastIntents: the gateway is identified with DIRECT_MESSAGES only (no privileged
// intent), on the configured shard.
func TestIdentifyLeastIntents(t *testing.T) {
	t.Run("one shard", func(t *testing.T) {
		e := newEnv(t)
		ids := e.fake.Identifies()
		if len(ids) != 1 || ids[0].Intents != int(discordgo.IntentsDirectMessages) || ids[0].Shard != [2]int{0, 1} {
			t.Errorf("identify = %+v", ids)
		}
		if ids[0].Token != "Bot test-token" {
			t.Errorf("token %q", ids[0].Token)
		}
	})
	t.Run("shard 1 of 3", func(t *testing.T) {
		e := newEnv(t, withConfig(func(c *Config) { c.ShardID, c.ShardCount = 1, 3 }))
		if ids := e.fake.Identifies(); len(ids) != 1 || ids[0].Shard != [2]int{1, 3} {
			t.Errorf("identify = %+v", ids)
		}
	})
}

// TestBadToken: a refused token stops the start with an error that names the variable and
// never repeats the token.
func TestBadToken(t *testing.T) {
	fake := fakediscord.New(t)
	fake.SetToken("the-right-token")
	cfg := Config{Token: "Bot wrong-secret-token", APIURL: fake.URL + "/api/v10"}
	m, err := NewMessenger(cfg, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	a := NewAdapter(cfg, bot.NewService(bot.Params{Engine: conversation.NewEngine(nil), Messengers: []bot.Messenger{m}}), m, inbox.New(redisstore.NewInbox(redistest.NewMini(t).Client, redisstore.Config{}), inbox.Config{}, testLogger(t)), testLogger(t))
	err = a.Start(t.Context())
	if err == nil {
		a.Stop(t.Context())
		t.Fatal("started with a wrong token")
	}
	if !strings.Contains(err.Error(), "DISCORD_BOT_TOKEN was refused by Discord") || strings.Contains(err.Error(), "wrong-secret") {
		t.Errorf("error = %v", err)
	}
	if n := len(fake.Identifies()); n != 0 {
		t.Errorf("identified %d times with a refused token", n)
	}
	if err := a.Stop(t.Context()); err != nil {
		t.Errorf("stop after a failed start: %v", err)
	}
}

// TestReadiness: ready once READY arrived, not while the connection is down, ready again after
// the resume (op 7 RECONNECT), not after stop.
func TestReadiness(t *testing.T) {
	e := newEnv(t)
	check := e.adapter.Check()
	if check.Name != "discord" || check.Func(t.Context()) != nil {
		t.Fatalf("check %q after start: %v", check.Name, check.Func(t.Context()))
	}
	e.fake.Reconnect(t)
	e.fake.WaitResumes(t, 1, wait)
	deadline := time.Now().Add(wait)
	for check.Func(t.Context()) != nil && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if err := check.Func(t.Context()); err != nil {
		t.Errorf("not ready after the resume: %v", err)
	}
	e.dm(alice, "hello")
	e.waitShown(dmOf(alice), "escalation assistant")
	if err := e.adapter.Stop(t.Context()); err != nil {
		t.Fatal(err)
	}
	if check.Func(t.Context()) == nil {
		t.Error("ready after stop")
	}
}

// TestEscalateAndInvite: /escalate answers ephemerally and starts the intake in the DM; a
// moderator's "Escalate for this member" invites the author of a post; a member who is not a
// moderator cannot.
func TestEscalateAndInvite(t *testing.T) {
	e := newEnv(t)
	id := e.interact(fakediscord.SlashCommand(memberInv(alice), escChannel, escalateCommand))
	if typ := e.callbackType(id); typ != int(discordgo.InteractionResponseDeferredChannelMessageWithSource) {
		t.Errorf("/escalate answered with type %d", typ)
	}
	if got := e.followups(id); len(got) != 1 || got[0] != dmSent {
		t.Errorf("/escalate followups = %q", got)
	}
	if _, found := e.session(alice); !found {
		t.Error("no intake after /escalate")
	}
	if n := len(e.fake.Calls("POST /users/@me/channels")); n != 1 {
		t.Errorf("DM channel opened %d times", n)
	}

	post := fakediscord.MessageCreate("", escChannel, guild, bob, names[bob], "my car has been at the service center for 6 weeks")
	refused := e.interact(fakediscord.MessageCommand(memberInv(eve), escChannel, inviteCommand, post))
	if got := e.followups(refused); len(got) != 1 || !strings.Contains(got[0], "Only moderators") {
		t.Errorf("invite by a member answered %q", got)
	}
	if _, found := e.session(bob); found {
		t.Fatal("a member who is not a moderator invited someone")
	}
	invited := e.interact(fakediscord.MessageCommand(memberInv(mod, modRole), escChannel, inviteCommand, post))
	if got := e.followups(invited); len(got) != 1 || !strings.Contains(got[0], "invited Bob") {
		t.Errorf("invite answered %q", got)
	}
	if _, found := e.session(bob); !found {
		t.Error("no intake for the invited member")
	}
	var dm string
	for _, c := range e.fake.Calls("POST /channels/") {
		if strings.Contains(string(c.Body), "A moderator of our community server") {
			dm = strings.Split(strings.TrimPrefix(c.Path, "/api/v9/channels/"), "/")[0]
		}
	}
	if dm == "" {
		t.Fatal("no invitation sent")
	}
	e.waitShown(dm, "escalation assistant")
	e.fake.AssertNoViolations(t)
}

// TestCrossPlatform: a case from a Discord owner is posted to the Discord channel and to the
// playground's; claimed in the playground, the Discord card is edited and the owner told in
// their Discord DM.
func TestCrossPlatform(t *testing.T) {
	hub := web.NewHub(testLogger(t))
	e := newEnv(t, withMessenger(hub), withBot(func(c *bot.Config) {
		c.Channels = []string{"discord:" + escChannel, "web:escalations"}
		c.Moderators = append(c.Moderators, "web:*")
	}))
	id := e.intake(alice, nil)
	posts := e.getCase(id).Posts
	if len(posts) != 2 {
		t.Fatalf("posts = %+v", posts)
	}
	if _, err := e.svc.Claim(t.Context(), bot.Actor{ID: "web:dana", Name: "dana (web)"}, id); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text(e.card(id)), "Claimed by: dana (web)") {
		t.Errorf("discord card after a web claim:\n%s", text(e.card(id)))
	}
	e.waitShown(dmOf(alice), "an executive, dana (web), is now looking at your case")
	e.fake.AssertNoViolations(t)
}

// TestNoGoroutineLeak: stopping with work in flight (a slow Discord) finishes it and leaves no
// goroutine behind.
func TestNoGoroutineLeak(t *testing.T) {
	before := runtime.NumGoroutine()
	t.Run("env", func(t *testing.T) {
		e := newEnv(t)
		e.fake.Delay("POST /channels/", time.Second)
		e.fake.Dispatch(t, "MESSAGE_CREATE", fakediscord.MessageCreate("", dmOf(alice), "", alice, "Alice", "hello"))
		e.fake.WaitCalls(t, "POST /channels/", 1, wait) // in flight when the test ends
	})
	deadline := time.Now().Add(wait)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<20)
		t.Errorf("%d goroutines before, %d after:\n%s", before, n, buf[:runtime.Stack(buf, true)])
	}
}

// TestStopWaitsForWork: a DM whose answer is slow is still answered when the adapter stops.
func TestStopWaitsForWork(t *testing.T) {
	e := newEnv(t)
	e.fake.Delay("POST /channels/", 500*time.Millisecond)
	e.fake.Dispatch(t, "MESSAGE_CREATE", fakediscord.MessageCreate("", dmOf(alice), "", alice, "Alice", "hello"))
	e.fake.WaitCalls(t, "POST /channels/", 1, wait)
	ctx, cancel := context.WithTimeout(t.Context(), wait)
	defer cancel()
	if err := e.adapter.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if len(e.botMessages(dmOf(alice))) < 2 {
		t.Errorf("the turn in flight was not answered:\n%s", e.dump(dmOf(alice)))
	}
}

// TestCommandRegistrationRefused: a bot invited without the applications.commands scope cannot
// register its commands; the start fails and says what to do.
func TestCommandRegistrationRefused(t *testing.T) {
	fake := fakediscord.New(t)
	fake.FailNext("PUT /applications/", 1, 403, 0)
	cfg := Config{Token: "test-token", APIURL: fake.URL, GuildIDs: []string{guild}}
	m, err := NewMessenger(cfg, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	a := NewAdapter(cfg, bot.NewService(bot.Params{Engine: conversation.NewEngine(nil), Messengers: []bot.Messenger{m}}), m, inbox.New(redisstore.NewInbox(redistest.NewMini(t).Client, redisstore.Config{}), inbox.Config{}, testLogger(t)), testLogger(t))
	err = a.Start(t.Context())
	if err == nil || !strings.Contains(err.Error(), "applications.commands") || !strings.Contains(err.Error(), guild) {
		t.Errorf("start = %v", err)
	}
	if err := a.Stop(t.Context()); err != nil {
		t.Errorf("stop: %v", err)
	}
	if a.Check().Func(t.Context()) == nil {
		t.Error("ready after a failed start")
	}
}
