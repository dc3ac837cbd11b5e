// Package clocktest gives tests a clock they control that starts at the wall clock.
//
// Times a test clock produces reach Redis (block expiries, due times, TTLs), and Redis
// compares them with its own clock. A clock fixed at a date in the source passes until that
// date is past and then fails for good, so test clocks start now. TEST_CLOCK_OFFSET (a Go
// duration such as 8760h or -8760h) moves every test clock away from the wall clock: the test
// script runs the store and core tests a year ahead and a year behind, so code that lets an
// injected clock's instant reach Redis as an absolute expiry fails at once, not on some date.
package clocktest

import (
	"fmt"
	"os"
	"sync"
	"testing"
	"time"
)

// OffsetVariable names the environment variable with the offset from the wall clock.
const OffsetVariable = "TEST_CLOCK_OFFSET"

// Clock is a controllable clock. The zero value is not usable; call Frozen or Running.
type Clock struct {
	mu     sync.Mutex
	frozen bool
	at     time.Time     // the time, when frozen
	offset time.Duration // from the wall clock, when running
}

// Frozen returns a clock that stands still at the wall clock's current second (plus the
// offset) until Advance moves it.
func Frozen(t testing.TB) *Clock {
	t.Helper()
	return &Clock{frozen: true, at: time.Now().Add(Offset(t)).Truncate(time.Second)}
}

// Running returns a clock that follows the wall clock (plus the offset) and can be moved ahead.
func Running(t testing.TB) *Clock {
	t.Helper()
	return &Clock{offset: Offset(t)}
}

// Start is the wall clock's current millisecond plus the offset: a base for times a test
// builds itself.
func Start(t testing.TB) time.Time {
	t.Helper()
	return time.Now().Add(Offset(t)).Truncate(time.Millisecond)
}

// Epoch is Start for package-level values, which have no test to fail: a malformed
// TEST_CLOCK_OFFSET panics.
func Epoch() time.Time {
	d, err := offset()
	if err != nil {
		panic(err)
	}
	return time.Now().Add(d).Truncate(time.Millisecond)
}

// Offset is TEST_CLOCK_OFFSET, or 0 when it is not set. A malformed value fails the test.
func Offset(t testing.TB) time.Duration {
	t.Helper()
	d, err := offset()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func offset() (time.Duration, error) {
	v := os.Getenv(OffsetVariable)
	if v == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, fmt.Errorf("%s=%q: %w", OffsetVariable, v, err)
	}
	return d, nil
}

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.frozen {
		return c.at
	}
	return time.Now().Add(c.offset)
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.frozen {
		c.at = c.at.Add(d)
		return
	}
	c.offset += d
}

// Set moves the clock to at; a running clock keeps running from there.
func (c *Clock) Set(at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.frozen {
		c.at = at
		return
	}
	c.offset = time.Until(at)
}
