package fakeslack

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

const (
	// pingInterval is how often the server pings each socket. slack-go's socketmode client
	// reconnects when no ping arrives within its OptionPingInterval (30s by default).
	pingInterval = time.Second
	writeTimeout = 5 * time.Second
	// maxAckSize is Slack's limit for a Socket Mode response; larger ones are dropped.
	maxAckSize = 20 * 1024
)

type socketConn struct {
	seq    int
	ws     *websocket.Conn
	wmu    sync.Mutex // gorilla allows one concurrent writer (WriteControl excepted)
	closed chan struct{}
	once   sync.Once
}

func (c *socketConn) writeJSON(v any) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.ws.SetWriteDeadline(time.Now().Add(writeTimeout))
	return c.ws.WriteJSON(v)
}

func (c *socketConn) close() {
	c.once.Do(func() {
		close(c.closed)
		_ = c.ws.Close()
	})
}

// SocketConnections is the number of open Socket Mode connections that got their hello.
func (s *Server) SocketConnections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

// WaitSocketConnections waits until exactly n Socket Mode connections are open; it fails the
// test after timeout.
func (s *Server) WaitSocketConnections(t testing.TB, n int, timeout time.Duration) {
	t.Helper()
	if !s.waitFor(timeout, func() bool { return len(s.conns) == n }) {
		t.Fatalf("fakeslack: waited %v for %d socket connection(s), have %d; %s", timeout, n, s.SocketConnections(), s.summary())
	}
}

// DropConnections tells every connected client to reconnect, as Slack does when it recycles
// a connection: a {"type":"disconnect","reason":"refresh_requested"} message, then a close
// frame, then the connection is closed. The old connections are forgotten before the
// messages go out, so SocketConnections counts only the new ones (a slack-go client is
// typically back within milliseconds).
func (s *Server) DropConnections() {
	s.mu.Lock()
	conns := s.takeConnsLocked()
	s.notifyLocked()
	s.mu.Unlock()
	for _, c := range conns {
		_ = c.writeJSON(map[string]any{
			"type":       "disconnect",
			"reason":     "refresh_requested",
			"debug_info": map[string]any{"host": "applink-fakeslack"},
		})
		_ = c.ws.WriteControl(websocket.CloseMessage,
			websocket.FormatCloseMessage(websocket.CloseGoingAway, "refresh_requested"), time.Now().Add(writeTimeout))
		c.close()
	}
}

func (s *Server) takeConnsLocked() []*socketConn {
	conns := make([]*socketConn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	clear(s.conns)
	return conns
}

// handleSocket serves the WebSocket URL that apps.connections.open hands out.
func (s *Server) handleSocket(w http.ResponseWriter, r *http.Request) {
	ticket := r.URL.Query().Get("ticket")
	s.mu.Lock()
	valid := s.tickets[ticket]
	delete(s.tickets, ticket) // a ticket is good for one connection, as Slack's are
	s.mu.Unlock()
	if !valid {
		s.violate("socket: invalid_ticket: the WebSocket URL must come from a fresh apps.connections.open")
		http.Error(w, "invalid ticket", http.StatusUnauthorized)
		return
	}
	upgrader := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := &socketConn{ws: ws, closed: make(chan struct{})}
	defer c.close()

	connTime := 18060
	if r.URL.Query().Get("debug_reconnects") == "true" {
		connTime = 360
	}
	s.mu.Lock()
	s.connSeq++
	c.seq = s.connSeq
	n := len(s.conns) + 1
	s.mu.Unlock()
	hello := map[string]any{
		"type":            "hello",
		"num_connections": n,
		"debug_info": map[string]any{
			"host": "applink-fakeslack", "build_number": 1, "approximate_connection_time": connTime,
		},
		"connection_info": map[string]any{"app_id": AppID},
	}
	if err := c.writeJSON(hello); err != nil {
		return
	}
	s.mu.Lock()
	select {
	case <-s.done: // closing: close() has taken the connections already
		s.mu.Unlock()
		return
	default:
	}
	s.conns[c] = struct{}{}
	s.notifyLocked()
	s.mu.Unlock()
	defer s.forget(c)

	go c.pinger()
	for {
		_, data, err := ws.ReadMessage()
		if err != nil {
			return
		}
		s.receive(data)
	}
}

func (c *socketConn) pinger() {
	ticker := time.NewTicker(pingInterval)
	defer ticker.Stop()
	for i := 0; ; i++ {
		if err := c.ws.WriteControl(websocket.PingMessage, fmt.Appendf(nil, "ping-%d", i), time.Now().Add(writeTimeout)); err != nil {
			c.close()
			return
		}
		select {
		case <-c.closed:
			return
		case <-ticker.C:
		}
	}
}

func (s *Server) forget(c *socketConn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.conns[c]; ok {
		delete(s.conns, c)
		s.notifyLocked()
	}
}

// receive records an ack {"envelope_id": "...", "payload": ...} from a client.
func (s *Server) receive(data []byte) {
	var ack struct {
		EnvelopeID string          `json:"envelope_id"`
		Payload    json.RawMessage `json:"payload"`
	}
	if err := json.Unmarshal(data, &ack); err != nil || ack.EnvelopeID == "" {
		s.violate(fmt.Sprintf("socket: invalid message from client: %q", truncate(string(data), 200)))
		return
	}
	if len(data) > maxAckSize {
		s.violate(fmt.Sprintf("socket: ack of %s is %d bytes; Slack drops responses over %d bytes", ack.EnvelopeID, len(data), maxAckSize))
		return
	}
	if bytes.Equal(bytes.TrimSpace(ack.Payload), []byte("null")) {
		ack.Payload = nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.sent[ack.EnvelopeID] {
		s.violations = append(s.violations, "socket: ack for unknown envelope_id "+ack.EnvelopeID)
	}
	if _, dup := s.acks[ack.EnvelopeID]; dup {
		s.violations = append(s.violations, "socket: envelope "+ack.EnvelopeID+" acked twice")
	}
	s.acks[ack.EnvelopeID] = ack.Payload
	s.notifyLocked()
}

// newestConnLocked returns the most recent connection, nil if none; s.mu must be held.
func (s *Server) newestConnLocked() *socketConn {
	var newest *socketConn
	for c := range s.conns {
		if newest == nil || c.seq > newest.seq {
			newest = c
		}
	}
	return newest
}

// SendEnvelope delivers a Socket Mode envelope of type typ ("events_api", "interactive",
// "slash_commands", ...) to the newest connected client, waiting up to 10s for a connection, and
// returns its envelope_id. payload is marshalled to JSON, except []byte, json.RawMessage
// and string, which must already be JSON (use EventCallback, BlockActionsPayload,
// ViewSubmissionPayload or SlashCommandPayload, not the form-encoded HTTP bodies). If the
// connection fails under the write, the envelope is redelivered on the next connection
// with retry_attempt incremented, as Slack does.
func (s *Server) SendEnvelope(t testing.TB, typ string, payload any) (envelopeID string) {
	t.Helper()
	raw, err := payloadJSON(payload)
	if err != nil {
		t.Fatalf("fakeslack: SendEnvelope %s: %v", typ, err)
	}
	envelopeID = newUUID()
	env := map[string]any{
		"envelope_id":              envelopeID,
		"type":                     typ,
		"payload":                  raw,
		"accepts_response_payload": acceptsResponse(typ, raw),
		"retry_attempt":            0,
		"retry_reason":             "",
	}
	s.mu.Lock()
	s.sent[envelopeID] = true
	s.mu.Unlock()
	deadline := time.Now().Add(10 * time.Second)
	for attempt := 0; ; attempt++ {
		var c *socketConn
		s.waitFor(time.Until(deadline), func() bool {
			c = s.newestConnLocked()
			return c != nil
		})
		if c == nil {
			t.Fatalf("fakeslack: SendEnvelope %s: no Socket Mode connection within 10s; %s", typ, s.summary())
		}
		if attempt > 0 {
			env["retry_attempt"] = attempt
			env["retry_reason"] = "timeout"
		}
		err := c.writeJSON(env)
		if err == nil {
			return envelopeID
		}
		c.close()
		s.forget(c)
		if time.Now().After(deadline) {
			t.Fatalf("fakeslack: SendEnvelope %s: %v", typ, err)
		}
	}
}

// acceptsResponse is Slack's accepts_response_payload: true where the ack's payload is used.
func acceptsResponse(typ string, payload json.RawMessage) bool {
	switch typ {
	case "slash_commands":
		return true
	case "interactive":
		var p struct {
			Type string `json:"type"`
		}
		_ = json.Unmarshal(payload, &p)
		switch p.Type {
		case "view_submission", "block_suggestion", "view_closed":
			return true
		}
	}
	return false
}

// WaitAck waits for the client to ack envelopeID and returns the ack's payload (nil when the
// ack carried none); it fails the test after timeout.
func (s *Server) WaitAck(t testing.TB, envelopeID string, timeout time.Duration) json.RawMessage {
	t.Helper()
	var payload json.RawMessage
	if s.waitFor(timeout, func() bool {
		p, ok := s.acks[envelopeID]
		payload = p
		return ok
	}) {
		return payload
	}
	t.Fatalf("fakeslack: envelope %s not acked within %v; %s", envelopeID, timeout, s.summary())
	return nil
}

// Acked reports whether envelopeID has been acked, and the ack's payload.
func (s *Server) Acked(envelopeID string) (json.RawMessage, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.acks[envelopeID]
	return p, ok
}

func payloadJSON(payload any) (json.RawMessage, error) {
	var raw []byte
	switch p := payload.(type) {
	case json.RawMessage:
		raw = p
	case []byte:
		raw = p
	case string:
		raw = []byte(p)
	default:
		b, err := json.Marshal(payload)
		if err != nil {
			return nil, err
		}
		return b, nil
	}
	if !json.Valid(raw) {
		return nil, errors.New("payload is not JSON (a form-encoded HTTP body? Socket Mode payloads are JSON: use the ...Payload builders)")
	}
	return json.RawMessage(raw), nil
}

func newUUID() string {
	h := randomHex(16)
	return h[0:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:32]
}
