package slack

import (
	"strings"
	"testing"
	"time"

	"escalation-bot/bot"
	"escalation-bot/xtest/clocktest"
)

// A reminder names the on-call user group and users of Slack, and nothing else: another
// platform's entries and a broadcast smuggled into the configuration are left out.
func TestReminderMentionsOnCall(t *testing.T) {
	line := bot.ThreadMessage{CaseID: "ESC-1", From: "Escalation line", Role: "bot", Text: "Reminder: ESC-1 has waited 31 min.",
		Mentions: []string{"group:S0ONCALL", "slack:T0001:UDANA", "role:800000000000000001", "web:dana", "group:<!channel>", "slack:T1:<!here>"}}
	msg := renderThread(line)
	for _, s := range []string{msg.Text, allText(t, msg.Blocks)} {
		if !strings.Contains(s, "<!subteam^S0ONCALL> <@UDANA>") {
			t.Errorf("reminder does not name the on-call people: %q", s)
		}
		if strings.Contains(s, "<!channel>") || strings.Contains(s, "<!here>") || strings.Contains(s, "<@&") {
			t.Errorf("reminder pings more than the on-call people: %q", s)
		}
	}
	plain := renderThread(bot.ThreadMessage{CaseID: "ESC-1", From: "Dana", Role: "executive", Text: "hi"})
	if strings.Contains(plain.Text, "<!subteam") || strings.Contains(plain.Text, "<@") {
		t.Errorf("a line without mentions pings: %q", plain.Text)
	}
}

// End to end: an unclaimed case reminds the on-call group in its card's thread, escalates to
// the backup channel (a second card, both marked) and tells the owner.
func TestReminderAndEscalationOnSlack(t *testing.T) {
	const backup = "CBACKUP"
	e := newEnv(t, func(ec *envConfig) {
		ec.bot.RemindUnclaimedAfter = 30 * time.Minute
		ec.bot.EscalateUnclaimedAfter = 2 * time.Hour
		ec.bot.OnCall = []string{"group:S0ONCALL"}
		ec.bot.BackupChannels = []string{"slack:" + backup}
	})
	ctx := t.Context()
	id := e.openCase(owner1)
	card := e.cardTS(id)

	p := e.params
	clock := clocktest.Frozen(t)
	p.Clock = clock
	later := bot.NewService(p)
	run := func(d time.Duration) {
		t.Helper()
		clock.Advance(d)
		for range 5 {
			if n, err := later.RunDue(ctx); err != nil {
				t.Fatal(err)
			} else if n == 0 {
				return
			}
		}
	}
	run(31 * time.Minute)
	rem := e.waitShown("chat.postMessage", escChannel, "Reminder: "+id)
	if rem.Form.Get("thread_ts") != card || !strings.Contains(rem.Form.Get("text"), "<!subteam^S0ONCALL>") {
		t.Fatalf("reminder: thread %q text %q", rem.Form.Get("thread_ts"), rem.Form.Get("text"))
	}
	run(2 * time.Hour)
	e.waitShown("chat.postMessage", backup, id)
	e.waitShown("chat.update", escChannel, "Escalated")
	e.waitShown("chat.postMessage", dmOf(owner1), "it has gone higher")
	if c := e.getCase(id); !c.Escalated() || len(c.Posts) != 2 {
		t.Fatalf("escalated case: %v, posts %+v", c.Escalated(), c.Posts)
	}
}

// The owner answers "still a problem" with the button in the DM: the case goes back to the
// claimer; the next resolution is confirmed and rated with the buttons.
func TestOwnerVerdictOnSlack(t *testing.T) {
	e := newEnv(t, func(ec *envConfig) { ec.bot.ConfirmResolutionWithin = 7 * 24 * time.Hour })
	ctx := t.Context()
	id := e.openCase(owner1)
	d := bot.Actor{ID: identity(team, dana), Name: "Dana"}
	if _, err := e.svc.Claim(ctx, d, id); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Resolve(ctx, d, id, "Charger replaced."); err != nil {
		t.Fatal(err)
	}
	e.waitShown("chat.postMessage", dmOf(owner1), "Is the problem solved for you?")
	e.press(owner1, bot.ActionResolution, "unsolved:"+id)
	e.waitShown("chat.postMessage", dmOf(owner1), "back with Dana")
	if c := e.getCase(id); c.Status != bot.StatusClaimed || c.ClaimedBy != d.ID {
		t.Fatalf("disputed case %s by %s", c.Status, c.ClaimedBy)
	}
	e.waitShown("chat.postMessage", dmOf(dana), "is not solved; it is back with you")
	if _, err := e.svc.Resolve(ctx, d, id, "Charger replaced again."); err != nil {
		t.Fatal(err)
	}
	e.press(owner1, bot.ActionResolution, "solved:"+id)
	e.waitShown("chat.postMessage", dmOf(owner1), "How would you rate")
	e.press(owner1, bot.ActionRate, "5:"+id)
	e.waitShown("chat.update", escChannel, "★★★★★")
	if c := e.getCase(id); c.Rating != 5 || c.ConfirmedAt.IsZero() {
		t.Fatalf("rated case: %+v", c)
	}
}
