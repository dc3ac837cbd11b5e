package slack

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"escalation-bot/bot"
	"escalation-bot/ttlcache"

	slackgo "github.com/slack-go/slack"

	"escalation-bot/redact"
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
	// idleConns is the connections to the Web API kept open between calls: about as many as
	// the inbox runs handlers at once.
	idleConns = 64
)

// APIObserver is told the outcome of every Web API attempt, for monitoring: limited when Slack
// answered 429, else err when the attempt failed (an error answer, a network error). method is
// the Web API method ("chat.postMessage"), one of a fixed set. It must be quick and safe for
// concurrent use. The Module uses one when the app provides it.
type APIObserver interface {
	APICall(method string, limited bool, err error)
}

// noObserver measures nothing.
type noObserver struct{}

func (noObserver) APICall(string, bool, error) {}

// api is the Web API as the adapter uses it: every call honours 429 Retry-After, and the
// lookups repeated on every event (names, DM channels, user group members) are cached.
type api struct {
	client   *slackgo.Client
	http     *http.Client
	token    string   // the bot token, for downloading users' files
	apiURL   *url.URL // the Web API's base, whose host also serves files (a proxy, a test)
	log      *slog.Logger
	observer APIObserver

	names   *ttlcache.Cache[string]
	locales *ttlcache.Cache[string] // the user's locale ("de-DE"), "" when Slack gave none
	dms     *ttlcache.Cache[string]
	members *ttlcache.Cache[map[string]bool]
}

func newAPI(cfg Config, logger *slog.Logger) *api {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	// Every call goes to one host. Go keeps 2 idle connections per host by default, so with
	// many owners answered at once most calls would open (and handshake) a new connection.
	tr.MaxIdleConnsPerHost = idleConns
	hc := &http.Client{Timeout: httpTimeout, Transport: tr}
	opts := []slackgo.Option{slackgo.OptionHTTPClient(hc), slackgo.OptionAPIURL(cfg.apiURL())}
	if cfg.AppToken != "" {
		opts = append(opts, slackgo.OptionAppLevelToken(cfg.AppToken))
	}
	base, _ := url.Parse(cfg.apiURL())
	return &api{
		client:   slackgo.New(cfg.BotToken, opts...),
		http:     hc,
		token:    cfg.BotToken,
		apiURL:   base,
		log:      logger,
		observer: noObserver{},
		names:    ttlcache.New[string](nameTTL, cacheSize),
		locales:  ttlcache.New[string](nameTTL, cacheSize),
		dms:      ttlcache.New[string](dmTTL, cacheSize),
		members:  ttlcache.New[map[string]bool](membersTTL, 1000),
	}
}

// call runs one Web API call and runs it again after the wait Slack asks for when it answers
// 429, a few times, for as long as ctx allows.
func (a *api) call(ctx context.Context, method string, fn func(context.Context) error) error {
	return a.attempts(ctx, method, maxAttempts, fn)
}

// once runs one Web API call once: for what cannot wait (a lookup before views.open) or cannot
// succeed a second time (views.open with the same trigger_id).
func (a *api) once(ctx context.Context, method string, fn func(context.Context) error) error {
	return a.attempts(ctx, method, 1, fn)
}

func (a *api) attempts(ctx context.Context, method string, n int, fn func(context.Context) error) error {
	for attempt := 1; ; attempt++ {
		err := fn(ctx)
		wait, limited := retryAfter(err)
		a.observer.APICall(method, limited, err)
		if !limited || attempt >= n {
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

// history is the channel's newest top-level messages, with their metadata, newest first.
func (a *api) history(ctx context.Context, channel string, limit int) ([]slackgo.Message, error) {
	var msgs []slackgo.Message
	err := a.call(ctx, "conversations.history", func(ctx context.Context) error {
		res, err := a.client.GetConversationHistoryContext(ctx, &slackgo.GetConversationHistoryParameters{
			ChannelID: channel, Limit: limit, IncludeAllMetadata: true,
		})
		if err != nil {
			return err
		}
		msgs = res.Messages
		return nil
	})
	return msgs, err
}

// replies is a thread's messages with their metadata, oldest first: the parent and up to
// limit replies, page by page.
func (a *api) replies(ctx context.Context, channel, ts string, limit int) ([]slackgo.Message, error) {
	var msgs []slackgo.Message
	cursor := ""
	for len(msgs) < limit {
		err := a.call(ctx, "conversations.replies", func(ctx context.Context) error {
			page, more, next, err := a.client.GetConversationRepliesContext(ctx, &slackgo.GetConversationRepliesParameters{
				ChannelID: channel, Timestamp: ts, Cursor: cursor, Limit: 200, IncludeAllMetadata: true,
			})
			if err != nil {
				return err
			}
			msgs = append(msgs, page...)
			if cursor = next; !more {
				cursor = ""
			}
			return nil
		})
		if err != nil || cursor == "" {
			return msgs, err
		}
	}
	return msgs, nil
}

func (a *api) update(ctx context.Context, channel, ts string, m message) error {
	return a.call(ctx, "chat.update", func(ctx context.Context) error {
		_, _, _, err := a.client.UpdateMessageContext(ctx, channel, ts, m.options()...)
		return err
	})
}

// remove deletes a message the bot posted.
func (a *api) remove(ctx context.Context, channel, ts string) error {
	return a.call(ctx, "chat.delete", func(ctx context.Context) error {
		_, _, err := a.client.DeleteMessageContext(ctx, channel, ts)
		return err
	})
}

// deleteFile deletes a file the bot uploaded (files.delete; the bot token may delete its own).
func (a *api) deleteFile(ctx context.Context, id string) error {
	return a.call(ctx, "files.delete", func(ctx context.Context) error {
		return a.client.DeleteFileContext(ctx, id)
	})
}

// ephemeral shows text to one user in a channel.
func (a *api) ephemeral(ctx context.Context, channel, user, text string) error {
	return a.call(ctx, "chat.postEphemeral", func(ctx context.Context) error {
		_, err := a.client.PostEphemeralContext(ctx, channel, user, slackgo.MsgOptionText(fit(text, maxPlainText), false))
		return err
	})
}

// respond answers a slash command through its response_url, visible to the caller only. The
// response_url is a secret (whoever holds it can post as the app for 30 minutes), so the error
// names only its host and kind.
func (a *api) respond(ctx context.Context, responseURL, text string) error {
	msg := &slackgo.WebhookMessage{ResponseType: slackgo.ResponseTypeEphemeral, Text: fit(text, maxCommandText)}
	err := a.call(ctx, "response_url", func(ctx context.Context) error {
		return slackgo.PostWebhookCustomHTTPContext(ctx, responseURL, a.http, msg)
	})
	if err == nil {
		return nil
	}
	// A new error, not a wrapper: whatever unwraps or formats it finds no URL.
	return errors.New(redact.Links(strings.ReplaceAll(err.Error(), responseURL, redact.SecretURL(responseURL))))
}

// maxFileSize is the largest file Slack takes (1 GB).
const maxFileSize = 1 << 30

// errFileGone is a user's file Slack does not hand over: deleted, not Slack's, not found.
var errFileGone = errors.New("the file cannot be fetched")

// download fetches a user's file from its url_private_download with the bot token, at most
// limit bytes and one. Only Slack's hosts (and the Web API's own) get the token. A file that
// is gone is errFileGone; any other error is worth trying again.
func (a *api) download(ctx context.Context, raw string, limit int64) ([]byte, error) {
	u, err := url.Parse(raw)
	if err != nil || !a.fileHost(u) {
		return nil, errFileGone
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, errFileGone
	}
	// Go's client drops the header on a redirect to another host.
	req.Header.Set("Authorization", "Bearer "+a.token)
	res, err := a.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("slack file download: %s", redact.Links(err.Error()))
	}
	defer res.Body.Close()
	switch {
	case res.StatusCode == http.StatusTooManyRequests || res.StatusCode >= 500:
		return nil, fmt.Errorf("slack file download: %s", res.Status)
	case res.StatusCode != http.StatusOK:
		return nil, errFileGone
	}
	if ct, _, _ := strings.Cut(res.Header.Get("Content-Type"), ";"); ct == "text/html" {
		return nil, errFileGone // the sign-in page: the token was not taken
	}
	data, err := io.ReadAll(io.LimitReader(res.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("slack file download: %s", redact.Links(err.Error()))
	}
	return data, nil
}

// fileHost reports whether u may get the bot token: https on a Slack host, or the Web API's
// own scheme and host.
func (a *api) fileHost(u *url.URL) bool {
	if a.apiURL != nil && u.Scheme == a.apiURL.Scheme && u.Host == a.apiURL.Host {
		return true
	}
	host := u.Hostname()
	return u.Scheme == "https" && (host == "slack.com" || strings.HasSuffix(host, ".slack.com"))
}

// shareFiles uploads files in Slack's three steps and shares them together, with comment, in
// channel: files.getUploadURLExternal and the POST of the bytes to the URL it answers for each
// file, then one files.completeUploadExternal, so the files arrive in one message.
func (a *api) shareFiles(ctx context.Context, channel, comment string, files []bot.File) error {
	return a.shareFilesIn(ctx, channel, "", comment, files)
}

// shareFilesIn is shareFiles into the thread of threadTS ("" for the channel itself).
func (a *api) shareFilesIn(ctx context.Context, channel, threadTS, comment string, files []bot.File) error {
	done := make([]slackgo.FileSummary, 0, len(files))
	for _, f := range files {
		var u *slackgo.GetUploadURLExternalResponse
		err := a.call(ctx, "files.getUploadURLExternal", func(ctx context.Context) error {
			var err error
			u, err = a.client.GetUploadURLExternalContext(ctx, slackgo.GetUploadURLExternalParameters{FileName: f.Name, FileSize: len(f.Data)})
			return err
		})
		if err != nil {
			return err
		}
		// The upload URL is a secret of this one file; an error names only its host.
		err = a.call(ctx, "files.upload", func(ctx context.Context) error {
			return a.client.UploadToURL(ctx, slackgo.UploadToURLParameters{UploadURL: u.UploadURL, Reader: bytes.NewReader(f.Data), Filename: f.Name})
		})
		if err != nil {
			return errors.New(redact.Links(err.Error()))
		}
		done = append(done, slackgo.FileSummary{ID: u.FileID, Title: f.Name})
	}
	return a.call(ctx, "files.completeUploadExternal", func(ctx context.Context) error {
		_, err := a.client.CompleteUploadExternalContext(ctx, slackgo.CompleteUploadExternalParameters{
			Files: done, Channel: channel, ThreadTimestamp: threadTS, InitialComment: fit(comment, maxPlainText),
		})
		return err
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
	// slack-go asks users.info with include_locale=true, so the locale comes with the name.
	a.locales.Put(user, u.Locale)
	return name
}

// userLocale is the user's Slack locale ("de-DE"), from the users.info lookup userName makes
// (cached with the name), or "" when Slack could not be asked or gave none: the intake then
// goes by what the owner writes.
func (a *api) userLocale(ctx context.Context, user string) string {
	if locale, ok := a.locales.Get(user); ok {
		return locale
	}
	var u *slackgo.User
	err := a.call(ctx, "users.info", func(ctx context.Context) error {
		var err error
		u, err = a.client.GetUserInfoContext(ctx, user)
		return err
	})
	if err != nil {
		a.log.DebugContext(ctx, "user locale lookup failed", "user", user, "err", err)
		return ""
	}
	a.locales.Put(user, u.Locale)
	return u.Locale
}

// person looks the user up and says whether they exist: errNoUser when Slack does not know
// them or they were deactivated; any other error when Slack could not be asked.
func (a *api) person(ctx context.Context, user string) (string, error) {
	var u *slackgo.User
	err := a.call(ctx, "users.info", func(ctx context.Context) error {
		var err error
		u, err = a.client.GetUserInfoContext(ctx, user)
		return err
	})
	var se slackgo.SlackErrorResponse
	switch {
	case errors.As(err, &se) && (se.Err == "user_not_found" || se.Err == "user_not_visible"):
		return "", errNoUser
	case err != nil:
		return "", err
	case u.Deleted:
		return "", errNoUser
	}
	name := firstNonEmpty(u.Profile.DisplayName, u.RealName, u.Profile.RealName, u.Name, user)
	a.names.Put(user, name)
	a.locales.Put(user, u.Locale)
	return name, nil
}

// email returns the user's e-mail address; "" when Slack does not tell it (no users:read.email).
func (a *api) email(ctx context.Context, user string) (string, error) {
	var u *slackgo.User
	err := a.call(ctx, "users.info", func(ctx context.Context) error {
		var err error
		u, err = a.client.GetUserInfoContext(ctx, user)
		return err
	})
	if err != nil {
		return "", err
	}
	return u.Profile.Email, nil
}

// errNoUser is a user Slack does not know, or one who was deactivated.
var errNoUser = errors.New("no such Slack user")

// inGroup reports whether the user belongs to the user group. A failed lookup reports false:
// a permission that cannot be checked is not granted.
func (a *api) inGroup(ctx context.Context, group, user string) bool {
	member, _ := a.membership(ctx, group, user, true)
	return member
}

// membership reports whether the user belongs to the user group, and whether that is known: a
// failed lookup is not. With wait false the lookup is tried once, without waiting out a 429.
func (a *api) membership(ctx context.Context, group, user string, wait bool) (member, known bool) {
	members, ok := a.members.Get(group)
	if !ok {
		var ids []string
		run := a.call
		if !wait {
			run = a.once
		}
		err := run(ctx, "usergroups.users.list", func(ctx context.Context) error {
			var err error
			ids, err = a.client.GetUserGroupMembersContext(ctx, group)
			return err
		})
		if err != nil {
			a.log.WarnContext(ctx, "user group lookup failed; no permission from it", "group", group, "err", err)
			return false, false
		}
		members = make(map[string]bool, len(ids))
		for _, id := range ids {
			members[id] = true
		}
		a.members.Put(group, members)
	}
	return members[user], true
}

// viewTimeout bounds views.open: its trigger_id expires 3 s after the click anyway.
const viewTimeout = 3 * time.Second

// openView opens a modal, once: Slack accepts a trigger_id for one views.open within 3 s of the
// click, so after a 429 or a timeout a second try cannot succeed.
func (a *api) openView(ctx context.Context, triggerID string, view slackgo.ModalViewRequest) error {
	ctx, cancel := context.WithTimeout(ctx, viewTimeout)
	defer cancel()
	return a.once(ctx, "views.open", func(ctx context.Context) error {
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
