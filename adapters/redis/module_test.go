package redis_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"

	"escalation-bot/adapters/redis"
	"escalation-bot/bot"
	"escalation-bot/conversation"
	"escalation-bot/xtest/redistest"
)

func TestModule(t *testing.T) {
	for _, b := range []struct {
		name string
		url  func(t *testing.T) string
	}{
		{"embedded", func(*testing.T) string { return "" }},
		{"redis", func(t *testing.T) string { return redistest.URL(t) }},
	} {
		t.Run(b.name, func(t *testing.T) {
			var (
				sessions bot.SessionStore
				cases    bot.CaseStore
				mod      bot.Moderation
				due      *redis.DueQueue
				health   *redis.Health
			)
			// Clean up the keys this test writes on the shared server.
			tenant := redistest.New(t).Tenant
			app := fxtest.New(t,
				fx.NopLogger,
				fx.Supply(redis.Config{URL: b.url(t), Tenant: tenant}, slog.New(slog.DiscardHandler)),
				redis.Module,
				fx.Populate(&sessions, &cases, &mod, &due, &health),
			)
			app.RequireStart()
			ctx := context.Background()
			if err := health.Ready(ctx); err != nil {
				t.Fatalf("Ready: %v", err)
			}
			if err := sessions.Save(ctx, conversation.Session{Owner: string(owner)}, "ev-1", time.Hour, bot.Record{}); err != nil {
				t.Fatal(err)
			}
			if err := mod.SetPause(ctx, &bot.Pause{Message: "back soon"}); err != nil {
				t.Fatal(err)
			}
			if turn, _ := sessions.Load(ctx, owner, "ev-1"); !turn.Seen || turn.Pause == nil {
				t.Error("the stores do not share the tenant")
			}
			if _, err := cases.Create(ctx, newCase(owner, "", t0)); err != nil {
				t.Fatal(err)
			}
			if err := due.Schedule(ctx, bot.DueItem{Kind: bot.DueDeliver, CaseID: "ESC-1001", At: t0}); err != nil {
				t.Fatal(err)
			}
			if items, outbox, _, err := due.Depth(ctx); err != nil || items != 1 || outbox != 1 {
				t.Errorf("due depth = %d items, %d outbox, %v", items, outbox, err)
			}
			app.RequireStop()
			if err := health.Ready(ctx); err == nil {
				t.Error("client still open after stop")
			}
		})
	}
}

func TestModuleStartFailsClearly(t *testing.T) {
	app := fx.New(
		fx.NopLogger,
		fx.Supply(redis.Config{URL: "redis://127.0.0.1:1"}, slog.New(slog.DiscardHandler)),
		redis.Module,
		fx.Invoke(func(bot.CaseStore) {}),
	)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := app.Start(ctx)
	if err == nil || !strings.Contains(err.Error(), "redis at 127.0.0.1:1 is not reachable") {
		t.Errorf("start with an unreachable Redis: %v", err)
	}

	app = fx.New(
		fx.NopLogger,
		fx.Supply(redis.Config{Tenant: "a{b}"}, slog.New(slog.DiscardHandler)),
		redis.Module,
		fx.Invoke(func(bot.CaseStore) {}),
	)
	if err := app.Err(); err == nil || !strings.Contains(err.Error(), "must not contain") {
		t.Errorf("bad tenant: %v", err)
	}
}
