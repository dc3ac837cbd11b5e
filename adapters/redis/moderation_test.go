package redis_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"escalation-bot/adapters/redis"
	"escalation-bot/bot"
	"escalation-bot/xtest/clocktest"
	"escalation-bot/xtest/redistest"
)

func TestBlockExpires(t *testing.T) {
	eachBackend(t, func(t *testing.T, r *redistest.Redis) {
		ctx := context.Background()
		s := newStores(r, redis.Config{})
		short := bot.Block{User: owner, Reason: "cool down", By: "slack:T1:MOD", Until: time.Now().Add(40 * time.Millisecond).UTC()}
		forever := bot.Block{User: "discord:666", Reason: "abuse", By: "slack:T1:MOD"}
		for _, b := range []bot.Block{short, forever} {
			if err := s.mod.SetBlock(ctx, b); err != nil {
				t.Fatal(err)
			}
		}
		blocks, err := s.mod.Blocks(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if want := []bot.Block{forever, short}; !reflect.DeepEqual(blocks, want) {
			t.Errorf("Blocks = %+v, want %+v", blocks, want)
		}
		if d := pttl(t, s.rdb, s.keys.Block(owner)); d <= 0 || d > 40*time.Millisecond {
			t.Errorf("block PTTL = %s, want at most 40ms", d)
		}

		time.Sleep(80 * time.Millisecond)
		blocks, err = s.mod.Blocks(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if want := []bot.Block{forever}; !reflect.DeepEqual(blocks, want) {
			t.Errorf("Blocks after expiry = %+v, want %+v", blocks, want)
		}
		if in, _ := s.rdb.SIsMember(ctx, s.keys.Blocks(), string(owner)).Result(); in {
			t.Error("expired block still in the listing set")
		}
		if turn, _ := s.sessions.Load(ctx, owner, ""); turn.Block != nil {
			t.Errorf("Load after expiry: Block = %+v", turn.Block)
		}
	})
}

// A block lasts as long as the core meant, whatever the distance between the core's clock and
// the Redis server's: the expiry is a duration from the core's now, not the core's instant.
func TestBlockExpiryFollowsTheCoresClock(t *testing.T) {
	for _, skew := range []time.Duration{-365 * 24 * time.Hour, 0, 365 * 24 * time.Hour} {
		t.Run(skew.String(), func(t *testing.T) {
			eachBackend(t, func(t *testing.T, r *redistest.Redis) {
				ctx := context.Background()
				clock := clocktest.Running(t)
				clock.Advance(skew)
				s := newStores(r, redis.Config{Clock: clock})
				if err := s.mod.SetBlock(ctx, bot.Block{User: owner, Reason: "r", Until: clock.Now().Add(time.Hour)}); err != nil {
					t.Fatal(err)
				}
				if d := pttl(t, s.rdb, s.keys.Block(owner)); d < 59*time.Minute || d > time.Hour {
					t.Errorf("block PTTL = %s, want about 1h", d)
				}
			})
		})
	}
}

func TestBlockInThePast(t *testing.T) {
	eachBackend(t, func(t *testing.T, r *redistest.Redis) {
		ctx := context.Background()
		s := newStores(r, redis.Config{})
		if err := s.mod.SetBlock(ctx, bot.Block{User: owner, Until: time.Now().Add(-time.Hour)}); err != nil {
			t.Fatal(err)
		}
		if blocks, _ := s.mod.Blocks(ctx); len(blocks) != 0 {
			t.Errorf("a block that ended an hour ago is listed: %+v", blocks)
		}
	})
}

func TestUnblock(t *testing.T) {
	eachBackend(t, func(t *testing.T, r *redistest.Redis) {
		ctx := context.Background()
		s := newStores(r, redis.Config{})
		if err := s.mod.SetBlock(ctx, bot.Block{User: owner, Reason: "spam"}); err != nil {
			t.Fatal(err)
		}
		for _, want := range []bool{true, false} {
			if had, err := s.mod.RemoveBlock(ctx, owner); err != nil || had != want {
				t.Errorf("RemoveBlock = %v, %v; want %v", had, err, want)
			}
		}
		if blocks, _ := s.mod.Blocks(ctx); len(blocks) != 0 {
			t.Errorf("Blocks after unblock = %+v", blocks)
		}
		if turn, _ := s.sessions.Load(ctx, owner, ""); turn.Block != nil {
			t.Errorf("Load after unblock: Block = %+v", turn.Block)
		}
	})
}

func TestPause(t *testing.T) {
	eachBackend(t, func(t *testing.T, r *redistest.Redis) {
		ctx := context.Background()
		s := newStores(r, redis.Config{})
		if p, err := s.mod.GetPause(ctx); p != nil || err != nil {
			t.Errorf("GetPause before any pause = %+v, %v", p, err)
		}
		want := &bot.Pause{Message: "The line is closed for the holidays.", By: "slack:T1:MOD", Since: t0.UTC()}
		if err := s.mod.SetPause(ctx, want); err != nil {
			t.Fatal(err)
		}
		if p, err := s.mod.GetPause(ctx); err != nil || !reflect.DeepEqual(p, want) {
			t.Errorf("GetPause = %+v, %v; want %+v", p, err, want)
		}
		if err := s.mod.SetPause(ctx, nil); err != nil {
			t.Fatal(err)
		}
		if p, err := s.mod.GetPause(ctx); p != nil || err != nil {
			t.Errorf("GetPause after resume = %+v, %v", p, err)
		}
	})
}
