// Package jobs runs the work that chat adapters hand off after acknowledging a platform:
// Slack and Discord want an answer within 3 seconds, so the answer comes first and the work
// (Redis, the platform's API) runs here, bounded in time and awaited on shutdown.
package jobs

import (
	"context"
	"errors"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"
)

// Runner runs jobs in the background. Work keyed by an owner runs in arrival order (two
// quick messages are answered in the order they were written); other work runs at once.
// Stop lets the work in flight finish while the stop allows, then cancels the rest and waits
// for it, so no goroutine outlives the adapter.
type Runner struct {
	ctx     context.Context
	cancel  context.CancelFunc
	timeout time.Duration
	name    string // the adapter, for logs
	log     *slog.Logger

	mu      sync.Mutex
	stopped bool
	running int                      // jobs started and not finished, for tests
	lanes   map[string]chan struct{} // key → done channel of the newest job of that key
	wg      sync.WaitGroup
}

// New returns a runner whose jobs get timeout each; name says whose jobs they are in logs.
func New(name string, timeout time.Duration, logger *slog.Logger) *Runner {
	if logger == nil {
		logger = slog.Default()
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Runner{ctx: ctx, cancel: cancel, timeout: timeout, name: name, log: logger, lanes: make(map[string]chan struct{})}
}

// Go runs fn in a goroutine with its own timeout. Once stopping it runs nothing and returns
// false.
func (j *Runner) Go(name string, fn func(ctx context.Context)) bool {
	return j.GoAfter("", name, fn)
}

// GoAfter runs fn once the previous job with the same key has finished; an empty key waits
// for nothing. Once stopping it runs nothing and returns false.
func (j *Runner) GoAfter(key, name string, fn func(ctx context.Context)) bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.stopped {
		return false
	}
	var prev, done chan struct{}
	if key != "" {
		prev, done = j.lanes[key], make(chan struct{})
		j.lanes[key] = done
	}
	j.running++
	j.wg.Add(1)
	go func() {
		defer j.wg.Done()
		defer j.finish(key, done)
		if prev != nil {
			select {
			case <-prev:
			case <-j.ctx.Done():
				return
			}
		}
		ctx, cancel := context.WithTimeout(j.ctx, j.timeout)
		defer cancel()
		defer func() {
			// One malformed payload must not take the process down.
			if r := recover(); r != nil {
				j.log.ErrorContext(ctx, "job panicked", "adapter", j.name, "job", name, "panic", r, "stack", string(debug.Stack()))
			}
		}()
		fn(ctx)
	}()
	return true
}

func (j *Runner) finish(key string, done chan struct{}) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.running--
	if done != nil {
		if j.lanes[key] == done {
			delete(j.lanes, key)
		}
		close(done)
	}
}

// Idle reports whether no job is running or waiting.
func (j *Runner) Idle() bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.running == 0
}

// stopGrace is how long cancelled jobs get to return once the stop deadline has passed.
const stopGrace = 2 * time.Second

// Stop refuses new jobs, waits for the running ones until ctx ends, then cancels what is left
// and waits a little more for it to return.
func (j *Runner) Stop(ctx context.Context) error {
	j.mu.Lock()
	j.stopped = true
	j.mu.Unlock()
	defer j.cancel()
	done := make(chan struct{})
	go func() {
		j.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
	}
	j.cancel()
	t := time.NewTimer(stopGrace)
	defer t.Stop()
	select {
	case <-done:
		return nil
	case <-t.C:
		return errors.New("jobs did not return after cancellation")
	}
}
