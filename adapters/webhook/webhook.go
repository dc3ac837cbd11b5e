// Package webhook sends the case's events to the receivers in WEBHOOK_URLS: a JSON POST signed
// with WEBHOOK_SECRET. It implements bot.Hook; the core's outbox decides when, in order per
// case, and sends again what was not answered 2xx.
package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"escalation-bot/bot"

	"escalation-bot/redact"
)

// Headers of a delivery.
const (
	HeaderTimestamp = "X-Escalation-Timestamp" // Unix seconds
	HeaderSignature = "X-Escalation-Signature" // v1=<hex HMAC-SHA256 of "<timestamp>.<body>">
	HeaderEvent     = "X-Escalation-Event"     // the event type, e.g. case.claimed
	HeaderDelivery  = "X-Escalation-Delivery"  // the event id, the same on every attempt
)

// Config is the receivers and the secret they share.
type Config struct {
	URLs    []string
	Secret  string
	Timeout time.Duration // per request; default 10s
}

// Validate says what is wrong with the configuration, never repeating the secret or a URL's
// credentials.
func (c Config) Validate() error {
	if len(c.URLs) == 0 {
		return nil
	}
	if c.Secret == "" {
		return errors.New("webhook: WEBHOOK_URLS is set: also set WEBHOOK_SECRET, which signs every delivery")
	}
	for _, raw := range c.URLs {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return fmt.Errorf("webhook: %q in WEBHOOK_URLS is not an http(s) URL", redact.URL(raw))
		}
	}
	return nil
}

// Receiver is one webhook URL.
type Receiver struct {
	url    string
	name   string
	secret []byte
	client *http.Client
	log    *slog.Logger
}

var _ bot.Hook = (*Receiver)(nil)

// New returns a receiver per URL.
func New(cfg Config, logger *slog.Logger) ([]*Receiver, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.Default()
	}
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	client := &http.Client{Timeout: timeout}
	out := make([]*Receiver, 0, len(cfg.URLs))
	for _, u := range cfg.URLs {
		sum := sha256.Sum256([]byte(u))
		out = append(out, &Receiver{
			url: u, name: hex.EncodeToString(sum[:6]), secret: []byte(cfg.Secret), client: client,
			log: logger.With("adapter", "webhook", "receiver", redact.URL(u)),
		})
	}
	return out, nil
}

// Name is a short hash of the URL: the receiver keeps its place on every case while its URL
// stays the same.
func (r *Receiver) Name() string { return r.name }

// Send posts the event; anything but a 2xx answer is an error, and the event goes again later.
func (r *Receiver) Send(ctx context.Context, ev bot.HookEvent) error {
	body, err := json.Marshal(ev)
	if err != nil {
		return fmt.Errorf("encode %s: %w", ev.ID, err)
	}
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.url, bytes.NewReader(body))
	if err != nil {
		return r.failure(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "escalation-bot")
	req.Header.Set(HeaderTimestamp, ts)
	req.Header.Set(HeaderSignature, Sign(r.secret, ts, body))
	req.Header.Set(HeaderEvent, ev.Type)
	req.Header.Set(HeaderDelivery, ev.ID)
	res, err := r.client.Do(req)
	if err != nil {
		return r.failure(err)
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	if res.StatusCode/100 != 2 {
		return fmt.Errorf("webhook to %s: %s answered %d", redact.URL(r.url), ev.ID, res.StatusCode)
	}
	r.log.DebugContext(ctx, "webhook delivered", "event", ev.Type, "id", ev.ID)
	return nil
}

// failure is a failed delivery's error, naming the receiver by its redacted URL. net/http's
// errors quote the URL, which may carry credentials (a password, a token option): the quote
// is dropped, and whatever else of the URL's secrets the cause's text holds is scrubbed.
func (r *Receiver) failure(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return scrubbed{err: fmt.Errorf("webhook to %s: %w", redact.URL(r.url), err), url: r.url}
}

// scrubbed is err whose text has the secrets of url replaced (redact.Scrub); errors.Is and
// errors.As still reach the cause.
type scrubbed struct {
	err error
	url string
}

func (e scrubbed) Error() string { return redact.Scrub(e.err.Error(), e.url) }
func (e scrubbed) Unwrap() error { return e.err }

// Sign is the signature header's value of body sent at timestamp ts.
func Sign(secret []byte, ts string, body []byte) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(ts))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return "v1=" + hex.EncodeToString(mac.Sum(nil))
}

// Verify is what a receiver does: the signature must match, and the timestamp be within
// tolerance of now, so a captured delivery cannot be replayed later.
func Verify(secret []byte, ts, signature string, body []byte, now time.Time, tolerance time.Duration) error {
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return errors.New("webhook: the timestamp is not a number")
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return errors.New("webhook: the timestamp is too old or in the future")
	}
	if !hmac.Equal([]byte(Sign(secret, ts, body)), []byte(signature)) {
		return errors.New("webhook: the signature does not match")
	}
	return nil
}
