package openai

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"escalation-bot/conversation"

	goopenai "github.com/sashabaranov/go-openai"
	"github.com/sashabaranov/go-openai/jsonschema"
)

// Reason says why a model call gave no usable answer. Logs and Stats use the same words.
type Reason string

const (
	ReasonTimeout     Reason = "timeout"      // the time budget ran out
	ReasonRateLimited Reason = "rate_limited" // 429 until no time was left to wait
	ReasonServerError Reason = "server_error" // 5xx until no time was left to retry
	ReasonMalformed   Reason = "malformed"    // not JSON, cut off, or no answer at all
	ReasonInvalid     Reason = "invalid"      // JSON that breaks the schema, or a refusal
	ReasonFailed      Reason = "failed"       // anything else: 401, 404, a network error, the caller cancelled
)

// Error is a model call that gave no usable answer. Its text never carries the API key.
type Error struct {
	Task   string // "summary" or "extraction"
	Reason Reason
	Status int // HTTP status of the last attempt; 0 without one
	msg    string
	ctxErr error // context.DeadlineExceeded or context.Canceled, for errors.Is
}

func (e *Error) Error() string { return fmt.Sprintf("openai %s: %s: %s", e.Task, e.Reason, e.msg) }

// Unwrap exposes only a context error: the SDK's own errors may quote the server, and a
// misbehaving server may echo the API key.
func (e *Error) Unwrap() error { return e.ctxErr }

// Retries pause 200 ms, 400 ms, 800 ms, ... within the time budget, at most maxRetries times.
const (
	firstBackoff = 200 * time.Millisecond
	maxRetries   = 4
	maxErrorText = 300 // runes of a server's error kept in our error
)

// llm is one kind of call (a summary, an extraction) to the model, with its counters and its
// memory of whether the server takes json_schema.
type llm struct {
	task     string // summary, extraction
	fallback string // what the caller uses instead: template, rules
	client   *goopenai.Client
	model    string
	timeout  time.Duration
	apiKey   string // only to scrub it out of error text
	log      *slog.Logger
	backoff  time.Duration

	// jsonMode is set once the server refuses json_schema; later calls use plain JSON mode.
	jsonMode atomic.Bool
	counts   counters
}

func newLLM(task, fallback string, cfg Config, log *slog.Logger) (*llm, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	if log == nil {
		log = slog.Default()
	}
	cc := goopenai.DefaultConfig(cfg.APIKey)
	if cfg.BaseURL != "" {
		cc.BaseURL = cfg.BaseURL
	}
	// No client timeout: every call carries a context bounded by cfg.Timeout.
	cc.HTTPClient = &http.Client{}
	return &llm{
		task:     task,
		fallback: fallback,
		client:   goopenai.NewClientWithConfig(cc),
		model:    cfg.Model,
		timeout:  cfg.Timeout,
		apiKey:   cfg.APIKey,
		log:      log,
		backoff:  firstBackoff,
	}, nil
}

// prompt is one request: a fixed system message, a user message carrying the owner's text as
// quoted data, and the schema of the answer.
type prompt struct {
	name   string // schema name
	schema *jsonschema.Definition
	system string
	user   string
}

// ask sends p and hands the model's JSON object to decode, which validates it. Within the time
// budget it retries 429 and 5xx, and switches to JSON mode when the server refuses json_schema.
// Every failure is counted, logged at warn with its reason, and returned as an *Error.
func (l *llm) ask(parent context.Context, p prompt, decode func(answer []byte) error) error {
	ctx, cancel := context.WithTimeout(parent, l.timeout)
	defer cancel()
	req := goopenai.ChatCompletionRequest{
		Model: l.model,
		Messages: []goopenai.ChatCompletionMessage{
			{Role: goopenai.ChatMessageRoleSystem, Content: p.system},
			{Role: goopenai.ChatMessageRoleUser, Content: p.user},
		},
	}
	pause := l.backoff
	retries := 0
	for {
		schemaMode := !l.jsonMode.Load()
		req.ResponseFormat = responseFormat(schemaMode, p)
		resp, err := l.client.CreateChatCompletion(ctx, req)
		if err == nil {
			answer, reason, err := answerOf(resp)
			if err == nil {
				if err = decode(answer); err != nil {
					reason = ReasonInvalid
				}
			}
			if err != nil {
				return l.fail(parent, reason, http.StatusOK, err, "retries", retries)
			}
			l.counts.ok.Add(1)
			return nil
		}
		status := statusOf(err)
		var reason Reason
		switch {
		case errors.Is(ctx.Err(), context.Canceled):
			return l.fail(parent, ReasonFailed, status, err, "retries", retries)
		case ctx.Err() != nil:
			return l.fail(parent, ReasonTimeout, status, err, "retries", retries)
		case schemaMode && schemaRefused(err, status):
			if l.jsonMode.CompareAndSwap(false, true) {
				l.log.InfoContext(parent, "the model server refused json_schema; using JSON mode from now on",
					"task", l.task, "status", status)
			}
			continue
		case status == http.StatusTooManyRequests:
			reason = ReasonRateLimited
		case status >= 500:
			reason = ReasonServerError
		case isDecodeError(err):
			return l.fail(parent, ReasonMalformed, status, err, "retries", retries)
		default:
			return l.fail(parent, ReasonFailed, status, err, "retries", retries)
		}
		wait := pause
		// go-openai sets the response headers before it looks at the status, so a failed
		// call still shows the server's Retry-After.
		if d := retryAfter(resp.Header(), time.Now()); d > 0 {
			wait = d
		}
		// Waiting past the deadline only delays the fallback: give up now instead.
		deadline, _ := ctx.Deadline()
		if retries == maxRetries || time.Until(deadline) <= wait {
			return l.fail(parent, reason, status, err, "retries", retries)
		}
		retries++
		l.counts.retries.Add(1)
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			// Only the caller's own cancellation or deadline ends a wait that fitted the budget.
			timer.Stop()
			reason = ReasonTimeout
			if errors.Is(ctx.Err(), context.Canceled) {
				reason = ReasonFailed
			}
			return l.fail(parent, reason, status, ctx.Err(), "retries", retries)
		case <-timer.C:
		}
		pause *= 2
	}
}

// fail counts and logs a call that gave no usable answer and returns it as an *Error.
func (l *llm) fail(ctx context.Context, reason Reason, status int, cause error, attrs ...any) error {
	l.counts.add(reason)
	e := &Error{Task: l.task, Reason: reason, Status: status, msg: l.scrub(cause.Error())}
	switch {
	case errors.Is(cause, context.Canceled):
		e.ctxErr = context.Canceled
	case errors.Is(cause, context.DeadlineExceeded), reason == ReasonTimeout:
		e.ctxErr = context.DeadlineExceeded
	}
	attrs = append([]any{"task", l.task, "reason", reason, "status", status, "fallback", l.fallback, "err", e.msg}, attrs...)
	l.log.WarnContext(ctx, "model call failed; falling back", attrs...)
	return e
}

// scrub removes the API key from text that may quote the server, and keeps it short: an error
// page can be long.
func (l *llm) scrub(s string) string {
	if l.apiKey != "" {
		s = strings.ReplaceAll(s, l.apiKey, "[api key]")
	}
	return conversation.Clip(s, maxErrorText)
}

// responseFormat asks for strict structured output, or for any JSON object once the server
// has refused that; the schema is in the system message either way.
func responseFormat(schemaMode bool, p prompt) *goopenai.ChatCompletionResponseFormat {
	if !schemaMode {
		return &goopenai.ChatCompletionResponseFormat{Type: goopenai.ChatCompletionResponseFormatTypeJSONObject}
	}
	return &goopenai.ChatCompletionResponseFormat{
		Type: goopenai.ChatCompletionResponseFormatTypeJSONSchema,
		JSONSchema: &goopenai.ChatCompletionResponseFormatJSONSchema{
			Name:   p.name,
			Schema: p.schema,
			Strict: true,
		},
	}
}

// answerOf returns the JSON object the model wrote, or why there is none.
func answerOf(resp goopenai.ChatCompletionResponse) ([]byte, Reason, error) {
	if len(resp.Choices) == 0 {
		return nil, ReasonMalformed, errors.New("the answer has no choices")
	}
	c := resp.Choices[0]
	switch {
	case c.Message.Refusal != "":
		return nil, ReasonInvalid, errors.New("the model refused to answer")
	case c.FinishReason == goopenai.FinishReasonContentFilter:
		return nil, ReasonInvalid, errors.New("the answer was withheld by a content filter")
	case c.FinishReason == goopenai.FinishReasonLength:
		return nil, ReasonMalformed, errors.New("the answer was cut off at the token limit")
	}
	answer := []byte(stripFence(c.Message.Content))
	if !json.Valid(answer) {
		return nil, ReasonMalformed, fmt.Errorf("the answer is not JSON (%d bytes)", len(answer))
	}
	if answer[0] != '{' {
		return nil, ReasonMalformed, errors.New("the answer is not a JSON object")
	}
	return answer, "", nil
}

// stripFence removes a Markdown code fence around the whole answer, which some local models
// add in JSON mode. Fences inside the answer are left alone.
func stripFence(s string) string {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "```") || !strings.HasSuffix(s, "```") || len(s) < 6 {
		return s
	}
	s = strings.TrimSuffix(strings.TrimPrefix(s, "```"), "```")
	s = strings.TrimPrefix(s, "json")
	return strings.TrimSpace(s)
}

// statusOf is the HTTP status of a failed call, or 0.
func statusOf(err error) int {
	var apiErr *goopenai.APIError
	var reqErr *goopenai.RequestError
	switch {
	case errors.As(err, &apiErr):
		return apiErr.HTTPStatusCode
	case errors.As(err, &reqErr):
		return reqErr.HTTPStatusCode
	}
	return 0
}

// schemaRefused reports a server that does not take response_format json_schema: a 400 or a
// 422 (vLLM, older servers) whose body names response_format or json_schema. A 422 about
// anything else is an ordinary failure, not a reason to drop the schema.
func schemaRefused(err error, status int) bool {
	if status != http.StatusBadRequest && status != http.StatusUnprocessableEntity {
		return false
	}
	text := strings.ToLower(err.Error())
	var apiErr *goopenai.APIError
	if errors.As(err, &apiErr) && apiErr.Param != nil {
		text += " " + strings.ToLower(*apiErr.Param)
	}
	return strings.Contains(text, "response_format") || strings.Contains(text, "json_schema")
}

// isDecodeError reports a 200 whose body is not a chat completion.
func isDecodeError(err error) bool {
	var syntaxErr *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	return errors.As(err, &syntaxErr) || errors.As(err, &typeErr) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

// retryAfter reads Retry-After (seconds or an HTTP date) and OpenAI's retry-after-ms.
func retryAfter(h http.Header, now time.Time) time.Duration {
	if ms, err := strconv.ParseFloat(strings.TrimSpace(h.Get("Retry-After-Ms")), 64); err == nil && ms > 0 {
		return time.Duration(ms * float64(time.Millisecond))
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil {
		return time.Duration(max(s, 0)) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// dataBlock encodes v as JSON between <tag> and </tag>. encoding/json escapes <, > and & in
// strings, so nothing an owner writes can close the tag, and quotes and newlines are escaped,
// so owner text cannot leave its string either.
func dataBlock(tag string, v any) (string, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(true)
	if err := enc.Encode(v); err != nil {
		return "", fmt.Errorf("encode %s: %w", tag, err)
	}
	return "<" + tag + ">\n" + strings.TrimSpace(buf.String()) + "\n</" + tag + ">", nil
}

// schemaText is the schema as the system message shows it.
func schemaText(d *jsonschema.Definition) string {
	b, err := json.Marshal(d)
	if err != nil {
		// A Definition built in this package always encodes.
		panic(fmt.Sprintf("encode schema: %v", err))
	}
	return string(b)
}

// counters are a call's outcomes since start.
type counters struct {
	ok, retries, dropped                                          atomic.Int64
	timeout, rateLimited, serverError, malformed, invalid, failed atomic.Int64
}

func (c *counters) add(r Reason) {
	switch r {
	case ReasonTimeout:
		c.timeout.Add(1)
	case ReasonRateLimited:
		c.rateLimited.Add(1)
	case ReasonServerError:
		c.serverError.Add(1)
	case ReasonMalformed:
		c.malformed.Add(1)
	case ReasonInvalid:
		c.invalid.Add(1)
	default:
		c.failed.Add(1)
	}
}

// Stats counts what the model did for one Summarizer or Extractor since it was built.
type Stats struct {
	OK      int64 // answers used
	Retries int64 // attempts repeated after a 429 or a 5xx
	Dropped int64 // key facts or fields left out: unverifiable quote, low confidence, invalid value
	// Fallbacks by reason.
	Timeout, RateLimited, ServerError, Malformed, Invalid, Failed int64
	JSONMode                                                      bool // the server refused json_schema
}

// Fallbacks is the number of calls that gave no usable answer.
func (s Stats) Fallbacks() int64 {
	return s.Timeout + s.RateLimited + s.ServerError + s.Malformed + s.Invalid + s.Failed
}

// LogValue lets a logger print the counters as a group.
func (s Stats) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Int64("ok", s.OK), slog.Int64("fallbacks", s.Fallbacks()), slog.Int64("retries", s.Retries),
		slog.Int64("dropped", s.Dropped), slog.Int64("timeout", s.Timeout), slog.Int64("rate_limited", s.RateLimited),
		slog.Int64("server_error", s.ServerError), slog.Int64("malformed", s.Malformed),
		slog.Int64("invalid", s.Invalid), slog.Int64("failed", s.Failed), slog.Bool("json_mode", s.JSONMode),
	)
}

func (l *llm) stats() Stats {
	c := &l.counts
	return Stats{
		OK: c.ok.Load(), Retries: c.retries.Load(), Dropped: c.dropped.Load(),
		Timeout: c.timeout.Load(), RateLimited: c.rateLimited.Load(), ServerError: c.serverError.Load(),
		Malformed: c.malformed.Load(), Invalid: c.invalid.Load(), Failed: c.failed.Load(),
		JSONMode: l.jsonMode.Load(),
	}
}
