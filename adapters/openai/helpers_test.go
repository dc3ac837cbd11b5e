package openai

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"escalation-bot/xtest/logtest"
)

const testKey = "sk-test-0123456789abcdefSECRET"

// sent is a chat completion request as the fake server received it.
type sent struct {
	Model    string `json:"model"`
	Messages []struct {
		Role    string `json:"role"`
		Content string `json:"content"`
	} `json:"messages"`
	ResponseFormat *struct {
		Type       string `json:"type"`
		JSONSchema *struct {
			Name   string          `json:"name"`
			Strict bool            `json:"strict"`
			Schema json.RawMessage `json:"schema"`
		} `json:"json_schema"`
	} `json:"response_format"`
	raw string
}

func (s sent) format() string {
	if s.ResponseFormat == nil {
		return ""
	}
	return s.ResponseFormat.Type
}

func (s sent) message(role string) string {
	for _, m := range s.Messages {
		if m.Role == role {
			return m.Content
		}
	}
	return ""
}

// reply is what the fake server answers to one request.
type reply struct {
	status int // 0: 200
	header map[string]string
	body   string        // raw body; empty: a completion of content
	wait   bool          // hold the request until the client gives up
	delay  time.Duration // answer after this long
}

// answer is a 200 chat completion whose message is content.
func answer(content string) reply { return reply{body: completion(content, "stop")} }

func completion(content, finish string) string {
	b, _ := json.Marshal(map[string]any{
		"id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": "test-model",
		"choices": []any{map[string]any{
			"index": 0, "finish_reason": finish,
			"message": map[string]any{"role": "assistant", "content": content},
		}},
	})
	return string(b)
}

func apiError(status int, message, param string) reply {
	e := map[string]any{"message": message, "type": "invalid_request_error"}
	if param != "" {
		e["param"] = param
	}
	b, _ := json.Marshal(map[string]any{"error": e})
	return reply{status: status, body: string(b)}
}

// fakeOpenAI is a local OpenAI-compatible server: POST /v1/chat/completions with the bearer key.
type fakeOpenAI struct {
	*httptest.Server
	t       *testing.T
	mu      sync.Mutex
	got     []sent
	respond func(n int, req sent) reply // n counts requests from 1
}

func newFake(t *testing.T, respond func(n int, req sent) reply) *fakeOpenAI {
	t.Helper()
	f := &fakeOpenAI{t: t, respond: respond}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

// replies answers the requests in order, repeating the last.
func replies(rs ...reply) func(int, sent) reply {
	return func(n int, _ sent) reply { return rs[min(n, len(rs))-1] }
}

func (f *fakeOpenAI) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/v1/chat/completions" {
		http.Error(w, `{"error":{"message":"not found"}}`, http.StatusNotFound)
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+testKey {
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, `{"error":{"message":"missing or wrong bearer token","type":"invalid_request_error"}}`)
		return
	}
	body, _ := io.ReadAll(r.Body)
	var req sent
	if err := json.Unmarshal(body, &req); err != nil {
		http.Error(w, `{"error":{"message":"bad json"}}`, http.StatusBadRequest)
		return
	}
	req.raw = string(body)
	f.mu.Lock()
	f.got = append(f.got, req)
	n := len(f.got)
	f.mu.Unlock()

	rep := f.respond(n, req)
	if rep.wait {
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
		return
	}
	if rep.delay > 0 {
		time.Sleep(rep.delay)
	}
	for k, v := range rep.header {
		w.Header().Set(k, v)
	}
	w.Header().Set("Content-Type", "application/json")
	if rep.status != 0 {
		w.WriteHeader(rep.status)
	}
	io.WriteString(w, rep.body)
}

func (f *fakeOpenAI) requests() []sent {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]sent(nil), f.got...)
}

func (f *fakeOpenAI) config() Config {
	return Config{APIKey: testKey, BaseURL: f.URL + "/v1", Model: "test-model", Timeout: 5 * time.Second, RedactPII: true}
}

func newLogger() (*slog.Logger, *logtest.Buffer) {
	b := &logtest.Buffer{}
	return slog.New(slog.NewTextHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug})), b
}

// block returns the JSON between <tag> and </tag> in a user message, failing unless the tags
// appear exactly once each.
func block(t *testing.T, user, tag string) string {
	t.Helper()
	open, end := "<"+tag+">", "</"+tag+">"
	if strings.Count(user, open) != 1 || strings.Count(user, end) != 1 {
		t.Fatalf("want one %s…%s block, got:\n%s", open, end, user)
	}
	i, j := strings.Index(user, open), strings.Index(user, end)
	if j < i {
		t.Fatalf("tags out of order:\n%s", user)
	}
	return user[i+len(open) : j]
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprint(err))
	}
	return string(b)
}
