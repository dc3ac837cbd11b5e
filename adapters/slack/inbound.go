package slack

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"escalation-bot/bot"

	slackgo "github.com/slack-go/slack"
)

// What Slack sends, read into what it asks of the core, from the payload alone: the handlers
// add what takes an API call (display names, memberships) and the checks that need the
// configuration (escalation channels).

// eventEnvelope is the outer body of the Events API (HTTP body or Socket Mode payload).
type eventEnvelope struct {
	Type      string          `json:"type"`
	Challenge string          `json:"challenge"`
	TeamID    string          `json:"team_id"`
	EventID   string          `json:"event_id"`
	Event     json.RawMessage `json:"event"`
}

// innerEvent holds the fields of message and app_mention events the adapter reads.
type innerEvent struct {
	Type        string `json:"type"`
	Subtype     string `json:"subtype"`
	User        string `json:"user"`
	BotID       string `json:"bot_id"`
	Team        string `json:"team"`
	UserTeam    string `json:"user_team"`
	Text        string `json:"text"`
	Channel     string `json:"channel"`
	ChannelType string `json:"channel_type"`
	TS          string `json:"ts"`
	ThreadTS    string `json:"thread_ts"`
	// Files are a file_share's files.
	Files []sharedFile `json:"files"`
}

// sharedFile is a file of a file_share message, as the adapter fetches it.
type sharedFile struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Mimetype string `json:"mimetype"`
	Size     int64  `json:"size"`
	// Mode "hosted" (or "snippet", "post") is a file Slack keeps; "external" is a link to
	// elsewhere and "tombstone" a deleted file, neither of which the bot fetches.
	Mode string `json:"mode"`
	// Download needs the bot token (Authorization: Bearer).
	Download string `json:"url_private_download"`
}

// eventID is the core's dedupe key of a Slack event: the same for a redelivery, whichever way
// it comes.
func eventID(id string) string {
	if id == "" {
		return ""
	}
	return Platform + ":" + id
}

// decodeEvent reads an Events API body (HTTP) or an events_api payload (Socket Mode).
func decodeEvent(body []byte) (eventEnvelope, error) {
	var env eventEnvelope
	if err := json.Unmarshal(body, &env); err != nil {
		return eventEnvelope{}, fmt.Errorf("slack event: %w", err)
	}
	return env, nil
}

// dmEvent is what an Events API callback asks of the core: an owner's DM to run through the
// intake, or a mention in a channel that opens the intake in the DM.
type dmEvent struct {
	mention bool
	// threadTS is set for a message in a channel thread: perhaps an executive writing to an
	// owner under a case card. The message's text is in owner.Text, its writer in user.
	threadTS string
	// owner has the event's ID, Owner and, for a DM, Text; the display name takes an API call.
	owner   bot.OwnerEvent
	files   []sharedFile // a DM's files, fetched before the core runs the event
	team    string       // the owner's team
	user    string       // the owner's Slack user id
	channel string       // where the event happened: the DM, or the channel of the mention
}

// readEvent reads an event_callback. ok is false for events that must not drive a dialogue:
// edits, joins, bot messages, the bot's own posts, messages outside a DM other than replies in
// a channel thread, mentions inside a DM (the DM's message event runs the intake), and users
// whose ids are not Slack's.
func readEvent(env eventEnvelope, botUser string) (ev dmEvent, ok bool, err error) {
	var in innerEvent
	if err := json.Unmarshal(env.Event, &in); err != nil {
		return dmEvent{}, false, fmt.Errorf("slack event %s: %w", env.EventID, err)
	}
	// A message with a file attached (file_share) is still the person writing: its text counts.
	if (in.Subtype != "" && in.Subtype != "file_share") || in.BotID != "" || in.User == "" || in.User == botUser {
		return dmEvent{}, false, nil
	}
	ev = dmEvent{team: firstNonEmpty(in.UserTeam, in.Team, env.TeamID), user: in.User, channel: in.Channel}
	if !validID(ev.team) || !validID(ev.user) {
		return dmEvent{}, false, nil
	}
	ev.owner = bot.OwnerEvent{ID: eventID(env.EventID), Owner: identity(ev.team, ev.user)}
	switch in.Type {
	case "message":
		switch {
		case in.ChannelType == "im":
			ev.files = in.Files
		case (in.ChannelType == "channel" || in.ChannelType == "group") && in.ThreadTS != "" && in.ThreadTS != in.TS:
			ev.threadTS = in.ThreadTS
		default:
			return dmEvent{}, false, nil
		}
		ev.owner.Text = unescape(in.Text)
	case "app_mention":
		if in.ChannelType == "im" || isDM(in.Channel) {
			return dmEvent{}, false, nil
		}
		ev.mention = true
	default:
		return dmEvent{}, false, nil
	}
	return ev, true, nil
}

// eventKey is the owner an event comes from, as readEvent names them; "" when none. Events of
// one owner run in arrival order.
func eventKey(env eventEnvelope) string {
	var ev innerEvent
	if json.Unmarshal(env.Event, &ev) != nil || ev.User == "" {
		return ""
	}
	return string(identity(firstNonEmpty(ev.UserTeam, ev.Team, env.TeamID), ev.User))
}

// decodeInteraction reads the interactivity body: a form whose payload field holds the JSON
// (Socket Mode delivers the JSON itself, decoded by slack-go).
func decodeInteraction(body []byte) (slackgo.InteractionCallback, error) {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return slackgo.InteractionCallback{}, fmt.Errorf("slack interaction: form: %w", err)
	}
	var ic slackgo.InteractionCallback
	if err := json.Unmarshal([]byte(form.Get("payload")), &ic); err != nil {
		return slackgo.InteractionCallback{}, fmt.Errorf("slack interaction: payload: %w", err)
	}
	return ic, nil
}

// click is one element of a block_actions payload, as the adapter routes it.
type click struct {
	// owner is the owner event of an intake button (owner|<action>|<n>); the display name
	// takes an API call.
	owner *bot.OwnerEvent
	// caseAction and caseID are a case card button (case|<action>, the case id as value).
	caseAction, caseID string
	channel            string // where the button was clicked
}

// readClick reads act of ic; a click that is neither an intake nor a case button, or comes
// from a user whose ids are not Slack's, is empty but for its channel.
func readClick(ic slackgo.InteractionCallback, act *slackgo.BlockAction) click {
	c := click{channel: firstNonEmpty(ic.Container.ChannelID, ic.Channel.ID)}
	parts := strings.Split(act.ActionID, "|")
	switch {
	case len(parts) == 3 && parts[0] == ownerPrefix:
		team, user := userTeam(ic), ic.User.ID
		if !validID(team) || !validID(user) {
			return c
		}
		c.owner = &bot.OwnerEvent{
			// The same click redelivered has the same message, action time and trigger.
			ID:     eventID("click:" + firstNonEmpty(ic.Container.MessageTs, ic.Message.Timestamp) + ":" + firstNonEmpty(act.ActionTs, ic.ActionTs) + ":" + ic.TriggerID),
			Owner:  identity(team, user),
			Action: parts[1],
			Value:  act.Value,
		}
	case len(parts) == 2 && parts[0] == casePrefix:
		c.caseAction, c.caseID = parts[1], act.Value
	}
	return c
}

// interactionKey is the owner behind an intake button click, as readClick names them; ""
// for anything else (case buttons and modals must not wait: a trigger_id lasts 3 s).
func interactionKey(ic slackgo.InteractionCallback) string {
	if ic.Type != slackgo.InteractionTypeBlockActions {
		return ""
	}
	for _, act := range ic.ActionCallback.BlockActions {
		if strings.HasPrefix(act.ActionID, ownerPrefix+"|") {
			return string(identity(userTeam(ic), ic.User.ID))
		}
	}
	return ""
}

// form is a submitted Reply or Resolve modal.
type form struct {
	action string // a bot.CaseAction with a Form
	caseID string
	text   string
}

// readForm reads a view_submission; ok is false for a view that is not a case modal.
func readForm(ic slackgo.InteractionCallback) (f form, ok bool) {
	action, found := strings.CutPrefix(ic.View.CallbackID, casePrefix+"|")
	if ca, known := bot.CaseActionNamed(action); !found || !known || ca.Form == nil {
		return form{}, false
	}
	f = form{action: action, caseID: ic.View.PrivateMetadata}
	if ic.View.State != nil {
		f.text = ic.View.State.Values[modalBlockID][modalActionID].Value
	}
	return f, true
}

// validID reports an id as Slack writes them: upper-case letters and digits (T0123ABC,
// U0456DEF, W…, E…). Anything else, such as a colon, would make an identity that does not
// read back as the same team and user, and so names someone else or nobody.
func validID(id string) bool {
	for i := 0; i < len(id); i++ {
		if c := id[i]; !('A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return id != ""
}
