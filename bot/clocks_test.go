package bot_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"escalation-bot/bot"
	"escalation-bot/xtest/redistest"
)

// withClocks turns the case clocks on, as the product's defaults do.
func withClocks(c *bot.Config) {
	c.RemindUnclaimedAfter = 30 * time.Minute
	c.EscalateUnclaimedAfter = 2 * time.Hour
	c.RemindClaimedSilentAfter = 4 * time.Hour
	c.OnCall = []string{"web:oncall"}
	c.BackupChannels = []string{"web:directors"}
}

// tick moves the clock and runs what is due, as the due worker does every second.
func (h *harness) tick(t testing.TB, d time.Duration) {
	t.Helper()
	h.clock.Advance(d)
	for range 10 {
		n, err := h.svc.RunDue(context.Background())
		if err != nil {
			t.Fatalf("RunDue: %v", err)
		}
		if n == 0 {
			return
		}
	}
}

// reminders are the reminder lines in the case's thread.
func (h *harness) reminders(id string) []bot.ThreadMessage {
	var out []bot.ThreadMessage
	for _, m := range h.msgr.thread(id) {
		if strings.HasPrefix(m.Text, "Reminder:") {
			out = append(out, m)
		}
	}
	return out
}

func (h *harness) auditActions(t testing.TB, id string) []string {
	t.Helper()
	entries, err := h.cases.Audit(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Action)
	}
	return out
}

// An unclaimed case reminds the on-call people every period, escalates to the backup
// channels, tells its owner; a claim stops it all.
func TestUnclaimedCaseRemindsAndEscalates(t *testing.T) {
	h := newHarness(t, redistest.New(t), withClocks)
	ctx := context.Background()
	owner := bot.Identity("web:ann")
	id := h.intake(t, owner, true, nil)
	card, _ := h.msgr.card(id)
	if want := h.clock.Now().Add(30 * time.Minute); !card.Due.Equal(want) {
		t.Fatalf("new card's next deadline %s, want %s", card.Due, want)
	}

	h.tick(t, 29*time.Minute)
	if n := len(h.reminders(id)); n != 0 {
		t.Fatalf("%d reminders before the period ended", n)
	}
	h.tick(t, 2*time.Minute)
	rem := h.reminders(id)
	if len(rem) != 1 || !slices.Equal(rem[0].Mentions, []string{"web:oncall"}) || !strings.Contains(rem[0].Text, "31 min for an executive") {
		t.Fatalf("first reminder: %+v", rem)
	}
	if card, _ := h.msgr.card(id); card.Reminders != 1 {
		t.Fatalf("card shows %d reminders", card.Reminders)
	}
	h.tick(t, 30*time.Minute)
	if n := len(h.reminders(id)); n != 2 {
		t.Fatalf("%d reminders after two periods", n)
	}

	// Two hours unclaimed: the next tier.
	h.tick(t, time.Hour)
	backup, ok := h.msgr.cards["directors/"+id]
	if !ok || !backup.Escalated {
		t.Fatalf("card in the backup channel: %+v, %v", backup, ok)
	}
	if card, _ := h.msgr.card(id); !card.Escalated {
		t.Fatal("the first card is not marked escalated")
	}
	if n := count(texts(h.msgr.toOwner(owner)), "it has gone higher"); n != 1 {
		t.Fatalf("owner told of the escalation %d times", n)
	}

	// A claim in either channel stops every clock.
	if _, err := h.svc.Claim(ctx, bot.Actor{ID: "web:dana", Name: "Dana"}, id); err != nil {
		t.Fatal(err)
	}
	before := len(h.reminders(id))
	h.tick(t, 3*time.Hour)
	if n := len(h.reminders(id)); n != before {
		t.Fatalf("%d reminders after the claim", n-before)
	}
	if got := h.auditActions(t, id); count(strings.Join(got, ","), "escalate") != 1 {
		t.Fatalf("audit %v: want one escalation", got)
	}
	if h.msgr.doubles != 0 {
		t.Fatalf("%d messages sent twice", h.msgr.doubles)
	}
}

// A release starts the unclaimed clock again, from the release.
func TestReleaseRestartsTheClock(t *testing.T) {
	h := newHarness(t, redistest.New(t), withClocks)
	ctx := context.Background()
	id := h.intake(t, "web:ann", true, nil)
	dana := bot.Actor{ID: "web:dana", Name: "Dana"}
	h.tick(t, 20*time.Minute)
	if _, err := h.svc.Claim(ctx, dana, id); err != nil {
		t.Fatal(err)
	}
	h.tick(t, 20*time.Minute)
	if _, err := h.svc.Release(ctx, dana, id); err != nil {
		t.Fatal(err)
	}
	h.tick(t, 25*time.Minute) // 65 min after creation, 25 after the release
	if n := len(h.reminders(id)); n != 0 {
		t.Fatalf("%d reminders counted from before the release", n)
	}
	h.tick(t, 6*time.Minute)
	if n := len(h.reminders(id)); n != 1 {
		t.Fatalf("%d reminders 31 min after the release, want 1", n)
	}
}

// Two replicas at the deadline remind once; a replica that took the item and died leaves it
// to the other after the lease.
func TestRemindersAcrossReplicas(t *testing.T) {
	rds := redistest.New(t)
	a := newHarness(t, rds, withClocks)
	b := newHarness(t, rds, withClocks)
	b.msgr = a.msgr
	b.rebuild(t, func(p *bot.Params) { p.Messengers = []bot.Messenger{a.msgr}; p.Clock = a.clock })
	id := a.intake(t, "web:ann", true, nil)
	a.clock.Advance(31 * time.Minute)
	var wg sync.WaitGroup
	for _, h := range []*harness{a, b} {
		wg.Go(func() {
			if _, err := h.svc.RunDue(context.Background()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := len(a.reminders(id)); n != 1 {
		t.Fatalf("two replicas sent %d reminders", n)
	}

	// Replica a takes the next reminder and dies before running it.
	a.clock.Advance(30 * time.Minute)
	taken, err := a.params.Due.TakeDue(context.Background(), a.clock.Now(), 30*time.Second, 10)
	if err != nil || len(taken) == 0 {
		t.Fatalf("take: %v %v", taken, err)
	}
	if _, err := b.svc.RunDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(a.reminders(id)); n != 1 {
		t.Fatalf("a leased reminder was run by another replica: %d", n)
	}
	a.clock.Advance(31 * time.Second)
	if _, err := b.svc.RunDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(a.reminders(id)); n != 2 {
		t.Fatalf("after the dead replica's lease: %d reminders, want 2", n)
	}
}

// A claim racing the escalation: the case escalates before the claim or not at all.
func TestClaimRacingEscalation(t *testing.T) {
	for i := range 8 {
		// A tenant each: the owners answer with the same VIN, and a second case of one vehicle
		// would be attached to the first, whose race was run already.
		h := newHarness(t, redistest.New(t), withClocks)
		owner := bot.Identity("web:racer" + string(rune('a'+i)))
		id := h.intake(t, owner, true, nil)
		h.clock.Advance(2*time.Hour + time.Second)
		var wg sync.WaitGroup
		wg.Go(func() { h.svc.RunDue(context.Background()) })
		wg.Go(func() { h.svc.Claim(context.Background(), bot.Actor{ID: "web:dana", Name: "Dana"}, id) })
		wg.Wait()
		h.tick(t, time.Minute)
		acts := h.auditActions(t, id)
		esc, claim := slices.Index(acts, "escalate"), slices.Index(acts, "claim")
		if claim < 0 || (esc >= 0 && esc > claim) {
			t.Fatalf("audit %v: an escalation after the claim", acts)
		}
		_, posted := h.msgr.cards["directors/"+id]
		if posted != (esc >= 0) {
			t.Fatalf("audit %v, card in the backup channel: %v", acts, posted)
		}
	}
}

// A claimer who has not written is reminded privately; writing stops it; the owner's next
// message starts the silence again.
func TestSilentClaimerNudged(t *testing.T) {
	h := newHarness(t, redistest.New(t), withClocks)
	ctx := context.Background()
	owner := bot.Identity("web:ann")
	id := h.intake(t, owner, true, nil)
	dana := bot.Actor{ID: "web:dana", Name: "Dana"}
	if _, err := h.svc.Claim(ctx, dana, id); err != nil {
		t.Fatal(err)
	}
	nudges := func() int { return count(texts(h.msgr.toOwner(dana.ID)), "Reminder about "+id) }
	h.tick(t, 4*time.Hour+time.Minute)
	if n := nudges(); n != 1 {
		t.Fatalf("silent claimer nudged %d times", n)
	}
	for _, m := range h.msgr.thread(id) {
		if strings.Contains(m.Text, "not heard from you") {
			t.Fatalf("the nudge went to the thread: %+v", m)
		}
	}
	if _, err := h.svc.Reply(ctx, dana, id, "Calling you now."); err != nil {
		t.Fatal(err)
	}
	h.tick(t, 5*time.Hour)
	if n := nudges(); n != 1 {
		t.Fatalf("nudged %d times after writing", n)
	}
	h.say(t, owner, "Nobody called me.")
	h.tick(t, 4*time.Hour+time.Minute)
	if n := nudges(); n != 2 {
		t.Fatalf("nudged %d times after the owner wrote again, want 2", n)
	}
}

// The clocks stop outside support hours: a case filed on Friday evening is reminded on
// Monday morning. The test clock starts at the real time and moves to the next Friday.
func TestRemindersFollowSupportHours(t *testing.T) {
	hours, err := bot.ParseHours("Mon-Fri 09:00-18:00 UTC")
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, redistest.New(t), withClocks, func(c *bot.Config) { c.SupportHours = hours })
	now := h.clock.Now().UTC()
	friday := time.Date(now.Year(), now.Month(), now.Day(), 17, 50, 0, 0, time.UTC)
	for friday.Weekday() != time.Friday || !friday.After(now) {
		friday = friday.AddDate(0, 0, 1)
	}
	h.clock.Set(friday)
	id := h.intake(t, "web:ann", true, nil)
	card, _ := h.msgr.card(id)
	monday := friday.AddDate(0, 0, 3)
	if want := monday.Add(-8*time.Hour - 30*time.Minute); !card.Due.Equal(want) { // Monday 09:20
		t.Fatalf("deadline %s, want %s", card.Due, want)
	}
	h.tick(t, 24*time.Hour) // Saturday
	h.tick(t, 24*time.Hour) // Sunday
	if n := len(h.reminders(id)); n != 0 {
		t.Fatalf("%d reminders over the weekend", n)
	}
	h.clock.Set(monday.Add(-8*time.Hour - 29*time.Minute))
	h.tick(t, 0)
	if n := len(h.reminders(id)); n != 1 {
		t.Fatalf("%d reminders on Monday 09:21, want 1", n)
	}
}

// The stats measure times to claim, to first reply and to resolve, breaches, escalations and
// ratings over the cases of the last 30 days.
func TestStatsFigures(t *testing.T) {
	h := newHarness(t, redistest.New(t), withClocks, withVerdicts)
	ctx := context.Background()
	dana := bot.Actor{ID: "web:dana", Name: "Dana"}
	mod := bot.Actor{ID: "web:mod", Name: "Mo"}

	fast := h.intake(t, "web:ann", true, nil)
	h.tick(t, 10*time.Minute)
	h.svc.Claim(ctx, dana, fast)
	h.tick(t, 10*time.Minute)
	h.svc.Reply(ctx, dana, fast, "On it.")
	h.tick(t, 40*time.Minute)
	h.svc.Resolve(ctx, dana, fast, "Fixed.")
	yes := h.lastButtons("web:ann")[0]
	rate := h.press(t, "web:ann", yes.Action, yes.Value)
	h.press(t, "web:ann", rate[0].Buttons[4].Action, rate[0].Buttons[4].Value)

	slow := h.intake(t, "web:bob", true, nil)
	h.tick(t, 3*time.Hour) // reminded, escalated
	h.svc.Claim(ctx, dana, slow)

	got, err := h.svc.Command(ctx, mod, "/escalations stats")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"2 cases", "to claim median 10 min, p90 3 h", "to first reply median 20 min", "to resolve median 1 h", "SLA breaches 1", "escalations 1", "rating 5.0 of 5 (1)"} {
		if !strings.Contains(got, want) {
			t.Errorf("stats lack %q:\n%s", want, got)
		}
	}
}
