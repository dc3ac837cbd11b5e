package redis_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"escalation-bot/adapters/redis"
	"escalation-bot/bot"
	"escalation-bot/conversation"
	"escalation-bot/xtest/redistest"
)

// guessed saves the first session of owner through s, so that s guesses it, and returns the
// guess.
func guessed(t *testing.T, s stores) bot.Guess {
	t.Helper()
	sess := guessedSession()
	if err := s.sessions.Save(context.Background(), sess, "ev-0", time.Hour, bot.Record{}); err != nil {
		t.Fatal(err)
	}
	g, ok := s.sessions.Guess(owner)
	if !ok {
		t.Fatal("no guess of the session the store saved")
	}
	sess.Version = 1
	if !reflect.DeepEqual(g.Session, sess) {
		t.Fatalf("Guess = %+v, want %+v", g.Session, sess)
	}
	return g
}

// next is the turn a guess leads to: the owner answered the model.
func next(g bot.Guess) conversation.Session {
	sess := g.Session
	sess.Answers = map[string]string{"ticket": "none", "model": "Model 3"}
	sess.History = append(sess.History[:len(sess.History):len(sess.History)], "model")
	sess.Step, sess.Turns, sess.LastEvent = "year", sess.Turns+1, "ev-1"
	return sess
}

// A guessed turn is saved, its event marked, its lines kept and its place in the rate window
// counted, in one round trip, when what is stored is what was guessed and no gate stands;
// otherwise nothing is written but the count, the turn as Load would have read it comes back,
// and the store stops guessing the owner's session.
func TestSaveGuess(t *testing.T) {
	turnLines := []bot.Line{line(bot.RoleOwner, "Model 3", t0), line(bot.RoleBot, "Which year?", t0)}
	keep := bot.Record{Appending: bot.Appending{Key: "turn:ev-1", Event: "ev-1", TTL: time.Hour}, Lines: turnLines}
	cases := []struct {
		name string
		// meddle changes what is stored after the guess was taken; other is another replica.
		meddle func(t *testing.T, s, other stores)
		limit  int64
		saved  bool
		check  func(t *testing.T, turn bot.Turn)
	}{
		{name: "stored as guessed", limit: 30, saved: true},
		// The turn's lines were appended under its key already (the event answered before
		// its save): the save keeps them no second time.
		{name: "lines appended before", limit: 30, saved: true, meddle: func(t *testing.T, s, other stores) {
			d := redis.NewDialogues(s.rdb, redis.Config{Tenant: s.cfg.Tenant})
			if err := d.Append(context.Background(), owner, keep.Appending, keep.Lines...); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "saved by another replica", limit: 30, meddle: func(t *testing.T, s, other stores) {
			sess := guessedSession()
			sess.Version, sess.Step = 1, "year"
			if err := other.sessions.Save(context.Background(), sess, "ev-x", time.Hour, bot.Record{}); err != nil {
				t.Fatal(err)
			}
		}, check: func(t *testing.T, turn bot.Turn) {
			if !turn.Found || turn.Session.Version != 2 || turn.Session.Step != "year" {
				t.Errorf("turn read %+v, want the other replica's session, version 2", turn.Session)
			}
		}},
		{name: "deleted and saved again to the same version", limit: 30, meddle: func(t *testing.T, s, other stores) {
			if err := other.sessions.Delete(context.Background(), owner); err != nil {
				t.Fatal(err)
			}
			fresh := conversation.Session{Owner: string(owner), Stage: conversation.StageIntake, Step: "consent", Started: t0.Add(time.Minute).UTC()}
			if err := other.sessions.Save(context.Background(), fresh, "ev-y", time.Hour, bot.Record{}); err != nil {
				t.Fatal(err)
			}
		}, check: func(t *testing.T, turn bot.Turn) {
			if !turn.Found || turn.Session.Version != 1 || turn.Session.Step != "consent" {
				t.Errorf("turn read %+v, want the new session at version 1", turn.Session)
			}
		}},
		{name: "event handled", limit: 30, meddle: func(t *testing.T, s, other stores) {
			sess := guessedSession()
			sess.Version = 1
			if err := other.sessions.Save(context.Background(), sess, "ev-1", time.Hour, bot.Record{}); err != nil {
				t.Fatal(err)
			}
		}, check: func(t *testing.T, turn bot.Turn) {
			if !turn.Seen {
				t.Error("the handled event is not seen")
			}
		}},
		{name: "owner blocked", limit: 30, meddle: func(t *testing.T, s, other stores) {
			if err := other.mod.SetBlock(context.Background(), bot.Block{User: owner, Reason: "spam", By: "slack:T1:MOD"}); err != nil {
				t.Fatal(err)
			}
		}, check: func(t *testing.T, turn bot.Turn) {
			if turn.Block == nil || turn.Block.Reason != "spam" {
				t.Errorf("Block = %+v, want the moderator's", turn.Block)
			}
		}},
		{name: "intake paused", limit: 30, meddle: func(t *testing.T, s, other stores) {
			if err := other.mod.SetPause(context.Background(), &bot.Pause{Message: "back on Monday", By: "slack:T1:MOD", Since: t0.UTC()}); err != nil {
				t.Fatal(err)
			}
		}, check: func(t *testing.T, turn bot.Turn) {
			if turn.Pause == nil || turn.Pause.Message != "back on Monday" {
				t.Errorf("Pause = %+v, want the moderator's", turn.Pause)
			}
		}},
		{name: "past the rate limit", limit: 0, check: func(t *testing.T, turn bot.Turn) {
			if turn.Recent != 1 {
				t.Errorf("Recent = %d, want 1", turn.Recent)
			}
		}},
		// An earlier version kept the session as a hash: the same session is the guess, and is
		// replaced by the string; another is not.
		{name: "kept as a hash as guessed", limit: 30, saved: true, meddle: keptAsHash("model")},
		{name: "kept as a hash", limit: 30, meddle: keptAsHash("year"), check: func(t *testing.T, turn bot.Turn) {
			if !turn.Found || turn.Session.Version != 1 || turn.Session.Step != "year" {
				t.Errorf("turn read %+v, want the hash's session", turn.Session)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			eachBackend(t, func(t *testing.T, r *redistest.Redis) {
				ctx := context.Background()
				s, other := newStores(r, redis.Config{}), newStores(r, redis.Config{})
				dialogues := redis.NewDialogues(r.Client, redis.Config{Tenant: r.Tenant})
				g := guessed(t, s)
				if tc.meddle != nil {
					tc.meddle(t, s, other)
				}
				before := s.rdb.Dump(ctx, s.keys.Conv(owner)).Val()
				sess := next(g)
				turn, saved, err := s.sessions.SaveGuess(ctx, g, sess, "ev-1", time.Hour, keep, tc.limit)
				if err != nil {
					t.Fatal(err)
				}
				if saved != tc.saved {
					t.Fatalf("SaveGuess saved = %v, want %v", saved, tc.saved)
				}
				lines, err := dialogues.Read(ctx, owner)
				if err != nil {
					t.Fatal(err)
				}
				// Reload finds the event's place in the window: it was counted once, here.
				again, err := s.sessions.Reload(ctx, owner, "ev-1")
				if err != nil {
					t.Fatal(err)
				}
				if tc.saved {
					sess.Version = 2
					if !turn.Found || turn.Recent != 1 || !reflect.DeepEqual(again.Session, sess) || !again.Seen {
						t.Errorf("after the save: turn %+v, stored %+v (seen %v); want recent 1 and %+v, seen", turn, again.Session, again.Seen, sess)
					}
					if len(lines) != len(turnLines) {
						t.Errorf("kept %d lines, want %d", len(lines), len(turnLines))
					}
					if g2, ok := s.sessions.Guess(owner); !ok || !reflect.DeepEqual(g2.Session, sess) {
						t.Errorf("next guess = %+v, %v; want the session saved", g2.Session, ok)
					}
					if typ := s.rdb.Type(ctx, s.keys.Conv(owner)).Val(); typ != "string" {
						t.Errorf("the session saved is a %s, want a string", typ)
					}
					if d := pttl(t, s.rdb, s.keys.Conv(owner)); d <= 0 || d > time.Hour {
						t.Errorf("session PTTL = %s, want within an hour", d)
					}
					if n := r.Client.Exists(ctx, s.keys.Counted("ev-1")).Val(); n != 0 {
						t.Error("a handled event's place in the window was marked")
					}
					return
				}
				if after := s.rdb.Dump(ctx, s.keys.Conv(owner)).Val(); after != before {
					t.Errorf("a missed guess changed the session: %q, was %q", after, before)
				}
				if len(lines) != 0 {
					t.Errorf("a missed guess kept %d lines", len(lines))
				}
				if !turn.Seen && (turn.Recent != 1 || again.Recent != 1) {
					t.Errorf("Recent = %d, then %d on a reload; want 1, counted once", turn.Recent, again.Recent)
				}
				if tc.check != nil {
					tc.check(t, turn)
				}
				if _, ok := s.sessions.Guess(owner); ok {
					t.Error("the store guesses on after a miss")
				}
				// Saving as ever after a miss does not bring the guesses back.
				if turn.Found && !turn.Seen && turn.Block == nil && turn.Pause == nil {
					if err := s.sessions.Save(ctx, turn.Session, "ev-1", time.Hour, bot.Record{}); err != nil {
						t.Fatal(err)
					}
					if _, ok := s.sessions.Guess(owner); ok {
						t.Error("the store guesses again after a miss")
					}
				}
			})
		})
	}
}

// keptAsHash stores the guessed session at step as an earlier version kept it, a hash {v, data}.
func keptAsHash(step string) func(t *testing.T, s, other stores) {
	return func(t *testing.T, s, other stores) {
		sess := guessedSession()
		sess.Version, sess.Step = 1, step
		data, err := json.Marshal(sess)
		if err != nil {
			t.Fatal(err)
		}
		key := s.keys.Conv(owner)
		if err := s.rdb.Del(context.Background(), key).Err(); err != nil {
			t.Fatal(err)
		}
		if err := s.rdb.HSet(context.Background(), key, "v", 1, "data", data).Err(); err != nil {
			t.Fatal(err)
		}
	}
}

// guessedSession is the session guessed() saves, at version 0.
func guessedSession() conversation.Session {
	return conversation.Session{Owner: string(owner), Stage: conversation.StageIntake, Step: "model",
		Answers: map[string]string{"ticket": "none"}, History: []string{"consent", "ticket"}, Turns: 2, Started: t0.UTC()}
}

// A store guesses only what it saved, and forgets what it deleted.
func TestGuessOnlySaved(t *testing.T) {
	eachBackend(t, func(t *testing.T, r *redistest.Redis) {
		ctx := context.Background()
		s, other := newStores(r, redis.Config{}), newStores(r, redis.Config{})
		guessed(t, other)
		if _, err := s.sessions.Load(ctx, owner, "ev-1"); err != nil {
			t.Fatal(err)
		}
		if _, ok := s.sessions.Guess(owner); ok {
			t.Error("a store guesses a session it only loaded")
		}
		if err := other.sessions.Delete(ctx, owner); err != nil {
			t.Fatal(err)
		}
		if _, ok := other.sessions.Guess(owner); ok {
			t.Error("a store guesses a session it deleted")
		}
	})
}

// Guesses of one owner's session at once: exactly one is saved, the others come back with the
// stored session, each event counted once.
func TestSaveGuessesAtOnce(t *testing.T) {
	eachBackend(t, func(t *testing.T, r *redistest.Redis) {
		ctx := context.Background()
		s := newStores(r, redis.Config{})
		g := guessed(t, s)
		const n = 8
		var wg sync.WaitGroup
		saved := make([]bool, n)
		turns := make([]bot.Turn, n)
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() {
				sess := next(g)
				sess.LastEvent = fmt.Sprintf("ev-%d", i+1)
				turns[i], saved[i], errs[i] = s.sessions.SaveGuess(ctx, g, sess, sess.LastEvent, time.Hour, bot.Record{}, 30)
			})
		}
		wg.Wait()
		won := 0
		places := map[int64]bool{}
		for i := range n {
			if errs[i] != nil {
				t.Fatal(errs[i])
			}
			if saved[i] {
				won++
			} else if !turns[i].Found || turns[i].Session.Version != 2 {
				t.Errorf("a missed guess read %+v, want the winner's session", turns[i].Session)
			}
			places[turns[i].Recent] = true
		}
		if won != 1 {
			t.Errorf("%d guesses saved, want 1", won)
		}
		if len(places) != n {
			t.Errorf("the events got places %v, want %d different ones", places, n)
		}
	})
}
