package prometheus

import (
	"net/http"

	"escalation-bot/bot"

	"go.uber.org/fx"
)

// Module provides *Metrics (also as bot.Observer), serves GET /metrics on the app's
// *http.ServeMux, and decorates bot.CaseStore to count case actions and the "hooks" group's
// bot.Hooks to count webhook deliveries. The decoration is
// app-wide, so the Module must be given to fx.New itself, not nested in another module. It
// reads, when the app has them, bot.CaseStore (cases by status), a DueDepth, an InboxDepth,
// bot.Clock and the ModelSources of the value group "models"; cmd binds the adapters' types
// to these interfaces, and hands Metrics.Platform's observers to the chat adapters.
var Module = fx.Options(
	fx.Module("prometheus",
		fx.Provide(
			New,
			func(m *Metrics) bot.Observer { return m },
		),
		fx.Invoke(serve),
	),
	fx.Decorate(
		DecorateCaseStore,
		fx.Annotate(DecorateHooks, fx.ParamTags(``, `group:"hooks"`), fx.ResultTags(`group:"hooks"`)),
	),
)

type serveParams struct {
	fx.In

	Metrics *Metrics
	Mux     *http.ServeMux
	Cases   bot.CaseStore `optional:"true"`
	Due     DueDepth      `optional:"true"`
	Inbox   InboxDepth    `optional:"true"`
	Clock   bot.Clock     `optional:"true"`
	Models  []ModelSource `group:"models"`
}

// serve registers the collector of the sources and the endpoint.
func serve(p serveParams) error {
	if err := p.Metrics.Collect(Sources{Cases: p.Cases, Due: p.Due, Inbox: p.Inbox, Models: p.Models, Clock: p.Clock}); err != nil {
		return err
	}
	// On HTTP_ADDR, like /healthz: what the metrics say about the line is for the operator,
	// so the port must not be published beyond the monitoring network.
	p.Mux.Handle("GET /metrics", p.Metrics.Handler())
	return nil
}
