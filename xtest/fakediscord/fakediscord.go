// Package fakediscord is a local server that speaks Discord's wire protocols (the REST API
// and the Gateway), for tests that drive the real discordgo client against it:
//
//	srv := fakediscord.New(t)
//	dg, _ := discordgo.New("Bot test-token")
//	dg.Client = &http.Client{Transport: srv.Transport()}
//	dg.Open() // GET /api/v9/gateway answers srv.GatewayURL(), so the websocket comes here too
//
// Every REST request is recorded (Calls, WaitCalls). Requests that the real Discord would
// reject (payloads over Discord's limits, a missing allowed_mentions, unknown routes, a
// second interaction callback...) are answered as Discord answers them and recorded as
// violations (Violations, AssertNoViolations). Failures and slowness can be injected per
// route (FailNext, Delay). A message created with enforce_nonce and the nonce of an earlier
// one returns that one instead of a second message (NonceWindow), as on Discord. Files sent
// as multipart attachments are kept with their message (Attachments), within Discord's limits
// (MaxAttachmentSize, MaxAttachments); an edit's attachments list keeps only the files it names.
//
// The CDN side serves, under /attachments/ on this server (Transport sends cdn.discordapp.com
// and media.discordapp.net here too), the files of the messages the bot created and the files
// a test hosts for users (HostAttachment, whose attachment object a dispatched MESSAGE_CREATE
// carries). CDN requests are recorded like REST calls as they arrive (Status 0 when the client
// gave up before the answer), and FailNext and Delay apply to them ("GET /attachments/").
//
// The Gateway side sends HELLO, answers IDENTIFY with READY and RESUME with the missed events
// and RESUMED, acknowledges heartbeats, and lets the test dispatch events (Dispatch), ask the
// client to reconnect (Reconnect), drop the connection (DropConnection) and make a resume
// re-deliver events the client already has (ReplayOnResume); DispatchEvent says which session
// an event went to, and Connected whether a client is connected now. Events that need an intent the
// client did not identify with are not delivered, and guild messages lose their content
// without the MESSAGE_CONTENT intent, as on Discord.
//
// The package also builds the payloads Discord dispatches (MessageCreate, Interaction,
// SlashCommand, ButtonClick, SelectMenu, ModalSubmit, MessageCommand, UserCommand).
//
// Patterns. Calls, WaitCalls, FailNext and Delay take a pattern "METHOD /path-prefix": the
// method is optional ("" matches everything), "*" matches one path segment, a trailing "$"
// anchors the end, and the API version is ignored, so "POST /api/v10/channels/" matches the
// /api/v9/ requests of discordgo v0.29.0 (which uses API v9) and so does "POST /channels/".
package fakediscord

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"escalation-bot/xtest/recorder"
)

// The identity of the bot under test.
const (
	// BotUserID is the id of the bot user (GET /users/@me, READY).
	BotUserID = "100000000000000001"
	// BotUsername is the bot's username.
	BotUsername = "escalation-bot"
	// ApplicationID is the bot's application id; as for every bot created since 2016 it
	// equals the bot user id.
	ApplicationID = BotUserID
)

// Timings and defaults.
const (
	// DefaultHeartbeatInterval is the heartbeat_interval sent in HELLO unless
	// SetHeartbeatInterval says otherwise (Discord sends 41250 ms; 45000 is the documented
	// example).
	DefaultHeartbeatInterval = 45 * time.Second
	// InteractionDeadline is how long after an INTERACTION_CREATE Discord accepts the
	// initial callback.
	InteractionDeadline = 3 * time.Second
	// NonceWindow is how long a message's nonce is remembered for enforce_nonce: a message
	// created with enforce_nonce and the nonce of an earlier message of the same author within
	// the window returns that message and creates none. Discord documents "the past few
	// minutes".
	NonceWindow = 2 * time.Minute
	// DefaultAppPermissions is the app_permissions of built interactions: view channel,
	// send messages, embed links, attach files, read history, add reactions, use
	// application commands, create public threads and send messages in threads.
	DefaultAppPermissions int64 = 1<<10 | 1<<11 | 1<<14 | 1<<15 | 1<<16 | 1<<6 | 1<<31 | 1<<35 | 1<<38
	// DefaultMemberPermissions is the member permissions of built guild interactions when
	// Invoker.Permissions is 0: DefaultAppPermissions.
	DefaultMemberPermissions = DefaultAppPermissions
)

const discordEpoch = 1420070400000 // ms

// Call is one REST request as the server received it.
type Call struct {
	// Method is the HTTP method.
	Method string
	// Path is the request path as sent, e.g. "/api/v9/channels/1/messages".
	Path string
	// Query is the parsed query string.
	Query url.Values
	// Body is the raw request body (JSON, or multipart/form-data when files are attached:
	// use Decode).
	Body []byte
	// Header holds the request headers.
	Header http.Header
	// At is when the request arrived.
	At time.Time
	// Status is the HTTP status the server answered.
	Status int
	// CallbackType is the interaction response type of an interaction callback (4, 5, 6, 7,
	// 8 or 9); 0 for other requests.
	CallbackType int
	// Ephemeral reports that the message payload carried flag 64 (EPHEMERAL): data.flags of
	// an interaction callback, flags of a follow-up or webhook edit.
	Ephemeral bool
}

// Decode unmarshals the JSON payload of the call into v; for a multipart request it decodes
// the payload_json part.
func (c Call) Decode(v any) error {
	payload, _, err := jsonPayload(c.Header.Get("Content-Type"), c.Body)
	if err != nil {
		return err
	}
	if len(payload) == 0 {
		return fmt.Errorf("fakediscord: %s %s has no JSON payload", c.Method, c.Path)
	}
	return json.Unmarshal(payload, v)
}

func (c Call) String() string { return c.Method + " " + c.Path + " → " + strconv.Itoa(c.Status) }

// Identify is one IDENTIFY (op 2) the gateway received.
type Identify struct {
	// Token is the token as sent (discordgo sends "Bot <token>").
	Token string
	// Intents is the intents bitfield.
	Intents int
	// Shard is [shard_id, num_shards]; [0, 1] when the client sent none.
	Shard [2]int
	// Compress is the identify "compress" flag (discordgo's default is true); the fake never
	// compresses, which discordgo copes with.
	Compress bool
	// SessionID is the session_id the fake assigned in READY ("" when the identify was
	// refused).
	SessionID string
	// Version is the gateway version asked for in the URL (?v=).
	Version int
	At      time.Time
}

// Resume is one RESUME (op 6) the gateway received.
type Resume struct {
	SessionID string
	Seq       int64
	// OK reports that the session was resumed; false means it was answered with op 9
	// INVALID_SESSION.
	OK bool
	At time.Time
}

// Event is a dispatch (op 0) the gateway sent, or queued for a disconnected session.
type Event struct {
	SessionID string
	Seq       int64
	Type      string
	Data      json.RawMessage
}

// Discord's limits for files attached to a message.
const (
	MaxAttachmentSize = 25 << 20 // bytes per file
	MaxAttachments    = 10       // files per message
)

// Attachment is a file attached to a message as a multipart part (files[n] with a filename),
// as the server kept it.
type Attachment struct {
	// ID is the attachment's id, as the message's attachments list it ("" until stored).
	ID string
	// MessageID is the message it belongs to ("" until stored); Field is the part's form name.
	MessageID, Field, Filename, ContentType string
	Data                                    []byte
}

// Role is a guild role served by GET /guilds/{guild}/roles.
type Role struct {
	ID          string
	Name        string
	Permissions int64
	Position    int
	Color       int
	Hoist       bool
	Managed     bool
	Mentionable bool
}

// Server is a fake Discord. Its methods are safe for concurrent use.
type Server struct {
	// URL is the base URL of the server (http://127.0.0.1:port), without a trailing slash.
	URL string

	srv       *httptest.Server
	host      string
	done      chan struct{}
	closeOnce sync.Once
	wg        sync.WaitGroup // gateway connections

	mu         sync.Mutex
	closed     bool
	changes    *recorder.Changes // wakes waiters whenever recorded state changes
	calls      []Call
	violations []string
	fails      []*failRule
	delays     []delayRule
	token      string // "" accepts any bot token
	idSeq      uint64

	users        map[string]map[string]any // user objects by id
	guilds       map[string]*guild
	guildOrder   []string
	channels     map[string]*channel
	dms          map[string]string // recipient id → DM channel id
	messages     map[string]*message
	msgOrder     []string
	deleted      map[string]bool
	nonces       map[string]sentNonce    // author/nonce → the message created with it
	hosted       map[string]Attachment   // files users attached, served by the CDN, by attachment id
	interactions map[string]*interaction // by id
	byToken      map[string]*interaction
	commands     map[string][]map[string]any // by guild id, "" for global
	commandIDs   map[string]string           // scope/type/name → id

	// gateway
	hbInterval   time.Duration
	sessions     map[string]*gwSession
	sessionOrder []*gwSession
	current      *gwSession
	conns        map[*gwConn]struct{}
	identifies   []Identify
	resumes      []Resume
	heartbeats   int
	replayN      int

	onMessage func(channelID string, msg json.RawMessage)
}

type failRule struct {
	m          matcher
	left       int
	status     int
	retryAfter float64
}

type delayRule struct {
	pattern string
	m       matcher
	d       time.Duration
}

type guild struct {
	id, name string
	roles    []Role
	rolesSet bool
	members  map[string]*member
}

type member struct {
	userID   string
	roles    []string
	joinedAt time.Time
}

type channel struct {
	obj map[string]any
}

type message struct {
	obj       map[string]any
	channelID string
	authorID  string
	files     []Attachment
}

type sentNonce struct {
	messageID string
	at        time.Time
}

type interaction struct {
	id, token   string
	itype       int
	userID      string
	channelID   string
	guildID     string
	messageID   string // the message a component / modal submit came from
	at          time.Time
	known       bool // dispatched through this server (deadline and type checks apply)
	acked       bool
	ackType     int
	originalID  string
	calls       []int // indexes into Server.calls
	callbackIdx int   // index of the accepted callback in Server.calls, -1 before
}

// New starts a fake Discord for the test; it is closed when the test ends.
func New(t testing.TB) *Server {
	t.Helper()
	s, err := Start()
	if err != nil {
		t.Fatalf("fakediscord: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// Start starts a fake Discord outside a test (a load generator); Close stops it.
func Start() (*Server, error) {
	s := &Server{
		done:         make(chan struct{}),
		users:        map[string]map[string]any{BotUserID: botUser()},
		guilds:       map[string]*guild{},
		channels:     map[string]*channel{},
		dms:          map[string]string{},
		messages:     map[string]*message{},
		deleted:      map[string]bool{},
		nonces:       map[string]sentNonce{},
		hosted:       map[string]Attachment{},
		interactions: map[string]*interaction{},
		byToken:      map[string]*interaction{},
		commands:     map[string][]map[string]any{},
		commandIDs:   map[string]string{},
		hbInterval:   DefaultHeartbeatInterval,
		sessions:     map[string]*gwSession{},
		conns:        map[*gwConn]struct{}{},
	}
	s.changes = recorder.NewChanges(&s.mu, s.done)
	s.srv = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	s.URL = s.srv.URL
	u, err := url.Parse(s.srv.URL)
	if err != nil {
		s.srv.Close()
		return nil, err
	}
	s.host = u.Host
	return s, nil
}

// Close stops the server and its gateway connections; New does it when the test ends.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.done)
		s.mu.Lock()
		s.closed = true
		for c := range s.conns {
			c.ws.Close()
		}
		s.mu.Unlock()
		s.srv.Close()
		s.wg.Wait()
	})
}

// OnMessage makes fn see every message the bot creates (a REST post, an interaction's
// response or follow-up), as the message object, when it is stored: a load generator times
// the bot's replies with it. fn runs while the server holds its lock: it must return quickly
// and call none of the server's methods.
func (s *Server) OnMessage(fn func(channelID string, msg json.RawMessage)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onMessage = fn
}

// GatewayURL is the websocket URL GET /gateway and /gateway/bot answer: ws://host/gateway.
// discordgo appends "/?v=9&encoding=json"; both /gateway and /gateway/ are served.
func (s *Server) GatewayURL() string { return "ws://" + s.host + "/gateway" }

// Transport returns a RoundTripper that sends requests for Discord's hosts (discord.com,
// discordapp.com, cdn.discordapp.com, media.discordapp.net, discord.gg and their
// subdomains) to this server, keeping path and query, as the adapter does when
// DISCORD_API_URL is set. Requests for this server pass through; any other host is refused
// with an error, so a test never reaches the network.
func (s *Server) Transport() http.RoundTripper {
	return &transport{base: s.srv.Client().Transport, host: s.host}
}

type transport struct {
	base http.RoundTripper
	host string
}

func (rt *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Host != rt.host {
		if !isDiscordHost(req.URL.Hostname()) {
			if req.Body != nil {
				req.Body.Close()
			}
			return nil, fmt.Errorf("fakediscord: refusing request to %s: not a Discord host", req.URL.Redacted())
		}
	}
	r2 := req.Clone(req.Context())
	r2.URL.Scheme = "http"
	r2.URL.Host = rt.host
	r2.Host = rt.host
	return rt.base.RoundTrip(r2)
}

func isDiscordHost(h string) bool {
	h = strings.ToLower(strings.TrimSuffix(h, "."))
	for _, d := range []string{"discord.com", "discordapp.com", "discordapp.net", "discord.gg", "discord.media"} {
		if h == d || strings.HasSuffix(h, "."+d) {
			return true
		}
	}
	return false
}

// SetToken makes the server accept only this bot token (with or without the "Bot " prefix
// in IDENTIFY; REST needs "Authorization: Bot <token>"). By default any non-empty bot token
// is accepted.
func (s *Server) SetToken(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.token = strings.TrimPrefix(token, "Bot ")
}

// SetHeartbeatInterval sets the heartbeat_interval sent in the HELLO of later connections
// (whole milliseconds; at least 1 ms).
func (s *Server) SetHeartbeatInterval(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hbInterval = max(d, time.Millisecond)
}

// SetGuild makes the guild known: it is listed (unavailable) in READY and followed by a
// GUILD_CREATE, and GET /guilds/{id} answers it.
func (s *Server) SetGuild(id, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.guildLocked(id).name = name
}

// SetMember makes GET /guilds/{guildID}/members/{userID} answer a member with these role ids
// and joined_at. Unknown members answer 404 {"code":10007,"message":"Unknown Member"}.
// Role ids not set with SetRoles are served by GET /guilds/{guildID}/roles as "role-<id>".
func (s *Server) SetMember(guildID, userID string, roles []string, joinedAt time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.guildLocked(guildID)
	g.members[userID] = &member{userID: userID, roles: slices.Clone(roles), joinedAt: joinedAt}
	if s.users[userID] == nil {
		s.users[userID] = userObject(userID, "user-"+userID, false)
	}
	s.notifyLocked()
}

// SetUser sets the username of a user (GET /users/{id}, members, built payloads use their
// own names).
func (s *Server) SetUser(userID, username string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[userID] = userObject(userID, username, false)
}

// SetRoles sets the roles GET /guilds/{guildID}/roles answers (besides @everyone, whose id
// is the guild id, unless roles contains it).
func (s *Server) SetRoles(guildID string, roles ...Role) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.guildLocked(guildID)
	g.roles = slices.Clone(roles)
	g.rolesSet = true
}

func (s *Server) guildLocked(id string) *guild {
	g := s.guilds[id]
	if g == nil {
		g = &guild{id: id, name: "guild-" + id, members: map[string]*member{}}
		s.guilds[id] = g
		s.guildOrder = append(s.guildOrder, id)
	}
	return g
}

// notifyLocked wakes every waiter; s.mu must be held.
func (s *Server) notifyLocked() { s.changes.NotifyLocked() }

// waitFor re-evaluates cond (called with s.mu held) on every change until it reports true
// or the timeout passes.
func (s *Server) waitFor(timeout time.Duration, cond func() bool) bool {
	return s.changes.WaitFor(timeout, cond)
}

// matcher is a compiled call pattern.
type matcher struct {
	method string
	re     *regexp.Regexp
}

func compilePattern(p string) matcher {
	p = strings.TrimSpace(p)
	var m matcher
	if i := strings.IndexAny(p, " \t"); i > 0 {
		m.method, p = strings.ToUpper(p[:i]), strings.TrimSpace(p[i+1:])
	} else if p != "" && !strings.Contains(p, "/") {
		m.method, p = strings.ToUpper(p), ""
	}
	anchored := strings.HasSuffix(p, "$")
	p = normalizePath(strings.TrimSuffix(p, "$"))
	expr := "^" + strings.ReplaceAll(regexp.QuoteMeta(p), `\*`, `[^/]*`)
	if anchored {
		expr += "$"
	}
	m.re = regexp.MustCompile(expr)
	return m
}

func (m matcher) match(method, path string) bool {
	if m.method != "" && m.method != method {
		return false
	}
	return m.re.MatchString(normalizePath(path))
}

// normalizePath drops the API version: "/api/v9/x" and "/api/v10/x" become "/api/x"; a path
// that does not start with /api gets it.
func normalizePath(p string) string {
	if p == "" {
		return ""
	}
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	if rest, ok := strings.CutPrefix(p, "/api/v"); ok {
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		return "/api" + rest[i:]
	}
	if p == "/api" || strings.HasPrefix(p, "/api/") {
		return p
	}
	return "/api" + p
}

// Calls returns the recorded REST calls matching pattern (see the package doc), oldest
// first; "" returns all calls.
func (s *Server) Calls(pattern string) []Call {
	m := compilePattern(pattern)
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.callsLocked(m)
}

func (s *Server) callsLocked(m matcher) []Call {
	var out []Call
	for _, c := range s.calls {
		if m.match(c.Method, c.Path) {
			out = append(out, cloneCall(c))
		}
	}
	return out
}

func cloneCall(c Call) Call {
	c.Body = slices.Clone(c.Body)
	c.Header = c.Header.Clone()
	c.Query = cloneValues(c.Query)
	return c
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = slices.Clone(vs)
	}
	return out
}

// WaitCalls waits until at least n calls match pattern and returns them all; it fails the
// test, listing what was called, if that takes longer than timeout.
func (s *Server) WaitCalls(t testing.TB, pattern string, n int, timeout time.Duration) []Call {
	t.Helper()
	m := compilePattern(pattern)
	var got []Call
	if s.waitFor(timeout, func() bool {
		got = s.callsLocked(m)
		return len(got) >= n
	}) {
		return got
	}
	t.Fatalf("fakediscord: waited %v for %d call(s) matching %q, got %d; %s", timeout, n, pattern, len(got), s.summary())
	return nil
}

// summary describes what was called and the violations, for failure messages.
func (s *Server) summary() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	names := make([]string, len(s.calls))
	for i, c := range s.calls {
		names[i] = c.Method + " " + c.Path
	}
	return recorder.Summary(names, s.violations)
}

// Violations lists the requests the real Discord would have rejected (or, for a missing
// allowed_mentions, that this project forbids), as "<METHOD> <path>: <detail>".
func (s *Server) Violations() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.violations)
}

// AssertNoViolations fails the test if any request was a violation.
func (s *Server) AssertNoViolations(t testing.TB) {
	t.Helper()
	if v := s.Violations(); len(v) > 0 {
		t.Errorf("fakediscord: %d request(s) the real Discord would reject:\n  %s", len(v), strings.Join(v, "\n  "))
	}
}

func (s *Server) violateLocked(format string, args ...any) {
	s.violations = append(s.violations, fmt.Sprintf(format, args...))
	s.notifyLocked()
}

// Reset forgets the recorded calls, violations, identifies, resumes and heartbeats and drops
// the FailNext and Delay rules. Messages, channels, guilds, commands, interactions and
// gateway sessions are kept.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = nil
	s.violations = nil
	s.fails = nil
	s.delays = nil
	s.identifies = nil
	s.resumes = nil
	s.heartbeats = 0
	for _, in := range s.interactions {
		in.calls = nil
		in.callbackIdx = -1
	}
	s.notifyLocked()
}

// FailNext makes the next n requests matching pattern fail without effect. Status 429
// answers Discord's body {"message":"You are being rate limited.","retry_after":retryAfter,
// "global":false} with Retry-After and X-RateLimit-* headers (discordgo sleeps retry_after
// and retries the same request); any other status answers {"message":"<status>: <text>",
// "code":0} (discordgo retries 502 up to MaxRestRetries times and returns other statuses as
// a *discordgo.RESTError). Rules queue up in the order they were added.
func (s *Server) FailNext(pattern string, n int, status int, retryAfter float64) {
	if n <= 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fails = append(s.fails, &failRule{m: compilePattern(pattern), left: n, status: status, retryAfter: retryAfter})
}

func (s *Server) takeFailureLocked(method, path string) *failRule {
	for i, r := range s.fails {
		if r.m.match(method, path) {
			out := *r
			r.left--
			if r.left <= 0 {
				s.fails = slices.Delete(s.fails, i, i+1)
			}
			return &out
		}
	}
	return nil
}

// Delay holds the answer to every request matching pattern for d before handling it (0
// removes the rule for that pattern). A client that gives up waiting leaves no effect.
func (s *Server) Delay(pattern string, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delays = slices.DeleteFunc(s.delays, func(r delayRule) bool { return r.pattern == pattern })
	if d > 0 {
		s.delays = append(s.delays, delayRule{pattern: pattern, m: compilePattern(pattern), d: d})
	}
}

func (s *Server) delayFor(method, path string) time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := len(s.delays) - 1; i >= 0; i-- {
		if s.delays[i].m.match(method, path) {
			return s.delays[i].d
		}
	}
	return 0
}

// Responses returns the calls answering an interaction, oldest first: its callback(s)
// (POST /interactions/{id}/{token}/callback) and the webhook calls made with its token
// (edits of @original, follow-ups), whatever their status.
func (s *Server) Responses(interactionID string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.responsesLocked(interactionID)
}

func (s *Server) responsesLocked(id string) []Call {
	in := s.interactions[id]
	if in == nil {
		return nil
	}
	out := make([]Call, 0, len(in.calls))
	for _, i := range in.calls {
		out = append(out, cloneCall(s.calls[i]))
	}
	return out
}

// WaitResponse waits for the accepted initial callback to an interaction and returns it; it
// fails the test after timeout.
func (s *Server) WaitResponse(t testing.TB, interactionID string, timeout time.Duration) Call {
	t.Helper()
	var got Call
	if s.waitFor(timeout, func() bool {
		in := s.interactions[interactionID]
		if in == nil || in.callbackIdx < 0 {
			return false
		}
		got = cloneCall(s.calls[in.callbackIdx])
		return true
	}) {
		return got
	}
	t.Fatalf("fakediscord: waited %v for the callback to interaction %s; %s", timeout, interactionID, s.summary())
	return Call{}
}

// Messages returns the current state of the messages of a channel (as Discord would answer
// GET /channels/{id}/messages/{mid}), oldest first, deleted ones excluded: those the bot
// created or edited (including interaction responses and follow-ups, ephemeral ones
// flagged 64) and those dispatched with MESSAGE_CREATE.
func (s *Server) Messages(channelID string) []json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []json.RawMessage
	for _, id := range s.msgOrder {
		m := s.messages[id]
		if m != nil && m.channelID == channelID {
			out = append(out, mustJSON(m.obj))
		}
	}
	return out
}

// MessagesFrom is Messages without the channel's first from messages: what a reader who has
// seen those has not (a deletion shifts the count, as it does in Messages). It encodes only
// those, so a test that polls a channel often stays cheap.
func (s *Server) MessagesFrom(channelID string, from int) []json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []json.RawMessage
	n := 0
	for _, id := range s.msgOrder {
		m := s.messages[id]
		if m == nil || m.channelID != channelID {
			continue
		}
		if n >= from {
			out = append(out, mustJSON(m.obj))
		}
		n++
	}
	return out
}

// Message returns the current state of one message.
func (s *Server) Message(messageID string) (json.RawMessage, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.messages[messageID]
	if m == nil {
		return nil, false
	}
	return mustJSON(m.obj), true
}

// Commands returns the application commands registered by bulk overwrite for a guild ("" for
// the global ones), as GET answers them.
func (s *Server) Commands(guildID string) []json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []json.RawMessage
	for _, c := range s.commands[guildID] {
		out = append(out, mustJSON(c))
	}
	return out
}

// newIDLocked returns a new snowflake, unique within the server.
func (s *Server) newIDLocked() string {
	s.idSeq++
	ms := uint64(time.Now().UnixMilli() - discordEpoch)
	return strconv.FormatUint(ms<<22|(s.idSeq&0x3FFFFF), 10)
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("fakediscord: %v", err))
	}
	return b
}

// jsonPayload extracts the JSON payload of a request body: the body itself, or the
// payload_json part of a multipart body, whose file parts it returns.
func jsonPayload(contentType string, body []byte) ([]byte, []Attachment, error) {
	mt, params, _ := mime.ParseMediaType(contentType)
	if mt != "multipart/form-data" {
		return body, nil, nil
	}
	r := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	var payload []byte
	var files []Attachment
	for {
		p, err := r.NextPart()
		if err != nil {
			break
		}
		data, err := io.ReadAll(p)
		if err != nil {
			return nil, nil, err
		}
		if p.FormName() == "payload_json" {
			payload = data
		} else if p.FileName() != "" {
			files = append(files, Attachment{Field: p.FormName(), Filename: p.FileName(), ContentType: p.Header.Get("Content-Type"), Data: data})
		}
	}
	return payload, files, nil
}

func ceilSeconds(f float64) string {
	return strconv.Itoa(int(math.Ceil(f)))
}

func timestamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000+00:00") }

// Attachments returns the files attached to the messages of a channel that still exist, in
// the order the messages were created.
func (s *Server) Attachments(channelID string) []Attachment {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Attachment
	for _, id := range s.msgOrder {
		if m := s.messages[id]; m != nil && m.channelID == channelID {
			for _, f := range m.files {
				f.Data = bytes.Clone(f.Data)
				out = append(out, f)
			}
		}
	}
	return out
}

// WaitAttachments waits until the messages of a channel carry at least n files and returns
// them (see Attachments); it fails the test after timeout.
func (s *Server) WaitAttachments(t testing.TB, channelID string, n int, timeout time.Duration) []Attachment {
	t.Helper()
	if s.waitFor(timeout, func() bool { return s.attachmentCountLocked(channelID) >= n }) {
		return s.Attachments(channelID)
	}
	t.Fatalf("fakediscord: waited %v for %d file(s) in channel %s, got %d; %s", timeout, n, channelID, len(s.Attachments(channelID)), s.summary())
	return nil
}

func (s *Server) attachmentCountLocked(channelID string) int {
	n := 0
	for _, id := range s.msgOrder {
		if m := s.messages[id]; m != nil && m.channelID == channelID {
			n += len(m.files)
		}
	}
	return n
}
