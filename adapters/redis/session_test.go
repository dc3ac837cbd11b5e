package redis_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"escalation-bot/adapters/redis"
	"escalation-bot/bot"
	"escalation-bot/conversation"
	"escalation-bot/xtest/redistest"
)

const owner = bot.Identity("slack:T1:U1")

func TestSessionLoadMissing(t *testing.T) {
	eachBackend(t, func(t *testing.T, r *redistest.Redis) {
		s := newStores(r, redis.Config{})
		turn, err := s.sessions.Load(context.Background(), owner, "ev-1")
		if err != nil {
			t.Fatal(err)
		}
		want := bot.Turn{Session: conversation.Session{Owner: string(owner)}, Recent: 1}
		if !reflect.DeepEqual(turn, want) {
			t.Errorf("Load = %+v, want %+v", turn, want)
		}
	})
}

func TestSessionSaveLoad(t *testing.T) {
	eachBackend(t, func(t *testing.T, r *redistest.Redis) {
		ctx := context.Background()
		s := newStores(r, redis.Config{})
		sess := conversation.Session{
			Owner:   string(owner),
			Stage:   conversation.StageIntake,
			Step:    "vin",
			Answers: map[string]string{"model": "Model 3", "year": "2019"},
			History: []string{"consent", "model", "year"},
			Turns:   3,
			Started: t0.UTC(),
		}
		for version := int64(1); version <= 3; version++ {
			if err := s.sessions.Save(ctx, sess, fmt.Sprintf("ev-%d", version), time.Hour, bot.Record{}); err != nil {
				t.Fatalf("save %d: %v", version, err)
			}
			turn, err := s.sessions.Load(ctx, owner, "")
			if err != nil {
				t.Fatal(err)
			}
			sess.Version = version
			if !turn.Found || !reflect.DeepEqual(turn.Session, sess) {
				t.Fatalf("Load after save %d = found %v, %+v; want %+v", version, turn.Found, turn.Session, sess)
			}
			sess.Turns++
		}
	})
}

func TestSessionStaleVersion(t *testing.T) {
	eachBackend(t, func(t *testing.T, r *redistest.Redis) {
		ctx := context.Background()
		s := newStores(r, redis.Config{})
		first := conversation.Session{Owner: string(owner), Step: "a"}
		if err := s.sessions.Save(ctx, first, "ev-1", time.Hour, bot.Record{}); err != nil {
			t.Fatal(err)
		}
		// Another replica loaded version 0 too: creating again must fail.
		second := conversation.Session{Owner: string(owner), Step: "b"}
		if err := s.sessions.Save(ctx, second, "ev-2", time.Hour, bot.Record{}); !errors.Is(err, bot.ErrConflict) {
			t.Fatalf("save over a newer version: %v, want ErrConflict", err)
		}
		turn, _ := s.sessions.Load(ctx, owner, "ev-2")
		if turn.Session.Step != "a" || turn.Session.Version != 1 {
			t.Errorf("after conflict: %+v, want step a at version 1", turn.Session)
		}
		if turn.Seen {
			t.Error("a refused save marked its event seen")
		}
		turn.Session.Version = 7
		if err := s.sessions.Save(ctx, turn.Session, "", time.Hour, bot.Record{}); !errors.Is(err, bot.ErrConflict) {
			t.Fatalf("save of a version from the future: %v, want ErrConflict", err)
		}
	})
}

func TestSessionReplayedEvent(t *testing.T) {
	eachBackend(t, func(t *testing.T, r *redistest.Redis) {
		ctx := context.Background()
		s := newStores(r, redis.Config{})
		turn, _ := s.sessions.Load(ctx, owner, "ev-1")
		turn.Session.Step = "model"
		if err := s.sessions.Save(ctx, turn.Session, "ev-1", time.Hour, bot.Record{}); err != nil {
			t.Fatal(err)
		}
		replay, err := s.sessions.Load(ctx, owner, "ev-1")
		if err != nil {
			t.Fatal(err)
		}
		if !replay.Seen {
			t.Error("Load of a handled event: Seen = false")
		}
		// A replica that loaded before the first save finished must not apply it again,
		// and the error must say duplicate, not conflict, so nobody retries.
		if err := s.sessions.Save(ctx, turn.Session, "ev-1", time.Hour, bot.Record{}); !errors.Is(err, bot.ErrDuplicateEvent) {
			t.Errorf("save of a replayed event over a stale version: %v, want ErrDuplicateEvent", err)
		}
		if err := s.sessions.Save(ctx, replay.Session, "ev-1", time.Hour, bot.Record{}); !errors.Is(err, bot.ErrDuplicateEvent) {
			t.Errorf("save of a replayed event: %v, want ErrDuplicateEvent", err)
		}
		after, _ := s.sessions.Load(ctx, owner, "")
		if after.Session.Version != 1 {
			t.Errorf("version after replays = %d, want 1", after.Session.Version)
		}
	})
}

func TestSessionTTL(t *testing.T) {
	eachBackend(t, func(t *testing.T, r *redistest.Redis) {
		ctx := context.Background()
		s := newStores(r, redis.Config{DedupeTTL: 10 * time.Minute})
		sess := conversation.Session{Owner: string(owner)}
		if err := s.sessions.Save(ctx, sess, "ev-1", 7*24*time.Hour, bot.Record{}); err != nil {
			t.Fatal(err)
		}
		if d := pttl(t, s.rdb, s.keys.Conv(owner)); d <= 7*24*time.Hour-time.Minute || d > 7*24*time.Hour {
			t.Errorf("session PTTL = %s, want about 168h", d)
		}
		if d := pttl(t, s.rdb, s.keys.Seen("ev-1")); d <= 9*time.Minute || d > 10*time.Minute {
			t.Errorf("seen PTTL = %s, want about 10m", d)
		}
		sess.Version = 1
		if err := s.sessions.Save(ctx, sess, "ev-2", 0, bot.Record{}); err != nil {
			t.Fatal(err)
		}
		if d := pttl(t, s.rdb, s.keys.Conv(owner)); d != -1 {
			t.Errorf("session PTTL after a save without TTL = %s, want -1 (none)", d)
		}
	})
}

func TestSessionGates(t *testing.T) {
	eachBackend(t, func(t *testing.T, r *redistest.Redis) {
		ctx := context.Background()
		// The window is long enough that three loads fall inside it on a busy machine; the test
		// then ends it by expiring the counter, as the window's end does.
		const window = 5 * time.Second
		s := newStores(r, redis.Config{RateWindow: window})
		block := bot.Block{User: owner, Reason: "spam", By: "slack:T1:MOD"}
		pause := bot.Pause{Message: "back on Monday", By: "slack:T1:MOD", Since: t0.UTC()}
		if err := s.mod.SetBlock(ctx, block); err != nil {
			t.Fatal(err)
		}
		if err := s.mod.SetPause(ctx, &pause); err != nil {
			t.Fatal(err)
		}
		for want := int64(1); want <= 3; want++ {
			turn, err := s.sessions.Load(ctx, owner, "")
			if err != nil {
				t.Fatal(err)
			}
			if turn.Recent != want {
				t.Errorf("Recent = %d, want %d", turn.Recent, want)
			}
			if turn.Block == nil || *turn.Block != block {
				t.Errorf("Block = %+v, want %+v", turn.Block, block)
			}
			if turn.Pause == nil || *turn.Pause != pause {
				t.Errorf("Pause = %+v, want %+v", turn.Pause, pause)
			}
		}
		if d := pttl(t, s.rdb, s.keys.Rate(owner)); d <= 0 || d > window {
			t.Errorf("rate PTTL = %s, want within the %s window", d, window)
		}
		if err := s.rdb.PExpire(ctx, s.keys.Rate(owner), time.Millisecond).Err(); err != nil {
			t.Fatal(err)
		}
		for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
			n, err := s.rdb.Exists(ctx, s.keys.Rate(owner)).Result()
			if err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the rate counter did not expire")
			}
		}
		turn, err := s.sessions.Load(ctx, owner, "")
		if err != nil {
			t.Fatal(err)
		}
		if turn.Recent != 1 {
			t.Errorf("Recent in a new window = %d, want 1", turn.Recent)
		}
		other, _ := s.sessions.Load(ctx, "discord:42", "")
		if other.Block != nil || other.Recent != 1 {
			t.Errorf("another user: Block %+v, Recent %d; want nil, 1", other.Block, other.Recent)
		}
	})
}

func TestSessionDelete(t *testing.T) {
	eachBackend(t, func(t *testing.T, r *redistest.Redis) {
		ctx := context.Background()
		s := newStores(r, redis.Config{})
		if err := s.sessions.Save(ctx, conversation.Session{Owner: string(owner)}, "", time.Hour, bot.Record{}); err != nil {
			t.Fatal(err)
		}
		if err := s.sessions.Delete(ctx, owner); err != nil {
			t.Fatal(err)
		}
		if turn, _ := s.sessions.Load(ctx, owner, ""); turn.Found {
			t.Error("session still there after Delete")
		}
	})
}

// Many inbound events for one owner at once, each load→change→save with retry: none is lost.
func TestSessionConcurrentSaves(t *testing.T) {
	eachBackend(t, func(t *testing.T, r *redistest.Redis) {
		ctx := context.Background()
		s := newStores(r, redis.Config{})
		const n = 50
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for i := range n {
			wg.Go(func() {
				event := fmt.Sprintf("ev-%d", i)
				for {
					turn, err := s.sessions.Load(ctx, owner, event)
					if err != nil {
						errs <- err
						return
					}
					sess := turn.Session
					if sess.Answers == nil {
						sess.Answers = map[string]string{}
					}
					sess.Answers["log"] += fmt.Sprintf("%d,", i)
					err = s.sessions.Save(ctx, sess, event, time.Hour, bot.Record{})
					if errors.Is(err, bot.ErrConflict) {
						continue
					}
					if err != nil {
						errs <- fmt.Errorf("event %d: %w", i, err)
					}
					return
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		turn, err := s.sessions.Load(ctx, owner, "")
		if err != nil {
			t.Fatal(err)
		}
		got := strings.Split(strings.TrimSuffix(turn.Session.Answers["log"], ","), ",")
		seen := map[string]bool{}
		for _, g := range got {
			seen[g] = true
		}
		if len(got) != n || len(seen) != n {
			t.Errorf("%d appends (%d distinct) survived, want %d: %q", len(got), len(seen), n, turn.Session.Answers["log"])
		}
		if turn.Session.Version != n {
			t.Errorf("version = %d, want %d", turn.Session.Version, n)
		}
	})
}

func TestSessionRoundTrips(t *testing.T) {
	eachBackend(t, func(t *testing.T, r *redistest.Redis) {
		ctx := context.Background()
		s := newStores(r, redis.Config{})
		// Warm up: the pool's connection and the server's script cache.
		turn, _ := s.sessions.Load(ctx, owner, "ev-0")
		if err := s.sessions.Save(ctx, turn.Session, "ev-0", time.Hour, bot.Record{}); err != nil {
			t.Fatal(err)
		}

		r.Reset()
		turn, err := s.sessions.Load(ctx, owner, "ev-1")
		if err != nil {
			t.Fatal(err)
		}
		if n := r.RoundTrips(); n != 1 {
			t.Errorf("Load took %d round trips, want 1", n)
		}
		r.Reset()
		if err := s.sessions.Save(ctx, turn.Session, "ev-1", time.Hour, bot.Record{}); err != nil {
			t.Fatal(err)
		}
		if n := r.RoundTrips(); n != 1 {
			t.Errorf("Save took %d round trips, want 1", n)
		}
	})
}

// A retry after a conflict reads the rate counter without counting the event again.
func TestReloadDoesNotCount(t *testing.T) {
	eachBackend(t, func(t *testing.T, r *redistest.Redis) {
		ctx := context.Background()
		s := newStores(r, redis.Config{})
		if turn, err := s.sessions.Reload(ctx, owner, ""); err != nil || turn.Recent != 0 {
			t.Fatalf("Reload before any event: %+v %v", turn, err)
		}
		if n, _ := s.rdb.Exists(ctx, s.keys.Rate(owner)).Result(); n != 0 {
			t.Fatal("Reload created the rate key")
		}
		s.sessions.Load(ctx, owner, "")
		for range 3 {
			turn, err := s.sessions.Reload(ctx, owner, "")
			if err != nil || turn.Recent != 1 {
				t.Fatalf("Reload: Recent %d %v, want 1", turn.Recent, err)
			}
		}
	})
}

// An event is counted once in its owner's rate window however often it is loaded, and keeps
// its place there; a handled event is not counted again.
func TestLoadCountsEachEventOnce(t *testing.T) {
	eachBackend(t, func(t *testing.T, r *redistest.Redis) {
		ctx := context.Background()
		s := newStores(r, redis.Config{})
		load := func(event string, want int64) bot.Turn {
			t.Helper()
			turn, err := s.sessions.Load(ctx, owner, event)
			if err != nil {
				t.Fatal(err)
			}
			if turn.Recent != want {
				t.Errorf("Load(%q): Recent %d, want %d", event, turn.Recent, want)
			}
			return turn
		}
		first := load("ev-1", 1)
		load("ev-2", 2)
		load("ev-1", 1) // a retry or redelivery keeps its place
		load("", 3)
		load("", 4) // without an id every load counts
		if turn, err := s.sessions.Reload(ctx, owner, "ev-2"); err != nil || turn.Recent != 2 {
			t.Errorf("Reload(ev-2): Recent %d %v, want 2", turn.Recent, err)
		}
		if turn, err := s.sessions.Reload(ctx, owner, "ev-9"); err != nil || turn.Recent != 4 {
			t.Errorf("Reload of an event never counted: Recent %d %v, want the 4 counted", turn.Recent, err)
		}
		if err := s.sessions.Save(ctx, first.Session, "ev-1", time.Hour, bot.Record{}); err != nil {
			t.Fatal(err)
		}
		// A handled event whose place expired with its window is not counted again either.
		if err := s.rdb.Del(ctx, s.keys.Counted("ev-1")).Err(); err != nil {
			t.Fatal(err)
		}
		if turn := load("ev-1", 4); !turn.Seen {
			t.Error("Load of a handled event: Seen = false")
		}
		if n, err := s.rdb.Get(ctx, s.keys.Rate(owner)).Int64(); err != nil || n != 4 {
			t.Errorf("rate counter = %d %v, want 4", n, err)
		}
		if d := pttl(t, s.rdb, s.keys.Counted("ev-2")); d <= 0 || d > redis.DefaultRateWindow {
			t.Errorf("counted mark PTTL = %s, want within the window", d)
		}
	})
}

// A save keeps the turn's lines in the owner's dialogue in the same step, and only when the
// session is saved: a conflict or a duplicate keeps nothing, and a keyed append is done once.
func TestSessionSaveKeepsDialogue(t *testing.T) {
	eachBackend(t, func(t *testing.T, r *redistest.Redis) {
		ctx := context.Background()
		s := newStores(r, redis.Config{})
		d := redis.NewDialogues(r.Client, s.cfg)
		keep := func(key string, texts ...string) bot.Record {
			rec := bot.Record{Appending: bot.Appending{Key: key, TTL: time.Hour}}
			for _, text := range texts {
				rec.Lines = append(rec.Lines, line(bot.RoleOwner, text, t0))
			}
			return rec
		}
		sess := conversation.Session{Owner: string(owner), Stage: conversation.StageIntake}
		r.Reset()
		if err := s.sessions.Save(ctx, sess, "ev-1", time.Hour, keep("turn:ev-1", "one", "two")); err != nil {
			t.Fatal(err)
		}
		if n := r.RoundTrips(); n > 2 { // EVALSHA, and EVAL the first time the server lacks it
			t.Errorf("save took %d round trips", n)
		}
		// Refused saves keep nothing.
		if err := s.sessions.Save(ctx, sess, "ev-2", time.Hour, keep("turn:ev-2", "conflict")); !errors.Is(err, bot.ErrConflict) {
			t.Fatalf("stale save: %v", err)
		}
		sess.Version = 1
		if err := s.sessions.Save(ctx, sess, "ev-1", time.Hour, keep("turn:ev-1", "duplicate")); !errors.Is(err, bot.ErrDuplicateEvent) {
			t.Fatalf("replayed save: %v", err)
		}
		// Lines under a key kept before are not kept again; a save without an event id keeps its
		// lines and marks no event.
		if err := s.sessions.Save(ctx, sess, "ev-3", time.Hour, keep("turn:ev-1", "again")); err != nil {
			t.Fatal(err)
		}
		sess.Version = 2
		last := keep("", "three")
		last.TTL = 2 * time.Hour
		if err := s.sessions.Save(ctx, sess, "", 2*time.Hour, last); err != nil {
			t.Fatal(err)
		}
		got, err := d.Read(ctx, owner)
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"one", "two", "three"}; !reflect.DeepEqual(texts(got), want) {
			t.Fatalf("dialogue %q, want %q", texts(got), want)
		}
		if ttl := pttl(t, r.Client, s.keys.Dialogue(owner)); ttl <= time.Hour {
			t.Errorf("dialogue TTL = %v, want the last save's two hours", ttl)
		}
		if n, _ := r.Client.Exists(ctx, s.keys.Seen("")).Result(); n != 0 {
			t.Error("a save without an event id marked an event seen")
		}
	})
}

// A save keeping lines for a case seeds the case's transcript as Dialogues.Append does.
func TestSessionSaveKeepsTranscript(t *testing.T) {
	eachBackend(t, func(t *testing.T, r *redistest.Redis) {
		ctx := context.Background()
		s := newStores(r, redis.Config{})
		d := redis.NewDialogues(r.Client, s.cfg)
		if err := d.Append(ctx, owner, bot.Appending{TTL: time.Hour}, line(bot.RoleOwner, "before", t0.Add(-time.Hour)), line(bot.RoleOwner, "hello", t0)); err != nil {
			t.Fatal(err)
		}
		rec := bot.Record{
			Appending: bot.Appending{Key: "turn:ev-1", Case: "ESC-1001", Since: t0, TTL: time.Hour},
			Lines:     []bot.Line{line(bot.RoleOwner, "submit", t0), line(bot.RoleBot, "filed", t0)},
		}
		sess := conversation.Session{Owner: string(owner), Stage: conversation.StageSubmitted, CaseID: "ESC-1001"}
		if err := s.sessions.Save(ctx, sess, "ev-1", time.Hour, rec); err != nil {
			t.Fatal(err)
		}
		got, err := d.Transcript(ctx, "ESC-1001")
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"hello", "submit", "filed"}; !reflect.DeepEqual(texts(got), want) {
			t.Fatalf("transcript %q, want %q", texts(got), want)
		}
	})
}

// A Redis that does not know the scripts (restarted, or SCRIPT FLUSH) is sent them once: the
// turn still loads and saves, and then runs on their hashes again. The embedded Redis, so that
// flushing its scripts disturbs no other test.
func TestSessionScriptsSentAgainAfterFlush(t *testing.T) {
	ctx := context.Background()
	r := redistest.NewMini(t)
	s := newStores(r, redis.Config{})
	for i := range 2 {
		if err := r.Client.ScriptFlush(ctx).Err(); err != nil {
			t.Fatal(err)
		}
		ev := fmt.Sprintf("ev-flush-%d", i)
		turn, err := s.sessions.Load(ctx, owner, ev)
		if err != nil {
			t.Fatalf("load after SCRIPT FLUSH: %v", err)
		}
		turn.Session.Step = fmt.Sprintf("step-%d", i)
		if err := s.sessions.Save(ctx, turn.Session, ev, time.Hour, bot.Record{Lines: []bot.Line{{Role: bot.RoleOwner, Text: "hi", At: t0}}}); err != nil {
			t.Fatalf("save after SCRIPT FLUSH: %v", err)
		}
		r.Reset()
		got, err := s.sessions.Reload(ctx, owner, ev)
		if err != nil || got.Session.Step != turn.Session.Step || !got.Seen {
			t.Fatalf("reload = %+v, %v", got, err)
		}
		if n := r.RoundTrips(); n != 1 {
			t.Errorf("a load with the script known took %d round trips, want 1", n)
		}
	}
}

// Many owners' turns at once, whose commands go to Redis together, each get their own
// outcome: every save lands on its own owner's session, with its event marked seen and its
// lines kept, and each turn's load and save still read and write only that owner's keys.
func TestSessionTurnsAtOnce(t *testing.T) {
	eachBackend(t, func(t *testing.T, r *redistest.Redis) {
		ctx := context.Background()
		s := newStores(r, redis.Config{})
		const owners, turns = 40, 3
		errs := atOnce(owners, func(o int) error {
			who := bot.Identity(fmt.Sprintf("slack:T1:U%d", o))
			for i := range turns {
				ev := fmt.Sprintf("ev-%d-%d", o, i)
				turn, err := s.sessions.Load(ctx, who, ev)
				if err != nil {
					return err
				}
				sess := turn.Session
				sess.Step = fmt.Sprintf("step-%d", i)
				line := bot.Line{Role: bot.RoleOwner, Text: fmt.Sprintf("%s says %d", who, i), At: t0}
				if err := s.sessions.Save(ctx, sess, ev, time.Hour, bot.Record{Lines: []bot.Line{line}}); err != nil {
					return fmt.Errorf("%s turn %d: %w", who, i, err)
				}
			}
			return nil
		})
		for _, err := range errs {
			if err != nil {
				t.Error(err)
			}
		}
		t.Logf("%d turns in %d round trips", owners*turns, r.RoundTrips())
		for o := range owners {
			who := bot.Identity(fmt.Sprintf("slack:T1:U%d", o))
			turn, err := s.sessions.Reload(ctx, who, fmt.Sprintf("ev-%d-%d", o, turns-1))
			if err != nil {
				t.Fatal(err)
			}
			if turn.Session.Version != turns || turn.Session.Step != fmt.Sprintf("step-%d", turns-1) || !turn.Seen {
				t.Errorf("%s: version %d, step %q, seen %v; want %d, step-%d, seen", who, turn.Session.Version, turn.Session.Step, turn.Seen, turns, turns-1)
			}
			lines, err := redis.NewDialogues(r.Client, s.cfg).Read(ctx, who)
			if err != nil {
				t.Fatal(err)
			}
			if len(lines) != turns || lines[0].Text != fmt.Sprintf("%s says 0", who) {
				t.Errorf("%s: dialogue %+v, want its own %d lines", who, lines, turns)
			}
		}
	})
}

// A save whose turn gave up before its command left is not sent: the session keeps its version
// and the event is not marked seen, so the turn can run again.
func TestSessionSaveGivenUp(t *testing.T) {
	eachBackend(t, func(t *testing.T, r *redistest.Redis) {
		s := newStores(r, redis.Config{})
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		sess := conversation.Session{Owner: string(owner), Step: "vin"}
		if err := s.sessions.Save(ctx, sess, "ev-gone", time.Hour, bot.Record{}); !errors.Is(err, context.Canceled) {
			t.Fatalf("Save = %v, want context.Canceled", err)
		}
		if _, err := s.sessions.Load(ctx, owner, "ev-gone"); !errors.Is(err, context.Canceled) {
			t.Fatalf("Load = %v, want context.Canceled", err)
		}
		turn, err := s.sessions.Reload(context.Background(), owner, "ev-gone")
		if err != nil {
			t.Fatal(err)
		}
		if turn.Found || turn.Seen || turn.Recent != 0 {
			t.Errorf("after a turn given up: found %v, seen %v, recent %d; want nothing", turn.Found, turn.Seen, turn.Recent)
		}
	})
}

// Turns at once against a Redis that does not know the scripts are sent them: loads and saves
// that went in one pipeline all run.
func TestSessionTurnsAtOnceAfterFlush(t *testing.T) {
	ctx := context.Background()
	r := redistest.NewMini(t)
	s := newStores(r, redis.Config{})
	if err := r.Client.ScriptFlush(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	errs := atOnce(20, func(i int) error {
		who, ev := bot.Identity(fmt.Sprintf("slack:T1:U%d", i)), fmt.Sprintf("ev-%d", i)
		turn, err := s.sessions.Load(ctx, who, ev)
		if err != nil {
			return err
		}
		return s.sessions.Save(ctx, turn.Session, ev, time.Hour, bot.Record{})
	})
	for i, err := range errs {
		if err != nil {
			t.Fatalf("turn %d after SCRIPT FLUSH: %v", i, err)
		}
	}
}

// TestSessionKeptAsHash: an earlier version kept a session as a hash {v, data}. It loads as it
// was, a stale or replayed save over it is refused as over a string, and the next save
// replaces it with the string, one version later, with its expiry.
func TestSessionKeptAsHash(t *testing.T) {
	eachBackend(t, func(t *testing.T, r *redistest.Redis) {
		ctx := context.Background()
		s := newStores(r, redis.Config{})
		key := redis.NewKeys(r.Tenant).Conv(owner)
		kept := conversation.Session{Owner: string(owner), Stage: conversation.StageIntake, Step: "vin",
			Answers: map[string]string{"model": "Model 3"}, History: []string{"consent", "model"}, Turns: 2, Version: 3}
		data, err := json.Marshal(kept)
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Client.HSet(ctx, key, "v", 3, "data", data).Err(); err != nil {
			t.Fatal(err)
		}

		turn, err := s.sessions.Load(ctx, owner, "ev-1")
		if err != nil {
			t.Fatal(err)
		}
		if !turn.Found || !reflect.DeepEqual(turn.Session, kept) {
			t.Fatalf("Load of a hash = found %v, %+v; want %+v", turn.Found, turn.Session, kept)
		}
		stale := kept
		stale.Version = 2
		if err := s.sessions.Save(ctx, stale, "ev-1", time.Hour, bot.Record{}); !errors.Is(err, bot.ErrConflict) {
			t.Fatalf("stale save over a hash: %v, want ErrConflict", err)
		}
		if err := r.Client.Set(ctx, redis.NewKeys(r.Tenant).Seen("ev-0"), "1", time.Hour).Err(); err != nil {
			t.Fatal(err)
		}
		if err := s.sessions.Save(ctx, kept, "ev-0", time.Hour, bot.Record{}); !errors.Is(err, bot.ErrDuplicateEvent) {
			t.Fatalf("replayed save over a hash: %v, want ErrDuplicateEvent", err)
		}
		if typ := r.Client.Type(ctx, key).Val(); typ != "hash" {
			t.Fatalf("refused saves changed the session: a %s now", typ)
		}

		next := kept
		next.Step = "year"
		if err := s.sessions.Save(ctx, next, "ev-1", time.Hour, bot.Record{}); err != nil {
			t.Fatalf("save over a hash: %v", err)
		}
		if typ := r.Client.Type(ctx, key).Val(); typ != "string" {
			t.Errorf("after a save the session is a %s, want a string", typ)
		}
		if d := r.Client.PTTL(ctx, key).Val(); d <= 0 || d > time.Hour {
			t.Errorf("after a save the session expires in %v, want within the hour", d)
		}
		turn, err = s.sessions.Load(ctx, owner, "")
		if err != nil {
			t.Fatal(err)
		}
		next.Version = 4
		if !turn.Found || !reflect.DeepEqual(turn.Session, next) {
			t.Errorf("Load after the save = found %v, %+v; want %+v", turn.Found, turn.Session, next)
		}
	})
}

// TestSessionWithoutVersion: a stored value that does not start with its version is an
// error, not a session read as new, and no save overwrites it.
func TestSessionWithoutVersion(t *testing.T) {
	eachBackend(t, func(t *testing.T, r *redistest.Redis) {
		ctx := context.Background()
		s := newStores(r, redis.Config{})
		for _, v := range []string{`{"owner":"x"}`, `x {"owner":"x"}`, "12"} {
			if err := r.Client.Set(ctx, redis.NewKeys(r.Tenant).Conv(owner), v, time.Hour).Err(); err != nil {
				t.Fatal(err)
			}
			if _, err := s.sessions.Load(ctx, owner, ""); err == nil {
				t.Errorf("Load of %q: no error", v)
			}
			sess := conversation.Session{Owner: string(owner), Stage: conversation.StageIntake}
			if err := s.sessions.Save(ctx, sess, "", time.Hour, bot.Record{}); !errors.Is(err, bot.ErrConflict) {
				t.Errorf("Save over %q: %v, want ErrConflict", v, err)
			}
		}
	})
}

// TestTurnLinesKeptOnce: a turn's lines are kept once, whichever way they come. A save keeps
// them with its event marked handled and writes no mark of the key; the event answered again
// (an append under the same key) keeps nothing. A turn that did not save appends them itself,
// and a save of the same event afterwards does not keep them again. A save without lines
// leaves them to the append that follows.
func TestTurnLinesKeptOnce(t *testing.T) {
	eachBackend(t, func(t *testing.T, r *redistest.Redis) {
		ctx := context.Background()
		s := newStores(r, redis.Config{})
		d := redis.NewDialogues(r.Client, s.cfg)
		turn := func(event string, texts ...string) bot.Record {
			rec := bot.Record{Appending: bot.Appending{Key: "turn:" + event, Event: event, TTL: time.Hour}}
			for _, text := range texts {
				rec.Lines = append(rec.Lines, line(bot.RoleOwner, text, t0))
			}
			return rec
		}
		sess := conversation.Session{Owner: string(owner), Stage: conversation.StageIntake}
		if err := s.sessions.Save(ctx, sess, "ev-1", time.Hour, turn("ev-1", "hello", "which car?")); err != nil {
			t.Fatal(err)
		}
		if n := r.Client.Exists(ctx, s.keys.SeenDialogue("turn:ev-1")).Val(); n != 0 {
			t.Error("a save wrote the mark of its lines' key")
		}
		again := turn("ev-1", "hello", "which car? (again)")
		if err := d.Append(ctx, owner, again.Appending, again.Lines...); err != nil {
			t.Fatal(err)
		}

		first := turn("ev-2", "hi", "slow down")
		if err := d.Append(ctx, owner, first.Appending, first.Lines...); err != nil {
			t.Fatal(err)
		}
		sess.Version = 1
		if err := s.sessions.Save(ctx, sess, "ev-2", time.Hour, turn("ev-2", "hi", "which year?")); err != nil {
			t.Fatal(err)
		}
		if err := d.Append(ctx, owner, first.Appending, first.Lines...); err != nil {
			t.Fatal(err)
		}

		// A submission saves its session without lines and appends them afterwards, under its
		// event's key: they are kept, once.
		sess.Version = 2
		if err := s.sessions.Save(ctx, sess, "ev-3", time.Hour, bot.Record{}); err != nil {
			t.Fatal(err)
		}
		submit := turn("ev-3", "Submit", "Your case is ESC-1")
		for range 2 {
			if err := d.Append(ctx, owner, submit.Appending, submit.Lines...); err != nil {
				t.Fatal(err)
			}
		}

		got, err := d.Read(ctx, owner)
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"hello", "which car?", "hi", "slow down", "Submit", "Your case is ESC-1"}; !reflect.DeepEqual(texts(got), want) {
			t.Fatalf("dialogue %q, want %q", texts(got), want)
		}
	})
}
