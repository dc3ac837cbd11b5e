package prometheus_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"escalation-bot/adapters/prometheus"
	"escalation-bot/bot"

	dto "github.com/prometheus/client_model/go"
)

// everything is a Metrics whose every metric has a series: each observer told once, every
// source readable.
func everything(t *testing.T) map[string]*dto.MetricFamily {
	t.Helper()
	m := prometheus.New(slog.New(slog.DiscardHandler))
	model := prometheus.ModelSource{Task: "summary", Read: func() prometheus.ModelCounts {
		return prometheus.ModelCounts{Answers: 1, Fallbacks: map[string]int64{"timeout": 1}}
	}}
	if err := m.Collect(prometheus.Sources{Cases: fixedStats{}, Due: fixedDue{}, Inbox: fixedInbox{}, Models: []prometheus.ModelSource{model}}); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	m.Turn(ctx, time.Millisecond, nil)
	m.Platform("slack").APICall("chat.postMessage", false, errors.New("no"))
	if err := prometheus.DecorateHooks(m, []bot.Hook{receiver{name: "a1b2c3"}})[0].Send(ctx, bot.HookEvent{}); err != nil {
		t.Fatal(err)
	}
	cases := prometheus.DecorateCaseStore(claimingStore{}, m)
	if _, err := cases.Transition(ctx, "ESC-1001", bot.Transition{Action: "claim"}); err != nil {
		t.Fatal(err)
	}
	got, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	fams := map[string]*dto.MetricFamily{}
	for _, f := range got {
		fams[f.GetName()] = f
	}
	return fams
}

// metricName finds the metric names in a PromQL expression.
var metricName = regexp.MustCompile(`\b(escalation|go|process)_[a-zA-Z0-9_]+\b`)

// The shipped Grafana dashboard parses, queries only metrics the bot serves, and shows every
// escalation_ metric; the README documents each of them.
func TestDashboardAndREADME(t *testing.T) {
	fams := everything(t)
	raw, err := os.ReadFile("../../docker/grafana/dashboards/escalation-bot.json")
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		UID    string `json:"uid"`
		Panels []struct {
			Title      string `json:"title"`
			Type       string `json:"type"`
			Datasource struct {
				UID string `json:"uid"`
			} `json:"datasource"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(raw, &dash); err != nil {
		t.Fatalf("dashboard JSON: %v", err)
	}
	shown := map[string]bool{}
	for _, p := range dash.Panels {
		if p.Type == "row" {
			continue
		}
		if p.Datasource.UID != "prometheus" || len(p.Targets) == 0 {
			t.Errorf("panel %q: datasource %q, %d queries", p.Title, p.Datasource.UID, len(p.Targets))
		}
		for _, q := range p.Targets {
			names := metricName.FindAllString(q.Expr, -1)
			if len(names) == 0 {
				t.Errorf("panel %q queries no metric: %s", p.Title, q.Expr)
			}
			for _, n := range names {
				base := n
				if _, ok := fams[n]; !ok {
					for _, suffix := range []string{"_bucket", "_sum", "_count"} {
						if b, cut := strings.CutSuffix(n, suffix); cut && fams[b] != nil {
							base = b
						}
					}
				}
				if _, ok := fams[base]; !ok {
					t.Errorf("panel %q queries %s, which the bot does not serve", p.Title, n)
				}
				shown[base] = true
			}
		}
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var ours []string
	for name := range fams {
		if strings.HasPrefix(name, "escalation_") {
			ours = append(ours, name)
		}
	}
	slices.Sort(ours)
	if len(ours) < 15 {
		t.Fatalf("only %d escalation_ metrics gathered: %v", len(ours), ours)
	}
	for _, name := range ours {
		if !shown[name] {
			t.Errorf("the dashboard does not show %s", name)
		}
		if !strings.Contains(string(readme), "`"+name+"`") {
			t.Errorf("README does not document %s", name)
		}
	}
}

type fixedStats struct{}

func (fixedStats) Stats(context.Context) (bot.Stats, error) { return bot.Stats{Open: 1, Total: 1}, nil }

type fixedDue struct{}

func (fixedDue) Depth(context.Context) (int64, int64, time.Time, error) {
	return 2, 1, time.Now().Add(-time.Second), nil
}

type fixedInbox struct{}

func (fixedInbox) Depth(context.Context) (int64, error) { return 0, nil }

// claimingStore claims any case, first, a minute after it was created.
type claimingStore struct{ bot.CaseStore }

func (claimingStore) Transition(_ context.Context, id string, _ bot.Transition) (bot.Case, error) {
	at := time.Now()
	return bot.Case{ID: id, Status: bot.StatusClaimed, CreatedAt: at.Add(-time.Minute), ClaimedAt: at, FirstClaimAt: at}, nil
}
