package prometheus_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"escalation-bot/adapters/prometheus"
	"escalation-bot/adapters/redis"
	"escalation-bot/bot"
	"escalation-bot/inbox"
	"escalation-bot/xtest/clocktest"
	"escalation-bot/xtest/redistest"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// scrape reads url as Prometheus does and parses the text format.
func scrape(t *testing.T, url string) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", url, resp.StatusCode)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return fams
}

// value is the value of the series of name with the labels (name, value pairs); for a
// histogram, its count. It fails the test when there is no such series.
func value(t *testing.T, fams map[string]*dto.MetricFamily, name string, labels ...string) float64 {
	t.Helper()
	f, ok := fams[name]
	if !ok {
		t.Fatalf("no metric %s", name)
	}
next:
	for _, m := range f.GetMetric() {
		for i := 0; i+1 < len(labels); i += 2 {
			found := false
			for _, l := range m.GetLabel() {
				if l.GetName() == labels[i] && l.GetValue() == labels[i+1] {
					found = true
				}
			}
			if !found {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue()
		case m.Gauge != nil:
			return m.Gauge.GetValue()
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount())
		}
	}
	t.Fatalf("no series %s%v", name, labels)
	return 0
}

func newCase(owner bot.Identity, at time.Time) bot.Case {
	return bot.Case{
		Owner: owner, OwnerName: "Olive Owner", CreatedAt: at,
		Summary: bot.Summary{Title: "Charging fails", Text: "The car stopped charging.", Severity: bot.SeverityHigh, Automatic: true},
	}
}

// The store decorator counts what the store accepted, the collector reads the queues and the
// case counts at scrape time, and the observers count turns, requests and fallbacks.
func TestMetrics(t *testing.T) {
	ctx := context.Background()
	r := redistest.New(t)
	clock := clocktest.Frozen(t)
	rcfg := redis.Config{Tenant: r.Tenant, Clock: clock}
	m := prometheus.New(slog.New(slog.DiscardHandler))
	cases := prometheus.DecorateCaseStore(redis.NewCaseStore(r.Client, rcfg), m)
	due := redis.NewDueQueue(r.Client, rcfg)
	box := redis.NewInbox(r.Client, rcfg)
	summary := prometheus.ModelSource{Task: "summary", Read: func() prometheus.ModelCounts {
		return prometheus.ModelCounts{Answers: 3, Fallbacks: map[string]int64{"timeout": 2}}
	}}
	if err := m.Collect(prometheus.Sources{Cases: cases, Due: due, Inbox: box, Clock: clock, Models: []prometheus.ModelSource{summary}}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m.Handler())
	t.Cleanup(srv.Close)

	created := clock.Now()
	c, err := cases.Create(ctx, newCase("web:ann", created))
	if err != nil {
		t.Fatal(err)
	}
	// Creating the same id again (a recovered submission) returns the stored case: not counted.
	if _, err := cases.Create(ctx, bot.Case{ID: c.ID, Owner: "web:ann", CreatedAt: created.Add(time.Minute)}); err != nil {
		t.Fatal(err)
	}
	for range 2 { // a reminder appended twice for the same event counts once
		err := cases.AddAudit(ctx, c.ID, bot.AuditEntry{At: clock.Now(), Action: "remind", EventID: "remind:1"})
		if err != nil && !errors.Is(err, bot.ErrDuplicateEvent) {
			t.Fatal(err)
		}
	}
	if err := cases.AddAudit(ctx, c.ID, bot.AuditEntry{At: clock.Now(), Action: "escalate", EventID: "escalate:1"}); err != nil {
		t.Fatal(err)
	}
	if err := cases.AddAudit(ctx, c.ID, bot.AuditEntry{At: clock.Now(), Action: "a verb from the future"}); err != nil {
		t.Fatal(err)
	}

	claim := bot.Transition{From: []bot.Status{bot.StatusOpen}, To: bot.StatusClaimed, Action: "claim",
		Actor: "web:dana", Claimer: "web:dana", ClaimerName: "dana", At: created.Add(5 * time.Minute)}
	if _, err := cases.Transition(ctx, c.ID, claim); err != nil {
		t.Fatal(err)
	}
	// A lost race changes nothing and counts nothing.
	if _, err := cases.Transition(ctx, c.ID, claim); !errors.Is(err, bot.ErrWrongStatus) {
		t.Fatalf("second claim: %v", err)
	}
	release := bot.Transition{From: []bot.Status{bot.StatusClaimed}, To: bot.StatusOpen, Action: "release", Actor: "web:dana", At: created.Add(6 * time.Minute)}
	if _, err := cases.Transition(ctx, c.ID, release); err != nil {
		t.Fatal(err)
	}
	// A second claim is not the first: no second time to claim.
	claim.At = created.Add(7 * time.Minute)
	if _, err := cases.Transition(ctx, c.ID, claim); err != nil {
		t.Fatal(err)
	}
	for i, at := range []time.Duration{-90 * time.Second, time.Hour} {
		if err := due.Schedule(ctx, bot.DueItem{Kind: bot.DueDeliver, CaseID: c.ID, Attempt: i, At: clock.Now().Add(at)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := due.Schedule(ctx, bot.DueItem{Kind: bot.DuePostCard, CaseID: c.ID, At: clock.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"e1", "e2"} {
		if err := box.Put(ctx, inbox.Item{ID: id, Lane: "web:ann", Kind: "dm"}); err != nil {
			t.Fatal(err)
		}
	}

	m.Turn(ctx, 20*time.Millisecond, nil)
	m.Turn(ctx, 2*time.Second, bot.Errorf(bot.CodeUnavailable, "slow down"))
	m.Turn(ctx, time.Millisecond, errors.New("redis is away"))
	m.Guessed(ctx, bot.GuessSaved)
	m.Guessed(ctx, bot.GuessSaved)
	m.Guessed(ctx, bot.GuessMissed)
	slack := m.Platform("slack")
	slack.APICall("chat.postMessage", false, nil)
	slack.APICall("chat.postMessage", true, errors.New("ratelimited"))
	m.Platform("discord").APICall("POST channels", false, errors.New("HTTP 500"))
	hooks := prometheus.DecorateHooks(m, []bot.Hook{receiver{name: "a1b2c3", err: errors.New("answered 500")}})
	if err := hooks[0].Send(ctx, bot.HookEvent{ID: c.ID + ":1", Type: "case.created"}); err == nil {
		t.Fatal("a failed delivery succeeded")
	}

	fams := scrape(t, srv.URL)
	for _, want := range []struct {
		name   string
		labels []string
		value  float64
	}{
		{"escalation_case_actions_total", []string{"action", "created"}, 1},
		{"escalation_case_actions_total", []string{"action", "claim"}, 2},
		{"escalation_case_actions_total", []string{"action", "release"}, 1},
		{"escalation_case_actions_total", []string{"action", "remind"}, 1},
		{"escalation_case_actions_total", []string{"action", "other"}, 1},
		{"escalation_reminders_total", []string{"kind", "unclaimed"}, 1},
		{"escalation_reminders_total", []string{"kind", "claimer"}, 0},
		{"escalation_escalations_total", nil, 1},
		{"escalation_time_to_claim_seconds", nil, 1},
		{"escalation_cases", []string{"status", "claimed"}, 1},
		{"escalation_cases", []string{"status", "open"}, 0},
		{"escalation_due_items", nil, 3},
		{"escalation_outbox_items", nil, 2},
		{"escalation_due_lag_seconds", nil, 90},
		{"escalation_inbox_items", nil, 2},
		{"escalation_intake_turns_total", []string{"result", "ok"}, 1},
		{"escalation_intake_turns_total", []string{"result", "unavailable"}, 1},
		{"escalation_intake_turns_total", []string{"result", "internal"}, 1},
		{"escalation_intake_turn_duration_seconds", nil, 3},
		{"escalation_session_guesses_total", []string{"result", "saved"}, 2},
		{"escalation_session_guesses_total", []string{"result", "missed"}, 1},
		{"escalation_session_guesses_total", []string{"result", "stopped"}, 0},
		{"escalation_platform_api_requests_total", []string{"platform", "slack", "method", "chat.postMessage", "result", "ok"}, 1},
		{"escalation_platform_api_requests_total", []string{"platform", "slack", "result", "rate_limited"}, 1},
		{"escalation_platform_api_requests_total", []string{"platform", "discord", "method", "POST channels", "result", "error"}, 1},
		{"escalation_webhook_deliveries_total", []string{"receiver", "a1b2c3", "result", "failed"}, 1},
		{"escalation_webhook_deliveries_total", []string{"receiver", "a1b2c3", "result", "delivered"}, 0},
		{"escalation_model_answers_total", []string{"task", "summary"}, 3},
		{"escalation_model_fallbacks_total", []string{"task", "summary", "reason", "timeout"}, 2},
		{"escalation_metrics_read_errors_total", []string{"source", "due"}, 0},
	} {
		if got := value(t, fams, want.name, want.labels...); got != want.value {
			t.Errorf("%s%v = %v, want %v", want.name, want.labels, got, want.value)
		}
	}
	h := fams["escalation_time_to_claim_seconds"].GetMetric()[0].GetHistogram()
	if h.GetSampleSum() != 300 {
		t.Errorf("time to claim = %vs, want 300s (the first claim)", h.GetSampleSum())
	}
	for _, runtime := range []string{"go_goroutines", "go_memstats_heap_alloc_bytes", "process_resident_memory_bytes"} {
		if _, ok := fams[runtime]; !ok {
			t.Errorf("no %s", runtime)
		}
	}
}

// A source that cannot be read leaves its gauges out and counts an error; the scrape still
// serves everything else.
func TestMetricsReadError(t *testing.T) {
	r := redistest.New(t)
	rcfg := redis.Config{Tenant: r.Tenant}
	m := prometheus.New(slog.New(slog.DiscardHandler))
	if err := m.Collect(prometheus.Sources{Cases: redis.NewCaseStore(r.Client, rcfg), Due: brokenDue{}}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m.Handler())
	t.Cleanup(srv.Close)
	fams := scrape(t, srv.URL)
	if _, ok := fams["escalation_due_items"]; ok {
		t.Error("due items served without being read")
	}
	if got := value(t, fams, "escalation_metrics_read_errors_total", "source", "due"); got != 1 {
		t.Errorf("read errors = %v", got)
	}
	value(t, fams, "escalation_cases", "status", "open")
}

type brokenDue struct{}

func (brokenDue) Depth(context.Context) (int64, int64, time.Time, error) {
	return 0, 0, time.Time{}, errors.New("redis is away")
}

// receiver is a webhook receiver that answers err.
type receiver struct {
	name string
	err  error
}

func (r receiver) Name() string                              { return r.name }
func (r receiver) Send(context.Context, bot.HookEvent) error { return r.err }
