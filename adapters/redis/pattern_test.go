package redis_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"escalation-bot/adapters/redis"
	"escalation-bot/bot"
	"escalation-bot/xtest/redistest"
)

// A pattern's open cases are read newest first and counted in one round trip, and a pattern
// index kept as a plain set by an earlier version is taken over as it is: its cases stay
// related, and closing one leaves it.
func TestPatternIndex(t *testing.T) {
	ctx := context.Background()
	s := newStores(redistest.New(t), redis.Config{})
	now := time.Now()
	const pattern = "model_y|2023|steering"
	var ids []string
	for i := range 12 {
		c := newCase(bot.Identity(fmt.Sprintf("web:owner%d", i)), "", now)
		c.Pattern = pattern
		ids = append(ids, mustCreate(t, s, c).ID)
	}
	tests := []struct {
		limit  int
		newest []string
	}{
		{limit: 3, newest: ids[9:]},
		{limit: 12, newest: ids},
		{limit: 50, newest: ids},
		{limit: 0, newest: []string{}},
	}
	for _, tc := range tests {
		got, total, err := s.cases.OpenWith(ctx, pattern, tc.limit)
		if err != nil {
			t.Fatal(err)
		}
		if total != 12 || !slices.Equal(got, tc.newest) {
			t.Errorf("OpenWith(%d) = %v, %d; want %v, 12", tc.limit, got, total, tc.newest)
		}
	}
	if got, total, err := s.cases.OpenWith(ctx, "model_s|2020|none", 5); err != nil || total != 0 || len(got) != 0 {
		t.Errorf("an unknown pattern: %v, %d, %v", got, total, err)
	}

	// An index an earlier version kept as a set, out of order.
	key := s.keys.Pattern(pattern)
	if err := s.rdb.Del(ctx, key).Err(); err != nil {
		t.Fatal(err)
	}
	if err := s.rdb.SAdd(ctx, key, ids[10], ids[1], ids[11], ids[0]).Err(); err != nil {
		t.Fatal(err)
	}
	want := []string{ids[0], ids[1], ids[10], ids[11]}
	if got, total, err := s.cases.OpenWith(ctx, pattern, 10); err != nil || total != 4 || !slices.Equal(got, want) {
		t.Fatalf("from a set: %v, %d, %v; want %v, 4", got, total, err, want)
	}
	if typ := s.rdb.Type(ctx, key).Val(); typ != "zset" {
		t.Fatalf("the index is a %s after a read", typ)
	}
	// Again from a set, this time taken over by a transition: the closed case leaves it.
	if err := s.rdb.Del(ctx, key).Err(); err != nil {
		t.Fatal(err)
	}
	if err := s.rdb.SAdd(ctx, key, ids[11], ids[0]).Err(); err != nil {
		t.Fatal(err)
	}
	close := bot.Transition{From: []bot.Status{bot.StatusOpen}, To: bot.StatusClosed, Action: "close", Actor: "web:mod", Name: "Mo", At: now}
	if _, err := s.cases.Transition(ctx, ids[0], close); err != nil {
		t.Fatal(err)
	}
	if got, total, err := s.cases.OpenWith(ctx, pattern, 10); err != nil || total != 1 || !slices.Equal(got, ids[11:]) {
		t.Fatalf("after closing %s: %v, %d, %v", ids[0], got, total, err)
	}
}

// Submissions under way at once share pipelines (the id, the case script, the post, the
// pattern read and the due item each go with the others'), and each still gets its own
// answer: distinct ids, every case with its post, the pattern counting them all; also when
// Redis has forgotten the scripts.
func TestSubmissionsAtOnce(t *testing.T) {
	eachBackend(t, func(t *testing.T, r *redistest.Redis) {
		ctx := context.Background()
		s := newStores(r, redis.Config{})
		due := redis.NewDueQueue(r.Client, s.cfg)
		const owners = 40
		const pattern = "model_3|2024|battery"
		if err := r.Client.ScriptFlush(ctx).Err(); err != nil {
			t.Fatal(err)
		}
		ids := make([]string, owners)
		errs := atOnce(owners, func(i int) error {
			id, err := s.cases.NextID(ctx)
			if err != nil {
				return err
			}
			c := newCase(bot.Identity(fmt.Sprintf("web:owner%d", i)), "", time.Now())
			c.ID, c.Pattern = id, pattern
			if _, err := s.cases.Create(ctx, c); err != nil {
				return err
			}
			if err := s.cases.AddPost(ctx, id, bot.Post{Channel: "web:escalations", Ref: "m-" + id}); err != nil {
				return err
			}
			if _, _, err := s.cases.OpenWith(ctx, pattern, 3); err != nil {
				return err
			}
			ids[i] = id
			return due.Schedule(ctx, bot.DueItem{Kind: bot.DueRemind, CaseID: id, At: time.Now().Add(time.Hour)})
		})
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		t.Logf("%d submissions in %d round trips", owners, r.RoundTrips())
		if slices.Sort(ids); len(slices.Compact(slices.Clone(ids))) != owners {
			t.Fatalf("ids %v are not distinct", ids)
		}
		for _, id := range ids {
			if c := mustGet(t, s, id); len(c.Posts) != 1 || c.Posts[0].Ref != "m-"+id {
				t.Errorf("%s posts %+v", id, c.Posts)
			}
		}
		if _, total, err := s.cases.OpenWith(ctx, pattern, 3); err != nil || total != owners {
			t.Errorf("pattern counts %d, %v; want %d", total, err, owners)
		}
		if n, err := r.Client.ZCard(ctx, s.keys.Due()).Result(); err != nil || n != owners {
			t.Errorf("due items %d, %v; want %d", n, err, owners)
		}
	})
}
