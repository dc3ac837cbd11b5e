package web

import (
	"fmt"
	"testing"
	"time"

	redisstore "escalation-bot/adapters/redis"
	"escalation-bot/bot"
	"escalation-bot/xtest/redistest"
)

// TestChannelRoundTrips: the channel pane reads its cards and all their threads in a bounded
// number of Redis round trips, whatever the number of cases it shows.
func TestChannelRoundTrips(t *testing.T) {
	r := redistest.New(t)
	e := newEnvOver(t, r)
	cases := redisstore.NewCaseStore(r.Client, redisstore.Config{Tenant: r.Tenant})
	const maxRoundTrips = 3 // the status sets, the case hashes, the audit streams
	for _, n := range []int{1, 12} {
		for i := range n {
			owner := bot.Identity(fmt.Sprintf("web:owner%d-%d", n, i))
			c, err := cases.Create(t.Context(), bot.Case{Owner: owner, OwnerName: "Owner", CreatedAt: time.Now().UTC()})
			if err != nil {
				t.Fatal(err)
			}
			line := bot.AuditEntry{At: time.Now().UTC(), Actor: owner, Name: "Owner", Action: "owner_message", Text: "news about " + c.ID + "?"}
			if err := cases.AddAudit(t.Context(), c.ID, line); err != nil {
				t.Fatal(err)
			}
		}
		r.Reset()
		shown := e.channel()
		if got := r.RoundTrips(); got > maxRoundTrips {
			t.Errorf("the channel of %d cases took %d Redis round trips, want at most %d", len(shown), got, maxRoundTrips)
		}
		for _, c := range shown {
			if len(c.Thread) != 1 || c.Thread[0].Text != "news about "+c.ID+"?" {
				t.Errorf("%s shows the thread %+v", c.ID, c.Thread)
			}
		}
	}
}
