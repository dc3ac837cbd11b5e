package redis_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strconv"
	"strings"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"escalation-bot/adapters/redis"
	"escalation-bot/bot"
	"escalation-bot/conversation"
	"escalation-bot/xtest/redistest"
)

// A turn's two scripts run on every owner turn, and each command they run inside Redis costs
// the server CPU: the commands of each step are counted (INFO commandstats, on a server of the
// test's own, which no other test's commands reach), so a command added back shows here.
func TestSessionTurnCommands(t *testing.T) {
	ctx := context.Background()
	r := redistest.NewOwn(t)
	s := newStores(r, redis.Config{})
	keep := func(event string) bot.Record {
		return bot.Record{
			Appending: bot.Appending{Key: "turn:" + event, Event: event, TTL: time.Hour},
			Lines:     []bot.Line{line(bot.RoleOwner, "hello", t0), line(bot.RoleBot, "which car?", t0)},
		}
	}
	sess := func(version int64, event string) conversation.Session {
		return conversation.Session{Owner: string(owner), Stage: conversation.StageIntake, Version: version, LastEvent: event}
	}
	load := func(event string) func() error {
		return func() error { _, err := s.sessions.Load(ctx, owner, event); return err }
	}
	var g bot.Guess
	// guess runs a turn on the store's guess, or, when it is not to hold, on the guess the
	// turn before ran on.
	guess := func(event string, want bool) func() error {
		return func() error {
			if fresh, ok := s.sessions.Guess(owner); ok && want {
				g = fresh
			}
			next := g.Session
			next.LastEvent = event
			_, saved, err := s.sessions.SaveGuess(ctx, g, next, event, time.Hour, keep(event), 30)
			if err == nil && saved != want {
				err = fmt.Errorf("guess saved %v, want %v", saved, want)
			}
			return err
		}
	}
	// A load reads the session and its gates in one MGET, and the first event of a window
	// starts the counter with its expiry in one SET. A save reads the session and the seen mark
	// in one MGET, writes the session with its expiry in one SET and the seen mark in another;
	// it looks for the keyed append's marker (an append under the key before) without writing
	// one; a dialogue within its cap is not trimmed. Only an owner without a session costs one
	// EXISTS more (the session might be a hash an earlier version kept).
	saved := map[string]int64{"mget": 1, "set": 2, "exists": 1, "pexpire": 1, "rpush": 1}
	firstSaved := maps.Clone(saved)
	firstSaved["exists"]++
	steps := []struct {
		name string
		run  func() error
		want map[string]int64
	}{
		{"first load", load("ev-1"), map[string]int64{"mget": 1, "exists": 1, "set": 2}},
		{"first save", func() error { return s.sessions.Save(ctx, sess(0, "ev-1"), "ev-1", time.Hour, keep("ev-1")) }, firstSaved},
		{"next load", load("ev-2"), map[string]int64{"mget": 1, "incr": 1, "set": 1}},
		{"reload", func() error { _, err := s.sessions.Reload(ctx, owner, "ev-2"); return err }, map[string]int64{"mget": 1}},
		{"next save", func() error { return s.sessions.Save(ctx, sess(1, "ev-2"), "ev-2", time.Hour, keep("ev-2")) }, saved},
		{"replayed load", load("ev-1"), map[string]int64{"mget": 1}},
		{"replayed save", func() error {
			if err := s.sessions.Save(ctx, sess(2, "ev-1"), "ev-1", time.Hour, keep("ev-1")); !errors.Is(err, bot.ErrDuplicateEvent) {
				return errors.Join(errors.New("replayed save not refused as a duplicate"), err)
			}
			return nil
		}, map[string]int64{"mget": 1}},
		{"stale save", func() error {
			if err := s.sessions.Save(ctx, sess(1, "ev-3"), "ev-3", time.Hour, keep("ev-3")); !errors.Is(err, bot.ErrConflict) {
				return errors.Join(errors.New("stale save not refused as a conflict"), err)
			}
			return nil
		}, map[string]int64{"mget": 1}},
		{"load without event id", load(""), map[string]int64{"mget": 1, "incr": 1}},
		// A guessed turn reads the gates, the session and the append's marker in one MGET, counts
		// the event and, the guess holding, saves as a save does; its place in the window needs
		// no mark. A guess
		// that misses counts and marks the event's place as a load does.
		{"guessed turn", guess("ev-4", true), map[string]int64{"mget": 1, "incr": 1, "set": 2, "pexpire": 1, "rpush": 1}},
		{"missed guess", guess("ev-5", false), map[string]int64{"mget": 1, "incr": 1, "set": 1}},
	}
	for _, step := range steps {
		if err := r.Client.ConfigResetStat(ctx).Err(); err != nil {
			t.Fatal(err)
		}
		if err := step.run(); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if got := scriptCommands(t, r.Client); !maps.Equal(got, step.want) {
			t.Errorf("%s ran %v inside Redis, want %v", step.name, got, step.want)
		}
	}
}

// scriptCommands are the calls of each data command since CONFIG RESETSTAT, from INFO
// commandstats: what the scripts ran, without the scripts themselves, the statistics'
// commands and a new connection's handshake.
func scriptCommands(t *testing.T, rdb goredis.UniversalClient) map[string]int64 {
	t.Helper()
	info, err := rdb.Info(context.Background(), "commandstats").Result()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	for _, l := range strings.Split(info, "\n") {
		// cmdstat_<name>:calls=<n>,usec=...
		name, stats, ok := strings.Cut(strings.TrimPrefix(strings.TrimSpace(l), "cmdstat_"), ":")
		if !ok || strings.HasPrefix(l, "#") {
			continue
		}
		switch cmd, _, _ := strings.Cut(name, "|"); cmd {
		case "evalsha", "eval", "script", "info", "config", "hello", "client", "ping", "select":
			continue
		}
		calls, _, _ := strings.Cut(strings.TrimPrefix(stats, "calls="), ",")
		n, err := strconv.ParseInt(calls, 10, 64)
		if err != nil {
			t.Fatalf("commandstats line %q: %v", l, err)
		}
		got[name] = n
	}
	return got
}
