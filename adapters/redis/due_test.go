package redis_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"escalation-bot/adapters/redis"
	"escalation-bot/bot"
	"escalation-bot/xtest/redistest"
)

func TestDueQueue(t *testing.T) {
	eachBackend(t, func(t *testing.T, r *redistest.Redis) {
		ctx := context.Background()
		q := redis.NewDueQueue(r.Client, redis.Config{Tenant: r.Tenant})
		now := time.Now().Truncate(time.Millisecond)
		for i, at := range []time.Duration{-time.Minute, -time.Second, time.Hour} {
			it := bot.DueItem{Kind: bot.DuePostCard, CaseID: fmt.Sprintf("ESC-%d", 1001+i), At: now.Add(at)}
			if err := q.Schedule(ctx, it); err != nil {
				t.Fatal(err)
			}
			if err := q.Schedule(ctx, it); err != nil { // twice: kept once
				t.Fatal(err)
			}
		}
		got, err := q.TakeDue(ctx, now, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].CaseID != "ESC-1001" || got[1].CaseID != "ESC-1002" {
			t.Fatalf("due now = %+v, want ESC-1001 and ESC-1002 in due order", got)
		}
		if again, _ := q.TakeDue(ctx, now, 10); len(again) != 0 {
			t.Fatalf("taken twice: %+v", again)
		}
		if later, _ := q.TakeDue(ctx, now.Add(2*time.Hour), 10); len(later) != 1 || later[0].CaseID != "ESC-1003" {
			t.Fatalf("due later = %+v", later)
		}
	})
}

// Two replicas polling at once never take the same item.
func TestDueQueueOneTakerPerItem(t *testing.T) {
	r := redistest.New(t)
	ctx := context.Background()
	q := redis.NewDueQueue(r.Client, redis.Config{Tenant: r.Tenant})
	const n = 200
	for i := range n {
		if err := q.Schedule(ctx, bot.DueItem{Kind: bot.DuePostCard, CaseID: fmt.Sprintf("ESC-%d", i), At: time.Now().Add(-time.Second)}); err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	seen := map[string]int{}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for {
				items, err := q.TakeDue(ctx, time.Now(), 7)
				if err != nil {
					t.Error(err)
					return
				}
				if len(items) == 0 {
					return
				}
				mu.Lock()
				for _, it := range items {
					seen[it.CaseID]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(seen) != n {
		t.Fatalf("%d items taken, want %d", len(seen), n)
	}
	for id, c := range seen {
		if c != 1 {
			t.Fatalf("%s taken %d times", id, c)
		}
	}
}
