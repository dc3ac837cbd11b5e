package slack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"escalation-bot/bot"
	"escalation-bot/conversation"

	slackgo "github.com/slack-go/slack"
)

// Messenger delivers the core's messages on Slack: DMs to owners, case cards and their threads
// in the escalation channels. It implements bot.Messenger for the platform "slack".
type Messenger struct {
	api *api
	log *slog.Logger
}

var (
	_ bot.Messenger = (*Messenger)(nil)
	_ bot.Directory = (*Messenger)(nil)
)

// NewMessenger builds the Web API client of cfg. It makes no call: the adapter checks the
// token when it starts.
func NewMessenger(cfg Config, logger *slog.Logger) (*Messenger, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.Default()
	}
	logger = logger.With("adapter", Platform)
	return &Messenger{api: newAPI(cfg, logger), log: logger}, nil
}

// Platform implements bot.Messenger.
func (m *Messenger) Platform() string { return Platform }

// SendToOwner writes the replies into the owner's DM with the bot, in order.
func (m *Messenger) SendToOwner(ctx context.Context, owner bot.Identity, replies []conversation.Reply) error {
	_, user, err := parseIdentity(owner)
	if err != nil {
		return err
	}
	if len(replies) == 0 {
		return nil
	}
	channel, err := m.api.openDM(ctx, user)
	if err != nil {
		return fmt.Errorf("open DM with %s: %w", owner, err)
	}
	return m.sendReplies(ctx, channel, replies)
}

// sendReplies posts the replies into a channel, in order.
func (m *Messenger) sendReplies(ctx context.Context, channel string, replies []conversation.Reply) error {
	for _, r := range replies {
		if _, err := m.api.post(ctx, channel, renderReply(r)); err != nil {
			return fmt.Errorf("post to %s: %w", channel, err)
		}
	}
	return nil
}

// answerEvent is the metadata event type of the bot's answer to an owner's event: each message
// of the answer carries the event id and its place in the answer.
const answerEvent = "escalation_answer"

// sendAnswer posts the answer to an owner's event in the DM. Each message carries the event id,
// its place in the answer and the answer's length, so that when the event is handled again
// after a crash (recheck) an answer Slack already has in full is found in the DM's recent
// history and not posted twice. An answer cut off half-way is posted again whole: the owner
// must not miss the question it ends with.
func (m *Messenger) sendAnswer(ctx context.Context, channel, event string, replies []conversation.Reply, recheck bool) error {
	if event == "" {
		return m.sendReplies(ctx, channel, replies)
	}
	if recheck {
		delivered, err := m.answered(ctx, channel, event)
		if err != nil {
			return err
		}
		if delivered {
			return nil
		}
	}
	for i, r := range replies {
		meta := slackgo.SlackMetadata{EventType: answerEvent, EventPayload: map[string]any{"event": event, "part": i, "of": len(replies)}}
		if _, err := m.api.post(ctx, channel, renderReply(r), slackgo.MsgOptionMetadata(meta)); err != nil {
			return fmt.Errorf("post to %s: %w", channel, err)
		}
	}
	return nil
}

// answered reports whether the DM's recent history holds every message of the answer to event.
func (m *Messenger) answered(ctx context.Context, channel, event string) (bool, error) {
	msgs, err := m.api.history(ctx, channel, 50)
	if err != nil {
		return false, fmt.Errorf("look for an earlier answer in %s: %w", channel, err)
	}
	parts, of := map[int]bool{}, -1
	for _, msg := range msgs {
		p := msg.Metadata.EventPayload
		if msg.Metadata.EventType != answerEvent || p["event"] != event {
			continue
		}
		part, ok1 := p["part"].(float64)
		n, ok2 := p["of"].(float64)
		if ok1 && ok2 {
			parts[int(part)], of = true, int(n)
		}
	}
	return of > 0 && len(parts) == of, nil
}

// PostCard posts the case card; the message ts is the reference for updates and the thread.
func (m *Messenger) PostCard(ctx context.Context, channel string, card bot.Card) (string, error) {
	ts, err := m.api.post(ctx, channel, renderCard(card), slackgo.MsgOptionMetadata(cardMetadata(card.ID)))
	if err != nil {
		return "", fmt.Errorf("post card %s to %s: %w", card.ID, channel, err)
	}
	return ts, nil
}

// cardEvent is the metadata event type of a case card: FindCard finds a card by it.
const cardEvent = "escalation_case_card"

func cardMetadata(caseID string) slackgo.SlackMetadata {
	return slackgo.SlackMetadata{EventType: cardEvent, EventPayload: map[string]any{"case": caseID}}
}

// historyWindow is how many of a channel's newest messages FindCard looks through. A card is
// looked for right after a post whose answer was lost, so it is among the newest unless the
// channel is very busy.
const historyWindow = 200

// FindCard looks in the channel's recent history for a card of the case this bot posted, so
// that a post whose answer was lost (a crash, Redis failing before the post was recorded) is
// not posted a second time.
func (m *Messenger) FindCard(ctx context.Context, channel, caseID string) (string, error) {
	msgs, err := m.api.history(ctx, channel, historyWindow)
	if err != nil {
		return "", fmt.Errorf("look for card %s in %s: %w", caseID, channel, err)
	}
	for _, msg := range msgs {
		if msg.Metadata.EventType == cardEvent && msg.Metadata.EventPayload["case"] == caseID && msg.BotID != "" {
			return msg.Timestamp, nil
		}
	}
	return "", nil
}

// UpdateCard replaces the card in place.
func (m *Messenger) UpdateCard(ctx context.Context, channel, ref string, card bot.Card) error {
	if err := m.api.update(ctx, channel, ref, renderCard(card)); err != nil {
		return fmt.Errorf("update card %s in %s: %w", card.ID, channel, err)
	}
	return nil
}

// PostThread writes a line in the card's thread.
func (m *Messenger) PostThread(ctx context.Context, channel, ref string, msg bot.ThreadMessage) error {
	if _, err := m.api.post(ctx, channel, renderThread(msg), slackgo.MsgOptionTS(ref)); err != nil {
		return fmt.Errorf("post in thread of %s in %s: %w", msg.CaseID, channel, err)
	}
	return nil
}

// Person implements bot.Directory: whether Slack knows the user (active, not deactivated),
// and how they are shown. The workspace in the identity is not checked: users.info answers
// for the user id across an Enterprise Grid organization.
func (m *Messenger) Person(ctx context.Context, id bot.Identity) (string, error) {
	_, user, err := parseIdentity(id)
	if err != nil {
		return "", err
	}
	name, err := m.api.person(ctx, user)
	if errors.Is(err, errNoUser) {
		return "", bot.ErrNotFound
	}
	return name, err
}

// identity is the core's name of a Slack user.
func identity(team, user string) bot.Identity {
	return bot.Identity(Platform + ":" + team + ":" + user)
}

// parseIdentity splits "slack:<team>:<user>".
func parseIdentity(id bot.Identity) (team, user string, err error) {
	parts := strings.Split(string(id), ":")
	if len(parts) != 3 || parts[0] != Platform || parts[2] == "" {
		return "", "", fmt.Errorf("slack: %q is not a Slack identity (slack:<team>:<user>)", id)
	}
	return parts[1], parts[2], nil
}
