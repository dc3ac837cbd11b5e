// Package ttlcache is a small map with expiry and a size bound, for what adapters may ask a
// platform again: display names, DM channels, group memberships.
package ttlcache

import (
	"sync"
	"time"
)

// Cache is safe for concurrent use. When full, expired entries go first, then any.
type Cache[V any] struct {
	ttl time.Duration
	max int

	mu    sync.Mutex
	items map[string]item[V]
}

type item[V any] struct {
	value   V
	expires time.Time
}

// New returns a cache keeping entries for ttl, at most size of them.
func New[V any](ttl time.Duration, size int) *Cache[V] {
	return &Cache[V]{ttl: ttl, max: size, items: make(map[string]item[V])}
}

// Get returns the live entry of key.
func (c *Cache[V]) Get(key string) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	it, ok := c.items[key]
	if !ok || time.Now().After(it.expires) {
		var zero V
		return zero, false
	}
	return it.value, true
}

// Put stores v under key.
func (c *Cache[V]) Put(key string, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.putLocked(key, v, time.Now())
}

// Add stores key and reports whether it was not there yet (or had expired), atomically.
func (c *Cache[V]) Add(key string, v V) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := time.Now()
	if it, ok := c.items[key]; ok && now.Before(it.expires) {
		return false
	}
	c.putLocked(key, v, now)
	return true
}

func (c *Cache[V]) putLocked(key string, v V, now time.Time) {
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
	c.items[key] = item[V]{value: v, expires: now.Add(c.ttl)}
}
