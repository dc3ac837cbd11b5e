package main

import (
	"bufio"
	"context"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// countConns counts the connections srv accepts.
func countConns(srv *httptest.Server) *atomic.Int64 {
	var n atomic.Int64
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			n.Add(1)
		}
	}
	return &n
}

// newTestClient is a client for srv, trusting its certificate when it has one.
func newTestClient(t *testing.T, srv *httptest.Server, base string, timeout time.Duration) *botClient {
	t.Helper()
	c, err := newBotClient(base, 4, timeout)
	if err != nil {
		t.Fatal(err)
	}
	if c.tls != nil {
		pool := x509.NewCertPool()
		pool.AddCert(srv.Certificate())
		c.tls.RootCAs = pool
	}
	t.Cleanup(c.close)
	return c
}

func idleConns(c *botClient) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.idle)
}

// Sequential requests go over one connection, each with its headers and body whole.
func TestBotClientKeepAlive(t *testing.T) {
	for _, tc := range []struct {
		name     string
		tls      bool
		prefix   string
		wantPath string
	}{
		{name: "http", wantPath: "/api/owners/ann/messages"},
		{name: "https", tls: true, wantPath: "/api/owners/ann/messages"},
		{name: "path prefix", prefix: "/bot/", wantPath: "/bot/api/owners/ann/messages"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				body, err := io.ReadAll(r.Body)
				switch {
				case err != nil:
					http.Error(w, err.Error(), http.StatusBadRequest)
				case r.Method != http.MethodPost || r.URL.Path != tc.wantPath:
					http.Error(w, r.Method+" "+r.URL.Path, http.StatusNotFound)
				case r.Header.Get("Content-Type") != "application/json" || r.ContentLength != int64(len(body)):
					http.Error(w, "headers "+r.Header.Get("Content-Type")+" "+strconv.FormatInt(r.ContentLength, 10), http.StatusBadRequest)
				default:
					w.WriteHeader(http.StatusAccepted)
					_, _ = w.Write([]byte(r.Host + " " + r.Header.Get("Idempotency-Key") + " " + string(body)))
				}
			}))
			conns := countConns(srv)
			if tc.tls {
				srv.StartTLS()
			} else {
				srv.Start()
			}
			t.Cleanup(srv.Close)
			c := newTestClient(t, srv, srv.URL+tc.prefix, 10*time.Second)
			host := strings.TrimPrefix(strings.TrimPrefix(srv.URL, "http://"), "https://")
			for i := range 5 {
				key := "ann-" + strconv.Itoa(i)
				body := `{"text":"hello ` + strconv.Itoa(i) + `"}`
				status, answer, err := c.post(t.Context(), "/api/owners/ann/messages", "application/json", []field{{"Idempotency-Key", key}}, []byte(body))
				if err != nil {
					t.Fatal(err)
				}
				if want := host + " " + key + " " + body; status != http.StatusAccepted || string(answer) != want {
					t.Fatalf("request %d: %d %q, want 202 %q", i, status, answer, want)
				}
			}
			if n := conns.Load(); n != 1 {
				t.Errorf("5 requests took %d connections, want 1", n)
			}
		})
	}
}

// A connection the bot closes, or says it will close, is not used again: the next request
// goes on a new one, and succeeds.
func TestBotClientRedials(t *testing.T) {
	for _, tc := range []struct {
		name     string
		setup    func(srv *httptest.Server)
		after    func(srv *httptest.Server)
		wantIdle int // connections kept after each request
	}{
		{
			name:  "answers Connection: close",
			setup: func(srv *httptest.Server) { srv.Config.SetKeepAlivesEnabled(false) },
		},
		{
			name:     "closes idle connections",
			after:    func(srv *httptest.Server) { srv.CloseClientConnections() },
			wantIdle: 1,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.Copy(w, r.Body)
			}))
			conns := countConns(srv)
			if tc.setup != nil {
				tc.setup(srv)
			}
			srv.Start()
			t.Cleanup(srv.Close)
			c := newTestClient(t, srv, srv.URL, 10*time.Second)
			for i := range 3 {
				body := "turn " + strconv.Itoa(i)
				status, answer, err := c.post(t.Context(), "/echo", "text/plain", nil, []byte(body))
				if err != nil {
					t.Fatalf("request %d: %v", i, err)
				}
				if status != http.StatusOK || string(answer) != body {
					t.Fatalf("request %d: %d %q, want 200 %q", i, status, answer, body)
				}
				if n := idleConns(c); n != tc.wantIdle {
					t.Fatalf("request %d: %d connections kept, want %d", i, n, tc.wantIdle)
				}
				if tc.after != nil {
					tc.after(srv)
				}
			}
			if n := conns.Load(); n != 3 {
				t.Errorf("3 requests took %d connections, want 3", n)
			}
		})
	}
}

// A chunked answer is read whole, trailer and all, and the connection then carries the next.
func TestBotClientChunked(t *testing.T) {
	big := strings.Repeat("0123456789abcdef", 4096) // past the server's buffer: sent chunked
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Trailer", "X-Parts")
		for part := range strings.SplitSeq(big, "f") {
			_, _ = io.WriteString(w, part+"f")
			w.(http.Flusher).Flush()
		}
		w.Header().Set("X-Parts", "many")
	}))
	conns := countConns(srv)
	srv.Start()
	t.Cleanup(srv.Close)
	c := newTestClient(t, srv, srv.URL, 10*time.Second)
	for i := range 2 {
		status, answer, err := c.post(t.Context(), "/big", "text/plain", nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if status != http.StatusOK || string(answer) != big+"f" {
			t.Fatalf("request %d: %d, %d bytes, want 200 and %d", i, status, len(answer), len(big)+1)
		}
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("2 requests took %d connections, want 1", n)
	}
}

// A request cancelled, or past its deadline, while the bot handles it returns the reason, and
// its connection is not used again.
func TestBotClientStops(t *testing.T) {
	for _, tc := range []struct {
		name    string
		timeout time.Duration
		cancel  bool
		want    error
	}{
		{name: "context cancelled", timeout: 10 * time.Second, cancel: true, want: context.Canceled},
		{name: "deadline", timeout: 50 * time.Millisecond, want: os.ErrDeadlineExceeded},
	} {
		t.Run(tc.name, func(t *testing.T) {
			entered, release := make(chan struct{}, 1), make(chan struct{})
			srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/slow" {
					entered <- struct{}{}
					<-release
				}
				_, _ = io.WriteString(w, "done")
			}))
			conns := countConns(srv)
			srv.Start()
			t.Cleanup(srv.Close)
			t.Cleanup(func() { close(release) }) // before srv.Close, which waits for the handler
			c := newTestClient(t, srv, srv.URL, tc.timeout)

			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			if tc.cancel {
				go func() {
					<-entered
					cancel()
				}()
			}
			_, _, err := c.post(ctx, "/slow", "text/plain", nil, []byte("x"))
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if idle := idleConns(c); idle != 0 {
				t.Errorf("%d connections kept after the request stopped, want 0", idle)
			}
			status, answer, err := c.post(t.Context(), "/fast", "text/plain", nil, nil)
			if err != nil || status != http.StatusOK || string(answer) != "done" {
				t.Fatalf("next request: %d %q %v", status, answer, err)
			}
			if n := conns.Load(); n != 2 {
				t.Errorf("%d connections, want 2: the stopped one is not reused", n)
			}
		})
	}
}

// cannedServer answers every request with answer, then closes the connection.
func cannedServer(t *testing.T, answer string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				req, err := http.ReadRequest(bufio.NewReader(conn))
				if err != nil {
					return
				}
				_, _ = io.Copy(io.Discard, req.Body)
				_, _ = io.WriteString(conn, answer)
			}()
		}
	}()
	return "http://" + ln.Addr().String()
}

// Answers the client cannot frame are errors, never a panic or a body cut short; the framings
// it knows are read whole.
func TestBotClientAnswers(t *testing.T) {
	for _, tc := range []struct {
		name, answer string
		wantBody     string
		wantKept     int    // connections kept after an answer read
		wantErr      string // "" for none
	}{
		{name: "content length", answer: "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", wantBody: "hello", wantKept: 1},
		{name: "chunked", answer: "HTTP/1.1 200 OK\r\ntransfer-encoding: Chunked\r\n\r\n3\r\nhel\r\n2;x=y\r\nlo\r\n0\r\nX-T: 1\r\n\r\n", wantBody: "hello", wantKept: 1},
		{name: "closing", answer: "HTTP/1.1 200 OK\r\nConnection: keep-alive, Close\r\nContent-Length: 5\r\n\r\nhello", wantBody: "hello"},
		{name: "HTTP/1.0", answer: "HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhello", wantBody: "hello"},
		{name: "up to the end", answer: "HTTP/1.1 200 OK\r\n\r\nhello", wantBody: "hello"},
		{name: "no content", answer: "HTTP/1.1 204 No Content\r\n\r\n", wantKept: 1},
		{name: "no status line", answer: "HELLO\r\n\r\n", wantErr: "malformed status line"},
		{name: "status not a number", answer: "HTTP/1.1 2x0 OK\r\n\r\n", wantErr: "malformed status line"},
		{name: "status too long", answer: "HTTP/1.1 2000 OK\r\n\r\n", wantErr: "malformed status line"},
		{name: "informational", answer: "HTTP/1.1 100 Continue\r\n\r\n", wantErr: "unexpected status 100"},
		{name: "header without colon", answer: "HTTP/1.1 200 OK\r\nContent-Length 5\r\n\r\nhello", wantErr: "malformed header"},
		{name: "folded header", answer: "HTTP/1.1 200 OK\r\n X-A: b\r\n\r\n", wantErr: "malformed header"},
		{name: "length not a number", answer: "HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\nhello", wantErr: "bad Content-Length"},
		{name: "two lengths", answer: "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello", wantErr: "bad Content-Length"},
		{name: "overflowing length", answer: "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n", wantErr: "bad Content-Length"},
		{name: "too long a body", answer: "HTTP/1.1 200 OK\r\nContent-Length: 999999999999\r\n\r\n", wantErr: "more than"},
		{name: "body cut short", answer: "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhel", wantErr: "unexpected EOF"},
		{name: "bad chunk size", answer: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n", wantErr: "read answer body"},
		{name: "chunks cut short", answer: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", wantErr: "read answer body"},
		{name: "other encoding", answer: "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", wantErr: "unsupported Transfer-Encoding"},
		{name: "headers cut short", answer: "HTTP/1.1 200 OK\r\nContent-Len", wantErr: "read header"},
		{name: "no answer", answer: "", wantErr: "EOF"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := newBotClient(cannedServer(t, tc.answer), 4, 10*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			defer c.close()
			_, body, err := c.post(t.Context(), "/x", "text/plain", nil, []byte("x"))
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("err = %v, want body %q", err, tc.wantBody)
			case tc.wantErr == "" && string(body) != tc.wantBody:
				t.Fatalf("body %q, want %q", body, tc.wantBody)
			case tc.wantErr == "" && idleConns(c) != tc.wantKept:
				t.Fatalf("%d connections kept, want %d", idleConns(c), tc.wantKept)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("err = %v, want one saying %q", err, tc.wantErr)
			}
		})
	}
}

// Reading an answer with a Content-Length allocates its body and nothing else.
func TestReadAnswerAllocations(t *testing.T) {
	const answer = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nDate: Sun, 06 Dec 2026 03:00:00 GMT\r\nContent-Length: 11\r\n\r\n{\"ok\":true}"
	sr := strings.NewReader(answer)
	br := bufio.NewReader(sr)
	allocs := testing.AllocsPerRun(100, func() {
		sr.Reset(answer)
		br.Reset(sr)
		if status, body, keep, err := readAnswer(br); err != nil || status != 200 || !keep || string(body) != `{"ok":true}` {
			t.Fatalf("readAnswer: %d %q %v %v", status, body, keep, err)
		}
	})
	if allocs != 1 {
		t.Errorf("%v allocations an answer, want 1 (the body)", allocs)
	}
}

// Bot URLs the client cannot reach are refused when it is made.
func TestNewBotClient(t *testing.T) {
	for _, base := range []string{"ftp://127.0.0.1:21", "127.0.0.1:8080", "http://", "http://[::1"} {
		if _, err := newBotClient(base, 1, time.Second); err == nil {
			t.Errorf("newBotClient(%q) made a client", base)
		}
	}
}

// A connection is watched by the context of its requests until one of another context comes:
// the end of the first context, after its requests are done, does not stop the next one's.
func TestBotClientContexts(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "done")
	}))
	conns := countConns(srv)
	srv.Start()
	t.Cleanup(srv.Close)
	c := newTestClient(t, srv, srv.URL, 10*time.Second)
	for round := range 3 {
		ctx, cancel := context.WithCancel(t.Context())
		for range 3 {
			status, answer, err := c.post(ctx, "/fast", "text/plain", nil, nil)
			if err != nil || status != http.StatusOK || string(answer) != "done" {
				t.Fatalf("round %d: %d %q %v", round, status, answer, err)
			}
		}
		cancel()
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("%d connections, want 1, kept alive across the contexts", n)
	}
}
