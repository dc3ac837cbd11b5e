package slack

import (
	"context"
	"errors"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"
)

// jobTimeout bounds the work of one Slack request after its ack.
const jobTimeout = 30 * time.Second

// jobs runs the work of acknowledged requests in the background. Slack wants an answer within
// 3 s, so the handlers ack first and hand the work here. Stop lets the work in flight finish
// while the stop allows (an owner's saved turn still gets its answer posted), then cancels the
// rest and waits for it, so no goroutine outlives the adapter.
type jobs struct {
	ctx     context.Context
	cancel  context.CancelFunc
	timeout time.Duration
	log     *slog.Logger

	mu      sync.Mutex
	stopped bool
	wg      sync.WaitGroup
}

func newJobs(timeout time.Duration, logger *slog.Logger) *jobs {
	ctx, cancel := context.WithCancel(context.Background())
	return &jobs{ctx: ctx, cancel: cancel, timeout: timeout, log: logger}
}

// Go runs fn in a goroutine with its own timeout. Once stopping it runs nothing and returns
// false, and the caller refuses the request so that Slack tries again elsewhere.
func (j *jobs) Go(name string, fn func(ctx context.Context)) bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.stopped {
		return false
	}
	j.wg.Add(1)
	go func() {
		defer j.wg.Done()
		ctx, cancel := context.WithTimeout(j.ctx, j.timeout)
		defer cancel()
		defer func() {
			// One malformed payload must not take the process down.
			if r := recover(); r != nil {
				j.log.ErrorContext(ctx, "slack job panicked", "job", name, "panic", r, "stack", string(debug.Stack()))
			}
		}()
		fn(ctx)
	}()
	return true
}

// stopGrace is how long cancelled jobs get to return once the stop deadline has passed.
const stopGrace = 2 * time.Second

// Stop refuses new jobs, waits for the running ones until ctx ends, then cancels what is left
// and waits a little more for it to return.
func (j *jobs) Stop(ctx context.Context) error {
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
