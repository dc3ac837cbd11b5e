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

// An ordinary intake turn costs one Redis round trip when it runs on the session this process
// saved last (the save reads the gates and checks the guess), two otherwise: load (session and
// gates) and save (CAS, with the turn's lines for the owner's dialogue). Either way it keeps
// owner and bot lines. A guess that misses costs no round trip more: its save hands back what a
// load would have read; and the process stops guessing that owner's session.
func TestIntakeTurnRoundTrips(t *testing.T) {
	rds := redistest.New(t)
	h := newHarness(t, rds)
	// other is another replica over the same Redis: it saves sessions h did not.
	other := newHarness(t, rds)
	owner := bot.Identity("web:counted")
	h.say(t, owner, "hello")
	h.press(t, owner, conversation.ActionChoose, "understood")
	ctx := context.Background()
	var ev bot.OwnerEvent
	for _, tc := range []struct {
		step string
		by   *harness
		want int64
	}{
		{"ticket", h, 1},       // h saved the session last
		{"model", h, 1},        // and again
		{"year", other, 2},     // other has no guess: load and save
		{"vin", h, 2},          // h's guess is stale: its save reads instead, then h saves
		{"odometer", h, 2},     // h guesses this owner no more
		{"location", other, 2}, // other's guess (its year) is stale too
	} {
		before := len(h.dialogueOf(t, owner))
		rds.Reset()
		h.dialogue.appends.Store(0)
		other.dialogue.appends.Store(0)
		ev = bot.OwnerEvent{ID: "ev-" + tc.step, Owner: owner, Text: answers[tc.step]}
		replies, err := tc.by.svc.HandleOwner(ctx, ev)
		if err != nil {
			t.Fatal(err)
		}
		if got := rds.RoundTrips(); got != tc.want {
			t.Fatalf("answering %s took %d Redis round trips, want %d", tc.step, got, tc.want)
		}
		if n := h.dialogue.appends.Load() + other.dialogue.appends.Load(); n != 0 {
			t.Fatalf("answering %s appended to the dialogue %d times apart from the save", tc.step, n)
		}
		lines := h.dialogueOf(t, owner)[before:]
		if len(lines) < 2 || lines[0].Role != bot.RoleOwner || lines[0].Text != answers[tc.step] || lines[1].Role != bot.RoleBot {
			t.Fatalf("answering %s kept %+v, want the answer and the bot's reply", tc.step, lines)
		}
		if len(lines) != 1+len(replies) {
			t.Fatalf("answering %s kept %d lines for %d replies", tc.step, len(lines), len(replies))
		}
	}
	// A replay without an answer keeps nothing.
	before := len(h.dialogueOf(t, owner))
	if replies, err := h.svc.HandleOwner(ctx, ev); err != nil || len(replies) != 0 {
		t.Fatalf("replay answered %v, %v", replies, err)
	}
	if after := len(h.dialogueOf(t, owner)); after != before {
		t.Fatalf("replay kept %d lines", after-before)
	}
}

// intakeTurns are the ordinary turns of an owner walking the default flow up to the review
// card, for owners web:<prefix>0, web:<prefix>1, …: turn i is owner i/len(script)'s.
type intakeTurns struct {
	script []bot.OwnerEvent
	owners []bot.Identity
}

func newIntakeTurns(prefix string, owners int) intakeTurns {
	t := intakeTurns{script: []bot.OwnerEvent{{Text: "hello"}, {Action: conversation.ActionChoose, Value: "understood"}}}
	for _, step := range []string{"ticket", "model", "year", "vin", "odometer", "location", "category", "safe", "description", "started", "outcome"} {
		t.script = append(t.script, bot.OwnerEvent{Text: answers[step]})
	}
	for i := range owners {
		t.owners = append(t.owners, bot.Identity(fmt.Sprintf("web:%s%d", prefix, i)))
	}
	return t
}

func (t intakeTurns) turn(i int) bot.OwnerEvent {
	ev := t.script[i%len(t.script)]
	ev.Owner = t.owners[i/len(t.script)]
	return ev
}

// maxTurnAllocs bounds the allocations of an ordinary intake turn, the bot and its Redis store
// together: 182 before the store wrote and read sessions without encoding/json and the
// dialogue's lines were saved with the session, 88 before the turn's two scripts were sent
// without go-redis boxing their name, hash and keys again and typed words were compared without
// rejoining them.
const maxTurnAllocs = 70

func TestIntakeTurnAllocations(t *testing.T) {
	if raceDetector {
		t.Skip("allocations are counted without the race detector")
	}
	rds := redistest.New(t)
	h := newHarness(t, rds)
	ctx := context.Background()
	const rounds = 4
	turns := newIntakeTurns("allocs", rounds+2)
	// One owner's whole intake first, so that what is made once and kept (the extractor's
	// expressions for the names a text may hold) is not counted in the turns.
	i := 0
	for ; i < len(turns.script); i++ {
		if _, err := h.svc.HandleOwner(ctx, turns.turn(i)); err != nil {
			t.Fatal(err)
		}
	}
	allocs := testing.AllocsPerRun(rounds*len(turns.script), func() {
		if _, err := h.svc.HandleOwner(ctx, turns.turn(i)); err != nil {
			t.Fatal(err)
		}
		i++
	})
	t.Logf("%.1f allocations per intake turn", allocs)
	if allocs > maxTurnAllocs {
		t.Errorf("an intake turn made %.1f allocations, want at most %d", allocs, maxTurnAllocs)
	}
}

// BenchmarkIntakeTurn runs ordinary intake turns over real Redis: owners walk the default flow
// up to the review card, one turn per iteration.
func BenchmarkIntakeTurn(b *testing.B) {
	rds := redistest.New(b)
	h := newHarness(b, rds)
	ctx := context.Background()
	turns := newIntakeTurns("bench", 1)
	rds.Reset()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if i/len(turns.script) >= len(turns.owners) {
			b.StopTimer()
			turns.owners = append(turns.owners, bot.Identity(fmt.Sprintf("web:bench%d", len(turns.owners))))
			b.StartTimer()
		}
		if _, err := h.svc.HandleOwner(ctx, turns.turn(i)); err != nil {
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
