package discord

import (
	"slices"
	"strings"
	"testing"
	"time"

	"escalation-bot/bot"
	"escalation-bot/xtest/clocktest"
)

// A reminder pings the on-call role and users of Discord, and only them.
func TestReminderMentionsOnCall(t *testing.T) {
	line := bot.ThreadMessage{CaseID: "ESC-1", From: "Escalation line", Role: "bot", Text: "Reminder: ESC-1 has waited 31 min.",
		Mentions: []string{"role:" + modRole, "discord:" + dana, "group:S0ONCALL", "slack:T1:U1", "role:everyone", "discord:@here"}}
	msgs := renderThread(line)
	first := msgs[0]
	if !strings.HasPrefix(first.Content, "<@&"+modRole+"> <@"+dana+"> ") {
		t.Fatalf("reminder content %q", first.Content)
	}
	am := first.AllowedMentions
	if am == nil || len(am.Parse) != 0 || !slices.Equal(am.Roles, []string{modRole}) || !slices.Equal(am.Users, []string{dana}) {
		t.Fatalf("allowed mentions %+v", am)
	}
	plain := renderThread(bot.ThreadMessage{CaseID: "ESC-1", From: "Dana", Role: "executive", Text: "<@&" + modRole + "> hi"})
	if am := plain[0].AllowedMentions; am == nil || len(am.Roles)+len(am.Users)+len(am.Parse) != 0 {
		t.Fatalf("a line without mentions may ping: %+v", am)
	}
}

// End to end: the reminder lands in the card's thread pinging the on-call role; the escalation
// posts the card in the backup channel and tells the owner.
func TestReminderAndEscalationOnDiscord(t *testing.T) {
	const backup = "300000000000000009"
	clock := clocktest.Frozen(t)
	e := newEnv(t, withClock(clock), func(ec *envConfig) {
		ec.bot.RemindUnclaimedAfter = 30 * time.Minute
		ec.bot.EscalateUnclaimedAfter = 2 * time.Hour
		ec.bot.OnCall = []string{"role:" + modRole}
		ec.bot.BackupChannels = []string{"discord:" + backup}
	})
	id := e.openCase(alice)
	card := e.cardID(id)
	later := e.svc
	run := func(d time.Duration) {
		t.Helper()
		clock.Advance(d)
		for range 5 {
			if n, err := later.RunDue(t.Context()); err != nil {
				t.Fatal(err)
			} else if n == 0 {
				return
			}
		}
	}
	run(31 * time.Minute)
	rem := e.waitShown(card, "Reminder: "+id)
	if !strings.Contains(rem.Content, "<@&"+modRole+">") {
		t.Fatalf("reminder %q does not ping the on-call role", rem.Content)
	}
	run(2 * time.Hour)
	e.waitShown(backup, id)
	dm, err := e.adapter.msgr.dmChannel(t.Context(), alice)
	if err != nil {
		t.Fatal(err)
	}
	e.waitShown(dm, "it has gone higher")
	if c := e.getCase(id); !c.Escalated() || len(c.Posts) != 2 {
		t.Fatalf("escalated case: %v, posts %+v", c.Escalated(), c.Posts)
	}
}

// The owner disputes a resolution with the DM's button, then confirms and rates the next one.
func TestOwnerVerdictOnDiscord(t *testing.T) {
	e := newEnv(t, func(ec *envConfig) { ec.bot.ConfirmResolutionWithin = 7 * 24 * time.Hour })
	ctx := t.Context()
	id := e.openCase(alice)
	e.adapter.msgr.rememberDM(alice, dmOf(alice)) // as an owner who wrote in their DM
	d := bot.Actor{ID: identity(dana), Name: "Dana"}
	if _, err := e.svc.Claim(ctx, d, id); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Resolve(ctx, d, id, "Charger replaced."); err != nil {
		t.Fatal(err)
	}
	e.waitShown(dmOf(alice), "Is the problem solved for you?")
	e.press(alice, bot.ActionResolution, "unsolved:"+id)
	if c := e.getCase(id); c.Status != bot.StatusClaimed || c.ClaimedBy != d.ID {
		t.Fatalf("disputed case %s by %s", c.Status, c.ClaimedBy)
	}
	if _, err := e.svc.Resolve(ctx, d, id, "Charger replaced again."); err != nil {
		t.Fatal(err)
	}
	e.press(alice, bot.ActionResolution, "solved:"+id)
	e.press(alice, bot.ActionRate, "5:"+id)
	if c := e.getCase(id); c.Rating != 5 || c.ConfirmedAt.IsZero() {
		t.Fatalf("rated case: %+v", c)
	}
	e.waitShown(escChannel, "★★★★★")
}
