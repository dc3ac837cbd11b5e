package redis

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"escalation-bot/inbox"
)

// Inbox keeps inbound events until they are handled: per lane a list, and a sorted set of the
// lanes with the end of each lane's lease.
type Inbox struct {
	rdb  goredis.UniversalClient
	keys Keys
	cfg  Config

	// Puts that arrive while others are on their way wait here and go together (see Put).
	mu       sync.Mutex
	queue    []*put
	flushing bool
}

var _ inbox.Store = (*Inbox)(nil)

// NewInbox returns the inbox store over rdb.
func NewInbox(rdb goredis.UniversalClient, cfg Config) *Inbox {
	cfg = cfg.withDefaults()
	return &Inbox{rdb: rdb, keys: NewKeys(cfg.Tenant), cfg: cfg}
}

// put is one item on its way to Redis, and where its outcome goes.
type put struct {
	ctx  context.Context
	kind string
	keys []string
	lane string
	data []byte
	done chan error
}

// maxPutBatch bounds the items sent in one pipeline.
const maxPutBatch = 256

// Put stores it at the end of its lane; an item without a lane gets one of its own.
//
// Many requests are acknowledged at once under load, and each waits for its item to be stored.
// Items that arrive while earlier ones are on their way to Redis go together, in one pipeline:
// one round trip, and one write and one read on each side, for all of them. Each Put still
// returns only once Redis has answered for its own item.
func (q *Inbox) Put(ctx context.Context, it inbox.Item) error {
	if it.Lane == "" {
		it.Lane = "solo:" + randomToken()
	}
	it.Seq = ""
	data, err := json.Marshal(it)
	if err != nil {
		return fmt.Errorf("inbox put %s: %w", it.Kind, err)
	}
	keys := []string{q.keys.InboxLanes(), q.keys.InboxLane(it.Lane), q.keys.InboxSeq()}
	if it.ID != "" {
		keys = append(keys, q.keys.InboxSeen(it.ID))
	}
	p := &put{ctx: ctx, kind: it.Kind, keys: keys, lane: it.Lane, data: data, done: make(chan error, 1)}
	q.mu.Lock()
	q.queue = append(q.queue, p)
	lead := !q.flushing
	q.flushing = true
	q.mu.Unlock()
	if lead {
		go q.flush()
	}
	select {
	case err := <-p.done:
		return err
	case <-ctx.Done():
		// It may still be stored: an event refused and delivered again is then a duplicate.
		return fmt.Errorf("inbox put %s: %w", it.Kind, ctx.Err())
	}
}

// flush sends the waiting items, a pipeline at a time, until none wait.
func (q *Inbox) flush() {
	for {
		q.mu.Lock()
		batch := q.queue
		if len(batch) > maxPutBatch {
			batch = batch[:maxPutBatch]
		}
		q.queue = q.queue[len(batch):]
		if len(batch) == 0 {
			q.queue = nil
			q.flushing = false
			q.mu.Unlock()
			return
		}
		q.mu.Unlock()
		q.send(batch)
	}
}

// send stores a batch of items in one pipeline, and tells each Put its outcome. An item whose
// Put gave up meanwhile is not sent: its event was refused, and will be delivered again.
func (q *Inbox) send(batch []*put) {
	live := batch[:0]
	for _, it := range batch {
		if err := it.ctx.Err(); err != nil {
			it.done <- fmt.Errorf("inbox put %s: %w", it.kind, err)
			continue
		}
		live = append(live, it)
	}
	if batch = live; len(batch) == 0 {
		return
	}
	// One context for the pipeline: the first item's values, none of the cancellations (a
	// request that gives up must not fail the others); go-redis's timeouts bound it.
	ctx := context.WithoutCancel(batch[0].ctx)
	ttl := q.cfg.DedupeTTL.Milliseconds()
	cmds := make([]*goredis.Cmd, len(batch))
	_, _ = q.rdb.Pipelined(ctx, func(p goredis.Pipeliner) error {
		for i, it := range batch {
			cmds[i] = inboxPut.EvalSha(ctx, p, it.keys, it.lane, it.data, ttl)
		}
		return nil
	})
	// Redis that does not know the script yet (restarted, flushed) ran none of them: send it
	// with those items again, as Script.Run does.
	var again []int
	for i, c := range cmds {
		if goredis.HasErrorPrefix(c.Err(), "NOSCRIPT") {
			again = append(again, i)
		}
	}
	if len(again) > 0 {
		_, _ = q.rdb.Pipelined(ctx, func(p goredis.Pipeliner) error {
			for _, i := range again {
				cmds[i] = inboxPut.Eval(ctx, p, batch[i].keys, batch[i].lane, batch[i].data, ttl)
			}
			return nil
		})
	}
	for i, it := range batch {
		it.done <- putOutcome(it.kind, cmds[i])
	}
}

// putOutcome reads inbox_put's reply: the item's seq, 0 for an id put before.
func putOutcome(kind string, cmd *goredis.Cmd) error {
	seq, err := cmd.Int64()
	if err != nil {
		return fmt.Errorf("inbox put %s: %w", kind, err)
	}
	if seq == 0 {
		return inbox.ErrDuplicate
	}
	return nil
}

// Take leases up to limit free lanes and returns their first items.
func (q *Inbox) Take(ctx context.Context, lease time.Duration, limit int) ([]inbox.Item, error) {
	res, err := inboxTake.Run(ctx, q.rdb, []string{q.keys.InboxLanes()}, lease.Milliseconds(), limit, q.keys.InboxLane("")).StringSlice()
	if err != nil {
		return nil, fmt.Errorf("inbox take: %w", err)
	}
	items := make([]inbox.Item, 0, len(res)/3)
	for i := 0; i+2 < len(res); i += 3 {
		it, err := decodeInboxElement(res[i+1])
		if err != nil {
			return nil, fmt.Errorf("inbox take: lane %s: %w", res[i], err)
		}
		it.Lane = res[i]
		it.Redelivered = res[i+2] == "1"
		items = append(items, it)
	}
	return items, nil
}

// Next removes the handled item and leases the lane's next one.
func (q *Inbox) Next(ctx context.Context, it inbox.Item, lease time.Duration) (inbox.Item, bool, error) {
	res, err := inboxNext.Run(ctx, q.rdb, []string{q.keys.InboxLanes(), q.keys.InboxLane(it.Lane)}, it.Lane, it.Seq, lease.Milliseconds(), "").Text()
	if errors.Is(err, goredis.Nil) {
		return inbox.Item{}, false, nil
	}
	if err != nil {
		return inbox.Item{}, false, fmt.Errorf("inbox next: %w", err)
	}
	next, err := decodeInboxElement(res)
	if err != nil {
		return inbox.Item{}, false, fmt.Errorf("inbox next: lane %s: %w", it.Lane, err)
	}
	next.Lane = it.Lane
	return next, true, nil
}

// Renew extends the lease of the item's lane while the item is still first in it.
func (q *Inbox) Renew(ctx context.Context, it inbox.Item, lease time.Duration) error {
	err := inboxNext.Run(ctx, q.rdb, []string{q.keys.InboxLanes(), q.keys.InboxLane(it.Lane)}, it.Lane, it.Seq, lease.Milliseconds(), "renew").Err()
	if err != nil && !errors.Is(err, goredis.Nil) {
		return fmt.Errorf("inbox renew: %w", err)
	}
	return nil
}

// Depth counts the items waiting in every lane.
func (q *Inbox) Depth(ctx context.Context) (int64, error) {
	lanes, err := q.rdb.ZRange(ctx, q.keys.InboxLanes(), 0, -1).Result()
	if err != nil {
		return 0, fmt.Errorf("inbox depth: %w", err)
	}
	if len(lanes) == 0 {
		return 0, nil
	}
	lens := make([]*goredis.IntCmd, len(lanes))
	if _, err := q.rdb.Pipelined(ctx, func(p goredis.Pipeliner) error {
		for i, l := range lanes {
			lens[i] = p.LLen(ctx, q.keys.InboxLane(l))
		}
		return nil
	}); err != nil {
		return 0, fmt.Errorf("inbox depth: %w", err)
	}
	var n int64
	for _, c := range lens {
		n += c.Val()
	}
	return n, nil
}

// decodeInboxElement reads "<seq> <item JSON>".
func decodeInboxElement(el string) (inbox.Item, error) {
	seq, data, ok := strings.Cut(el, " ")
	if !ok {
		return inbox.Item{}, errors.New("malformed element")
	}
	var it inbox.Item
	if err := json.Unmarshal([]byte(data), &it); err != nil {
		return inbox.Item{}, err
	}
	it.Seq = seq
	return it, nil
}

func randomToken() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read does not fail
	return hex.EncodeToString(b[:])
}
