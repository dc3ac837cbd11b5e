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

// DueQueue is the due-item queue: a sorted set whose members identify the items (the JSON of
// kind, case, owner, attempt, ref and sent) and whose scores say when they are due, or when the lease of
// a taken item ends.
type DueQueue struct {
	rdb   goredis.UniversalClient
	keys  Keys
	batch *batcher // items scheduled at once (submissions under way) go in one pipeline
}

var _ bot.DueQueue = (*DueQueue)(nil)

// NewDueQueue returns the queue over rdb.
func NewDueQueue(rdb goredis.UniversalClient, cfg Config) *DueQueue {
	cfg = cfg.withDefaults()
	return &DueQueue{rdb: rdb, keys: NewKeys(cfg.Tenant), batch: newBatcher(rdb)}
}

// dueMember is what identifies an item in the set. It is this package's own type so that the
// encoding, and with it Done and Reschedule finding the member, does not depend on the tags of
// bot.DueItem; encoding/json writes the fields in this order, so equal items give equal members.
type dueMember struct {
	Kind    string       `json:"kind"`
	CaseID  string       `json:"case"`
	Owner   bot.Identity `json:"owner,omitempty"`
	Attempt int          `json:"attempt,omitempty"`
	Ref     string       `json:"ref,omitempty"`
	Sent    []string     `json:"sent,omitempty"`
}

func encodeDue(item bot.DueItem) string {
	// Strings and an int: Marshal cannot fail.
	data, _ := json.Marshal(dueMember{Kind: item.Kind, CaseID: item.CaseID, Owner: item.Owner, Attempt: item.Attempt, Ref: item.Ref, Sent: item.Sent})
	return string(data)
}

// Schedule adds the item at item.At. The same item scheduled again is kept once, at the later
// call's time.
func (q *DueQueue) Schedule(ctx context.Context, item bot.DueItem) error {
	if err := q.batch.command(ctx, "zadd", q.keys.Due(), item.At.UnixMilli(), encodeDue(item)).Err(); err != nil {
		return fmt.Errorf("schedule %s %s: %w", item.Kind, item.CaseID, err)
	}
	return nil
}

// TakeDue leases up to limit items due at now, in due order, with At set to when each was due.
// They stay queued with now+lease as their due time, so no other caller takes them meanwhile
// and they come back if the caller calls neither Done nor Reschedule. A member that does not
// decode is removed; one written by an older version (with its due time inside) is rewritten
// in the current form, so that Done and Reschedule find it.
func (q *DueQueue) TakeDue(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]bot.DueItem, error) {
	if lease < time.Millisecond {
		return nil, fmt.Errorf("take due items: lease %s is shorter than 1ms", lease)
	}
	if limit <= 0 {
		return []bot.DueItem{}, nil
	}
	until := now.Add(lease).UnixMilli()
	raw, err := dueTake.Run(ctx, q.rdb, []string{q.keys.Due()}, now.UnixMilli(), until, limit).StringSlice()
	if err != nil {
		return nil, fmt.Errorf("take due items: %w", err)
	}
	items := make([]bot.DueItem, 0, len(raw)/2)
	var drop []any
	rewrite := map[string]string{} // member as stored -> member in the current form
	for i := 0; i+1 < len(raw); i += 2 {
		member := raw[i]
		var m dueMember
		score, err := strconv.ParseFloat(raw[i+1], 64)
		if err == nil {
			err = json.Unmarshal([]byte(member), &m)
		}
		if err != nil {
			drop = append(drop, member)
			continue
		}
		item := bot.DueItem{Kind: m.Kind, CaseID: m.CaseID, Owner: m.Owner, Attempt: m.Attempt, Ref: m.Ref, Sent: m.Sent, At: time.UnixMilli(int64(score))}
		if current := encodeDue(item); current != member {
			rewrite[member] = current
		}
		items = append(items, item)
	}
	if len(drop) > 0 || len(rewrite) > 0 {
		_, err := q.rdb.TxPipelined(ctx, func(p goredis.Pipeliner) error {
			if len(drop) > 0 {
				p.ZRem(ctx, q.keys.Due(), drop...)
			}
			for stored, current := range rewrite {
				p.ZRem(ctx, q.keys.Due(), stored)
				p.ZAdd(ctx, q.keys.Due(), goredis.Z{Score: float64(until), Member: current})
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("take due items: clean up members: %w", err)
		}
	}
	return items, nil
}

// Done removes a handled item. Removing an item that is not queued is not an error.
func (q *DueQueue) Done(ctx context.Context, item bot.DueItem) error {
	if err := q.rdb.ZRem(ctx, q.keys.Due(), encodeDue(item)).Err(); err != nil {
		return fmt.Errorf("done %s %s: %w", item.Kind, item.CaseID, err)
	}
	return nil
}

// Reschedule replaces item with next, due at next.At, in one MULTI: the item is neither lost
// nor doubled in between.
func (q *DueQueue) Reschedule(ctx context.Context, item, next bot.DueItem) error {
	_, err := q.rdb.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		p.ZRem(ctx, q.keys.Due(), encodeDue(item))
		p.ZAdd(ctx, q.keys.Due(), goredis.Z{Score: float64(next.At.UnixMilli()), Member: encodeDue(next)})
		return nil
	})
	if err != nil {
		return fmt.Errorf("reschedule %s %s: %w", item.Kind, item.CaseID, err)
	}
	return nil
}

// outboxMatch finds the members of outbox items: encoding/json writes kind first.
var outboxMatch = `{"kind":"` + bot.DueDeliver + `",*`

// Depth is what the queue holds, for monitoring: every item (due or not, leased or not), the
// outbox items among them (kind deliver), and the earliest due time, zero when the queue is
// empty. A leased item counts with its lease end, so an earliest time in the past means work
// nobody has taken. The outbox is counted with ZSCAN, a page at a time, so a large queue does
// not block Redis.
func (q *DueQueue) Depth(ctx context.Context) (items, outbox int64, earliest time.Time, err error) {
	var card *goredis.IntCmd
	var first *goredis.ZSliceCmd
	if _, err := q.rdb.Pipelined(ctx, func(p goredis.Pipeliner) error {
		card = p.ZCard(ctx, q.keys.Due())
		first = p.ZRangeWithScores(ctx, q.keys.Due(), 0, 0)
		return nil
	}); err != nil {
		return 0, 0, time.Time{}, fmt.Errorf("due depth: %w", err)
	}
	if z := first.Val(); len(z) > 0 {
		earliest = time.UnixMilli(int64(z[0].Score))
	}
	var cursor uint64
	for {
		page, next, err := q.rdb.ZScan(ctx, q.keys.Due(), cursor, outboxMatch, 500).Result()
		if err != nil {
			return 0, 0, time.Time{}, fmt.Errorf("due depth: %w", err)
		}
		outbox += int64(len(page) / 2) // member, score, member, score, ...
		if cursor = next; cursor == 0 {
			break
		}
	}
	return card.Val(), outbox, earliest, nil
}
