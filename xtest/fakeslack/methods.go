package fakeslack

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Slack's limits for messages (https://docs.slack.dev/reference/methods/chat.postMessage).
const (
	maxMessageText    = 40000
	maxMessageBlocks  = 50
	maxViewBlocks     = 100
	maxViewTitle      = 24
	maxPrivateMeta    = 3000
	maxCallbackID     = 255
	socketURLTemplate = "%s/socket?ticket=%s&app_id=%s"
)

type message struct {
	channel, ts, threadTS, text   string
	blocks, attachments, metadata json.RawMessage
	files                         []map[string]any // a file share's files
}

type view struct {
	id, externalID, hash, rootID string
	fields                       map[string]json.RawMessage // the view as the client sent it
}

// dispatch checks the token of a Web API call and answers it; the second result is non-empty
// when the real Slack would reject the call as the caller's mistake.
func (s *Server) dispatch(method string, form url.Values, token string) (reply, string) {
	if method == "apps.connections.open" {
		if code := checkToken(token, "xapp-"); code != "" {
			return errReply(code), code + ": apps.connections.open needs an app-level (xapp-) token in the Authorization header"
		}
		return s.connectionsOpen(), ""
	}
	h, ok := webMethod(method)
	if !ok {
		return errReply("unknown_method"), "unknown_method: fakeslack does not implement " + method
	}
	if code := checkToken(token, "xoxb-", "xoxp-"); code != "" {
		return errReply(code), code + ": Web API methods need a bot (xoxb-) token"
	}
	return h(s, form)
}

// checkToken returns the Slack error for a token that is none of the kinds.
func checkToken(token string, kinds ...string) string {
	switch {
	case token == "":
		return "not_authed"
	case hasAnyPrefix(token, kinds...):
		return ""
	case hasAnyPrefix(token, "xoxb-", "xoxp-", "xapp-", "xoxe-"):
		return "not_allowed_token_type"
	default:
		return "invalid_auth"
	}
}

func hasAnyPrefix(s string, prefixes ...string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

type methodHandler func(s *Server, form url.Values) (reply, string)

// webMethod returns the handler of a Web API method other than apps.connections.open.
func webMethod(method string) (methodHandler, bool) {
	switch method {
	case "auth.test":
		return (*Server).authTest, true
	case "chat.postMessage":
		return (*Server).chatPostMessage, true
	case "chat.update":
		return (*Server).chatUpdate, true
	case "chat.postEphemeral":
		return (*Server).chatPostEphemeral, true
	case "chat.delete":
		return (*Server).chatDelete, true
	case "conversations.open":
		return (*Server).conversationsOpen, true
	case "conversations.history":
		return (*Server).conversationsHistory, true
	case "conversations.replies":
		return (*Server).conversationsReplies, true
	case "views.open":
		return (*Server).viewsOpen, true
	case "views.push":
		return (*Server).viewsPush, true
	case "views.update":
		return (*Server).viewsUpdate, true
	case "views.publish":
		return (*Server).viewsPublish, true
	case "users.info":
		return (*Server).usersInfo, true
	case "usergroups.users.list":
		return (*Server).usergroupsUsersList, true
	case "files.getUploadURLExternal":
		return (*Server).filesGetUploadURLExternal, true
	case "files.completeUploadExternal":
		return (*Server).filesCompleteUploadExternal, true
	case "files.delete":
		return (*Server).filesDelete, true
	}
	return nil, false
}

func invalidArgs(field string) (reply, string) {
	msg := "[ERROR] missing required field: " + field
	return errReply("invalid_arguments", msg), "invalid_arguments: " + msg
}

func rejected(code string, problems []string) (reply, string) {
	return errReply(code, problems...), code + ": " + strings.Join(problems, "; ")
}

func (s *Server) authTest(url.Values) (reply, string) {
	return okReply(map[string]any{
		"url":                   "https://" + TeamDomain + ".slack.com/",
		"team":                  TeamName,
		"user":                  BotUserName,
		"team_id":               TeamID,
		"user_id":               BotUserID,
		"bot_id":                BotID,
		"is_enterprise_install": false,
	}), ""
}

// channelOf maps a user ID given as channel to the ID of the DM with that user, as Slack does.
func channelOf(ch string) string {
	if strings.HasPrefix(ch, "U") || strings.HasPrefix(ch, "W") {
		return "D" + ch
	}
	return ch
}

// checkMessage validates the text, blocks and attachments of a chat.* call.
func checkMessage(form url.Values) (reply, string, bool) {
	text, blocks := form.Get("text"), form.Get("blocks")
	if n := utf8.RuneCountInString(text); n > maxMessageText {
		msg := fmt.Sprintf("[ERROR] text is %d characters, more than %d", n, maxMessageText)
		r, v := rejected("msg_too_long", []string{msg})
		return r, v, false
	}
	if blocks != "" {
		if code, problems := validateBlocks(blocks, maxMessageBlocks); code != "" {
			r, v := rejected(code, problems)
			return r, v, false
		}
	}
	if att := form.Get("attachments"); att != "" && !json.Valid([]byte(att)) {
		r, v := rejected("invalid_attachments", []string{"[ERROR] attachments is not valid JSON"})
		return r, v, false
	}
	if strings.TrimSpace(text) == "" && !nonEmptyJSONArray(blocks) && !nonEmptyJSONArray(form.Get("attachments")) {
		return errReply("no_text"), "no_text: a message needs text, blocks or attachments", false
	}
	return reply{}, "", true
}

func nonEmptyJSONArray(s string) bool {
	var arr []json.RawMessage
	return json.Unmarshal([]byte(s), &arr) == nil && len(arr) > 0
}

func rawOrNil(s string) json.RawMessage {
	if s == "" || !json.Valid([]byte(s)) {
		return nil
	}
	return json.RawMessage(s)
}

func (m *message) object() map[string]any {
	obj := map[string]any{
		"type":   "message",
		"text":   m.text,
		"user":   BotUserID,
		"bot_id": BotID,
		"app_id": AppID,
		"team":   TeamID,
		"ts":     m.ts,
		"blocks": json.RawMessage("[]"),
		"bot_profile": map[string]any{
			"id": BotID, "app_id": AppID, "name": BotUserName, "team_id": TeamID, "deleted": false,
		},
	}
	if m.blocks != nil {
		obj["blocks"] = m.blocks
	}
	if m.attachments != nil {
		obj["attachments"] = m.attachments
	}
	if m.threadTS != "" {
		obj["thread_ts"] = m.threadTS
	}
	if m.files != nil {
		obj["subtype"], obj["files"], obj["upload"] = "file_share", m.files, false
	}
	return obj
}

// nextTS returns a new message timestamp, later than all before: 1700000000.000100, ...
func (s *Server) nextTS() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lastTS += 100
	return fmt.Sprintf("%d.%06d", 1700000000+s.lastTS/1000000, s.lastTS%1000000)
}

func (s *Server) nextID(prefix string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lastID++
	return fmt.Sprintf("%s%010d", prefix, s.lastID)
}

func (s *Server) chatPostMessage(form url.Values) (reply, string) {
	ch := form.Get("channel")
	if ch == "" {
		return errReply("channel_not_found"), "channel_not_found: no channel"
	}
	if r, v, ok := checkMessage(form); !ok {
		return r, v
	}
	meta := rawOrNil(form.Get("metadata"))
	if meta != nil {
		var md struct {
			EventType    string         `json:"event_type"`
			EventPayload map[string]any `json:"event_payload"`
		}
		if json.Unmarshal(meta, &md) != nil || md.EventType == "" || md.EventPayload == nil {
			return rejected("invalid_metadata_format", []string{"metadata needs event_type and event_payload"})
		}
	}
	m := &message{
		channel: channelOf(ch), ts: s.nextTS(), threadTS: form.Get("thread_ts"), text: form.Get("text"),
		blocks: rawOrNil(form.Get("blocks")), attachments: rawOrNil(form.Get("attachments")), metadata: meta,
	}
	s.mu.Lock()
	s.messages[m.channel+"/"+m.ts] = m
	onPost := s.onPost
	s.mu.Unlock()
	if onPost != nil {
		onPost(Message{Channel: m.channel, TS: m.ts, ThreadTS: m.threadTS, Text: m.text, Blocks: m.blocks, Metadata: m.metadata})
	}
	return okReply(map[string]any{"channel": m.channel, "ts": m.ts, "message": m.object()}), ""
}

func (s *Server) chatUpdate(form url.Values) (reply, string) {
	ch, ts := channelOf(form.Get("channel")), form.Get("ts")
	if ch == "" {
		return errReply("channel_not_found"), "channel_not_found: no channel"
	}
	if ts == "" {
		return errReply("message_not_found"), "message_not_found: no ts"
	}
	if r, v, ok := checkMessage(form); !ok {
		return r, v
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.messages[ch+"/"+ts]
	if !ok {
		return errReply("message_not_found"), fmt.Sprintf("message_not_found: no message %s in %s was posted through fakeslack", ts, ch)
	}
	// As in Slack, blocks and attachments left out of the call are kept.
	m.text = form.Get("text")
	if form.Has("blocks") {
		m.blocks = rawOrNil(form.Get("blocks"))
	}
	if form.Has("attachments") {
		m.attachments = rawOrNil(form.Get("attachments"))
	}
	return okReply(map[string]any{"channel": ch, "ts": ts, "text": m.text, "message": m.object()}), ""
}

func (s *Server) chatPostEphemeral(form url.Values) (reply, string) {
	if form.Get("channel") == "" {
		return errReply("channel_not_found"), "channel_not_found: no channel"
	}
	if form.Get("user") == "" {
		return errReply("user_not_in_channel"), "user_not_in_channel: no user"
	}
	if r, v, ok := checkMessage(form); !ok {
		return r, v
	}
	return okReply(map[string]any{"message_ts": s.nextTS()}), ""
}

func (s *Server) chatDelete(form url.Values) (reply, string) {
	ch, ts := channelOf(form.Get("channel")), form.Get("ts")
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.messages[ch+"/"+ts]; !ok {
		return errReply("message_not_found"), fmt.Sprintf("message_not_found: no message %s in %s was posted through fakeslack", ts, ch)
	}
	delete(s.messages, ch+"/"+ts)
	return okReply(map[string]any{"channel": ch, "ts": ts}), ""
}

// conversationsHistory answers the channel's top-level messages posted through the fake,
// newest first, at most limit (default 100, as Slack), with their metadata only when
// include_all_metadata is set.
func (s *Server) conversationsHistory(form url.Values) (reply, string) {
	ch := channelOf(form.Get("channel"))
	if ch == "" {
		return invalidArgs("channel")
	}
	limit := 100
	if l, err := strconv.Atoi(form.Get("limit")); err == nil && l > 0 {
		limit = min(l, 999)
	}
	withMeta := form.Get("include_all_metadata") == "1" || form.Get("include_all_metadata") == "true"
	s.mu.Lock()
	defer s.mu.Unlock() // chat.update changes messages in place
	var msgs []*message
	for _, m := range s.messages {
		if m.channel == ch && (m.threadTS == "" || m.threadTS == m.ts) {
			msgs = append(msgs, m)
		}
	}
	sort.Slice(msgs, func(i, j int) bool { return msgs[i].ts > msgs[j].ts })
	out := make([]map[string]any, 0, min(len(msgs), limit))
	for _, m := range msgs[:min(len(msgs), limit)] {
		obj := m.object()
		if withMeta && m.metadata != nil {
			obj["metadata"] = m.metadata
		}
		out = append(out, obj)
	}
	return okReply(map[string]any{"messages": out, "has_more": len(msgs) > limit}), ""
}

// conversationsReplies answers a thread as Slack does: the parent first, then the replies,
// oldest first, at most limit (default 1000) per page, paged with next_cursor; metadata only
// when include_all_metadata is set. A ts that is no message of the channel is
// thread_not_found.
func (s *Server) conversationsReplies(form url.Values) (reply, string) {
	ch, ts := channelOf(form.Get("channel")), form.Get("ts")
	if ch == "" {
		return invalidArgs("channel")
	}
	if ts == "" {
		return invalidArgs("ts")
	}
	limit := 1000
	if l, err := strconv.Atoi(form.Get("limit")); err == nil && l > 0 {
		limit = min(l, 1000)
	}
	offset := 0
	if c := form.Get("cursor"); c != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(c, "offset:"))
		if err != nil || n < 0 {
			return errReply("invalid_cursor"), "invalid_cursor: " + c
		}
		offset = n
	}
	withMeta := form.Get("include_all_metadata") == "1" || form.Get("include_all_metadata") == "true"
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.messages[ch+"/"+ts]; !ok {
		return errReply("thread_not_found"), ""
	}
	var msgs []*message
	for _, m := range s.messages {
		if m.channel == ch && (m.ts == ts || m.threadTS == ts) {
			msgs = append(msgs, m)
		}
	}
	sort.Slice(msgs, func(i, j int) bool { return msgs[i].ts < msgs[j].ts })
	msgs = msgs[min(offset, len(msgs)):]
	page := msgs[:min(len(msgs), limit)]
	out := make([]map[string]any, 0, len(page))
	for _, m := range page {
		obj := m.object()
		if withMeta && m.metadata != nil {
			obj["metadata"] = m.metadata
		}
		out = append(out, obj)
	}
	fields := map[string]any{"messages": out, "has_more": len(msgs) > limit}
	if len(msgs) > limit {
		fields["response_metadata"] = map[string]any{"next_cursor": "offset:" + strconv.Itoa(offset+limit)}
	}
	return okReply(fields), ""
}

func (s *Server) conversationsOpen(form url.Values) (reply, string) {
	if ch := form.Get("channel"); ch != "" {
		return okReply(map[string]any{"no_op": true, "already_open": true, "channel": map[string]any{"id": ch}}), ""
	}
	var users []string
	for u := range strings.SplitSeq(form.Get("users"), ",") {
		if u = strings.TrimSpace(u); u != "" {
			users = append(users, u)
		}
	}
	var id string
	switch {
	case len(users) == 0:
		return errReply("users_list_not_supplied"), "users_list_not_supplied: conversations.open needs users or channel"
	case len(users) > 8:
		return errReply("too_many_users"), "too_many_users: conversations.open takes at most 8 users"
	case len(users) == 1:
		id = "D" + users[0]
	default:
		id = "G" + strings.Join(users, "")
	}
	s.mu.Lock()
	already := s.opened[id]
	s.opened[id] = true
	s.mu.Unlock()
	channel := map[string]any{"id": id}
	if form.Get("return_im") == "true" && len(users) == 1 {
		channel = map[string]any{"id": id, "created": 1700000000, "is_im": true, "is_open": true, "user": users[0]}
	}
	return okReply(map[string]any{"no_op": already, "already_open": already, "channel": channel}), ""
}

// checkView validates a view as Slack does for views.open, push, update and publish.
func checkView(raw string, wantType string) (map[string]json.RawMessage, reply, string, bool) {
	fail := func(code string, problems ...string) (map[string]json.RawMessage, reply, string, bool) {
		r, v := rejected(code, problems)
		return nil, r, v, false
	}
	if raw == "" {
		return fail("invalid_arguments", "[ERROR] missing required field: view")
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal([]byte(raw), &fields); err != nil {
		return fail("invalid_arguments", "[ERROR] view is not a JSON object")
	}
	var top struct {
		Type            string          `json:"type"`
		Title           *textObject     `json:"title"`
		Submit          *textObject     `json:"submit"`
		Close           *textObject     `json:"close"`
		CallbackID      string          `json:"callback_id"`
		PrivateMetadata string          `json:"private_metadata"`
		ExternalID      string          `json:"external_id"`
		Blocks          json.RawMessage `json:"blocks"`
	}
	_ = json.Unmarshal([]byte(raw), &top)
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if wantType == "modal" && top.Type != "modal" {
		add("[ERROR] must be modal [json-pointer:/view/type]")
	}
	if wantType == "home" && top.Type != "home" {
		add("[ERROR] must be home [json-pointer:/view/type]")
	}
	if top.Type == "modal" {
		if top.Title == nil || top.Title.Text == "" {
			add("[ERROR] missing required field: title [json-pointer:/view/title]")
		}
		for name, obj := range map[string]*textObject{"title": top.Title, "submit": top.Submit, "close": top.Close} {
			if obj == nil {
				continue
			}
			if obj.Type != "plain_text" {
				add("[ERROR] must be plain_text [json-pointer:/view/%s/type]", name)
			}
			if n := utf8.RuneCountInString(obj.Text); n > maxViewTitle {
				add("[ERROR] must be less than %d characters [json-pointer:/view/%s/text]", maxViewTitle+1, name)
			}
		}
	}
	if n := utf8.RuneCountInString(top.CallbackID); n > maxCallbackID {
		add("[ERROR] must be less than %d characters [json-pointer:/view/callback_id]", maxCallbackID+1)
	}
	if n := utf8.RuneCountInString(top.PrivateMetadata); n > maxPrivateMeta {
		add("[ERROR] must be less than %d characters [json-pointer:/view/private_metadata]", maxPrivateMeta+1)
	}
	if len(top.Blocks) == 0 {
		add("[ERROR] missing required field: blocks [json-pointer:/view/blocks]")
	} else if code, bp := validateBlocks(string(top.Blocks), maxViewBlocks); code != "" {
		for _, p := range bp {
			problems = append(problems, strings.Replace(p, "[json-pointer:/blocks", "[json-pointer:/view/blocks", 1))
		}
		if code == "invalid_blocks_format" {
			return fail("invalid_arguments", problems...)
		}
	} else if top.Type == "modal" && top.Submit == nil && hasInputBlock(top.Blocks) {
		add("[ERROR] must provide a submit property when using input blocks [json-pointer:/view]")
	}
	if len(problems) > 0 {
		return fail("invalid_arguments", problems...)
	}
	return fields, reply{}, "", true
}

func hasInputBlock(raw json.RawMessage) bool {
	var blocks []struct {
		Type string `json:"type"`
	}
	_ = json.Unmarshal(raw, &blocks)
	for _, b := range blocks {
		if b.Type == "input" {
			return true
		}
	}
	return false
}

func (v *view) object() map[string]any {
	obj := map[string]any{}
	for k, raw := range v.fields {
		obj[k] = raw
	}
	obj["id"] = v.id
	obj["team_id"] = TeamID
	obj["state"] = map[string]any{"values": map[string]any{}}
	obj["hash"] = v.hash
	obj["root_view_id"] = v.rootID
	obj["previous_view_id"] = nil
	obj["app_id"] = AppID
	obj["app_installed_team_id"] = TeamID
	obj["bot_id"] = BotID
	obj["external_id"] = v.externalID
	for _, k := range []string{"private_metadata", "callback_id"} {
		if _, ok := obj[k]; !ok {
			obj[k] = ""
		}
	}
	for _, k := range []string{"clear_on_close", "notify_on_close"} {
		if _, ok := obj[k]; !ok {
			obj[k] = false
		}
	}
	return obj
}

func (s *Server) newHash() string {
	return fmt.Sprintf("%d.%s", time.Now().Unix(), randomHex(4))
}

func (s *Server) storeView(fields map[string]json.RawMessage) *view {
	v := &view{id: s.nextID("V"), hash: s.newHash(), fields: fields}
	if raw, ok := fields["external_id"]; ok {
		_ = json.Unmarshal(raw, &v.externalID)
	}
	v.rootID = v.id
	s.mu.Lock()
	s.views[v.id] = v
	s.mu.Unlock()
	return v
}

func (s *Server) viewsOpen(form url.Values) (reply, string) {
	if form.Get("trigger_id") == "" {
		return invalidArgs("trigger_id")
	}
	fields, r, viol, ok := checkView(form.Get("view"), "modal")
	if !ok {
		return r, viol
	}
	v := s.storeView(fields)
	return okReply(map[string]any{"view": v.object()}), ""
}

func (s *Server) viewsPush(form url.Values) (reply, string) {
	if form.Get("trigger_id") == "" {
		return invalidArgs("trigger_id")
	}
	fields, r, viol, ok := checkView(form.Get("view"), "modal")
	if !ok {
		return r, viol
	}
	v := s.storeView(fields)
	return okReply(map[string]any{"view": v.object()}), ""
}

func (s *Server) viewsPublish(form url.Values) (reply, string) {
	if form.Get("user_id") == "" {
		return invalidArgs("user_id")
	}
	fields, r, viol, ok := checkView(form.Get("view"), "home")
	if !ok {
		return r, viol
	}
	v := s.storeView(fields)
	return okReply(map[string]any{"view": v.object()}), ""
}

func (s *Server) viewsUpdate(form url.Values) (reply, string) {
	id, ext := form.Get("view_id"), form.Get("external_id")
	if id == "" && ext == "" {
		return invalidArgs("view_id")
	}
	fields, r, viol, ok := checkView(form.Get("view"), "")
	if !ok {
		return r, viol
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var v *view
	if id != "" {
		v = s.views[id]
	} else {
		for _, cand := range s.views {
			if cand.externalID == ext {
				v = cand
			}
		}
	}
	if v == nil {
		return errReply("not_found"), fmt.Sprintf("not_found: no view %q/%q was opened through fakeslack", id, ext)
	}
	if h := form.Get("hash"); h != "" && h != v.hash {
		return errReply("hash_conflict"), ""
	}
	v.fields = fields
	v.hash = s.newHash()
	return okReply(map[string]any{"view": v.object()}), ""
}

func (s *Server) usersInfo(form url.Values) (reply, string) {
	id := form.Get("user")
	if id == "" {
		return errReply("user_not_found"), "user_not_found: no user"
	}
	s.mu.Lock()
	u, ok := s.users[id]
	s.mu.Unlock()
	if !ok {
		return errReply("user_not_found"), ""
	}
	fields := map[string]any{
		"id":        u.id,
		"team_id":   u.teamID,
		"name":      u.name,
		"deleted":   false,
		"color":     "9f69e7",
		"real_name": u.name,
		"tz":        "Etc/UTC",
		"tz_label":  "Coordinated Universal Time",
		"tz_offset": 0,
		"profile": map[string]any{
			"real_name": u.name, "real_name_normalized": u.name,
			"display_name": u.name, "display_name_normalized": u.name,
			"team": u.teamID, "email": u.email,
		},
		"is_admin": false, "is_owner": false, "is_primary_owner": false,
		"is_restricted": false, "is_ultra_restricted": false,
		"is_bot":      u.id == BotUserID,
		"is_app_user": false,
		"updated":     1700000000,
	}
	// Slack answers the locale only to include_locale=true; a user who set none reads en-US.
	if form.Get("include_locale") == "true" {
		fields["locale"] = cmp.Or(u.locale, "en-US")
	}
	return okReply(map[string]any{"user": fields}), ""
}

func (s *Server) usergroupsUsersList(form url.Values) (reply, string) {
	id := form.Get("usergroup")
	if id == "" {
		return invalidArgs("usergroup")
	}
	s.mu.Lock()
	members, ok := s.groups[id]
	s.mu.Unlock()
	if !ok {
		return errReply("no_such_subteam"), ""
	}
	if members == nil {
		members = []string{}
	}
	return okReply(map[string]any{"users": members}), ""
}

func (s *Server) connectionsOpen() reply {
	ticket := randomHex(16)
	s.mu.Lock()
	s.tickets[ticket] = true
	s.mu.Unlock()
	ws := "ws" + strings.TrimPrefix(s.URL, "http")
	return okReply(map[string]any{"url": fmt.Sprintf(socketURLTemplate, ws, ticket, AppID)})
}
