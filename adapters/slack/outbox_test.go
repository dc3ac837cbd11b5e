package slack

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"escalation-bot/bot"
	"escalation-bot/conversation"
	"escalation-bot/xtest/clocktest"
	"escalation-bot/xtest/fakeslack"
)

// A keyed message sent again with Recheck is found in Slack (the DM's history, the card's
// thread, paged) and not posted twice; a new key is posted.
func TestKeyedDeliveriesAreFound(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	m := e.params.Messengers[0]
	owner := identity(team, owner1)
	news := []conversation.Reply{{Text: "Good news"}, {Text: "second part"}}

	send := func(key string, recheck bool) {
		t.Helper()
		if err := m.SendToOwner(ctx, owner, news, bot.Delivery{Key: key, Recheck: recheck}); err != nil {
			t.Fatal(err)
		}
	}
	send("ESC-1/a/dm", false)
	send("ESC-1/a/dm", true)
	if n := len(e.posts(dmOf(owner1))); n != 2 {
		t.Fatalf("DM posts = %d, want 2 (one delivery of two messages)", n)
	}
	send("ESC-1/b/dm", true)
	if n := len(e.posts(dmOf(owner1))); n != 4 {
		t.Fatalf("DM posts = %d after a new key, want 4", n)
	}

	card, err := m.PostCard(ctx, escChannel, bot.Card{ID: "ESC-1", Title: "Charging"})
	if err != nil {
		t.Fatal(err)
	}
	line := func(i int, recheck bool) {
		t.Helper()
		msg := bot.ThreadMessage{CaseID: "ESC-1", From: "Dana", Role: "executive", Text: fmt.Sprintf("line %d", i), At: time.Now()}
		if err := m.PostThread(ctx, escChannel, card, msg, bot.Delivery{Key: fmt.Sprintf("ESC-1/%d/thread", i), Recheck: recheck}); err != nil {
			t.Fatal(err)
		}
	}
	// More lines than one page of conversations.replies.
	for i := range 250 {
		line(i, false)
	}
	line(0, true)   // on the first page
	line(249, true) // on the second
	threadPosts := 0
	for _, c := range e.posts(escChannel) {
		if c.Form.Get("thread_ts") == card {
			threadPosts++
		}
	}
	if threadPosts != 250 {
		t.Fatalf("thread posts = %d, want 250", threadPosts)
	}
}

// An executive's claim whose news Slack refused (the owner's DM could not be opened) reaches
// the owner through the due queue, once, while the card and the thread line that went
// through are not sent again.
func TestClaimNewsDeliveredLater(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	id := e.openCase(owner1)
	e.waitShown("chat.postMessage", escChannel, id)
	dm := func() (n int) {
		for _, c := range e.posts(dmOf(owner1)) {
			if strings.Contains(shown(c), "is now looking at your case") {
				n++
			}
		}
		return n
	}

	e.fake.FailNextError("conversations.open", 1, "fatal_error")
	if _, err := e.svc.Claim(ctx, bot.Actor{ID: identity(team, dana), Name: "Dana"}, id); err != nil {
		t.Fatal(err)
	}
	if n := dm(); n != 0 {
		t.Fatalf("owner told %d times while the DM failed", n)
	}
	threadLines := len(e.posts(escChannel))
	updates := len(e.fake.Calls("chat.update"))

	// Another instance, later: the due queue delivers the rest.
	p := e.params
	clock := clocktest.Frozen(t)
	clock.Advance(time.Minute)
	p.Clock = clock
	later := bot.NewService(p)
	if _, err := later.RunDue(ctx); err != nil {
		t.Fatal(err)
	}
	if n := dm(); n != 1 {
		t.Fatalf("owner told %d times after the due queue ran, want 1:\n%s", n, joinShown(e.posts(dmOf(owner1))))
	}
	if n := len(e.posts(escChannel)); n != threadLines {
		t.Errorf("escalation channel posts %d, were %d: the thread line went twice", n, threadLines)
	}
	if n := len(e.fake.Calls("chat.update")); n != updates {
		t.Errorf("card updated %d more times", n-updates)
	}
	clock.Advance(time.Hour)
	if _, err := later.RunDue(ctx); err != nil {
		t.Fatal(err)
	}
	if n := dm(); n != 1 {
		t.Fatalf("owner told %d times after another run", n)
	}
}

func joinShown(calls []fakeslack.Call) string {
	var b strings.Builder
	for _, c := range calls {
		b.WriteString(shown(c))
		b.WriteString("\n")
	}
	return b.String()
}

// The claimer's message in the card's thread reaches the owner like the Reply button, once,
// and is not repeated in the thread; other people's messages, the bot's own and messages under
// other threads stay among the executives.
func TestThreadReplyReachesOwner(t *testing.T) {
	e := newEnv(t)
	id := e.openCase(owner1)
	card := e.cardTS(id)
	e.clickCase(dana, "Dana", "claim", id)
	e.waitShown("chat.postMessage", dmOf(owner1), "is now looking at your case")

	reply := func(user, thread, text string) {
		ts := e.ts()
		e.deliver("Ev"+ts, fakeslack.ThreadReply(user, escChannel, thread, text, ts))
		e.settle()
	}
	reply(eve, card, "Eve here: anyone seen this before?")
	reply(dana, card, "Hello Alice, I will call you at 3pm today.")
	reply(dana, "1700000000.999999", "not a case thread")
	dm := e.waitShown("chat.postMessage", dmOf(owner1), "I will call you at 3pm today.")
	if !strings.Contains(shown(dm), "Dana (about "+id+")") {
		t.Fatalf("relayed message: %s", shown(dm))
	}
	for _, c := range e.posts(dmOf(owner1)) {
		if strings.Contains(shown(c), "Eve here") || strings.Contains(shown(c), "not a case thread") {
			t.Fatalf("chatter reached the owner: %s", shown(c))
		}
	}
	for _, c := range e.posts(escChannel) {
		if c.Form.Get("thread_ts") == card && strings.Contains(shown(c), "3pm") {
			t.Fatalf("the claimer's thread message was repeated in the thread: %s", shown(c))
		}
	}
	if c := e.getCase(id); c.Messages != 1 {
		t.Fatalf("case counts %d messages, want 1", c.Messages)
	}
}

// A thread message longer than the core keeps reaches the owner cut, and its writer is told.
func TestLongThreadReplyIsCutAndSaid(t *testing.T) {
	e := newEnv(t)
	id := e.openCase(owner1)
	card := e.cardTS(id)
	e.clickCase(dana, "Dana", "claim", id)
	long := strings.Repeat("word ", 1000) // 5,000 characters
	ts := e.ts()
	e.deliver("Ev"+ts, fakeslack.ThreadReply(dana, escChannel, card, long, ts))
	e.settle()
	e.waitShown("chat.postEphemeral", escChannel, "the owner got the first 4000")
	if c := e.getCase(id); c.Messages != 1 {
		t.Fatalf("case counts %d messages", c.Messages)
	}
}
