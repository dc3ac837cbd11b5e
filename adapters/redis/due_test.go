package redis_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"escalation-bot/adapters/redis"
	"escalation-bot/bot"
	"escalation-bot/xtest/redistest"
)

const lease = time.Minute

func dueItem(caseID string, at time.Time) bot.DueItem {
	return bot.DueItem{Kind: bot.DuePostCard, CaseID: caseID, Owner: owner, At: at}
}

func caseIDs(items []bot.DueItem) []string {
	ids := []string{}
	for _, it := range items {
		ids = append(ids, it.CaseID)
	}
	return ids
}

func TestDueQueue(t *testing.T) {
	eachBackend(t, func(t *testing.T, r *redistest.Redis) {
		ctx := context.Background()
		q := redis.NewDueQueue(r.Client, redis.Config{Tenant: r.Tenant})
		now := time.Now().Truncate(time.Millisecond)
		for i, at := range []time.Duration{-time.Minute, -time.Second, time.Hour} {
			it := dueItem(fmt.Sprintf("ESC-%d", 1001+i), now.Add(at))
			if err := q.Schedule(ctx, it); err != nil {
				t.Fatal(err)
			}
			if err := q.Schedule(ctx, it); err != nil { // twice: kept once
				t.Fatal(err)
			}
		}
		got, err := q.TakeDue(ctx, now, lease, 10)
		if err != nil {
			t.Fatal(err)
		}
		if ids := caseIDs(got); fmt.Sprint(ids) != "[ESC-1001 ESC-1002]" {
			t.Fatalf("due now = %v, want ESC-1001 and ESC-1002 in due order", ids)
		}
		if !got[0].At.Equal(now.Add(-time.Minute)) || got[0].Owner != owner || got[0].Kind != bot.DuePostCard {
			t.Errorf("taken item = %+v, want it as scheduled, due at %s", got[0], now.Add(-time.Minute))
		}
		if n, _ := r.Client.ZCard(ctx, redis.NewKeys(r.Tenant).Due()).Result(); n != 3 {
			t.Errorf("%d items queued, want 3: taking leases, it does not remove", n)
		}
		if again, _ := q.TakeDue(ctx, now.Add(lease-time.Millisecond), lease, 10); len(again) != 0 {
			t.Fatalf("taken again within the lease: %+v", again)
		}
		if later, _ := q.TakeDue(ctx, now.Add(2*time.Hour), lease, 10); fmt.Sprint(caseIDs(later)) != "[ESC-1001 ESC-1002 ESC-1003]" {
			t.Fatalf("due later = %v, want all three: leases ended", caseIDs(later))
		}
	})
}

// Done, Reschedule and the lease, step by step.
func TestDueQueueLease(t *testing.T) {
	now := time.Now().Truncate(time.Millisecond)
	a, b := dueItem("ESC-1001", now.Add(-time.Second)), dueItem("ESC-1002", now.Add(-time.Second))
	retry := a
	retry.Attempt, retry.At = 1, now.Add(10*time.Minute)
	tests := []struct {
		name   string
		handle func(ctx context.Context, q *redis.DueQueue) error // after both are taken at now
		at     time.Time                                          // when to take again
		want   []string
		queued int64
	}{
		{"handler died: back after the lease", nil, now.Add(lease), []string{"ESC-1001", "ESC-1002"}, 2},
		{"still leased", nil, now.Add(lease - time.Millisecond), []string{}, 2},
		{"done: gone", func(ctx context.Context, q *redis.DueQueue) error { return q.Done(ctx, a) }, now.Add(time.Hour), []string{"ESC-1002"}, 1},
		{"rescheduled: not due before the new time", func(ctx context.Context, q *redis.DueQueue) error {
			return q.Reschedule(ctx, a, retry)
		}, now.Add(lease), []string{"ESC-1002"}, 2},
		{"rescheduled: replaced", func(ctx context.Context, q *redis.DueQueue) error {
			return q.Reschedule(ctx, a, retry)
		}, now.Add(time.Hour), []string{"ESC-1002", "ESC-1001"}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eachBackend(t, func(t *testing.T, r *redistest.Redis) {
				ctx := context.Background()
				q := redis.NewDueQueue(r.Client, redis.Config{Tenant: r.Tenant})
				for _, it := range []bot.DueItem{a, b} {
					if err := q.Schedule(ctx, it); err != nil {
						t.Fatal(err)
					}
				}
				if got, err := q.TakeDue(ctx, now, lease, 10); err != nil || len(got) != 2 {
					t.Fatalf("take = %v, %v", caseIDs(got), err)
				}
				if tt.handle != nil {
					if err := tt.handle(ctx, q); err != nil {
						t.Fatal(err)
					}
				}
				got, err := q.TakeDue(ctx, tt.at, lease, 10)
				if err != nil {
					t.Fatal(err)
				}
				if fmt.Sprint(caseIDs(got)) != fmt.Sprint(tt.want) {
					t.Errorf("taken = %v, want %v", caseIDs(got), tt.want)
				}
				if n, _ := r.Client.ZCard(ctx, redis.NewKeys(r.Tenant).Due()).Result(); n != tt.queued {
					t.Errorf("%d items queued, want %d", n, tt.queued)
				}
				for _, it := range got {
					if it.CaseID == "ESC-1001" && tt.handle != nil && (it.Attempt != 1 || !it.At.Equal(retry.At)) {
						t.Errorf("rescheduled item = %+v, want attempt 1 due at %s", it, retry.At)
					}
				}
			})
		})
	}
}

func TestDueQueueBadArguments(t *testing.T) {
	r := redistest.NewMini(t)
	q := redis.NewDueQueue(r.Client, redis.Config{Tenant: r.Tenant})
	ctx := context.Background()
	if err := q.Schedule(ctx, dueItem("ESC-1001", time.Now().Add(-time.Second))); err != nil {
		t.Fatal(err)
	}
	if _, err := q.TakeDue(ctx, time.Now(), 0, 10); err == nil {
		t.Error("TakeDue without a lease: no error")
	}
	if got, err := q.TakeDue(ctx, time.Now(), lease, 0); err != nil || len(got) != 0 {
		t.Errorf("TakeDue of 0 items = %v, %v", got, err)
	}
	// Neither took the item.
	if got, _ := q.TakeDue(ctx, time.Now(), lease, 10); len(got) != 1 {
		t.Errorf("item not due after refused takes: %v", got)
	}
}

// Members written before the lease existed carry their due time and are rewritten when
// taken, so Done finds them; members that do not decode are dropped.
func TestDueQueueOldMembers(t *testing.T) {
	eachBackend(t, func(t *testing.T, r *redistest.Redis) {
		ctx := context.Background()
		q := redis.NewDueQueue(r.Client, redis.Config{Tenant: r.Tenant})
		key := redis.NewKeys(r.Tenant).Due()
		now := time.Now().Truncate(time.Millisecond)
		old := `{"kind":"post_card","case":"ESC-1001","at":"2026-01-01T10:00:00Z","attempt":2}`
		due := float64(now.Add(-time.Second).UnixMilli())
		if err := r.Client.ZAdd(ctx, key, goredis.Z{Score: due, Member: old}, goredis.Z{Score: due, Member: "not json"}).Err(); err != nil {
			t.Fatal(err)
		}
		got, err := q.TakeDue(ctx, now, lease, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].CaseID != "ESC-1001" || got[0].Attempt != 2 {
			t.Fatalf("taken = %+v, want the old ESC-1001 item", got)
		}
		if err := q.Done(ctx, got[0]); err != nil {
			t.Fatal(err)
		}
		if n, _ := r.Client.ZCard(ctx, key).Result(); n != 0 {
			members, _ := r.Client.ZRange(ctx, key, 0, -1).Result()
			t.Errorf("left in the queue: %q", members)
		}
	})
}

// Replicas polling at once never get the same item within a lease.
func TestDueQueueOneTakerPerItem(t *testing.T) {
	eachBackend(t, func(t *testing.T, r *redistest.Redis) {
		ctx := context.Background()
		q := redis.NewDueQueue(r.Client, redis.Config{Tenant: r.Tenant})
		const n = 200
		now := time.Now()
		for i := range n {
			if err := q.Schedule(ctx, dueItem(fmt.Sprintf("ESC-%d", i), now.Add(-time.Second))); err != nil {
				t.Fatal(err)
			}
		}
		var mu sync.Mutex
		seen := map[string]int{}
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				for {
					items, err := q.TakeDue(ctx, now, lease, 7)
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
	})
}

// Depth counts every item, the outbox items among them, and finds the earliest due time.
func TestDueDepth(t *testing.T) {
	eachBackend(t, func(t *testing.T, r *redistest.Redis) {
		ctx := context.Background()
		q := redis.NewDueQueue(r.Client, redis.Config{Tenant: r.Tenant})
		items, outbox, earliest, err := q.Depth(ctx)
		if err != nil || items != 0 || outbox != 0 || !earliest.IsZero() {
			t.Fatalf("empty queue: %d items, %d outbox, earliest %s, err %v", items, outbox, earliest, err)
		}
		now := time.Now().Truncate(time.Millisecond)
		for i := range 1200 { // more than one ZSCAN page
			it := bot.DueItem{Kind: bot.DueDeliver, CaseID: fmt.Sprintf("ESC-%d", 1001+i), Ref: "r", At: now.Add(time.Duration(i) * time.Second)}
			if err := q.Schedule(ctx, it); err != nil {
				t.Fatal(err)
			}
		}
		for _, it := range []bot.DueItem{dueItem("ESC-1", now.Add(-time.Minute)), dueItem("ESC-2", now.Add(time.Hour))} {
			if err := q.Schedule(ctx, it); err != nil {
				t.Fatal(err)
			}
		}
		items, outbox, earliest, err = q.Depth(ctx)
		if err != nil || items != 1202 || outbox != 1200 || !earliest.Equal(now.Add(-time.Minute)) {
			t.Fatalf("%d items, %d outbox, earliest %s (want %s), err %v", items, outbox, earliest, now.Add(-time.Minute), err)
		}
	})
}
