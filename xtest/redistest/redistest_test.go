package redistest_test

import (
	"context"
	"testing"

	goredis "github.com/redis/go-redis/v9"

	"escalation-bot/xtest/redistest"
)

func TestRedis(t *testing.T) {
	for name, open := range map[string]func(testing.TB) *redistest.Redis{"redis": redistest.New, "miniredis": redistest.NewMini} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			var client goredis.UniversalClient
			prefix := ""
			t.Run("use", func(t *testing.T) {
				r := open(t)
				client, prefix = r.Client, "esc:{"+r.Tenant+"}:"
				if r.RoundTrips() != 0 {
					t.Errorf("fresh counter = %d", r.RoundTrips())
				}
				for i := range 1200 { // more than one SCAN batch
					r.Client.Set(ctx, prefix+"k"+string(rune('a'+i%26))+string(rune(i)), 1, 0)
				}
				r.Reset()
				r.Client.Get(ctx, prefix+"ka")
				r.Client.Pipelined(ctx, func(p goredis.Pipeliner) error {
					p.Get(ctx, prefix+"ka")
					p.Incr(ctx, prefix+"n")
					return nil
				})
				r.Client.TxPipelined(ctx, func(p goredis.Pipeliner) error {
					p.Incr(ctx, prefix+"n")
					p.Incr(ctx, prefix+"n")
					return nil
				})
				if got := r.RoundTrips(); got != 3 {
					t.Errorf("round trips = %d, want 3 (a command, a pipeline, a MULTI)", got)
				}
			})
			// After the test the tenant is gone and the client closed.
			if err := client.Ping(ctx).Err(); err == nil {
				t.Error("client still open after the test")
			}
			if name == "redis" {
				check := redistest.New(t)
				n, err := check.Client.Keys(ctx, prefix+"*").Result()
				if err != nil || len(n) != 0 {
					t.Errorf("%d keys left under %s (%v)", len(n), prefix, err)
				}
			}
		})
	}
}
