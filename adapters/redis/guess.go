package redis

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"escalation-bot/bot"
	"escalation-bot/conversation"
)

// A process that saved an owner's session usually handles the owner's next event too (one
// replica, or lanes that keep an owner on one): SessionStore remembers what it saved, so that
// the next turn can run on it and be read and written by one script (session_guess.lua) instead
// of a load and a save. Where the owner's events go round several replicas a guess misses; after
// one miss the store guesses that owner's session no more, until it forgets the owner.
const (
	// guessesMax bounds the sessions kept for guesses (a session is a kilobyte or two).
	guessesMax = 4096
	// guessTTL is how long a saved session is guessed: an owner in the middle of an intake
	// answers within minutes.
	guessTTL = 10 * time.Minute
)

// guesses are the sessions a store saved, by owner. Safe for concurrent use.
type guesses struct {
	mu    sync.Mutex
	items map[bot.Identity]guessed
}

type guessed struct {
	stored string // as written: "<version> <session JSON>"
	at     time.Time
	missed bool // a guess of this owner's session missed: guess no more
}

func newGuesses() *guesses {
	return &guesses{items: make(map[bot.Identity]guessed)}
}

// saved records the session the store wrote for owner.
func (g *guesses) saved(owner bot.Identity, stored string) {
	now := time.Now()
	g.mu.Lock()
	defer g.mu.Unlock()
	old, ok := g.items[owner]
	if !ok && len(g.items) >= guessesMax {
		for k := range g.items { // any owner: a map's range starts anywhere
			delete(g.items, k)
			break
		}
	}
	missed := ok && old.missed && now.Sub(old.at) < guessTTL
	g.items[owner] = guessed{stored: stored, at: now, missed: missed}
}

// get returns what the store wrote for owner last, when it may be guessed.
func (g *guesses) get(owner bot.Identity) (string, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	it, ok := g.items[owner]
	if !ok || it.missed || time.Since(it.at) >= guessTTL {
		return "", false
	}
	return it.stored, true
}

// missed records that a guess of owner's session did not hold.
func (g *guesses) missed(owner bot.Identity) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if it, ok := g.items[owner]; ok {
		g.items[owner] = guessed{at: it.at, missed: true}
	}
}

// forget drops what was kept of owner.
func (g *guesses) forget(owner bot.Identity) {
	g.mu.Lock()
	defer g.mu.Unlock()
	delete(g.items, owner)
}

var _ bot.Guesser = (*SessionStore)(nil)

// Guess returns the owner's session as this store saved it last (see guesses).
func (s *SessionStore) Guess(owner bot.Identity) (bot.Guess, bool) {
	stored, ok := s.guesses.get(owner)
	if !ok {
		return bot.Guess{}, false
	}
	sess, err := parseStored(owner, stored)
	if err != nil {
		return bot.Guess{}, false // the load reads it and says what is wrong
	}
	return bot.Guess{Session: sess, Stored: stored}, true
}

// SaveGuess is a Load and a Save in one round trip, for a turn run on g (see bot.Guesser).
func (s *SessionStore) SaveGuess(ctx context.Context, g bot.Guess, sess conversation.Session, eventID string, ttl time.Duration, keep bot.Record, limit int64) (bot.Turn, bool, error) {
	owner := bot.Identity(sess.Owner)
	if owner == "" {
		return bot.Turn{}, false, errors.New("save a guessed session: no owner")
	}
	buf := buffers.Get().(*[]byte)
	b, err := appendStored((*buf)[:0], sess)
	defer releaseSaved(ctx, buf, &b)
	if err != nil {
		return bot.Turn{}, false, fmt.Errorf("save session of %s: %w", owner, err)
	}
	data := b
	nkeys := 7
	if len(keep.Lines) > 0 {
		nkeys += len(kept{})
	}
	args := sessionGuess.args(nkeys, 16+len(keep.Lines))
	args = append(args, s.keys.Conv(owner), s.keys.Block(owner), s.keys.Owner(owner), s.keys.Pause(), s.keys.Rate(owner), s.keys.Seen(eventID), s.keys.Counted(eventID))
	if len(keep.Lines) > 0 {
		for _, k := range s.keys.kept(owner, keep.Appending) {
			args = append(args, k)
		}
	}
	args = append(args, rateWindowArg.of(s.cfg.RateWindow.Milliseconds()), rateLimitArg.of(limit), g.Stored, data,
		sessionTTLArg.of(ttlMillis(ttl)), dedupeArg.of(s.cfg.DedupeTTL.Milliseconds()), evented(eventID))
	if len(keep.Lines) > 0 {
		if args, b, err = keptArgs(args, b, s.cfg, keep.Appending, keep.Lines, eventID); err != nil {
			return bot.Turn{}, false, fmt.Errorf("save session of %s: %w", owner, err)
		}
	}
	reply, err := s.batch.run(ctx, sessionGuess, args).Slice()
	if err != nil {
		return bot.Turn{}, false, fmt.Errorf("save session of %s: %w", owner, err)
	}
	if len(reply) == 2 && reply[0] == "ok" {
		recent, _ := reply[1].(int64)
		s.guesses.saved(owner, string(data))
		return bot.Turn{Session: sess, Found: true, Recent: recent}, true, nil
	}
	s.guesses.missed(owner)
	turn, err := s.turnOf(owner, reply)
	if err != nil {
		return bot.Turn{}, false, fmt.Errorf("save session of %s: %w", owner, err)
	}
	return turn, false, nil
}
