// Package fakeslack is a local server that speaks Slack's wire protocols (the Web API,
// Socket Mode and response_url), for tests that drive the real slack-go client against it:
//
//	s := fakeslack.New(t)
//	api := slack.New("xoxb-test", slack.OptionAPIURL(s.APIURL()))
//
// Files uploaded in Slack's three steps (files.getUploadURLExternal, the POST to the upload
// URL, files.completeUploadExternal; slack-go's UploadFileContext) are kept (Files, WaitFiles)
// until files.delete deletes them (the bot's own only; a share then shows a tombstone).
//
// Every Web API call is recorded (Calls, WaitCalls). Requests that the real Slack would
// reject because the caller got something wrong (blocks over Slack's limits, missing
// arguments, a bad token, an unknown method...) are answered as Slack answers them and
// recorded as violations (Violations, AssertNoViolations). Failures and slowness can be
// injected per method (FailNext, Delay).
//
// The package also builds the signed HTTP requests and payloads Slack sends to an app's
// Events API, interactivity and slash command endpoints (Sign, EventCallback, BlockActions,
// ViewSubmission, SlashCommand, ...), and their Socket Mode counterparts (the ...Payload
// builders) for SendEnvelope.
package fakeslack

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"escalation-bot/xtest/recorder"
)

// The identity of the fake workspace and of the app under test.
const (
	TeamID            = "T0001"
	TeamName          = "Fake Team"
	TeamDomain        = "fake"
	BotUserID         = "UBOT"
	BotUserName       = "escalation-bot"
	BotID             = "B0001"
	AppID             = "A0001"
	VerificationToken = "fake-verification-token"
)

// Call is one Web API request as the server received it.
type Call struct {
	// Method is the Web API method, e.g. "chat.postMessage".
	Method string
	// Form holds the arguments: the form fields (and query) of a form-encoded request, or the
	// top-level fields of a JSON request (strings as is, anything else as JSON text, e.g.
	// Form.Get("view") of views.open).
	Form url.Values
	// Token is the token the request carried, from the Authorization header or the token field.
	Token string
	// At is when the request arrived.
	At time.Time
	// Err is the Slack error code of the answer ("" when ok): an injected failure reads
	// "ratelimited" (429) or "http_<status>".
	Err string
}

// Server is a fake Slack. Its methods are safe for concurrent use.
type Server struct {
	// URL is the base URL of the server, without a trailing slash.
	URL string

	srv       *httptest.Server
	done      chan struct{}
	closeOnce sync.Once

	mu         sync.Mutex
	changes    *recorder.Changes // wakes waiters whenever recorded state changes
	calls      []Call
	violations []string
	fail       map[string][]*failRule
	delay      map[string]time.Duration
	groups     map[string][]string
	users      map[string]user
	messages   map[string]*message // by channel + "/" + ts
	views      map[string]*view    // by view ID
	opened     map[string]bool     // conversations opened with conversations.open
	files      map[string]*upload  // by file ID, from files.getUploadURLExternal on
	hosted     map[string]hosted   // users' files, by file ID (UserFile)
	lastTS     int64
	lastID     int64
	tickets    map[string]bool
	conns      map[*socketConn]struct{}
	connSeq    int
	sent       map[string]bool
	acks       map[string]json.RawMessage
	responses  map[string][]json.RawMessage
	onPost     func(Message)
}

type failRule struct {
	left       int
	status     int
	retryAfter int
	errCode    string
}

type user struct{ id, name, teamID, locale, email string }

// New starts a fake Slack for the test; it is closed when the test ends.
func New(t testing.TB) *Server {
	t.Helper()
	s := Start()
	t.Cleanup(s.Close)
	return s
}

// Start starts a fake Slack outside a test (a load generator); Close stops it.
func Start() *Server {
	s := &Server{
		done:      make(chan struct{}),
		fail:      map[string][]*failRule{},
		delay:     map[string]time.Duration{},
		groups:    map[string][]string{},
		users:     map[string]user{BotUserID: {id: BotUserID, name: BotUserName, teamID: TeamID}},
		messages:  map[string]*message{},
		views:     map[string]*view{},
		opened:    map[string]bool{},
		files:     map[string]*upload{},
		hosted:    map[string]hosted{},
		tickets:   map[string]bool{},
		conns:     map[*socketConn]struct{}{},
		sent:      map[string]bool{},
		acks:      map[string]json.RawMessage{},
		responses: map[string][]json.RawMessage{},
	}
	s.changes = recorder.NewChanges(&s.mu, s.done)
	mux := http.NewServeMux()
	mux.HandleFunc("/api/{method}", s.handleAPI)
	mux.HandleFunc("/socket", s.handleSocket)
	mux.HandleFunc("/response/{id}", s.handleResponse)
	mux.HandleFunc("/upload/{id}", s.handleUpload)
	mux.HandleFunc("GET /files-pri/{file}/download/{name}", s.handleHosted)
	s.srv = httptest.NewServer(mux)
	s.URL = s.srv.URL
	return s
}

// Close stops the server and its socket connections; New does it when the test ends.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.done)
		s.mu.Lock()
		conns := s.takeConnsLocked()
		s.mu.Unlock()
		for _, c := range conns {
			c.close()
		}
		s.srv.Close()
	})
}

// OnPost makes fn see every message chat.postMessage posts, once it is accepted and before
// the answer is sent: a load generator times the bot's replies with it. fn runs on the
// request's goroutine and must not block for long.
func (s *Server) OnPost(fn func(Message)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onPost = fn
}

// APIURL is the Web API base URL to pass to slack.OptionAPIURL: URL + "/api/". slack-go
// appends the method name to it as is, so the trailing slash is required.
func (s *Server) APIURL() string { return s.URL + "/api/" }

// notifyLocked wakes every waiter; s.mu must be held.
func (s *Server) notifyLocked() { s.changes.NotifyLocked() }

// waitFor re-evaluates cond (called with s.mu held) on every change until it reports true
// or the timeout passes.
func (s *Server) waitFor(timeout time.Duration, cond func() bool) bool {
	return s.changes.WaitFor(timeout, cond)
}

// Calls returns the recorded calls of a Web API method, oldest first; "" returns all calls.
func (s *Server) Calls(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.callsLocked(method)
}

func (s *Server) callsLocked(method string) []Call {
	var out []Call
	for _, c := range s.calls {
		if method == "" || c.Method == method {
			c.Form = cloneValues(c.Form)
			out = append(out, c)
		}
	}
	return out
}

// WaitCalls waits until at least n calls of method have been answered and returns them all;
// it fails the test, listing what was called, if that takes longer than timeout.
func (s *Server) WaitCalls(t testing.TB, method string, n int, timeout time.Duration) []Call {
	t.Helper()
	var got []Call
	if s.waitFor(timeout, func() bool {
		got = s.callsLocked(method)
		return len(got) >= n
	}) {
		return got
	}
	t.Fatalf("fakeslack: waited %v for %d %s call(s), got %d; %s", timeout, n, method, len(got), s.summary())
	return nil
}

// summary describes what was called and the violations, for failure messages.
func (s *Server) summary() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	names := make([]string, len(s.calls))
	for i, c := range s.calls {
		names[i] = c.Method
	}
	return recorder.Summary(names, s.violations)
}

// Violations lists the requests the real Slack would have rejected as the caller's mistake,
// as "<method>: <error>: <detail>".
func (s *Server) Violations() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.violations)
}

// AssertNoViolations fails the test if any request was rejected as the caller's mistake.
func (s *Server) AssertNoViolations(t testing.TB) {
	t.Helper()
	if v := s.Violations(); len(v) > 0 {
		t.Errorf("fakeslack: %d request(s) the real Slack would reject:\n  %s", len(v), strings.Join(v, "\n  "))
	}
}

func (s *Server) violate(v string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.violations = append(s.violations, v)
	s.notifyLocked()
}

// Reset forgets the recorded calls, violations, acks and response_url posts and drops the
// FailNext and Delay knobs. Posted messages, opened views, users, user groups, socket
// connections and sent envelopes are kept, so a later chat.update, views.update or ack
// still finds its target.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = nil
	s.violations = nil
	s.fail = map[string][]*failRule{}
	s.delay = map[string]time.Duration{}
	s.acks = map[string]json.RawMessage{}
	s.responses = map[string][]json.RawMessage{}
	s.notifyLocked()
}

// FailNext makes the next n calls of method fail without effect: status 429 answers
// {"ok":false,"error":"ratelimited"} with a Retry-After header of retryAfter seconds (no
// header when retryAfter < 0); status 200 answers {"ok":false,"error":"internal_error"};
// any other status answers an HTML error page with that status, as Slack does for 5xx.
// Rules queue up: FailNext(m, 1, 429, 1) then FailNext(m, 1, 500, 0) fails with 429 then 500.
func (s *Server) FailNext(method string, n int, status int, retryAfter int) {
	code := ""
	if status == http.StatusOK {
		code = "internal_error"
	}
	s.addFail(method, &failRule{left: n, status: status, retryAfter: retryAfter, errCode: code})
}

// FailNextError makes the next n calls of method answer HTTP 200 {"ok":false,"error":slackErr},
// e.g. "channel_not_found" or "ratelimited", without effect.
func (s *Server) FailNextError(method string, n int, slackErr string) {
	s.addFail(method, &failRule{left: n, status: http.StatusOK, errCode: slackErr})
}

func (s *Server) addFail(method string, r *failRule) {
	if r.left <= 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail[method] = append(s.fail[method], r)
}

func (s *Server) takeFailure(method string) *failRule {
	s.mu.Lock()
	defer s.mu.Unlock()
	rules := s.fail[method]
	if len(rules) == 0 {
		return nil
	}
	r := *rules[0]
	rules[0].left--
	if rules[0].left <= 0 {
		s.fail[method] = rules[1:]
	}
	return &r
}

// Delay holds every answer to method for d (0 removes the delay). The call takes effect at
// once, as a slow Slack would: a client that gives up waiting has still posted its message.
func (s *Server) Delay(method string, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d <= 0 {
		delete(s.delay, method)
		return
	}
	s.delay[method] = d
}

// SetUserGroupMembers sets the members usergroups.users.list answers for groupID.
func (s *Server) SetUserGroupMembers(groupID string, users ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.groups[groupID] = slices.Clone(users)
}

// SetUser makes users.info know the user. Unknown users answer "user_not_found".
func (s *Server) SetUser(id, name, teamID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[id] = user{id: id, name: name, teamID: teamID}
}

// SetUserEmail gives a known user an e-mail address, which users.info answers in the profile
// (Slack does so for an app with users:read.email).
func (s *Server) SetUserEmail(id, email string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.users[id]
	u.email = email
	s.users[id] = u
}

// SetUserLocale gives a known user a locale ("de-DE"), which users.info answers, as Slack
// does, only when asked with include_locale=true.
func (s *Server) SetUserLocale(id, locale string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.users[id]
	u.locale = locale
	s.users[id] = u
}

// ResponseURL is a response_url served by this server; what is posted to it is recorded
// under id (see Responses).
func (s *Server) ResponseURL(id string) string { return s.URL + "/response/" + url.PathEscape(id) }

// Responses returns the JSON bodies posted to ResponseURL(id), oldest first.
func (s *Server) Responses(id string) []json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.responses[id])
}

// WaitResponses waits until at least n bodies have been posted to ResponseURL(id) and
// returns them; it fails the test after timeout.
func (s *Server) WaitResponses(t testing.TB, id string, n int, timeout time.Duration) []json.RawMessage {
	t.Helper()
	var got []json.RawMessage
	if s.waitFor(timeout, func() bool {
		got = slices.Clone(s.responses[id])
		return len(got) >= n
	}) {
		return got
	}
	t.Fatalf("fakeslack: waited %v for %d post(s) to response_url %q, got %d; %s", timeout, n, id, len(got), s.summary())
	return nil
}

func (s *Server) handleResponse(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if r.Method != http.MethodPost || !json.Valid(body) {
		s.violate(fmt.Sprintf("response_url %s: invalid_payload: want a JSON POST, got %s %q", id, r.Method, truncate(string(body), 200)))
		writeJSON(w, http.StatusBadRequest, map[string]any{"ok": false, "error": "invalid_payload"})
		return
	}
	s.mu.Lock()
	s.responses[id] = append(s.responses[id], json.RawMessage(body))
	s.notifyLocked()
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"ok": true})
}

// reply is the answer to a Web API call.
type reply struct {
	status int
	header http.Header
	body   any
	err    string // Slack error code, "" when ok
}

func okReply(fields map[string]any) reply {
	fields["ok"] = true
	return reply{status: http.StatusOK, body: fields}
}

func errReply(code string, messages ...string) reply {
	body := map[string]any{"ok": false, "error": code}
	if len(messages) > 0 {
		body["response_metadata"] = map[string]any{"messages": messages}
	}
	return reply{status: http.StatusOK, body: body, err: code}
}

func (s *Server) handleAPI(w http.ResponseWriter, r *http.Request) {
	method := r.PathValue("method")
	at := time.Now()
	form, token, parseErr := parseRequest(r)
	if parseErr == bodyCut {
		// The client went away while sending (a process killed mid-request): nobody reads the
		// answer, and a broken connection is no request the real Slack would judge.
		return
	}

	var rep reply
	violation := ""
	if f := s.takeFailure(method); f != nil {
		rep = failureReply(f)
	} else if parseErr != "" {
		rep, violation = errReply(parseErr), parseErr
	} else {
		rep, violation = s.dispatch(method, form, token)
	}

	s.mu.Lock()
	s.calls = append(s.calls, Call{Method: method, Form: form, Token: token, At: at, Err: rep.err})
	if violation != "" {
		s.violations = append(s.violations, method+": "+violation)
	}
	d := s.delay[method]
	s.notifyLocked()
	s.mu.Unlock()

	if d > 0 {
		timer := time.NewTimer(d)
		select {
		case <-timer.C:
		case <-r.Context().Done():
			timer.Stop()
			return
		case <-s.done:
			timer.Stop()
			return
		}
	}
	for k, v := range rep.header {
		w.Header()[k] = v
	}
	if html, ok := rep.body.(string); ok {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(rep.status)
		_, _ = io.WriteString(w, html)
		return
	}
	writeJSON(w, rep.status, rep.body)
}

func failureReply(f *failRule) reply {
	switch f.status {
	case http.StatusOK:
		return errReply(f.errCode)
	case http.StatusTooManyRequests:
		rep := reply{status: f.status, header: http.Header{},
			body: map[string]any{"ok": false, "error": "ratelimited"}, err: "ratelimited"}
		if f.retryAfter >= 0 {
			rep.header.Set("Retry-After", strconv.Itoa(f.retryAfter))
		}
		return rep
	default:
		return reply{status: f.status, err: "http_" + strconv.Itoa(f.status),
			body: fmt.Sprintf("<html><body><h1>%d %s</h1></body></html>\n", f.status, http.StatusText(f.status))}
	}
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// bodyCut is parseRequest's answer when the body could not be read to its end.
const bodyCut = "body_cut"

// parseRequest reads the arguments and token of a Web API request; errCode is the Slack
// error for an unreadable body.
func parseRequest(r *http.Request) (form url.Values, token, errCode string) {
	form = url.Values{}
	for k, v := range r.URL.Query() {
		form[k] = append(form[k], v...)
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 32<<20))
	if err != nil {
		return form, bearer(r), bodyCut
	}
	ctype, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch {
	case len(body) == 0:
	case ctype == "application/json":
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(body, &fields); err != nil {
			return form, bearer(r), "invalid_json"
		}
		for k, raw := range fields {
			var str string
			if json.Unmarshal(raw, &str) == nil {
				form.Set(k, str)
			} else if string(raw) != "null" {
				form.Set(k, string(raw))
			}
		}
	case ctype == "multipart/form-data":
		r.Body = io.NopCloser(strings.NewReader(string(body)))
		if err := r.ParseMultipartForm(32 << 20); err != nil {
			return form, bearer(r), "invalid_form_data"
		}
		for k, v := range r.MultipartForm.Value {
			form[k] = append(form[k], v...)
		}
	default:
		values, err := url.ParseQuery(string(body))
		if err != nil {
			return form, bearer(r), "invalid_form_data"
		}
		for k, v := range values {
			form[k] = append(form[k], v...)
		}
	}
	token = bearer(r)
	if token == "" {
		token = form.Get("token")
	}
	return form, token, ""
}

func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) >= 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

func cloneValues(v url.Values) url.Values {
	if v == nil {
		return nil
	}
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = slices.Clone(vs)
	}
	return out
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
