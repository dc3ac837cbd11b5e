package discord

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"escalation-bot/bot"
	"escalation-bot/conversation"
	"escalation-bot/ttlcache"

	"github.com/bwmarrin/discordgo"
)

const (
	dmTTL      = 24 * time.Hour
	threadTTL  = 24 * time.Hour
	cacheSize  = 10000
	archiveMax = 10080 // minutes: a case thread stays visible for a week without activity
	// cardTTL is how long a channel that holds a case card (or a card's thread) is remembered
	// as a place case buttons may come from; each card update renews it.
	cardTTL = 30 * 24 * time.Hour
)

// Messenger delivers the core's messages on Discord: DMs to owners, case cards and their
// threads in the escalation channels. It implements bot.Messenger for the platform "discord".
type Messenger struct {
	dg        *discordgo.Session
	transport *http.Transport
	log       *slog.Logger
	// files fetches owners' attachments from the CDN (no token, no host rewriting); base is
	// DISCORD_API_URL's, whose host may serve them too; fileWait bounds one download.
	files    *http.Client
	base     *url.URL
	fileWait time.Duration

	dms     *ttlcache.Cache[string] // user id → DM channel id
	threads *ttlcache.Cache[bool]   // card message id → its thread exists
	cards   *ttlcache.Cache[bool]   // channels holding a card, and card threads (card message ids)
	// threadCases maps a thread id to "<case id>|<card channel>" ("" for a thread under no card).
	threadCases *ttlcache.Cache[string]
}

var (
	_ bot.Messenger = (*Messenger)(nil)
	_ bot.Directory = (*Messenger)(nil)
)

// NewMessenger builds the REST client of cfg. It makes no call: the adapter checks the token
// when it starts.
func NewMessenger(cfg Config, logger *slog.Logger) (*Messenger, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.Default()
	}
	dg, tr, err := newSession(cfg)
	if err != nil {
		return nil, err
	}
	base, _ := cfg.apiBase() // valid: checked by Validate
	return &Messenger{
		dg:        dg,
		transport: tr,
		files:     &http.Client{Transport: tr, Timeout: httpTimeout},
		base:      base,
		fileWait:  fileWait,
		log:       redactLogger(logger).With("adapter", Platform),
		dms:       ttlcache.New[string](dmTTL, cacheSize),
		threads:   ttlcache.New[bool](threadTTL, cacheSize),
		cards:     ttlcache.New[bool](cardTTL, cacheSize),

		threadCases: ttlcache.New[string](threadTTL, cacheSize),
	}, nil
}

// Platform implements bot.Messenger.
func (m *Messenger) Platform() string { return Platform }

// SendToOwner writes the replies into the owner's DM with the bot, in order; a keyed delivery
// is sent with nonces made of its key (see sendAnswer).
func (m *Messenger) SendToOwner(ctx context.Context, owner bot.Identity, replies []conversation.Reply, d bot.Delivery) error {
	user, err := parseIdentity(owner)
	if err != nil {
		return err
	}
	if len(replies) == 0 {
		return nil
	}
	channel, err := m.dmChannel(ctx, user)
	if err != nil {
		return fmt.Errorf("open DM with %s: %w", owner, err)
	}
	return m.sendAnswer(ctx, channel, d.Key, replies)
}

// sendReplies posts the replies into a channel, in order.
func (m *Messenger) sendReplies(ctx context.Context, channel string, replies []conversation.Reply) error {
	for _, r := range replies {
		if _, err := m.send(ctx, channel, renderReply(r)); err != nil {
			return err
		}
	}
	return nil
}

// sendAnswer posts the answer to an owner's event (or a keyed delivery) in a channel. Each
// message carries a nonce made of the event id (the key) and the message itself, with
// enforce_nonce: when the event is handled again after a crash (its process answered, then
// died before the inbox marked the event handled), Discord returns the message it already has
// instead of posting it a second time, while a message the first run did not get to post (an
// answer cut off half-way, or the question the core asks again) is posted. Discord keeps
// nonces for a few minutes, longer than an inbox lease or the due queue's first retry.
func (m *Messenger) sendAnswer(ctx context.Context, channel, event string, replies []conversation.Reply) error {
	if event == "" {
		return m.sendReplies(ctx, channel, replies)
	}
	for _, r := range replies {
		for _, msg := range renderReply(r) {
			if err := m.sendOnce(ctx, channel, msg, answerNonce(event, msg)); err != nil {
				return err
			}
		}
	}
	return nil
}

// nonceMessage is a message create payload with the nonce fields discordgo's MessageSend
// lacks.
type nonceMessage struct {
	*discordgo.MessageSend
	Nonce        string `json:"nonce"`
	EnforceNonce bool   `json:"enforce_nonce"`
}

// sendOnce posts msg (no files) unless a message with this nonce was created lately.
func (m *Messenger) sendOnce(ctx context.Context, channel string, msg *discordgo.MessageSend, nonce string) error {
	endpoint := discordgo.EndpointChannelMessages(channel)
	for _, e := range msg.Embeds {
		if e.Type == "" {
			e.Type = discordgo.EmbedTypeRich
		}
	}
	body := nonceMessage{MessageSend: msg, Nonce: nonce, EnforceNonce: true}
	if _, err := m.dg.RequestWithBucketID("POST", endpoint, body, endpoint, discordgo.WithContext(ctx)); err != nil {
		return fmt.Errorf("send to channel %s: %w", channel, err)
	}
	return nil
}

// answerNonce is the nonce of one message of the answer to event: 25 hexadecimal digits (the
// most Discord takes) of a hash of both.
func answerNonce(event string, msg *discordgo.MessageSend) string {
	data, _ := json.Marshal(msg) // a MessageSend without files always encodes
	h := sha256.New()
	h.Write([]byte(event))
	h.Write([]byte{0})
	h.Write(data)
	return hex.EncodeToString(h.Sum(nil))[:25]
}

// send posts the messages in order and returns the id of the first one.
func (m *Messenger) send(ctx context.Context, channel string, msgs []*discordgo.MessageSend) (string, error) {
	first := ""
	for _, msg := range msgs {
		sent, err := m.dg.ChannelMessageSendComplex(channel, msg, discordgo.WithContext(ctx))
		if err != nil {
			return "", fmt.Errorf("send to channel %s: %w", channel, err)
		}
		if first == "" {
			first = sent.ID
		}
	}
	return first, nil
}

// PostCard posts the case card; the message id is the reference for updates and the thread.
// An error (the channel is gone, Discord is down) goes back to the core, whose due queue
// posts the card again later.
func (m *Messenger) PostCard(ctx context.Context, channel string, card bot.Card) (string, error) {
	embed, components := renderCard(card)
	msg, err := m.dg.ChannelMessageSendComplex(channel, &discordgo.MessageSend{
		Embeds:          []*discordgo.MessageEmbed{embed},
		Components:      components,
		AllowedMentions: noMentions(),
	}, discordgo.WithContext(ctx))
	if err != nil {
		return "", fmt.Errorf("post card %s to channel %s: %w", card.ID, channel, err)
	}
	m.rememberCard(channel, msg.ID)
	return msg.ID, nil
}

// FindCard looks among the channel's newest messages for this bot's card of the case, so that a
// post whose answer was lost (a crash, Redis failing before the post was recorded) is not
// posted a second time. A card is known by its buttons, which carry the case id.
func (m *Messenger) FindCard(ctx context.Context, channel, caseID string) (string, error) {
	msgs, err := m.dg.ChannelMessages(channel, 100, "", "", "", discordgo.WithContext(ctx))
	if err != nil {
		return "", fmt.Errorf("look for card %s in channel %s: %w", caseID, channel, err)
	}
	self := m.selfID()
	for _, msg := range msgs {
		if cardCase(msg, self) == caseID {
			m.rememberCard(channel, msg.ID)
			return msg.ID, nil
		}
	}
	return "", nil
}

// caseOfThread finds the case whose card starts the thread: a thread started from a message
// has the message's id as its own, so the card is that message in one of the card channels.
// It returns the case id and the card's channel, or "" when the thread is under no card of
// this bot; the answer is remembered.
func (m *Messenger) caseOfThread(ctx context.Context, thread string, channels []string) (caseID, channel string, err error) {
	if v, ok := m.threadCases.Get(thread); ok {
		caseID, channel, _ = strings.Cut(v, "|")
		return caseID, channel, nil
	}
	for _, ch := range channels {
		msg, err := m.dg.ChannelMessage(ch, thread, discordgo.WithContext(ctx))
		switch {
		case restCode(err) == discordgo.ErrCodeUnknownMessage || restCode(err) == discordgo.ErrCodeUnknownChannel || restStatus(err) == http.StatusNotFound:
			continue
		case err != nil:
			return "", "", fmt.Errorf("read card %s in channel %s: %w", thread, ch, err)
		}
		if id := cardCase(msg, m.selfID()); id != "" {
			m.threadCases.Put(thread, id+"|"+ch)
			return id, ch, nil
		}
	}
	m.threadCases.Put(thread, "")
	return "", "", nil
}

// cardCase is the case id of a card message this bot posted, or "".
func cardCase(msg *discordgo.Message, self string) string {
	if msg == nil || msg.Author == nil || !msg.Author.Bot || (self != "" && msg.Author.ID != self) || len(msg.Embeds) == 0 {
		return ""
	}
	title, _, ok := strings.Cut(msg.Embeds[0].Title, " · ")
	id, err := bot.ParseCaseID(title)
	if !ok || err != nil {
		return ""
	}
	return id
}

// selfID is the bot's user id, once the gateway said it; "" before.
func (m *Messenger) selfID() string {
	if m.dg.State != nil && m.dg.State.User != nil {
		return m.dg.State.User.ID
	}
	return ""
}

// UpdateCard replaces the card in place.
func (m *Messenger) UpdateCard(ctx context.Context, channel, ref string, card bot.Card) error {
	embed, components := renderCard(card)
	embeds := []*discordgo.MessageEmbed{embed}
	content := ""
	_, err := m.dg.ChannelMessageEditComplex(&discordgo.MessageEdit{
		ID:              ref,
		Channel:         channel,
		Content:         &content,
		Embeds:          &embeds,
		Components:      &components,
		AllowedMentions: noMentions(),
	}, discordgo.WithContext(ctx))
	if err != nil {
		return fmt.Errorf("update card %s in channel %s: %w", card.ID, channel, err)
	}
	m.rememberCard(channel, ref)
	return nil
}

// rememberCard records where a card is: its channel, and its thread, whose channel id is the
// card's message id.
func (m *Messenger) rememberCard(channel, ref string) {
	m.cards.Put(channel, true)
	m.cards.Put(ref, true)
}

// holdsCard reports whether channel is one the Messenger posted or updated a card in, or the
// thread of such a card.
func (m *Messenger) holdsCard(channel string) bool {
	_, ok := m.cards.Get(channel)
	return ok
}

// PostThread writes a line in the thread under the card. A thread started from a message has
// the message's id as its channel id, so the reference is enough to find it; the thread is
// started on first use. A keyed delivery is sent with a nonce, as sendAnswer does.
func (m *Messenger) PostThread(ctx context.Context, channel, ref string, msg bot.ThreadMessage, d bot.Delivery) error {
	if err := m.ensureThread(ctx, channel, ref, msg.CaseID); err != nil {
		return fmt.Errorf("start thread of %s in channel %s: %w", msg.CaseID, channel, err)
	}
	if msg.File != nil && len(msg.File.Data) > 0 {
		if err := m.postFile(ctx, ref, msg, d); err != nil {
			return fmt.Errorf("upload a file to the thread of %s: %w", msg.CaseID, err)
		}
		return nil
	}
	if err := m.sendLine(ctx, ref, msg, d); err != nil {
		return fmt.Errorf("post in thread of %s: %w", msg.CaseID, err)
	}
	return nil
}

// Announce writes a line into the channel itself, keyed like a thread line.
func (m *Messenger) Announce(ctx context.Context, channel string, msg bot.ThreadMessage, d bot.Delivery) error {
	if err := m.sendLine(ctx, channel, msg, d); err != nil {
		return fmt.Errorf("announce in channel %s: %w", channel, err)
	}
	return nil
}

// sendLine posts a rendered line into a channel (or thread), with nonces for a keyed delivery.
func (m *Messenger) sendLine(ctx context.Context, channel string, msg bot.ThreadMessage, d bot.Delivery) error {
	if d.Key == "" {
		_, err := m.send(ctx, channel, renderThread(msg))
		return err
	}
	for _, part := range renderThread(msg) {
		if err := m.sendOnce(ctx, channel, part, answerNonce(d.Key, part)); err != nil {
			return err
		}
	}
	return nil
}

// ensureThread starts the thread under a card once. Another replica (or an earlier run) may
// have started it: Discord then answers 160004, which is as good as success.
func (m *Messenger) ensureThread(ctx context.Context, channel, ref, caseID string) error {
	if _, ok := m.threads.Get(ref); ok {
		return nil
	}
	_, err := m.dg.MessageThreadStartComplex(channel, ref, &discordgo.ThreadStart{
		Name:                threadName(caseID),
		AutoArchiveDuration: archiveMax,
	}, discordgo.WithContext(ctx))
	if err != nil && restCode(err) != discordgo.ErrCodeThreadAlreadyCreatedForThisMessage {
		return err
	}
	m.threads.Put(ref, true)
	return nil
}

// dmChannel returns the DM channel between the bot and the user.
func (m *Messenger) dmChannel(ctx context.Context, user string) (string, error) {
	if ch, ok := m.dms.Get(user); ok {
		return ch, nil
	}
	ch, err := m.dg.UserChannelCreate(user, discordgo.WithContext(ctx))
	if err != nil {
		return "", err
	}
	m.dms.Put(user, ch.ID)
	return ch.ID, nil
}

// rememberDM records the DM channel an owner wrote from, which saves a call later.
func (m *Messenger) rememberDM(user, channel string) {
	if user != "" && channel != "" {
		m.dms.Put(user, channel)
	}
}

// restCode is the JSON error code of a Discord REST error, or 0.
func restCode(err error) int {
	var re *discordgo.RESTError
	if errors.As(err, &re) && re.Message != nil {
		return re.Message.Code
	}
	return 0
}

// restStatus is the HTTP status of a Discord REST error, or 0.
func restStatus(err error) int {
	var re *discordgo.RESTError
	if errors.As(err, &re) && re.Response != nil {
		return re.Response.StatusCode
	}
	return 0
}

// Person implements bot.Directory: whether Discord knows the user, and how they are shown.
func (m *Messenger) Person(ctx context.Context, id bot.Identity) (string, error) {
	user, err := parseIdentity(id)
	if err != nil {
		return "", err
	}
	u, err := m.dg.User(user, discordgo.WithContext(ctx))
	switch {
	case restCode(err) == discordgo.ErrCodeUnknownUser || restStatus(err) == http.StatusNotFound:
		return "", bot.ErrNotFound
	case err != nil:
		return "", fmt.Errorf("discord: look up user %s: %w", user, err)
	}
	return userName(u), nil
}

// identity is the core's name of a Discord user.
func identity(user string) bot.Identity { return bot.Identity(Platform + ":" + user) }

// parseIdentity returns the user id of "discord:<user>".
func parseIdentity(id bot.Identity) (string, error) {
	user, ok := strings.CutPrefix(string(id), Platform+":")
	if !ok || !snowflake.MatchString(user) {
		return "", fmt.Errorf("discord: %q is not a Discord identity (discord:<user id>)", id)
	}
	return user, nil
}

// erasePages bounds how many pages of a card's thread EraseThread reads (100 messages each).
const erasePages = 10

// EraseThread implements bot.ThreadEraser. Discord does not give a message's nonce back when
// messages are listed, so the keys cannot be matched: the bot's lines that quote a person
// (headed "**Name** (owner):" or "(executive):", and the further parts of a long one) are
// deleted, and its status lines ("ℹ️ …") stay. Messages executives wrote in the thread
// themselves are theirs, not the bot's, and stay.
func (m *Messenger) EraseThread(ctx context.Context, channel, ref string, _ []string) error {
	self := m.selfID()
	var msgs []*discordgo.Message
	before := ""
	for range erasePages {
		page, err := m.dg.ChannelMessages(ref, 100, before, "", "", discordgo.WithContext(ctx))
		if restCode(err) == discordgo.ErrCodeUnknownChannel {
			return nil // the thread was never started: no line was written
		}
		if err != nil {
			return fmt.Errorf("read the thread of %s in channel %s: %w", ref, channel, err)
		}
		fresh := 0
		for _, msg := range page {
			if !slices.ContainsFunc(msgs, func(x *discordgo.Message) bool { return x.ID == msg.ID }) {
				msgs = append(msgs, msg)
				fresh++
			}
		}
		if len(page) < 100 || fresh == 0 {
			break
		}
		before = page[len(page)-1].ID
	}
	slices.Reverse(msgs) // oldest first, so a long line's parts follow its heading
	quoting := false
	for _, msg := range msgs {
		mine := msg.Author != nil && msg.Author.Bot && (self == "" || msg.Author.ID == self)
		if !mine {
			quoting = false
			continue
		}
		switch {
		case personHeading(msg.Content):
			quoting = true
		case strings.HasPrefix(msg.Content, "**") || strings.Contains(firstLine(msg.Content), "ℹ️"):
			quoting = false
		}
		if !quoting {
			continue
		}
		err := m.dg.ChannelMessageDelete(ref, msg.ID, discordgo.WithContext(ctx))
		if err != nil && restCode(err) != discordgo.ErrCodeUnknownMessage {
			return fmt.Errorf("delete a line of the thread of %s: %w", ref, err)
		}
	}
	return nil
}

// personHeading reports whether a thread line starts with renderThread's heading of a person.
func personHeading(content string) bool {
	head := firstLine(content)
	return strings.HasPrefix(head, "**") && (strings.HasSuffix(head, " (owner):") || strings.HasSuffix(head, " (executive):"))
}

func firstLine(s string) string {
	head, _, _ := strings.Cut(s, "\n")
	return head
}
