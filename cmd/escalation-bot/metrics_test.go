package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"escalation-bot/xtest/fakediscord"
	"escalation-bot/xtest/fakeslack"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// scrape reads /metrics as Prometheus does and parses the text format.
func (a *app) scrape() map[string]*dto.MetricFamily {
	a.t.Helper()
	resp, err := http.Get(a.base + "/metrics")
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		a.t.Fatalf("GET /metrics: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		a.t.Fatal(err)
	}
	return fams
}

// metric sums the series of name whose labels include the given pairs; a histogram's series
// count their observations. It fails the test when name is not served.
func metric(t *testing.T, fams map[string]*dto.MetricFamily, name string, labels ...string) float64 {
	t.Helper()
	f, ok := fams[name]
	if !ok {
		t.Fatalf("/metrics has no %s", name)
	}
	sum := 0.0
next:
	for _, m := range f.GetMetric() {
		have := map[string]string{}
		for _, l := range m.GetLabel() {
			have[l.GetName()] = l.GetValue()
		}
		for i := 0; i+1 < len(labels); i += 2 {
			if have[labels[i]] != labels[i+1] {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			sum += m.Counter.GetValue()
		case m.Gauge != nil:
			sum += m.Gauge.GetValue()
		case m.Histogram != nil:
			sum += float64(m.Histogram.GetSampleCount())
		}
	}
	return sum
}

// The whole program over a real Redis: a case through the playground, claimed, moves the
// metrics /metrics serves.
func TestMetricsEndToEnd(t *testing.T) {
	var received atomic.Int32
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { received.Add(1) }))
	defer receiver.Close()
	a := startApp(t, map[string]string{"WEBHOOK_URLS": receiver.URL, "WEBHOOK_SECRET": "s3cret"})
	a.intake("zoe")
	id := a.cards()[0].ID
	if code := a.post("/api/execs/dana/actions", map[string]string{"action": "claim", "case": id}, nil); code != 200 {
		t.Fatalf("claim = %d", code)
	}
	a.post("/api/execs/eve/actions", map[string]string{"action": "claim", "case": id}, nil) // lost: counts nothing
	for deadline := time.Now().Add(10 * time.Second); received.Load() < 2; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the receiver got %d webhooks, want case.created and case.claimed", received.Load())
		}
	}

	fams := a.scrape()
	turns := float64(len(intakeSteps))
	for _, c := range []struct {
		name   string
		labels []string
		ok     func(float64) bool
		want   string
	}{
		{"escalation_intake_turns_total", []string{"result", "ok"}, func(v float64) bool { return v >= turns }, "every step"},
		{"escalation_intake_turn_duration_seconds", nil, func(v float64) bool { return v >= turns }, "every step"},
		{"escalation_cases", []string{"status", "claimed"}, func(v float64) bool { return v == 1 }, "1"},
		{"escalation_cases", []string{"status", "open"}, func(v float64) bool { return v == 0 }, "0"},
		{"escalation_case_actions_total", []string{"action", "created"}, func(v float64) bool { return v == 1 }, "1"},
		{"escalation_case_actions_total", []string{"action", "claim"}, func(v float64) bool { return v == 1 }, "1"},
		{"escalation_time_to_claim_seconds", nil, func(v float64) bool { return v == 1 }, "1 observation"},
		// The claimed case's silent-claimer clock waits in the due queue.
		{"escalation_due_items", nil, func(v float64) bool { return v >= 1 }, "at least 1"},
		{"escalation_due_lag_seconds", nil, func(v float64) bool { return v >= 0 }, "served"},
		{"escalation_outbox_items", nil, func(v float64) bool { return v >= 0 }, "served"},
		{"escalation_inbox_items", nil, func(v float64) bool { return v == 0 }, "0"},
		{"escalation_webhook_deliveries_total", []string{"result", "delivered"}, func(v float64) bool { return v >= 2 }, "case.created and case.claimed"},
		{"escalation_webhook_deliveries_total", []string{"result", "failed"}, func(v float64) bool { return v == 0 }, "0"},
		{"escalation_metrics_read_errors_total", nil, func(v float64) bool { return v == 0 }, "0"},
		{"go_goroutines", nil, func(v float64) bool { return v > 0 }, "the Go runtime's"},
	} {
		if v := metric(t, fams, c.name, c.labels...); !c.ok(v) {
			t.Errorf("%s%v = %v, want %s", c.name, c.labels, v, c.want)
		}
	}
	// No owner, executive or case appears in a label.
	for name, f := range fams {
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if v := l.GetValue(); strings.Contains(v, "zoe") || strings.Contains(v, "dana") || strings.Contains(v, id) {
					t.Errorf("%s carries %s=%q", name, l.GetName(), v)
				}
			}
		}
	}
}

// With a model that fails, the fallbacks to the template are counted by task and reason.
func TestMetricsModelFallbacks(t *testing.T) {
	llm := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"message": "no such model", "type": "invalid_request_error"}})
	}))
	defer llm.Close()
	a := startApp(t, map[string]string{"OPENAI_API_KEY": "sk-test", "OPENAI_BASE_URL": llm.URL + "/v1", "OPENAI_TIMEOUT": "5s"})
	a.intake("zoe")
	if cards := a.cards(); len(cards) != 1 || !cards[0].Automatic {
		t.Fatalf("cards = %+v", cards)
	}
	fams := a.scrape()
	if v := metric(t, fams, "escalation_model_fallbacks_total", "task", "summary", "reason", "failed"); v != 1 {
		t.Errorf("summary fallbacks = %v, want 1", v)
	}
	if v := metric(t, fams, "escalation_model_answers_total", "task", "summary"); v != 0 {
		t.Errorf("summary answers = %v", v)
	}
	metric(t, fams, "escalation_model_fallbacks_total", "task", "extraction")
}

// With Slack and Discord on, their API requests are counted by platform, method and result,
// a 429 included.
func TestMetricsPlatformRequests(t *testing.T) {
	slack := fakeslack.New(t)
	discord := fakediscord.New(t)
	discord.SetToken("test-token")
	const slackChannel, discordChannel = "C0ESCALATE", "300000000000000001"
	slack.FailNext("chat.postMessage", 1, http.StatusTooManyRequests, 0)
	a := startApp(t, map[string]string{
		"PLAYGROUND":          "true",
		"ESCALATION_CHANNELS": "web:escalations,slack:" + slackChannel + ",discord:" + discordChannel,
		"SLACK_BOT_TOKEN":     "xoxb-test", "SLACK_SIGNING_SECRET": "secret", "SLACK_API_URL": slack.APIURL(),
		"DISCORD_BOT_TOKEN": "test-token", "DISCORD_API_URL": discord.URL,
	})
	a.intake("zoe")
	slack.WaitCalls(t, "chat.postMessage", 2, 10*time.Second) // the 429, then the card
	discord.WaitCalls(t, "POST /channels/"+discordChannel+"/messages", 1, 10*time.Second)
	fams := a.scrape()
	for _, c := range [][]string{
		{"platform", "slack", "method", "auth.test", "result", "ok"},
		{"platform", "slack", "method", "chat.postMessage", "result", "rate_limited"},
		{"platform", "slack", "method", "chat.postMessage", "result", "ok"},
		{"platform", "discord", "method", "GET users", "result", "ok"},
		{"platform", "discord", "method", "POST channels", "result", "ok"},
	} {
		if v := metric(t, fams, "escalation_platform_api_requests_total", c...); v < 1 {
			t.Errorf("requests%v = %v", c, v)
		}
	}
}
