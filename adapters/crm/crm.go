// Package crm asks the maker's CRM whether an owner owns a vehicle (bot.OwnershipChecker):
// an HTTP POST signed like the outgoing webhooks, whose answer is signed the same way.
package crm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"escalation-bot/adapters/webhook"
	"escalation-bot/bot"
	"escalation-bot/ttlcache"
)

// Config is OWNER_VERIFY_URL and its companions.
type Config struct {
	URL    string
	Secret string
	// Timeout bounds one attempt; Attempts is how many are made (an owner waits for them).
	Timeout  time.Duration
	Attempts int
	// TTL is how long an answer (verified or not) is kept per identity and VIN.
	TTL time.Duration
	// Tolerance is how far the answer's timestamp may be from now.
	Tolerance time.Duration
	Client    *http.Client
	Now       func() time.Time
}

func (c Config) withDefaults() Config {
	if c.Timeout <= 0 {
		c.Timeout = 2 * time.Second
	}
	if c.Attempts <= 0 {
		c.Attempts = 3
	}
	if c.TTL <= 0 {
		c.TTL = time.Hour
	}
	if c.Tolerance <= 0 {
		c.Tolerance = 5 * time.Minute
	}
	if c.Client == nil {
		c.Client = &http.Client{}
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// Validate checks the URL and that a secret signs the requests.
func (c Config) Validate() error {
	u, err := url.Parse(c.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return errors.New("OWNER_VERIFY_URL must be an http(s) URL")
	}
	if len(c.Secret) < 16 {
		return errors.New("OWNER_VERIFY_SECRET must be set, at least 16 characters: the requests and answers are signed with it")
	}
	return nil
}

// Checker asks the CRM.
type Checker struct {
	cfg   Config
	cache *ttlcache.Cache[bot.OwnershipAnswer]
	log   *slog.Logger
}

var _ bot.OwnershipChecker = (*Checker)(nil)

// cacheSize bounds the answers kept.
const cacheSize = 100000

// New returns a checker for cfg.
func New(cfg Config, logger *slog.Logger) (*Checker, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.Default()
	}
	cfg = cfg.withDefaults()
	return &Checker{cfg: cfg, cache: ttlcache.New[bot.OwnershipAnswer](cfg.TTL, cacheSize), log: logger.With("adapter", "crm")}, nil
}

// Request is the body the CRM receives.
type Request struct {
	Identity string `json:"identity"`
	Platform string `json:"platform"`
	VIN      string `json:"vin"`
	Ticket   string `json:"ticket"`
}

// errAnswer is an answer that is no answer: the check is unknown, and trying again will not help.
var errAnswer = errors.New("crm: not an answer")

// maxAnswer bounds the answer read.
const maxAnswer = 64 << 10

// CheckOwnership asks the CRM, within Timeout per attempt, Attempts times at most; an answer
// is kept for TTL. Anything but a signed {"verified": true|false} is an error (unknown).
func (c *Checker) CheckOwnership(ctx context.Context, q bot.OwnershipQuery) (bot.OwnershipAnswer, error) {
	key := string(q.Identity) + "\x00" + q.VIN
	if ans, ok := c.cache.Get(key); ok {
		return ans, nil
	}
	body, err := json.Marshal(Request{Identity: string(q.Identity), Platform: q.Identity.Platform(), VIN: q.VIN, Ticket: q.Ticket})
	if err != nil {
		return bot.OwnershipAnswer{}, fmt.Errorf("crm: %w", err)
	}
	var last error
	for attempt := range c.cfg.Attempts {
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return bot.OwnershipAnswer{}, fmt.Errorf("crm: %w (after %v)", ctx.Err(), last)
			case <-time.After(time.Duration(attempt) * 100 * time.Millisecond):
			}
		}
		ans, err := c.ask(ctx, body)
		if err == nil {
			c.cache.Put(key, ans)
			return ans, nil
		}
		last = err
		if errors.Is(err, errAnswer) {
			break
		}
	}
	return bot.OwnershipAnswer{}, last
}

// ask makes one attempt.
func (c *Checker) ask(ctx context.Context, body []byte) (bot.OwnershipAnswer, error) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.URL, bytes.NewReader(body))
	if err != nil {
		return bot.OwnershipAnswer{}, fmt.Errorf("crm: %w", err)
	}
	ts := strconv.FormatInt(c.cfg.Now().Unix(), 10)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "escalation-bot")
	req.Header.Set(webhook.HeaderTimestamp, ts)
	req.Header.Set(webhook.HeaderSignature, webhook.Sign([]byte(c.cfg.Secret), ts, body))
	res, err := c.cfg.Client.Do(req)
	if err != nil {
		return bot.OwnershipAnswer{}, fmt.Errorf("crm: %w", errors.Unwrap(err)) // the URL may carry credentials
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, maxAnswer+1))
	if err != nil {
		return bot.OwnershipAnswer{}, fmt.Errorf("crm: read answer: %w", err)
	}
	if res.StatusCode != http.StatusOK {
		err := fmt.Errorf("crm: answered %d", res.StatusCode)
		if res.StatusCode/100 == 4 && res.StatusCode != http.StatusTooManyRequests && res.StatusCode != http.StatusRequestTimeout {
			err = fmt.Errorf("%w: %d", errAnswer, res.StatusCode)
		}
		return bot.OwnershipAnswer{}, err
	}
	if len(data) > maxAnswer {
		return bot.OwnershipAnswer{}, fmt.Errorf("%w: longer than %d bytes", errAnswer, maxAnswer)
	}
	// The answer is signed like the request, so nobody between the bot and the CRM can make
	// an owner verified.
	if err := webhook.Verify([]byte(c.cfg.Secret), res.Header.Get(webhook.HeaderTimestamp), res.Header.Get(webhook.HeaderSignature), data, c.cfg.Now(), c.cfg.Tolerance); err != nil {
		c.log.WarnContext(ctx, "crm answer not signed right", "err", err)
		return bot.OwnershipAnswer{}, fmt.Errorf("%w: %v", errAnswer, err)
	}
	ans, err := ParseAnswer(data)
	if err != nil {
		return bot.OwnershipAnswer{}, fmt.Errorf("%w: %v", errAnswer, err)
	}
	return ans, nil
}

// ParseAnswer reads {"verified": true} or {"verified": false, "reason": "…"}. Other fields are
// ignored; a missing or non-boolean "verified" is an error.
func ParseAnswer(data []byte) (bot.OwnershipAnswer, error) {
	var a struct {
		Verified *bool  `json:"verified"`
		Reason   string `json:"reason"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&a); err != nil {
		return bot.OwnershipAnswer{}, fmt.Errorf("answer is not the JSON expected: %w", err)
	}
	if dec.More() {
		return bot.OwnershipAnswer{}, errors.New("answer has data after its JSON object")
	}
	if a.Verified == nil {
		return bot.OwnershipAnswer{}, errors.New(`answer has no boolean "verified"`)
	}
	if *a.Verified {
		return bot.OwnershipAnswer{Result: bot.OwnershipVerified}, nil
	}
	return bot.OwnershipAnswer{Result: bot.OwnershipUnverified, Reason: a.Reason}, nil
}
