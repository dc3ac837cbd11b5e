package bot_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	ownercrm "escalation-bot/adapters/crm"
	"escalation-bot/adapters/webhook"
	"escalation-bot/bot"
)

const crmSecret = "0123456789abcdef-crm"

// crmStandIn is the maker's CRM: down (500) until it is given an answer, which it signs as the
// bot expects. hold, when set, keeps each request waiting until it is closed.
type crmStandIn struct {
	srv    *httptest.Server
	calls  atomic.Int64
	mu     sync.Mutex
	answer string
	hold   chan struct{}
}

func newCRMStandIn(t *testing.T) *crmStandIn {
	c := &crmStandIn{}
	c.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.calls.Add(1)
		_, _ = io.Copy(io.Discard, r.Body)
		c.mu.Lock()
		answer, hold := c.answer, c.hold
		c.mu.Unlock()
		if hold != nil {
			<-hold
		}
		if answer == "" {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		ts := strconv.FormatInt(time.Now().Unix(), 10)
		w.Header().Set(webhook.HeaderTimestamp, ts)
		w.Header().Set(webhook.HeaderSignature, webhook.Sign([]byte(crmSecret), ts, []byte(answer)))
		_, _ = io.WriteString(w, answer)
	}))
	t.Cleanup(c.srv.Close)
	return c
}

func (c *crmStandIn) set(answer string, hold chan struct{}) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.answer, c.hold = answer, hold
}

func (c *crmStandIn) checker(t *testing.T) bot.OwnershipChecker {
	t.Helper()
	ch, err := ownercrm.New(ownercrm.Config{URL: c.srv.URL, Secret: crmSecret, Timeout: 5 * time.Second}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

// runDueAfter moves the clock on and runs the due queue.
func (h *harness) runDueAfter(t *testing.T, d time.Duration) {
	t.Helper()
	h.clock.Advance(d)
	if _, err := h.svc.RunDue(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// A check that could not be made is asked again through the due queue, 5 and 15 minutes
// later and on: when the records answer, a held case is posted or a posted card shows it, and
// the owner is told; a case the records do not confirm shows that, and its owner is told as in
// the intake.
func TestOwnershipAskedAgain(t *testing.T) {
	tests := []struct {
		name   string
		mode   bot.VerifyMode
		answer string
		status bot.Status
		want   bot.Ownership
		told   []string
	}{
		{"held, verified", bot.VerifyRequire, `{"verified": true}`, bot.StatusOpen, bot.OwnershipVerified,
			[]string{"registered to you", "is now with the team"}},
		{"posted, verified", bot.VerifyFlag, `{"verified": true}`, bot.StatusOpen, bot.OwnershipVerified,
			[]string{"registered to you"}},
		{"held, not verified", bot.VerifyRequire, `{"verified": false, "reason": "Add it to your account."}`, bot.StatusPending, bot.OwnershipUnverified,
			[]string{"could not confirm", "Add it to your account.", "waits for a moderator"}},
		{"posted, not verified", bot.VerifyFlag, `{"verified": false}`, bot.StatusOpen, bot.OwnershipUnverified,
			[]string{"could not confirm", "will see that ownership is not confirmed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			crm := newCRMStandIn(t)
			h, _ := ownershipHarness(t, tt.mode, crm.checker(t))
			ctx := context.Background()
			id := h.intake(t, "web:eve", true, map[string]string{"vin": validVIN})
			if c, _ := h.cases.Get(ctx, id); c.Ownership != bot.OwnershipUnknown {
				t.Fatalf("created with ownership %q", c.Ownership)
			}
			h.runDueAfter(t, 5*time.Minute) // still down
			if c, _ := h.cases.Get(ctx, id); c.Ownership != bot.OwnershipUnknown {
				t.Fatalf("after a failed check: ownership %q", c.Ownership)
			}
			before := len(h.msgr.toOwner("web:eve"))
			crm.set(tt.answer, nil)
			h.runDueAfter(t, 14*time.Minute)
			if c, _ := h.cases.Get(ctx, id); c.Ownership != bot.OwnershipUnknown {
				t.Fatalf("asked again before 15 minutes: %q", c.Ownership)
			}
			h.runDueAfter(t, time.Minute)
			c, err := h.cases.Get(ctx, id)
			if err != nil || c.Status != tt.status || c.Ownership != tt.want {
				t.Fatalf("case %s %q, want %s %q (%v)", c.Status, c.Ownership, tt.status, tt.want, err)
			}
			card, posted := h.msgr.card(id)
			if posted != (tt.status != bot.StatusPending) || (posted && card.Ownership != tt.want) {
				t.Errorf("card posted %v with ownership %q", posted, card.Ownership)
			}
			told := texts(h.msgr.toOwner("web:eve")[before:])
			for _, w := range tt.told {
				if !strings.Contains(told, w) {
					t.Errorf("owner told %q, lacks %q", told, w)
				}
			}
			// Answered: nothing is asked again.
			calls := crm.calls.Load()
			h.runDueAfter(t, 7*time.Hour)
			if n := crm.calls.Load(); n != calls {
				t.Errorf("the records were asked %d more times after they answered", n-calls)
			}
			if h.msgr.doubles != 0 {
				t.Errorf("%d messages sent twice", h.msgr.doubles)
			}
		})
	}
}

// Records that stay down are asked a bounded number of times; the case waits for a moderator.
func TestOwnershipAskedAgainBounded(t *testing.T) {
	crm := newCRMStandIn(t)
	h, _ := ownershipHarness(t, bot.VerifyRequire, crm.checker(t))
	id := h.intake(t, "web:eve", true, map[string]string{"vin": validVIN})
	rounds := 0
	for last := int64(-1); crm.calls.Load() != last; rounds++ {
		if rounds > 30 {
			t.Fatal("the records are asked without end")
		}
		last = crm.calls.Load()
		h.runDueAfter(t, 6*time.Hour)
	}
	if rounds < 10 {
		t.Errorf("asked again only in %d rounds", rounds)
	}
	if c, _ := h.cases.Get(context.Background(), id); c.Status != bot.StatusPending || c.Ownership != bot.OwnershipUnknown {
		t.Errorf("case %s %q", c.Status, c.Ownership)
	}
}

// A moderator's verify and the records' late answer race: the held case is released once, its
// card posted once, its owner told once.
func TestOwnershipAnswerRacesVerify(t *testing.T) {
	crm := newCRMStandIn(t)
	h, _ := ownershipHarness(t, bot.VerifyRequire, crm.checker(t))
	ctx := context.Background()
	id := h.intake(t, "web:eve", true, map[string]string{"vin": validVIN})
	hold := make(chan struct{})
	crm.set(`{"verified": true}`, hold)
	calls := crm.calls.Load()
	h.clock.Advance(5 * time.Minute)
	done := make(chan error, 1)
	go func() {
		_, err := h.svc.RunDue(ctx)
		done <- err
	}()
	for crm.calls.Load() == calls {
		time.Sleep(5 * time.Millisecond) // the check is asking the records
	}
	h.run(t, "/escalations verify web:eve "+validVIN)
	close(hold)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if c, _ := h.cases.Get(ctx, id); c.Status != bot.StatusOpen || c.Ownership != bot.OwnershipVerified {
		t.Fatalf("case %s %q", c.Status, c.Ownership)
	}
	if n := strings.Count(texts(h.msgr.toOwner("web:eve")), "is now with the team"); n != 1 {
		t.Errorf("owner told of the release %d times", n)
	}
	h.msgr.mu.Lock()
	posts := h.msgr.posts
	h.msgr.mu.Unlock()
	if posts != 1 {
		t.Errorf("%d cards posted, want %s's once", posts, id)
	}
}
