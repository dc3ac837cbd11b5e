package redis

import (
	"fmt"
	"strings"
	"time"
)

// Defaults of Config.
const (
	DefaultTenant     = "default"
	DefaultRateWindow = time.Minute
	DefaultDedupeTTL  = 24 * time.Hour
)

// Config is what the stores need to know about the deployment. Zero fields take the defaults.
type Config struct {
	// URL is REDIS_URL: redis://, rediss://, unix://, redis-sentinel://, redis-cluster://;
	// empty starts an embedded in-process Redis (see NewClient). Only the fx module reads it.
	URL string
	// Tenant names the deployment; every key lives under "esc:{<tenant>}:".
	Tenant string
	// RateWindow is the window of the per-user event counter that Load reports as Turn.Recent.
	RateWindow time.Duration
	// DedupeTTL is how long a handled event id is remembered.
	DedupeTTL time.Duration
	// Clock is the clock the core's instants come from (the bot's Clock); nil is the wall
	// clock. Expiries are written as durations from it, never as absolute instants, so Redis's
	// own clock need not agree with it.
	Clock Clock
}

// Clock tells the time.
type Clock interface{ Now() time.Time }

type wallClock struct{}

func (wallClock) Now() time.Time { return time.Now() }

// Validate reports a configuration that would produce broken keys or windows.
func (c Config) Validate() error {
	if strings.ContainsAny(c.Tenant, "{}") {
		// A brace would end the hash tag early and spread a tenant over Cluster slots.
		return fmt.Errorf("redis tenant %q must not contain { or }", c.Tenant)
	}
	for name, d := range map[string]time.Duration{"rate window": c.RateWindow, "dedupe TTL": c.DedupeTTL} {
		// Redis counts in milliseconds: a shorter positive value would round to "expire now".
		if d < 0 || (d > 0 && d < time.Millisecond) {
			return fmt.Errorf("redis %s %s must be 0 (default) or at least 1ms", name, d)
		}
	}
	return nil
}

func (c Config) withDefaults() Config {
	if c.Tenant == "" {
		c.Tenant = DefaultTenant
	}
	if c.RateWindow <= 0 {
		c.RateWindow = DefaultRateWindow
	}
	if c.DedupeTTL <= 0 {
		c.DedupeTTL = DefaultDedupeTTL
	}
	if c.Clock == nil {
		c.Clock = wallClock{}
	}
	return c
}
