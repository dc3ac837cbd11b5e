package web

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	redisstore "escalation-bot/adapters/redis"
	"escalation-bot/bot"
	"escalation-bot/conversation"
	"escalation-bot/xtest/redistest"
)

// testVIN is a real-format VIN whose ISO 3779 check digit (the 9th character, 3) is correct.
const testVIN = "1HGCM82633A004352"

// env is a playground over real Redis, served by httptest.
type env struct {
	t   *testing.T
	srv *httptest.Server
	svc *bot.Service
	hub *Hub
}

func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvOver(t, redistest.New(t))
}

func newEnvOver(t *testing.T, r *redistest.Redis, mods ...func(*bot.Params)) *env {
	t.Helper()
	cfg := redisstore.Config{Tenant: r.Tenant}
	flow := conversation.DefaultFlow()
	logger := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	hub := NewHub(logger)
	params := bot.Params{
		Config:     bot.Config{Channels: []string{"web:escalations"}, Moderators: []string{"web:*"}},
		Engine:     conversation.NewEngine(flow),
		Extractor:  conversation.NewRuleExtractor(flow),
		Sessions:   redisstore.NewSessionStore(r.Client, cfg),
		Cases:      redisstore.NewCaseStore(r.Client, cfg),
		Moderation: redisstore.NewModeration(r.Client, cfg),
		Dialogues:  redisstore.NewDialogues(r.Client, cfg),
		Files:      redisstore.NewFiles(r.Client, cfg),
		Messengers: []bot.Messenger{hub},
		Logger:     logger,
	}
	for _, m := range mods {
		m(&params)
	}
	svc := bot.NewService(params)
	mux := http.NewServeMux()
	NewPlayground(svc, hub, logger).Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &env{t: t, srv: srv, svc: svc, hub: hub}
}

// call sends body (a string as is, anything else as JSON) and decodes the answer into out.
func (e *env) call(method, path string, body any, header http.Header, out any) int {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(e.t.Context(), method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatalf("%s %s: read: %v", method, path, err)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			e.t.Fatalf("%s %s: %d %q is not JSON: %v", method, path, res.StatusCode, data, err)
		}
	}
	return res.StatusCode
}

type repliesBody struct {
	Replies []conversation.Reply `json:"replies"`
	Error   string               `json:"error"`
}

type cardBody struct {
	Card  Card   `json:"card"`
	Error string `json:"error"`
}

type errBody struct {
	Error string `json:"error"`
}

// owner sends a message (text) or presses a button (action, value) as the owner.
func (e *env) owner(name string, in conversation.Input, header http.Header) []conversation.Reply {
	e.t.Helper()
	var out repliesBody
	path, body := "/api/owners/"+url.PathEscape(name)+"/messages", any(map[string]string{"text": in.Text})
	if in.Action != "" {
		path, body = "/api/owners/"+url.PathEscape(name)+"/actions", map[string]string{"action": in.Action, "value": in.Value}
	}
	if code := e.call(http.MethodPost, path, body, header, &out); code != http.StatusOK {
		e.t.Fatalf("owner %s %+v: %d %s", name, in, code, out.Error)
	}
	if out.Replies == nil {
		e.t.Fatalf("owner %s %+v: replies is null, want a list", name, in)
	}
	return out.Replies
}

func (e *env) exec(name, action, id, note string) (int, cardBody) {
	e.t.Helper()
	var out cardBody
	code := e.call(http.MethodPost, "/api/execs/"+url.PathEscape(name)+"/actions",
		map[string]string{"action": action, "case": id, "note": note}, nil, &out)
	return code, out
}

func (e *env) channel() []Card {
	e.t.Helper()
	var out struct {
		Cases []Card `json:"cases"`
	}
	if code := e.call(http.MethodGet, "/api/channel", nil, nil, &out); code != http.StatusOK {
		e.t.Fatalf("GET /api/channel: %d", code)
	}
	return out.Cases
}

func text(replies []conversation.Reply) string {
	var parts []string
	for _, r := range replies {
		parts = append(parts, r.Text)
	}
	return strings.Join(parts, "\n")
}

// intake answers the default flow from the first message to the review card, checking that each
// answer brings the next step's prompt, and returns the review card.
func (e *env) intake(name string) conversation.Reply {
	e.t.Helper()
	flow := conversation.DefaultFlow()
	prompt := func(id string) string {
		for _, st := range flow.Steps {
			if st.ID == id {
				return st.Prompt
			}
		}
		e.t.Fatalf("the default flow has no step %q", id)
		return ""
	}
	choose := func(v string) conversation.Input {
		return conversation.Input{Action: conversation.ActionChoose, Value: v}
	}
	say := func(s string) conversation.Input { return conversation.Input{Text: s} }
	steps := []struct {
		in   conversation.Input
		next string // step whose prompt must follow; "" for the review card
	}{
		{say("hi"), "consent"},
		{choose("understood"), "ticket"},
		{say("SR-1234567"), "model"},
		{choose("model_3"), "year"},
		{say("2021"), "vin"},
		{say(testVIN), "odometer"},
		{say("45000 mi"), "location"},
		{say("Austin, Texas"), "category"},
		{choose("battery"), "safe"},
		{choose("yes"), "description"},
		{say("The car stops charging halfway and two service visits could not find the cause."), "started"},
		{say("about three weeks ago"), "outcome"},
		{say("A repair that fixes the charging for good"), ""},
	}
	var replies []conversation.Reply
	for _, st := range steps {
		replies = e.owner(name, st.in, nil)
		if st.next == "" {
			break
		}
		if got := text(replies); !strings.Contains(got, prompt(st.next)) {
			e.t.Fatalf("after %+v the bot said %q, want the %s question", st.in, got, st.next)
		}
	}
	last := replies[len(replies)-1]
	if len(last.Fields) == 0 {
		e.t.Fatalf("the last answer brought %+v, want the review card", replies)
	}
	return last
}

// submit presses Submit on the review card and returns the new case id.
func (e *env) submit(name string, header http.Header) string {
	e.t.Helper()
	replies := e.owner(name, conversation.Input{Action: conversation.ActionSubmit}, header)
	got := text(replies)
	i := strings.Index(got, "ESC-")
	if i < 0 {
		e.t.Fatalf("submit said %q, want a case id", got)
	}
	id := got[i:]
	if j := strings.IndexFunc(id[4:], func(r rune) bool { return r < '0' || r > '9' }); j >= 0 {
		id = id[:4+j]
	}
	return id
}

type sseEvent struct {
	name string
	data string
}

// events opens the event stream of owner and returns its events; it ends with the test.
func (e *env) events(owner string) <-chan sseEvent {
	e.t.Helper()
	ctx, cancel := context.WithCancel(e.t.Context())
	e.t.Cleanup(cancel)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, e.srv.URL+"/api/events?owner="+url.QueryEscape(owner), nil)
	if err != nil {
		e.t.Fatal(err)
	}
	res, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatalf("open event stream: %v", err)
	}
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		res.Body.Close()
		e.t.Fatalf("event stream: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	out := make(chan sseEvent, 64)
	go func() {
		defer close(out)
		defer res.Body.Close()
		sc := bufio.NewScanner(res.Body)
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "" && ev.name != "":
				select {
				case out <- ev:
				case <-ctx.Done():
					return
				}
				ev = sseEvent{}
			case strings.HasPrefix(line, "event: "):
				ev.name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				ev.data = strings.TrimPrefix(line, "data: ")
			}
		}
	}()
	return out
}

// waitOwner waits for an `owner` event with a reply containing want.
func waitOwner(t *testing.T, events <-chan sseEvent, want string) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case ev, ok := <-events:
			if !ok {
				t.Fatalf("the event stream ended before %q arrived", want)
			}
			if ev.name != "owner" {
				continue
			}
			var body repliesBody
			if err := json.Unmarshal([]byte(ev.data), &body); err != nil {
				t.Fatalf("owner event %q: %v", ev.data, err)
			}
			if strings.Contains(text(body.Replies), want) {
				return
			}
		case <-timeout:
			t.Fatalf("no owner event with %q within 10s", want)
		}
	}
}

func waitChannel(t *testing.T, events <-chan sseEvent) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case ev, ok := <-events:
			if !ok {
				t.Fatal("the event stream ended before a channel event")
			}
			if ev.name == "channel" {
				return
			}
		case <-timeout:
			t.Fatal("no channel event within 10s")
		}
	}
}

func TestIntakeClaimReplyResolve(t *testing.T) {
	e := newEnv(t)
	watcher := e.events("") // a page with no owner sees channel changes only

	review := e.intake("ann")
	fields := map[string]string{}
	for _, f := range review.Fields {
		fields[f.Key] = f.Value
	}
	if fields["vin"] != testVIN || fields["model"] != "Model 3" || fields["year"] != "2021" {
		t.Errorf("review card fields = %v", fields)
	}
	id := e.submit("ann", nil)
	waitChannel(t, watcher)

	cases := e.channel()
	if len(cases) != 1 || cases[0].ID != id {
		t.Fatalf("channel = %+v, want the one case %s", cases, id)
	}
	c := cases[0]
	if c.Status != bot.StatusOpen || c.Owner != "ann" || c.Title == "" || c.Summary == "" {
		t.Errorf("card = %+v", c)
	}
	if c.Fields["vin"] != testVIN || c.Fields["model"] != "Model 3" || c.Fields["year"] != "2021" || c.Fields["location"] != "Austin, Texas" {
		t.Errorf("card fields = %v", c.Fields)
	}
	if len(c.Buttons) != 1 || c.Buttons[0].Action != bot.ActionClaim {
		t.Errorf("open card buttons = %+v, want Claim", c.Buttons)
	}

	code, claimed := e.exec("dana", bot.ActionClaim, id, "")
	if code != http.StatusOK || claimed.Card.Status != bot.StatusClaimed || claimed.Card.ClaimedBy != "dana" {
		t.Fatalf("claim = %d %+v", code, claimed)
	}
	code, lost := e.exec("erin", bot.ActionClaim, id, "")
	if code != http.StatusConflict || !strings.Contains(lost.Error, "dana") {
		t.Fatalf("second claim = %d %q, want 409 naming dana", code, lost.Error)
	}

	// Ann had no page open when the claim came: the message waits for her page.
	owner := e.events("ann")
	waitOwner(t, owner, "is now looking at your case")

	if code, _ := e.exec("dana", bot.ActionReply, id, "A technician will call you tomorrow."); code != http.StatusOK {
		t.Fatalf("reply = %d", code)
	}
	waitOwner(t, owner, "A technician will call you tomorrow.")

	if code, body := e.exec("dana", bot.ActionResolve, id, ""); code != http.StatusBadRequest {
		t.Errorf("resolve without a note = %d %q, want 400", code, body.Error)
	}
	code, resolved := e.exec("dana", bot.ActionResolve, id, "Charge port replaced.")
	if code != http.StatusOK || resolved.Card.Status != bot.StatusResolved || resolved.Card.Note != "Charge port replaced." {
		t.Fatalf("resolve = %d %+v", code, resolved)
	}
	waitOwner(t, owner, "Charge port replaced.")

	thread := e.channel()[0].Thread
	var roles []string
	for _, m := range thread {
		roles = append(roles, m.Role)
	}
	if len(thread) < 3 || !strings.Contains(strings.Join(roles, ","), "executive") {
		t.Errorf("thread = %+v, want the claim, the reply and the resolution", thread)
	}
}

func TestBadRequests(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name   string
		method string
		path   string
		body   any
		want   []int
	}{
		{"bad json", "POST", "/api/owners/ann/messages", `{"text": `, []int{400}},
		{"wrong type", "POST", "/api/owners/ann/messages", `{"text": 5}`, []int{400}},
		{"trailing data", "POST", "/api/owners/ann/messages", `{"text": "hi"} {"text": "again"}`, []int{400}},
		{"missing body", "POST", "/api/owners/ann/messages", nil, []int{400}},
		{"empty text", "POST", "/api/owners/ann/messages", `{"text": "  "}`, []int{400}},
		{"missing action", "POST", "/api/owners/ann/actions", `{"value": "x"}`, []int{400}},
		{"oversized body", "POST", "/api/owners/ann/messages", `{"text": "` + strings.Repeat("a", 70<<10) + `"}`, []int{400, 413}},
		{"name with markup", "POST", "/api/owners/" + url.PathEscape("<b>ann</b>") + "/messages", `{"text": "hi"}`, []int{400}},
		{"name with a slash", "POST", "/api/owners/a%2Fb/messages", `{"text": "hi"}`, []int{400}},
		{"name too long", "POST", "/api/owners/" + strings.Repeat("a", 65) + "/messages", `{"text": "hi"}`, []int{400}},
		{"blank name", "POST", "/api/owners/%20/messages", `{"text": "hi"}`, []int{400}},
		{"bad exec name", "POST", "/api/execs/" + url.PathEscape("dana@corp") + "/actions", `{"action": "claim", "case": "ESC-1"}`, []int{400}},
		{"unknown case", "POST", "/api/execs/dana/actions", `{"action": "claim", "case": "ESC-999999"}`, []int{404}},
		{"unknown case reply", "POST", "/api/execs/dana/actions", `{"action": "reply", "case": "ESC-999999", "note": "hi"}`, []int{404}},
		{"missing case", "POST", "/api/execs/dana/actions", `{"action": "claim"}`, []int{400}},
		{"unknown action", "POST", "/api/execs/dana/actions", `{"action": "dance", "case": "ESC-1001"}`, []int{400}},
		{"unknown command", "POST", "/api/execs/dana/commands", `{"text": "/escalations dance"}`, []int{400}},
		{"command bad json", "POST", "/api/execs/dana/commands", `[1, 2]`, []int{400}},
		{"show unknown case", "POST", "/api/execs/dana/commands", `{"text": "/escalations show ESC-999999"}`, []int{404}},
		{"events bad name", "GET", "/api/events?owner=" + url.QueryEscape("a\u0000b"), nil, []int{400}},
		{"wrong method", "GET", "/api/owners/ann/messages", nil, []int{405}},
	}
	// One server for the whole table, so no subtests: env reports through the test it was made for.
	for _, tt := range tests {
		var out errBody
		var decode any = &out
		if tt.want[0] == http.StatusMethodNotAllowed {
			decode = nil // the mux answers in plain text
		}
		code := e.call(tt.method, tt.path, tt.body, nil, decode)
		if !slices.Contains(tt.want, code) {
			t.Errorf("%s: %s %s = %d %q, want %v", tt.name, tt.method, tt.path, code, out.Error, tt.want)
		}
		if decode != nil && out.Error == "" {
			t.Errorf("%s: no error message in the answer", tt.name)
		}
	}
}

func TestUnicodeNamesAreWelcome(t *testing.T) {
	e := newEnv(t)
	replies := e.owner("Zoë Müller-Øster", conversation.Input{Text: "hi"}, nil)
	if !strings.Contains(text(replies), conversation.DefaultFlow().Greeting) {
		t.Errorf("replies = %q, want the greeting", text(replies))
	}
	var out struct{ Text string }
	if code := e.call("POST", "/api/execs/"+url.PathEscape("Дана 2")+"/commands", map[string]string{"text": "/escalations help"}, nil, &out); code != http.StatusOK {
		t.Errorf("command as a Cyrillic name = %d", code)
	}
}

func TestIdempotencyKeyReplay(t *testing.T) {
	e := newEnv(t)
	e.intake("bob")
	key := http.Header{"Idempotency-Key": {"submit-1"}}
	id := e.submit("bob", key)

	// The same POST again, as a client retrying after a lost answer.
	// It is carried out once; the answer tells the case id again, for a client that lost it.
	again := e.owner("bob", conversation.Input{Action: conversation.ActionSubmit}, key)
	if !strings.Contains(text(again), id) {
		t.Errorf("the replayed submit answered %q, want the case id %s", text(again), id)
	}
	if cases := e.channel(); len(cases) != 1 || cases[0].ID != id {
		t.Errorf("after the replay the channel has %d cases, want only %s", len(cases), id)
	}

	msg := conversation.Input{Text: "Any news?"}
	relayKey := http.Header{"Idempotency-Key": {"msg-1"}}
	if got := e.owner("bob", msg, relayKey); !strings.Contains(text(got), id) {
		t.Errorf("relay answered %q", text(got))
	}
	if got := e.owner("bob", msg, relayKey); !strings.Contains(text(got), id) {
		t.Errorf("the replayed message answered %q, want where the owner stands (%s)", text(got), id)
	}
	n := 0
	for _, m := range e.channel()[0].Thread {
		if m.Role == "owner" && m.Text == "Any news?" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("the message is %d times in the thread, want once", n)
	}

	// The key is the owner's: another owner with the same key is not a replay.
	if got := e.owner("carl", conversation.Input{Text: "hello"}, relayKey); len(got) == 0 {
		t.Error("another owner's first message with a used key was dropped")
	}
}

func TestOwnerMentionsAreNeutralizedInThread(t *testing.T) {
	e := newEnv(t)
	e.intake("mallory")
	e.submit("mallory", nil)
	e.owner("mallory", conversation.Input{Text: "@everyone <!channel> look at this"}, nil)

	var line string
	for _, m := range e.channel()[0].Thread {
		if m.Role == "owner" {
			line = m.Text
		}
	}
	if line == "" {
		t.Fatal("the owner's message is not in the thread")
	}
	if strings.Contains(line, "@everyone") || strings.Contains(line, "<!channel>") {
		t.Errorf("thread line %q still mentions everyone", line)
	}
	if !strings.Contains(line, "look at this") {
		t.Errorf("thread line %q lost the text", line)
	}
}

func TestModeratorCommands(t *testing.T) {
	e := newEnv(t)
	e.intake("ann")
	id := e.submit("ann", nil)

	tests := []struct {
		line string
		code int
		want string // in the answer or the error
	}{
		{"/escalations list", http.StatusOK, id},
		{"/escalations show " + strings.ToLower(id), http.StatusOK, "Austin, Texas"},
		{"/escalations stats", http.StatusOK, "open 1"},
		{"/escalations help", http.StatusOK, "/escalations list"},
		{"/escalations assign " + id + " @dana", http.StatusOK, id + " is now with dana."},
		{"/escalations assign " + id + " web:erin", http.StatusOK, id + " is now with erin."},
		{"/escalations block @troll 7d spam", http.StatusOK, "web:troll is blocked until"},
		{"/escalations block @Дана spam", http.StatusOK, "web:Дана is blocked until unblocked"},
		{"/escalations block @troll 7 days spam", http.StatusBadRequest, "without a space"},
		{"/escalations block @everyone spam", http.StatusBadRequest, "everyone in a channel"},
		{"/escalations block web:* spam", http.StatusBadRequest, "without wildcards"},
		{"/escalations assign " + id + " @../../x", http.StatusBadRequest, "which platform"},
		{"/escalations assign " + id + " ''", http.StatusBadRequest, "Name a user"},
	}
	for _, tt := range tests {
		var out struct {
			Text  string `json:"text"`
			Error string `json:"error"`
		}
		code := e.call("POST", "/api/execs/mod/commands", map[string]string{"text": tt.line}, nil, &out)
		if code != tt.code || !strings.Contains(out.Text+out.Error, tt.want) {
			t.Errorf("%s = %d %q %q, want %d mentioning %q", tt.line, code, out.Text, out.Error, tt.code, tt.want)
		}
	}
}

// TestCommandMentions: "@name" in the playground names the playground user, as a mention does
// on Slack or Discord; what is no name is left for the core to refuse.
func TestCommandMentions(t *testing.T) {
	tests := []struct {
		text, want string
	}{
		{"/escalations block @dana 7d spam", "/escalations block web:dana 7d spam"},
		{"assign ESC-1 @Dana.Smith-2", "assign ESC-1 web:Dana.Smith-2"},
		{"block\t@dana spam", "block\tweb:dana spam"},
		{"@dana", "web:dana"},
		{"block @everyone spam", "block @everyone spam"},
		{"block @Here spam", "block @Here spam"},
		{"block @channel spam", "block @channel spam"},
		{"block @../../x spam", "block @../../x spam"},
		{"block @ spam", "block @ spam"},
		{"block @<!channel> spam", "block @<!channel> spam"},
		{"block web:dana spam@dana", "block web:dana spam@dana"},
		{"close ESC-1 asked @dana", "close ESC-1 asked web:dana"},
	}
	for _, tt := range tests {
		if got := commandLine(tt.text); got != tt.want {
			t.Errorf("commandLine(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestPageAndAssets(t *testing.T) {
	e := newEnv(t)
	for _, tt := range []struct {
		path, contentType string
		want              []string
	}{
		{"/", "text/html", []string{`id="owner-name"`, `id="owner-input"`, `id="owner-send"`, `id="exec-name"`, `id="command-input"`, `id="command-output"`, "/escalations list"}},
		{"/static/app.js", "javascript", []string{"textContent", "EventSource"}},
		{"/static/style.css", "text/css", []string{".card"}},
	} {
		res, err := e.srv.Client().Get(e.srv.URL + tt.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Type"), tt.contentType) {
			t.Errorf("GET %s = %d %s", tt.path, res.StatusCode, res.Header.Get("Content-Type"))
		}
		for _, w := range tt.want {
			if !bytes.Contains(body, []byte(w)) {
				t.Errorf("GET %s lacks %q", tt.path, w)
			}
		}
	}
	if strings.Contains(mustRead(t, e.srv.URL+"/static/app.js"), "innerHTML") {
		t.Error("app.js uses innerHTML; owner text must go in as textContent")
	}
	res, err := e.srv.Client().Get(e.srv.URL + "/nope")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("GET /nope = %d, want 404", res.StatusCode)
	}
}

func mustRead(t *testing.T, u string) string {
	t.Helper()
	res, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// With Redis away nothing is kept, and the client is told to send the request again: 503 with
// Retry-After, never a 2xx for work that did not happen, nor a 500.
func TestRedisDownAnswers503(t *testing.T) {
	e := newEnvOver(t, &redistest.Redis{Client: redistest.Down(t), Tenant: "down"})
	for _, tt := range []struct {
		method, path string
		body         any
	}{
		{"POST", "/api/owners/bob/messages", map[string]string{"text": "hello"}},
		{"POST", "/api/owners/bob/actions", map[string]string{"action": "choose", "value": "understood"}},
		{"POST", "/api/execs/dana/actions", map[string]string{"action": "claim", "case": "ESC-1001"}},
		{"POST", "/api/execs/dana/commands", map[string]string{"text": "/escalations list"}},
		{"GET", "/api/channel", nil},
	} {
		req, _ := http.NewRequestWithContext(t.Context(), tt.method, e.srv.URL+tt.path, nil)
		if tt.body != nil {
			data, _ := json.Marshal(tt.body)
			req, _ = http.NewRequestWithContext(t.Context(), tt.method, e.srv.URL+tt.path, bytes.NewReader(data))
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body errorBody
		_ = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" || body.Error == "" {
			t.Errorf("%s %s with Redis down: %d, Retry-After %q, error %q; want 503 with Retry-After and a message",
				tt.method, tt.path, resp.StatusCode, resp.Header.Get("Retry-After"), body.Error)
		}
	}
}
