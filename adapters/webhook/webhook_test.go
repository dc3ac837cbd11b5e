package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"escalation-bot/bot"
)

// receiver is a webhook receiver that verifies every delivery as the README shows, and
// answers fail for the first failures.
type receiver struct {
	t      *testing.T
	secret []byte
	mu     sync.Mutex
	got    []bot.HookEvent
	fail   int
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if err := Verify(rc.secret, r.Header.Get(HeaderTimestamp), r.Header.Get(HeaderSignature), body, time.Now(), 5*time.Minute); err != nil {
		rc.t.Errorf("delivery does not verify: %v", err)
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	var ev bot.HookEvent
	if err := json.Unmarshal(body, &ev); err != nil || r.Header.Get(HeaderDelivery) != ev.ID || r.Header.Get(HeaderEvent) != ev.Type {
		rc.t.Errorf("delivery %s: %v, headers %v", body, err, r.Header)
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.fail > 0 {
		rc.fail--
		http.Error(w, "try later", http.StatusServiceUnavailable)
		return
	}
	rc.got = append(rc.got, ev)
	w.WriteHeader(http.StatusNoContent)
}

func TestSendSignsAndReportsFailures(t *testing.T) {
	rc := &receiver{t: t, secret: []byte("s3cret"), fail: 1}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	rs, err := New(Config{URLs: []string{srv.URL}, Secret: "s3cret"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ev := bot.HookEvent{ID: "ESC-1001:1", Type: "case.created", At: time.Now(), Case: bot.Case{ID: "ESC-1001"}}
	if err := rs[0].Send(context.Background(), ev); err == nil || !strings.Contains(err.Error(), "503") {
		t.Fatalf("a 503 answer: %v", err)
	}
	if err := rs[0].Send(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
	if len(rc.got) != 1 || rc.got[0].ID != ev.ID || rc.got[0].Case.ID != "ESC-1001" {
		t.Fatalf("received %+v", rc.got)
	}
	if n := rs[0].Name(); len(n) != 12 || strings.Trim(n, "0123456789abcdef") != "" {
		t.Fatalf("name %q", n)
	}
}

func TestVerifyRefuses(t *testing.T) {
	secret, body, now := []byte("k"), []byte(`{"id":"x"}`), time.Unix(1_800_000_000, 0)
	ts := "1800000000"
	good := Sign(secret, ts, body)
	for _, tt := range []struct {
		name, ts, sig string
		body          []byte
	}{
		{"tampered body", ts, good, []byte(`{"id":"y"}`)},
		{"other secret", ts, Sign([]byte("other"), ts, body), body},
		{"replayed later", "1799999000", Sign(secret, "1799999000", body), body},
		{"not a number", "soon", good, body},
	} {
		if err := Verify(secret, tt.ts, tt.sig, tt.body, now, 5*time.Minute); err == nil {
			t.Errorf("%s: verified", tt.name)
		}
	}
	if err := Verify(secret, ts, good, body, now, 5*time.Minute); err != nil {
		t.Errorf("a good delivery: %v", err)
	}
}

func TestConfigNeverShowsSecrets(t *testing.T) {
	if err := (Config{URLs: []string{"https://u:pw@crm.example/hook"}}).Validate(); err == nil || strings.Contains(err.Error(), "pw") {
		t.Fatalf("no secret: %v", err)
	}
	if err := (Config{URLs: []string{"ftp://u:pw@crm.example/hook"}, Secret: "x"}).Validate(); err == nil || strings.Contains(err.Error(), "pw") {
		t.Fatalf("ftp: %v", err)
	}
	rs, err := New(Config{URLs: []string{"http://u:pw@127.0.0.1:1/hook", "http://127.0.0.1:1/hook?token=tk1"}, Secret: "x", Timeout: time.Second}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, secret := range []string{"pw", "tk1"} {
		if err := rs[i].Send(context.Background(), bot.HookEvent{ID: "a"}); err == nil || strings.Contains(err.Error(), secret) {
			t.Fatalf("an unreachable receiver: %v", err)
		}
	}
	// A cause whose text quotes the URL itself is scrubbed too, and still unwraps to the cause.
	cause := fmt.Errorf("refused by proxy for %s", "http://u:pw@127.0.0.1:1/hook")
	if err := rs[0].failure(cause); strings.Contains(err.Error(), "pw") || !errors.Is(err, cause) {
		t.Errorf("failure(%v) = %v", cause, err)
	}
}
