package webhook

import (
	"log/slog"

	"escalation-bot/bot"

	"go.uber.org/fx"
)

// Module provides a bot.Hook for every configured receiver.
var Module = fx.Module("webhook",
	fx.Provide(fx.Annotate(hooks, fx.ResultTags(`group:"hooks,flatten"`))),
)

func hooks(cfg Config, logger *slog.Logger) ([]bot.Hook, error) {
	rs, err := New(cfg, logger)
	if err != nil {
		return nil, err
	}
	out := make([]bot.Hook, len(rs))
	for i, r := range rs {
		out[i] = r
	}
	return out, nil
}
