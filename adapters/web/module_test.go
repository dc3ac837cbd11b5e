package web

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	redisstore "escalation-bot/adapters/redis"
	"escalation-bot/bot"
	"escalation-bot/conversation"
	"escalation-bot/corefx"
	"escalation-bot/xtest/redistest"

	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"
)

// TestModule wires the playground the way the command does and checks that the hub is the
// service's "web" messenger: a submitted case reaches an open page as a channel event.
func TestModule(t *testing.T) {
	r := redistest.New(t) // cleans up the tenant
	flow := conversation.DefaultFlow()
	var (
		mux *http.ServeMux
		svc *bot.Service
		hub *Hub
	)
	app := fxtest.New(t,
		fx.NopLogger,
		Module,
		corefx.Module,
		redisstore.Module,
		fx.Supply(
			redisstore.Config{URL: redistest.URL(t), Tenant: r.Tenant},
			bot.Config{Channels: []string{"web:escalations"}, Moderators: []string{"web:*"}},
			conversation.NewEngine(flow),
			fx.Annotate(conversation.NewRuleExtractor(flow), fx.As(new(conversation.Extractor))),
			fx.Annotate(bot.NewTemplateSummarizer(), fx.As(new(bot.Summarizer))),
			fx.Annotate(bot.SystemClock{}, fx.As(new(bot.Clock))),
			slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn})),
			http.NewServeMux(),
		),
		fx.Populate(&mux, &svc, &hub),
	)
	app.RequireStart()
	t.Cleanup(app.RequireStop)

	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	e := &env{t: t, srv: srv, svc: svc, hub: hub}

	page := e.events("")
	e.intake("ann")
	id := e.submit("ann", nil)
	waitChannel(t, page)
	if cases := e.channel(); len(cases) != 1 || cases[0].ID != id {
		t.Errorf("channel = %+v, want %s", cases, id)
	}
}
