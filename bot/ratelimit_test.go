package bot_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"escalation-bot/bot"
	"escalation-bot/xtest/redistest"
)

// refused is what an owner over the rate limit is told.
const refused = "faster than we can read"

// A burst on one session retries many turns after version conflicts; each event still counts
// once, so exactly the rest of the owner's budget is accepted.
func TestRateLimitCountsEachEventOnce(t *testing.T) {
	tests := []struct {
		limit, used, burst int
		ids                bool // the platform gives event ids (dedupe); the playground may not
	}{
		{limit: 20, used: 10, burst: 30, ids: true},
		{limit: 20, used: 10, burst: 30, ids: false},
		{limit: 10, used: 0, burst: 25, ids: true},
		{limit: 5, used: 4, burst: 12, ids: false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("limit %d used %d burst %d ids %v", tt.limit, tt.used, tt.burst, tt.ids), func(t *testing.T) {
			h := newHarness(t, redistest.New(t), func(c *bot.Config) { c.RateLimit = int64(tt.limit) })
			owner := bot.Identity("web:burst")
			for i := range tt.used {
				if i == 0 {
					h.say(t, owner, "hello")
					continue
				}
				h.say(t, owner, "help")
			}

			var (
				wg                 sync.WaitGroup
				mu                 sync.Mutex
				accepted, refusals int
			)
			for i := range tt.burst {
				wg.Go(func() {
					// "help" does not move the dialogue: every accepted one saves, and collides.
					ev := bot.OwnerEvent{Owner: owner, Text: "help"}
					if tt.ids {
						ev.ID = fmt.Sprintf("web:burst-%d", i)
					}
					replies, err := h.svc.HandleOwner(context.Background(), ev)
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					defer mu.Unlock()
					if strings.Contains(texts(replies), refused) {
						refusals++
					} else {
						accepted++
					}
				})
			}
			wg.Wait()
			if want := tt.limit - tt.used; accepted != want || refusals != tt.burst-want {
				t.Errorf("accepted %d and refused %d of %d, want %d accepted", accepted, refusals, tt.burst, want)
			}
		})
	}
}
