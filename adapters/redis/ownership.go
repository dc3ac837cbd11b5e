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

// Verifications keep the moderators' word on who owns which vehicle, and the registration
// photos owners send them.
type Verifications struct {
	rdb  goredis.UniversalClient
	keys Keys
}

var _ bot.Verifications = (*Verifications)(nil)

// NewVerifications returns the verification store over rdb.
func NewVerifications(rdb goredis.UniversalClient, cfg Config) *Verifications {
	cfg = cfg.withDefaults()
	return &Verifications{rdb: rdb, keys: NewKeys(cfg.Tenant)}
}

// Verify records that user owns vin.
func (v *Verifications) Verify(ctx context.Context, user bot.Identity, vin string) error {
	if err := v.rdb.SAdd(ctx, v.keys.Owns(user), vin).Err(); err != nil {
		return fmt.Errorf("verify %s: %w", user, err)
	}
	return nil
}

// Unverify takes the record back and reports whether it was there.
func (v *Verifications) Unverify(ctx context.Context, user bot.Identity, vin string) (bool, error) {
	n, err := v.rdb.SRem(ctx, v.keys.Owns(user), vin).Result()
	if err != nil {
		return false, fmt.Errorf("unverify %s: %w", user, err)
	}
	return n > 0, nil
}

// Verified reports whether a moderator verified that user owns vin.
func (v *Verifications) Verified(ctx context.Context, user bot.Identity, vin string) (bool, error) {
	ok, err := v.rdb.SIsMember(ctx, v.keys.Owns(user), vin).Result()
	if err != nil {
		return false, fmt.Errorf("verified %s: %w", user, err)
	}
	return ok, nil
}

// proofAdd keeps a proof once.
//
// KEYS[1] esc:{t}:proof:<id>   KEYS[2] esc:{t}:proofs
// ARGV[1] doc   ARGV[2] photo   ARGV[3] ttl in ms   ARGV[4] at, Unix ms   ARGV[5] id
// Returns 1 when the proof was added, 0 when one with its id is kept already (nothing written).
var proofAdd = goredis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
redis.call('HSET', KEYS[1], 'doc', ARGV[1], 'photo', ARGV[2], 'decision', '')
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[5])
return 1
`)

// AddProof keeps the proof and its photo for ttl and lists it as waiting; a proof with the same
// id kept already is left as it is, with bot.ErrDuplicateEvent.
func (v *Verifications) AddProof(ctx context.Context, p bot.Proof, ttl time.Duration) error {
	doc, err := json.Marshal(proofDoc{Proof: p, Name: p.Photo.Name, ContentType: p.Photo.ContentType})
	if err != nil {
		return fmt.Errorf("add proof %s: %w", p.ID, err)
	}
	added, err := proofAdd.Run(ctx, v.rdb, []string{v.keys.Proof(p.ID), v.keys.Proofs()},
		doc, p.Photo.Data, ttl.Milliseconds(), p.At.UnixMilli(), p.ID).Int()
	if err != nil {
		return fmt.Errorf("add proof %s: %w", p.ID, err)
	}
	if added == 0 {
		return fmt.Errorf("add proof %s: %w", p.ID, bot.ErrDuplicateEvent)
	}
	return nil
}

// proofDoc is a proof as stored: the photo's bytes are a field of their own.
type proofDoc struct {
	bot.Proof
	Name        string `json:"photo_name,omitempty"`
	ContentType string `json:"photo_type,omitempty"`
}

// GetProof returns the proof with its photo.
func (v *Verifications) GetProof(ctx context.Context, id string) (bot.Proof, error) {
	h, err := v.rdb.HGetAll(ctx, v.keys.Proof(id)).Result()
	if err != nil {
		return bot.Proof{}, fmt.Errorf("get proof %s: %w", id, err)
	}
	if len(h) == 0 {
		return bot.Proof{}, fmt.Errorf("proof %s: %w", id, bot.ErrNotFound)
	}
	p, err := decodeProof(h)
	if err != nil {
		return bot.Proof{}, fmt.Errorf("get proof %s: %w", id, err)
	}
	p.Photo.Data = []byte(h["photo"])
	return p, nil
}

func decodeProof(h map[string]string) (bot.Proof, error) {
	var d proofDoc
	if err := json.Unmarshal([]byte(h["doc"]), &d); err != nil {
		return bot.Proof{}, err
	}
	p := d.Proof
	p.Photo.Name, p.Photo.ContentType = d.Name, d.ContentType
	p.Decision, p.By = h["decision"], bot.Identity(h["by"])
	return p, nil
}

// proofDecide records a decision on a waiting proof, once.
//
// KEYS[1] esc:{t}:proof:<id>   KEYS[2] esc:{t}:proofs
// ARGV[1] decision   ARGV[2] by   ARGV[3] id
// Returns {"ok", field, value, ...}, {"decided", field, value, ...} or {"missing"}; the photo
// is left out of the fields.
var proofDecide = goredis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('ZREM', KEYS[2], ARGV[3])
  return {'missing'}
end
local outcome = 'decided'
if (redis.call('HGET', KEYS[1], 'decision') or '') == '' then
  redis.call('HSET', KEYS[1], 'decision', ARGV[1], 'by', ARGV[2])
  redis.call('ZREM', KEYS[2], ARGV[3])
  outcome = 'ok'
end
local h = redis.call('HMGET', KEYS[1], 'doc', 'decision', 'by')
return {outcome, 'doc', h[1], 'decision', h[2], 'by', h[3] or ''}
`)

// DecideProof records the decision of a waiting proof, once.
func (v *Verifications) DecideProof(ctx context.Context, id, decision string, by bot.Identity) (bot.Proof, error) {
	reply, err := proofDecide.Run(ctx, v.rdb, []string{v.keys.Proof(id), v.keys.Proofs()}, decision, string(by), id).StringSlice()
	if err != nil {
		return bot.Proof{}, fmt.Errorf("decide proof %s: %w", id, err)
	}
	if reply[0] == "missing" {
		return bot.Proof{}, fmt.Errorf("proof %s: %w", id, bot.ErrNotFound)
	}
	p, err := decodeProof(pairs(reply[1:]))
	if err != nil {
		return bot.Proof{}, fmt.Errorf("decide proof %s: %w", id, err)
	}
	if reply[0] == "decided" {
		return p, fmt.Errorf("proof %s: %w", id, bot.ErrWrongStatus)
	}
	return p, nil
}

// ProofsOf lists the proofs owner sent, waiting or decided, without their photos. No index
// names them by owner, so it scans the tenant's proofs (kept 30 days), without blocking the
// server.
func (v *Verifications) ProofsOf(ctx context.Context, owner bot.Identity) ([]bot.Proof, error) {
	var out []bot.Proof
	err := eachMaster(ctx, v.rdb, func(ctx context.Context, node goredis.Cmdable) error {
		return ownProofs(ctx, node, v.keys, owner, func(_ string, p bot.Proof) error {
			out = append(out, p)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("proofs of a person: %w", err)
	}
	return out, nil
}

// ownProofs calls fn with the key and the proof (without its photo) of every proof of owner
// that one node holds.
func ownProofs(ctx context.Context, node goredis.Cmdable, keys Keys, owner bot.Identity, fn func(key string, p bot.Proof) error) error {
	iter := node.Scan(ctx, 0, globEscape(keys.Proof(""))+"*", 1000).Iterator()
	for iter.Next(ctx) {
		vals, err := node.HMGet(ctx, iter.Val(), "doc", "decision", "by").Result()
		if err != nil {
			return err
		}
		doc, _ := vals[0].(string)
		decision, _ := vals[1].(string)
		by, _ := vals[2].(string)
		p, err := decodeProof(map[string]string{"doc": doc, "decision": decision, "by": by})
		if err != nil || p.Owner != owner {
			continue // gone meanwhile, or another's
		}
		if err := fn(iter.Val(), p); err != nil {
			return err
		}
	}
	return iter.Err()
}

// WaitingProofs lists the proofs not decided yet, oldest first, without their photos. A
// proof that expired leaves the list as it is found missing.
func (v *Verifications) WaitingProofs(ctx context.Context, limit int) ([]bot.Proof, error) {
	ids, err := v.rdb.ZRange(ctx, v.keys.Proofs(), 0, int64(limit-1)).Result()
	if err != nil {
		return nil, fmt.Errorf("waiting proofs: %w", err)
	}
	docs := make([]*goredis.SliceCmd, len(ids))
	_, err = v.rdb.Pipelined(ctx, func(p goredis.Pipeliner) error {
		for i, id := range ids {
			docs[i] = p.HMGet(ctx, v.keys.Proof(id), "doc", "decision", "by")
		}
		return nil
	})
	if err != nil && !errors.Is(err, goredis.Nil) {
		return nil, fmt.Errorf("waiting proofs: %w", err)
	}
	out := make([]bot.Proof, 0, len(ids))
	for i, id := range ids {
		vals := docs[i].Val()
		doc, _ := vals[0].(string)
		if doc == "" {
			v.rdb.ZRem(ctx, v.keys.Proofs(), id) // expired
			continue
		}
		decision, _ := vals[1].(string)
		by, _ := vals[2].(string)
		p, err := decodeProof(map[string]string{"doc": doc, "decision": decision, "by": by})
		if err != nil {
			return nil, fmt.Errorf("waiting proof %s: %w", id, err)
		}
		out = append(out, p)
	}
	return out, nil
}
