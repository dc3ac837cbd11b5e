package inbox_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"escalation-bot/adapters/redis"
	"escalation-bot/inbox"
	"escalation-bot/xtest/redistest"
)

// seen records which payloads handlers saw, in order per lane.
type seen struct {
	mu     sync.Mutex
	byLane map[string][]string
	all    []string
}

func (s *seen) add(lane, payload string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.byLane == nil {
		s.byLane = make(map[string][]string)
	}
	s.byLane[lane] = append(s.byLane[lane], payload)
	s.all = append(s.all, payload)
}

func (s *seen) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.all)
}

func (s *seen) waitFor(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for s.count() < n {
		if time.Now().After(deadline) {
			t.Fatalf("handled %d of %d items", s.count(), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func newInbox(t *testing.T, rds *redistest.Redis, cfg inbox.Config) (*inbox.Inbox, *redis.Inbox) {
	t.Helper()
	store := redis.NewInbox(rds.Client, redis.Config{Tenant: rds.Tenant})
	b := inbox.New(store, cfg, slog.New(slog.DiscardHandler))
	return b, store
}

// Items of one lane are handled in the order they were accepted, one at a time; lanes run side
// by side; every item is handled once, by one of two replicas sharing the store.
func TestOrderPerLaneAcrossReplicas(t *testing.T) {
	rds := redistest.New(t)
	var got seen
	var busy sync.Map // lane → handler running
	var overlaps int
	var mu sync.Mutex
	handler := func(ctx context.Context, payload []byte) error {
		var lane, n string
		fmt.Sscan(string(payload), &lane, &n)
		if _, running := busy.LoadOrStore(lane, true); running {
			mu.Lock()
			overlaps++
			mu.Unlock()
		}
		time.Sleep(time.Millisecond)
		got.add(lane, n)
		busy.Delete(lane)
		return nil
	}
	var replicas []*inbox.Inbox
	for range 2 {
		b, _ := newInbox(t, rds, inbox.Config{Poll: 20 * time.Millisecond})
		b.Handle("msg", handler)
		b.Start()
		t.Cleanup(func() { b.Stop(context.Background()) })
		replicas = append(replicas, b)
	}
	const lanes, per = 8, 25
	var wg sync.WaitGroup
	for l := range lanes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range per {
				it := inbox.Item{ID: fmt.Sprintf("ev-%d-%d", l, i), Lane: fmt.Sprintf("owner%d", l), Kind: "msg",
					Payload: fmt.Appendf(nil, "owner%d %03d", l, i)}
				if err := replicas[i%2].Accept(context.Background(), it); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	got.waitFor(t, lanes*per)
	time.Sleep(50 * time.Millisecond) // nothing more may come
	if n := got.count(); n != lanes*per {
		t.Fatalf("handled %d items, want %d", n, lanes*per)
	}
	for lane, items := range got.byLane {
		if !slices.IsSorted(items) {
			t.Errorf("lane %s out of order: %v", lane, items)
		}
	}
	if overlaps != 0 {
		t.Errorf("%d times two handlers ran in one lane at once", overlaps)
	}
}

// An event accepted twice (a platform's retry of a delivery it did not see acknowledged) is
// stored once.
func TestDuplicateAccepted(t *testing.T) {
	rds := redistest.New(t)
	b, store := newInbox(t, rds, inbox.Config{})
	b.Handle("msg", func(context.Context, []byte) error { return nil })
	it := inbox.Item{ID: "Ev1", Lane: "o", Kind: "msg", Payload: []byte("x")}
	if err := b.Accept(context.Background(), it); err != nil {
		t.Fatal(err)
	}
	if err := b.Accept(context.Background(), it); !errors.Is(err, inbox.ErrDuplicate) {
		t.Fatalf("second Accept = %v, want ErrDuplicate", err)
	}
	if n, _ := store.Depth(context.Background()); n != 1 {
		t.Fatalf("depth %d, want 1", n)
	}
}

// Lanes waiting for a worker are taken in the order their events arrived, whatever their
// names: when more owners write than there are workers, none waits behind later ones.
func TestLanesTakenInArrivalOrder(t *testing.T) {
	rds := redistest.New(t)
	_, store := newInbox(t, rds, inbox.Config{})
	ctx := context.Background()
	lanes := []string{"slack:T1:U9", "slack:T1:U5", "slack:T1:U1", "discord:7"}
	for i, lane := range lanes {
		if err := store.Put(ctx, inbox.Item{ID: fmt.Sprint("e", i), Lane: lane, Kind: "msg"}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(2 * time.Millisecond) // arrivals a millisecond apart at least: Redis's clock counts ms
	}
	var got []string
	for range lanes {
		taken, err := store.Take(ctx, time.Minute, 1)
		if err != nil || len(taken) != 1 {
			t.Fatalf("Take = %+v, %v", taken, err)
		}
		if taken[0].Redelivered {
			t.Errorf("lane %s never taken before, but marked redelivered", taken[0].Lane)
		}
		got = append(got, taken[0].Lane)
	}
	if !slices.Equal(got, lanes) {
		t.Fatalf("lanes taken in the order %v, want arrival order %v", got, lanes)
	}
}

// A worker that dies while handling leaves the item first in its lane; when the lease ends
// another replica handles it, and then the rest of the lane.
func TestDeadWorkersLaneTakenOver(t *testing.T) {
	rds := redistest.New(t)
	_, store := newInbox(t, rds, inbox.Config{})
	ctx := context.Background()
	for i := range 3 {
		if err := store.Put(ctx, inbox.Item{ID: fmt.Sprint("e", i), Lane: "o", Kind: "msg", Payload: fmt.Append(nil, i)}); err != nil {
			t.Fatal(err)
		}
	}
	// A worker takes the lane with a short lease and dies without calling Next.
	taken, err := store.Take(ctx, 100*time.Millisecond, 10)
	if err != nil || len(taken) != 1 || string(taken[0].Payload) != "0" {
		t.Fatalf("Take = %+v, %v", taken, err)
	}
	if again, _ := store.Take(ctx, time.Second, 10); len(again) != 0 {
		t.Fatalf("leased lane taken twice: %+v", again)
	}
	var got seen
	b, _ := newInbox(t, rds, inbox.Config{Poll: 20 * time.Millisecond})
	var redelivered []string
	b.Handle("msg", func(ctx context.Context, p []byte) error {
		if inbox.Redelivered(ctx) {
			redelivered = append(redelivered, string(p))
		}
		got.add("o", string(p))
		return nil
	})
	b.Start()
	t.Cleanup(func() { b.Stop(context.Background()) })
	got.waitFor(t, 3)
	if !slices.Equal(got.all, []string{"0", "1", "2"}) {
		t.Fatalf("handled %v", got.all)
	}
	got.mu.Lock()
	// The dead worker's item may have run before, but the owner wrote again after it: their
	// later events answer them, so it does not count as redelivered.
	if len(redelivered) != 0 {
		t.Errorf("redelivered: %v, want none", redelivered)
	}
	got.mu.Unlock()
	// The dead worker, back, cannot remove what the new one handled.
	if _, ok, err := store.Next(ctx, taken[0], time.Second); ok || err != nil {
		t.Fatalf("stale Next = %v, %v", ok, err)
	}
	if n, _ := store.Depth(ctx); n != 0 {
		t.Fatalf("depth %d after all were handled", n)
	}
}

// Without Redis nothing is accepted, so the adapter refuses the event and the platform retries.
func TestAcceptFailsWhenStoreIsDown(t *testing.T) {
	rds := redistest.New(t)
	b, _ := newInbox(t, &redistest.Redis{Client: redistest.Down(t), Tenant: rds.Tenant}, inbox.Config{})
	b.Handle("msg", func(context.Context, []byte) error { return nil })
	if err := b.Accept(context.Background(), inbox.Item{Kind: "msg"}); err == nil {
		t.Fatal("Accept succeeded with the store closed")
	}
	if err := b.Accept(context.Background(), inbox.Item{Kind: "unknown"}); err == nil {
		t.Fatal("Accept of a kind nobody handles succeeded")
	}
}

// A handler that panics does not stop the inbox; the item counts as handled.
func TestPanickingHandler(t *testing.T) {
	rds := redistest.New(t)
	b, store := newInbox(t, rds, inbox.Config{Poll: 20 * time.Millisecond})
	var got seen
	b.Handle("msg", func(_ context.Context, p []byte) error {
		if string(p) == "bad" {
			panic("malformed")
		}
		got.add("o", string(p))
		return nil
	})
	b.Start()
	t.Cleanup(func() { b.Stop(context.Background()) })
	for _, p := range []string{"bad", "good"} {
		if err := b.Accept(context.Background(), inbox.Item{Lane: "o", Kind: "msg", Payload: []byte(p)}); err != nil {
			t.Fatal(err)
		}
	}
	got.waitFor(t, 1)
	deadline := time.Now().Add(5 * time.Second)
	for n, _ := store.Depth(context.Background()); n != 0; n, _ = store.Depth(context.Background()) {
		if time.Now().After(deadline) {
			t.Fatalf("depth %d", n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// A handler that cannot do its work yet (Redis away) is run again, in order: the item after it
// waits, and nothing is lost or handled twice.
func TestFailingHandlerRetried(t *testing.T) {
	rds := redistest.New(t)
	b, _ := newInbox(t, rds, inbox.Config{Poll: 20 * time.Millisecond, Retries: 2, RetryLater: 200 * time.Millisecond})
	var got seen
	var failures sync.Map
	b.Handle("msg", func(_ context.Context, p []byte) error {
		n, _ := failures.LoadOrStore(string(p), new(int))
		if string(p) == "first" && *n.(*int) < 5 { // fails through the quick retries once
			*n.(*int)++
			return errors.New("redis away")
		}
		got.add("o", string(p))
		return nil
	})
	b.Start()
	t.Cleanup(func() { b.Stop(context.Background()) })
	for _, p := range []string{"first", "second"} {
		if err := b.Accept(context.Background(), inbox.Item{Lane: "o", Kind: "msg", Payload: []byte(p)}); err != nil {
			t.Fatal(err)
		}
	}
	got.waitFor(t, 2)
	time.Sleep(50 * time.Millisecond)
	if !slices.Equal(got.all, []string{"first", "second"}) {
		t.Fatalf("handled %v, want first then second, once each", got.all)
	}
}

// Events that cannot be refused are held in memory while the store is away and stored, in
// order, when it is back; past MaxHeld they are refused.
func TestAcceptOrHold(t *testing.T) {
	rds := redistest.New(t)
	flaky := &flakyStore{Store: redis.NewInbox(rds.Client, redis.Config{Tenant: rds.Tenant})}
	flaky.down.Store(true)
	b := inbox.New(flaky, inbox.Config{Poll: 20 * time.Millisecond, MaxHeld: 3}, slog.New(slog.DiscardHandler))
	var got seen
	b.Handle("msg", func(_ context.Context, p []byte) error { got.add("o", string(p)); return nil })
	b.Start()
	t.Cleanup(func() { b.Stop(context.Background()) })
	for _, p := range []string{"a", "b", "c"} {
		if err := b.AcceptOrHold(context.Background(), inbox.Item{ID: p, Lane: "o", Kind: "msg", Payload: []byte(p)}); err != nil {
			t.Fatalf("hold %s: %v", p, err)
		}
	}
	if err := b.AcceptOrHold(context.Background(), inbox.Item{ID: "d", Lane: "o", Kind: "msg", Payload: []byte("d")}); !errors.Is(err, inbox.ErrFull) {
		t.Fatalf("fourth event while away: %v, want ErrFull", err)
	}
	time.Sleep(100 * time.Millisecond)
	if got.count() != 0 || b.Held() != 3 {
		t.Fatalf("while away: handled %d, held %d", got.count(), b.Held())
	}
	flaky.down.Store(false)
	got.waitFor(t, 3)
	if !slices.Equal(got.all, []string{"a", "b", "c"}) || b.Held() != 0 {
		t.Fatalf("handled %v, held %d", got.all, b.Held())
	}
}

// flakyStore fails every Put while down.
type flakyStore struct {
	inbox.Store
	down atomic.Bool
}

func (f *flakyStore) Put(ctx context.Context, it inbox.Item) error {
	if f.down.Load() {
		return errors.New("connection refused")
	}
	return f.Store.Put(ctx, it)
}

// The last event of a lane whose worker died counts as redelivered: its answer may have been
// lost, and nothing after it will answer the person.
func TestLastEventRedelivered(t *testing.T) {
	rds := redistest.New(t)
	_, store := newInbox(t, rds, inbox.Config{})
	ctx := context.Background()
	if err := store.Put(ctx, inbox.Item{ID: "only", Lane: "o", Kind: "msg", Payload: []byte("x")}); err != nil {
		t.Fatal(err)
	}
	first, err := store.Take(ctx, 50*time.Millisecond, 10)
	if err != nil || len(first) != 1 || first[0].Redelivered {
		t.Fatalf("first Take = %+v, %v; want the item, not redelivered", first, err)
	}
	time.Sleep(100 * time.Millisecond) // the worker died; its lease ends
	again, err := store.Take(ctx, time.Second, 10)
	if err != nil || len(again) != 1 || !again[0].Redelivered {
		t.Fatalf("Take after the lease = %+v, %v; want the item, redelivered", again, err)
	}
}

// gatedStore holds a worker right after its Next found the lane empty and freed it, until a
// Take has leased that lane again: the moment a new event comes for a lane whose worker is
// letting go of it.
type gatedStore struct {
	inbox.Store
	lane   string
	freed  chan struct{} // closed once the lane's worker found it empty
	taken  chan struct{} // closed once a Take returned the lane again
	armed  atomic.Bool
	closed atomic.Bool
}

func (g *gatedStore) Next(ctx context.Context, it inbox.Item, lease time.Duration) (inbox.Item, bool, error) {
	next, ok, err := g.Store.Next(ctx, it, lease)
	if err == nil && !ok && it.Lane == g.lane && g.armed.CompareAndSwap(true, false) {
		close(g.freed)
		select {
		case <-g.taken:
		case <-time.After(10 * time.Second):
		}
	}
	return next, ok, err
}

func (g *gatedStore) Take(ctx context.Context, lease time.Duration, limit int) ([]inbox.Item, error) {
	items, err := g.Store.Take(ctx, lease, limit)
	for _, it := range items {
		if it.Lane == g.lane && !g.armed.Load() && g.closed.CompareAndSwap(false, true) {
			close(g.taken)
		}
	}
	return items, err
}

// An event that comes while its lane's worker is letting go of the lane (it found the lane
// empty an instant before) is handled at once, by that worker, and once: not left leased and
// waiting for the lease to run out.
func TestEventWhileLaneIsLetGo(t *testing.T) {
	rds := redistest.New(t)
	store := &gatedStore{
		Store: redis.NewInbox(rds.Client, redis.Config{Tenant: rds.Tenant}),
		lane:  "o", freed: make(chan struct{}), taken: make(chan struct{}),
	}
	store.armed.Store(true)
	// A lease far longer than the wait below: an event left behind would not come back in time.
	b := inbox.New(store, inbox.Config{Lease: time.Minute}, slog.New(slog.DiscardHandler))
	var got seen
	b.Handle("msg", func(ctx context.Context, payload []byte) error {
		got.add("o", string(payload))
		return nil
	})
	b.Start()
	t.Cleanup(func() { _ = b.Stop(context.Background()) })
	ctx := context.Background()
	if err := b.Accept(ctx, inbox.Item{ID: "a", Lane: "o", Kind: "msg", Payload: []byte("a")}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-store.freed:
	case <-time.After(10 * time.Second):
		t.Fatal("the lane's worker did not finish its first event")
	}
	if err := b.Accept(ctx, inbox.Item{ID: "b", Lane: "o", Kind: "msg", Payload: []byte("b")}); err != nil {
		t.Fatal(err)
	}
	got.waitFor(t, 2)
	time.Sleep(50 * time.Millisecond) // a second run of b would show now
	got.mu.Lock()
	defer got.mu.Unlock()
	if !slices.Equal(got.all, []string{"a", "b"}) {
		t.Fatalf("handled %v, want [a b]", got.all)
	}
}
