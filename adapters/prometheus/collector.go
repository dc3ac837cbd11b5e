package prometheus

import (
	"context"
	"time"

	"escalation-bot/bot"

	prom "github.com/prometheus/client_golang/prometheus"
)

// readTimeout bounds what one scrape reads from Redis, all sources together: a slow Redis
// makes a scrape miss those gauges, never hang.
const readTimeout = 3 * time.Second

// CaseStats counts cases by status; bot.CaseStore has it.
type CaseStats interface {
	Stats(ctx context.Context) (bot.Stats, error)
}

// DueDepth reads the due queue (adapters/redis's *DueQueue has it): every item, the outbox
// items among them, and the earliest due time (zero when empty).
type DueDepth interface {
	Depth(ctx context.Context) (items, outbox int64, earliest time.Time, err error)
}

// InboxDepth reads how many inbound events wait in the inbox (inbox.Store has it).
type InboxDepth interface {
	Depth(ctx context.Context) (int64, error)
}

// ModelCounts is what a model adapter counted since the process started.
type ModelCounts struct {
	Answers   int64            // calls whose answer was used
	Fallbacks map[string]int64 // calls that gave none, by reason (timeout, rate_limited, ...)
}

// ModelSource reads a model adapter's counters at scrape time; cmd builds one per task
// (summary, extraction) when a model is configured.
type ModelSource struct {
	Task string
	Read func() ModelCounts
}

// Sources are what the collector reads at scrape time; any may be missing.
type Sources struct {
	Cases  CaseStats
	Due    DueDepth
	Inbox  InboxDepth
	Models []ModelSource
	Clock  bot.Clock // the core's clock, against which due times are compared
}

// collector reads the sources when Prometheus scrapes, so gauges are never stale and nothing
// polls Redis between scrapes.
type collector struct {
	m   *Metrics
	src Sources

	cases, due, dueLag, outbox, inbox *prom.Desc
	modelAnswers, modelFallbacks      *prom.Desc
}

// Collect registers a collector of the sources with the metrics.
func (m *Metrics) Collect(src Sources) error {
	if src.Clock == nil {
		src.Clock = bot.SystemClock{}
	}
	return m.reg.Register(&collector{
		m:   m,
		src: src,
		cases: prom.NewDesc("escalation_cases", "Cases by status (open, claimed, resolved, closed).",
			[]string{"status"}, nil),
		due: prom.NewDesc("escalation_due_items",
			"Items in the due queue, due or not: card checks, case clocks and the outbox.", nil, nil),
		dueLag: prom.NewDesc("escalation_due_lag_seconds",
			"How long the earliest due item has been due without being taken; 0 when none is late.", nil, nil),
		outbox: prom.NewDesc("escalation_outbox_items",
			"Case changes whose messages are not all delivered yet (due items of kind deliver).", nil, nil),
		inbox: prom.NewDesc("escalation_inbox_items",
			"Platform events stored and not yet handled.", nil, nil),
		modelAnswers: prom.NewDesc("escalation_model_answers_total",
			"Model calls whose answer was used, by task (summary, extraction).", []string{"task"}, nil),
		modelFallbacks: prom.NewDesc("escalation_model_fallbacks_total",
			"Model calls that gave no usable answer, so the template or the rules stood in, by task and reason.",
			[]string{"task", "reason"}, nil),
	})
}

func (c *collector) Describe(ch chan<- *prom.Desc) {
	for _, d := range []*prom.Desc{c.cases, c.due, c.dueLag, c.outbox, c.inbox, c.modelAnswers, c.modelFallbacks} {
		ch <- d
	}
	c.m.readErrors.Describe(ch)
}

func (c *collector) Collect(ch chan<- prom.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), readTimeout)
	defer cancel()
	if c.src.Cases != nil {
		if st, err := c.src.Cases.Stats(ctx); err != nil {
			c.failed("cases", err)
		} else {
			for status, n := range map[bot.Status]int64{bot.StatusOpen: st.Open, bot.StatusClaimed: st.Claimed,
				bot.StatusResolved: st.Resolved, bot.StatusClosed: st.Closed} {
				ch <- prom.MustNewConstMetric(c.cases, prom.GaugeValue, float64(n), string(status))
			}
		}
	}
	if c.src.Due != nil {
		if items, outbox, earliest, err := c.src.Due.Depth(ctx); err != nil {
			c.failed("due", err)
		} else {
			lag := 0.0
			if !earliest.IsZero() {
				lag = max(c.src.Clock.Now().Sub(earliest).Seconds(), 0)
			}
			ch <- prom.MustNewConstMetric(c.due, prom.GaugeValue, float64(items))
			ch <- prom.MustNewConstMetric(c.outbox, prom.GaugeValue, float64(outbox))
			ch <- prom.MustNewConstMetric(c.dueLag, prom.GaugeValue, lag)
		}
	}
	if c.src.Inbox != nil {
		if n, err := c.src.Inbox.Depth(ctx); err != nil {
			c.failed("inbox", err)
		} else {
			ch <- prom.MustNewConstMetric(c.inbox, prom.GaugeValue, float64(n))
		}
	}
	for _, s := range c.src.Models {
		counts := s.Read()
		ch <- prom.MustNewConstMetric(c.modelAnswers, prom.CounterValue, float64(counts.Answers), s.Task)
		for reason, n := range counts.Fallbacks {
			ch <- prom.MustNewConstMetric(c.modelFallbacks, prom.CounterValue, float64(n), s.Task, reason)
		}
	}
	// After the reads, so that a scrape that failed to read counts itself.
	c.m.readErrors.Collect(ch)
}

func (c *collector) failed(source string, err error) {
	c.m.readErrors.WithLabelValues(source).Inc()
	c.m.log.Warn("metrics: could not read "+source, "err", err)
}
