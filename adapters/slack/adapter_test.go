package slack

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"escalation-bot/adapters/web"
	"escalation-bot/bot"
	"escalation-bot/conversation"
	"escalation-bot/xtest/fakeslack"
)

// TestHTTPIntakeToResolvedCase is the whole story over the HTTP endpoints: an owner's intake in
// the DM, the card in the channel, a claim, a reply and a resolution through the modals, and
// the owner told at each step.
func TestHTTPIntakeToResolvedCase(t *testing.T) {
	e := newEnv(t)
	id := e.intake(owner1, nil)
	dm := dmOf(owner1)

	// The review card had an Edit button beside each answer.
	review := e.waitShown("chat.postMessage", dm, "Here is everything you told me")
	var edits int
	for _, b := range buttonsOf(review) {
		if strings.HasPrefix(b.ActionID, "owner|edit|") {
			edits++
		}
	}
	if edits < 10 {
		t.Errorf("review card has %d edit buttons", edits)
	}
	e.waitShown("chat.postMessage", dm, "Your case is "+id)

	card := e.waitShown("chat.postMessage", escChannel, "*"+id+"*")
	if got := buttonsOf(card); len(got) != 1 || got[0].ActionID != "case|claim" || got[0].Value != id {
		t.Errorf("open card buttons = %+v", got)
	}
	if !strings.Contains(shown(card), "Austin, Texas, USA") {
		t.Errorf("card lacks the answers:\n%s", shown(card))
	}

	e.clickCase(dana, "dana", bot.ActionClaim, id)
	updated := e.waitShown("chat.update", escChannel, "*Claimed by*\nDana")
	if updated.Form.Get("ts") != e.cardTS(id) {
		t.Errorf("chat.update ts = %s, want the card's %s", updated.Form.Get("ts"), e.cardTS(id))
	}
	ids := []string{}
	for _, b := range buttonsOf(updated) {
		ids = append(ids, b.ActionID)
	}
	if strings.Join(ids, ",") != "case|reply,case|resolve,case|release" {
		t.Errorf("claimed card buttons = %v", ids)
	}
	e.waitShown("chat.postMessage", dm, "an executive, Dana, is now looking at your case")
	e.waitShown("chat.postMessage", escChannel, "Dana claimed the case")

	// Reply through the modal.
	e.clickCase(dana, "dana", bot.ActionReply, id)
	views := e.calls("views.open", "")
	if len(views) != 1 {
		t.Fatalf("views.open calls = %d", len(views))
	}
	var view struct {
		CallbackID      string `json:"callback_id"`
		PrivateMetadata string `json:"private_metadata"`
	}
	if err := json.Unmarshal([]byte(views[0].Form.Get("view")), &view); err != nil {
		t.Fatal(err)
	}
	if view.CallbackID != "case|reply" || view.PrivateMetadata != id {
		t.Errorf("reply modal = %+v", view)
	}
	e.submitModal(dana, "dana", bot.ActionReply, id, "We are collecting the car tomorrow.")
	e.waitShown("chat.postMessage", dm, "We are collecting the car tomorrow.")

	// The owner answers; it lands in the card's thread.
	e.dm(owner1, "Thank you, that works for me.")
	line := e.waitShown("chat.postMessage", escChannel, "Thank you, that works for me.")
	if line.Form.Get("thread_ts") != e.cardTS(id) {
		t.Errorf("owner message not in the card's thread: thread_ts %q", line.Form.Get("thread_ts"))
	}

	// Resolve through the modal.
	e.clickCase(dana, "dana", bot.ActionResolve, id)
	e.submitModal(dana, "dana", bot.ActionResolve, id, "Replaced the charger.")
	e.waitShown("chat.update", escChannel, "*Resolution*\nReplaced the charger.")
	e.waitShown("chat.postMessage", dm, "has been resolved by Dana")
	if c := e.getCase(id); c.Status != bot.StatusResolved {
		t.Errorf("case is %s", c.Status)
	}
	e.fake.AssertNoViolations(t)
}

// TestConcurrentClaims: two executives click Claim at once; one wins, the card shows the
// winner, the other is told who won, privately.
func TestConcurrentClaims(t *testing.T) {
	e := newEnv(t)
	id := e.openCase(owner1)
	ts := e.cardTS(id)
	var wg sync.WaitGroup
	for _, u := range []struct{ id, name string }{{dana, "dana"}, {eve, "eve"}} {
		wg.Go(func() {
			body := e.fake.BlockActions(team, u.id, u.name, escChannel, ts, "trig-"+u.id, fakeslack.Action{ActionID: "case|claim", Value: id})
			if status, _ := e.post("/slack/interactions", body, fakeslack.Sign(testSecret, time.Now(), body)); status != http.StatusOK {
				t.Errorf("claim by %s: %d", u.id, status)
			}
		})
	}
	wg.Wait()
	e.settle()

	c := e.getCase(id)
	winner, loser, loserName := "Dana", eve, "Eve"
	if c.ClaimedBy == identity(team, eve) {
		winner, loser, loserName = "Eve", dana, "Dana"
	}
	if c.ClaimedByName != winner {
		t.Fatalf("claimed by %q (%s)", c.ClaimedByName, c.ClaimedBy)
	}
	updates := e.calls("chat.update", escChannel)
	if len(updates) != 1 || !strings.Contains(shown(updates[0]), "*Claimed by*\n"+winner) {
		t.Errorf("want one chat.update naming %s, got %d:\n%s", winner, len(updates), e.dump("chat.update"))
	}
	eph := e.calls("chat.postEphemeral", escChannel)
	if len(eph) != 1 || eph[0].Form.Get("user") != loser {
		t.Fatalf("want one ephemeral for %s (%s), got:\n%s", loser, loserName, e.dump("chat.postEphemeral"))
	}
	if want := id + " is already claimed by " + winner; !strings.Contains(eph[0].Form.Get("text"), want) {
		t.Errorf("ephemeral = %q, want %q", eph[0].Form.Get("text"), want)
	}
}

// TestDuplicateEvents: Slack's retry (X-Slack-Retry-Num) of a handled event and a second
// delivery of the same event id are processed, and deduplicated by event id: one turn.
func TestDuplicateEvents(t *testing.T) {
	e := newEnv(t)
	ts := e.ts()
	body := fakeslack.EventCallback(team, "EvDup1", fakeslack.MessageIM(owner1, dmOf(owner1), "hello", ts))
	e.signed("/slack/events", body)
	e.settle()
	first := len(e.posts(dmOf(owner1)))
	if first == 0 {
		t.Fatal("no answer to the first delivery")
	}
	version := e.session(owner1).Version

	retry := fakeslack.Sign(testSecret, time.Now(), body)
	retry.Set("X-Slack-Retry-Num", "1")
	retry.Set("X-Slack-Retry-Reason", "http_timeout")
	if status, _ := e.post("/slack/events", body, retry); status != http.StatusOK {
		t.Errorf("retry answered %d, want 200", status)
	}
	e.signed("/slack/events", body) // the same event id again, without the header
	e.settle()

	if got := len(e.posts(dmOf(owner1))); got != first {
		t.Errorf("DM posts = %d after the duplicates, want %d", got, first)
	}
	if v := e.session(owner1).Version; v != version {
		t.Errorf("session version %d after the duplicates, want %d", v, version)
	}
}

// TestSignatureChecks: a request that is not signed by Slack now is refused and does nothing.
func TestSignatureChecks(t *testing.T) {
	e := newEnv(t)
	body := fakeslack.EventCallback(team, "EvSig", fakeslack.MessageIM(owner1, dmOf(owner1), "hello", e.ts()))
	bad := func(mod func(h http.Header)) http.Header {
		h := fakeslack.Sign(testSecret, time.Now(), body)
		mod(h)
		return h
	}
	tests := []struct {
		name   string
		path   string
		body   []byte
		header http.Header
	}{
		{"wrong secret", "/slack/events", body, fakeslack.Sign("another-secret", time.Now(), body)},
		{"stale timestamp", "/slack/events", body, fakeslack.Sign(testSecret, time.Now().Add(-6*time.Minute), body)},
		{"future timestamp", "/slack/events", body, fakeslack.Sign(testSecret, time.Now().Add(6*time.Minute), body)},
		{"no signature", "/slack/events", body, bad(func(h http.Header) { h.Del("X-Slack-Signature") })},
		{"tampered body", "/slack/events", []byte(strings.Replace(string(body), "hello", "HELLO", 1)), fakeslack.Sign(testSecret, time.Now(), body)},
		{"interaction", "/slack/interactions", []byte("payload=%7B%7D"), fakeslack.Sign("another-secret", time.Now(), []byte("payload=%7B%7D"))},
		{"command", "/slack/commands", []byte("command=%2Fescalate"), fakeslack.Sign("another-secret", time.Now(), []byte("command=%2Fescalate"))},
	}
	e.fake.Reset()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if status, _ := e.post(tt.path, tt.body, tt.header); status != http.StatusUnauthorized {
				t.Errorf("status %d, want 401", status)
			}
		})
	}
	e.settle()
	if calls := e.fake.Calls(""); len(calls) != 0 {
		t.Errorf("a refused request made %d Slack call(s): %s", len(calls), e.dump(""))
	}
	if s := e.session(owner1); s.Turns != 0 {
		t.Errorf("a refused request ran a turn")
	}
}

func TestURLVerification(t *testing.T) {
	e := newEnv(t)
	out := e.signed("/slack/events", fakeslack.URLVerification("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"))
	var got struct{ Challenge string }
	if err := json.Unmarshal(out, &got); err != nil || got.Challenge != "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" {
		t.Errorf("answer %q (%v)", out, err)
	}
}

func TestBodyLimit(t *testing.T) {
	e := newEnv(t)
	body := []byte(`{"type":"event_callback","pad":"` + strings.Repeat("x", maxBody) + `"}`)
	if status, _ := e.post("/slack/events", body, fakeslack.Sign(testSecret, time.Now(), body)); status != http.StatusRequestEntityTooLarge {
		t.Errorf("status %d, want 413", status)
	}
}

// TestRateLimitedPost: a 429 with Retry-After: 1 on chat.postMessage; the answer still arrives,
// after the wait.
func TestRateLimitedPost(t *testing.T) {
	e := newEnv(t)
	e.fake.FailNext("chat.postMessage", 1, http.StatusTooManyRequests, 1)
	e.dm(owner1, "hello")
	var limited, ok []fakeslack.Call
	for _, c := range e.fake.Calls("chat.postMessage") {
		if c.Err == "ratelimited" {
			limited = append(limited, c)
		} else if c.Err == "" {
			ok = append(ok, c)
		}
	}
	if len(limited) != 1 || len(ok) == 0 {
		t.Fatalf("calls:\n%s", e.dump("chat.postMessage"))
	}
	if wait := ok[0].At.Sub(limited[0].At); wait < time.Second {
		t.Errorf("retried after %v, before the Retry-After of 1s", wait)
	}
	if ok[0].Form.Get("channel") != dmOf(owner1) || ok[0].Form.Get("blocks") != limited[0].Form.Get("blocks") {
		t.Errorf("the retried post is not the refused one:\n%s", e.dump("chat.postMessage"))
	}
}

// TestSlowSlackDoesNotDelayAck: with chat.postMessage answering after 4 s, a claim is acked
// before the first delayed call is answered; the work carries on after.
func TestSlowSlackDoesNotDelayAck(t *testing.T) {
	e := newEnv(t)
	id := e.openCase(owner1)
	ts := e.cardTS(id)
	before := len(e.fake.Calls("chat.postMessage"))
	e.fake.Delay("chat.postMessage", 4*time.Second)

	body := e.fake.BlockActions(team, dana, "dana", escChannel, ts, "trig-slow", fakeslack.Action{ActionID: "case|claim", Value: id})
	if status, _ := e.post("/slack/interactions", body, fakeslack.Sign(testSecret, time.Now(), body)); status != http.StatusOK {
		t.Fatalf("claim: %d", status)
	}
	// The claim posts twice (the owner's DM, the thread line), one after the other; had the
	// ack waited for the work, both would have been made by now.
	if n := len(e.fake.Calls("chat.postMessage")) - before; n >= 2 {
		t.Errorf("the ack came after %d delayed posts were answered", n)
	}
	e.fake.WaitCalls(t, "chat.postMessage", before+2, 20*time.Second)
	e.settle()
	e.waitShown("chat.postMessage", dmOf(owner1), "is now looking at your case")
	e.waitShown("chat.update", escChannel, "*Claimed by*\nDana")
}

// TestOwnerMentionsAreInert: mentions and links an owner writes reach the channel as text.
func TestOwnerMentionsAreInert(t *testing.T) {
	e := newEnv(t)
	desc := "It stopped charging <!channel> and <@U123> said to ask <!here> about it, see <https://evil.example|this>."
	id := e.intake(owner1, map[string]string{"description": desc})
	e.dm(owner1, "Hello <!everyone> <@U123|boss> any news?")
	e.waitShown("chat.postMessage", escChannel, "any news?")

	var checked int
	for _, method := range []string{"chat.postMessage", "chat.update", "chat.postEphemeral"} {
		for _, c := range e.calls(method, "") {
			checked++
			text := shown(c)
			for _, live := range []string{"<!channel>", "<!here>", "<!everyone>", "<@U123", "<https://evil", "<!"} {
				if strings.Contains(text, live) {
					t.Errorf("%s to %s carries a live %q:\n%s", method, c.Form.Get("channel"), live, text)
				}
			}
		}
	}
	card := e.waitShown("chat.postMessage", escChannel, "*"+id+"*")
	if !strings.Contains(shown(card), "&lt;") {
		t.Errorf("the owner's text is missing from the card:\n%s", shown(card))
	}
	if checked == 0 {
		t.Fatal("nothing was posted")
	}
}

// TestLongDescriptionWithinLimits: a 10,000-character description makes a card Slack accepts,
// split with markers.
func TestLongDescriptionWithinLimits(t *testing.T) {
	e := newEnv(t)
	desc := strings.Repeat("The charging port & the <display> both fail. ", 223)[:10000]
	id := e.intake(owner1, map[string]string{"description": desc})
	card := e.waitShown("chat.postMessage", escChannel, "*"+id+"*")
	if v := e.fake.Violations(); len(v) > 0 {
		t.Fatalf("Slack would refuse: %v", v)
	}
	text := shown(card)
	// The description is split over sections: one ends with the marker, the next starts with it.
	if !strings.Contains(text, "…\n…") {
		t.Errorf("no splitting marker in the card:\n%.2000s", text)
	}
	if !strings.Contains(text, "The charging port &amp; the &lt;display&gt; both fail.") {
		t.Errorf("description missing or not escaped")
	}
}

// TestUsergroupRestrictedClaim: only members of the claimers' user group may claim, checked on
// the server whatever the button shows; a failed lookup grants nothing.
func TestUsergroupRestrictedClaim(t *testing.T) {
	t.Run("members only", func(t *testing.T) {
		e := newEnv(t, claimers("group:SEXEC"), usergroups("SEXEC"), beforeStart(func(f *fakeslack.Server) {
			f.SetUserGroupMembers("SEXEC", dana)
		}))
		id := e.openCase(owner1)
		e.clickCase(eve, "eve", bot.ActionClaim, id)
		eph := e.calls("chat.postEphemeral", escChannel)
		if len(eph) != 1 || eph[0].Form.Get("user") != eve || !strings.Contains(eph[0].Form.Get("text"), "Only executives") {
			t.Fatalf("eve's refusal:\n%s", e.dump("chat.postEphemeral"))
		}
		if n := len(e.calls("chat.update", "")); n != 0 {
			t.Errorf("a refused claim updated the card")
		}
		e.clickCase(dana, "dana", bot.ActionClaim, id)
		e.waitShown("chat.update", escChannel, "*Claimed by*\nDana")
	})
	t.Run("lookup fails closed", func(t *testing.T) {
		e := newEnv(t, claimers("group:SEXEC"), usergroups("SEXEC"), beforeStart(func(f *fakeslack.Server) {
			f.SetUserGroupMembers("SEXEC", dana)
		}))
		id := e.openCase(owner1)
		e.fake.FailNext("usergroups.users.list", 1, http.StatusInternalServerError, 0)
		e.clickCase(dana, "dana", bot.ActionClaim, id)
		e.waitShown("chat.postEphemeral", escChannel, "Only executives")
		if c := e.getCase(id); c.Status != bot.StatusOpen {
			t.Errorf("claimed without a membership check: %s", c.Status)
		}
	})
}

// TestModeratorCommands: /escalations maps to the core's commands, answered ephemerally, and
// only moderators (a user id or a user group) may run them.
func TestModeratorCommands(t *testing.T) {
	e := newEnv(t, moderators("slack:*:"+mod, "group:SMODS"), usergroups("SMODS"), beforeStart(func(f *fakeslack.Server) {
		f.SetUserGroupMembers("SMODS", dana)
	}))
	id := e.openCase(owner1)
	tests := []struct {
		name, user, text, want string
	}{
		{"non-moderator refused", eve, "list", "Only moderators of the escalation line may do that."},
		{"moderator by id", mod, "list", "1 open case(s)"},
		{"moderator by group", dana, "show " + id, id + " · open"},
		{"help for anyone", eve, "help", "/escalations close <case> <reason>"},
		{"unknown", mod, "frobnicate", `I don't know the command "frobnicate"`},
		{"usage", mod, "close " + id, "Usage: /escalations close <case> <reason>"},
		{"assign by mention", mod, "assign " + id + " <@" + dana + "|dana>", id + " is now with Dana."},
		{"assign to someone Slack does not know", mod, "assign " + id + " <@UNOBODY|nobody>", "There is no user slack:" + team + ":UNOBODY"},
		{"assign to a broadcast", mod, "assign " + id + " <!channel>", "everyone in a channel"},
		{"block by mention for a while", mod, "block <@" + eve + "|eve> 7d spam", "Eve (slack:" + team + ":" + eve + ") is blocked until "},
		{"block by mention without a name", mod, "block <@" + eve + "> spam", "Eve (slack:" + team + ":" + eve + ") is blocked until unblocked"},
		{"unblock by identity", mod, "unblock slack:" + team + ":" + eve, "may use the line again"},
		{"duration in words", mod, "block <@" + eve + "|eve> 30min spam", "30m, 12h, 7d or 2w"},
		{"duration of two words", mod, "block <@" + eve + "|eve> 7 days spam", "without a space"},
		{"a typed mention is no mention", mod, "block &lt;@" + eve + "&gt; spam", "could not tell who that mention is"},
		{"user group", mod, "block <!subteam^S123|@mods> spam", "everyone in a channel"},
		{"unescaped name", mod, "block @eve spam", "which platform"},
		{"wildcard", mod, "block slack:" + team + ":* spam", "without wildcards"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := e.command(tt.user, strings.ToLower(tt.user), "C1", "/escalations", tt.text)
			if len(got) != 1 || !strings.Contains(got[0], tt.want) {
				t.Errorf("answers %q, want one containing %q", got, tt.want)
			}
		})
	}
	if c := e.getCase(id); c.ClaimedBy != identity(team, dana) {
		t.Errorf("assign gave the case to %q", c.ClaimedBy)
	}
}

// TestEscalateAndMention: /escalate and a mention of the bot answer where they were typed and
// start the intake in the DM.
func TestEscalateAndMention(t *testing.T) {
	e := newEnv(t)
	got := e.command(owner1, "alice", "CGENERAL", "/escalate", "")
	if len(got) != 1 || got[0] != dmSent {
		t.Errorf("/escalate answered %q", got)
	}
	e.waitShown("chat.postMessage", dmOf(owner1), "")
	if len(e.calls("conversations.open", "")) != 1 {
		t.Errorf("conversations.open calls:\n%s", e.dump("conversations.open"))
	}
	greeting := len(e.posts(dmOf(owner1)))

	e.deliver("EvMention", fakeslack.AppMention(eve, "CGENERAL", "<@UBOT> I need help", e.ts()))
	eph := e.waitShown("chat.postEphemeral", "CGENERAL", dmSent)
	if eph.Form.Get("user") != eve {
		t.Errorf("ephemeral to %q", eph.Form.Get("user"))
	}
	if len(e.posts(dmOf(eve))) == 0 {
		t.Error("no intake in eve's DM")
	}
	if len(e.posts(dmOf(owner1))) != greeting {
		t.Error("alice's DM changed")
	}
}

// TestIgnoredMessages: edits, bot messages, the bot's own posts and channel messages drive no
// dialogue.
func TestIgnoredMessages(t *testing.T) {
	e := newEnv(t)
	edit := fakeslack.MessageIM(owner1, dmOf(owner1), "edited", e.ts())
	edit["subtype"] = "message_changed"
	fromBot := fakeslack.MessageIM("UOTHERBOT", dmOf(owner1), "beep", e.ts())
	fromBot["bot_id"] = "B999"
	own := fakeslack.MessageIM(fakeslack.BotUserID, dmOf(owner1), "my own post", e.ts())
	inChannel := fakeslack.MessageIM(owner1, "CGENERAL", "hello all", e.ts())
	inChannel["channel_type"] = "channel"
	for i, ev := range []map[string]any{edit, fromBot, own, inChannel} {
		e.deliver("EvIgnored"+string(rune('A'+i)), ev)
	}
	if calls := e.calls("chat.postMessage", ""); len(calls) != 0 {
		t.Errorf("ignored messages were answered:\n%s", e.dump("chat.postMessage"))
	}
}

// TestCrossPlatform: a playground owner's case is posted to the Slack channel and claimed
// there; the owner hears about it in the playground.
func TestCrossPlatform(t *testing.T) {
	hub := web.NewHub(testLogger(t))
	e := newEnv(t, withMessenger(hub), channels("slack:"+escChannel))
	owner := bot.Identity("web:alice")
	say := func(ev bot.OwnerEvent) {
		ev.Owner, ev.Name = owner, "alice"
		if _, err := e.svc.HandleOwner(t.Context(), ev); err != nil {
			t.Fatal(err)
		}
	}
	say(bot.OwnerEvent{Text: "hello"})
	say(bot.OwnerEvent{Action: conversation.ActionChoose, Value: "understood"})
	var id string
	for range 30 {
		turn, err := e.sessions.Load(t.Context(), owner, "")
		if err != nil {
			t.Fatal(err)
		}
		if turn.Session.Stage == conversation.StageReview {
			say(bot.OwnerEvent{Action: conversation.ActionSubmit})
			turn, _ = e.sessions.Load(t.Context(), owner, "")
			id = turn.Session.CaseID
			break
		}
		say(bot.OwnerEvent{Text: answers[turn.Session.Step]})
	}
	if id == "" {
		t.Fatal("no case")
	}
	e.waitShown("chat.postMessage", escChannel, "*"+id+"*")
	e.clickCase(dana, "dana", bot.ActionClaim, id)
	e.waitShown("chat.update", escChannel, "*Claimed by*\nDana")
	if n := len(e.calls("conversations.open", "")); n != 0 {
		t.Errorf("the Slack messenger tried to reach a playground owner: %s", e.dump("conversations.open"))
	}
}

func TestReadiness(t *testing.T) {
	e := newEnv(t)
	check := e.adapter.Check()
	if check.Name != "slack" || check.Func(t.Context()) != nil {
		t.Errorf("check %q after start: %v", check.Name, check.Func(t.Context()))
	}
}

// TestStopRefusesNewWork: once stopping, a request is refused (503) rather than acked and
// dropped, so Slack does not count it as delivered.
func TestStopRefusesNewWork(t *testing.T) {
	e := newEnv(t)
	if err := e.adapter.Stop(t.Context()); err != nil {
		t.Fatal(err)
	}
	body := fakeslack.EventCallback(team, "EvLate", fakeslack.MessageIM(owner1, dmOf(owner1), "hello", e.ts()))
	if status, _ := e.post("/slack/events", body, fakeslack.Sign(testSecret, time.Now(), body)); status != http.StatusServiceUnavailable {
		t.Errorf("status %d, want 503", status)
	}
	if err := e.adapter.Check().Func(t.Context()); err == nil {
		t.Error("ready after stop")
	}
}

// TestCommandLine: user mentions Slack marked up become the core's identities before the core
// reads the line; text the moderator typed, escaped by Slack, is given back as typed and never
// read as a mention.
func TestCommandLine(t *testing.T) {
	tests := []struct {
		text, want string
	}{
		{"block <@U0DANA|dana> 7d spam", "/escalations block slack:T0001:U0DANA 7d spam"},
		{"block <@U0DANA> spam", "/escalations block slack:T0001:U0DANA spam"},
		{"block <@W0DANA|dana.smith> spam", "/escalations block slack:T0001:W0DANA spam"},
		{"assign ESC-1 <@U1|a> <@U2|b>", "/escalations assign ESC-1 slack:T0001:U1 slack:T0001:U2"},
		{"block &lt;@U0DANA&gt; spam", "/escalations block <@U0DANA> spam"},
		{"block <!channel> spam", "/escalations block <!channel> spam"},
		{"block <!subteam^S1|@mods> spam", "/escalations block <!subteam^S1|@mods> spam"},
		{"block <#C1|general> spam", "/escalations block <#C1|general> spam"},
		{"block <@u0dana> spam", "/escalations block <@u0dana> spam"},
		{"close ESC-1 fixed &amp; done", "/escalations close ESC-1 fixed & done"},
		{"", "/escalations "},
	}
	for _, tt := range tests {
		if got := commandLine("T0001", tt.text); got != tt.want {
			t.Errorf("commandLine(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}
