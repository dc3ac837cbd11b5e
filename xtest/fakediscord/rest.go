package fakediscord

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// reply is the answer to a REST request.
type reply struct {
	status int
	header http.Header
	body   any // marshalled as JSON; nil with 204
}

func jsonReply(status int, body any) reply { return reply{status: status, body: body} }

func noContent() reply { return reply{status: http.StatusNoContent} }

// errorReply is Discord's plain error body {"message": ..., "code": ...}.
func errorReply(status, code int, message string) reply {
	return jsonReply(status, map[string]any{"message": message, "code": code})
}

// req is a REST request being handled.
type req struct {
	call    *Call
	label   string // "POST /api/v9/channels/1/messages", for violations
	params  []string
	version int
	body    any // decoded JSON payload, nil when there is none
	files   []Attachment

	inter    *interaction // the interaction the request answers, if any
	callback bool         // the request is the accepted initial callback of inter
}

// obj returns the payload as a JSON object (empty when it is not one).
func (r *req) obj() map[string]any {
	if m, ok := r.body.(map[string]any); ok {
		return m
	}
	return map[string]any{}
}

type route struct {
	method  string
	pattern []string // path segments after /api/vN/; "{}" matches any segment
	auth    bool     // requires Authorization: Bot <token>
	handle  func(s *Server, r *req) reply
}

func routes() []route {
	p := func(method, pattern string, auth bool, h func(s *Server, r *req) reply) route {
		return route{method: method, pattern: strings.Split(pattern, "/"), auth: auth, handle: h}
	}
	return []route{
		p("GET", "gateway", false, (*Server).restGateway),
		p("GET", "gateway/bot", true, (*Server).restGatewayBot),
		p("GET", "users/@me", true, (*Server).restMe),
		p("POST", "users/@me/channels", true, (*Server).restCreateDM),
		p("GET", "users/{}", true, (*Server).restUser),
		p("GET", "channels/{}", true, (*Server).restChannel),
		p("POST", "channels/{}/messages", true, (*Server).restCreateMessage),
		p("GET", "channels/{}/messages", true, (*Server).restListMessages),
		p("GET", "channels/{}/messages/{}", true, (*Server).restGetMessage),
		p("PATCH", "channels/{}/messages/{}", true, (*Server).restEditMessage),
		p("DELETE", "channels/{}/messages/{}", true, (*Server).restDeleteMessage),
		p("POST", "channels/{}/messages/{}/threads", true, (*Server).restStartThread),
		p("POST", "channels/{}/typing", true, func(*Server, *req) reply { return noContent() }),
		p("PUT", "channels/{}/messages/{}/reactions/{}/@me", true, func(*Server, *req) reply { return noContent() }),
		p("DELETE", "channels/{}/messages/{}/reactions/{}/@me", true, func(*Server, *req) reply { return noContent() }),
		p("POST", "interactions/{}/{}/callback", false, (*Server).restCallback),
		p("POST", "webhooks/{}/{}", false, (*Server).restFollowup),
		p("GET", "webhooks/{}/{}/messages/{}", false, (*Server).restWebhookGet),
		p("PATCH", "webhooks/{}/{}/messages/{}", false, (*Server).restWebhookEdit),
		p("DELETE", "webhooks/{}/{}/messages/{}", false, (*Server).restWebhookDelete),
		p("GET", "applications/@me", true, (*Server).restApplication),
		p("GET", "oauth2/applications/@me", true, (*Server).restApplication),
		p("GET", "applications/{}/commands", true, (*Server).restGetCommands),
		p("PUT", "applications/{}/commands", true, (*Server).restPutCommands),
		p("GET", "applications/{}/guilds/{}/commands", true, (*Server).restGetCommands),
		p("PUT", "applications/{}/guilds/{}/commands", true, (*Server).restPutCommands),
		p("GET", "guilds/{}", true, (*Server).restGuild),
		p("GET", "guilds/{}/members/{}", true, (*Server).restMember),
		p("GET", "guilds/{}/roles", true, (*Server).restRoles),
	}
}

// match reports whether segs match the route pattern and returns the wildcard values.
func (rt route) match(segs []string) ([]string, bool) {
	if len(segs) != len(rt.pattern) {
		return nil, false
	}
	var params []string
	for i, p := range rt.pattern {
		switch {
		case p == "{}":
			if segs[i] == "" {
				return nil, false
			}
			params = append(params, segs[i])
		case p != segs[i]:
			return nil, false
		}
	}
	return params, true
}

// splitAPIPath splits "/api/v9/a/b" into "a/b" and 9.
func splitAPIPath(p string) (string, int, bool) {
	rest, ok := strings.CutPrefix(p, "/api/v")
	if !ok {
		return "", 0, false
	}
	v, rest, _ := strings.Cut(rest, "/")
	n, err := strconv.Atoi(v)
	if err != nil {
		return "", 0, false
	}
	return strings.TrimSuffix(rest, "/"), n, true
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/gateway" || r.URL.Path == "/gateway/" {
		s.serveGateway(w, r)
		return
	}
	if strings.HasPrefix(r.URL.Path, cdnPrefix) {
		s.serveCDN(w, r)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	call := Call{
		Method: r.Method,
		Path:   r.URL.Path,
		Query:  r.URL.Query(),
		Body:   body,
		Header: r.Header.Clone(),
		At:     time.Now(),
	}
	if d := s.delayFor(r.Method, r.URL.Path); d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return
		case <-s.done:
			return
		}
	}

	s.mu.Lock()
	rep, rq := s.handleLocked(&call)
	call.Status = rep.status
	s.calls = append(s.calls, call)
	if in := rq.inter; in != nil {
		in.calls = append(in.calls, len(s.calls)-1)
		if rq.callback {
			in.callbackIdx = len(s.calls) - 1
		}
	}
	s.notifyLocked()
	s.mu.Unlock()

	h := w.Header()
	for k, vs := range rep.header {
		h[k] = vs
	}
	if rep.status < 300 && h.Get("X-RateLimit-Limit") == "" {
		setRateLimitHeaders(h, call.Method+" "+normalizePath(call.Path), 4, 1)
	}
	if rep.body == nil {
		w.WriteHeader(rep.status)
		return
	}
	h.Set("Content-Type", "application/json")
	w.WriteHeader(rep.status)
	w.Write(mustJSON(rep.body))
}

func setRateLimitHeaders(h http.Header, bucket string, remaining int, resetAfter float64) {
	reset := float64(time.Now().UnixMilli())/1000 + resetAfter
	h.Set("X-RateLimit-Limit", "5")
	h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
	h.Set("X-RateLimit-Reset", strconv.FormatFloat(reset, 'f', 3, 64))
	h.Set("X-RateLimit-Reset-After", strconv.FormatFloat(resetAfter, 'f', 3, 64))
	h.Set("X-RateLimit-Bucket", fmt.Sprintf("%016x", fnv64(bucket)))
}

func fnv64(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

func (s *Server) handleLocked(call *Call) (reply, *req) {
	r := &req{call: call, label: call.Method + " " + call.Path}
	rest, version, ok := splitAPIPath(call.Path)
	if !ok {
		s.violateLocked("%s: unknown route (not under /api/v{version}/)", r.label)
		return errorReply(http.StatusNotFound, 0, "Unknown route"), r
	}
	r.version = version
	if version != 9 && version != 10 {
		s.violateLocked("%s: API v%d is not available (use v9 or v10)", r.label, version)
		return errorReply(http.StatusBadRequest, 50041, "Invalid API version provided"), r
	}
	segs := strings.Split(rest, "/")
	var rt *route
	pathKnown := false
	for _, cand := range routes() {
		params, ok := cand.match(segs)
		if !ok {
			continue
		}
		pathKnown = true
		if cand.method == call.Method {
			rt, r.params = &cand, params
			break
		}
	}
	if rt == nil {
		if pathKnown {
			s.violateLocked("%s: method not allowed", r.label)
			return errorReply(http.StatusMethodNotAllowed, 0, "405: Method Not Allowed"), r
		}
		s.violateLocked("%s: unknown route (not a Discord route fakediscord implements)", r.label)
		return errorReply(http.StatusNotFound, 0, "Unknown route"), r
	}
	if rt.auth {
		tok, ok := strings.CutPrefix(call.Header.Get("Authorization"), "Bot ")
		if !ok || tok == "" || (s.token != "" && tok != s.token) {
			what := "missing"
			if call.Header.Get("Authorization") != "" {
				what = "invalid"
			}
			s.violateLocked(`%s: %s Authorization header (want "Bot <token>")`, r.label, what)
			return errorReply(http.StatusUnauthorized, 0, "401: Unauthorized"), r
		}
	}
	if f := s.takeFailureLocked(call.Method, call.Path); f != nil {
		return failureReply(f, call.Method+" "+normalizePath(call.Path)), r
	}
	if call.Method == "POST" || call.Method == "PUT" || call.Method == "PATCH" {
		payload, files, err := jsonPayload(call.Header.Get("Content-Type"), call.Body)
		if err == nil && len(payload) > 0 {
			err = json.Unmarshal(payload, &r.body)
		}
		if err != nil {
			s.violateLocked("%s: invalid JSON body: %v", r.label, err)
			return errorReply(http.StatusBadRequest, 50109, "The request body contains invalid JSON."), r
		}
		if rep, ok := s.checkFilesLocked(r, files); !ok {
			return rep, r
		}
		r.files = files
	}
	return rt.handle(s, r), r
}

func failureReply(f *failRule, bucket string) reply {
	if f.status == http.StatusTooManyRequests {
		h := http.Header{}
		setRateLimitHeaders(h, bucket, 0, f.retryAfter)
		h.Set("Retry-After", ceilSeconds(f.retryAfter))
		h.Set("X-RateLimit-Scope", "user")
		return reply{status: f.status, header: h, body: map[string]any{
			"message":     "You are being rate limited.",
			"retry_after": f.retryAfter,
			"global":      false,
		}}
	}
	return errorReply(f.status, 0, fmt.Sprintf("%d: %s", f.status, http.StatusText(f.status)))
}

// formErrorReply answers 400 Invalid Form Body and records each error as a violation.
func (s *Server) formErrorReply(r *req, v *validator) reply {
	for _, e := range v.errs {
		s.violateLocked("%s: %s", r.label, e)
	}
	return jsonReply(http.StatusBadRequest, map[string]any{
		"code":    50035,
		"message": "Invalid Form Body",
		"errors":  v.errorTree(),
	})
}

func (s *Server) rejectLocked(r *req, status, code int, message, detail string) reply {
	s.violateLocked("%s: %s (%d): %s", r.label, message, code, detail)
	return errorReply(status, code, message)
}

// ---- gateway, users, channels ----

func (s *Server) restGateway(*req) reply {
	return jsonReply(http.StatusOK, map[string]any{"url": s.GatewayURL()})
}

func (s *Server) restGatewayBot(*req) reply {
	return jsonReply(http.StatusOK, map[string]any{
		"url":    s.GatewayURL(),
		"shards": 1,
		"session_start_limit": map[string]any{
			"total": 1000, "remaining": 999, "reset_after": 14400000, "max_concurrency": 1,
		},
	})
}

func (s *Server) restMe(*req) reply {
	u := botUser()
	u["verified"] = true
	u["mfa_enabled"] = false
	u["email"] = nil
	u["locale"] = "en-US"
	return jsonReply(http.StatusOK, u)
}

func (s *Server) restUser(r *req) reply {
	u := s.users[r.params[0]]
	if u == nil {
		return errorReply(http.StatusNotFound, 10013, "Unknown User")
	}
	return jsonReply(http.StatusOK, u)
}

func (s *Server) restCreateDM(r *req) reply {
	recipient := str(r.obj(), "recipient_id")
	if recipient == "" {
		v := &validator{}
		v.add("recipient_id", "BASE_TYPE_REQUIRED", "This field is required")
		return s.formErrorReply(r, v)
	}
	return jsonReply(http.StatusOK, s.dmChannelLocked(recipient).obj)
}

func (s *Server) dmChannelLocked(userID string) *channel {
	if id, ok := s.dms[userID]; ok {
		return s.channels[id]
	}
	u := s.users[userID]
	if u == nil {
		u = userObject(userID, "user-"+userID, false)
		s.users[userID] = u
	}
	id := s.newIDLocked()
	ch := &channel{obj: map[string]any{
		"id":              id,
		"type":            1,
		"last_message_id": nil,
		"flags":           0,
		"recipients":      []any{u},
	}}
	s.channels[id] = ch
	s.dms[userID] = id
	return ch
}

func (s *Server) restChannel(r *req) reply {
	ch := s.channels[r.params[0]]
	if ch == nil {
		return errorReply(http.StatusNotFound, 10003, "Unknown Channel")
	}
	return jsonReply(http.StatusOK, ch.obj)
}

func (s *Server) channelType(id string) int {
	if ch := s.channels[id]; ch != nil {
		return num(ch.obj, "type")
	}
	return -1
}

func (s *Server) channelGuild(id string) string {
	if ch := s.channels[id]; ch != nil {
		return str(ch.obj, "guild_id")
	}
	return ""
}

// ---- messages ----

func (s *Server) restCreateMessage(r *req) reply {
	p := r.obj()
	r.call.Ephemeral = num(p, "flags")&64 != 0
	v := &validator{}
	empty := validateMessage(v, "", p, true, len(r.files))
	nonce := nonceOf(v, p)
	if len(v.errs) > 0 {
		return s.formErrorReply(r, v)
	}
	if empty {
		return s.rejectLocked(r, http.StatusBadRequest, 50006, "Cannot send an empty message", "no content, embeds, components, stickers, poll or files")
	}
	key := BotUserID + "/" + nonce // REST messages are the bot's
	if nonce != "" && p["enforce_nonce"] == true {
		// The same author's message with this nonce, created within the window, is returned
		// instead of a new one.
		if n, ok := s.nonces[key]; ok && time.Since(n.at) < NonceWindow {
			if m := s.messages[n.messageID]; m != nil {
				return jsonReply(http.StatusOK, withNonce(m.obj, nonce))
			}
		}
	}
	m := s.newMessageLocked(r.params[0], p, r.files, nil)
	if nonce != "" {
		s.nonces[key] = sentNonce{messageID: str(m.obj, "id"), at: time.Now()}
	}
	return jsonReply(http.StatusOK, withNonce(m.obj, nonce))
}

// nonceOf returns the nonce of a message create payload as a string ("" without one), and
// records in v what Discord refuses: a nonce longer than 25 characters, or one that is neither
// a string nor an integer.
func nonceOf(v *validator, p map[string]any) string {
	switch n := p["nonce"].(type) {
	case nil:
		return ""
	case string:
		v.maxLen("nonce", n, 25)
		return n
	case float64:
		if n == float64(int64(n)) {
			return strconv.FormatInt(int64(n), 10)
		}
	}
	v.add("nonce", "BASE_TYPE_BAD_NONCE", "Must be a string or an integer of at most 25 characters")
	return ""
}

// withNonce is a message as the create response shows it: with its nonce, which Discord does
// not keep with the message.
func withNonce(obj map[string]any, nonce string) map[string]any {
	if nonce == "" {
		return obj
	}
	out := make(map[string]any, len(obj)+1)
	for k, v := range obj {
		out[k] = v
	}
	out["nonce"] = nonce
	return out
}

// restListMessages answers a channel's newest messages first, at most limit (1–100, default
// 50), as Discord does.
func (s *Server) restListMessages(r *req) reply {
	limit := 50
	if l, err := strconv.Atoi(r.call.Query.Get("limit")); err == nil {
		if l < 1 || l > 100 {
			return s.rejectLocked(r, http.StatusBadRequest, 50035, "Invalid Form Body", "limit must be 1 to 100")
		}
		limit = l
	}
	out := []any{}
	for i := len(s.msgOrder) - 1; i >= 0 && len(out) < limit; i-- {
		if m := s.messages[s.msgOrder[i]]; m != nil && m.channelID == r.params[0] {
			out = append(out, m.obj)
		}
	}
	return jsonReply(http.StatusOK, out)
}

func (s *Server) restGetMessage(r *req) reply {
	m := s.messages[r.params[1]]
	if m == nil || m.channelID != r.params[0] {
		return errorReply(http.StatusNotFound, 10008, "Unknown Message")
	}
	return jsonReply(http.StatusOK, m.obj)
}

func (s *Server) restEditMessage(r *req) reply {
	cid, mid := r.params[0], r.params[1]
	m := s.messages[mid]
	if m == nil {
		if s.deleted[mid] {
			return errorReply(http.StatusNotFound, 10008, "Unknown Message")
		}
		// A message this server never saw (e.g. posted before the test): assume the bot's.
		m = s.storeMessageLocked(mid, cid, map[string]any{}, nil, nil)
	}
	if m.channelID != cid {
		return s.rejectLocked(r, http.StatusNotFound, 10008, "Unknown Message", "message "+mid+" is in channel "+m.channelID)
	}
	if m.authorID != BotUserID {
		return s.rejectLocked(r, http.StatusForbidden, 50005, "Cannot edit a message authored by another user", "author "+m.authorID)
	}
	p := r.obj()
	r.call.Ephemeral = num(p, "flags")&64 != 0
	v := &validator{}
	validateMessage(v, "", p, false, len(r.files))
	if len(v.errs) > 0 {
		return s.formErrorReply(r, v)
	}
	s.applyEditLocked(m, p, r.files)
	return jsonReply(http.StatusOK, m.obj)
}

func (s *Server) restDeleteMessage(r *req) reply {
	m := s.messages[r.params[1]]
	if m == nil || m.channelID != r.params[0] {
		return errorReply(http.StatusNotFound, 10008, "Unknown Message")
	}
	s.deleteMessageLocked(r.params[1])
	return noContent()
}

func (s *Server) deleteMessageLocked(id string) {
	delete(s.messages, id)
	s.msgOrder = slices.DeleteFunc(s.msgOrder, func(x string) bool { return x == id })
	s.deleted[id] = true
}

func (s *Server) restStartThread(r *req) reply {
	cid, mid := r.params[0], r.params[1]
	if t := s.channelType(cid); t == 1 || t == 3 {
		return s.rejectLocked(r, http.StatusBadRequest, 50024, "Cannot execute action on this channel type", "threads cannot be started in a DM")
	}
	m := s.messages[mid]
	if m != nil && m.channelID != cid {
		return s.rejectLocked(r, http.StatusNotFound, 10008, "Unknown Message", "message "+mid+" is in channel "+m.channelID)
	}
	if m != nil && m.obj["thread"] != nil {
		return s.rejectLocked(r, http.StatusBadRequest, 160004, "A thread has already been created for this message", "message "+mid)
	}
	p := r.obj()
	v := &validator{}
	name := str(p, "name")
	if name == "" {
		v.add("name", "BASE_TYPE_REQUIRED", "This field is required")
	}
	v.maxLen("name", name, 100)
	archive := num(p, "auto_archive_duration")
	if _, ok := p["auto_archive_duration"]; ok && !slices.Contains([]int{60, 1440, 4320, 10080}, archive) {
		v.add("auto_archive_duration", "BASE_TYPE_CHOICES", "Value must be one of {60, 1440, 4320, 10080}.")
	}
	if len(v.errs) > 0 {
		return s.formErrorReply(r, v)
	}
	if archive == 0 {
		archive = 1440
	}
	now := timestamp(time.Now())
	th := map[string]any{
		"id":                  mid,
		"type":                11,
		"parent_id":           cid,
		"owner_id":            BotUserID,
		"name":                name,
		"last_message_id":     nil,
		"rate_limit_per_user": num(p, "rate_limit_per_user"),
		"message_count":       0,
		"member_count":        1,
		"total_message_sent":  0,
		"flags":               0,
		"thread_metadata": map[string]any{
			"archived":              false,
			"auto_archive_duration": archive,
			"archive_timestamp":     now,
			"locked":                false,
			"create_timestamp":      now,
		},
		"member": map[string]any{"id": mid, "user_id": BotUserID, "join_timestamp": now, "flags": 0},
	}
	if g := s.channelGuild(cid); g != "" {
		th["guild_id"] = g
	}
	s.channels[mid] = &channel{obj: th}
	if m != nil {
		m.obj["thread"] = th
		m.obj["flags"] = num(m.obj, "flags") | 32 // HAS_THREAD
	}
	return jsonReply(http.StatusCreated, th)
}

// newMessageLocked stores a new message by the bot built from a create payload.
func (s *Server) newMessageLocked(channelID string, p map[string]any, files []Attachment, extra map[string]any) *message {
	return s.storeMessageLocked(s.newIDLocked(), channelID, p, files, extra)
}

func (s *Server) storeMessageLocked(id, channelID string, p map[string]any, files []Attachment, extra map[string]any) *message {
	obj := map[string]any{
		"id":               id,
		"channel_id":       channelID,
		"type":             0,
		"content":          str(p, "content"),
		"author":           botUser(),
		"timestamp":        timestamp(time.Now()),
		"edited_timestamp": nil,
		"tts":              p["tts"] == true,
		"mention_everyone": false,
		"mentions":         []any{},
		"mention_roles":    []any{},
		"embeds":           richEmbeds(p["embeds"]),
		"components":       orEmpty(p["components"]),
		"pinned":           false,
		"flags":            num(p, "flags"),
	}
	if ref, ok := p["message_reference"].(map[string]any); ok {
		obj["message_reference"] = ref
		obj["type"] = 19
	}
	if poll, ok := p["poll"]; ok && poll != nil {
		obj["poll"] = poll
	}
	for k, v := range extra {
		obj[k] = v
	}
	obj["attachments"], files = s.attachLocked(id, channelID, files)
	m := &message{obj: obj, channelID: channelID, authorID: BotUserID, files: files}
	if s.messages[id] == nil {
		s.msgOrder = append(s.msgOrder, id)
	}
	s.messages[id] = m
	if s.onMessage != nil {
		s.onMessage(channelID, mustJSON(obj))
	}
	if ch := s.channels[channelID]; ch != nil {
		ch.obj["last_message_id"] = id
		if num(ch.obj, "type") == 11 {
			ch.obj["message_count"] = num(ch.obj, "message_count") + 1
			ch.obj["total_message_sent"] = num(ch.obj, "total_message_sent") + 1
		}
	}
	return m
}

// applyEditLocked applies an edit payload (PATCH message, webhook edit, UPDATE_MESSAGE callback).
func (s *Server) applyEditLocked(m *message, p map[string]any, files []Attachment) {
	if v, ok := p["content"]; ok {
		m.obj["content"], _ = v.(string)
	}
	if v, ok := p["embeds"]; ok {
		m.obj["embeds"] = richEmbeds(v)
	}
	if v, ok := p["components"]; ok {
		m.obj["components"] = orEmpty(v)
	}
	if v, ok := p["attachments"]; ok {
		// The list names the attachments to keep, by id; the others leave the message.
		keep := map[string]bool{}
		for _, a := range orEmpty(v) {
			if am, ok := a.(map[string]any); ok {
				keep[str(am, "id")] = true
			}
		}
		kept := []any{}
		for _, a := range orEmpty(m.obj["attachments"]) {
			if am, ok := a.(map[string]any); ok && keep[str(am, "id")] {
				kept = append(kept, a)
			}
		}
		m.obj["attachments"] = kept
		m.files = slices.DeleteFunc(m.files, func(f Attachment) bool { return !keep[f.ID] })
	}
	if len(files) > 0 {
		added, kept := s.attachLocked(str(m.obj, "id"), m.channelID, files)
		m.obj["attachments"] = append(orEmpty(m.obj["attachments"]), added...)
		m.files = append(m.files, kept...)
	}
	if _, ok := p["flags"]; ok {
		// Only SUPPRESS_EMBEDS can be changed on an edit.
		m.obj["flags"] = num(m.obj, "flags")&^4 | num(p, "flags")&4
	}
	m.obj["edited_timestamp"] = timestamp(time.Now())
}

// attachLocked gives the files of a message their attachment ids and returns the message's
// attachments field for them, with their CDN links, and the files as kept.
func (s *Server) attachLocked(messageID, channelID string, files []Attachment) ([]any, []Attachment) {
	out := []any{}
	kept := make([]Attachment, len(files))
	for i, f := range files {
		f.ID, f.MessageID = s.newIDLocked(), messageID
		kept[i] = f
		a := map[string]any{
			"id": f.ID, "filename": f.Filename, "size": len(f.Data),
			"url":       "https://cdn.discordapp.com" + cdnPath(channelID, f.ID, f.Filename),
			"proxy_url": "https://media.discordapp.net" + cdnPath(channelID, f.ID, f.Filename),
		}
		if f.ContentType != "" {
			a["content_type"] = f.ContentType
		}
		out = append(out, a)
	}
	return out, kept
}

// checkFilesLocked refuses what Discord refuses of a multipart request's files: more than
// MaxAttachments, one over MaxAttachmentSize, a part named other than files[n] or file.
func (s *Server) checkFilesLocked(r *req, files []Attachment) (reply, bool) {
	if len(files) > MaxAttachments {
		v := &validator{}
		v.add("files", "BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be %d or fewer in length.", MaxAttachments))
		return s.formErrorReply(r, v), false
	}
	for _, f := range files {
		if f.Field != "file" && !(strings.HasPrefix(f.Field, "files[") && strings.HasSuffix(f.Field, "]")) {
			return s.rejectLocked(r, http.StatusBadRequest, 50035, "Invalid Form Body", "file part "+strconv.Quote(f.Field)+" is neither files[n] nor file"), false
		}
		if len(f.Data) > MaxAttachmentSize {
			return s.rejectLocked(r, http.StatusRequestEntityTooLarge, 40005, "Request entity too large", fmt.Sprintf("%s is %d bytes, more than %d", f.Filename, len(f.Data), MaxAttachmentSize)), false
		}
	}
	return reply{}, true
}

func richEmbeds(v any) []any {
	list, _ := v.([]any)
	out := []any{}
	for _, e := range list {
		if em, ok := e.(map[string]any); ok {
			c := make(map[string]any, len(em)+1)
			for k, v := range em {
				c[k] = v
			}
			if str(c, "type") == "" {
				c["type"] = "rich"
			}
			out = append(out, c)
		}
	}
	return out
}

func orEmpty(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	return []any{}
}

// ---- interactions ----

// interactionLocked returns the interaction with this id (and token), creating a lenient
// record for one that was not dispatched through this server.
func (s *Server) interactionLocked(id, token string) *interaction {
	if in := s.interactions[id]; in != nil {
		return in
	}
	if in := s.byToken[token]; in != nil && id == "" {
		return in
	}
	in := &interaction{id: id, token: token, at: time.Now(), callbackIdx: -1}
	if id == "" {
		// A webhook call with a token we never saw: treat it as acknowledged.
		in.acked = true
	} else {
		s.interactions[id] = in
	}
	s.byToken[token] = in
	return in
}

func callbackName(t int) (string, bool) {
	switch t {
	case 1:
		return "PONG", true
	case 4:
		return "CHANNEL_MESSAGE_WITH_SOURCE", true
	case 5:
		return "DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE", true
	case 6:
		return "DEFERRED_UPDATE_MESSAGE", true
	case 7:
		return "UPDATE_MESSAGE", true
	case 8:
		return "APPLICATION_COMMAND_AUTOCOMPLETE_RESULT", true
	case 9:
		return "MODAL", true
	case 10:
		return "PREMIUM_REQUIRED", true
	case 12:
		return "LAUNCH_ACTIVITY", true
	}
	return "", false
}

func (s *Server) restCallback(r *req) reply {
	id, token := r.params[0], r.params[1]
	in := s.interactionLocked(id, token)
	r.inter = in
	p := r.obj()
	rtype := num(p, "type")
	data, _ := p["data"].(map[string]any)
	r.call.CallbackType = rtype
	r.call.Ephemeral = num(data, "flags")&64 != 0

	if in.token != token {
		return s.rejectLocked(r, http.StatusUnauthorized, 50027, "Invalid Webhook Token", "the token does not belong to interaction "+id)
	}
	if in.acked {
		return s.rejectLocked(r, http.StatusBadRequest, 40060, "Interaction has already been acknowledged.", fmt.Sprintf("already answered with type %d", in.ackType))
	}
	if in.known {
		if late := time.Since(in.at); late > InteractionDeadline {
			return s.rejectLocked(r, http.StatusNotFound, 10062, "Unknown interaction", fmt.Sprintf("callback %v after INTERACTION_CREATE (deadline %v)", late.Round(time.Millisecond), InteractionDeadline))
		}
	}
	name, ok := callbackName(rtype)
	if !ok || rtype == 1 || rtype == 10 || rtype == 12 {
		return s.rejectLocked(r, http.StatusBadRequest, 50035, "Invalid Form Body", fmt.Sprintf("interaction response type %d is not valid here", rtype))
	}
	if in.known {
		bad := ""
		switch {
		case (rtype == 6 || rtype == 7) && in.itype != 3 && !(in.itype == 5 && in.messageID != ""):
			bad = "only message component interactions (and modal submits from a component) can be answered with " + name
		case rtype == 9 && (in.itype == 5 || in.itype == 4):
			bad = "a modal cannot answer a modal submit or an autocomplete"
		case rtype == 8 && in.itype != 4:
			bad = "autocomplete results answer autocomplete interactions only"
		case rtype != 8 && in.itype == 4:
			bad = "autocomplete interactions must be answered with type 8"
		}
		if bad != "" {
			return s.rejectLocked(r, http.StatusBadRequest, 50035, "Invalid Form Body", fmt.Sprintf("type %d (%s) for interaction type %d: %s", rtype, name, in.itype, bad))
		}
	}

	v := &validator{}
	switch rtype {
	case 4, 7:
		if data == nil {
			v.add("data", "BASE_TYPE_REQUIRED", "This field is required")
			break
		}
		empty := validateMessage(v, "data.", data, rtype == 4, len(r.files))
		if empty && len(v.errs) == 0 {
			return s.rejectLocked(r, http.StatusBadRequest, 50006, "Cannot send an empty message", "CHANNEL_MESSAGE_WITH_SOURCE without content, embeds, components, poll or files")
		}
	case 9:
		validateModal(v, "data.", data)
	case 8:
		if choices, _ := data["choices"].([]any); len(choices) > 25 {
			v.add("data.choices", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
		}
	}
	if len(v.errs) > 0 {
		return s.formErrorReply(r, v)
	}

	in.acked, in.ackType = true, rtype
	r.callback = true
	extra := map[string]any{
		"webhook_id":     ApplicationID,
		"application_id": ApplicationID,
		"interaction_metadata": map[string]any{
			"id": in.id, "type": in.itype, "user": map[string]any{"id": in.userID},
		},
	}
	if in.itype == 2 {
		extra["type"] = 20 // CHAT_INPUT_COMMAND
	}
	switch rtype {
	case 4:
		m := s.newMessageLocked(in.channelID, data, r.files, extra)
		m.obj["flags"] = num(data, "flags") & (64 | 4 | 4096)
		in.originalID = str(m.obj, "id")
	case 5:
		m := s.newMessageLocked(in.channelID, map[string]any{}, nil, extra)
		m.obj["flags"] = num(data, "flags")&64 | 128 // LOADING
		in.originalID = str(m.obj, "id")
	case 6, 7:
		in.originalID = in.messageID
		if rtype == 7 && in.messageID != "" {
			m := s.messages[in.messageID]
			if m == nil {
				m = s.storeMessageLocked(in.messageID, in.channelID, map[string]any{}, nil, nil)
			}
			s.applyEditLocked(m, data, r.files)
		}
	}
	return noContent()
}

// webhookInteractionLocked resolves the interaction of a /webhooks/{app}/{token} request.
func (s *Server) webhookInteractionLocked(r *req) (*interaction, *reply) {
	app, token := r.params[0], r.params[1]
	if app != ApplicationID {
		rep := s.rejectLocked(r, http.StatusNotFound, 10015, "Unknown Webhook", "fakediscord serves only interaction webhooks of application "+ApplicationID)
		return nil, &rep
	}
	in := s.interactionLocked("", token)
	r.inter = in
	if !in.acked {
		rep := s.rejectLocked(r, http.StatusNotFound, 10015, "Unknown Webhook", "interaction "+in.id+" has not been acknowledged with a callback yet")
		return nil, &rep
	}
	return in, nil
}

func (s *Server) restFollowup(r *req) reply {
	p := r.obj()
	r.call.Ephemeral = num(p, "flags")&64 != 0
	in, rep := s.webhookInteractionLocked(r)
	if rep != nil {
		return *rep
	}
	v := &validator{}
	empty := validateMessage(v, "", p, true, len(r.files))
	if len(v.errs) > 0 {
		return s.formErrorReply(r, v)
	}
	if empty {
		return s.rejectLocked(r, http.StatusBadRequest, 50006, "Cannot send an empty message", "follow-up without content, embeds, components, poll or files")
	}
	m := s.newMessageLocked(in.channelID, p, r.files, map[string]any{"webhook_id": ApplicationID, "application_id": ApplicationID})
	m.obj["flags"] = num(p, "flags") & (64 | 4 | 4096)
	if r.call.Query.Get("wait") != "true" {
		return noContent()
	}
	return jsonReply(http.StatusOK, m.obj)
}

// webhookMessageLocked resolves {mid} of /webhooks/{app}/{token}/messages/{mid}.
func (s *Server) webhookMessageLocked(in *interaction, mid string, create bool) *message {
	if mid == "@original" {
		if in.originalID == "" {
			if !create {
				return nil
			}
			m := s.newMessageLocked(in.channelID, map[string]any{}, nil, map[string]any{"webhook_id": ApplicationID, "application_id": ApplicationID})
			in.originalID = str(m.obj, "id")
		}
		mid = in.originalID
	}
	m := s.messages[mid]
	if m == nil && create && !s.deleted[mid] {
		m = s.storeMessageLocked(mid, in.channelID, map[string]any{}, nil, nil)
	}
	return m
}

func (s *Server) restWebhookGet(r *req) reply {
	in, rep := s.webhookInteractionLocked(r)
	if rep != nil {
		return *rep
	}
	m := s.webhookMessageLocked(in, r.params[2], false)
	if m == nil {
		return errorReply(http.StatusNotFound, 10008, "Unknown Message")
	}
	return jsonReply(http.StatusOK, m.obj)
}

func (s *Server) restWebhookEdit(r *req) reply {
	p := r.obj()
	r.call.Ephemeral = num(p, "flags")&64 != 0
	in, rep := s.webhookInteractionLocked(r)
	if rep != nil {
		return *rep
	}
	m := s.webhookMessageLocked(in, r.params[2], true)
	if m == nil {
		return errorReply(http.StatusNotFound, 10008, "Unknown Message")
	}
	v := &validator{}
	validateMessage(v, "", p, false, len(r.files))
	if len(v.errs) > 0 {
		return s.formErrorReply(r, v)
	}
	s.applyEditLocked(m, p, r.files)
	m.obj["flags"] = num(m.obj, "flags") &^ 128 // no longer "thinking"
	return jsonReply(http.StatusOK, m.obj)
}

func (s *Server) restWebhookDelete(r *req) reply {
	in, rep := s.webhookInteractionLocked(r)
	if rep != nil {
		return *rep
	}
	m := s.webhookMessageLocked(in, r.params[2], false)
	if m == nil {
		return errorReply(http.StatusNotFound, 10008, "Unknown Message")
	}
	s.deleteMessageLocked(str(m.obj, "id"))
	return noContent()
}

// ---- applications ----

func (s *Server) restApplication(*req) reply {
	return jsonReply(http.StatusOK, map[string]any{
		"id": ApplicationID, "name": BotUsername, "icon": nil, "description": "",
		"bot_public": false, "bot_require_code_grant": false, "verify_key": strings.Repeat("0", 64),
		"flags": 0, "bot": botUser(), "owner": userObject("100000000000000002", "owner", false),
		"team": nil, "summary": "", "terms_of_service_url": "", "privacy_policy_url": "",
	})
}

func (s *Server) checkApp(r *req) *reply {
	if r.params[0] != ApplicationID {
		rep := s.rejectLocked(r, http.StatusForbidden, 50001, "Missing Access", "application "+r.params[0]+" is not the bot's ("+ApplicationID+")")
		return &rep
	}
	return nil
}

func (s *Server) restGetCommands(r *req) reply {
	if rep := s.checkApp(r); rep != nil {
		return *rep
	}
	scope := ""
	if len(r.params) > 1 {
		scope = r.params[1]
	}
	out := []any{}
	for _, c := range s.commands[scope] {
		out = append(out, c)
	}
	return jsonReply(http.StatusOK, out)
}

func (s *Server) restPutCommands(r *req) reply {
	if rep := s.checkApp(r); rep != nil {
		return *rep
	}
	scope := ""
	if len(r.params) > 1 {
		scope = r.params[1]
	}
	list, ok := r.body.([]any)
	if !ok && r.body != nil {
		v := &validator{}
		v.add("", "BASE_TYPE_ARRAY", "Must be an array.")
		return s.formErrorReply(r, v)
	}
	v := &validator{}
	validateCommands(v, list)
	if len(v.errs) > 0 {
		return s.formErrorReply(r, v)
	}
	out := make([]map[string]any, 0, len(list))
	for _, item := range list {
		c := item.(map[string]any)
		ctype := num(c, "type")
		if ctype == 0 {
			ctype = 1
		}
		key := fmt.Sprintf("%s/%d/%s", scope, ctype, str(c, "name"))
		id := s.commandIDs[key]
		if id == "" {
			id = s.newIDLocked()
			s.commandIDs[key] = id
		}
		cmd := map[string]any{
			"id":                         id,
			"application_id":             ApplicationID,
			"version":                    s.newIDLocked(),
			"type":                       ctype,
			"name":                       str(c, "name"),
			"name_localizations":         c["name_localizations"],
			"description":                str(c, "description"),
			"description_localizations":  c["description_localizations"],
			"default_member_permissions": c["default_member_permissions"],
			"nsfw":                       c["nsfw"] == true,
			"integration_types":          orDefault(c["integration_types"], []any{0}),
			"contexts":                   c["contexts"],
		}
		if opts, ok := c["options"].([]any); ok && len(opts) > 0 {
			cmd["options"] = opts
		}
		if scope != "" {
			cmd["guild_id"] = scope
		} else {
			cmd["dm_permission"] = c["dm_permission"] != false
		}
		out = append(out, cmd)
	}
	s.commands[scope] = out
	return jsonReply(http.StatusOK, out)
}

func orDefault(v, def any) any {
	if v == nil {
		return def
	}
	return v
}

// ---- guilds ----

func (s *Server) restGuild(r *req) reply {
	g := s.guilds[r.params[0]]
	if g == nil {
		return errorReply(http.StatusNotFound, 10004, "Unknown Guild")
	}
	return jsonReply(http.StatusOK, s.guildObjectLocked(g, false))
}

func (s *Server) restMember(r *req) reply {
	g := s.guilds[r.params[0]]
	if g == nil {
		return errorReply(http.StatusNotFound, 10004, "Unknown Guild")
	}
	m := g.members[r.params[1]]
	if m == nil {
		return errorReply(http.StatusNotFound, 10007, "Unknown Member")
	}
	return jsonReply(http.StatusOK, s.memberObjectLocked(m))
}

func (s *Server) restRoles(r *req) reply {
	g := s.guilds[r.params[0]]
	if g == nil {
		return errorReply(http.StatusNotFound, 10004, "Unknown Guild")
	}
	return jsonReply(http.StatusOK, s.rolesLocked(g))
}

func (s *Server) memberObjectLocked(m *member) map[string]any {
	u := s.users[m.userID]
	if u == nil {
		u = userObject(m.userID, "user-"+m.userID, false)
	}
	obj := memberObject(m.roles, m.joinedAt)
	obj["user"] = u
	return obj
}

func orStrings(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

func (s *Server) rolesLocked(g *guild) []any {
	roles := slices.Clone(g.roles)
	if !g.rolesSet {
		seen := map[string]bool{}
		var ids []string
		for _, m := range g.members {
			for _, id := range m.roles {
				if !seen[id] {
					seen[id] = true
					ids = append(ids, id)
				}
			}
		}
		slices.Sort(ids)
		for i, id := range ids {
			roles = append(roles, Role{ID: id, Name: "role-" + id, Position: i + 1})
		}
	}
	if !slices.ContainsFunc(roles, func(r Role) bool { return r.ID == g.id }) {
		roles = append([]Role{{ID: g.id, Name: "@everyone", Permissions: DefaultMemberPermissions}}, roles...)
	}
	out := make([]any, 0, len(roles))
	for _, r := range roles {
		out = append(out, map[string]any{
			"id":            r.ID,
			"name":          r.Name,
			"color":         r.Color,
			"hoist":         r.Hoist,
			"icon":          nil,
			"unicode_emoji": nil,
			"position":      r.Position,
			"permissions":   strconv.FormatInt(r.Permissions, 10),
			"managed":       r.Managed,
			"mentionable":   r.Mentionable,
			"flags":         0,
		})
	}
	return out
}

func (s *Server) guildObjectLocked(g *guild, create bool) map[string]any {
	obj := map[string]any{
		"id":                            g.id,
		"name":                          g.name,
		"icon":                          nil,
		"splash":                        nil,
		"owner_id":                      "100000000000000002",
		"afk_channel_id":                nil,
		"afk_timeout":                   300,
		"verification_level":            0,
		"default_message_notifications": 1,
		"explicit_content_filter":       0,
		"roles":                         s.rolesLocked(g),
		"emojis":                        []any{},
		"stickers":                      []any{},
		"features":                      []any{},
		"mfa_level":                     0,
		"system_channel_id":             nil,
		"premium_tier":                  0,
		"preferred_locale":              "en-US",
		"nsfw_level":                    0,
	}
	if create {
		members := []any{}
		ids := make([]string, 0, len(g.members))
		for id := range g.members {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		for _, id := range ids {
			members = append(members, s.memberObjectLocked(g.members[id]))
		}
		channels := []any{}
		for _, ch := range s.channels {
			if str(ch.obj, "guild_id") == g.id && num(ch.obj, "type") != 11 {
				channels = append(channels, ch.obj)
			}
		}
		obj["joined_at"] = timestamp(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC))
		obj["large"] = false
		obj["unavailable"] = false
		obj["member_count"] = len(g.members) + 1
		obj["members"] = members
		obj["channels"] = channels
		obj["threads"] = []any{}
		obj["presences"] = []any{}
		obj["voice_states"] = []any{}
		obj["stage_instances"] = []any{}
		obj["guild_scheduled_events"] = []any{}
	}
	return obj
}

// ---- JSON helpers ----

func str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

func num(m map[string]any, k string) int {
	switch v := m[k].(type) {
	case float64:
		return int(v)
	case int:
		return v
	case int64:
		return int(v)
	case string:
		n, _ := strconv.Atoi(v)
		return n
	}
	return 0
}
