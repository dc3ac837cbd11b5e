package redistest_test

import (
	"context"
	"sync/atomic"
	"testing"

	goredis "github.com/redis/go-redis/v9"

	"escalation-bot/xtest/redistest"
)

func TestRedis(t *testing.T) {
	for name, open := range map[string]func(testing.TB) *redistest.Redis{"redis": redistest.New, "cluster": redistest.NewCluster, "miniredis": redistest.NewMini} {
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
			if name != "miniredis" {
				check := open(t)
				n, err := check.Client.Keys(ctx, prefix+"*").Result()
				if err != nil || len(n) != 0 {
					t.Errorf("%d keys left under %s (%v)", len(n), prefix, err)
				}
			}
		})
	}
}

// A cluster client of NewCluster reaches every master, and a tenant's keys share one slot.
func TestCluster(t *testing.T) {
	ctx := context.Background()
	r := redistest.NewCluster(t)
	c, ok := r.Client.(*goredis.ClusterClient)
	if !ok {
		t.Fatalf("client is %T, want a cluster client", r.Client)
	}
	var masters atomic.Int32
	if err := c.ForEachMaster(ctx, func(context.Context, *goredis.Client) error { masters.Add(1); return nil }); err != nil || masters.Load() != 3 {
		t.Fatalf("%d masters (%v), want 3", masters.Load(), err)
	}
	prefix := "esc:{" + r.Tenant + "}:"
	slots := map[int64]bool{}
	for _, k := range []string{"conv:a", "case:b", "due", "inbox:c"} {
		slot, err := c.ClusterKeySlot(ctx, prefix+k).Result()
		if err != nil {
			t.Fatal(err)
		}
		slots[slot] = true
	}
	if len(slots) != 1 {
		t.Errorf("a tenant's keys are in %d slots, want 1", len(slots))
	}
	other := r.NewClient(t)
	if err := other.Set(ctx, prefix+"x", 1, 0).Err(); err != nil {
		t.Fatal(err)
	}
	if n, err := r.Client.Exists(ctx, prefix+"x").Result(); err != nil || n != 1 {
		t.Errorf("the second client's key: exists=%d (%v)", n, err)
	}
}

// NewOwn's server is the test's alone, and gone after it.
func TestOwn(t *testing.T) {
	ctx := context.Background()
	var addr string
	t.Run("use", func(t *testing.T) {
		r := redistest.NewOwn(t)
		addr = r.Client.(*goredis.Client).Options().Addr
		if n, err := r.Client.DBSize(ctx).Result(); err != nil || n != 0 {
			t.Errorf("fresh server holds %d keys (%v)", n, err)
		}
		if err := r.Client.Set(ctx, "esc:{"+r.Tenant+"}:k", 1, 0).Err(); err != nil {
			t.Fatal(err)
		}
	})
	redistest.Quiet() // the refused dial below is the point
	c := goredis.NewClient(&goredis.Options{Addr: addr, MaxRetries: -1})
	defer c.Close()
	if err := c.Ping(ctx).Err(); err == nil {
		t.Errorf("the server at %s still answers after the test", addr)
	}
}
