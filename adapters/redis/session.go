package redis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"escalation-bot/bot"
	"escalation-bot/conversation"
)

// SessionStore keeps intake sessions with optimistic concurrency. A turn costs two round
// trips: Load (one MULTI with every gate) and Save (one script).
type SessionStore struct {
	rdb  goredis.UniversalClient
	keys Keys
	cfg  Config
}

var _ bot.SessionStore = (*SessionStore)(nil)

// NewSessionStore returns a session store over rdb.
func NewSessionStore(rdb goredis.UniversalClient, cfg Config) *SessionStore {
	cfg = cfg.withDefaults()
	return &SessionStore{rdb: rdb, keys: NewKeys(cfg.Tenant), cfg: cfg}
}

// Load reads the owner's session and the gates of a turn in one round trip. It also counts
// the event in the owner's rate window, so Turn.Recent includes this event.
func (s *SessionStore) Load(ctx context.Context, owner bot.Identity, eventID string) (bot.Turn, error) {
	return s.load(ctx, owner, eventID, true)
}

// Reload is Load for a retry of the same event after a conflict: it does not count the event
// again, so a burst that collides does not eat the owner's rate budget.
func (s *SessionStore) Reload(ctx context.Context, owner bot.Identity, eventID string) (bot.Turn, error) {
	return s.load(ctx, owner, eventID, false)
}

func (s *SessionStore) load(ctx context.Context, owner bot.Identity, eventID string, count bool) (bot.Turn, error) {
	var (
		conv  *goredis.SliceCmd
		seen  *goredis.IntCmd
		block *goredis.StringCmd
		pause *goredis.StringCmd
		rate  *goredis.IntCmd
		// recent reads the counter without counting (Reload).
		recent   *goredis.StringCmd
		openCase *goredis.StringCmd
	)
	// MULTI rather than a plain pipeline: the INCR and its PEXPIRE NX must not be split by a
	// crash, or the counter would never expire. Every key shares the tenant's slot.
	cmds, err := s.rdb.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		conv = p.HMGet(ctx, s.keys.Conv(owner), "v", "data")
		if eventID != "" {
			seen = p.Exists(ctx, s.keys.Seen(eventID))
		}
		block = p.Get(ctx, s.keys.Block(owner))
		openCase = p.Get(ctx, s.keys.Owner(owner))
		pause = p.Get(ctx, s.keys.Pause())
		if !count {
			recent = p.Get(ctx, s.keys.Rate(owner))
			return nil
		}
		rate = p.Incr(ctx, s.keys.Rate(owner))
		// go-redis has ExpireNX (seconds) but no PExpireNX; the window may be sub-second.
		p.Do(ctx, "pexpire", s.keys.Rate(owner), s.cfg.RateWindow.Milliseconds(), "nx")
		return nil
	})
	if err != nil && !errors.Is(err, goredis.Nil) {
		return bot.Turn{}, fmt.Errorf("load session of %s: %w", owner, err)
	}
	// The pipeline reports only its first error, and an absent key (Nil) may hide a real one.
	for _, c := range cmds {
		if err := c.Err(); err != nil && !errors.Is(err, goredis.Nil) {
			return bot.Turn{}, fmt.Errorf("load session of %s: %s: %w", owner, c.Name(), err)
		}
	}

	turn := bot.Turn{Session: conversation.Session{Owner: string(owner)}}
	if rate != nil {
		turn.Recent = rate.Val()
	} else {
		turn.Recent, _ = strconv.ParseInt(recent.Val(), 10, 64) // absent: 0
	}
	if seen != nil {
		turn.Seen = seen.Val() == 1
	}
	if vals := conv.Val(); len(vals) == 2 && vals[1] != nil {
		version, err := strconv.ParseInt(fmt.Sprint(vals[0]), 10, 64)
		if err != nil {
			return bot.Turn{}, fmt.Errorf("load session of %s: version %v: %w", owner, vals[0], err)
		}
		data, _ := vals[1].(string)
		if err := json.Unmarshal([]byte(data), &turn.Session); err != nil {
			return bot.Turn{}, fmt.Errorf("load session of %s: %w", owner, err)
		}
		turn.Session.Version = version // the hash field is the truth; the JSON copy may lag
		turn.Found = true
	}
	turn.OpenCase = openCase.Val() // "" when absent
	if turn.Block, err = decodeOptional[bot.Block](block); err != nil {
		return bot.Turn{}, fmt.Errorf("load session of %s: block: %w", owner, err)
	}
	if turn.Pause, err = decodeOptional[bot.Pause](pause); err != nil {
		return bot.Turn{}, fmt.Errorf("load session of %s: pause: %w", owner, err)
	}
	return turn, nil
}

// Save writes sess if the stored version is still sess.Version, in one round trip. ttl is the
// idle TTL (0: no expiry); eventID, when set, is marked seen for Config.DedupeTTL.
func (s *SessionStore) Save(ctx context.Context, sess conversation.Session, eventID string, ttl time.Duration) error {
	if sess.Owner == "" {
		return errors.New("save session: no owner")
	}
	expected := sess.Version
	sess.Version++
	data, err := json.Marshal(sess)
	if err != nil {
		return fmt.Errorf("save session of %s: %w", sess.Owner, err)
	}
	keys := []string{s.keys.Conv(bot.Identity(sess.Owner))}
	if eventID != "" {
		keys = append(keys, s.keys.Seen(eventID))
	}
	ttlMS := ttl.Milliseconds()
	if ttl > 0 && ttlMS == 0 {
		ttlMS = 1 // 0 would mean "no expiry"
	}
	reply, err := sessionSave.Run(ctx, s.rdb, keys,
		expected, data, ttlMS, s.cfg.DedupeTTL.Milliseconds()).Slice()
	if err != nil {
		return fmt.Errorf("save session of %s: %w", sess.Owner, err)
	}
	outcome, _ := reply[0].(string)
	switch outcome {
	case "ok":
		return nil
	case "duplicate":
		return fmt.Errorf("save session of %s: event %s: %w", sess.Owner, eventID, bot.ErrDuplicateEvent)
	case "conflict":
		return fmt.Errorf("save session of %s: loaded version %d, stored %v: %w", sess.Owner, expected, reply[1], bot.ErrConflict)
	default:
		return fmt.Errorf("save session of %s: unexpected reply %v", sess.Owner, reply)
	}
}

// Delete forgets the owner's session.
func (s *SessionStore) Delete(ctx context.Context, owner bot.Identity) error {
	if err := s.rdb.Del(ctx, s.keys.Conv(owner)).Err(); err != nil {
		return fmt.Errorf("delete session of %s: %w", owner, err)
	}
	return nil
}

// decodeOptional decodes the JSON of a GET, or returns nil when the key was absent.
func decodeOptional[T any](cmd *goredis.StringCmd) (*T, error) {
	raw, err := cmd.Bytes()
	if errors.Is(err, goredis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	v := new(T)
	if err := json.Unmarshal(raw, v); err != nil {
		return nil, err
	}
	return v, nil
}
