package main

import (
	"context"
	"log/slog"
	"time"

	"escalation-bot/adapters/crm"
	"escalation-bot/adapters/ownersfile"
	"escalation-bot/adapters/web"
	"escalation-bot/bot"

	"go.uber.org/fx"
)

// ownersFilePoll is how often OWNERS_FILE is looked at for changes.
const ownersFilePoll = 2 * time.Second

// ownershipOptions provide the bot.OwnershipChecker REQUIRE_VERIFIED_OWNER asks: the CRM
// (OWNER_VERIFY_URL), the owners file (OWNERS_FILE), or with the playground on and neither set,
// the playground's sample owners. Without any, every check is unknown and moderators verify.
func ownershipOptions(cfg Config, playground bool, logger *slog.Logger) []fx.Option {
	o := cfg.Ownership
	if o.Mode == "" || o.Mode == bot.VerifyOff {
		return nil
	}
	switch {
	case o.URL != "":
		return []fx.Option{fx.Provide(func() (bot.OwnershipChecker, error) {
			return crm.New(crm.Config{URL: o.URL, Secret: o.Secret, Timeout: o.Timeout, TTL: o.TTL}, logger)
		})}
	case o.File != "":
		return []fx.Option{fx.Provide(func(lc fx.Lifecycle) (bot.OwnershipChecker, error) {
			f, err := ownersfile.Open(o.File, logger)
			if err != nil {
				return nil, err
			}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan struct{})
			lc.Append(fx.Hook{
				OnStart: func(context.Context) error {
					go func() { defer close(done); f.Watch(ctx, ownersFilePoll) }()
					return nil
				},
				OnStop: func(context.Context) error { cancel(); <-done; return nil },
			})
			return f, nil
		})}
	case playground:
		logger.Info("ownership checked against the playground's sample owners", "mode", o.Mode)
		return []fx.Option{fx.Provide(func() (bot.OwnershipChecker, error) {
			return ownersfile.FromData("owners.sample.yaml", web.SampleOwners)
		})}
	}
	logger.Warn("REQUIRE_VERIFIED_OWNER is on without OWNER_VERIFY_URL or OWNERS_FILE: ownership is unknown until a moderator verifies it", "mode", o.Mode)
	return nil
}
