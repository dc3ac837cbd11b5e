package inbox

import (
	"context"
	"log/slog"

	"go.uber.org/fx"
)

// Module provides the *Inbox the chat adapters store what platforms send in. It needs a Store
// (adapters/redis provides one) and a *slog.Logger. The inbox starts before the adapters that
// use it and stops after them.
var Module = fx.Module("inbox", fx.Provide(newLifecycleInbox))

func newLifecycleInbox(lc fx.Lifecycle, store Store, logger *slog.Logger) *Inbox {
	box := New(store, Config{}, logger)
	lc.Append(fx.Hook{
		OnStart: func(context.Context) error { box.Start(); return nil },
		OnStop:  box.Stop,
	})
	return box
}
