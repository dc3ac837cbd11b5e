package redis

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"escalation-bot/bot"
)

// Moderation keeps blocks, the pause switch and event dedupe.
type Moderation struct {
	rdb  goredis.UniversalClient
	keys Keys
	cfg  Config
}

var _ bot.Moderation = (*Moderation)(nil)

// NewModeration returns the moderation store over rdb.
func NewModeration(rdb goredis.UniversalClient, cfg Config) *Moderation {
	cfg = cfg.withDefaults()
	return &Moderation{rdb: rdb, keys: NewKeys(cfg.Tenant), cfg: cfg}
}

// SetBlock blocks b.User until b.Until (for good when zero), replacing an earlier block.
// Redis expires the block itself, after the time from now (Config.Clock) to b.Until: a duration,
// not the instant, so a clock that differs from the Redis server's cannot end it early or late.
// A block that has already ended is only removed.
func (m *Moderation) SetBlock(ctx context.Context, b bot.Block) error {
	if b.User == "" {
		return errors.New("block: no user")
	}
	var ttl time.Duration
	if !b.Until.IsZero() {
		ttl = b.Until.Sub(m.cfg.Clock.Now())
		if ttl < time.Millisecond {
			_, err := m.RemoveBlock(ctx, b.User)
			return err
		}
	}
	data, err := json.Marshal(b)
	if err != nil {
		return fmt.Errorf("block %s: %w", b.User, err)
	}
	_, err = m.rdb.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		if ttl == 0 {
			p.Set(ctx, m.keys.Block(b.User), data, 0)
		} else {
			p.Do(ctx, "set", m.keys.Block(b.User), data, "px", ttl.Milliseconds())
		}
		p.SAdd(ctx, m.keys.Blocks(), string(b.User))
		return nil
	})
	if err != nil {
		return fmt.Errorf("block %s: %w", b.User, err)
	}
	return nil
}

// RemoveBlock lifts the user's block and reports whether there was one.
func (m *Moderation) RemoveBlock(ctx context.Context, user bot.Identity) (bool, error) {
	var del *goredis.IntCmd
	_, err := m.rdb.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		del = p.Del(ctx, m.keys.Block(user))
		p.SRem(ctx, m.keys.Blocks(), string(user))
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("unblock %s: %w", user, err)
	}
	return del.Val() == 1, nil
}

// Blocks lists the blocks in force, by user. Expired ones are dropped from the listing set.
func (m *Moderation) Blocks(ctx context.Context) ([]bot.Block, error) {
	users, err := m.rdb.SMembers(ctx, m.keys.Blocks()).Result()
	if err != nil {
		return nil, fmt.Errorf("list blocks: %w", err)
	}
	if len(users) == 0 {
		return []bot.Block{}, nil
	}
	gets := make([]*goredis.StringCmd, len(users))
	_, err = m.rdb.Pipelined(ctx, func(p goredis.Pipeliner) error {
		for i, u := range users {
			gets[i] = p.Get(ctx, m.keys.Block(bot.Identity(u)))
		}
		return nil
	})
	if err != nil && !errors.Is(err, goredis.Nil) {
		return nil, fmt.Errorf("list blocks: %w", err)
	}
	blocks := make([]bot.Block, 0, len(users))
	var expired []any
	for i, u := range users {
		b, err := decodeOptional[bot.Block](gets[i])
		if err != nil {
			return nil, fmt.Errorf("list blocks: %s: %w", u, err)
		}
		if b == nil {
			expired = append(expired, u)
			continue
		}
		blocks = append(blocks, *b)
	}
	if len(expired) > 0 {
		// A block set again between the GET and this SREM leaves the set until the next
		// SetBlock of that user; the block itself is unaffected.
		if err := m.rdb.SRem(ctx, m.keys.Blocks(), expired...).Err(); err != nil {
			return nil, fmt.Errorf("list blocks: drop expired: %w", err)
		}
	}
	slices.SortFunc(blocks, func(a, b bot.Block) int { return cmp.Compare(a.User, b.User) })
	return blocks, nil
}

// SetPause pauses intake with p's message; nil resumes.
func (m *Moderation) SetPause(ctx context.Context, p *bot.Pause) error {
	if p == nil {
		if err := m.rdb.Del(ctx, m.keys.Pause()).Err(); err != nil {
			return fmt.Errorf("resume intake: %w", err)
		}
		return nil
	}
	data, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("pause intake: %w", err)
	}
	if err := m.rdb.Set(ctx, m.keys.Pause(), data, 0).Err(); err != nil {
		return fmt.Errorf("pause intake: %w", err)
	}
	return nil
}

// GetPause returns the pause in force, or nil.
func (m *Moderation) GetPause(ctx context.Context) (*bot.Pause, error) {
	p, err := decodeOptional[bot.Pause](m.rdb.Get(ctx, m.keys.Pause()))
	if err != nil {
		return nil, fmt.Errorf("read pause: %w", err)
	}
	return p, nil
}
