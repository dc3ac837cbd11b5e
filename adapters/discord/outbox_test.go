package discord

import (
	"strings"
	"testing"
	"time"

	"escalation-bot/bot"
	"escalation-bot/conversation"
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
