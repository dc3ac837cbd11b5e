package slack

import (
	"net/http"

	"escalation-bot/bot"
	"escalation-bot/health"

	"go.uber.org/fx"
)

// Module provides the Messenger as the "slack" messenger of the core and the readiness check,
// and runs the adapter: Socket Mode when Config.AppToken is set, else the HTTP endpoints on
// the command's *http.ServeMux. It needs Config, *bot.Service, *http.ServeMux and *slog.Logger.
var Module = fx.Module("slack",
	fx.Provide(
		NewMessenger,
		fx.Annotate(
			func(m *Messenger) bot.Messenger { return m },
			fx.ResultTags(`group:"messengers"`),
		),
		NewAdapter,
		fx.Annotate(
			func(a *Adapter) health.Check { return a.Check() },
			fx.ResultTags(`group:"readiness"`),
		),
	),
	fx.Invoke(run),
)

// run registers the HTTP endpoints (HTTP mode) and ties the adapter to the app's lifecycle:
// the token is checked and Socket Mode connected on start; work in flight is cancelled and
// waited for on stop.
func run(lc fx.Lifecycle, cfg Config, a *Adapter, mux *http.ServeMux) {
	if !cfg.SocketMode() {
		a.Register(mux)
	}
	lc.Append(fx.Hook{OnStart: a.Start, OnStop: a.Stop})
}
