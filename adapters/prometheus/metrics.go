// Package prometheus measures the bot for Prometheus: the metrics, their registry and the
// /metrics handler. It observes the core from outside: the core's Observer port for owner
// turns, decorators of the CaseStore and of the webhook Hooks for what happens to cases and
// to deliveries, a collector that reads queue depths and case counts when Prometheus scrapes,
// and small observers the chat adapters call for their API requests. Every metric is named
// escalation_…; labels come from small fixed sets (platform, action, status, result), never
// from owners, executives or cases.
package prometheus

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"escalation-bot/bot"

	prom "github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are the bot's metrics in a registry of their own (the client library's global one
// stays untouched), with the Go runtime's and the process's.
type Metrics struct {
	reg *prom.Registry
	log *slog.Logger

	turns       *prom.CounterVec // result
	turnSeconds prom.Histogram
	guesses     *prom.CounterVec // result
	actions     *prom.CounterVec // action
	timeToClaim prom.Histogram
	reminders   *prom.CounterVec // kind
	escalations prom.Counter
	apiCalls    *prom.CounterVec // platform, method, result
	webhooks    *prom.CounterVec // receiver, result
	readErrors  *prom.CounterVec // source; served by the collector, after its reads
}

// Turn results: ok, or the code of the error the turn ended with.
var turnResults = []string{"ok",
	string(bot.CodeConflict), string(bot.CodeInvalid), string(bot.CodeNotFound),
	string(bot.CodeForbidden), string(bot.CodeUnavailable), string(bot.CodeInternal)}

// caseActions are the audit verbs counted by name; any other is counted as "other".
var caseActions = []string{
	"created", "claim", "assign", "release", "resolve", "close", "reopen", "dispute",
	"owner_message", "exec_message", "file", "attach", "remind", "escalate", "nudge", "confirm", "rate", "comment",
	"other",
}

// Platform API request results.
const (
	resultOK          = "ok"
	resultError       = "error"
	resultRateLimited = "rate_limited"
)

// Webhook delivery results.
const (
	webhookDelivered = "delivered" // the receiver answered 2xx
	webhookFailed    = "failed"    // it did not, or could not be reached; the outbox sends it again
)

// Sources read at scrape time, for escalation_metrics_read_errors_total.
var readSources = []string{"cases", "due", "inbox"}

// New builds the metrics and their registry.
func New(logger *slog.Logger) *Metrics {
	if logger == nil {
		logger = slog.Default()
	}
	m := &Metrics{
		reg: prom.NewRegistry(),
		log: logger,
		turns: prom.NewCounterVec(prom.CounterOpts{
			Name: "escalation_intake_turns_total",
			Help: "Owner events handled (intake turns and messages after submission), by result: ok or the error code.",
		}, []string{"result"}),
		turnSeconds: prom.NewHistogram(prom.HistogramOpts{
			Name:    "escalation_intake_turn_duration_seconds",
			Help:    "How long an owner event took to handle, retries after a conflict and field extraction included.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}),
		guesses: prom.NewCounterVec(prom.CounterOpts{
			Name: "escalation_session_guesses_total",
			Help: "Owner events run on the session their replica saved last, by result: saved in one round trip, missed (the session changed elsewhere), or stopped at a step a guess does not take.",
		}, []string{"result"}),
		actions: prom.NewCounterVec(prom.CounterOpts{
			Name: "escalation_case_actions_total",
			Help: "Case transitions and audit entries, by action (created, claim, release, resolve, remind, escalate, ...).",
		}, []string{"action"}),
		timeToClaim: prom.NewHistogram(prom.HistogramOpts{
			Name:    "escalation_time_to_claim_seconds",
			Help:    "Wall time from a case's creation to its first claim (or assignment).",
			Buckets: []float64{30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 28800, 86400, 259200},
		}),
		reminders: prom.NewCounterVec(prom.CounterOpts{
			Name: "escalation_reminders_total",
			Help: "Reminders sent: kind unclaimed (the on-call people, about an unclaimed case) or claimer (a silent claimer).",
		}, []string{"kind"}),
		escalations: prom.NewCounter(prom.CounterOpts{
			Name: "escalation_escalations_total",
			Help: "Cases that went to the next tier, unclaimed for ESCALATE_UNCLAIMED_AFTER.",
		}),
		apiCalls: prom.NewCounterVec(prom.CounterOpts{
			Name: "escalation_platform_api_requests_total",
			Help: "Requests to the chat platforms' APIs, each attempt counted, by platform, method and result (ok, error, rate_limited).",
		}, []string{"platform", "method", "result"}),
		webhooks: prom.NewCounterVec(prom.CounterOpts{
			Name: "escalation_webhook_deliveries_total",
			Help: "Webhook delivery attempts, by receiver (a short hash of its URL) and result: delivered, failed (sent again later).",
		}, []string{"receiver", "result"}),
		readErrors: prom.NewCounterVec(prom.CounterOpts{
			Name: "escalation_metrics_read_errors_total",
			Help: "Scrapes that could not read a source (cases, due, inbox); its gauges are missing from that scrape.",
		}, []string{"source"}),
	}
	// Every fixed label value starts at zero, so that rates and dashboards see the series
	// before the first event.
	for _, r := range turnResults {
		m.turns.WithLabelValues(r)
	}
	for _, r := range bot.GuessResults() {
		m.guesses.WithLabelValues(string(r))
	}
	for _, a := range caseActions {
		m.actions.WithLabelValues(a)
	}
	for _, k := range []string{"unclaimed", "claimer"} {
		m.reminders.WithLabelValues(k)
	}
	for _, s := range readSources {
		m.readErrors.WithLabelValues(s)
	}
	m.reg.MustRegister(
		m.turns, m.turnSeconds, m.guesses, m.actions, m.timeToClaim, m.reminders, m.escalations,
		m.apiCalls, m.webhooks,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return m
}

// Registry is where the metrics are registered; a collector of more metrics may join it.
func (m *Metrics) Registry() *prom.Registry { return m.reg }

// Handler serves the registry in Prometheus's text format. A source that cannot be read
// leaves its metrics out of the scrape and counts an error; the rest is served.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		ErrorLog:          slog.NewLogLogger(m.log.Handler(), slog.LevelWarn),
		ErrorHandling:     promhttp.ContinueOnError,
		Registry:          m.reg,
		Timeout:           10 * time.Second,
		EnableOpenMetrics: false,
	})
}

// Turn implements bot.Observer.
func (m *Metrics) Turn(_ context.Context, d time.Duration, err error) {
	result := "ok"
	if err != nil {
		result = string(bot.ErrorCode(err))
	}
	m.turns.WithLabelValues(result).Inc()
	m.turnSeconds.Observe(d.Seconds())
}

// Guessed implements bot.Observer.
func (m *Metrics) Guessed(_ context.Context, result bot.GuessResult) {
	m.guesses.WithLabelValues(string(result)).Inc()
}

// action counts one case action; an unknown verb counts as "other", so labels stay few.
func (m *Metrics) action(a string) {
	if !slices.Contains(caseActions, a) {
		a = "other"
	}
	m.actions.WithLabelValues(a).Inc()
	switch a {
	case "remind":
		m.reminders.WithLabelValues("unclaimed").Inc()
	case "nudge":
		m.reminders.WithLabelValues("claimer").Inc()
	case "escalate":
		m.escalations.Inc()
	}
}

// PlatformAPI counts one platform's API requests. The Slack and Discord adapters each
// declare the interface it implements (APIObserver); cmd hands it to them.
type PlatformAPI struct {
	platform string
	calls    *prom.CounterVec
}

// Platform returns the request counter of a platform ("slack", "discord").
func (m *Metrics) Platform(name string) *PlatformAPI {
	return &PlatformAPI{platform: name, calls: m.apiCalls}
}

// APICall counts one request: method is the adapter's fixed name for it (a Slack Web API
// method, a Discord HTTP method and resource), limited a 429, err any other failure.
func (p *PlatformAPI) APICall(method string, limited bool, err error) {
	result := resultOK
	switch {
	case limited:
		result = resultRateLimited
	case err != nil:
		result = resultError
	}
	p.calls.WithLabelValues(p.platform, method, result).Inc()
}
