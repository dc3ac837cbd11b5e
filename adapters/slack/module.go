package slack

import (
	"log/slog"
	"net/http"

	"escalation-bot/bot"
	"escalation-bot/health"
	"escalation-bot/inbox"

	"go.uber.org/fx"
)

// Module provides the Messenger as the "slack" messenger of the core and the readiness check,
// and runs the adapter: Socket Mode when Config.AppToken is set, else the HTTP endpoints on
// the command's *http.ServeMux. It needs Config, *bot.Service, *http.ServeMux and *slog.Logger, and tells every Web
// API call to the APIObserver when the app provides one.
var Module = fx.Module("slack",
	fx.Provide(
		newMessenger,
		fx.Annotate(
			func(m *Messenger) bot.Messenger { return m },
			fx.ResultTags(`group:"messengers"`),
		),
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

// newMessenger is NewMessenger with the app's APIObserver, when it has one.
func newMessenger(p messengerParams) (*Messenger, error) {
	m, err := NewMessenger(p.Config, p.Logger)
	if err == nil && p.Observer != nil {
		m.api.observer = p.Observer
	}
	return m, err
}

// newAdapter is NewAdapter over the core's service.
func newAdapter(cfg Config, svc *bot.Service, m *Messenger, box *inbox.Inbox, logger *slog.Logger) *Adapter {
	return NewAdapter(cfg, svc, m, box, logger)
}

// run registers the HTTP endpoints (HTTP mode) and ties the adapter to the app's lifecycle:
// the token is checked and Socket Mode connected on start; work in flight is cancelled and
// waited for on stop.
func run(lc fx.Lifecycle, cfg Config, a *Adapter, mux *http.ServeMux) {
	if !cfg.SocketMode() {
		a.Register(mux)
	}
	lc.Append(fx.Hook{OnStart: a.Start, OnStop: a.Stop})
}
