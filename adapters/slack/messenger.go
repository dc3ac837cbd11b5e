package slack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"escalation-bot/bot"
	"escalation-bot/conversation"
	"escalation-bot/presentation"
	"escalation-bot/ttlcache"

	slackgo "github.com/slack-go/slack"
)

// Messenger delivers the core's messages on Slack: DMs to owners, case cards and their threads
// in the escalation channels. It implements bot.Messenger for the platform "slack".
type Messenger struct {
	api *api
	log *slog.Logger
	// threads maps "<channel>/<thread ts>" to the case whose card starts the thread ("" for
	// none), so an executive's thread does not cost a lookup per message.
	threads *ttlcache.Cache[string]
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
	return &Messenger{api: newAPI(cfg, logger), log: logger, threads: ttlcache.New[string](24*time.Hour, 10000)}, nil
}

// Platform implements bot.Messenger.
func (m *Messenger) Platform() string { return Platform }

// SendToOwner writes the replies into the owner's DM with the bot, in order. A keyed delivery
// is marked with its key, and looked for first when it may have been sent before.
func (m *Messenger) SendToOwner(ctx context.Context, owner bot.Identity, replies []conversation.Reply, d bot.Delivery) error {
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
	return m.sendMarked(ctx, channel, "", deliveryMark, d.Key, renderReplies(replies), d.Recheck)
}

func renderReplies(replies []conversation.Reply) []message {
	msgs := make([]message, len(replies))
	for i, r := range replies {
		msgs[i] = renderReply(r)
	}
	return msgs
}

// mark is how the bot finds its own messages again: a metadata event type, and the payload
// field that holds the key of what the message belongs to.
type mark struct{ eventType, field string }

var (
	// answerMark marks the bot's answer to an owner's event, keyed by the event id.
	answerMark = mark{"escalation_answer", "event"}
	// deliveryMark marks a message of a case change (bot.Delivery), keyed by the delivery key.
	deliveryMark = mark{"escalation_delivery", "key"}
)

// sendAnswer posts the answer to an owner's event in the DM, marked with the event id, so that
// when the event is handled again after a crash (recheck) an answer Slack already has in full
// is not posted twice.
func (m *Messenger) sendAnswer(ctx context.Context, channel, event string, replies []conversation.Reply, recheck bool) error {
	return m.sendMarked(ctx, channel, "", answerMark, event, renderReplies(replies), recheck)
}

// sendMarked posts msgs into channel (into the thread of threadTS when set), in order. With a
// key, each message carries the key, its place and their number; with recheck, messages Slack
// already has in full (in the DM's recent history, or the thread) are not posted again. A
// series cut off half-way is posted again whole: its reader must not miss the question or
// the news it ends with. Without a key the messages are simply posted.
func (m *Messenger) sendMarked(ctx context.Context, channel, threadTS string, mk mark, key string, msgs []message, recheck bool) error {
	if key != "" && recheck {
		delivered, err := m.delivered(ctx, channel, threadTS, mk, key)
		if err != nil {
			return err
		}
		if delivered {
			return nil
		}
	}
	for i, msg := range msgs {
		var opts []slackgo.MsgOption
		if threadTS != "" {
			opts = append(opts, slackgo.MsgOptionTS(threadTS))
		}
		if key != "" {
			meta := slackgo.SlackMetadata{EventType: mk.eventType, EventPayload: map[string]any{mk.field: key, "part": i, "of": len(msgs)}}
			opts = append(opts, slackgo.MsgOptionMetadata(meta))
		}
		if _, err := m.api.post(ctx, channel, msg, opts...); err != nil {
			return fmt.Errorf("post to %s: %w", channel, err)
		}
	}
	return nil
}

// threadWindow is how many replies of a card's thread are read to find a line posted before.
const threadWindow = 1000

// delivered reports whether the DM's recent history (or the thread of threadTS) holds every
// message marked with key.
func (m *Messenger) delivered(ctx context.Context, channel, threadTS string, mk mark, key string) (bool, error) {
	var msgs []slackgo.Message
	var err error
	if threadTS != "" {
		msgs, err = m.api.replies(ctx, channel, threadTS, threadWindow)
	} else {
		msgs, err = m.api.history(ctx, channel, 50)
	}
	if err != nil {
		return false, fmt.Errorf("look for an earlier message in %s: %w", channel, err)
	}
	parts, of := map[int]bool{}, -1
	for _, msg := range msgs {
		p := msg.Metadata.EventPayload
		if msg.Metadata.EventType != mk.eventType || p[mk.field] != key {
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

// caseOfThread is the case whose card starts the thread of ts in channel, or "" when the
// thread is not under a case card of this bot. The card carries the case id in its metadata.
func (m *Messenger) caseOfThread(ctx context.Context, channel, ts string) (string, error) {
	if id, ok := m.threads.Get(channel + "/" + ts); ok {
		return id, nil
	}
	msgs, err := m.api.replies(ctx, channel, ts, 1)
	var se slackgo.SlackErrorResponse
	if errors.As(err, &se) && se.Err == "thread_not_found" {
		msgs, err = nil, nil // a thread of a message gone, or never this channel's
	}
	if err != nil {
		return "", fmt.Errorf("read the parent of thread %s in %s: %w", ts, channel, err)
	}
	id := ""
	if len(msgs) > 0 && msgs[0].Timestamp == ts && msgs[0].BotID != "" && msgs[0].Metadata.EventType == cardEvent {
		id, _ = msgs[0].Metadata.EventPayload["case"].(string)
	}
	m.threads.Put(channel+"/"+ts, id)
	return id, nil
}

// UpdateCard replaces the card in place.
func (m *Messenger) UpdateCard(ctx context.Context, channel, ref string, card bot.Card) error {
	if err := m.api.update(ctx, channel, ref, renderCard(card)); err != nil {
		return fmt.Errorf("update card %s in %s: %w", card.ID, channel, err)
	}
	return nil
}

// PostThread writes a line in the card's thread; a keyed delivery is marked and rechecked as
// SendToOwner's.
func (m *Messenger) PostThread(ctx context.Context, channel, ref string, msg bot.ThreadMessage, d bot.Delivery) error {
	if msg.File != nil && len(msg.File.Data) > 0 {
		return m.postFile(ctx, channel, ref, msg, d)
	}
	if err := m.sendMarked(ctx, channel, ref, deliveryMark, d.Key, []message{renderThread(msg)}, d.Recheck); err != nil {
		return fmt.Errorf("post in thread of %s: %w", msg.CaseID, err)
	}
	return nil
}

// postFile uploads an owner's file into the card's thread, the line as its comment. The
// upload's name carries a tag of the delivery, so a delivery that may have happened before
// looks for it in the thread instead of uploading it twice, and an erasure finds it.
func (m *Messenger) postFile(ctx context.Context, channel, ref string, msg bot.ThreadMessage, d bot.Delivery) error {
	a := msg.File
	name := presentation.UploadName(*a, d.Key)
	if d.Recheck {
		replies, err := m.api.replies(ctx, channel, ref, threadWindow)
		if err != nil {
			return fmt.Errorf("look for %s in the thread of %s: %w", name, msg.CaseID, err)
		}
		for _, r := range replies {
			for _, f := range r.Files {
				if f.Name == name {
					return nil
				}
			}
		}
	}
	comment := fmt.Sprintf("%s (owner) sent %s", msg.From, msg.Text)
	if err := m.api.shareFilesIn(ctx, channel, ref, comment, []bot.File{{Name: name, ContentType: a.Type, Data: a.Data}}); err != nil {
		return fmt.Errorf("upload %s to the thread of %s: %w", name, msg.CaseID, err)
	}
	return nil
}

// Announce writes a line into the channel itself; a keyed delivery is marked and rechecked
// as SendToOwner's.
func (m *Messenger) Announce(ctx context.Context, channel string, msg bot.ThreadMessage, d bot.Delivery) error {
	if err := m.sendMarked(ctx, channel, "", deliveryMark, d.Key, []message{renderThread(msg)}, d.Recheck); err != nil {
		return fmt.Errorf("announce in %s: %w", channel, err)
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

// EraseThread implements bot.ThreadEraser: the bot's lines in the card's thread delivered
// under one of the keys (their metadata carries the delivery key) are deleted, and so are the
// owners' files the bot uploaded under one (their names carry the tag of the key's change):
// the file itself (files.delete) and the message that shared it, whose comment names it. A
// bot token deletes the bot's own messages and files only; what people wrote or shared in the
// thread themselves stays.
func (m *Messenger) EraseThread(ctx context.Context, channel, ref string, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	msgs, err := m.api.replies(ctx, channel, ref, threadWindow)
	if err != nil {
		return fmt.Errorf("read the thread of %s in %s: %w", ref, channel, err)
	}
	tags := map[string]bool{}
	for _, k := range keys {
		if bot.DeliveryRef(k) != "" {
			tags[presentation.FileTag(k, "")] = true
		}
	}
	for _, msg := range msgs {
		if msg.Timestamp == ref {
			continue // the card
		}
		var files []string
		for _, f := range msg.Files {
			if tags[presentation.UploadTag(f.Name)] {
				files = append(files, f.ID)
			}
		}
		if len(files) > 0 {
			if err := m.eraseFiles(ctx, channel, msg.Timestamp, files); err != nil {
				return fmt.Errorf("erase a file of thread %s in %s: %w", ref, channel, err)
			}
			continue
		}
		if msg.BotID == "" || msg.Metadata.EventType != deliveryMark.eventType {
			continue
		}
		key, _ := msg.Metadata.EventPayload[deliveryMark.field].(string)
		if !slices.ContainsFunc(keys, func(k string) bool { return strings.HasPrefix(key, k) }) {
			continue
		}
		if err := m.removeLine(ctx, channel, msg.Timestamp); err != nil {
			return fmt.Errorf("delete a line of thread %s in %s: %w", ref, channel, err)
		}
	}
	return nil
}

// eraseFiles deletes the bot's uploads and the message that shared them. A file or message
// gone already (an earlier attempt) is no error; one Slack does not let the bot delete (not
// its own) is left, and logged.
func (m *Messenger) eraseFiles(ctx context.Context, channel, ts string, files []string) error {
	for _, id := range files {
		err := m.api.deleteFile(ctx, id)
		var se slackgo.SlackErrorResponse
		switch {
		case errors.As(err, &se) && (se.Err == "file_not_found" || se.Err == "file_deleted"):
		case errors.As(err, &se) && se.Err == "cant_delete_file":
			m.log.WarnContext(ctx, "a file in a card's thread is not the bot's to delete", "channel", channel, "file", id)
			return nil
		case err != nil:
			return err
		}
	}
	return m.removeLine(ctx, channel, ts)
}

// removeLine deletes one of the bot's messages; one deleted before is no error.
func (m *Messenger) removeLine(ctx context.Context, channel, ts string) error {
	err := m.api.remove(ctx, channel, ts)
	var se slackgo.SlackErrorResponse
	if errors.As(err, &se) && (se.Err == "message_not_found" || se.Err == "cant_delete_message") {
		return nil // deleted by an earlier attempt, or not the bot's
	}
	return err
}
