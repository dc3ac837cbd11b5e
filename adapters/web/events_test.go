package web

import (
	"bufio"
	"context"
	"errors"
	"net"
	"net/http"
	"testing"
	"time"
)

func subscribers(h *Hub) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs)
}

func TestEventStreamEndsWithItsPage(t *testing.T) {
	e := newEnv(t)
	ctx, cancel := context.WithCancel(t.Context())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, e.srv.URL+"/api/events?owner=ann", nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if n := subscribers(e.hub); n != 1 {
		t.Fatalf("%d subscribers with one page open", n)
	}
	cancel()
	for deadline := time.Now().Add(5 * time.Second); subscribers(e.hub) != 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the stream outlived its page")
		}
	}
}

// An event stream never goes idle, so without the shutdown hook Shutdown would wait it out.
func TestServerShutdownEndsEventStreams(t *testing.T) {
	e := newEnv(t)
	mux := http.NewServeMux()
	NewPlayground(e.svc, e.hub, nil).Register(mux)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, WriteTimeout: time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	streamCtx, cancelStream := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancelStream()
	req, err := http.NewRequestWithContext(streamCtx, http.MethodGet, "http://"+ln.Addr().String()+"/api/events", nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	// Longer than the server's WriteTimeout: the stream must not be cut by it.
	time.Sleep(1500 * time.Millisecond)
	e.hub.ChannelChanged()
	lines := bufio.NewScanner(res.Body)
	for lines.Scan() && lines.Text() != "event: channel" {
	}
	if lines.Err() != nil || lines.Text() != "event: channel" {
		t.Fatalf("the stream broke after the write timeout: %v", lines.Err())
	}

	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown with a stream open: %v", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		t.Errorf("Serve = %v", err)
	}
}
