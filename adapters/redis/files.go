package redis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"escalation-bot/bot"
)

// Files keeps owners' files, each in one hash (esc:{t}:file:<id>: owner, meta, data) that
// expires: erasing a person's files is finding the hashes whose owner is theirs.
type Files struct {
	rdb  goredis.UniversalClient
	keys Keys
}

var _ bot.FileStore = (*Files)(nil)

// NewFiles returns a file store over rdb.
func NewFiles(rdb goredis.UniversalClient, cfg Config) *Files {
	cfg = cfg.withDefaults()
	return &Files{rdb: rdb, keys: NewKeys(cfg.Tenant)}
}

// Put stores the file and its expiry in one transaction.
func (f *Files) Put(ctx context.Context, a bot.Attachment, ttl time.Duration) error {
	meta, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("put file %s: %w", a.ID, err)
	}
	key := f.keys.File(a.ID)
	_, err = f.rdb.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		p.HSet(ctx, key, "owner", string(a.Owner), "meta", meta, "data", a.Data)
		p.PExpire(ctx, key, max(ttl, time.Millisecond))
		return nil
	})
	if err != nil {
		return fmt.Errorf("put file %s: %w", a.ID, err)
	}
	return nil
}

// Get returns the file with its bytes.
func (f *Files) Get(ctx context.Context, id string) (bot.Attachment, error) {
	v, err := f.rdb.HMGet(ctx, f.keys.File(id), "meta", "data").Result()
	if err != nil {
		return bot.Attachment{}, fmt.Errorf("get file %s: %w", id, err)
	}
	a, err := decodeFile(id, v[0])
	if err != nil {
		return a, err
	}
	data, _ := v[1].(string)
	a.Data = []byte(data)
	return a, nil
}

// Info returns the file without its bytes.
func (f *Files) Info(ctx context.Context, id string) (bot.Attachment, error) {
	meta, err := f.rdb.HGet(ctx, f.keys.File(id), "meta").Result()
	if errors.Is(err, goredis.Nil) {
		return bot.Attachment{}, fmt.Errorf("file %s: %w", id, bot.ErrNotFound)
	}
	if err != nil {
		return bot.Attachment{}, fmt.Errorf("file %s: %w", id, err)
	}
	return decodeFile(id, meta)
}

// Keep sets the file's expiry from now.
func (f *Files) Keep(ctx context.Context, id string, ttl time.Duration) error {
	if err := f.rdb.PExpire(ctx, f.keys.File(id), max(ttl, time.Millisecond)).Err(); err != nil {
		return fmt.Errorf("keep file %s: %w", id, err)
	}
	return nil
}

func decodeFile(id string, meta any) (bot.Attachment, error) {
	s, ok := meta.(string)
	if !ok || s == "" {
		return bot.Attachment{}, fmt.Errorf("file %s: %w", id, bot.ErrNotFound)
	}
	var a bot.Attachment
	if err := json.Unmarshal([]byte(s), &a); err != nil {
		return bot.Attachment{}, fmt.Errorf("file %s: %w", id, err)
	}
	return a, nil
}
