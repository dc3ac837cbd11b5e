package slack

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"

	slackgo "github.com/slack-go/slack"
)

// maxBody bounds every request Slack sends; real payloads are a few KiB.
const maxBody = 1 << 20

// Register adds the Events API, interactivity and slash command endpoints to mux (HTTP mode).
func (a *Adapter) Register(mux *http.ServeMux) {
	mux.HandleFunc("POST /slack/events", a.serveEvents)
	mux.HandleFunc("POST /slack/interactions", a.serveInteractions)
	mux.HandleFunc("POST /slack/commands", a.serveCommands)
}

// verified reads the body and checks Slack's v0 signature over it, with a timestamp at most
// five minutes off. On failure it has answered, and nothing else happens.
func (a *Adapter) verified(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
		} else {
			http.Error(w, "unreadable request body", http.StatusBadRequest)
		}
		return nil, false
	}
	sv, err := slackgo.NewSecretsVerifier(r.Header, a.cfg.SigningSecret)
	if err == nil {
		_, _ = sv.Write(body) // an HMAC write does not fail
		err = sv.Ensure()     // constant-time compare
	}
	if err != nil {
		a.log.WarnContext(r.Context(), "slack request refused: signature check failed", "path", r.URL.Path, "reason", err, "remote", r.RemoteAddr)
		http.Error(w, "invalid signature", http.StatusUnauthorized)
		return nil, false
	}
	return body, true
}

func (a *Adapter) serveEvents(w http.ResponseWriter, r *http.Request) {
	body, ok := a.verified(w, r)
	if !ok {
		return
	}
	env, err := decodeEvent(body)
	if err != nil {
		http.Error(w, "invalid JSON", http.StatusBadRequest)
		return
	}
	switch env.Type {
	case "url_verification":
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{"challenge": env.Challenge})
		return
	case "event_callback":
	default:
		w.WriteHeader(http.StatusOK)
		return
	}
	// Slack retries an event exactly when it did not see the first delivery acknowledged (a 503
	// while stopping, a timeout, a reset), so a retry may be the only delivery: it runs like any
	// event, and the core's dedupe by event id makes a retry of a handled event change nothing.
	if n := r.Header.Get("X-Slack-Retry-Num"); n != "" {
		a.log.DebugContext(r.Context(), "slack event retry", "event_id", env.EventID, "retry", n, "reason", r.Header.Get("X-Slack-Retry-Reason"))
	}
	a.ack(w, a.acceptEvent(r.Context(), env))
}

// ack answers a request whose work was stored (err nil): an empty 200, which also closes a
// submitted modal. When it could not be stored (Redis away, stopping) it answers 503, so that
// Slack does not count it as delivered and sends it again.
func (a *Adapter) ack(w http.ResponseWriter, err error) {
	if err != nil {
		w.Header().Set("Retry-After", "5")
		http.Error(w, "not stored, try again", http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusOK)
}

func (a *Adapter) serveInteractions(w http.ResponseWriter, r *http.Request) {
	body, ok := a.verified(w, r)
	if !ok {
		return
	}
	ic, err := decodeInteraction(body)
	if err != nil {
		http.Error(w, "invalid payload", http.StatusBadRequest)
		return
	}
	a.ack(w, a.acceptInteraction(r.Context(), ic))
}

func (a *Adapter) serveCommands(w http.ResponseWriter, r *http.Request) {
	body, ok := a.verified(w, r)
	if !ok {
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	cmd, err := slackgo.SlashCommandParse(r)
	if err != nil {
		http.Error(w, "invalid form", http.StatusBadRequest)
		return
	}
	// The answer goes to response_url after the work; an empty 200 shows nothing meanwhile.
	a.ack(w, a.acceptCommand(r.Context(), cmd))
}
