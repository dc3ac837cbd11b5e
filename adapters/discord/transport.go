package discord

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
)

// httpTimeout is a last guard for a REST call whose context has no deadline (discordgo's own
// default).
const httpTimeout = 20 * time.Second

// idleConns is the connections to the REST API kept open between calls: about as many as the
// inbox runs handlers at once.
const idleConns = 64

// newSession builds the discordgo session of cfg without any I/O. Nothing global is changed:
// discordgo's endpoint strings stay as they are and point at discord.com, and the session's
// own HTTP client sends them to DISCORD_API_URL when it is set.
func newSession(cfg Config) (*discordgo.Session, *http.Transport, error) {
	base, err := cfg.apiBase()
	if err != nil {
		return nil, nil, err
	}
	dg, err := discordgo.New("Bot " + cfg.token())
	if err != nil {
		return nil, nil, err
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	// Every REST call goes to one host. Go keeps 2 idle connections per host by default, so
	// with many owners answered at once most calls would open (and handshake) a new one.
	tr.MaxIdleConnsPerHost = idleConns
	var rt http.RoundTripper = tr
	if base != nil {
		rt = &rewrite{base: tr, target: base}
	}
	// Every REST call goes through discordgo's request path, so its rate limiter sees the
	// buckets and the 429s (it waits Retry-After and retries).
	dg.Client = &http.Client{Transport: rt, Timeout: httpTimeout}
	// The gateway URL comes from GET /gateway as usual, so behind a REST proxy the proxy
	// decides it too; discordgo dials it with websocket.DefaultDialer (HTTPS_PROXY honoured,
	// 45 s handshake timeout), which is only read, never changed.
	// DMs run the intake. Message content is delivered in DMs with the bot without the
	// privileged MESSAGE_CONTENT intent (Discord sends content in DMs and in messages that
	// mention the bot), and interactions arrive without any intent: GUILDS, GUILD_MESSAGES
	// and every privileged intent stay off.
	dg.Identify.Intents = discordgo.IntentsDirectMessages
	if cfg.ThreadReplies {
		// Opted in: server messages (to see a claimer's reply in a card's thread), with their
		// content, which is privileged.
		dg.Identify.Intents |= discordgo.IntentsGuildMessages | discordgo.IntentMessageContent
	}
	dg.ShardID, dg.ShardCount = cfg.ShardID, cfg.shards()
	// The adapter reads everything it needs from the events and REST, not from a state cache.
	dg.StateEnabled = false
	// Handlers run on the gateway's read loop and only hand the work to the adapter's jobs, so
	// every goroutine is the adapter's own and is waited for on stop.
	dg.SyncEvents = true
	// The adapter reconnects itself (see Adapter.supervise): discordgo's own loop cannot be
	// stopped and would reconnect after Stop.
	dg.ShouldReconnectOnError = false
	return dg, tr, nil
}

// rewrite sends requests for Discord's REST hosts to another base URL, keeping the path (after
// the base's own path prefix) and the query.
type rewrite struct {
	base   http.RoundTripper
	target *url.URL
}

func (t *rewrite) RoundTrip(req *http.Request) (*http.Response, error) {
	if !discordHost(req.URL.Hostname()) {
		return t.base.RoundTrip(req)
	}
	r := req.Clone(req.Context())
	r.URL.Scheme = t.target.Scheme
	r.URL.Host = t.target.Host
	r.URL.Path = t.target.Path + req.URL.Path
	if req.URL.RawPath != "" {
		r.URL.RawPath = t.target.EscapedPath() + req.URL.RawPath
	}
	r.Host = ""
	return t.base.RoundTrip(r)
}

func discordHost(h string) bool {
	h = strings.ToLower(strings.TrimSuffix(h, "."))
	return h == "discord.com" || h == "discordapp.com"
}
