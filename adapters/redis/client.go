package redis

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/alicebob/miniredis/v2"
	goredis "github.com/redis/go-redis/v9"

	"escalation-bot/redact"
)

// pingTimeout bounds the first PING, so a wrong address fails start-up quickly.
const pingTimeout = 3 * time.Second

// NewClient connects to the Redis that rawURL names and checks that it answers. The caller
// calls the returned func to close the client (and the embedded server) when done.
//
// Accepted URLs:
//
//	""                                             embedded in-process Redis (miniredis); nothing is kept
//	redis://[user:password@]host[:port][/db][?option=value]
//	rediss://...                                   the same over TLS
//	unix://[user:password@]/path/to/socket[?db=n]
//	redis-sentinel://[user:password@]host1[:port],host2[:port]/mastername[?db=n]
//	rediss-sentinel://...                          the same, TLS to master and sentinels
//	redis-cluster://[user:password@]host1[:port],host2[:port]
//	rediss-cluster://...                           the same over TLS
//
// The options of redis:// and unix:// are go-redis's (see goredis.ParseURL). Sentinel ports
// default to 26379, cluster ports to 6379; IPv6 addresses go in brackets. With Sentinel the
// credentials are the master's; sentinels that require their own password are not supported
// by this URL form.
func NewClient(ctx context.Context, rawURL string, logger *slog.Logger) (goredis.UniversalClient, func(), error) {
	conn, err := open(rawURL, logger)
	if err != nil {
		return nil, nil, err
	}
	if err := conn.ping(ctx); err != nil {
		conn.close()
		return nil, nil, err
	}
	return conn.client, conn.close, nil
}

// connection is an opened but not yet checked client, with what its errors should name.
type connection struct {
	client  goredis.UniversalClient
	addr    string // for messages: "127.0.0.1:6379", "sentinels a:26379,b:26379 (master m)"
	close   func()
	dialErr *lastDialError
}

// open builds the client without talking to Redis (except starting the embedded one).
func open(rawURL string, logger *slog.Logger) (*connection, error) {
	if logger == nil {
		logger = slog.Default()
	}
	routeLibraryLogs(logger, rawURL)
	if rawURL == "" {
		return openEmbedded(logger)
	}
	opts, addr, err := parseURL(rawURL)
	if err != nil {
		redacted := redact.URL(rawURL)
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err // url.Error repeats the URL, password and all
		}
		// A malformed URL may be split anywhere, so scrub every piece of the secrets.
		msg := redact.Scrub(err.Error(), rawURL)
		return nil, fmt.Errorf("REDIS_URL %q is not a Redis URL: %s", redacted, msg)
	}
	client := opts()
	dialErr := &lastDialError{}
	client.AddHook(dialErr)
	return &connection{
		client:  client,
		addr:    addr,
		dialErr: dialErr,
		close: func() {
			if err := client.Close(); err != nil {
				logger.Warn("closing redis client", "addr", addr, "err", err)
			}
		},
	}, nil
}

// openEmbedded starts miniredis in this process. Its TTLs follow the wall clock (ClockTTL), so
// sessions, blocks and dedupe marks expire as they would on a real server. No port is opened:
// the client dials the server in memory.
func openEmbedded(logger *slog.Logger) (*connection, error) {
	m := miniredis.NewMiniRedis()
	m.ClockTTL(true)
	client := goredis.NewClient(&goredis.Options{
		Addr:   "embedded",
		Dialer: func(context.Context, string, string) (net.Conn, error) { return m.Dial() },
	})
	logger.Warn("embedded in-process Redis: nothing is kept across restarts")
	return &connection{
		client: client,
		addr:   "embedded",
		close: func() {
			_ = client.Close() // closing an in-memory pipe has nothing to report
			m.Close()
		},
	}, nil
}

func (c *connection) ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, pingTimeout)
	defer cancel()
	if err := c.client.Ping(ctx).Err(); err != nil {
		// go-redis retries dials until the deadline; "connection refused" says more than
		// "context deadline exceeded".
		if last := c.dialErr.get(); last != nil && errors.Is(err, context.DeadlineExceeded) {
			err = last
		}
		return fmt.Errorf("redis at %s is not reachable: %w (check REDIS_URL)", c.addr, err)
	}
	return nil
}

// lastDialError is a go-redis hook that remembers why the last dial failed.
type lastDialError struct {
	err atomic.Pointer[error]
}

func (h *lastDialError) get() error {
	if h == nil {
		return nil
	}
	if p := h.err.Load(); p != nil {
		return *p
	}
	return nil
}

func (h *lastDialError) DialHook(next goredis.DialHook) goredis.DialHook {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := next(ctx, network, addr)
		if err != nil && ctx.Err() == nil {
			h.err.Store(&err)
		}
		return conn, err
	}
}

func (h *lastDialError) ProcessHook(next goredis.ProcessHook) goredis.ProcessHook { return next }

func (h *lastDialError) ProcessPipelineHook(next goredis.ProcessPipelineHook) goredis.ProcessPipelineHook {
	return next
}

// parseURL turns a REDIS_URL into a client constructor and the address its errors name.
func parseURL(rawURL string) (func() goredis.UniversalClient, string, error) {
	scheme, _, ok := strings.Cut(rawURL, "://")
	if !ok {
		return nil, "", errors.New("want redis://, rediss://, unix://, redis-sentinel:// or redis-cluster://")
	}
	switch scheme {
	case "redis", "rediss", "unix":
		opts, err := goredis.ParseURL(rawURL)
		if err != nil {
			return nil, "", err
		}
		// *goredis.Client is a UniversalClient; going through UniversalOptions would drop
		// options it has no field for, such as the unix network.
		return func() goredis.UniversalClient { return goredis.NewClient(opts) }, opts.Addr, nil
	case "redis-sentinel", "rediss-sentinel":
		opts, err := parseMultiHost(rawURL, "26379")
		if err != nil {
			return nil, "", err
		}
		if opts.MasterName == "" {
			return nil, "", errors.New("want the master name as the path: redis-sentinel://host1,host2/mymaster")
		}
		addr := fmt.Sprintf("sentinels %s (master %s)", strings.Join(opts.Addrs, ","), opts.MasterName)
		return func() goredis.UniversalClient { return goredis.NewUniversalClient(opts) }, addr, nil
	case "redis-cluster", "rediss-cluster":
		opts, err := parseMultiHost(rawURL, "6379")
		if err != nil {
			return nil, "", err
		}
		if opts.MasterName != "" || opts.DB != 0 {
			return nil, "", errors.New("a cluster URL takes no path and no db: redis-cluster://host1,host2")
		}
		opts.IsClusterMode = true
		addr := "cluster " + strings.Join(opts.Addrs, ",")
		return func() goredis.UniversalClient { return goredis.NewUniversalClient(opts) }, addr, nil
	default:
		return nil, "", fmt.Errorf("unknown scheme %q: want redis://, rediss://, unix://, redis-sentinel:// or redis-cluster://", scheme)
	}
}

// parseMultiHost reads redis-sentinel:// and redis-cluster:// URLs: a comma-separated host
// list, the master name as the path, and db as the only option. net/url cannot parse such a
// host list ("h1:7000,h2" has no valid port), so the authority is split here.
func parseMultiHost(rawURL, defaultPort string) (*goredis.UniversalOptions, error) {
	scheme, rest, _ := strings.Cut(rawURL, "://")
	rest, rawQuery, _ := strings.Cut(rest, "?")
	opts := &goredis.UniversalOptions{}
	if user := redact.Userinfo(rawURL); user != "" {
		rest = strings.TrimPrefix(rest, user+"@")
		name, password, _ := strings.Cut(user, ":")
		var err error
		if opts.Username, err = url.PathUnescape(name); err != nil {
			return nil, errors.New("the user name is not valid percent-encoding")
		}
		if opts.Password, err = url.PathUnescape(password); err != nil {
			return nil, errors.New("the password is not valid percent-encoding")
		}
	}
	hosts, path, _ := strings.Cut(rest, "/")
	master, err := url.PathUnescape(strings.Trim(path, "/"))
	if err != nil {
		return nil, fmt.Errorf("master name %q: %w", path, err)
	}
	opts.MasterName = master
	for h := range strings.SplitSeq(hosts, ",") {
		if h == "" {
			continue
		}
		host, port, err := net.SplitHostPort(h)
		if err != nil {
			host, port = strings.Trim(h, "[]"), defaultPort
		}
		if _, err := strconv.ParseUint(port, 10, 16); err != nil || host == "" || strings.ContainsAny(host, "[]/@ ") {
			return nil, fmt.Errorf("%q is not host:port", h)
		}
		opts.Addrs = append(opts.Addrs, net.JoinHostPort(host, port))
	}
	if len(opts.Addrs) == 0 {
		return nil, errors.New("no host")
	}
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return nil, fmt.Errorf("options %q: %w", rawQuery, err)
	}
	if db := q.Get("db"); db != "" {
		if opts.DB, err = strconv.Atoi(db); err != nil {
			return nil, fmt.Errorf("db %q is not a number", db)
		}
		q.Del("db")
	}
	if len(q) > 0 {
		return nil, fmt.Errorf("unknown options %q: only db is accepted here", rawQuery)
	}
	if strings.HasPrefix(scheme, "rediss") {
		host, _, _ := net.SplitHostPort(opts.Addrs[0])
		opts.TLSConfig = &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	}
	return opts, nil
}

// Health reports whether Redis answers, for /readyz.
type Health struct {
	rdb goredis.UniversalClient
}

// NewHealth returns the health check over rdb.
func NewHealth(rdb goredis.UniversalClient) *Health { return &Health{rdb: rdb} }

// Ready pings Redis.
func (h *Health) Ready(ctx context.Context) error {
	if err := h.rdb.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("redis: %w", err)
	}
	return nil
}
