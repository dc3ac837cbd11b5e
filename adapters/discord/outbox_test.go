package discord

import (
	"strings"
	"testing"
	"time"

	"escalation-bot/bot"
	"escalation-bot/conversation"
	"escalation-bot/xtest/fakediscord"

	"github.com/bwmarrin/discordgo"
)

// A keyed message sent again (a delivery repeated after a crash) carries the same nonce with
// enforce_nonce, so Discord keeps one; a new key is a new message.
func TestKeyedDeliveriesAreSentOnce(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	m := e.adapter.msgr
	owner := identity(alice)
	count := func(channel, s string) (n int) {
		for _, msg := range e.botMessages(channel) {
			if strings.Contains(text(msg), s) {
				n++
			}
		}
		return n
	}

	dm, err := m.dmChannel(ctx, alice)
	if err != nil {
		t.Fatal(err)
	}
	news := []conversation.Reply{{Text: "Good news: Dana has your case"}}
	for _, d := range []bot.Delivery{{Key: "ESC-1/a/dm"}, {Key: "ESC-1/a/dm", Recheck: true}} {
		if err := m.SendToOwner(ctx, owner, news, d); err != nil {
			t.Fatal(err)
		}
	}
	if n := count(dm, "Good news"); n != 1 {
		t.Fatalf("DM holds the news %d times, want 1", n)
	}
	if err := m.SendToOwner(ctx, owner, news, bot.Delivery{Key: "ESC-1/b/dm"}); err != nil {
		t.Fatal(err)
	}
	if n := count(dm, "Good news"); n != 2 {
		t.Fatalf("DM holds the news %d times after a new key, want 2", n)
	}

	card, err := m.PostCard(ctx, escChannel, bot.Card{ID: "ESC-1", Title: "Charging"})
	if err != nil {
		t.Fatal(err)
	}
	line := bot.ThreadMessage{CaseID: "ESC-1", From: "Dana", Role: "executive", Text: "Tomorrow at nine", At: time.Now()}
	for _, d := range []bot.Delivery{{Key: "ESC-1/c/thread"}, {Key: "ESC-1/c/thread", Recheck: true}} {
		if err := m.PostThread(ctx, escChannel, card, line, d); err != nil {
			t.Fatal(err)
		}
	}
	if n := count(card, "Tomorrow at nine"); n != 1 {
		t.Fatalf("thread holds the line %d times, want 1", n)
	}
}

// With DISCORD_THREAD_REPLIES, the claimer's message in the card's thread reaches the owner,
// once, and is not repeated in the thread; others' messages and other threads do not.
func TestThreadReplyReachesOwner(t *testing.T) {
	e := newEnv(t, withConfig(func(c *Config) { c.ThreadReplies = true }))
	id := e.openCase(alice)
	card := e.cardID(id)
	e.clickCase(memberInv(dana), "claim", id)
	e.waitShown(card, "claimed the case") // the thread exists: the claim's line is in it

	say := func(user, channel, text string) {
		e.dispatch("MESSAGE_CREATE", fakediscord.MessageCreate("", channel, guild, user, names[user], text))
	}
	say(eve, card, "Eve: seen this before?")
	say(dana, card, "Hello Alice, I will call you at 3pm.")
	say(dana, escChannel, "not in a thread")
	dm, err := e.adapter.msgr.dmChannel(t.Context(), alice)
	if err != nil {
		t.Fatal(err)
	}
	e.waitShown(dm, "I will call you at 3pm.")
	for _, msg := range e.botMessages(dm) {
		if s := text(msg); strings.Contains(s, "seen this before") || strings.Contains(s, "not in a thread") {
			t.Fatalf("chatter reached the owner: %s", s)
		}
	}
	n := 0
	for _, msg := range e.botMessages(card) {
		if strings.Contains(text(msg), "3pm") {
			n++
		}
	}
	if n != 0 {
		t.Fatalf("the claimer's message repeated %d times in the thread", n)
	}
	if c := e.getCase(id); c.Messages != 1 {
		t.Fatalf("case counts %d messages, want 1", c.Messages)
	}
}

// Without the setting the bot asks for no server messages at all.
func TestThreadRepliesNeedTheSetting(t *testing.T) {
	for _, on := range []bool{false, true} {
		dg, _, err := newSession(Config{Token: "t", ThreadReplies: on})
		if err != nil {
			t.Fatal(err)
		}
		content := dg.Identify.Intents&discordgo.IntentMessageContent != 0
		guildMsgs := dg.Identify.Intents&discordgo.IntentsGuildMessages != 0
		if content != on || guildMsgs != on {
			t.Fatalf("thread replies %v: intents %b", on, dg.Identify.Intents)
		}
	}
}
