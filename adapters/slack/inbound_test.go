package slack

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"escalation-bot/bot"
	"escalation-bot/conversation"
	"escalation-bot/xtest/fakeslack"

	slackgo "github.com/slack-go/slack"
)

// checkOwner fails unless owner is the identity of team and user, and reads back as them.
func checkOwner(t *testing.T, owner bot.Identity, team, user string) {
	t.Helper()
	if owner != identity(team, user) {
		t.Fatalf("owner %q, want the identity of team %q user %q", owner, team, user)
	}
	gotTeam, gotUser, err := parseIdentity(owner)
	if err != nil || gotTeam != team || gotUser != user {
		t.Fatalf("owner %q reads back as team %q user %q (%v), want %q %q", owner, gotTeam, gotUser, err, team, user)
	}
}

func FuzzReadEvent(f *testing.F) {
	const team, channel, ts = fakeslack.TeamID, "D0ALICE", "1700000000.000100"
	f.Add(fakeslack.EventCallback(team, "Ev01", fakeslack.MessageIM("UALICE", channel, "My 2019 Model 3 won't charge", ts)))
	f.Add(fakeslack.EventCallback(team, "Ev02", fakeslack.MessageIM("UALICE", channel, "&lt;@U1&gt; &amp; &lt;!channel&gt;", ts)))
	f.Add(fakeslack.EventCallback(team, "Ev03", fakeslack.AppMention("UALICE", "CGENERAL", "<@UBOT> help", ts)))
	f.Add(fakeslack.EventCallback(team, "Ev04", fakeslack.MessageIM(fakeslack.BotUserID, channel, "my own post", ts)))
	f.Add(fakeslack.EventCallback(team, "", map[string]any{"type": "message", "subtype": "message_changed", "channel": channel, "channel_type": "im"}))
	f.Add(fakeslack.EventCallback(team, "Ev05", fakeslack.ThreadReply("UDANA", "CESC", "1700000000.000001", "Calling you now", ts)))
	f.Add(fakeslack.EventCallback(team, "Ev06", fakeslack.ThreadReply("UDANA", "CESC", ts, "a thread's own first message", ts)))
	f.Add(fakeslack.URLVerification("challenge"))
	f.Add([]byte(`{"type":"event_callback","event":null}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		env, err := decodeEvent(body)
		if err != nil {
			return
		}
		ev, ok, err := readEvent(env, fakeslack.BotUserID)
		if err != nil || !ok {
			return
		}
		var in innerEvent
		if err := json.Unmarshal(env.Event, &in); err != nil {
			t.Fatalf("readEvent took an event that does not decode: %v", err)
		}
		if ev.user == fakeslack.BotUserID || in.BotID != "" {
			t.Fatalf("readEvent(%s) took the bot's own post", body)
		}
		checkOwner(t, ev.owner.Owner, ev.team, ev.user)
		// The job key orders an owner's events; it must name the owner the event runs as.
		if key := eventKey(env); key != string(ev.owner.Owner) {
			t.Fatalf("event key %q, but the event runs as %q", key, ev.owner.Owner)
		}
		if ev.owner.ID != eventID(env.EventID) || (env.EventID != "" && !strings.HasPrefix(ev.owner.ID, Platform+":")) {
			t.Fatalf("event id %q from %q", ev.owner.ID, env.EventID)
		}
		if ev.owner.Action != "" || ev.owner.Value != "" || ev.owner.Name != "" {
			t.Fatalf("an event made %+v", ev.owner)
		}
		switch {
		case ev.mention:
			if in.Type != "app_mention" || isDM(ev.channel) || ev.owner.Text != "" {
				t.Fatalf("mention %+v from %s", ev, body)
			}
		case ev.threadTS != "":
			if in.Type != "message" || in.ChannelType == "im" || in.ThreadTS == in.TS || ev.threadTS != in.ThreadTS {
				t.Fatalf("a %s in a %q channel (thread %q, ts %q) ran as a thread reply", in.Type, in.ChannelType, in.ThreadTS, in.TS)
			}
		default:
			if in.Type != "message" || in.ChannelType != "im" {
				t.Fatalf("a %s in a %q channel ran as a DM", in.Type, in.ChannelType)
			}
			if ev.owner.Text != unescape(in.Text) {
				t.Fatalf("text %q, want %q unescaped", ev.owner.Text, in.Text)
			}
		}
	})
}

func FuzzReadInteraction(f *testing.F) {
	const team, dm, esc = fakeslack.TeamID, "D0ALICE", "CESC"
	f.Add(fakeslack.BlockActions(team, "UALICE", "alice", dm, "1700000000.000200", "T1.trigger",
		fakeslack.Action{ActionID: ownerActionID(conversation.ActionChoose, 0), Value: "understood"}))
	f.Add(fakeslack.BlockActions(team, "UALICE", "alice", dm, "1700000000.000200", "T2.trigger",
		fakeslack.Action{ActionID: ownerActionID(conversation.ActionSubmit, 1)},
		fakeslack.Action{ActionID: ownerActionID(conversation.ActionControl, 2), Value: "back", Type: "static_select"}))
	f.Add(fakeslack.BlockActions(team, "UDANA", "dana", esc, "1700000000.000300", "T3.trigger",
		fakeslack.Action{ActionID: caseActionID(bot.ActionClaim), Value: "ESC-1042"}))
	f.Add(fakeslack.BlockActions(team, "UDANA", "dana", esc, "1700000000.000300", "T4.trigger",
		fakeslack.Action{ActionID: "owner|a|b|c", Value: "x"}, fakeslack.Action{ActionID: "case|", Value: ""}))
	f.Add(fakeslack.ViewSubmission(team, "UDANA", "dana", casePrefix+"|"+bot.ActionReply, "ESC-1042",
		map[string]map[string]string{modalBlockID: {modalActionID: "We are on it."}}))
	f.Add(fakeslack.ViewSubmission(team, "UDANA", "dana", casePrefix+"|claim", "ESC-1042", nil))
	f.Add([]byte("payload=%7B%7D"))
	f.Add([]byte("payload=null&payload=1"))
	f.Fuzz(func(t *testing.T, body []byte) {
		ic, err := decodeInteraction(body)
		if err != nil {
			return
		}
		for _, act := range ic.ActionCallback.BlockActions {
			if act == nil {
				continue
			}
			c := readClick(ic, act)
			if c.channel != firstNonEmpty(ic.Container.ChannelID, ic.Channel.ID) {
				t.Fatalf("click channel %q", c.channel)
			}
			switch {
			case c.owner != nil && c.caseAction != "":
				t.Fatalf("click %q is both an intake and a case button", act.ActionID)
			case c.owner != nil:
				ev := *c.owner
				checkOwner(t, ev.Owner, userTeam(ic), ic.User.ID)
				if ic.Type == slackgo.InteractionTypeBlockActions && interactionKey(ic) != string(ev.Owner) {
					t.Fatalf("interaction key %q, but the click runs as %q", interactionKey(ic), ev.Owner)
				}
				if !strings.HasPrefix(ev.ID, Platform+":click:") {
					t.Fatalf("click id %q", ev.ID)
				}
				if parts := strings.Split(act.ActionID, "|"); len(parts) != 3 || ev.Action != parts[1] {
					t.Fatalf("click %q made action %q", act.ActionID, ev.Action)
				}
				if ev.Value != act.Value || ev.Text != "" {
					t.Fatalf("click made %+v from value %q", ev, act.Value)
				}
			case c.caseAction != "":
				if strings.Contains(c.caseAction, "|") || caseActionID(c.caseAction) != act.ActionID || c.caseID != act.Value {
					t.Fatalf("click %q made case action %q on %q", act.ActionID, c.caseAction, c.caseID)
				}
			}
		}
		if f, ok := readForm(ic); ok {
			if f.action != bot.ActionReply && f.action != bot.ActionResolve {
				t.Fatalf("view %q read as %q", ic.View.CallbackID, f.action)
			}
			if f.caseID != ic.View.PrivateMetadata || !utf8.ValidString(f.text) {
				t.Fatalf("form %+v", f)
			}
		}
	})
}
