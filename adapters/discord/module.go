package discord

import (
	"log/slog"

	"escalation-bot/bot"
	"escalation-bot/health"
	"escalation-bot/inbox"

	"go.uber.org/fx"
)

// Module provides the Messenger as the core's "discord" messenger, the owner restrictions as
// its bot.Admission and the readiness check, and runs the adapter: on start the token is
// checked, the gateway opened and the commands registered; on stop the gateway is closed and
// the work in flight waited for. It needs Config, *bot.Service, *inbox.Inbox and *slog.Logger,
// and uses an APIObserver (told of every REST request) when there is one.
var Module = fx.Module("discord",
	fx.Provide(
		newMessenger,
		fx.Annotate(
			func(m *Messenger) bot.Messenger { return m },
			fx.ResultTags(`group:"messengers"`),
		),
		NewAdmission,
		func(a *Admission) bot.Admission { return a },
		newAdapter,
		fx.Annotate(
			func(a *Adapter) health.Check { return a.Check() },
			fx.ResultTags(`group:"readiness"`),
		),
	),
	fx.Invoke(run),
)

type messengerParams struct {
	fx.In

	Config   Config
	Logger   *slog.Logger
	Observer APIObserver `optional:"true"`
}

// newMessenger is NewMessenger whose REST requests are told to the app's APIObserver, when it
// has one.
func newMessenger(p messengerParams) (*Messenger, error) {
	m, err := NewMessenger(p.Config, p.Logger)
	if err == nil && p.Observer != nil {
		m.dg.Client.Transport = observed{next: m.dg.Client.Transport, obs: p.Observer}
	}
	return m, err
}

type adapterParams struct {
	fx.In

	Config    Config
	Service   *bot.Service
	Messenger *Messenger
	Inbox     *inbox.Inbox
	Logger    *slog.Logger
}

func newAdapter(p adapterParams) *Adapter {
	return NewAdapter(p.Config, p.Service, p.Messenger, p.Inbox, p.Logger)
}

func run(lc fx.Lifecycle, a *Adapter) {
	lc.Append(fx.Hook{OnStart: a.Start, OnStop: a.Stop})
}
