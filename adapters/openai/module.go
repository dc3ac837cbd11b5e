package openai

import (
	"context"
	"log/slog"

	"go.uber.org/fx"

	"escalation-bot/bot"
	"escalation-bot/conversation"
)

// Module provides the Summarizer as bot.Summarizer and the Extractor as conversation.Extractor
// (each also as itself, for its Stats). It needs a Config, the *conversation.Flow and a
// *slog.Logger, and builds the rule extractor of the flow itself. The command includes it
// instead of the template summarizer and the rule extractor when OPENAI_API_KEY is set.
var Module = fx.Module("openai",
	fx.Provide(
		fx.Private,
		conversation.NewRuleExtractor,
	),
	fx.Provide(
		fx.Annotate(NewSummarizer, fx.As(fx.Self()), fx.As(new(bot.Summarizer))),
		fx.Annotate(NewExtractor, fx.As(fx.Self()), fx.As(new(conversation.Extractor))),
	),
	fx.Invoke(logLifecycle),
)

// logLifecycle says at start which endpoint and model are used (never the key) and at stop
// what the model did, so that fallbacks show up even without metrics.
func logLifecycle(lc fx.Lifecycle, cfg Config, s *Summarizer, x *Extractor, log *slog.Logger) {
	if log == nil {
		log = slog.Default()
	}
	lc.Append(fx.Hook{
		OnStart: func(ctx context.Context) error {
			log.InfoContext(ctx, "openai on", "endpoint", cfg.endpoint(), "model", cfg.withDefaults().Model,
				"timeout", cfg.withDefaults().Timeout, "redact_pii", cfg.RedactPII)
			return nil
		},
		OnStop: func(ctx context.Context) error {
			log.InfoContext(ctx, "openai stats", "summary", s.Stats(), "extraction", x.Stats())
			return nil
		},
	})
}
