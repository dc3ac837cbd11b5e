package bot_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"escalation-bot/bot"
	"escalation-bot/conversation"
	"escalation-bot/xtest/redistest"
)

// doorman is a platform's admission: the owners it refuses, with their reasons; the owners it
// cannot answer for now; and every event it was asked about.
type doorman struct {
	refused map[bot.Identity]string
	failing map[bot.Identity]bool
	mu      sync.Mutex
	asked   []bot.OwnerEvent
}

func (d *doorman) Admit(_ context.Context, ev bot.OwnerEvent) (bool, string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.asked = append(d.asked, ev)
	if d.failing[ev.Owner] {
		return false, "", errors.New("membership lookup failed")
	}
	reason, refused := d.refused[ev.Owner]
	return !refused, reason, nil
}

func (d *doorman) times() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.asked)
}

// TestAdmission: the Admission is asked, in the owner's turn and without a round trip of its
// own, before an intake starts; a refusal is a forbidden error carrying its reason and keeps
// nothing. Owners mid-intake, with an open case, or invited by a moderator are not asked.
func TestAdmission(t *testing.T) {
	const (
		stranger = bot.Identity("web:stranger")
		member   = bot.Identity("web:member")
		flaky    = bot.Identity("web:flaky")
	)
	rds := redistest.New(t)
	h := newHarness(t, rds)
	d := &doorman{
		refused: map[bot.Identity]string{stranger: "Sorry, this line is for members."},
		failing: map[bot.Identity]bool{flaky: true},
	}
	h.rebuild(t, func(p *bot.Params) { p.Admission = d })
	ctx := context.Background()

	t.Run("a newcomer refused", func(t *testing.T) {
		// The server learns the load's script first (on a fresh cluster node it would not know
		// it yet): what is counted is a turn, not the once-per-server EVAL that follows NOSCRIPT.
		if _, err := h.sessions.Reload(ctx, "web:warm", ""); err != nil {
			t.Fatal(err)
		}
		rds.Reset()
		replies, err := h.svc.HandleOwner(ctx, bot.OwnerEvent{ID: "ev-1", Owner: stranger, Text: "hello"})
		if bot.ErrorCode(err) != bot.CodeForbidden || bot.ErrorMessage(err) != "Sorry, this line is for members." || len(replies) != 0 {
			t.Fatalf("HandleOwner = %v, %v; want the refusal as a forbidden error", replies, err)
		}
		if got := rds.RoundTrips(); got != 1 {
			t.Errorf("a refused turn took %d Redis round trips, want 1 (the load)", got)
		}
		if s := h.session(t, stranger); s.Stage != "" {
			t.Errorf("a refused owner has a session: %+v", s)
		}
		if lines := h.dialogueOf(t, stranger); len(lines) != 0 {
			t.Errorf("a refused turn kept %+v", lines)
		}
	})
	t.Run("an Admission that cannot answer", func(t *testing.T) {
		_, err := h.svc.HandleOwner(ctx, bot.OwnerEvent{ID: "ev-2", Owner: flaky, Text: "hello"})
		if !bot.Retryable(err) {
			t.Fatalf("HandleOwner = %v, want an error to run the event again", err)
		}
	})
	t.Run("invited by a moderator", func(t *testing.T) {
		before := d.times()
		replies, err := h.svc.HandleOwner(ctx, bot.OwnerEvent{ID: "ev-3", Owner: stranger, Invited: true})
		if err != nil || len(replies) == 0 {
			t.Fatalf("HandleOwner = %v, %v", replies, err)
		}
		if d.times() != before {
			t.Error("the Admission was asked about an invited owner")
		}
		// Once in the intake, the owner carries on.
		h.press(t, stranger, conversation.ActionChoose, "understood")
		if d.times() != before {
			t.Error("the Admission was asked about an owner mid-intake")
		}
	})
	t.Run("admitted, then carries on to a case", func(t *testing.T) {
		id := h.intake(t, member, true, nil)
		asked := d.times()
		h.say(t, member, "any news?")
		if d.times() != asked {
			t.Error("the Admission was asked about an owner with an open case")
		}
		if c, err := h.cases.Get(ctx, id); err != nil || c.Messages == 0 {
			t.Errorf("the owner's message did not reach case %s: %+v, %v", id, c, err)
		}
	})
	t.Run("the event it was asked about", func(t *testing.T) {
		m := &bot.Member{Community: "g1", Roles: []string{"r1"}}
		if _, err := h.svc.HandleOwner(ctx, bot.OwnerEvent{ID: "ev-4", Owner: stranger + "2", Text: "hi", Member: m}); err != nil {
			t.Fatal(err)
		}
		d.mu.Lock()
		last := d.asked[len(d.asked)-1]
		d.mu.Unlock()
		if last.Owner != stranger+"2" || last.Member != m {
			t.Errorf("asked about %+v", last)
		}
	})
}
