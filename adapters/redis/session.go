package redis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"escalation-bot/bot"
	"escalation-bot/conversation"
)

// SessionStore keeps intake sessions with optimistic concurrency. A turn costs two round
// trips: Load (one script reading every gate) and Save (one script). A session is one string,
// its version and its JSON, so that the load reads it in the MGET of the gates and the save
// writes it and its expiry in one SET; a session an earlier version kept as a hash {v, data} is
// read as such and becomes the string at its next save.
//
// Under load, the commands of many turns that arrive while others are on their way to Redis go
// together in one pipeline (see batcher); each turn still waits only for its own replies.
type SessionStore struct {
	rdb   goredis.UniversalClient
	keys  Keys
	cfg   Config
	batch *batcher
	// guesses are the sessions this store saved, for Guess (guess.go).
	guesses *guesses
}

var _ bot.SessionStore = (*SessionStore)(nil)

// NewSessionStore returns a session store over rdb.
func NewSessionStore(rdb goredis.UniversalClient, cfg Config) *SessionStore {
	cfg = cfg.withDefaults()
	return &SessionStore{rdb: rdb, keys: NewKeys(cfg.Tenant), cfg: cfg, batch: newBatcher(rdb), guesses: newGuesses()}
}

// Load reads the owner's session and the gates of a turn in one round trip. It also counts
// the event in the owner's rate window, once per event id: Turn.Recent is the event's place in
// the window, the same however often the event is loaded (a retry, a redelivery).
func (s *SessionStore) Load(ctx context.Context, owner bot.Identity, eventID string) (bot.Turn, error) {
	return s.load(ctx, owner, eventID, true)
}

// Reload is Load without counting: for a retry of the same event after a conflict, or a peek.
// Turn.Recent is the event's place when it was counted, else the events counted so far.
func (s *SessionStore) Reload(ctx context.Context, owner bot.Identity, eventID string) (bot.Turn, error) {
	return s.load(ctx, owner, eventID, false)
}

func (s *SessionStore) load(ctx context.Context, owner bot.Identity, eventID string, count bool) (bot.Turn, error) {
	nkeys := 5
	if eventID != "" {
		nkeys = 7
	}
	args := sessionLoad.args(nkeys, 2)
	args = append(args, s.keys.Conv(owner), s.keys.Block(owner), s.keys.Owner(owner), s.keys.Pause(), s.keys.Rate(owner))
	if eventID != "" {
		args = append(args, s.keys.Seen(eventID), s.keys.Counted(eventID))
	}
	var flag any = "0" // constants: boxed without allocating
	if count {
		flag = "1"
	}
	args = append(args, flag, rateWindowArg.of(s.cfg.RateWindow.Milliseconds()))
	reply, err := s.batch.run(ctx, sessionLoad, args).Slice()
	if err != nil {
		return bot.Turn{}, fmt.Errorf("load session of %s: %w", owner, err)
	}
	turn, err := s.turnOf(owner, reply)
	if err != nil {
		return bot.Turn{}, fmt.Errorf("load session of %s: %w", owner, err)
	}
	return turn, nil
}

// turnOf reads the reply of read_turn (session_turn.lua).
func (s *SessionStore) turnOf(owner bot.Identity, reply []any) (bot.Turn, error) {
	if len(reply) != 6 {
		return bot.Turn{}, fmt.Errorf("unexpected reply %v", reply)
	}
	stored, seen, block, openCase, pause, recent := reply[0], reply[1], reply[2], reply[3], reply[4], reply[5]

	turn := bot.Turn{Session: conversation.Session{Owner: string(owner)}}
	turn.Recent, _ = recent.(int64)
	turn.Seen = seen == int64(1)
	if stored, ok := stored.(string); ok {
		sess, err := parseStored(owner, stored)
		if err != nil {
			return bot.Turn{}, err
		}
		turn.Session, turn.Found = sess, true
	}
	turn.OpenCase, _ = openCase.(string) // "" when absent
	var err error
	if turn.Block, err = decodeValue[bot.Block](block); err != nil {
		return bot.Turn{}, fmt.Errorf("block: %w", err)
	}
	if turn.Pause, err = decodeValue[bot.Pause](pause); err != nil {
		return bot.Turn{}, fmt.Errorf("pause: %w", err)
	}
	return turn, nil
}

// Save writes sess if the stored version is still sess.Version, in one round trip, with the
// lines of keep appended to the owner's dialogue in the same script. ttl is the idle TTL (0: no
// expiry); eventID, when set, is marked seen for Config.DedupeTTL.
func (s *SessionStore) Save(ctx context.Context, sess conversation.Session, eventID string, ttl time.Duration, keep bot.Record) error {
	if sess.Owner == "" {
		return errors.New("save session: no owner")
	}
	expected := sess.Version
	buf := buffers.Get().(*[]byte)
	b, err := appendStored((*buf)[:0], sess)
	defer releaseSaved(ctx, buf, &b)
	if err != nil {
		return fmt.Errorf("save session of %s: %w", sess.Owner, err)
	}
	data := b
	owner := bot.Identity(sess.Owner)
	nkeys := 2
	if len(keep.Lines) > 0 {
		nkeys += len(kept{})
	}
	args := sessionSave.args(nkeys, 14+len(keep.Lines))
	args = append(args, s.keys.Conv(owner), s.keys.Seen(eventID))
	if len(keep.Lines) > 0 {
		for _, k := range s.keys.kept(owner, keep.Appending) {
			args = append(args, k)
		}
	}
	args = append(args, expected, data, sessionTTLArg.of(ttlMillis(ttl)), dedupeArg.of(s.cfg.DedupeTTL.Milliseconds()), evented(eventID))
	if len(keep.Lines) > 0 {
		// The lines go after the session in the same buffer; data keeps its own length.
		if args, b, err = keptArgs(args, b, s.cfg, keep.Appending, keep.Lines, eventID); err != nil {
			return fmt.Errorf("save session of %s: %w", sess.Owner, err)
		}
	}
	reply, err := s.batch.run(ctx, sessionSave, args).Slice()
	if err != nil {
		return fmt.Errorf("save session of %s: %w", sess.Owner, err)
	}
	outcome, _ := reply[0].(string)
	switch outcome {
	case "ok":
		s.guesses.saved(owner, string(data))
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
	s.guesses.forget(owner)
	if err := s.rdb.Del(ctx, s.keys.Conv(owner)).Err(); err != nil {
		return fmt.Errorf("delete session of %s: %w", owner, err)
	}
	return nil
}

// evented is a script's flag of a turn with an event id.
func evented(eventID string) any {
	if eventID == "" {
		return "0" // constants: boxed without allocating
	}
	return "1"
}

// appendStored appends the stored form of sess at its next version: the version, a space and
// the session's JSON (session_save.lua, session_guess.lua).
func appendStored(b []byte, sess conversation.Session) ([]byte, error) {
	sess.Version++
	b = append(strconv.AppendInt(b, sess.Version, 10), ' ')
	return appendSession(b, sess)
}

// parseStored reads a session in its stored form.
func parseStored(owner bot.Identity, stored string) (conversation.Session, error) {
	sess := conversation.Session{Owner: string(owner)}
	version, data, ok := strings.Cut(stored, " ")
	v, err := strconv.ParseInt(version, 10, 64)
	if !ok || err != nil {
		return sess, fmt.Errorf("no version before %q", conversation.Clip(stored, 40))
	}
	// The session as the store writes it reads without encoding/json (see decode.go).
	if !decodeSession(data, &sess) {
		// Decoded apart, so that only this rare path puts a session on the heap.
		alt := sess
		if err := json.Unmarshal([]byte(data), &alt); err != nil {
			return sess, err
		}
		sess = alt
	}
	sess.Version = v // the stored version is the truth; the JSON copy may lag
	return sess, nil
}

// ttlMillis is ttl in whole milliseconds, at least 1 when ttl is set: 0 means no expiry.
func ttlMillis(ttl time.Duration) int64 {
	ms := ttl.Milliseconds()
	if ttl > 0 && ms == 0 {
		ms = 1
	}
	return ms
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
	return decodeJSON[T](raw)
}

// decodeValue decodes the JSON of one value of a script's reply, or returns nil when it is
// nil (the key was absent).
func decodeValue[T any](raw any) (*T, error) {
	if raw == nil {
		return nil, nil
	}
	text, ok := raw.(string)
	if !ok {
		return nil, fmt.Errorf("unexpected value %v", raw)
	}
	return decodeJSON[T]([]byte(text))
}

func decodeJSON[T any](raw []byte) (*T, error) {
	v := new(T)
	if err := json.Unmarshal(raw, v); err != nil {
		return nil, err
	}
	return v, nil
}
