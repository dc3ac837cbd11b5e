package redis

import (
	"context"
	"sync"

	goredis "github.com/redis/go-redis/v9"
)

// batcher sends the commands (mostly scripts) that arrive while others are on their way to Redis
// together, in one pipeline: one round trip, and one write and one read on each side, for all of
// them. Each caller still waits for its own command's reply, and for nothing else: a command
// that arrives while a pipeline is in flight goes in the next one. Under load the syscalls and
// the pool's connection checks are paid per pipeline rather than per command; alone, a command
// goes at once, as it would without the batcher.
type batcher struct {
	rdb goredis.UniversalClient

	flushFn func() // flush, made once: a go statement with a method value allocates

	mu       sync.Mutex
	queue    []*queued
	spare    []*queued // an earlier queue's slice, emptied
	flushing bool
	waiting  sync.Pool // of *queued, whose done channel can be used again
}

// queued is one command waiting for its pipeline, and where its caller waits for its reply.
type queued struct {
	ctx    context.Context
	script hotScript
	args   []any
	cmd    *goredis.Cmd
	done   chan struct{}
}

// maxBatch bounds the commands sent in one pipeline.
const maxBatch = 256

func newBatcher(rdb goredis.UniversalClient) *batcher {
	b := &batcher{rdb: rdb}
	b.flushFn = b.flush
	return b
}

// script sends a command of s with keys and args and returns its reply; see run.
func (b *batcher) script(ctx context.Context, s hotScript, keys []string, args ...any) *goredis.Cmd {
	cmd := s.args(len(keys), len(args))
	for _, k := range keys {
		cmd = append(cmd, k)
	}
	return b.run(ctx, s, append(cmd, args...))
}

// command sends a command that is not a script and returns its reply; see run.
func (b *batcher) command(ctx context.Context, args ...any) *goredis.Cmd {
	return b.run(ctx, hotScript{}, args)
}

// run sends args, a command of script (from script.args, with its keys and arguments appended;
// a plain command with the zero script), and returns its reply. A command whose ctx ends
// before its pipeline leaves is not sent; one whose ctx ends while it is on its way may still
// run.
func (b *batcher) run(ctx context.Context, script hotScript, args []any) *goredis.Cmd {
	q, _ := b.waiting.Get().(*queued)
	if q == nil {
		q = &queued{done: make(chan struct{}, 1)}
	}
	q.ctx, q.script, q.args, q.cmd = ctx, script, args, goredis.NewCmd(ctx, args...)
	b.mu.Lock()
	b.queue = append(b.queue, q)
	lead := !b.flushing
	b.flushing = true
	b.mu.Unlock()
	if lead {
		go b.flushFn()
	}
	select {
	case <-q.done:
		cmd := q.cmd
		*q = queued{done: q.done}
		b.waiting.Put(q)
		return cmd
	case <-ctx.Done():
		// The sender still owns q, and may yet answer it: it is not used again.
		cmd := goredis.NewCmd(ctx)
		cmd.SetErr(ctx.Err())
		return cmd
	}
}

// flush sends the waiting commands, a pipeline at a time, until none wait.
func (b *batcher) flush() {
	var sent []*queued
	for {
		b.mu.Lock()
		if sent != nil {
			b.spare = sent[:0]
		}
		batch := b.queue
		if len(batch) == 0 {
			b.flushing = false
			b.mu.Unlock()
			return
		}
		whole := len(batch) <= maxBatch
		if whole {
			// The queue goes on in the slice of an earlier batch, so that a queue does not
			// cost an allocation per pipeline.
			b.queue, b.spare = b.spare, nil
		} else {
			batch = batch[:maxBatch:maxBatch]
			b.queue = b.queue[maxBatch:]
		}
		b.mu.Unlock()
		b.send(batch)
		sent = nil
		if whole {
			clear(batch)
			sent = batch
		}
	}
}

// send runs a batch of commands in one pipeline and tells each caller. A command whose caller
// gave up meanwhile is not sent.
func (b *batcher) send(batch []*queued) {
	live := batch[:0]
	for _, q := range batch {
		if err := q.ctx.Err(); err != nil {
			q.cmd.SetErr(err)
			q.done <- struct{}{}
			continue
		}
		live = append(live, q)
	}
	if batch = live; len(batch) == 0 {
		return
	}
	// One context for the pipeline: the first command's values, none of the cancellations (a
	// caller that gives up must not fail the others); go-redis's timeouts bound it. A command
	// alone has its own.
	ctx := batch[0].ctx
	if len(batch) > 1 {
		ctx = context.WithoutCancel(ctx)
	}
	b.process(ctx, batch)
	// Redis that does not know a script yet (restarted, flushed) ran none of its commands: send
	// those again with the script's source, as Script.Run does.
	var again []*queued
	for _, q := range batch {
		if q.script.hash != nil && goredis.HasErrorPrefix(q.cmd.Err(), "NOSCRIPT") {
			q.args[0], q.args[1] = q.script.eval, q.script.src
			q.cmd = goredis.NewCmd(q.ctx, q.args...)
			again = append(again, q)
		}
	}
	if len(again) > 0 {
		b.process(ctx, again)
	}
	for _, q := range batch {
		q.done <- struct{}{}
	}
}

// process sends the commands of batch, in a pipeline when there are several; each command
// holds its own outcome.
func (b *batcher) process(ctx context.Context, batch []*queued) {
	if len(batch) == 1 {
		_ = b.rdb.Process(ctx, batch[0].cmd)
		return
	}
	_, _ = b.rdb.Pipelined(ctx, func(p goredis.Pipeliner) error {
		for _, q := range batch {
			_ = p.Process(ctx, q.cmd)
		}
		return nil
	})
}
