package bot_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"escalation-bot/bot"
	"escalation-bot/conversation"
	"escalation-bot/xtest/redistest"
)

// An ordinary intake turn costs two Redis round trips: load (session and gates) and save (CAS).
func TestIntakeTurnRoundTrips(t *testing.T) {
	rds := redistest.New(t)
	h := newHarness(t, rds)
	owner := bot.Identity("web:counted")
	h.say(t, owner, "hello")
	h.press(t, owner, conversation.ActionChoose, "understood")
	for _, step := range []string{"ticket", "model", "year", "vin", "odometer", "location"} {
		rds.Reset()
		h.dialogue.appends.Store(0)
		h.say(t, owner, answers[step])
		// Keeping the dialogue is one script call (EVALSHA) after the turn: one round trip.
		kept := h.dialogue.appends.Load()
		if kept != 1 {
			t.Fatalf("answering %s appended to the dialogue %d times, want once", step, kept)
		}
		if got := rds.RoundTrips() - kept; got != 2 {
			t.Fatalf("answering %s took %d Redis round trips besides the dialogue, want 2", step, got)
		}
	}
}

// BenchmarkIntakeTurn runs ordinary intake turns over real Redis: owners walk the default flow
// up to the review card, one turn per iteration.
func BenchmarkIntakeTurn(b *testing.B) {
	rds := redistest.New(b)
	h := newHarness(b, rds)
	ctx := context.Background()
	script := []bot.OwnerEvent{{Text: "hello"}, {Action: conversation.ActionChoose, Value: "understood"}}
	for _, step := range []string{"ticket", "model", "year", "vin", "odometer", "location", "category", "safe", "description", "started", "outcome"} {
		script = append(script, bot.OwnerEvent{Text: answers[step]})
	}
	rds.Reset()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		ev := script[i%len(script)]
		ev.Owner = bot.Identity(fmt.Sprintf("web:bench%d", i/len(script)))
		if _, err := h.svc.HandleOwner(ctx, ev); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(rds.RoundTrips())/float64(b.N), "roundtrips/turn")
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "turns/s")
}

// BenchmarkIdleSessionMemory reports what one idle session at the review card costs in Redis.
func BenchmarkIdleSessionMemory(b *testing.B) {
	rds := redistest.New(b)
	h := newHarness(b, rds)
	owner := bot.Identity("web:idle")
	h.intake(b, owner, false, nil)
	key := fmt.Sprintf("esc:{%s}:conv:%s", rds.Tenant, owner)
	var bytes int64
	for b.Loop() {
		n, err := rds.Client.MemoryUsage(context.Background(), key).Result()
		if err != nil {
			b.Fatal(err)
		}
		bytes = n
	}
	b.ReportMetric(float64(bytes), "bytes/session")
}

// BenchmarkClaimContention has every goroutine claim the same fresh case; one wins each round.
func BenchmarkClaimContention(b *testing.B) {
	rds := redistest.New(b)
	h := newHarness(b, rds)
	ctx := context.Background()
	const rounds = 64
	ids := make([]string, rounds)
	for i := range ids {
		c, err := h.cases.Create(ctx, bot.Case{Status: bot.StatusOpen, Owner: bot.Identity(fmt.Sprintf("web:o%d", i)), Summary: bot.Summary{Title: "x"}})
		if err != nil {
			b.Fatal(err)
		}
		ids[i] = c.ID
	}
	var n, wins atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			exec := bot.Actor{ID: bot.Identity(fmt.Sprintf("web:e%d", i)), Name: "E"}
			if _, err := h.svc.Claim(ctx, exec, ids[i%rounds]); err == nil {
				wins.Add(1)
			} else if bot.ErrorCode(err) != bot.CodeConflict {
				b.Fatal(err)
			}
		}
	})
	if wins.Load() > rounds {
		b.Fatalf("%d wins over %d cases", wins.Load(), rounds)
	}
}
