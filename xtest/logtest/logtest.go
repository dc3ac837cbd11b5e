// Package logtest collects what a test's code logs, so the test can look for (or rule out)
// a line.
package logtest

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

// Buffer is an io.Writer for slog handlers; adapters log from several goroutines, so it locks.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *Buffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *Buffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// WaitFor waits up to 10 s until the log shows s, and fails the test otherwise.
func (l *Buffer) WaitFor(t testing.TB, s string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(l.String(), s) {
		if time.Now().After(deadline) {
			t.Fatalf("the log never showed %q:\n%s", s, l.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}
