package bot_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"escalation-bot/adapters/webhook"
	"escalation-bot/bot"
	"escalation-bot/xtest/redistest"
)

// crm is a webhook receiver that is down for its first requests.
type crm struct {
	t    *testing.T
	mu   sync.Mutex
	down int
	got  []bot.HookEvent
}

func (c *crm) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if err := webhook.Verify([]byte("crm-secret"), r.Header.Get(webhook.HeaderTimestamp), r.Header.Get(webhook.HeaderSignature), body, time.Now(), time.Minute); err != nil {
		c.t.Errorf("delivery does not verify: %v", err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.down > 0 {
		c.down--
		w.WriteHeader(http.StatusBadGateway)
		return
	}
	var ev bot.HookEvent
	if err := json.Unmarshal(body, &ev); err != nil {
		c.t.Errorf("delivery %s: %v", body, err)
	}
	c.got = append(c.got, ev)
}

func (c *crm) types() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, ev := range c.got {
		out = append(out, ev.Type)
	}
	return strings.Join(out, ",")
}

// A receiver that is down at first gets every event of the case once it is back, in the order
// they happened, each with its own id.
func TestWebhooksInOrderAtLeastOnce(t *testing.T) {
	receiver := &crm{t: t, down: 3}
	srv := httptest.NewServer(receiver)
	defer srv.Close()
	hooks, err := webhook.New(webhook.Config{URLs: []string{srv.URL}, Secret: "crm-secret"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, redistest.New(t))
	h.rebuild(t, func(p *bot.Params) { p.Hooks = []bot.Hook{hooks[0]} })
	ctx := context.Background()
	dana := bot.Actor{ID: "web:dana", Name: "Dana"}

	id := h.intake(t, "web:ann", true, nil)
	for _, step := range []func() error{
		func() error { _, err := h.svc.Claim(ctx, dana, id); return err },
		func() error { _, err := h.svc.Reply(ctx, dana, id, "On my way."); return err },
		func() error { _, err := h.svc.Resolve(ctx, dana, id, "Fixed."); return err },
	} {
		h.clock.Advance(time.Second)
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	for range 20 {
		if receiver.types() == "case.created,case.claimed,case.message,case.resolved" {
			break
		}
		h.tick(t, time.Minute)
	}
	if got := receiver.types(); got != "case.created,case.claimed,case.message,case.resolved" {
		t.Fatalf("received %s; queue %v", got, h.dueItems(t, bot.DueDeliver))
	}
	seen := map[string]bool{}
	for _, ev := range receiver.got {
		if seen[ev.ID] || ev.Case.ID != id {
			t.Fatalf("event %+v repeated or of another case", ev)
		}
		seen[ev.ID] = true
	}
	if last := receiver.got[3]; last.Case.Status != bot.StatusResolved || last.Text != "Fixed." || last.Name != "Dana" {
		t.Fatalf("resolution event %+v", last)
	}
	if left := h.dueItems(t, bot.DueDeliver); len(left) != 0 {
		t.Fatalf("outbox left %v", left)
	}
}
