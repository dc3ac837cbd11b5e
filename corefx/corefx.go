// Package corefx provides the core to an fx application: the *bot.Service built from the
// ports the adapters provide, and its due worker tied to the application's start and stop.
// The core itself knows nothing of fx; cmd/escalation-bot and the adapters' module tests use
// this package to wire it.
package corefx

import (
	"log/slog"

	"escalation-bot/bot"
	"escalation-bot/conversation"

	"go.uber.org/fx"
)

// Module provides the *bot.Service and runs its due worker between the app's start and stop.
// Messengers and hooks are collected from the "messengers" and "hooks" value groups; the due
// queue, the dialogues, the admission and the observer are used when the app provides them.
var Module = fx.Module("bot",
	fx.Provide(newService),
	fx.Invoke(runDue),
)

type params struct {
	fx.In

	Config     bot.Config
	Engine     *conversation.Engine
	Extractor  conversation.Extractor
	Sessions   bot.SessionStore
	Cases      bot.CaseStore
	Moderation bot.Moderation
	Due        bot.DueQueue  `optional:"true"`
	Dialogues  bot.Dialogues `optional:"true"`
	// Ownership and Verifications are needed when Config.VerifyOwner is not off.
	Ownership     bot.OwnershipChecker `optional:"true"`
	Verifications bot.Verifications    `optional:"true"`
	Files         bot.FileStore        `optional:"true"`
	Eraser        bot.Eraser           `optional:"true"`
	Admission     bot.Admission        `optional:"true"`
	Summarizer    bot.Summarizer
	Messengers    []bot.Messenger `group:"messengers"`
	Hooks         []bot.Hook      `group:"hooks"`
	Clock         bot.Clock
	Observer      bot.Observer `optional:"true"`
	Logger        *slog.Logger
}

func newService(p params) *bot.Service {
	return bot.NewService(bot.Params{
		Config:        p.Config,
		Engine:        p.Engine,
		Extractor:     p.Extractor,
		Sessions:      p.Sessions,
		Cases:         p.Cases,
		Moderation:    p.Moderation,
		Due:           p.Due,
		Dialogues:     p.Dialogues,
		Ownership:     p.Ownership,
		Verifications: p.Verifications,
		Files:         p.Files,
		Eraser:        p.Eraser,
		Admission:     p.Admission,
		Summarizer:    p.Summarizer,
		Messengers:    p.Messengers,
		Hooks:         p.Hooks,
		Clock:         p.Clock,
		Observer:      p.Observer,
		Logger:        p.Logger,
	})
}

func runDue(lc fx.Lifecycle, s *bot.Service) {
	w := bot.NewDueWorker(s)
	lc.Append(fx.StartStopHook(w.Start, w.Stop))
}
