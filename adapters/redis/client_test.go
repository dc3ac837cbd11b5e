package redis_test

import (
	"context"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"escalation-bot/adapters/redis"
	"escalation-bot/bot"
	"escalation-bot/xtest/logtest"
	"escalation-bot/xtest/redistest"
)

func TestNewClientMalformedURL(t *testing.T) {
	for _, url := range []string{
		"xyz",
		"127.0.0.1:6379",
		"http://user:secret@example.com",
		"redis://user:secret@host:port",
		"redis://user:secret@host/1/2",
		"redis://user:sec/ret@host",
		"redis://:secret@host?pool_size=many",
		"redis-sentinel://user:secret@s1,s2",
		"redis-cluster://user:secret@n1,n2/mymaster",
		"redis-cluster://n1,n2?route_randomly=true",
		"redis://h/0?password=secret",
		"redis://h/0?pool_size=many&token=secret",
		"redis-cluster://n1,n2?password=secret",
		"redis-sentinel://s1/m?db=1&sentinel_password=sec%72et",
	} {
		_, _, err := redis.NewClient(context.Background(), url, slog.New(slog.DiscardHandler))
		if err == nil {
			t.Errorf("%s: no error", url)
			continue
		}
		msg := err.Error()
		if !strings.HasPrefix(msg, "REDIS_URL \"") || !strings.Contains(msg, "\" is not a Redis URL: ") {
			t.Errorf("%s: message %q does not name the setting", url, msg)
		}
		if strings.Contains(msg, "secret") || strings.Contains(msg, "ret@") {
			t.Errorf("%s: message %q shows the password", url, msg)
		}
	}
}

func TestNewClientUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	for _, url := range []string{"redis://" + addr, "redis://user:secret@" + addr + "/2"} {
		// A deadline shorter than go-redis's dial retries: the cause must survive it.
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		_, _, err := redis.NewClient(ctx, url, slog.New(slog.DiscardHandler))
		if err == nil {
			t.Fatalf("%s: no error", url)
		}
		msg := err.Error()
		want := "redis at " + addr + " is not reachable: dial tcp " + addr + ": connect: connection refused (check REDIS_URL)"
		if msg != want {
			t.Errorf("%s:\n got %q\nwant %q", url, msg, want)
		}
	}
}

func TestNewClientEmbedded(t *testing.T) {
	// The client logs from its own goroutines too (a connection dialed in the background).
	var logs logtest.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	rdb, closeFn, err := redis.NewClient(context.Background(), "", logger)
	if err != nil {
		t.Fatal(err)
	}
	defer closeFn()
	if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "embedded in-process Redis: nothing is kept across restarts") {
		t.Errorf("log = %q, want the embedded warning", logs.String())
	}
	// The embedded server runs every script of the stores.
	cases := redis.NewCaseStore(rdb, redis.Config{})
	c, err := cases.Create(context.Background(), newCase(owner, "5YJ3E1EA2KF317000", t0))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cases.Transition(context.Background(), c.ID, claim); err != nil {
		t.Fatal(err)
	}
	if err := redis.NewHealth(rdb).Ready(context.Background()); err != nil {
		t.Errorf("Ready: %v", err)
	}
}

func TestNewClientReal(t *testing.T) {
	url := redistest.URL(t)
	rdb, closeFn, err := redis.NewClient(context.Background(), url, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	health := redis.NewHealth(rdb)
	if err := health.Ready(context.Background()); err != nil {
		t.Errorf("Ready: %v", err)
	}
	closeFn()
	if err := health.Ready(context.Background()); err == nil {
		t.Error("Ready after close: no error")
	}
}

func TestConfigValidate(t *testing.T) {
	for cfg, ok := range map[redis.Config]bool{
		{}:                             true,
		{Tenant: "acme-eu"}:            true,
		{Tenant: "a}b"}:                false,
		{Tenant: "{a"}:                 false,
		{RateWindow: -1}:               false,
		{DedupeTTL: -1, Tenant: "x"}:   false,
		{RateWindow: time.Microsecond}: false,
		{DedupeTTL: time.Millisecond}:  true,
	} {
		if err := cfg.Validate(); (err == nil) != ok {
			t.Errorf("Validate(%+v) = %v, want ok: %v", cfg, err, ok)
		}
	}
	if got := redis.NewKeys("").Case("ESC-1001"); got != "esc:{default}:case:ESC-1001" {
		t.Errorf("default tenant key = %q", got)
	}
	if got := redis.NewKeys("acme").Status(bot.StatusOpen); got != "esc:{acme}:cases:open" {
		t.Errorf("status key = %q", got)
	}
}
