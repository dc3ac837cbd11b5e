// Package web is the local playground: an owner chat and the escalation channel side by side in
// a browser, driven by a small JSON API and kept live with Server-Sent Events. It is the bot's
// embedded default when no platform token is configured.
package web

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"escalation-bot/bot"
	"escalation-bot/conversation"
	"escalation-bot/ttlcache"
)

// Platform is the identity prefix of playground users: "web:<name>".
const Platform = "web"

const (
	// maxPendingPerOwner bounds what is kept for an owner with no open page, so a page that
	// reconnects still gets the last messages while a forgotten name cannot grow without limit.
	maxPendingPerOwner = 50
	// maxPendingOwners bounds how many owners may have undelivered messages at once.
	maxPendingOwners = 1000
	// ownerBuffer is how many owner events a stream may lag behind before it is dropped; the
	// page reconnects and gets the rest from the pending queue.
	ownerBuffer = 16
	// deliveredTTL is how long a delivery key is remembered, longer than the due queue takes
	// to deliver a change again; deliveredMax bounds how many are.
	deliveredTTL = time.Hour
	deliveredMax = 100000
)

// Hub is the playground's Messenger: it fans the bot's messages out to the open pages.
// It starts no goroutines; every stream is served by its own HTTP request.
type Hub struct {
	log *slog.Logger

	mu      sync.Mutex
	subs    map[*subscriber]struct{}
	pending map[string]*pendingReplies // owner name → replies no page has seen yet
	seq     uint64                     // orders pending queues, to evict the oldest
	// delivered are the keys of deliveries made (bot.Delivery), so one sent again is dropped.
	delivered *ttlcache.Cache[bool]
}

type pendingReplies struct {
	replies []conversation.Reply
	seq     uint64
}

// subscriber is one open event stream.
type subscriber struct {
	owner   string                    // owner name whose messages it wants; "" for the channel only
	replies chan []conversation.Reply // owner events
	channel chan struct{}             // capacity 1: channel changes coalesce, a page reloads all of it
	done    chan struct{}             // closed when the hub drops the stream
}

// NewHub returns an empty hub.
func NewHub(logger *slog.Logger) *Hub {
	if logger == nil {
		logger = slog.Default()
	}
	return &Hub{
		log:     logger.With("adapter", "web"),
		subs:    make(map[*subscriber]struct{}),
		pending: make(map[string]*pendingReplies),

		delivered: ttlcache.New[bool](deliveredTTL, deliveredMax),
	}
}

var _ bot.Messenger = (*Hub)(nil)

// Platform implements bot.Messenger.
func (h *Hub) Platform() string { return Platform }

// SendToOwner delivers replies to every page open as that owner, or keeps them for the next one.
// A keyed delivery made before is dropped.
func (h *Hub) SendToOwner(ctx context.Context, owner bot.Identity, replies []conversation.Reply, d bot.Delivery) error {
	name, ok := strings.CutPrefix(string(owner), Platform+":")
	if !ok || name == "" {
		return fmt.Errorf("web hub: %q is not a playground identity", owner)
	}
	if len(replies) == 0 || (d.Key != "" && !h.delivered.Add(d.Key, true)) {
		return nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	delivered := false
	for s := range h.subs {
		if s.owner != name {
			continue
		}
		select {
		case s.replies <- replies:
			delivered = true
		default:
			// A page this far behind is stuck; drop it so it reconnects and reads the queue.
			h.dropLocked(s)
		}
	}
	if !delivered {
		h.keepLocked(name, replies)
		h.log.DebugContext(ctx, "owner has no open page, message kept", "owner", name)
	}
	return nil
}

// PostCard implements bot.Messenger: the case id is the reference, since the playground channel
// is rendered from the store on every change.
func (h *Hub) PostCard(_ context.Context, _ string, card bot.Card) (string, error) {
	h.ChannelChanged()
	return card.ID, nil
}

// UpdateCard implements bot.Messenger.
func (h *Hub) UpdateCard(context.Context, string, string, bot.Card) error {
	h.ChannelChanged()
	return nil
}

// PostThread implements bot.Messenger. The thread is read from the case's audit stream, where
// the line already is.
func (h *Hub) PostThread(context.Context, string, string, bot.ThreadMessage, bot.Delivery) error {
	h.ChannelChanged()
	return nil
}

// Announce implements bot.Messenger: the playground shows the line in the thread of the case
// that made it, read from the store.
func (h *Hub) Announce(context.Context, string, bot.ThreadMessage, bot.Delivery) error {
	h.ChannelChanged()
	return nil
}

// ChannelChanged tells every open page to reload the escalation channel.
func (h *Hub) ChannelChanged() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		select {
		case s.channel <- struct{}{}:
		default: // a reload is already due
		}
	}
}

// subscribe opens a stream for owner ("" for channel events only). Messages kept for the owner
// are handed to it at once.
func (h *Hub) subscribe(owner string) *subscriber {
	s := &subscriber{
		owner:   owner,
		replies: make(chan []conversation.Reply, ownerBuffer),
		channel: make(chan struct{}, 1),
		done:    make(chan struct{}),
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if p, ok := h.pending[owner]; ok && owner != "" {
		delete(h.pending, owner)
		s.replies <- p.replies // the buffer is empty and not shared yet
	}
	h.subs[s] = struct{}{}
	return s
}

// unsubscribe removes the stream; safe to call twice.
func (h *Hub) unsubscribe(s *subscriber) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.dropLocked(s)
}

// disconnectAll ends every open stream. http.Server.Shutdown waits for active requests, and an
// event stream is never idle, so the playground calls this when its server shuts down.
func (h *Hub) disconnectAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		h.dropLocked(s)
	}
}

func (h *Hub) dropLocked(s *subscriber) {
	if _, ok := h.subs[s]; !ok {
		return
	}
	delete(h.subs, s)
	// Owner events still in the buffer go back to the queue, so the reconnecting page sees them.
	for drained := false; !drained; {
		select {
		case replies := <-s.replies:
			h.keepLocked(s.owner, replies)
		default:
			drained = true
		}
	}
	close(s.done) // once: only a subscriber still in subs gets here
}

var _ bot.OwnerForgetter = (*Hub)(nil)

// Forget implements bot.OwnerForgetter: replies kept for an owner with no open page are
// dropped when the owner's data is erased.
func (h *Hub) Forget(owner bot.Identity) {
	name, ok := strings.CutPrefix(string(owner), Platform+":")
	if !ok {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.pending, name)
}

// keepLocked queues replies for an owner with no open page, within the bounds.
func (h *Hub) keepLocked(owner string, replies []conversation.Reply) {
	p, ok := h.pending[owner]
	if !ok {
		if len(h.pending) >= maxPendingOwners {
			h.evictOldestLocked()
		}
		p = &pendingReplies{}
		h.pending[owner] = p
	}
	h.seq++
	p.seq = h.seq
	p.replies = append(p.replies, replies...)
	if n := len(p.replies) - maxPendingPerOwner; n > 0 {
		p.replies = append([]conversation.Reply(nil), p.replies[n:]...)
	}
}

func (h *Hub) evictOldestLocked() {
	var oldest string
	var seq uint64
	for name, p := range h.pending {
		if oldest == "" || p.seq < seq {
			oldest, seq = name, p.seq
		}
	}
	delete(h.pending, oldest)
}

// ownerEvent is the data of an `owner` event and the body of the owner endpoints.
type ownerEvent struct {
	Replies []conversation.Reply `json:"replies"`
}
