package bot_test

import (
	"context"
	"testing"
	"time"

	"escalation-bot/bot"
	"escalation-bot/xtest/redistest"
)

// A card the platform refuses is posted later, by whichever instance runs then: the case is
// never lost, not even across a restart.
func TestCardPostRetriedAcrossRestart(t *testing.T) {
	rds := redistest.New(t)
	first := newHarness(t, rds)
	first.msgr.setFailing(true)
	id := first.intake(t, "web:owner", true, nil)
	if _, ok := first.msgr.card(id); ok {
		t.Fatal("card posted while the platform was down")
	}
	ctx := context.Background()

	// The process restarts; the platform is back.
	second := newHarness(t, rds)
	second.clock.Set(first.clock.Now())
	if n, err := second.svc.RunDue(ctx); err != nil || n != 0 {
		t.Fatalf("nothing is due yet: %d %v", n, err)
	}
	second.clock.Advance(2 * time.Minute)
	second.msgr.setFailing(true)
	if n, err := second.svc.RunDue(ctx); err != nil || n != 1 {
		t.Fatalf("due after a minute: %d %v", n, err)
	}
	// Still down: retried with backoff.
	second.msgr.setFailing(false)
	if n, _ := second.svc.RunDue(ctx); n != 0 {
		t.Fatalf("retried without waiting: %d", n)
	}
	second.clock.Advance(maxBackoff)
	if n, err := second.svc.RunDue(ctx); err != nil || n != 1 {
		t.Fatalf("retry: %d %v", n, err)
	}
	card, ok := second.msgr.card(id)
	if !ok || card.ID != id || card.Status != bot.StatusOpen {
		t.Fatalf("card after recovery: %+v %v", card, ok)
	}
	c, _ := second.cases.Get(ctx, id)
	if len(c.Posts) != 1 {
		t.Fatalf("posts = %+v", c.Posts)
	}
	// Nothing more is due, and running again posts nothing twice.
	second.clock.Advance(time.Hour)
	second.svc.RunDue(ctx)
	if second.msgr.posts != 1 {
		t.Fatalf("card posted %d times", second.msgr.posts)
	}
}

const maxBackoff = 10 * time.Minute
