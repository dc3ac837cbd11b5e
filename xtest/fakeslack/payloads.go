package fakeslack

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Sign returns the headers Slack sends with a request to an app: X-Slack-Request-Timestamp
// (ts in Unix seconds) and X-Slack-Signature, "v0=" + hex HMAC-SHA256 of "v0:<ts>:<body>"
// keyed with the signing secret.
func Sign(secret string, ts time.Time, body []byte) http.Header {
	stamp := strconv.FormatInt(ts.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	_, _ = fmt.Fprintf(mac, "v0:%s:", stamp)
	_, _ = mac.Write(body)
	h := http.Header{}
	h.Set("X-Slack-Request-Timestamp", stamp)
	h.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	return h
}

// NewSignedRequest builds the POST Slack would make to target with body, signed now with
// secret: Content-Type application/json for a JSON body, else form-encoded.
func NewSignedRequest(t testing.TB, target, secret string, body []byte) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		t.Fatalf("fakeslack: NewSignedRequest: %v", err)
	}
	for k, v := range Sign(secret, time.Now(), body) {
		req.Header[k] = v
	}
	if json.Valid(body) {
		req.Header.Set("Content-Type", "application/json")
	} else {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("User-Agent", "Slackbot 1.0 (+https://api.slack.com/robots)")
	return req
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("fakeslack: marshal payload: %v", err))
	}
	return b
}

func formPayload(v any) []byte {
	return []byte(url.Values{"payload": {string(mustJSON(v))}}.Encode())
}

// EventCallback is the body Slack posts to the Events API URL for event, and the payload of
// an "events_api" Socket Mode envelope:
// {"token","team_id","api_app_id","event":{...},"type":"event_callback","event_id","event_time",...}.
// event may be a map (MessageIM, AppMention), a struct, or JSON bytes.
func EventCallback(teamID, eventID string, event any) []byte {
	raw, err := payloadJSON(event)
	if err != nil {
		panic("fakeslack: EventCallback: " + err.Error())
	}
	eventTime := time.Now().Unix()
	var stamps struct {
		EventTS string `json:"event_ts"`
		TS      string `json:"ts"`
	}
	if json.Unmarshal(raw, &stamps) == nil {
		for _, ts := range []string{stamps.EventTS, stamps.TS} {
			if sec, _, ok := strings.Cut(ts, "."); ok {
				if n, err := strconv.ParseInt(sec, 10, 64); err == nil {
					eventTime = n
					break
				}
			}
		}
	}
	return mustJSON(map[string]any{
		"token":      VerificationToken,
		"team_id":    teamID,
		"api_app_id": AppID,
		"event":      raw,
		"type":       "event_callback",
		"event_id":   eventID,
		"event_time": eventTime,
		"authorizations": []map[string]any{{
			"enterprise_id": nil, "team_id": teamID, "user_id": BotUserID,
			"is_bot": true, "is_enterprise_install": false,
		}},
		"is_ext_shared_channel": false,
		"event_context":         "4-fake-" + eventID,
	})
}

func clientMsgID(user, ts string) string {
	sum := sha256.Sum256([]byte(user + "/" + ts))
	h := hex.EncodeToString(sum[:16])
	return h[0:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:32]
}

// MessageIM is the "message" event of a user writing text to the app in the DM channel.
func MessageIM(user, channel, text, ts string) map[string]any {
	return map[string]any{
		"client_msg_id": clientMsgID(user, ts),
		"type":          "message",
		"text":          text,
		"user":          user,
		"ts":            ts,
		"channel":       channel,
		"event_ts":      ts,
		"channel_type":  "im",
	}
}

// FileShareIM is the "message" event of a user sharing files (UserFile) with the app in the
// DM channel, with text as the message (may be empty).
func FileShareIM(user, channel, text, ts string, files ...map[string]any) map[string]any {
	m := MessageIM(user, channel, text, ts)
	m["subtype"], m["files"], m["upload"], m["display_as_bot"] = "file_share", files, false, false
	return m
}

// ThreadReply is the "message" event of user replying in channel (a public channel) in the
// thread of threadTS.
func ThreadReply(user, channel, threadTS, text, ts string) map[string]any {
	return map[string]any{
		"client_msg_id": clientMsgID(user, ts),
		"type":          "message",
		"text":          text,
		"user":          user,
		"ts":            ts,
		"thread_ts":     threadTS,
		"channel":       channel,
		"event_ts":      ts,
		"channel_type":  "channel",
	}
}

// AppMention is the "app_mention" event of user mentioning the app in channel; text should
// hold the mention, e.g. "<@UBOT> help".
func AppMention(user, channel, text, ts string) map[string]any {
	return map[string]any{
		"client_msg_id": clientMsgID(user, ts),
		"type":          "app_mention",
		"text":          text,
		"user":          user,
		"ts":            ts,
		"channel":       channel,
		"event_ts":      ts,
	}
}

// URLVerification is the body Slack posts to check an Events API URL; the app must answer
// the challenge.
func URLVerification(challenge string) []byte {
	return mustJSON(map[string]any{"token": VerificationToken, "challenge": challenge, "type": "url_verification"})
}

// Action is one element interaction of a block_actions payload. Type defaults to "button";
// for "static_select", "overflow" and "external_select" Value becomes selected_option.value,
// for "users_select", "conversations_select", "channels_select" and "datepicker" the
// selected_user/_conversation/_channel/_date. BlockID defaults to "b<index>": Slack always
// sends one, and slack-go only decodes actions that have one as BlockActions.
type Action struct {
	ActionID, Value, BlockID string
	Type                     string
}

func actionTS() string {
	now := time.Now()
	return fmt.Sprintf("%d.%06d", now.Unix(), now.Nanosecond()/1000)
}

func (a Action) object(i int) map[string]any {
	typ, blockID := a.Type, a.BlockID
	if typ == "" {
		typ = "button"
	}
	if blockID == "" {
		blockID = "b" + strconv.Itoa(i)
	}
	o := map[string]any{"type": typ, "action_id": a.ActionID, "block_id": blockID, "action_ts": actionTS()}
	option := map[string]any{"text": map[string]any{"type": "plain_text", "text": a.Value, "emoji": true}, "value": a.Value}
	switch typ {
	case "button":
		o["text"] = map[string]any{"type": "plain_text", "text": a.ActionID, "emoji": true}
		o["value"] = a.Value
	case "static_select", "overflow", "external_select", "radio_buttons":
		o["selected_option"] = option
	case "users_select":
		o["selected_user"] = a.Value
	case "conversations_select":
		o["selected_conversation"] = a.Value
	case "channels_select":
		o["selected_channel"] = a.Value
	case "datepicker":
		o["selected_date"] = a.Value
	default:
		o["value"] = a.Value
	}
	return o
}

func channelName(id string) string {
	switch {
	case strings.HasPrefix(id, "D"):
		return "directmessage"
	case strings.HasPrefix(id, "G"):
		return "privategroup"
	}
	return strings.ToLower(id)
}

func slackUser(teamID, userID, userName string) map[string]any {
	return map[string]any{"id": userID, "username": userName, "name": userName, "team_id": teamID}
}

func blockActionsObject(teamID, userID, userName, channelID, messageTS, triggerID, responseURL string, msg map[string]any, actions []Action) map[string]any {
	if msg == nil {
		msg = map[string]any{
			"type": "message", "user": BotUserID, "bot_id": BotID, "app_id": AppID, "team": teamID,
			"ts": messageTS, "text": "", "blocks": []any{},
		}
	}
	acts := make([]map[string]any, len(actions))
	for i, a := range actions {
		acts[i] = a.object(i)
	}
	return map[string]any{
		"type":       "block_actions",
		"user":       slackUser(teamID, userID, userName),
		"api_app_id": AppID,
		"token":      VerificationToken,
		"container": map[string]any{
			"type": "message", "message_ts": messageTS, "channel_id": channelID, "is_ephemeral": false,
		},
		"trigger_id":            triggerID,
		"team":                  map[string]any{"id": teamID, "domain": TeamDomain},
		"enterprise":            nil,
		"is_enterprise_install": false,
		"channel":               map[string]any{"id": channelID, "name": channelName(channelID)},
		"message":               msg,
		"state":                 map[string]any{"values": map[string]any{}},
		"response_url":          responseURL,
		"actions":               acts,
	}
}

// detachedResponseURL is the response_url of payloads built without a Server: it never
// resolves (.invalid), so a post to it fails fast instead of leaving the machine.
func detachedResponseURL(id string) string {
	return "http://fakeslack.invalid/response/" + url.PathEscape(id)
}

// BlockActions is the form-encoded body ("payload=<json>") Slack posts to the interactivity
// URL when userID clicks actions of the message messageTS in channelID. Its response_url
// does not resolve and its message has no blocks; Server.BlockActions fills both in.
func BlockActions(teamID, userID, userName, channelID, messageTS, triggerID string, actions ...Action) []byte {
	return formPayload(blockActionsObject(teamID, userID, userName, channelID, messageTS, triggerID,
		detachedResponseURL(triggerID), nil, actions))
}

// BlockActionsPayload is the payload of BlockActions as an "interactive" Socket Mode
// envelope carries it: the JSON object itself.
func BlockActionsPayload(teamID, userID, userName, channelID, messageTS, triggerID string, actions ...Action) json.RawMessage {
	return mustJSON(blockActionsObject(teamID, userID, userName, channelID, messageTS, triggerID,
		detachedResponseURL(triggerID), nil, actions))
}

// BlockActions is like the package's BlockActions, with response_url = ResponseURL(triggerID)
// and, when the message was posted through this server, its text and blocks.
func (s *Server) BlockActions(teamID, userID, userName, channelID, messageTS, triggerID string, actions ...Action) []byte {
	return formPayload(blockActionsObject(teamID, userID, userName, channelID, messageTS, triggerID,
		s.ResponseURL(triggerID), s.messageObject(channelID, messageTS), actions))
}

// BlockActionsPayload is Server.BlockActions as an "interactive" Socket Mode payload.
func (s *Server) BlockActionsPayload(teamID, userID, userName, channelID, messageTS, triggerID string, actions ...Action) json.RawMessage {
	return mustJSON(blockActionsObject(teamID, userID, userName, channelID, messageTS, triggerID,
		s.ResponseURL(triggerID), s.messageObject(channelID, messageTS), actions))
}

func (s *Server) messageObject(channelID, ts string) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m, ok := s.messages[channelOf(channelID)+"/"+ts]; ok {
		return m.object()
	}
	return nil
}

func viewSubmissionObject(teamID, userID, userName, callbackID, privateMetadata string, values map[string]map[string]string, viewID, hash string) map[string]any {
	blockIDs := make([]string, 0, len(values))
	for b := range values {
		blockIDs = append(blockIDs, b)
	}
	sort.Strings(blockIDs)
	blocks := []any{}
	state := map[string]any{}
	for _, b := range blockIDs {
		actions := map[string]any{}
		for a, v := range values[b] {
			actions[a] = map[string]any{"type": "plain_text_input", "value": v}
			if len(values[b]) == 1 {
				blocks = append(blocks, map[string]any{
					"type": "input", "block_id": b,
					"label":    map[string]any{"type": "plain_text", "text": b, "emoji": true},
					"element":  map[string]any{"type": "plain_text_input", "action_id": a, "dispatch_action_config": map[string]any{"trigger_actions_on": []string{"on_enter_pressed"}}},
					"optional": false, "dispatch_action": false,
				})
			}
		}
		state[b] = actions
	}
	if viewID == "" {
		viewID = "V0000000000"
	}
	if hash == "" {
		hash = "1700000000.fakehash"
	}
	return map[string]any{
		"type":       "view_submission",
		"team":       map[string]any{"id": teamID, "domain": TeamDomain},
		"user":       slackUser(teamID, userID, userName),
		"api_app_id": AppID,
		"token":      VerificationToken,
		"trigger_id": actionTS() + ".fake",
		"view": map[string]any{
			"id": viewID, "team_id": teamID, "type": "modal", "blocks": blocks,
			"private_metadata": privateMetadata, "callback_id": callbackID,
			"state": map[string]any{"values": state}, "hash": hash,
			"title":          map[string]any{"type": "plain_text", "text": "Fake", "emoji": true},
			"clear_on_close": false, "notify_on_close": false, "close": nil,
			"submit":           map[string]any{"type": "plain_text", "text": "Submit", "emoji": true},
			"previous_view_id": nil, "root_view_id": viewID, "app_id": AppID, "external_id": "",
			"app_installed_team_id": teamID, "bot_id": BotID,
		},
		"response_urls":         []any{},
		"is_enterprise_install": false,
		"enterprise":            nil,
	}
}

// ViewSubmission is the form-encoded body ("payload=<json>") Slack posts to the
// interactivity URL when userID submits the modal callbackID, with
// view.state.values[block][action] = {"type":"plain_text_input","value": value}.
func ViewSubmission(teamID, userID, userName, callbackID, privateMetadata string, values map[string]map[string]string) []byte {
	return formPayload(viewSubmissionObject(teamID, userID, userName, callbackID, privateMetadata, values, "", ""))
}

// ViewSubmissionPayload is ViewSubmission as an "interactive" Socket Mode payload (JSON).
func ViewSubmissionPayload(teamID, userID, userName, callbackID, privateMetadata string, values map[string]map[string]string) json.RawMessage {
	return mustJSON(viewSubmissionObject(teamID, userID, userName, callbackID, privateMetadata, values, "", ""))
}

// ViewSubmission is like the package's ViewSubmission, with the ID and hash of the view
// last opened through this server with callbackID (so views.update on it works).
func (s *Server) ViewSubmission(teamID, userID, userName, callbackID, privateMetadata string, values map[string]map[string]string) []byte {
	id, hash := s.lastView(callbackID)
	return formPayload(viewSubmissionObject(teamID, userID, userName, callbackID, privateMetadata, values, id, hash))
}

// ViewSubmissionPayload is Server.ViewSubmission as an "interactive" Socket Mode payload.
func (s *Server) ViewSubmissionPayload(teamID, userID, userName, callbackID, privateMetadata string, values map[string]map[string]string) json.RawMessage {
	id, hash := s.lastView(callbackID)
	return mustJSON(viewSubmissionObject(teamID, userID, userName, callbackID, privateMetadata, values, id, hash))
}

func (s *Server) lastView(callbackID string) (id, hash string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, v := range s.views {
		var cb string
		_ = json.Unmarshal(v.fields["callback_id"], &cb)
		if cb == callbackID && v.id > id {
			id, hash = v.id, v.hash
		}
	}
	return id, hash
}

func slashCommandFields(teamID, userID, userName, channelID, command, text, triggerID, responseURL string) url.Values {
	return url.Values{
		"token":                 {VerificationToken},
		"team_id":               {teamID},
		"team_domain":           {TeamDomain},
		"channel_id":            {channelID},
		"channel_name":          {channelName(channelID)},
		"user_id":               {userID},
		"user_name":             {userName},
		"command":               {command},
		"text":                  {text},
		"api_app_id":            {AppID},
		"is_enterprise_install": {"false"},
		"response_url":          {responseURL},
		"trigger_id":            {triggerID},
	}
}

// SlashCommand is the form-encoded body Slack posts to a slash command's request URL.
func SlashCommand(teamID, userID, userName, channelID, command, text, triggerID, responseURL string) []byte {
	return []byte(slashCommandFields(teamID, userID, userName, channelID, command, text, triggerID, responseURL).Encode())
}

// SlashCommandPayload is the payload of a "slash_commands" Socket Mode envelope: the same
// fields as SlashCommand, as a JSON object of strings.
func SlashCommandPayload(teamID, userID, userName, channelID, command, text, triggerID, responseURL string) json.RawMessage {
	obj := map[string]string{}
	for k, v := range slashCommandFields(teamID, userID, userName, channelID, command, text, triggerID, responseURL) {
		obj[k] = v[0]
	}
	return mustJSON(obj)
}
