// Package openai writes case summaries and reads intake fields with a language model behind any
// OpenAI-compatible chat completions API (OpenAI, Azure OpenAI's v1 API, vLLM, Ollama), through
// github.com/sashabaranov/go-openai. It implements bot.Summarizer and conversation.Extractor.
//
// The model is an optional helper, never a dependency of a case: every failure (timeout, 429,
// 5xx, malformed or invalid answer) is an error for the Summarizer, so the core falls back to its
// template, and no error at all for the Extractor, which then returns what the rules found.
package openai

import (
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"escalation-bot/redact"
)

// Defaults of Config.
const (
	DefaultModel   = "gpt-4o-mini"
	DefaultTimeout = 15 * time.Second
)

// Config connects to the model. Zero Model and Timeout take the defaults.
type Config struct {
	// APIKey is OPENAI_API_KEY, sent as a bearer token. It is never logged nor put in an error.
	// A local server (Ollama, vLLM) may take any value.
	APIKey string
	// BaseURL is OPENAI_BASE_URL, the API root that /chat/completions is appended to; empty
	// means https://api.openai.com/v1.
	BaseURL string
	// Model is OPENAI_MODEL; for Azure OpenAI it is the deployment name.
	Model string
	// Timeout is OPENAI_TIMEOUT: the whole budget of one summary or extraction, retries included.
	Timeout time.Duration
	// RedactPII is REDACT_PII: replace e-mail addresses and phone numbers in owner text before it
	// leaves for the model. The zero value does not redact, so the command must default it to
	// true, as its settings table does for REDACT_PII.
	RedactPII bool
}

func (c Config) withDefaults() Config {
	if c.Model == "" {
		c.Model = DefaultModel
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	return c
}

// Validate reports a configuration that cannot work, naming the setting.
func (c Config) Validate() error {
	if c.Timeout < 0 {
		return fmt.Errorf("OPENAI_TIMEOUT %s must be positive", c.Timeout)
	}
	if c.BaseURL == "" {
		return nil
	}
	u, err := url.Parse(c.BaseURL)
	if err != nil {
		// The parser's message repeats the URL, which may carry a password: leave it out.
		return fmt.Errorf("OPENAI_BASE_URL is not a URL; use one such as https://api.openai.com/v1")
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("OPENAI_BASE_URL %s must be an http:// or https:// URL such as https://api.openai.com/v1", redact.URL(c.BaseURL))
	}
	if u.Scheme == "http" && !loopback(u.Hostname()) {
		// The API key and the owners' text would cross the network in clear.
		return fmt.Errorf("OPENAI_BASE_URL %s must use https:// for a remote host; http:// is only for a server on this machine (localhost, 127.0.0.0/8, ::1)", redact.URL(c.BaseURL))
	}
	return nil
}

// loopback reports localhost, an address in 127.0.0.0/8 or ::1.
func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// endpoint is the base URL for logs: scheme, host and path, never credentials or a query.
func (c Config) endpoint() string {
	if c.BaseURL == "" {
		return "https://api.openai.com/v1"
	}
	u, err := url.Parse(c.BaseURL)
	if err != nil {
		return "(invalid)"
	}
	return u.Scheme + "://" + u.Host + u.Path
}
