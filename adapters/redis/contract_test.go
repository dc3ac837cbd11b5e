package redis_test

import (
	"testing"

	"escalation-bot/adapters/redis"
	"escalation-bot/bot/storetest"
)

// The Redis stores keep the core's store contract, on every backend.
func TestStoreContract(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			storetest.Run(t, func(t *testing.T) storetest.Stores {
				r := b.open(t)
				cfg := redis.Config{Tenant: r.Tenant}
				return storetest.Stores{
					Sessions:   redis.NewSessionStore(r.Client, cfg),
					Cases:      redis.NewCaseStore(r.Client, cfg),
					Moderation: redis.NewModeration(r.Client, cfg),
					Due:        redis.NewDueQueue(r.Client, cfg),
				}
			})
		})
	}
}
