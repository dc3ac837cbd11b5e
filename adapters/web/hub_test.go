package web

import (
	"fmt"
	"testing"

	"escalation-bot/bot"
	"escalation-bot/conversation"
)

func TestHubKeepsMessagesForOwnersWithoutPage(t *testing.T) {
	h := NewHub(nil)
	for i := range maxPendingPerOwner + 10 {
		if err := h.SendToOwner(t.Context(), "web:ann", []conversation.Reply{{Text: fmt.Sprint(i)}}, bot.Delivery{}); err != nil {
			t.Fatalf("SendToOwner: %v", err)
		}
	}
	sub := h.subscribe("ann")
	defer h.unsubscribe(sub)
	select {
	case got := <-sub.replies:
		if len(got) != maxPendingPerOwner {
			t.Fatalf("kept %d replies, want the last %d", len(got), maxPendingPerOwner)
		}
		if got[0].Text != "10" || got[len(got)-1].Text != fmt.Sprint(maxPendingPerOwner+9) {
			t.Errorf("kept %q..%q, want the newest", got[0].Text, got[len(got)-1].Text)
		}
	default:
		t.Fatal("a new page got none of the kept messages")
	}
	// Handed over once: a second page does not see them again.
	again := h.subscribe("ann")
	defer h.unsubscribe(again)
	if len(again.replies) != 0 {
		t.Errorf("a second page got the kept messages again")
	}
}

func TestHubDeliversToOwnerPagesOnly(t *testing.T) {
	h := NewHub(nil)
	ann, bob, channelOnly := h.subscribe("ann"), h.subscribe("bob"), h.subscribe("")
	defer h.unsubscribe(ann)
	defer h.unsubscribe(bob)
	defer h.unsubscribe(channelOnly)

	if err := h.SendToOwner(t.Context(), "web:ann", []conversation.Reply{{Text: "hello ann"}}, bot.Delivery{}); err != nil {
		t.Fatal(err)
	}
	if got := <-ann.replies; got[0].Text != "hello ann" {
		t.Errorf("ann got %q", got[0].Text)
	}
	if len(bob.replies) != 0 || len(channelOnly.replies) != 0 {
		t.Error("a message for ann reached another page")
	}
	if err := h.SendToOwner(t.Context(), "slack:T1:U1", []conversation.Reply{{Text: "x"}}, bot.Delivery{}); err == nil {
		t.Error("a slack identity was accepted")
	}
	if err := h.SendToOwner(t.Context(), "web:", []conversation.Reply{{Text: "x"}}, bot.Delivery{}); err == nil {
		t.Error("an empty web name was accepted")
	}
}

func TestHubCoalescesChannelChanges(t *testing.T) {
	h := NewHub(nil)
	sub := h.subscribe("")
	defer h.unsubscribe(sub)
	ref, err := h.PostCard(t.Context(), "escalations", bot.Card{ID: "ESC-1001"})
	if err != nil || ref != "ESC-1001" {
		t.Fatalf("PostCard = %q, %v; want the case id", ref, err)
	}
	for range 100 {
		if err := h.UpdateCard(t.Context(), "escalations", ref, bot.Card{ID: "ESC-1001"}); err != nil {
			t.Fatal(err)
		}
		if err := h.PostThread(t.Context(), "escalations", ref, bot.ThreadMessage{Text: "x"}, bot.Delivery{}); err != nil {
			t.Fatal(err)
		}
	}
	if len(sub.channel) != 1 {
		t.Errorf("%d channel signals queued, want 1 (they coalesce)", len(sub.channel))
	}
}

func TestHubDropsStuckPageAndKeepsItsMessages(t *testing.T) {
	h := NewHub(nil)
	sub := h.subscribe("ann")
	for i := range ownerBuffer + 1 {
		if err := h.SendToOwner(t.Context(), "web:ann", []conversation.Reply{{Text: fmt.Sprint(i)}}, bot.Delivery{}); err != nil {
			t.Fatal(err)
		}
	}
	select {
	case <-sub.done:
	default:
		t.Fatal("a page that stopped reading was not dropped")
	}
	next := h.subscribe("ann")
	defer h.unsubscribe(next)
	got := <-next.replies
	if len(got) != ownerBuffer+1 {
		t.Errorf("the reconnecting page got %d replies, want all %d", len(got), ownerBuffer+1)
	}
	h.unsubscribe(sub) // already dropped: a no-op
}

func TestHubBoundsOwnersWithPendingMessages(t *testing.T) {
	h := NewHub(nil)
	for i := range maxPendingOwners + 5 {
		if err := h.SendToOwner(t.Context(), bot.Identity(fmt.Sprintf("web:o%d", i)), []conversation.Reply{{Text: "x"}}, bot.Delivery{}); err != nil {
			t.Fatal(err)
		}
	}
	h.mu.Lock()
	n := len(h.pending)
	_, oldest := h.pending["o0"]
	_, newest := h.pending[fmt.Sprintf("o%d", maxPendingOwners+4)]
	h.mu.Unlock()
	if n != maxPendingOwners || oldest || !newest {
		t.Errorf("pending owners = %d (oldest kept %v, newest kept %v), want %d without the oldest", n, oldest, newest, maxPendingOwners)
	}
}

func TestHubDisconnectAll(t *testing.T) {
	h := NewHub(nil)
	a, b := h.subscribe("ann"), h.subscribe("")
	h.disconnectAll()
	for _, s := range []*subscriber{a, b} {
		select {
		case <-s.done:
		default:
			t.Error("a stream stayed open")
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.subs) != 0 {
		t.Errorf("%d subscribers left", len(h.subs))
	}
}
