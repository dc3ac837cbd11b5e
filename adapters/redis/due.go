package redis

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"escalation-bot/bot"
)

// DueQueue is the due-item queue: a sorted set by due time.
type DueQueue struct {
	rdb  goredis.UniversalClient
	keys Keys
}

var _ bot.DueQueue = (*DueQueue)(nil)

// NewDueQueue returns the queue over rdb.
func NewDueQueue(rdb goredis.UniversalClient, cfg Config) *DueQueue {
	cfg = cfg.withDefaults()
	return &DueQueue{rdb: rdb, keys: NewKeys(cfg.Tenant)}
}

// Schedule adds the item at item.At. The same item scheduled twice is kept once.
func (q *DueQueue) Schedule(ctx context.Context, item bot.DueItem) error {
	data, err := json.Marshal(item)
	if err != nil {
		return fmt.Errorf("schedule %s %s: %w", item.Kind, item.CaseID, err)
	}
	if err := q.rdb.ZAdd(ctx, q.keys.Due(), goredis.Z{Score: float64(item.At.UnixMilli()), Member: data}).Err(); err != nil {
		return fmt.Errorf("schedule %s %s: %w", item.Kind, item.CaseID, err)
	}
	return nil
}

// TakeDue removes and returns up to limit items due at now.
func (q *DueQueue) TakeDue(ctx context.Context, now time.Time, limit int) ([]bot.DueItem, error) {
	raw, err := dueTake.Run(ctx, q.rdb, []string{q.keys.Due()}, strconv.FormatInt(now.UnixMilli(), 10), limit).StringSlice()
	if err != nil {
		return nil, fmt.Errorf("take due items: %w", err)
	}
	items := make([]bot.DueItem, 0, len(raw))
	for _, r := range raw {
		var it bot.DueItem
		if err := json.Unmarshal([]byte(r), &it); err != nil {
			// A member that does not decode is dropped rather than taken forever.
			continue
		}
		items = append(items, it)
	}
	return items, nil
}
