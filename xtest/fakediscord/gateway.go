package fakediscord

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// gwSession is a gateway session: created by IDENTIFY, resumable until invalidated.
type gwSession struct {
	id      string
	token   string
	intents int
	seq     int64
	log     []gwEvent
	conn    *gwConn // nil while disconnected (events are queued in log)
	invalid bool
}

type gwEvent struct {
	seq  int64
	typ  string
	data json.RawMessage
	raw  []byte // the whole op 0 payload
	user bool   // sent with Dispatch (not READY, GUILD_CREATE after READY, RESUMED)
}

// gwConn is one websocket connection.
type gwConn struct {
	ws      *websocket.Conn
	version int
	session *gwSession // set by IDENTIFY / RESUME
	closed  bool
	beats   int // heartbeats received on this connection
}

const knownIntents = 1<<17 - 1 | 1<<20 | 1<<21 | 1<<24 | 1<<25

func trace() []string { return []string{`["fakediscord",{"micros":0}]`} }

func (s *Server) serveGateway(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if c := q.Get("compress"); c != "" {
		s.mu.Lock()
		s.violateLocked("gateway %s: transport compression %q requested; fakediscord speaks uncompressed JSON only", r.URL, c)
		s.mu.Unlock()
		http.Error(w, "fakediscord: transport compression is not supported", http.StatusBadRequest)
		return
	}
	if enc := q.Get("encoding"); enc != "" && enc != "json" {
		s.mu.Lock()
		s.violateLocked("gateway %s: encoding %q requested; fakediscord speaks JSON only", r.URL, enc)
		s.mu.Unlock()
		http.Error(w, "fakediscord: only encoding=json is supported", http.StatusBadRequest)
		return
	}
	if !websocket.IsWebSocketUpgrade(r) {
		http.Error(w, "fakediscord: websocket upgrade required", http.StatusBadRequest)
		return
	}
	version, _ := strconv.Atoi(q.Get("v"))

	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		http.Error(w, "fakediscord: closed", http.StatusServiceUnavailable)
		return
	}
	s.wg.Add(1)
	s.mu.Unlock()
	defer s.wg.Done()

	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	ws, err := up.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := &gwConn{ws: ws, version: version}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		ws.Close()
		return
	}
	s.conns[c] = struct{}{}
	s.writeJSONLocked(c, map[string]any{
		"op": 10, "s": nil, "t": nil,
		"d": map[string]any{"heartbeat_interval": s.hbInterval.Milliseconds(), "_trace": trace()},
	})
	s.mu.Unlock()

	defer func() {
		s.mu.Lock()
		s.dropConnLocked(c)
		s.mu.Unlock()
	}()
	for {
		mt, data, err := ws.ReadMessage()
		if err != nil {
			var ce *websocket.CloseError
			if errors.As(err, &ce) && (ce.Code == websocket.CloseNormalClosure || ce.Code == websocket.CloseGoingAway) {
				// Discord invalidates a session whose client closes with 1000 or 1001.
				s.mu.Lock()
				if sess := c.session; sess != nil && sess.conn == c {
					sess.invalid = true
				}
				s.mu.Unlock()
			}
			return
		}
		s.mu.Lock()
		ok := s.handleFrameLocked(c, mt, data)
		s.mu.Unlock()
		if !ok {
			return
		}
	}
}

// dropConnLocked forgets and closes a connection; its session stays resumable.
func (s *Server) dropConnLocked(c *gwConn) {
	if c.closed {
		return
	}
	c.closed = true
	delete(s.conns, c)
	if sess := c.session; sess != nil && sess.conn == c {
		sess.conn = nil
	}
	c.ws.Close()
	s.notifyLocked()
}

func (s *Server) writeLocked(c *gwConn, payload []byte) bool {
	if c.closed {
		return false
	}
	c.ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
	if err := c.ws.WriteMessage(websocket.TextMessage, payload); err != nil {
		s.dropConnLocked(c)
		return false
	}
	return true
}

func (s *Server) writeJSONLocked(c *gwConn, v any) bool { return s.writeLocked(c, mustJSON(v)) }

// closeLocked sends a close frame with a gateway close code and drops the connection.
func (s *Server) closeLocked(c *gwConn, code int, reason string) bool {
	if !c.closed {
		c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), time.Now().Add(time.Second))
		s.dropConnLocked(c)
	}
	return false
}

func (s *Server) handleFrameLocked(c *gwConn, mt int, data []byte) bool {
	if mt != websocket.TextMessage {
		s.violateLocked("gateway: binary frame from the client (fakediscord speaks JSON text frames only)")
		return s.closeLocked(c, 4002, "Error while decoding payload.")
	}
	var p struct {
		Op *int            `json:"op"`
		D  json.RawMessage `json:"d"`
	}
	if err := json.Unmarshal(data, &p); err != nil || p.Op == nil {
		s.violateLocked("gateway: undecodable payload %q", truncate(string(data), 200))
		return s.closeLocked(c, 4002, "Error while decoding payload.")
	}
	switch *p.Op {
	case 1: // HEARTBEAT
		s.heartbeats++
		c.beats++
		s.notifyLocked()
		return s.writeJSONLocked(c, map[string]any{"op": 11, "d": nil, "s": nil, "t": nil})
	case 2:
		return s.identifyLocked(c, p.D)
	case 6:
		return s.resumeLocked(c, p.D)
	case 3, 4, 8: // presence update, voice state update, request guild members
		if c.session == nil {
			s.violateLocked("gateway: op %d before IDENTIFY", *p.Op)
			return s.closeLocked(c, 4003, "Not authenticated.")
		}
		return true
	default:
		s.violateLocked("gateway: unknown opcode %d", *p.Op)
		return s.closeLocked(c, 4001, "Unknown opcode.")
	}
}

func (s *Server) tokenOK(tok string) bool {
	tok = strings.TrimPrefix(tok, "Bot ")
	return tok != "" && (s.token == "" || tok == s.token)
}

func (s *Server) identifyLocked(c *gwConn, raw json.RawMessage) bool {
	if c.session != nil {
		s.violateLocked("gateway: IDENTIFY on an already identified connection")
		return s.closeLocked(c, 4005, "Already authenticated.")
	}
	var d struct {
		Token    string  `json:"token"`
		Intents  *int    `json:"intents"`
		Shard    *[2]int `json:"shard"`
		Compress bool    `json:"compress"`
	}
	json.Unmarshal(raw, &d)
	rec := Identify{Token: d.Token, Compress: d.Compress, Shard: [2]int{0, 1}, Version: c.version, At: time.Now()}
	if d.Intents != nil {
		rec.Intents = *d.Intents
	}
	if d.Shard != nil {
		rec.Shard = *d.Shard
	}
	s.identifies = append(s.identifies, rec)
	s.notifyLocked()
	switch {
	case !s.tokenOK(d.Token):
		s.violateLocked("gateway: IDENTIFY with an invalid token")
		return s.closeLocked(c, 4004, "Authentication failed.")
	case d.Intents == nil || *d.Intents&^knownIntents != 0:
		s.violateLocked("gateway: IDENTIFY with invalid intents %v", rec.Intents)
		return s.closeLocked(c, 4013, "Invalid intent(s).")
	case rec.Shard[1] < 1 || rec.Shard[0] < 0 || rec.Shard[0] >= rec.Shard[1]:
		s.violateLocked("gateway: IDENTIFY with invalid shard %v", rec.Shard)
		return s.closeLocked(c, 4010, "Invalid shard.")
	}

	sess := &gwSession{id: randomHex(16), token: d.Token, intents: rec.Intents}
	s.identifies[len(s.identifies)-1].SessionID = sess.id
	s.sessions[sess.id] = sess
	s.sessionOrder = append(s.sessionOrder, sess)
	s.current = sess
	c.session, sess.conn = sess, c

	user := botUser()
	user["verified"] = true
	user["mfa_enabled"] = false
	user["email"] = nil
	guilds := []any{}
	for _, id := range s.guildOrder {
		guilds = append(guilds, map[string]any{"id": id, "unavailable": true})
	}
	v := c.version
	if v == 0 {
		v = 10
	}
	ready := map[string]any{
		"v":                       v,
		"user":                    user,
		"session_id":              sess.id,
		"session_type":            "normal",
		"resume_gateway_url":      s.GatewayURL(),
		"guilds":                  guilds,
		"application":             map[string]any{"id": ApplicationID, "flags": 0},
		"private_channels":        []any{},
		"presences":               []any{},
		"relationships":           []any{},
		"guild_join_requests":     []any{},
		"geo_ordered_rtc_regions": []string{"fake"},
		"user_settings":           map[string]any{},
		"auth":                    map[string]any{},
		"_trace":                  trace(),
	}
	if d.Shard != nil {
		ready["shard"] = rec.Shard
	}
	s.dispatchLocked(sess, "READY", ready, false)
	if sess.intents&1 != 0 { // GUILDS
		for _, id := range s.guildOrder {
			s.dispatchLocked(sess, "GUILD_CREATE", s.guildObjectLocked(s.guilds[id], true), false)
		}
	}
	return !c.closed
}

func (s *Server) resumeLocked(c *gwConn, raw json.RawMessage) bool {
	if c.session != nil {
		s.violateLocked("gateway: RESUME on an already identified connection")
		return s.closeLocked(c, 4005, "Already authenticated.")
	}
	var d struct {
		Token     string `json:"token"`
		SessionID string `json:"session_id"`
		Seq       int64  `json:"seq"`
	}
	json.Unmarshal(raw, &d)
	rec := Resume{SessionID: d.SessionID, Seq: d.Seq, At: time.Now()}
	sess := s.sessions[d.SessionID]
	if sess == nil || sess.invalid || strings.TrimPrefix(sess.token, "Bot ") != strings.TrimPrefix(d.Token, "Bot ") || d.Seq > sess.seq {
		// Discord answers op 9 INVALID_SESSION (not resumable); the client must IDENTIFY.
		s.resumes = append(s.resumes, rec)
		s.notifyLocked()
		return s.writeJSONLocked(c, map[string]any{"op": 9, "d": false, "s": nil, "t": nil})
	}
	rec.OK = true
	s.resumes = append(s.resumes, rec)
	if old := sess.conn; old != nil && old != c {
		s.dropConnLocked(old)
	}
	c.session, sess.conn = sess, c
	s.current = sess

	var dups []gwEvent
	for i := len(sess.log) - 1; i >= 0 && len(dups) < s.replayN; i-- {
		if e := sess.log[i]; e.user && e.seq <= d.Seq {
			dups = append([]gwEvent{e}, dups...)
		}
	}
	s.replayN = 0
	for _, e := range dups {
		s.writeLocked(c, e.raw)
	}
	for _, e := range sess.log {
		if e.seq > d.Seq && e.typ != "READY" && e.typ != "RESUMED" {
			s.writeLocked(c, e.raw)
		}
	}
	s.dispatchLocked(sess, "RESUMED", map[string]any{"_trace": trace()}, false)
	return !c.closed
}

// dispatchLocked logs an op 0 event in the session and sends it if connected.
func (s *Server) dispatchLocked(sess *gwSession, typ string, data any, user bool) int64 {
	sess.seq++
	d := mustJSON(data)
	raw := mustJSON(map[string]any{"op": 0, "s": sess.seq, "t": typ, "d": d})
	sess.log = append(sess.log, gwEvent{seq: sess.seq, typ: typ, data: d, raw: raw, user: user})
	if c := sess.conn; c != nil {
		s.writeLocked(c, raw)
	}
	s.notifyLocked()
	return sess.seq
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// Identifies returns the IDENTIFY payloads received, oldest first.
func (s *Server) Identifies() []Identify {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Identify(nil), s.identifies...)
}

// Resumes returns the RESUME payloads received, oldest first.
func (s *Server) Resumes() []Resume {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Resume(nil), s.resumes...)
}

// WaitResumes waits until at least n RESUMEs have been received and returns them all; it
// fails the test after timeout.
func (s *Server) WaitResumes(t testing.TB, n int, timeout time.Duration) []Resume {
	t.Helper()
	var got []Resume
	if s.waitFor(timeout, func() bool {
		got = append([]Resume(nil), s.resumes...)
		return len(got) >= n
	}) {
		return got
	}
	t.Fatalf("fakediscord: waited %v for %d RESUME(s), got %d", timeout, n, len(got))
	return nil
}

// Heartbeats returns how many heartbeats (op 1) the gateway received (and acknowledged).
func (s *Server) Heartbeats() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.heartbeats
}

// WaitHeartbeats waits until at least n heartbeats have been received; it fails the test
// after timeout.
func (s *Server) WaitHeartbeats(t testing.TB, n int, timeout time.Duration) int {
	t.Helper()
	var got int
	if s.waitFor(timeout, func() bool {
		got = s.heartbeats
		return got >= n
	}) {
		return got
	}
	t.Fatalf("fakediscord: waited %v for %d heartbeat(s), got %d", timeout, n, got)
	return 0
}

// SessionID returns the id of the current gateway session ("" before the first IDENTIFY).
func (s *Server) SessionID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.current == nil {
		return ""
	}
	return s.current.id
}

// Dispatched returns the events of every session (READY, GUILD_CREATE, RESUMED and those
// sent with Dispatch), sessions in creation order, events in sequence order. Replays are
// not listed again.
func (s *Server) Dispatched() []Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Event
	for _, sess := range s.sessionOrder {
		for _, e := range sess.log {
			out = append(out, Event{SessionID: sess.id, Seq: e.seq, Type: e.typ, Data: append(json.RawMessage(nil), e.data...)})
		}
	}
	return out
}

// WaitReady waits until a client has identified or resumed, is connected and has sent its
// first heartbeat on the connection (discordgo sends it as soon as Open returns, so the
// client is fully running); it fails the test after timeout. After Reconnect or
// DropConnection it waits for the RESUME (or new IDENTIFY).
func (s *Server) WaitReady(t testing.TB, timeout time.Duration) {
	t.Helper()
	if !s.waitFor(timeout, s.settledLocked) {
		t.Fatalf("fakediscord: waited %v for a gateway session to be ready; identifies: %d, resumes: %d", timeout, len(s.Identifies()), len(s.Resumes()))
	}
}

// Connected reports what WaitReady waits for, without waiting and without failing the test:
// a client is connected to the current session and has heartbeated on that connection. It may
// be called from any goroutine (before DropConnection or Reconnect from one that is not the
// test's, which must not fail the test).
func (s *Server) Connected() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.settledLocked()
}

// settledLocked reports whether the current session is connected and the client has
// heartbeated on that connection.
func (s *Server) settledLocked() bool {
	if s.current == nil {
		return false
	}
	c := s.current.conn
	return c != nil && !c.closed && c.beats > 0
}

// Dispatch sends an op 0 event to the current session and returns its sequence number. While
// the session is disconnected the event is queued and delivered on RESUME, as Discord does.
// An event needing an intent the client did not identify with is not sent (Dispatch logs it
// and returns 0); a guild MESSAGE_CREATE/UPDATE loses content, embeds, attachments and
// components without the MESSAGE_CONTENT intent unless it mentions the bot. MESSAGE_CREATE
// messages are stored (a later edit or thread finds them); INTERACTION_CREATE registers the
// interaction (callback deadline, single acknowledgement), fills "message" with the stored
// message of that id and data.id with the registered command of that name. Call it from the
// test goroutine: it fails the test when no client has identified.
func (s *Server) Dispatch(t testing.TB, eventType string, data any) int64 {
	t.Helper()
	return s.DispatchEvent(t, eventType, data).Seq
}

// DispatchEvent is Dispatch returning the event as Dispatched lists it: the session it was sent
// to (or queued in, while that session is disconnected) and its sequence number there. An
// event that was not delivered for want of an intent is the zero Event. The session tells a
// test which client got the event: a session belongs to the process that identified it, and
// an event queued in a session nobody resumes is never delivered, as on Discord.
func (s *Server) DispatchEvent(t testing.TB, eventType string, data any) Event {
	t.Helper()
	e, err := s.send(eventType, data, t.Logf)
	if err != nil {
		t.Fatalf("fakediscord: %v", err)
	}
	return e
}

// Send is DispatchEvent outside a test (a load generator): it returns what DispatchEvent
// fails the test with, and leaves out its notes.
func (s *Server) Send(eventType string, data any) (Event, error) {
	return s.send(eventType, data, func(string, ...any) {})
}

func (s *Server) send(eventType string, data any, logf func(format string, args ...any)) (Event, error) {
	raw, err := json.Marshal(data)
	if err != nil {
		return Event{}, fmt.Errorf("Dispatch(%s): %w", eventType, err)
	}
	var d any
	if err := json.Unmarshal(raw, &d); err != nil {
		return Event{}, fmt.Errorf("Dispatch(%s): %w", eventType, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sess := s.current
	if sess == nil {
		return Event{}, fmt.Errorf("Dispatch(%s): no client has identified (wait for Open or WaitReady first)", eventType)
	}
	obj, _ := d.(map[string]any)
	if need, name := requiredIntent(eventType, obj); need != 0 && sess.intents&need == 0 {
		logf("fakediscord: %s not delivered: the client did not identify with the %s intent (1<<%d)", eventType, name, bitIndex(need))
		return Event{}, nil
	}
	if obj != nil {
		if note := s.observeLocked(sess, eventType, obj); note != "" {
			logf("fakediscord: %s", note)
		}
	}
	seq := s.dispatchLocked(sess, eventType, d, true)
	e := sess.log[len(sess.log)-1]
	return Event{SessionID: sess.id, Seq: seq, Type: eventType, Data: append(json.RawMessage(nil), e.data...)}, nil
}

func bitIndex(n int) int {
	i := 0
	for n > 1 {
		n >>= 1
		i++
	}
	return i
}

// requiredIntent returns the intent an event needs (0 for none) and its name.
func requiredIntent(eventType string, obj map[string]any) (int, string) {
	guild := str(obj, "guild_id") != ""
	pick := func(g int, gname string, dm int, dmname string) (int, string) {
		if guild {
			return g, gname
		}
		return dm, dmname
	}
	switch eventType {
	case "GUILD_CREATE", "GUILD_UPDATE", "GUILD_DELETE", "GUILD_ROLE_CREATE", "GUILD_ROLE_UPDATE", "GUILD_ROLE_DELETE",
		"CHANNEL_CREATE", "CHANNEL_UPDATE", "CHANNEL_DELETE", "THREAD_CREATE", "THREAD_UPDATE", "THREAD_DELETE",
		"THREAD_LIST_SYNC", "THREAD_MEMBER_UPDATE", "STAGE_INSTANCE_CREATE", "STAGE_INSTANCE_UPDATE", "STAGE_INSTANCE_DELETE":
		return 1 << 0, "GUILDS"
	case "CHANNEL_PINS_UPDATE":
		return pick(1<<0, "GUILDS", 1<<12, "DIRECT_MESSAGES")
	case "GUILD_MEMBER_ADD", "GUILD_MEMBER_UPDATE", "GUILD_MEMBER_REMOVE", "THREAD_MEMBERS_UPDATE":
		return 1 << 1, "GUILD_MEMBERS"
	case "GUILD_BAN_ADD", "GUILD_BAN_REMOVE", "GUILD_AUDIT_LOG_ENTRY_CREATE":
		return 1 << 2, "GUILD_MODERATION"
	case "VOICE_STATE_UPDATE":
		return 1 << 7, "GUILD_VOICE_STATES"
	case "PRESENCE_UPDATE":
		return 1 << 8, "GUILD_PRESENCES"
	case "MESSAGE_CREATE", "MESSAGE_UPDATE", "MESSAGE_DELETE", "MESSAGE_DELETE_BULK":
		return pick(1<<9, "GUILD_MESSAGES", 1<<12, "DIRECT_MESSAGES")
	case "MESSAGE_REACTION_ADD", "MESSAGE_REACTION_REMOVE", "MESSAGE_REACTION_REMOVE_ALL", "MESSAGE_REACTION_REMOVE_EMOJI":
		return pick(1<<10, "GUILD_MESSAGE_REACTIONS", 1<<13, "DIRECT_MESSAGE_REACTIONS")
	case "TYPING_START":
		return pick(1<<11, "GUILD_MESSAGE_TYPING", 1<<14, "DIRECT_MESSAGE_TYPING")
	}
	return 0, ""
}

// observeLocked updates the server's state from an event about to be dispatched and adjusts
// the event as Discord would. It returns a note for the test log.
func (s *Server) observeLocked(sess *gwSession, eventType string, obj map[string]any) string {
	switch eventType {
	case "MESSAGE_CREATE", "MESSAGE_UPDATE":
		id, cid, gid := str(obj, "id"), str(obj, "channel_id"), str(obj, "guild_id")
		author, _ := obj["author"].(map[string]any)
		authorID := str(author, "id")
		if author != nil && s.users[authorID] == nil {
			s.users[authorID] = author
		}
		s.rememberChannelLocked(cid, gid, author)
		if id != "" {
			stored := deepCopy(obj).(map[string]any)
			delete(stored, "guild_id")
			delete(stored, "member")
			if m := s.messages[id]; m != nil && eventType == "MESSAGE_UPDATE" {
				for k, v := range stored {
					m.obj[k] = v
				}
			} else if eventType == "MESSAGE_CREATE" {
				if s.messages[id] == nil {
					s.msgOrder = append(s.msgOrder, id)
				}
				s.messages[id] = &message{obj: stored, channelID: cid, authorID: authorID}
			}
		}
		if gid != "" && sess.intents&(1<<15) == 0 && authorID != BotUserID && !mentionsBot(obj) {
			if str(obj, "content") == "" && len(orEmpty(obj["embeds"])) == 0 {
				return ""
			}
			obj["content"] = ""
			obj["embeds"] = []any{}
			obj["attachments"] = []any{}
			obj["components"] = []any{}
			delete(obj, "poll")
			return eventType + " " + id + ": content, embeds, attachments and components emptied: the client did not identify with the MESSAGE_CONTENT intent (1<<15) and the message does not mention the bot"
		}
	case "INTERACTION_CREATE":
		id, token := str(obj, "id"), str(obj, "token")
		cid, gid := str(obj, "channel_id"), str(obj, "guild_id")
		user, _ := obj["user"].(map[string]any)
		if mem, ok := obj["member"].(map[string]any); ok {
			user, _ = mem["user"].(map[string]any)
		}
		if user != nil && s.users[str(user, "id")] == nil {
			s.users[str(user, "id")] = user
		}
		s.rememberChannelLocked(cid, gid, user)
		in := &interaction{id: id, token: token, itype: num(obj, "type"), channelID: cid, guildID: gid, at: time.Now(), known: true, callbackIdx: -1, userID: str(user, "id")}
		if msg, ok := obj["message"].(map[string]any); ok {
			in.messageID = str(msg, "id")
			if m := s.messages[in.messageID]; m != nil {
				obj["message"] = deepCopy(m.obj)
			}
		}
		if data, ok := obj["data"].(map[string]any); ok && (in.itype == 2 || in.itype == 4) {
			ctype := num(data, "type")
			if ctype == 0 {
				ctype = 1
			}
			scopes := []string{""}
			if gid != "" {
				scopes = []string{gid, ""}
			}
			for _, scope := range scopes {
				if cmdID := s.commandIDs[scope+"/"+strconv.Itoa(ctype)+"/"+str(data, "name")]; cmdID != "" {
					data["id"] = cmdID
					break
				}
			}
		}
		if id != "" && s.interactions[id] == nil {
			s.interactions[id] = in
			s.byToken[token] = in
		}
	}
	return ""
}

func (s *Server) rememberChannelLocked(cid, gid string, user map[string]any) {
	if cid == "" || s.channels[cid] != nil {
		return
	}
	if gid != "" {
		s.channels[cid] = &channel{obj: map[string]any{
			"id": cid, "type": 0, "guild_id": gid, "name": "channel-" + cid, "position": 0,
			"permission_overwrites": []any{}, "nsfw": false, "topic": nil, "last_message_id": nil,
			"rate_limit_per_user": 0, "parent_id": nil, "flags": 0,
		}}
		return
	}
	ch := &channel{obj: map[string]any{"id": cid, "type": 1, "last_message_id": nil, "flags": 0, "recipients": []any{}}}
	if user != nil {
		ch.obj["recipients"] = []any{user}
		if uid := str(user, "id"); uid != "" && uid != BotUserID && s.dms[uid] == "" {
			s.dms[uid] = cid
		}
	}
	s.channels[cid] = ch
}

func mentionsBot(obj map[string]any) bool {
	for _, m := range orEmpty(obj["mentions"]) {
		if mm, ok := m.(map[string]any); ok && str(mm, "id") == BotUserID {
			return true
		}
	}
	return false
}

func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = deepCopy(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = deepCopy(e)
		}
		return out
	}
	return v
}

// ReplayOnResume makes the next successful RESUME re-send, before the missed events, the last
// n events sent with Dispatch that the client already acknowledged (seq <= the resumed seq),
// with their original sequence numbers: the client sees duplicates, as it may on Discord.
func (s *Server) ReplayOnResume(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.replayN = n
}

// Reconnect sends op 7 RECONNECT to the current connection; the client should close it and
// RESUME. Events dispatched meanwhile are queued for the resume. Like DropConnection, it first
// waits (up to 5 s) for the client's first heartbeat on the connection: discordgo v0.29.0
// can livelock reconnecting when its heartbeat goroutine and its reader both see a
// connection fail, which a drop right after Open provokes.
func (s *Server) Reconnect(t testing.TB) {
	t.Helper()
	s.waitFor(5*time.Second, s.settledLocked)
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.connectedLocked(t, "Reconnect")
	s.writeJSONLocked(c, map[string]any{"op": 7, "d": nil, "s": nil, "t": nil})
	c.session.conn = nil
	s.notifyLocked()
}

// DropConnection closes the current connection abruptly (no close frame); the session stays
// resumable and the client should RESUME. See Reconnect about the wait for a heartbeat.
func (s *Server) DropConnection(t testing.TB) {
	t.Helper()
	s.waitFor(5*time.Second, s.settledLocked)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dropConnLocked(s.connectedLocked(t, "DropConnection"))
}

func (s *Server) connectedLocked(t testing.TB, what string) *gwConn {
	t.Helper()
	if s.current == nil || s.current.conn == nil || s.current.conn.closed {
		t.Fatalf("fakediscord: %s: no connected gateway session", what)
	}
	return s.current.conn
}
