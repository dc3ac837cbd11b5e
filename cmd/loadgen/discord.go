package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"escalation-bot/conversation"
	"escalation-bot/xtest/fakediscord"
	"escalation-bot/xtest/ownertest"

	"github.com/bwmarrin/discordgo"
)

const (
	discordToken   = "loadgen-discord-token"
	discordChannel = "300000000000000077" // the escalation channel
)

// discordTransport sends an owner's moves as Discord does: DMs as MESSAGE_CREATE on the
// gateway, clicks as INTERACTION_CREATE; the bot answers through the REST stand-in. A DM has
// no acknowledgement; a click's is the bot's interaction response.
type discordTransport struct {
	fake *fakediscord.Server
}

func newDiscord(fake *fakediscord.Server, owners []*owner, cards *cardCount) *discordTransport {
	byDM := make(map[string]*owner, len(owners))
	for _, o := range owners {
		o.user = fmt.Sprintf("41%016d", o.p.N)
		o.dm = fmt.Sprintf("51%016d", o.p.N)
		fake.SetUser(o.user, o.p.Name)
		byDM[o.dm] = o
	}
	// The hook runs under the stand-in's lock: messages are read in order on a goroutine of
	// their own.
	type posted struct {
		channelID string
		raw       json.RawMessage
		at        time.Time
	}
	queue := make(chan posted, 1<<16)
	fake.OnMessage(func(channelID string, raw json.RawMessage) {
		queue <- posted{channelID, raw, time.Now()}
	})
	go func() {
		for p := range queue {
			readDiscord(p.channelID, p.raw, p.at, byDM, cards)
		}
	}()
	return &discordTransport{fake: fake}
}

func readDiscord(channelID string, raw json.RawMessage, at time.Time, byDM map[string]*owner, cards *cardCount) {
	if channelID == discordChannel {
		var m discordgo.Message
		if json.Unmarshal(raw, &m) == nil && len(m.Embeds) > 0 {
			if title, _, ok := strings.Cut(m.Embeds[0].Title, " · "); ok && ownertest.CaseIDPattern.MatchString(title) {
				cards.add(title)
			}
		}
		return
	}
	if o := byDM[channelID]; o != nil {
		if m, ok := ownertest.DiscordMessage(raw, at); ok {
			deliver(o, m)
		}
	}
}

func (t *discordTransport) identity(o *owner) string { return "discord:" + o.user }

func (t *discordTransport) do(ctx context.Context, o *owner, m ownertest.Message, mv ownertest.Move) (time.Duration, error) {
	if mv.Action == "" {
		_, err := t.fake.Send("MESSAGE_CREATE", fakediscord.MessageCreate("", o.dm, "", o.user, o.p.Name, mv.Text))
		return -1, err
	}
	b, ok := m.Button(mv.Action, mv.Value)
	if !ok {
		return 0, fmt.Errorf("no button %s in %q", mv, conversation.Clip(m.Text, 80))
	}
	inv := fakediscord.Invoker{UserID: o.user, Username: o.p.Name}
	var payload map[string]any
	if b.Select {
		payload = fakediscord.SelectMenu(inv, o.dm, m.ID, b.ID, b.Value)
	} else {
		payload = fakediscord.ButtonClick(inv, o.dm, m.ID, b.ID)
	}
	start := time.Now()
	if _, err := t.fake.Send("INTERACTION_CREATE", payload); err != nil {
		return 0, err
	}
	id, _ := payload["id"].(string)
	for time.Since(start) < fakediscord.InteractionDeadline {
		if len(t.fake.Responses(id)) > 0 {
			return time.Since(start), nil
		}
		if err := sleep(ctx, 2*time.Millisecond); err != nil {
			return 0, err
		}
	}
	return 0, fmt.Errorf("click %s not answered within %v", b.ID, fakediscord.InteractionDeadline)
}
