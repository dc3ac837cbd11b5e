// Package recorder holds what the platform stand-ins (xtest/fakeslack, xtest/fakediscord)
// share about the requests they record: waking the tests that wait for a call whenever the
// recorded state changes, and describing what was called for a failure message.
package recorder

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"
)

// Changes wakes waiters whenever a stand-in's recorded state changes. The stand-in's own mutex
// guards both its state and the Changes.
type Changes struct {
	mu      *sync.Mutex
	done    <-chan struct{}
	changed chan struct{}
}

// NewChanges returns the Changes of a stand-in whose state mu guards; waiting ends when done
// is closed (the stand-in closed).
func NewChanges(mu *sync.Mutex, done <-chan struct{}) *Changes {
	return &Changes{mu: mu, done: done, changed: make(chan struct{})}
}

// NotifyLocked wakes every waiter; the mutex must be held.
func (c *Changes) NotifyLocked() {
	close(c.changed)
	c.changed = make(chan struct{})
}

// WaitFor re-evaluates cond (called with the mutex held) on every change until it reports
// true or the timeout passes; it reports false when the stand-in closed first.
func (c *Changes) WaitFor(timeout time.Duration, cond func() bool) bool {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		c.mu.Lock()
		ok := cond()
		changed := c.changed
		c.mu.Unlock()
		if ok {
			return true
		}
		select {
		case <-changed:
		case <-deadline.C:
			c.mu.Lock()
			defer c.mu.Unlock()
			return cond()
		case <-c.done:
			return false
		}
	}
}

// Summary describes the calls, as "name×count" sorted by name, and the violations, for
// failure messages: "calls: a×2, b×1; violations: …".
func Summary(names, violations []string) string {
	counts := map[string]int{}
	for _, n := range names {
		counts[n]++
	}
	var parts []string
	for m, n := range counts {
		parts = append(parts, fmt.Sprintf("%s×%d", m, n))
	}
	sort.Strings(parts)
	msg := "calls: none"
	if len(parts) > 0 {
		msg = "calls: " + strings.Join(parts, ", ")
	}
	if len(violations) > 0 {
		msg += "; violations: " + strings.Join(violations, "; ")
	}
	return msg
}
