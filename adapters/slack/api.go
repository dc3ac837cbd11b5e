package slack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"escalation-bot/ttlcache"

	slackgo "github.com/slack-go/slack"
)

const (
	// maxAttempts bounds how often one Web API call is tried when Slack answers 429.
	maxAttempts = 4
	// defaultRetryAfter is the wait after a 429 that did not say how long to wait.
	defaultRetryAfter = time.Second
	// httpTimeout is a last guard for a call whose context has no deadline.
	httpTimeout = 30 * time.Second

	nameTTL    = 10 * time.Minute
	dmTTL      = 24 * time.Hour
	membersTTL = time.Minute // a user removed from a group loses the permission within a minute
	cacheSize  = 10000
)

// api is the Web API as the adapter uses it: every call honours 429 Retry-After, and the
// lookups repeated on every event (names, DM channels, user group members) are cached.
type api struct {
	client *slackgo.Client
	http   *http.Client
	log    *slog.Logger

	names   *ttlcache.Cache[string]
	dms     *ttlcache.Cache[string]
	members *ttlcache.Cache[map[string]bool]
}

func newAPI(cfg Config, logger *slog.Logger) *api {
	hc := &http.Client{Timeout: httpTimeout}
	opts := []slackgo.Option{slackgo.OptionHTTPClient(hc), slackgo.OptionAPIURL(cfg.apiURL())}
	if cfg.AppToken != "" {
		opts = append(opts, slackgo.OptionAppLevelToken(cfg.AppToken))
	}
	return &api{
		client:  slackgo.New(cfg.BotToken, opts...),
		http:    hc,
		log:     logger,
		names:   ttlcache.New[string](nameTTL, cacheSize),
		dms:     ttlcache.New[string](dmTTL, cacheSize),
		members: ttlcache.New[map[string]bool](membersTTL, 1000),
	}
}

// call runs one Web API call and runs it again after the wait Slack asks for when it answers
// 429, a few times, for as long as ctx allows.
func (a *api) call(ctx context.Context, method string, fn func(context.Context) error) error {
	for attempt := 1; ; attempt++ {
		err := fn(ctx)
		wait, limited := retryAfter(err)
		if !limited || attempt >= maxAttempts {
			if err != nil {
				return fmt.Errorf("slack %s: %w", method, err)
			}
			return nil
		}
		a.log.WarnContext(ctx, "slack rate limit, waiting", "method", method, "retry_after", wait, "attempt", attempt)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("slack %s: rate limited and gave up waiting: %w", method, ctx.Err())
		case <-t.C:
		}
	}
}

// retryAfter reports whether err is a 429 and how long Slack asked to wait.
func retryAfter(err error) (time.Duration, bool) {
	var rl *slackgo.RateLimitedError
	if errors.As(err, &rl) {
		return max(rl.RetryAfter, defaultRetryAfter), true
	}
	var sc slackgo.StatusCodeError
	if errors.As(err, &sc) && sc.Code == http.StatusTooManyRequests {
		return defaultRetryAfter, true
	}
	return 0, false
}

func (a *api) post(ctx context.Context, channel string, m message, opts ...slackgo.MsgOption) (string, error) {
	var ts string
	err := a.call(ctx, "chat.postMessage", func(ctx context.Context) error {
		var err error
		_, ts, err = a.client.PostMessageContext(ctx, channel, append(m.options(), opts...)...)
		return err
	})
	return ts, err
}

func (a *api) update(ctx context.Context, channel, ts string, m message) error {
	return a.call(ctx, "chat.update", func(ctx context.Context) error {
		_, _, _, err := a.client.UpdateMessageContext(ctx, channel, ts, m.options()...)
		return err
	})
}

// ephemeral shows text to one user in a channel.
func (a *api) ephemeral(ctx context.Context, channel, user, text string) error {
	return a.call(ctx, "chat.postEphemeral", func(ctx context.Context) error {
		_, err := a.client.PostEphemeralContext(ctx, channel, user, slackgo.MsgOptionText(fit(text, maxPlainText), false))
		return err
	})
}

// respond answers a slash command through its response_url, visible to the caller only.
func (a *api) respond(ctx context.Context, responseURL, text string) error {
	msg := &slackgo.WebhookMessage{ResponseType: slackgo.ResponseTypeEphemeral, Text: fit(text, maxCommandText)}
	return a.call(ctx, "response_url", func(ctx context.Context) error {
		return slackgo.PostWebhookCustomHTTPContext(ctx, responseURL, a.http, msg)
	})
}

// openDM returns the DM channel between the bot and the user.
func (a *api) openDM(ctx context.Context, user string) (string, error) {
	if ch, ok := a.dms.Get(user); ok {
		return ch, nil
	}
	var ch *slackgo.Channel
	err := a.call(ctx, "conversations.open", func(ctx context.Context) error {
		var err error
		ch, _, _, err = a.client.OpenConversationContext(ctx, &slackgo.OpenConversationParameters{Users: []string{user}})
		return err
	})
	if err != nil {
		return "", err
	}
	a.dms.Put(user, ch.ID)
	return ch.ID, nil
}

// rememberDM records the DM channel an owner wrote from, which saves conversations.open later.
func (a *api) rememberDM(user, channel string) {
	if user != "" && channel != "" {
		a.dms.Put(user, channel)
	}
}

// userName returns how the user is shown: their display name, else real name, else user name,
// else fallback (the name a payload carried), else the id.
func (a *api) userName(ctx context.Context, user, fallback string) string {
	if name, ok := a.names.Get(user); ok {
		return name
	}
	var u *slackgo.User
	err := a.call(ctx, "users.info", func(ctx context.Context) error {
		var err error
		u, err = a.client.GetUserInfoContext(ctx, user)
		return err
	})
	if err != nil {
		a.log.DebugContext(ctx, "user name lookup failed", "user", user, "err", err)
		if fallback != "" {
			return fallback
		}
		return user
	}
	name := firstNonEmpty(u.Profile.DisplayName, u.RealName, u.Profile.RealName, u.Name, fallback, user)
	a.names.Put(user, name)
	return name
}

// inGroup reports whether the user belongs to the user group. A failed lookup reports false:
// a permission that cannot be checked is not granted.
func (a *api) inGroup(ctx context.Context, group, user string) bool {
	members, ok := a.members.Get(group)
	if !ok {
		var ids []string
		err := a.call(ctx, "usergroups.users.list", func(ctx context.Context) error {
			var err error
			ids, err = a.client.GetUserGroupMembersContext(ctx, group)
			return err
		})
		if err != nil {
			a.log.WarnContext(ctx, "user group lookup failed; no permission from it", "group", group, "err", err)
			return false
		}
		members = make(map[string]bool, len(ids))
		for _, id := range ids {
			members[id] = true
		}
		a.members.Put(group, members)
	}
	return members[user]
}

func (a *api) openView(ctx context.Context, triggerID string, view slackgo.ModalViewRequest) error {
	return a.call(ctx, "views.open", func(ctx context.Context) error {
		_, err := a.client.OpenViewContext(ctx, triggerID, view)
		return err
	})
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
