package redis

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"escalation-bot/inbox"
)

// Inbox keeps inbound events until they are handled: per lane a list, and a sorted set of the
// lanes with the end of each lane's lease.
type Inbox struct {
	rdb   goredis.UniversalClient
	keys  Keys
	cfg   Config
	batch *batcher // Puts that arrive while others are on their way go together (see Put)
}

var _ inbox.Store = (*Inbox)(nil)

// NewInbox returns the inbox store over rdb.
func NewInbox(rdb goredis.UniversalClient, cfg Config) *Inbox {
	cfg = cfg.withDefaults()
	return &Inbox{rdb: rdb, keys: NewKeys(cfg.Tenant), cfg: cfg, batch: newBatcher(rdb)}
}

// Put stores it at the end of its lane; an item without a lane gets one of its own.
//
// Many requests are acknowledged at once under load, and each waits for its item to be stored.
// Items that arrive while earlier ones are on their way to Redis go together, in one pipeline
// (see batcher). Each Put still returns only once Redis has answered for its own item; an item
// whose Put gave up before its pipeline left is not sent: its event was refused, and will be
// delivered again.
func (q *Inbox) Put(ctx context.Context, it inbox.Item) error {
	if it.Lane == "" {
		it.Lane = "solo:" + randomToken()
	}
	it.Seq = ""
	data, err := json.Marshal(it)
	if err != nil {
		return fmt.Errorf("inbox put %s: %w", it.Kind, err)
	}
	nkeys := 3
	if it.ID != "" {
		nkeys = 4
	}
	args := inboxPut.args(nkeys, 3)
	args = append(args, q.keys.InboxLanes(), q.keys.InboxLane(it.Lane), q.keys.InboxSeq())
	if it.ID != "" {
		args = append(args, q.keys.InboxSeen(it.ID))
	}
	args = append(args, it.Lane, data, q.cfg.DedupeTTL.Milliseconds())
	// A Put that gives up may still have its item stored: an event refused and delivered again
	// is then a duplicate.
	seq, err := q.batch.run(ctx, inboxPut, args).Int64()
	if err != nil {
		return fmt.Errorf("inbox put %s: %w", it.Kind, err)
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
