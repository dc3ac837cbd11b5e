package openai

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"

	"escalation-bot/bot"
	"escalation-bot/conversation"
)

func TestModule(t *testing.T) {
	srv := newFake(t, replies(answer(mustJSON(goodSummary()))))
	log, logs := newLogger()
	var (
		summarizer bot.Summarizer
		extractor  conversation.Extractor
		concrete   *Summarizer
	)
	app := fxtest.New(t,
		fx.Supply(srv.config(), conversation.DefaultFlow(), log),
		Module,
		fx.Populate(&summarizer, &extractor, &concrete),
	)
	app.RequireStart()

	if _, ok := summarizer.(*Summarizer); !ok {
		t.Errorf("bot.Summarizer is %T", summarizer)
	}
	if _, ok := extractor.(*Extractor); !ok {
		t.Errorf("conversation.Extractor is %T", extractor)
	}
	sum, err := summarizer.Summarize(context.Background(), caseInput())
	if err != nil || sum.Automatic {
		t.Fatalf("summary %+v, err %v", sum, err)
	}
	got, err := extractor.Extract(context.Background(), "2019 Model 3")
	if err != nil || got["model"] != "model_3" {
		t.Errorf("extract %v, %v", got, err)
	}
	app.RequireStop()

	out := logs.String()
	for _, want := range []string{"openai on", "model=test-model", "redact_pii=true", "openai stats", "summary.ok=1"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, testKey) {
		t.Errorf("the API key is in the log:\n%s", out)
	}
	if concrete.Stats().OK != 1 {
		t.Errorf("stats %+v", concrete.Stats())
	}
}

func TestModuleRefusesABadBaseURL(t *testing.T) {
	app := fx.New(
		fx.NopLogger,
		fx.Supply(Config{APIKey: testKey, BaseURL: "localhost:11434"}, conversation.DefaultFlow(), slog.Default()),
		Module,
		fx.Invoke(func(bot.Summarizer) {}),
	)
	err := app.Err()
	if err == nil || !strings.Contains(err.Error(), "OPENAI_BASE_URL") || strings.Contains(err.Error(), testKey) {
		t.Errorf("err %v", err)
	}
}
