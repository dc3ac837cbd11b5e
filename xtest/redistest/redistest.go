// Package redistest gives tests a Redis of their own: a real server (REDIS_URL, else
// 127.0.0.1:6379, else a redis-server started for the test binary), a Redis Cluster
// (REDIS_CLUSTER, see cluster.go) or an in-process miniredis, each test under its own tenant,
// cleaned up afterwards, with a counter of round trips.
package redistest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	goredis "github.com/redis/go-redis/v9"
)

// Redis is one test's view of a Redis server.
type Redis struct {
	// Client is connected and counts its round trips (see RoundTrips).
	Client goredis.UniversalClient
	// Tenant is unique to the test; every key the test writes should be under
	// "esc:{<Tenant>}:", which is deleted when the test ends.
	Tenant string
	// Mini is the in-process server of NewMini, to move its clock; nil for a real server.
	Mini *miniredis.Miniredis

	counter *roundTrips
	dial    func() goredis.UniversalClient
}

// New connects to a real Redis: with REDIS_CLUSTER set a Redis Cluster (see NewCluster), else
// REDIS_URL, else redis://127.0.0.1:6379, else a redis-server started once for the test
// binary. It fails the test when none of these is possible.
func New(t testing.TB) *Redis {
	t.Helper()
	if Clustered() {
		return NewCluster(t)
	}
	opts, err := goredis.ParseURL(URL(t))
	if err != nil {
		t.Fatalf("REDIS_URL: %v", err)
	}
	return connect(t, goredis.NewClient(opts), opts.Addr, nil)
}

// URL returns the URL of the real server New connects to, for tests of code that dials
// Redis itself: a redis-cluster:// URL with REDIS_CLUSTER set. It fails the test when there
// is none.
func URL(t testing.TB) string {
	t.Helper()
	if Clustered() {
		return ClusterURL(t)
	}
	url, err := serverURL()
	if err != nil {
		t.Fatal(err)
	}
	return url
}

// Down returns a client of a Redis that is not there: every command fails at once. go-redis
// would print its dial failures on stderr, where they read like a failing test, so its log
// lines are dropped from here on in this test binary (the bot routes them into slog).
func Down(t testing.TB) goredis.UniversalClient {
	t.Helper()
	Quiet()
	c := goredis.NewClient(&goredis.Options{Addr: "127.0.0.1:1", DialTimeout: 100 * time.Millisecond, MaxRetries: -1})
	t.Cleanup(func() { c.Close() })
	return c
}

// Quiet drops go-redis's own log lines (a pool that cannot dial) for the rest of the test
// binary: tests that stop Redis on purpose would otherwise print them like failures.
func Quiet() { goredis.SetLogger(silent{}) }

type silent struct{}

func (silent) Printf(context.Context, string, ...any) {}

// NewMini starts an in-process miniredis for the test. Its TTLs follow the wall clock, as the
// embedded server of adapters/redis does.
func NewMini(t testing.TB) *Redis {
	t.Helper()
	m := miniredis.NewMiniRedis()
	m.ClockTTL(true)
	if err := m.Start(); err != nil {
		t.Fatalf("start miniredis: %v", err)
	}
	t.Cleanup(m.Close)
	return connect(t, goredis.NewClient(&goredis.Options{Addr: m.Addr()}), m.Addr(), m)
}

// NewOwn starts a redis-server for the test alone, on a free port and without persistence,
// whatever REDIS_URL and REDIS_CLUSTER say, and shuts it down when the test ends: for a test
// that reads the server's own statistics (INFO commandstats), which the commands of other
// tests would disturb on a shared server. It needs redis-server on the PATH.
func NewOwn(t testing.TB) *Redis {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Fatalf("a Redis of the test's own: %v", err)
	}
	ports, err := freePorts(1)
	if err != nil {
		t.Fatalf("a Redis of the test's own: %v", err)
	}
	addr, err := startWatched("--port", strconv.Itoa(ports[0]))
	if err != nil {
		t.Fatalf("a Redis of the test's own: %v", err)
	}
	// Registered first, so it runs last: after connect's cleanup has used the server.
	t.Cleanup(func() {
		c := goredis.NewClient(&goredis.Options{Addr: addr, MaxRetries: -1})
		defer c.Close()
		// The server drops the connection as it goes: the error says nothing.
		_ = c.ShutdownNoSave(context.Background()).Err()
	})
	return connect(t, goredis.NewClient(&goredis.Options{Addr: addr}), addr, nil)
}

// connect wraps client (a *goredis.Client or *goredis.ClusterClient) for one test.
func connect(t testing.TB, client goredis.UniversalClient, addr string, m *miniredis.Miniredis) *Redis {
	t.Helper()
	r := &Redis{Client: client, Tenant: "t-" + randomHex(6), Mini: m, counter: &roundTrips{}}
	switch c := client.(type) {
	case *goredis.Client:
		opts := c.Options()
		r.dial = func() goredis.UniversalClient { return goredis.NewClient(opts) }
	case *goredis.ClusterClient:
		opts := c.Options()
		r.dial = func() goredis.UniversalClient { return goredis.NewClusterClient(opts) }
	}
	client.AddHook(r.counter)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := client.Ping(ctx).Err(); err != nil {
		_ = client.Close()
		t.Fatalf("redis at %s: %v", addr, err)
	}
	t.Cleanup(func() {
		if err := r.deleteTenant(context.Background()); err != nil {
			t.Errorf("clean up redis tenant %s: %v", r.Tenant, err)
		}
		_ = client.Close()
	})
	r.Reset() // the PING above is not the test's
	return r
}

// RoundTrips is how many times the client talked to the server since the last Reset: one
// per command, one per pipeline or MULTI. The handshake of a new connection (HELLO, AUTH,
// CLIENT SETINFO, ...) is not counted, so a cold pool does not change the figure.
func (r *Redis) RoundTrips() int64 { return r.counter.n.Load() }

// Reset sets the round-trip counter to zero.
func (r *Redis) Reset() { r.counter.n.Store(0) }

// NewClient returns another client of the same server or cluster, with none of Client's
// hooks (its round trips are not counted), closed when the test ends.
func (r *Redis) NewClient(t testing.TB) goredis.UniversalClient {
	t.Helper()
	c := r.dial()
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// deleteTenant removes every key under the test's tenant, with SCAN so a shared server is
// not blocked. In a cluster every key of the tenant shares its hash tag, so one node holds
// them all; each master is scanned all the same, which needs no knowledge of the slot.
func (r *Redis) deleteTenant(ctx context.Context) error {
	if c, ok := r.Client.(*goredis.ClusterClient); ok {
		return c.ForEachMaster(ctx, func(ctx context.Context, node *goredis.Client) error {
			return deleteMatching(ctx, node, "esc:{"+r.Tenant+"}:*")
		})
	}
	return deleteMatching(ctx, r.Client, "esc:{"+r.Tenant+"}:*")
}

func deleteMatching(ctx context.Context, rdb goredis.Cmdable, pattern string) error {
	iter := rdb.Scan(ctx, 0, pattern, 500).Iterator()
	var batch []string
	for iter.Next(ctx) {
		batch = append(batch, iter.Val())
		if len(batch) == 500 {
			if err := rdb.Del(ctx, batch...).Err(); err != nil {
				return err
			}
			batch = batch[:0]
		}
	}
	if err := iter.Err(); err != nil {
		return err
	}
	if len(batch) > 0 {
		return rdb.Del(ctx, batch...).Err()
	}
	return nil
}

// roundTrips is a go-redis hook counting commands and pipelines sent to the server.
type roundTrips struct{ n atomic.Int64 }

func (c *roundTrips) DialHook(next goredis.DialHook) goredis.DialHook { return next }

func (c *roundTrips) ProcessHook(next goredis.ProcessHook) goredis.ProcessHook {
	return func(ctx context.Context, cmd goredis.Cmder) error {
		if !handshake(cmd) {
			c.n.Add(1)
		}
		return next(ctx, cmd)
	}
}

func (c *roundTrips) ProcessPipelineHook(next goredis.ProcessPipelineHook) goredis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []goredis.Cmder) error {
		if !allHandshake(cmds) {
			c.n.Add(1)
		}
		return next(ctx, cmds)
	}
}

// handshake reports whether go-redis sent cmd to set up a new connection; new connections
// run their setup through the client's hooks too.
func handshake(cmd goredis.Cmder) bool {
	switch cmd.Name() {
	case "hello", "auth", "select", "readonly":
		return true
	case "client":
		args := cmd.Args()
		if len(args) < 2 {
			return false
		}
		sub, _ := args[1].(string)
		switch strings.ToLower(sub) {
		case "setinfo", "setname", "maint_notifications":
			return true
		}
	}
	return false
}

func allHandshake(cmds []goredis.Cmder) bool {
	for _, cmd := range cmds {
		if !handshake(cmd) {
			return false
		}
	}
	return true
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}

const defaultURL = "redis://127.0.0.1:6379"

// started is the redis-server this test binary started, if it had to; one per binary.
var started struct {
	once sync.Once
	url  string
	err  error
}

// serverURL picks the server: REDIS_URL when set (and then only it), else the default
// address when something answers there, else a redis-server of our own.
func serverURL() (string, error) {
	if url := os.Getenv("REDIS_URL"); url != "" {
		return url, nil
	}
	if answers("127.0.0.1:6379") {
		return defaultURL, nil
	}
	started.once.Do(func() { started.url, started.err = startServer() })
	return started.url, started.err
}

// answers reports whether a Redis answers PING at addr.
func answers(addr string) bool {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	c := goredis.NewClient(&goredis.Options{Addr: addr, MaxRetries: -1, DialerRetries: 1})
	defer c.Close()
	return c.Ping(ctx).Err() == nil
}

// startServer starts redis-server on a free port, without persistence (see startWatched).
func startServer() (string, error) {
	const fix = "no Redis: set REDIS_URL, start redis-server on 127.0.0.1:6379, or install redis-server"
	if _, err := exec.LookPath("redis-server"); err != nil {
		return "", errors.New(fix)
	}
	ports, err := freePorts(1)
	if err != nil {
		return "", fmt.Errorf("%s (%v)", fix, err)
	}
	addr, err := startWatched("--port", strconv.Itoa(ports[0]))
	if err != nil {
		return "", fmt.Errorf("%s (%v)", fix, err)
	}
	return "redis://" + addr, nil
}

// Traces returns, for every key of the test's tenant whose name or value contains one of the
// words (case-insensitive), the key and the first word found: what an erasure must leave
// none of. Values are read by type: strings, hashes (fields and values), lists, sets, sorted
// sets and streams.
func (r *Redis) Traces(t testing.TB, words ...string) map[string]string {
	t.Helper()
	ctx := context.Background()
	found := map[string]string{}
	var keys []string
	scan := func(ctx context.Context, rdb goredis.Cmdable) error {
		iter := rdb.Scan(ctx, 0, "esc:{"+r.Tenant+"}:*", 500).Iterator()
		for iter.Next(ctx) {
			keys = append(keys, iter.Val())
		}
		return iter.Err()
	}
	var err error
	if c, ok := r.Client.(*goredis.ClusterClient); ok {
		// One node holds the tenant's keys (one hash tag); ForEachMaster runs in parallel.
		var mu sync.Mutex
		err = c.ForEachMaster(ctx, func(ctx context.Context, node *goredis.Client) error {
			mu.Lock()
			defer mu.Unlock()
			return scan(ctx, node)
		})
	} else {
		err = scan(ctx, r.Client)
	}
	if err != nil {
		t.Fatalf("scan the tenant's keys: %v", err)
	}
	for _, key := range keys {
		text, err := r.dumpKey(ctx, key)
		if err != nil {
			t.Fatalf("read %s: %v", key, err)
		}
		text = strings.ToLower(key + "\n" + text)
		for _, w := range words {
			if w != "" && strings.Contains(text, strings.ToLower(w)) {
				found[key] = w
				break
			}
		}
	}
	return found
}

// dumpKey is the key's value as text, whatever its type.
func (r *Redis) dumpKey(ctx context.Context, key string) (string, error) {
	typ, err := r.Client.Type(ctx, key).Result()
	if err != nil {
		return "", err
	}
	var parts []string
	switch typ {
	case "string":
		v, err := r.Client.Get(ctx, key).Result()
		return v, err
	case "hash":
		h, err := r.Client.HGetAll(ctx, key).Result()
		if err != nil {
			return "", err
		}
		for k, v := range h {
			parts = append(parts, k+"="+v)
		}
	case "list":
		parts, err = r.Client.LRange(ctx, key, 0, -1).Result()
	case "set":
		parts, err = r.Client.SMembers(ctx, key).Result()
	case "zset":
		parts, err = r.Client.ZRange(ctx, key, 0, -1).Result()
	case "stream":
		msgs, err := r.Client.XRange(ctx, key, "-", "+").Result()
		if err != nil {
			return "", err
		}
		for _, m := range msgs {
			for k, v := range m.Values {
				parts = append(parts, fmt.Sprintf("%s=%v", k, v))
			}
		}
	}
	return strings.Join(parts, "\n"), err
}
