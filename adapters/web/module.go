package web

import (
	"log/slog"
	"net/http"

	"escalation-bot/bot"

	"go.uber.org/fx"
)

// Module provides the hub as the "web" Messenger and registers the playground on the
// *http.ServeMux the command provides. The command decides whether to include it.
var Module = fx.Module("web",
	fx.Provide(
		NewHub,
		fx.Annotate(
			func(h *Hub) bot.Messenger { return h },
			fx.ResultTags(`group:"messengers"`),
		),
		newPlayground,
	),
	fx.Invoke(func(p *Playground, mux *http.ServeMux) { p.Register(mux) }),
)

// newPlayground is NewPlayground over the core's service.
func newPlayground(svc *bot.Service, hub *Hub, logger *slog.Logger) *Playground {
	return NewPlayground(svc, hub, logger)
}
