package redis_test

import (
	"context"
	"reflect"
	"sync"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"escalation-bot/adapters/redis"
	"escalation-bot/bot"
	"escalation-bot/xtest/clocktest"
	"escalation-bot/xtest/redistest"
)

// backends are the servers every store test runs against: the real one production uses and
// the embedded one of the zero-configuration playground.
var backends = []struct {
	name string
	open func(testing.TB) *redistest.Redis
}{
	{"redis", redistest.New},
	{"miniredis", redistest.NewMini},
}

// eachBackend runs test once per backend, each with a fresh tenant.
func eachBackend(t *testing.T, test func(t *testing.T, r *redistest.Redis)) {
	t.Helper()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			test(t, b.open(t))
		})
	}
}

// t0 is when the tests started, on a whole millisecond, so stored times compare equal.
var t0 = clocktest.Epoch()

type stores struct {
	cfg      redis.Config
	keys     redis.Keys
	sessions *redis.SessionStore
	cases    *redis.CaseStore
	mod      *redis.Moderation
	rdb      goredis.UniversalClient
}

func newStores(r *redistest.Redis, cfg redis.Config) stores {
	cfg.Tenant = r.Tenant
	return stores{
		cfg:      cfg,
		keys:     redis.NewKeys(r.Tenant),
		sessions: redis.NewSessionStore(r.Client, cfg),
		cases:    redis.NewCaseStore(r.Client, cfg),
		mod:      redis.NewModeration(r.Client, cfg),
		rdb:      r.Client,
	}
}

func pttl(t *testing.T, rdb goredis.UniversalClient, key string) time.Duration {
	t.Helper()
	d, err := rdb.PTTL(context.Background(), key).Result()
	if err != nil {
		t.Fatalf("PTTL %s: %v", key, err)
	}
	return d
}

// sameCase compares cases as stored data: instants, not time.Location values.
func sameCase(a, b bot.Case) bool {
	return reflect.DeepEqual(normalCase(a), normalCase(b))
}

func normalCase(c bot.Case) bot.Case {
	for _, tm := range []*time.Time{&c.CreatedAt, &c.UpdatedAt, &c.ClaimedAt, &c.EndedAt, &c.LastExec} {
		*tm = tm.UTC()
	}
	return c
}

// atOnce runs f(0) to f(n-1) at once and returns their errors, in order.
func atOnce(n int, f func(i int) error) []error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { errs[i] = f(i) })
	}
	wg.Wait()
	return errs
}
