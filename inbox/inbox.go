// Package inbox keeps inbound platform events durably before they are acknowledged.
//
// A chat platform counts an event as delivered once the bot acknowledges it (an HTTP 200, a
// Socket Mode ack, a deferred interaction answer), and never sends it again. So an adapter
// first hands the raw event to Accept, which stores it; only when that succeeded does the
// adapter acknowledge. When it fails (Redis away) the adapter refuses the event (HTTP 503, no
// ack) and the platform delivers it again later. Stored events are then processed by any
// replica: the one that accepted the event starts at once, and one that finds an event whose
// worker died (its lease ran out) takes it over. Events of one lane (one owner) are processed
// one at a time, in the order they were accepted.
//
// Processing is at least once: an event whose worker died after the handler ran is handled
// again, so handlers must be idempotent (the core deduplicates by event id).
package inbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"
)

// Item is one stored event.
type Item struct {
	// ID identifies the event for deduplication: the same ID accepted twice is stored once.
	// Empty: never deduplicated.
	ID string `json:"id,omitempty"`
	// Lane orders items: items of one lane are handled one at a time, in order. Empty: the
	// item has a lane of its own.
	Lane string `json:"lane,omitempty"`
	// Kind chooses the handler.
	Kind    string `json:"kind"`
	Payload []byte `json:"payload"`
	// Seq is set by the store: the item's position, for Next.
	Seq string `json:"-"`
	// Redelivered is set by the store when the item's lane was taken before with this item
	// first and nothing behind it: a worker may have handled it and died before its answers
	// reached anyone, and no later event of the lane will answer the person instead.
	Redelivered bool `json:"-"`
}

// Store keeps items where every replica sees them. adapters/redis implements it.
type Store interface {
	// Put stores the item at the end of its lane. An item whose ID was put before (within the
	// store's memory of ids) is not stored again and Put reports it with ErrDuplicate.
	Put(ctx context.Context, it Item) error
	// Take leases up to limit lanes that have items and no live lease, for lease, and returns
	// the first item of each. No other caller takes a leased lane until the lease ends.
	Take(ctx context.Context, lease time.Duration, limit int) ([]Item, error)
	// Next removes the handled item it from its lane and returns the lane's next item with the
	// lease renewed, or ok=false when the lane is empty (the lane is released).
	Next(ctx context.Context, it Item, lease time.Duration) (next Item, ok bool, err error)
	// Renew extends the lease of the item's lane while a long handler runs.
	Renew(ctx context.Context, it Item, lease time.Duration) error
	// Depth is how many items wait, for metrics and tests.
	Depth(ctx context.Context) (int64, error)
}

// ErrDuplicate: the item was accepted before.
var ErrDuplicate = errors.New("inbox: event accepted before")

// Handler processes one item's payload within the inbox's timeout. An error says the work could
// not be done for now (Redis away): the item is handled again later, and nobody should have
// been told anything. Anything the person must hear (a refusal, a bad input) is the handler's
// to say, and then it returns nil.
//
// Redelivered(ctx) tells the handler that the item may have been handled before.
type Handler func(ctx context.Context, payload []byte) error

type redeliveredKey struct{}

// Redelivered reports whether the item a handler runs for may have been handled before, by a
// worker that died before its answers reached anyone: a handler that finds its work done
// should then repeat what the person was told.
func Redelivered(ctx context.Context) bool {
	v, _ := ctx.Value(redeliveredKey{}).(bool)
	return v
}

// Config tunes the inbox. Zero fields take the defaults.
type Config struct {
	// Timeout bounds one handler (default 30s).
	Timeout time.Duration
	// Lease is how long a taken lane stays hidden without renewal; a dead worker's lane is
	// taken over after at most this long (default 5s). Running handlers renew it.
	Lease time.Duration
	// Poll is how often the inbox looks for lanes left by dead workers (default 1s).
	Poll time.Duration
	// Workers bounds the lanes handled at once by this process (default 64).
	Workers int
	// Retries is how often a failing handler is run again at once, with a growing pause,
	// before its lane is put back for later (default 9).
	Retries int
	// RetryLater is how long a lane whose handler kept failing waits (default 5s).
	RetryLater time.Duration
	// MaxHeld bounds the events held in memory by AcceptOrHold while the store is away
	// (default 1000).
	MaxHeld int
}

func (c Config) withDefaults() Config {
	if c.Timeout <= 0 {
		c.Timeout = 30 * time.Second
	}
	if c.Lease <= 0 {
		c.Lease = 5 * time.Second
	}
	if c.Poll <= 0 {
		c.Poll = time.Second
	}
	if c.Workers <= 0 {
		c.Workers = 64
	}
	if c.Retries <= 0 {
		// With the pause doubling from 100 ms up to 2 s, the handler is tried for about 10 s:
		// longer than Redis takes to restart and load its data, so an owner's lane does not
		// stall for RetryLater because of a Redis restart.
		c.Retries = 9
	}
	if c.RetryLater <= 0 {
		c.RetryLater = 5 * time.Second
	}
	if c.MaxHeld <= 0 {
		c.MaxHeld = 1000
	}
	return c
}

// Inbox accepts items and runs their handlers.
type Inbox struct {
	store Store
	cfg   Config
	log   *slog.Logger

	mu       sync.Mutex
	handlers map[string]Handler
	started  bool
	stopping bool
	held     []Item          // accepted by AcceptOrHold while the store was away, oldest first
	running  map[string]bool // lanes this process is handling
	// handoff holds, per lane this process is handling, an item Take leased for it anyway: the
	// lane's worker found the lane empty and freed it, and before it let go here a new item came
	// and was taken. The worker goes on with it (see release).
	handoff map[string]Item

	wake   chan struct{}
	slots  chan struct{}
	ctx    context.Context // handlers' parent; cancelled when the stop's time is up
	cancel context.CancelFunc
	wg     sync.WaitGroup
	done   chan struct{}
}

// New returns an inbox over store. Register handlers with Handle, then Start it.
func New(store Store, cfg Config, logger *slog.Logger) *Inbox {
	if logger == nil {
		logger = slog.Default()
	}
	cfg = cfg.withDefaults()
	ctx, cancel := context.WithCancel(context.Background())
	return &Inbox{
		store: store, cfg: cfg, log: logger.With("component", "inbox"),
		handlers: make(map[string]Handler),
		running:  make(map[string]bool),
		handoff:  make(map[string]Item),
		wake:     make(chan struct{}, 1),
		slots:    make(chan struct{}, cfg.Workers),
		ctx:      ctx, cancel: cancel,
		done: make(chan struct{}),
	}
}

// Handle registers the handler of a kind. Adapters call it when they are built.
func (b *Inbox) Handle(kind string, h Handler) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.handlers[kind] = h
}

// Accept stores the item. Only when it returns nil (or ErrDuplicate: stored before) may the
// caller acknowledge the event; the item is then handled here or by another replica.
func (b *Inbox) Accept(ctx context.Context, it Item) error {
	b.mu.Lock()
	_, known := b.handlers[it.Kind]
	stopping := b.stopping
	b.mu.Unlock()
	if !known {
		return fmt.Errorf("inbox: no handler for %q", it.Kind)
	}
	if stopping {
		return errors.New("inbox: stopping")
	}
	if err := b.store.Put(ctx, it); err != nil {
		return err
	}
	b.poke()
	return nil
}

// ErrFull: the store is away and the memory for held events is full.
var ErrFull = errors.New("inbox: store away and no room left to hold the event")

// AcceptOrHold is Accept for events that cannot be refused (a gateway delivers each message
// once): when the store is away the item is held in memory, behind any held before, and
// stored by the inbox's loop as soon as the store answers again. It fails only when MaxHeld
// items are held already, or the inbox is stopping.
func (b *Inbox) AcceptOrHold(ctx context.Context, it Item) error {
	b.mu.Lock()
	if len(b.held) > 0 && !b.stopping {
		// Keep the order: nothing jumps the queue of held events.
		defer b.mu.Unlock()
		return b.holdLocked(it)
	}
	b.mu.Unlock()
	err := b.Accept(ctx, it)
	if err == nil || errors.Is(err, ErrDuplicate) {
		return nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.stopping {
		return err
	}
	b.log.Warn("inbox: store away; holding the event in memory", "kind", it.Kind, "err", err)
	return b.holdLocked(it)
}

func (b *Inbox) holdLocked(it Item) error {
	if len(b.held) >= b.cfg.MaxHeld {
		return ErrFull
	}
	b.held = append(b.held, it)
	return nil
}

// flushHeld stores the held events, oldest first, until the store refuses one.
func (b *Inbox) flushHeld() {
	for {
		b.mu.Lock()
		if len(b.held) == 0 {
			b.mu.Unlock()
			return
		}
		it := b.held[0]
		b.mu.Unlock()
		ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
		err := b.store.Put(ctx, it)
		cancel()
		if err != nil && !errors.Is(err, ErrDuplicate) {
			return
		}
		b.mu.Lock()
		b.held = b.held[1:]
		n := len(b.held)
		b.mu.Unlock()
		if n == 0 {
			b.log.Info("inbox: store back; held events stored")
		}
	}
}

// Held is how many events wait in memory for the store.
func (b *Inbox) Held() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.held)
}

func (b *Inbox) poke() {
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

// Start runs the loop that takes lanes, until Stop.
func (b *Inbox) Start() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.started {
		return
	}
	b.started = true
	go b.loop()
}

// Stop takes no more lanes and waits for the handlers running, until ctx ends; then it cancels
// them. Lanes not finished are taken over by another replica (or this one after a restart)
// when their lease ends.
func (b *Inbox) Stop(ctx context.Context) error {
	b.mu.Lock()
	started := b.started
	b.stopping = true
	b.mu.Unlock()
	if !started {
		b.cancel()
		return nil
	}
	b.poke()
	<-b.done
	finished := make(chan struct{})
	go func() { b.wg.Wait(); close(finished) }()
	select {
	case <-finished:
		b.cancel()
		return nil
	case <-ctx.Done():
		b.cancel()
		<-finished
		return fmt.Errorf("inbox: handlers cancelled at stop: %w", ctx.Err())
	}
}

// Idle reports whether nothing is waiting in the store and no handler of this process runs;
// tests wait for it.
func (b *Inbox) Idle(ctx context.Context) bool {
	if len(b.slots) > 0 {
		return false
	}
	n, err := b.store.Depth(ctx)
	return err == nil && n == 0 && len(b.slots) == 0
}

func (b *Inbox) isStopping() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.stopping
}

func (b *Inbox) loop() {
	defer close(b.done)
	tick := time.NewTicker(b.cfg.Poll)
	defer tick.Stop()
	for {
		if b.isStopping() {
			if n := b.Held(); n > 0 {
				b.log.Error("inbox: stopped with events held in memory; they are lost", "events", n)
			}
			return
		}
		b.flushHeld()
		b.takeAll()
		select {
		case <-b.wake:
		case <-tick.C:
		}
	}
}

// takeAll takes lanes while there are free workers and lanes to take.
func (b *Inbox) takeAll() {
	for !b.isStopping() {
		free := cap(b.slots) - len(b.slots)
		if free == 0 {
			return
		}
		ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
		items, err := b.store.Take(ctx, b.cfg.Lease, free)
		cancel()
		if err != nil {
			b.log.Warn("inbox: cannot take events; trying again", "err", err)
			return
		}
		for _, it := range items {
			if !b.claimLane(it) {
				// The lane is handled here: either its lease ran out while this process still
				// handles the item (a slow handler, or renewals lost to a Redis blip) and taking
				// it renewed the lease, or its worker has just found it empty and is letting go.
				// The worker goes on either way (runLane, release); running it twice would
				// answer twice.
				continue
			}
			b.slots <- struct{}{}
			b.wg.Add(1)
			go b.runLane(it)
		}
		if len(items) < free {
			return
		}
	}
}

// claimLane marks the item's lane as handled here, unless it already is; then the item is
// handed to the lane's worker.
func (b *Inbox) claimLane(it Item) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.running[it.Lane] {
		b.handoff[it.Lane] = it
		return false
	}
	b.running[it.Lane] = true
	return true
}

// release lets go of the lane whose worker found it empty, unless an item was taken for it
// meanwhile that the worker has not handled: then the worker goes on with that one, under the
// lease the Take gave it.
func (b *Inbox) release(lane string, handled map[string]bool) (Item, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	it, ok := b.handoff[lane]
	delete(b.handoff, lane)
	if ok && !handled[it.Seq] {
		return it, true
	}
	delete(b.running, lane)
	return Item{}, false
}

// runLane handles the lane's items one after the other while it holds the lease.
func (b *Inbox) runLane(it Item) {
	defer b.wg.Done()
	released := false
	defer func() {
		if !released {
			b.mu.Lock()
			delete(b.running, it.Lane)
			delete(b.handoff, it.Lane)
			b.mu.Unlock()
		}
		<-b.slots
		b.poke()
	}()
	// The items handled here: a Take that leased the lane again while one of them was being
	// handled hands over that same item, which must not run twice.
	handled := map[string]bool{}
	for {
		if err := b.runRetrying(it); err != nil {
			// Still failing: the lane waits, with the item first, and is taken again later by
			// whichever replica is free then.
			b.log.Warn("inbox: event not handled yet; trying again later", "kind", it.Kind, "in", b.cfg.RetryLater, "err", err)
			ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
			_ = b.store.Renew(ctx, it, b.cfg.RetryLater) // if this fails too, the lease ends sooner
			cancel()
			return
		}
		handled[it.Seq] = true
		next, ok, err := b.next(it)
		if err != nil {
			// The item stays first in its lane; the lane comes back when the lease ends and the
			// handler runs again, which handlers tolerate.
			b.log.Warn("inbox: cannot mark an event handled; it will be handled again", "kind", it.Kind, "err", err)
			return
		}
		if b.isStopping() {
			// Stopping with more in the lane: the lease ends and another replica takes it.
			return
		}
		if !ok {
			handed, more := b.release(it.Lane, handled)
			if !more {
				released = true
				return
			}
			next = handed
		}
		it = next
	}
}

// next marks the item handled, trying again for a while when the store is away: an item left
// first in its lane would be handled a second time, and its answers given twice.
func (b *Inbox) next(it Item) (Item, bool, error) {
	pause := 100 * time.Millisecond
	deadline := time.Now().Add(2 * b.cfg.Lease)
	for {
		ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
		next, ok, err := b.store.Next(ctx, it, b.cfg.Lease)
		cancel()
		if err == nil || b.ctx.Err() != nil || time.Now().After(deadline) {
			return next, ok, err
		}
		select {
		case <-time.After(pause):
		case <-b.ctx.Done():
		}
		pause = min(2*pause, 2*time.Second)
	}
}

// runRetrying runs the item's handler until it succeeds, or fails Retries+1 times.
func (b *Inbox) runRetrying(it Item) error {
	pause := 100 * time.Millisecond
	for attempt := 0; ; attempt++ {
		if attempt > 0 {
			it.Redelivered = true // the failed run may have done part of the work
		}
		err := b.run(it)
		if err == nil || attempt == b.cfg.Retries || b.isStopping() {
			return err
		}
		select {
		case <-time.After(pause):
		case <-b.ctx.Done():
			return err
		}
		pause = min(2*pause, 2*time.Second)
	}
}

// run calls the item's handler, renewing the lease while it runs.
func (b *Inbox) run(it Item) (err error) {
	b.mu.Lock()
	h := b.handlers[it.Kind]
	b.mu.Unlock()
	if h == nil {
		b.log.Error("inbox: no handler; event dropped", "kind", it.Kind)
		return nil
	}
	ctx, cancel := context.WithTimeout(b.ctx, b.cfg.Timeout)
	defer cancel()
	renewed := make(chan struct{})
	go func() {
		defer close(renewed)
		t := time.NewTicker(b.cfg.Lease / 3)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if err := b.store.Renew(ctx, it, b.cfg.Lease); err != nil && ctx.Err() == nil {
					b.log.Warn("inbox: cannot renew a lease", "kind", it.Kind, "err", err)
				}
			}
		}
	}()
	defer func() {
		cancel()
		<-renewed
		// One malformed payload must not take the process down; running it again would only
		// panic again, so it counts as handled.
		if r := recover(); r != nil {
			b.log.Error("inbox: handler panicked; event dropped", "kind", it.Kind, "panic", r, "stack", string(debug.Stack()))
			err = nil
		}
	}()
	hctx := ctx
	if it.Redelivered {
		b.log.Debug("inbox: handling an event again", "kind", it.Kind, "id", it.ID, "lane", it.Lane)
		hctx = context.WithValue(ctx, redeliveredKey{}, true)
	}
	return h(hctx, it.Payload)
}
