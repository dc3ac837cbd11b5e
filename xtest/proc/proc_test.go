package proc_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"escalation-bot/xtest/proc"

	goredis "github.com/redis/go-redis/v9"
)

// Every write Redis acknowledged is there again after a SIGKILL and a restart on the same port.
func TestRedisKeepsAcknowledgedWritesThroughSIGKILL(t *testing.T) {
	r := proc.StartRedis(t)
	ctx := context.Background()
	c := goredis.NewClient(&goredis.Options{Addr: r.Addr, MaxRetries: -1})
	defer c.Close()
	for i := range 200 {
		if err := c.Set(ctx, fmt.Sprint("k", i), i, 0).Err(); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.Kill(); err != nil {
		t.Fatal(err)
	}
	if r.Running() {
		t.Fatal("redis-server runs after Kill")
	}
	if err := c.Ping(ctx).Err(); err == nil {
		t.Fatal("PING answered while Redis is down")
	}
	if err := r.Restart(); err != nil {
		t.Fatal(err)
	}
	for i := range 200 {
		if v, err := c.Get(ctx, fmt.Sprint("k", i)).Int(); err != nil || v != i {
			t.Fatalf("k%d = %d, %v after the restart; want %d", i, v, err, i)
		}
	}
	if u := r.Unexpected(); len(u) > 0 {
		t.Fatalf("unexpected exits: %v", u)
	}
	if r.Starts() != 2 || !strings.Contains(r.Logs(), "DB loaded from append only file") {
		t.Fatalf("starts = %d; log:\n%s", r.Starts(), proc.Tail(r.Logs(), 10))
	}
}

// A process killed on purpose is not counted as a crash; one that ends by itself is.
func TestProcessKillRestartAndUnexpectedExit(t *testing.T) {
	p := proc.Start(t, "sleeper", "sleep", []string{"60"}, nil)
	pid := p.Pid()
	if err := p.Kill(); err != nil {
		t.Fatal(err)
	}
	if p.Running() || p.Pid() != 0 {
		t.Fatal("runs after Kill")
	}
	if err := p.Restart(); err != nil {
		t.Fatal(err)
	}
	if !p.Running() || p.Pid() == pid {
		t.Fatalf("restart: running %v, pid %d (was %d)", p.Running(), p.Pid(), pid)
	}
	if u := p.Unexpected(); len(u) > 0 {
		t.Fatalf("a kill counted as a crash: %v", u)
	}

	q := proc.Start(t, "quitter", "sh", []string{"-c", "echo bye; exit 3"}, map[string]string{"X": "1"})
	for deadline := time.Now().Add(5 * time.Second); q.Running(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("sh did not exit")
		}
	}
	if u := q.Unexpected(); len(u) != 1 || !strings.Contains(u[0], "exit status 3") {
		t.Fatalf("unexpected = %v", u)
	}
	if got := q.Grep("bye"); len(got) != 1 {
		t.Fatalf("log lines with bye: %q", got)
	}
}
