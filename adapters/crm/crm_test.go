package crm_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"escalation-bot/adapters/crm"
	"escalation-bot/adapters/webhook"
	"escalation-bot/bot"
)

const secret = "0123456789abcdef-crm"

// standIn is the maker's CRM: it checks the bot's signature and answers as told.
type standIn struct {
	t        *testing.T
	srv      *httptest.Server
	calls    atomic.Int64
	answer   func(w http.ResponseWriter, r *http.Request, req crm.Request) // writes the answer
	lastBody atomic.Value
}

func newStandIn(t *testing.T, answer func(w http.ResponseWriter, r *http.Request, req crm.Request)) *standIn {
	s := &standIn{t: t, answer: answer}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.calls.Add(1)
		body, _ := io.ReadAll(r.Body)
		if err := webhook.Verify([]byte(secret), r.Header.Get(webhook.HeaderTimestamp), r.Header.Get(webhook.HeaderSignature), body, time.Now(), time.Minute); err != nil {
			t.Errorf("the bot's request is not signed right: %v", err)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var req crm.Request
		if err := json.Unmarshal(body, &req); err != nil {
			t.Errorf("request body %s: %v", body, err)
		}
		s.lastBody.Store(string(body))
		s.answer(w, r, req)
	}))
	t.Cleanup(s.srv.Close)
	return s
}

// signed writes body as a signed answer, with the secret given.
func signed(w http.ResponseWriter, key, body string) {
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	w.Header().Set(webhook.HeaderTimestamp, ts)
	w.Header().Set(webhook.HeaderSignature, webhook.Sign([]byte(key), ts, []byte(body)))
	_, _ = io.WriteString(w, body)
}

func checker(t *testing.T, url string) *crm.Checker {
	t.Helper()
	c, err := crm.New(crm.Config{URL: url, Secret: secret, Timeout: 200 * time.Millisecond, TTL: time.Hour}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var query = bot.OwnershipQuery{Identity: "slack:T1:U2", VIN: "5YJ3E1EA4KF317001", Ticket: "T-77"}

func TestAnswers(t *testing.T) {
	tests := []struct {
		name   string
		answer func(w http.ResponseWriter, r *http.Request, req crm.Request)
		want   bot.OwnershipAnswer
		// calls is how many requests the check makes: answers are not asked again, failures
		// that may pass are.
		calls int64
	}{
		{"verified", func(w http.ResponseWriter, _ *http.Request, _ crm.Request) { signed(w, secret, `{"verified": true}`) },
			bot.OwnershipAnswer{Result: bot.OwnershipVerified}, 1},
		{"not verified", func(w http.ResponseWriter, _ *http.Request, _ crm.Request) {
			signed(w, secret, `{"verified": false, "reason": "The vehicle is not on your account."}`)
		}, bot.OwnershipAnswer{Result: bot.OwnershipUnverified, Reason: "The vehicle is not on your account."}, 1},
		{"times out", func(w http.ResponseWriter, r *http.Request, _ crm.Request) { <-r.Context().Done() }, bot.OwnershipAnswer{}, 3},
		{"500", func(w http.ResponseWriter, _ *http.Request, _ crm.Request) {
			w.WriteHeader(http.StatusInternalServerError)
		}, bot.OwnershipAnswer{}, 3},
		{"bad signature", func(w http.ResponseWriter, _ *http.Request, _ crm.Request) {
			signed(w, "another-secret-entirely", `{"verified": true}`)
		},
			bot.OwnershipAnswer{}, 1},
		{"unsigned", func(w http.ResponseWriter, _ *http.Request, _ crm.Request) {
			_, _ = io.WriteString(w, `{"verified": true}`)
		},
			bot.OwnershipAnswer{}, 1},
		{"not the JSON expected", func(w http.ResponseWriter, _ *http.Request, _ crm.Request) { signed(w, secret, `{"owner": true}`) },
			bot.OwnershipAnswer{}, 1},
		{"404", func(w http.ResponseWriter, _ *http.Request, _ crm.Request) { w.WriteHeader(http.StatusNotFound) }, bot.OwnershipAnswer{}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStandIn(t, tt.answer)
			c := checker(t, s.srv.URL)
			got, err := c.CheckOwnership(context.Background(), query)
			if tt.want.Result == "" {
				if err == nil {
					t.Fatalf("answer %+v, want an error (unknown)", got)
				}
			} else if err != nil || got != tt.want {
				t.Fatalf("answer %+v, %v; want %+v", got, err, tt.want)
			}
			if n := s.calls.Load(); n != tt.calls {
				t.Errorf("%d requests, want %d", n, tt.calls)
			}
		})
	}
}

// The request carries identity, platform, VIN and ticket; an answer is kept per identity and
// VIN, and a failure is not.
func TestRequestAndCache(t *testing.T) {
	var fail atomic.Bool
	s := newStandIn(t, func(w http.ResponseWriter, _ *http.Request, req crm.Request) {
		if fail.Load() {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		signed(w, secret, `{"verified": `+strconv.FormatBool(req.Identity == "slack:T1:U2")+`}`)
	})
	c := checker(t, s.srv.URL)
	ctx := context.Background()
	if _, err := c.CheckOwnership(ctx, query); err != nil {
		t.Fatal(err)
	}
	var body crm.Request
	_ = json.Unmarshal([]byte(s.lastBody.Load().(string)), &body)
	if body != (crm.Request{Identity: "slack:T1:U2", Platform: "slack", VIN: query.VIN, Ticket: "T-77"}) {
		t.Errorf("request %+v", body)
	}
	if _, err := c.CheckOwnership(ctx, query); err != nil || s.calls.Load() != 1 {
		t.Errorf("second check: %v, %d requests; want the kept answer", err, s.calls.Load())
	}
	other := query
	other.Identity = "discord:123456789012345678"
	got, err := c.CheckOwnership(ctx, other)
	if err != nil || got.Result != bot.OwnershipUnverified || s.calls.Load() != 2 {
		t.Errorf("another identity: %+v, %v, %d requests", got, err, s.calls.Load())
	}
	fail.Store(true)
	third := query
	third.VIN = "5YJSA1E29HF000002"
	for range 2 {
		if _, err := c.CheckOwnership(ctx, third); err == nil {
			t.Fatal("a failing CRM answered")
		}
	}
	if n := s.calls.Load(); n != 2+2*3 {
		t.Errorf("%d requests; a failure must not be kept (want %d)", n, 2+2*3)
	}
}

// The caller's deadline stops the retries.
func TestCallerDeadline(t *testing.T) {
	s := newStandIn(t, func(w http.ResponseWriter, _ *http.Request, _ crm.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	c := checker(t, s.srv.URL)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.CheckOwnership(ctx, query)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want the caller's cancellation", err)
	}
}

func TestConfig(t *testing.T) {
	for _, cfg := range []crm.Config{
		{URL: "ftp://crm.example", Secret: secret},
		{URL: "https://crm.example/owners", Secret: "short"},
		{URL: "", Secret: secret},
	} {
		if _, err := crm.New(cfg, nil); err == nil {
			t.Errorf("%+v accepted", cfg)
		}
	}
}

func TestParseAnswer(t *testing.T) {
	tests := []struct {
		in   string
		want bot.OwnershipAnswer
		ok   bool
	}{
		{`{"verified": true}`, bot.OwnershipAnswer{Result: bot.OwnershipVerified}, true},
		{`{"verified": true, "reason": "ignored"}`, bot.OwnershipAnswer{Result: bot.OwnershipVerified}, true},
		{`{"verified": false}`, bot.OwnershipAnswer{Result: bot.OwnershipUnverified}, true},
		{`{"verified": false, "reason": "no", "extra": 1}`, bot.OwnershipAnswer{Result: bot.OwnershipUnverified, Reason: "no"}, true},
		{`{"verified": "yes"}`, bot.OwnershipAnswer{}, false},
		{`{"verified": null}`, bot.OwnershipAnswer{}, false},
		{`{}`, bot.OwnershipAnswer{}, false},
		{`null`, bot.OwnershipAnswer{}, false},
		{`[true]`, bot.OwnershipAnswer{}, false},
		{`{"verified": true} {"verified": false}`, bot.OwnershipAnswer{}, false},
		{``, bot.OwnershipAnswer{}, false},
	}
	for _, tt := range tests {
		got, err := crm.ParseAnswer([]byte(tt.in))
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseAnswer(%q) = %+v, %v", tt.in, got, err)
		}
	}
}

func FuzzParseAnswer(f *testing.F) {
	for _, s := range []string{`{"verified": true}`, `{"verified": false, "reason": "not yours"}`, `{"verified": 1}`, `null`, `{"verified": false, "reason": "\u202e"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := crm.ParseAnswer(data)
		if err != nil {
			if got != (bot.OwnershipAnswer{}) {
				t.Fatalf("error %v with an answer %+v", err, got)
			}
			return
		}
		if got.Result != bot.OwnershipVerified && got.Result != bot.OwnershipUnverified {
			t.Fatalf("result %q", got.Result)
		}
		if got.Result == bot.OwnershipVerified && got.Reason != "" {
			t.Fatalf("a verified answer with a reason %q", got.Reason)
		}
	})
}
