package redis_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"escalation-bot/adapters/redis"
	"escalation-bot/inbox"
	"escalation-bot/xtest/redistest"
)

// Many requests storing their events at once each get their own outcome, whether their items
// went to Redis alone or together with others: every item is stored once, a repeated id is a
// duplicate for all but one of its Puts, and the order within a lane is the order of the
// Puts that waited for each other.
func TestInboxPutsAtOnce(t *testing.T) {
	eachBackend(t, func(t *testing.T, r *redistest.Redis) {
		ctx := context.Background()
		store := redis.NewInbox(r.Client, redis.Config{Tenant: r.Tenant})
		const n = 200
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() {
				// Ten of them share one id; the rest are events of their own, two per lane.
				id := fmt.Sprintf("ev-%d", i)
				if i < 10 {
					id = "ev-same"
				}
				errs[i] = store.Put(ctx, inbox.Item{ID: id, Lane: fmt.Sprintf("owner-%d", i/2), Kind: "msg", Payload: []byte(id)})
			})
		}
		wg.Wait()
		stored, dup := 0, 0
		for i, err := range errs {
			switch {
			case err == nil:
				stored++
			case errors.Is(err, inbox.ErrDuplicate) && i < 10:
				dup++
			default:
				t.Fatalf("Put %d: %v", i, err)
			}
		}
		if stored != n-9 || dup != 9 {
			t.Fatalf("%d stored and %d duplicates, want %d and 9", stored, dup, n-9)
		}
		if depth, err := store.Depth(ctx); err != nil || depth != n-9 {
			t.Fatalf("depth %d (%v), want %d", depth, err, n-9)
		}
		t.Logf("%d puts in %d round trips", n, r.RoundTrips())

		// One after the other, a lane keeps its order.
		for i := range 3 {
			if err := store.Put(ctx, inbox.Item{Lane: "ordered", Kind: "msg", Payload: []byte{byte('a' + i)}}); err != nil {
				t.Fatal(err)
			}
		}
		var got []byte
		for _, it := range laneItems(t, store, "ordered") {
			got = append(got, it.Payload...)
		}
		if string(got) != "abc" {
			t.Fatalf("lane read %q, want abc", got)
		}
	})
}

// laneItems takes lanes until lane is among them and reads its items with Next.
func laneItems(t *testing.T, store *redis.Inbox, lane string) []inbox.Item {
	t.Helper()
	ctx := context.Background()
	for range 100 {
		items, err := store.Take(ctx, time.Minute, 1000)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			if it.Lane != lane {
				continue
			}
			out := []inbox.Item{it}
			for {
				next, ok, err := store.Next(ctx, it, time.Minute)
				if err != nil {
					t.Fatal(err)
				}
				if !ok {
					return out
				}
				out, it = append(out, next), next
			}
		}
	}
	t.Fatalf("lane %s never taken", lane)
	return nil
}

// A Put whose request gave up before its turn is not stored: the platform delivers the event
// again.
func TestInboxPutGivenUp(t *testing.T) {
	r := redistest.New(t)
	store := redis.NewInbox(r.Client, redis.Config{Tenant: r.Tenant})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := store.Put(ctx, inbox.Item{ID: "ev-gone", Lane: "o", Kind: "msg"}); !errors.Is(err, context.Canceled) {
		t.Fatalf("Put = %v, want context.Canceled", err)
	}
	if depth, _ := store.Depth(context.Background()); depth != 0 {
		t.Fatalf("depth %d, want 0", depth)
	}
	if err := store.Put(context.Background(), inbox.Item{ID: "ev-gone", Lane: "o", Kind: "msg"}); err != nil {
		t.Fatalf("delivered again: %v, want stored", err)
	}
}

// A Redis that does not know the inbox script (restarted, or SCRIPT FLUSH) is sent it: the
// items are stored, once each. The embedded Redis, so that flushing disturbs no other test.
func TestInboxPutAfterScriptFlush(t *testing.T) {
	ctx := context.Background()
	r := redistest.NewMini(t)
	store := redis.NewInbox(r.Client, redis.Config{Tenant: r.Tenant})
	if err := r.Client.ScriptFlush(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	errs := atOnce(20, func(i int) error {
		return store.Put(ctx, inbox.Item{ID: fmt.Sprintf("ev-%d", i), Lane: "o", Kind: "msg"})
	})
	for i, err := range errs {
		if err != nil {
			t.Fatalf("Put %d after SCRIPT FLUSH: %v", i, err)
		}
	}
	if depth, _ := store.Depth(ctx); depth != 20 {
		t.Fatalf("depth %d, want 20", depth)
	}
}
