package slack

import (
	"runtime"
	"testing"
	"time"

	"escalation-bot/xtest/fakeslack"
)

// TestNoGoroutineLeak: stopping with work in flight (a slow post) finishes it and leaves no
// goroutine behind, in both modes.
func TestNoGoroutineLeak(t *testing.T) {
	before := runtime.NumGoroutine()
	for name, opts := range map[string][]option{"socket mode": {socketMode}, "http": nil} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, opts...)
			e.fake.Delay("chat.postMessage", time.Second)
			ts := e.ts()
			body := fakeslack.EventCallback(team, "Ev"+ts, fakeslack.MessageIM(owner1, dmOf(owner1), "hello", ts))
			if e.socket {
				e.fake.WaitAck(t, e.fake.SendEnvelope(t, "events_api", body), 5*time.Second)
			} else {
				e.signed("/slack/events", body)
			}
			e.fake.WaitCalls(t, "chat.postMessage", 1, 5*time.Second) // in flight when the test ends
		})
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<20)
		t.Errorf("%d goroutines before, %d after:\n%s", before, n, buf[:runtime.Stack(buf, true)])
	}
}
