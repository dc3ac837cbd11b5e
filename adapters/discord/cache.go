package discord

import (
	"sync"
	"time"
)

// cache is a small map with expiry and a size bound, safe for concurrent use. It only saves
// REST calls: everything in it can be asked again.
type cache[V any] struct {
	ttl time.Duration
	max int

	mu    sync.Mutex
	items map[string]cacheItem[V]
}

type cacheItem[V any] struct {
	value   V
	expires time.Time
}

func newCache[V any](ttl time.Duration, size int) *cache[V] {
	return &cache[V]{ttl: ttl, max: size, items: make(map[string]cacheItem[V])}
}

func (c *cache[V]) get(key string) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	it, ok := c.items[key]
	if !ok || time.Now().After(it.expires) {
		var zero V
		return zero, false
	}
	return it.value, true
}

func (c *cache[V]) put(key string, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.putLocked(key, v, time.Now())
}

// add stores key and reports whether it was not there yet (or had expired), atomically.
func (c *cache[V]) add(key string, v V) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := time.Now()
	if it, ok := c.items[key]; ok && now.Before(it.expires) {
		return false
	}
	c.putLocked(key, v, now)
	return true
}

func (c *cache[V]) putLocked(key string, v V, now time.Time) {
	if len(c.items) >= c.max {
		for k, it := range c.items {
			if now.After(it.expires) {
				delete(c.items, k)
			}
		}
		for k := range c.items { // still full: drop any entry
			if len(c.items) < c.max {
				break
			}
			delete(c.items, k)
		}
	}
	c.items[key] = cacheItem[V]{value: v, expires: now.Add(c.ttl)}
}
