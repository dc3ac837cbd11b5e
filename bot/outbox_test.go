package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"escalation-bot/bot"
	"escalation-bot/xtest/redistest"
)

// dueItems lists the due queue's members of one kind, as stored.
func (h *harness) dueItems(t testing.TB, kind string) []string {
	t.Helper()
	members, err := h.rds.Client.ZRange(context.Background(), "esc:{"+h.rds.Tenant+"}:due", 0, -1).Result()
	if err != nil {
		t.Fatalf("read due queue: %v", err)
	}
	var out []string
	for _, m := range members {
		if strings.Contains(m, `"kind":"`+kind+`"`) {
			out = append(out, m)
		}
	}
	return out
}

// settle runs what the due queue holds after a submission (the card post check), so a test
// counts only what it queues itself.
func (h *harness) settle(t testing.TB) {
	t.Helper()
	h.clock.Advance(time.Minute)
	if _, err := h.svc.RunDue(context.Background()); err != nil {
		t.Fatalf("RunDue: %v", err)
	}
}

func count(replies string, substr string) int { return strings.Count(replies, substr) }

// A change its process delivered leaves nothing in the outbox; one the platform refused is
// delivered by the due queue, on another instance, once, and then nothing is left either.
func TestOutboxDeliversWhatThePlatformRefused(t *testing.T) {
	rds := redistest.New(t)
	first := newHarness(t, rds)
	ctx := context.Background()
	owner := bot.Identity("web:ann")
	id := first.intake(t, owner, true, nil)
	first.settle(t)
	dana := bot.Actor{ID: "web:dana", Name: "Dana"}

	if _, err := first.svc.Claim(ctx, dana, id); err != nil {
		t.Fatalf("claim: %v", err)
	}
	if items := first.dueItems(t, bot.DueDeliver); len(items) != 0 {
		t.Fatalf("a delivered change left outbox items: %v", items)
	}
	if n := count(texts(first.msgr.toOwner(owner)), "Dana, is now looking at your case"); n != 1 {
		t.Fatalf("owner told of the claim %d times", n)
	}

	// The platform is down while Dana writes and resolves.
	first.msgr.setMute(true)
	if _, err := first.svc.Reply(ctx, dana, id, "I have called the workshop."); err != nil {
		t.Fatalf("reply: %v", err)
	}
	first.clock.Advance(time.Second)
	if _, err := first.svc.Resolve(ctx, dana, id, "Car repaired."); err != nil {
		t.Fatalf("resolve: %v", err)
	}
	if items := first.dueItems(t, bot.DueDeliver); len(items) != 2 {
		t.Fatalf("outbox holds %d items, want 2 (reply, resolve): %v", len(items), items)
	}
	got := texts(first.msgr.toOwner(owner))
	if strings.Contains(got, "workshop") || strings.Contains(got, "resolved") {
		t.Fatalf("delivered while the platform was down:\n%s", got)
	}

	// Another instance, with the platform back, delivers once the items fall due.
	second := newHarness(t, rds)
	second.clock.Set(first.clock.Now())
	if n, _ := second.svc.RunDue(ctx); n != 0 {
		t.Fatalf("%d items run before they were due", n)
	}
	second.clock.Advance(time.Minute)
	if n, err := second.svc.RunDue(ctx); err != nil || n != 2 {
		t.Fatalf("RunDue = %d, %v; want 2", n, err)
	}
	got = texts(second.msgr.toOwner(owner))
	if count(got, "I have called the workshop.") != 1 || count(got, "has been resolved by Dana") != 1 {
		t.Fatalf("owner after the due queue ran:\n%s", got)
	}
	lines := second.msgr.thread(id)
	if len(lines) != 2 || lines[0].Role != "executive" || !strings.Contains(lines[1].Text, "resolved the case: Car repaired.") {
		t.Fatalf("thread after the due queue ran: %+v", lines)
	}
	// The cards were updated by the first instance, which the platform let through; the
	// second does not touch them again.
	if card, _ := first.msgr.card(id); card.Status != bot.StatusResolved {
		t.Fatalf("card shows %s, want resolved", card.Status)
	}
	if second.msgr.updates != 0 {
		t.Fatalf("cards updated again by the due queue: %d", second.msgr.updates)
	}
	second.clock.Advance(time.Hour)
	if n, _ := second.svc.RunDue(ctx); n != 0 {
		t.Fatalf("%d items left after delivery", n)
	}
	if second.msgr.doubles != 0 {
		t.Fatalf("%d messages sent twice", second.msgr.doubles)
	}
}

// A delivery that failed half-way notes what went out: the retry sends only the rest, so the
// owner does not read the news twice even on a platform that cannot deduplicate.
func TestOutboxRetriesOnlyWhatFailed(t *testing.T) {
	rds := redistest.New(t)
	h := newHarness(t, rds)
	ctx := context.Background()
	owner := bot.Identity("web:ann")
	id := h.intake(t, owner, true, nil)
	h.settle(t)
	dana := bot.Actor{ID: "web:dana", Name: "Dana"}
	if _, err := h.svc.Claim(ctx, dana, id); err != nil {
		t.Fatalf("claim: %v", err)
	}
	// The DM goes out, the thread line does not.
	h.msgr.failThread(true)
	if _, err := h.svc.Reply(ctx, dana, id, "Tomorrow at nine."); err != nil {
		t.Fatalf("reply: %v", err)
	}
	items := h.dueItems(t, bot.DueDeliver)
	if len(items) != 1 || !strings.Contains(items[0], `"sent":["dm:web:ann"]`) {
		t.Fatalf("outbox after a half delivery: %v", items)
	}
	h.msgr.failThread(false)
	h.msgr.forget() // a platform that cannot tell it has the DM already
	h.clock.Advance(time.Minute)
	if n, err := h.svc.RunDue(ctx); err != nil || n != 1 {
		t.Fatalf("RunDue = %d, %v", n, err)
	}
	if n := count(texts(h.msgr.toOwner(owner)), "Tomorrow at nine."); n != 1 {
		t.Fatalf("owner got the reply %d times", n)
	}
	if lines := h.msgr.thread(id); len(lines) != 2 || lines[1].Text != "Tomorrow at nine." {
		t.Fatalf("thread: %+v", lines)
	}
}

// A change whose process stopped right after storing it (nothing delivered, the outbox item
// left) is delivered after the grace period; a delivery the platform has already (the
// process died after sending, before removing the item) is found and not repeated.
func TestOutboxAfterACrash(t *testing.T) {
	rds := redistest.New(t)
	h := newHarness(t, rds)
	ctx := context.Background()
	owner := bot.Identity("web:ann")
	id := h.intake(t, owner, true, nil)
	h.settle(t)

	// What the service does, stopped before delivering: the store keeps the change and its
	// outbox item together.
	item := &bot.DueItem{Kind: bot.DueDeliver, CaseID: id, Ref: "crash1", At: h.clock.Now().Add(15 * time.Second)}
	_, err := h.cases.Transition(ctx, id, bot.Transition{
		From: []bot.Status{bot.StatusOpen}, To: bot.StatusClaimed, Action: "claim",
		Actor: "web:dana", Name: "Dana", At: h.clock.Now(), FollowUp: item,
	})
	if err != nil {
		t.Fatalf("transition: %v", err)
	}
	entries, _ := h.cases.Audit(ctx, id)
	if last := entries[len(entries)-1]; last.Ref != "crash1" || last.Action != "claim" {
		t.Fatalf("audit entry does not name its outbox item: %+v", last)
	}
	h.clock.Advance(20 * time.Second)
	if n, err := h.svc.RunDue(ctx); err != nil || n != 1 {
		t.Fatalf("RunDue = %d, %v", n, err)
	}
	if n := count(texts(h.msgr.toOwner(owner)), "Dana, is now looking at your case"); n != 1 {
		t.Fatalf("owner told %d times", n)
	}
	if card, _ := h.msgr.card(id); card.Status != bot.StatusClaimed {
		t.Fatalf("card shows %s", card.Status)
	}

	// The same change delivered again (the first delivery's process died before Done).
	if err := h.params.Due.Schedule(ctx, *item); err != nil {
		t.Fatal(err)
	}
	h.clock.Advance(time.Minute)
	if n, err := h.svc.RunDue(ctx); err != nil || n != 1 {
		t.Fatalf("RunDue again = %d, %v", n, err)
	}
	if n := count(texts(h.msgr.toOwner(owner)), "Dana, is now looking at your case"); n != 1 {
		t.Fatalf("owner told %d times after a repeated delivery", n)
	}
	if h.msgr.doubles == 0 {
		t.Fatal("the repeated delivery was not keyed as the first: the platform could not drop it")
	}
}

// A platform that refuses a message for good (the owner left) is given up on after a bounded
// number of attempts, so the queue does not carry it forever.
func TestOutboxGivesUp(t *testing.T) {
	rds := redistest.New(t)
	h := newHarness(t, rds)
	ctx := context.Background()
	id := h.intake(t, "web:ann", true, nil)
	h.settle(t)
	h.msgr.setMute(true)
	if _, err := h.svc.Claim(ctx, bot.Actor{ID: "web:dana", Name: "Dana"}, id); err != nil {
		t.Fatalf("claim: %v", err)
	}
	runs := 0
	for range 400 {
		h.clock.Advance(maxBackoff)
		n, err := h.svc.RunDue(ctx)
		if err != nil {
			t.Fatal(err)
		}
		runs += n
		if len(h.dueItems(t, bot.DueDeliver)) == 0 {
			break
		}
	}
	if left := h.dueItems(t, bot.DueDeliver); len(left) != 0 {
		t.Fatalf("still queued after %d runs: %v", runs, left)
	}
	if runs < 100 {
		t.Fatalf("gave up after %d attempts, too soon", runs)
	}
}

// A case's news is told in the order it happened: a change made while an earlier one is still
// untold (its process died right after storing it) waits for it, and the owner reads the claim
// before the resolution.
func TestOutboxKeepsACasesOrder(t *testing.T) {
	h := newHarness(t, redistest.New(t))
	ctx := context.Background()
	owner := bot.Identity("web:ann")
	id := h.intake(t, owner, true, nil)
	h.settle(t)

	// The claim is stored by a process that dies before telling anyone.
	claim := &bot.DueItem{Kind: bot.DueDeliver, CaseID: id, Ref: "died", At: h.clock.Now().Add(15 * time.Second)}
	if _, err := h.cases.Transition(ctx, id, bot.Transition{
		From: []bot.Status{bot.StatusOpen}, To: bot.StatusClaimed, Action: "claim",
		Actor: "web:dana", Name: "Dana", At: h.clock.Now(), FollowUp: claim,
	}); err != nil {
		t.Fatal(err)
	}
	// A live process resolves it: its news waits for the claim's.
	if _, err := h.svc.Resolve(ctx, bot.Actor{ID: "web:dana", Name: "Dana"}, id, "Fixed."); err != nil {
		t.Fatal(err)
	}
	if got := texts(h.msgr.toOwner(owner)); strings.Contains(got, "resolved") {
		t.Fatalf("the resolution was told before the claim:\n%s", got)
	}
	h.tick(t, 20*time.Second)
	h.tick(t, 2*time.Second)
	got := texts(h.msgr.toOwner(owner))
	claimed, resolved := strings.Index(got, "is now looking at your case"), strings.Index(got, "has been resolved")
	if claimed < 0 || resolved < 0 || resolved < claimed {
		t.Fatalf("owner read (claim at %d, resolution at %d):\n%s", claimed, resolved, got)
	}
	lines := h.msgr.thread(id)
	if len(lines) != 2 || !strings.Contains(lines[0].Text, "claimed") || !strings.Contains(lines[1].Text, "resolved") {
		t.Fatalf("thread: %+v", lines)
	}
	if left, _ := h.cases.Undelivered(ctx, id); len(left) != 0 {
		t.Fatalf("undelivered after the due queue ran: %v", left)
	}
}
