package main

import (
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"escalation-bot/adapters/discord"
	"escalation-bot/adapters/openai"
	"escalation-bot/adapters/prometheus"
	"escalation-bot/adapters/redis"
	"escalation-bot/adapters/slack"
	"escalation-bot/adapters/web"
	"escalation-bot/adapters/webhook"
	"escalation-bot/bot"
	"escalation-bot/conversation"
	"escalation-bot/corefx"
	"escalation-bot/health"
	"escalation-bot/inbox"

	"go.uber.org/fx"
	"go.uber.org/fx/fxevent"
)

// NewLogger builds the one slog logger of the process.
func NewLogger(cfg Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// Options is the whole application; main and the end-to-end tests build the same thing.
func Options(cfg Config, logger *slog.Logger) fx.Option {
	playground := cfg.PlaygroundOn(cfg.Platforms())
	// The flow is read before fx so that an operator's mistake reads as one line, not a
	// dependency chain.
	flow, err := loadFlow(cfg)
	if err != nil {
		return fx.Error(err)
	}
	opts := []fx.Option{
		fx.WithLogger(func() fxevent.Logger {
			l := &fxevent.SlogLogger{Logger: logger}
			l.UseLogLevel(slog.LevelDebug)
			return l
		}),
		fx.Supply(cfg, logger, flow),
		fx.Supply(redis.Config{URL: cfg.RedisURL, Tenant: cfg.Tenant, RateWindow: cfg.RateWindow}),
		fx.Supply(bot.Config{
			Channels:   cfg.Channels,
			SessionTTL: cfg.SessionTTL,
			// The model's own budget covers its retries; the core's is the last word.
			SummaryTimeout: cfg.OpenAI.Timeout + 5*time.Second,
			// Extraction runs while the owner waits for the next question.
			ExtractTimeout: min(cfg.OpenAI.Timeout, 5*time.Second),
			RateLimit:      cfg.RateLimit,
			Claimers:       cfg.CoreClaimers(),
			Moderators:     cfg.CoreModerators(),

			RemindUnclaimedAfter:     cfg.Clocks.RemindUnclaimed,
			EscalateUnclaimedAfter:   cfg.Clocks.EscalateUnclaimed,
			RemindClaimedSilentAfter: cfg.Clocks.RemindSilent,
			SupportHours:             cfg.Clocks.SupportHours,
			OnCall:                   cfg.Clocks.OnCall,
			BackupChannels:           cfg.Clocks.BackupChannels,
			ConfirmResolutionWithin:  cfg.Clocks.ConfirmWithin,
			CooldownAfterCase:        cfg.Clocks.Cooldown,
			PatternAlertAt:           cfg.PatternAlertAt,
			DigestAt:                 cfg.DigestAt,
			Retention:                cfg.Retention,
			Language:                 cfg.Language,
			VerifyOwner:              cfg.Ownership.Mode,
			FileMaxBytes:             cfg.FileMaxBytes,
			FileTTL:                  cfg.FileTTL,
		}),
		fx.Provide(
			http.NewServeMux,
			NewServer,
			conversation.NewEngine,
			fx.Annotate(func() bot.SystemClock { return bot.SystemClock{} }, fx.As(new(bot.Clock))),
			fx.Annotate(func(h *redis.Health) health.Check { return health.Check{Name: "redis", Func: h.Ready} },
				fx.ResultTags(`group:"readiness"`)),
		),
		redis.Module,
		inbox.Module,
		corefx.Module,
		health.Module,
		prometheus.Module,
		fx.Provide(
			func(q *redis.DueQueue) prometheus.DueDepth { return q },
			func(s inbox.Store) prometheus.InboxDepth { return s },
		),
		fx.Invoke(func(*Server) {}),
	}
	opts = append(opts, ownershipOptions(cfg, playground, logger)...)
	if len(cfg.WebhookURLs) > 0 {
		opts = append(opts, fx.Supply(webhook.Config{URLs: cfg.WebhookURLs, Secret: cfg.WebhookSecret}), webhook.Module)
	}
	if cfg.OpenAI.On() {
		opts = append(opts,
			fx.Supply(openai.Config{
				APIKey:    cfg.OpenAI.APIKey,
				BaseURL:   cfg.OpenAI.BaseURL,
				Model:     cfg.OpenAI.Model,
				Timeout:   cfg.OpenAI.Timeout,
				RedactPII: cfg.OpenAI.RedactPII,
			}),
			openai.Module,
			fx.Provide(
				fx.Annotate(func(s *openai.Summarizer) prometheus.ModelSource { return modelSource("summary", s.Stats) },
					fx.ResultTags(`group:"models"`)),
				fx.Annotate(func(x *openai.Extractor) prometheus.ModelSource { return modelSource("extraction", x.Stats) },
					fx.ResultTags(`group:"models"`)),
			),
		)
	} else {
		// No model: the deterministic template and the rule extractor.
		opts = append(opts, fx.Provide(
			fx.Annotate(conversation.NewRuleExtractor, fx.As(new(conversation.Extractor))),
			fx.Annotate(bot.NewTemplateSummarizer, fx.As(new(bot.Summarizer))),
		))
	}
	if cfg.Slack.On() {
		opts = append(opts,
			fx.Supply(slack.Config{
				BotToken:      cfg.Slack.BotToken,
				AppToken:      cfg.Slack.AppToken,
				SigningSecret: cfg.Slack.SigningSecret,
				APIURL:        cfg.Slack.APIURL,
				Usergroups:    cfg.SlackUsergroups(),
			}),
			slack.Module,
			fx.Provide(func(m *prometheus.Metrics) slack.APIObserver { return m.Platform(slack.Platform) }),
		)
		mode := "http"
		if cfg.Slack.AppToken != "" {
			mode = "socket"
		}
		logger.Info("slack on", "mode", mode)
	}
	if cfg.Discord.On() {
		opts = append(opts,
			fx.Supply(discord.Config{
				Token:              cfg.Discord.Token,
				APIURL:             cfg.Discord.APIURL,
				ShardID:            cfg.Discord.ShardID,
				ShardCount:         cfg.Discord.ShardCount,
				GuildIDs:           cfg.Discord.GuildIDs,
				OwnerRoleIDs:       cfg.Discord.OwnerRoleIDs,
				OwnerMinMemberDays: cfg.Discord.OwnerMinMemberDays,
				ThreadReplies:      cfg.Discord.ThreadReplies,
			}),
			discord.Module,
			fx.Provide(func(m *prometheus.Metrics) discord.APIObserver { return m.Platform(discord.Platform) }),
		)
		logger.Info("discord on", "shard", cfg.Discord.ShardID, "shards", cfg.Discord.ShardCount)
	}
	if playground {
		opts = append(opts, web.Module)
		logger.Info("playground on", "url", "http://"+cfg.HTTPAddr)
		if host, _, err := net.SplitHostPort(cfg.HTTPAddr); err == nil && !isLoopback(host) {
			logger.Warn("the playground has no login and answers only requests for localhost; do not publish its port beyond this machine", "addr", cfg.HTTPAddr)
		}
	}
	return fx.Options(opts...)
}

// NewApp builds the application.
func NewApp(cfg Config, logger *slog.Logger) *fx.App {
	return fx.New(Options(cfg, logger))
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func loadFlow(cfg Config) (*conversation.Flow, error) {
	if cfg.FlowFile == "" {
		return conversation.DefaultFlow(), nil
	}
	f, err := conversation.LoadFlow(cfg.FlowFile)
	if err != nil {
		return nil, fmt.Errorf("FLOW_FILE: %w", err)
	}
	if cfg.Language != "" && !f.Speaks(cfg.Language) {
		return nil, fmt.Errorf("LANGUAGE %s: %s has no %s translation; add translations.%s to it, or use one of %s",
			cfg.Language, cfg.FlowFile, cfg.Language, cfg.Language, strings.Join(f.Offers(), ", "))
	}
	return f, nil
}

// modelSource reads what an openai Summarizer or Extractor counted, for the metrics.
func modelSource(task string, stats func() openai.Stats) prometheus.ModelSource {
	return prometheus.ModelSource{Task: task, Read: func() prometheus.ModelCounts {
		s := stats()
		return prometheus.ModelCounts{Answers: s.OK, Fallbacks: map[string]int64{
			string(openai.ReasonTimeout):     s.Timeout,
			string(openai.ReasonRateLimited): s.RateLimited,
			string(openai.ReasonServerError): s.ServerError,
			string(openai.ReasonMalformed):   s.Malformed,
			string(openai.ReasonInvalid):     s.Invalid,
			string(openai.ReasonFailed):      s.Failed,
		}}
	}}
}
