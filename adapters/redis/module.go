package redis

import (
	"context"
	"log/slog"

	goredis "github.com/redis/go-redis/v9"
	"go.uber.org/fx"

	"escalation-bot/bot"
	"escalation-bot/inbox"
)

// Module provides the Redis client (goredis.UniversalClient), bot.SessionStore, bot.CaseStore,
// bot.Moderation, bot.DueQueue (also as *DueQueue, for its Depth), inbox.Store, bot.Dialogues,
// bot.Verifications, bot.FileStore, bot.Eraser and *Health. It needs a Config (its URL is REDIS_URL) and a *slog.Logger.
// The client is checked with a PING when the app starts and closed when it stops.
var Module = fx.Module("redis",
	fx.Provide(
		newLifecycleClient,
		NewHealth,
		fx.Annotate(NewSessionStore, fx.As(new(bot.SessionStore))),
		fx.Annotate(NewCaseStore, fx.As(new(bot.CaseStore))),
		fx.Annotate(NewModeration, fx.As(new(bot.Moderation))),
		fx.Annotate(NewDueQueue, fx.As(fx.Self()), fx.As(new(bot.DueQueue))),
		fx.Annotate(NewInbox, fx.As(new(inbox.Store))),
		fx.Annotate(NewDialogues, fx.As(new(bot.Dialogues))),
		fx.Annotate(NewVerifications, fx.As(new(bot.Verifications))),
		fx.Annotate(NewFiles, fx.As(new(bot.FileStore))),
		fx.Annotate(NewEraser, fx.As(new(bot.Eraser))),
	),
)

// newLifecycleClient opens the client without I/O, so constructing the app stays fast and
// side-effect free, and ties the PING and the close to the app's start and stop.
func newLifecycleClient(lc fx.Lifecycle, cfg Config, logger *slog.Logger) (goredis.UniversalClient, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.Default()
	}
	conn, err := open(cfg.URL, logger)
	if err != nil {
		return nil, err
	}
	lc.Append(fx.Hook{
		OnStart: func(ctx context.Context) error {
			if err := conn.ping(ctx); err != nil {
				return err
			}
			logger.Info("redis connected", "addr", conn.addr, "tenant", cfg.withDefaults().Tenant)
			return nil
		},
		OnStop: func(context.Context) error {
			conn.close()
			return nil
		},
	})
	return conn.client, nil
}
