package redis_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"escalation-bot/adapters/redis"
	"escalation-bot/bot"
	"escalation-bot/inbox"
	"escalation-bot/xtest/redistest"
)

// One intake turn's storage: load with every gate, change, save with CAS.
func BenchmarkSessionLoadSave(b *testing.B) {
	r := redistest.New(b)
	s := newStores(r, redis.Config{})
	ctx := context.Background()
	turn, _ := s.sessions.Load(ctx, owner, "warm-up")
	if err := s.sessions.Save(ctx, turn.Session, "warm-up", time.Hour, bot.Record{}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	r.Reset()
	i := 0
	for b.Loop() {
		event := "ev-" + fmt.Sprint(i)
		i++
		turn, err := s.sessions.Load(ctx, owner, event)
		if err != nil {
			b.Fatal(err)
		}
		sess := turn.Session
		sess.Turns++
		sess.Step = event
		if err := s.sessions.Save(ctx, sess, event, time.Hour, bot.Record{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(r.RoundTrips())/float64(b.N), "roundtrips/op")
}

// Executives claiming at once: every case gets claimsPerCase concurrent claims, one wins.
func BenchmarkClaimContention(b *testing.B) {
	const claimsPerCase = 8
	r := redistest.New(b)
	s := newStores(r, redis.Config{})
	ctx := context.Background()
	ids := make([]string, b.N/claimsPerCase+1)
	for i := range ids {
		c, err := s.cases.Create(ctx, newCase(bot.Identity(fmt.Sprintf("web:o%d", i)), "", t0))
		if err != nil {
			b.Fatal(err)
		}
		ids[i] = c.ID
	}
	var next, wins atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			n := next.Add(1) - 1
			tr := claim
			tr.Actor = bot.Identity(fmt.Sprintf("slack:T1:E%d", n%claimsPerCase))
			_, err := s.cases.Transition(ctx, ids[n/claimsPerCase], tr)
			switch {
			case err == nil:
				wins.Add(1)
			case !errors.Is(err, bot.ErrWrongStatus):
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	if got, want := wins.Load(), int64((b.N+claimsPerCase-1)/claimsPerCase); got != want {
		b.Errorf("%d claims won on %d contended cases", got, want)
	}
}

// Many requests storing their events at once, as under a burst of owners: the round trips
// per event show how many go to Redis together.
func BenchmarkInboxPutsAtOnce(b *testing.B) {
	r := redistest.New(b)
	store := redis.NewInbox(r.Client, redis.Config{Tenant: r.Tenant})
	ctx := context.Background()
	var n atomic.Int64
	b.SetParallelism(64) // goroutines per GOMAXPROCS: requests waiting on their own puts
	b.ReportAllocs()
	r.Reset()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			it := inbox.Item{ID: fmt.Sprintf("ev-%d", i), Lane: fmt.Sprintf("owner-%d", i%1000), Kind: "msg", Payload: []byte("{}")}
			if err := store.Put(ctx, it); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.ReportMetric(float64(r.RoundTrips())/float64(b.N), "roundtrips/op")
}
