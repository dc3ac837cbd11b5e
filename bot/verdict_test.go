package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"escalation-bot/bot"
	"escalation-bot/conversation"
	"escalation-bot/xtest/redistest"
)

func withVerdicts(c *bot.Config) {
	c.ConfirmResolutionWithin = 7 * 24 * time.Hour
	c.RemindClaimedSilentAfter = 4 * time.Hour
}

// lastButtons are the buttons of the owner's newest message that has any.
func (h *harness) lastButtons(owner bot.Identity) []conversation.Button {
	replies := h.msgr.toOwner(owner)
	for i := len(replies) - 1; i >= 0; i-- {
		if len(replies[i].Buttons) > 0 {
			return replies[i].Buttons
		}
	}
	return nil
}

func resolved(t *testing.T, h *harness, owner bot.Identity, dana bot.Actor) string {
	t.Helper()
	ctx := context.Background()
	id := h.intake(t, owner, true, nil)
	if _, err := h.svc.Claim(ctx, dana, id); err != nil {
		t.Fatal(err)
	}
	if _, err := h.svc.Reply(ctx, dana, id, "Booked you in for Monday."); err != nil {
		t.Fatal(err)
	}
	if _, err := h.svc.Resolve(ctx, dana, id, "New charger fitted."); err != nil {
		t.Fatal(err)
	}
	return id
}

// The owner disputes a resolution: the case goes back to its claimer, who is told; then
// confirms the next one and rates it, with a comment.
func TestOwnerConfirmsOrDisputesTheResolution(t *testing.T) {
	h := newHarness(t, redistest.New(t), withVerdicts)
	ctx := context.Background()
	owner, dana := bot.Identity("web:ann"), bot.Actor{ID: "web:dana", Name: "Dana"}
	id := resolved(t, h, owner, dana)

	buttons := h.lastButtons(owner)
	if len(buttons) != 2 || buttons[0].Label != "Yes, it's solved" || buttons[1].Label != "No, it's still a problem" {
		t.Fatalf("resolution buttons: %+v", buttons)
	}
	h.clock.Advance(time.Hour)
	got := h.press(t, owner, buttons[1].Action, buttons[1].Value)
	if !strings.Contains(texts(got), "back with Dana") {
		t.Fatalf("after disputing: %s", texts(got))
	}
	c, _ := h.cases.Get(ctx, id)
	if c.Status != bot.StatusClaimed || c.ClaimedBy != dana.ID || c.Note != "" {
		t.Fatalf("disputed case: %s by %s, note %q", c.Status, c.ClaimedBy, c.Note)
	}
	if n := count(texts(h.msgr.toOwner(dana.ID)), "is not solved; it is back with you"); n != 1 {
		t.Fatalf("claimer told %d times", n)
	}
	if card, _ := h.msgr.card(id); card.Status != bot.StatusClaimed || card.Due.IsZero() {
		t.Fatalf("card after the dispute: %s, due %s", card.Status, card.Due)
	}
	// The same button again changes nothing.
	if again := h.press(t, owner, buttons[1].Action, buttons[1].Value); !strings.Contains(texts(again), "is with Dana again") {
		t.Fatalf("dispute pressed twice: %s", texts(again))
	}

	if _, err := h.svc.Resolve(ctx, dana, id, "Charger replaced again, tested."); err != nil {
		t.Fatal(err)
	}
	yes := h.lastButtons(owner)[0]
	rate := h.press(t, owner, yes.Action, yes.Value)
	if len(rate) != 1 || len(rate[0].Buttons) != 5 {
		t.Fatalf("after confirming: %+v", rate)
	}
	h.press(t, owner, rate[0].Buttons[3].Action, rate[0].Buttons[3].Value) // 4
	h.say(t, owner, "Dana was great, thanks.")
	c, _ = h.cases.Get(ctx, id)
	if c.Status != bot.StatusResolved || c.ConfirmedAt.IsZero() || c.Rating != 4 || c.RatingComment != "Dana was great, thanks." {
		t.Fatalf("verdict on the case: %+v", c)
	}
	if card, _ := h.msgr.card(id); card.Rating != 4 || card.RatingComment != "Dana was great, thanks." {
		t.Fatalf("card rating %d %q", card.Rating, card.RatingComment)
	}
	if again := h.press(t, owner, rate[0].Buttons[0].Action, rate[0].Buttons[0].Value); !strings.Contains(texts(again), "You rated "+id+" 4 of 5") {
		t.Fatalf("second rating: %s", texts(again))
	}
	// Later messages are a new intake, not another comment.
	h.clock.Advance(2 * time.Hour)
	if got := h.say(t, owner, "hello again"); strings.Contains(texts(got), "passed that on") {
		t.Fatalf("a message two hours later taken as a comment: %s", texts(got))
	}
}

// No answer within the window leaves the case resolved; a button pressed after it is told so.
func TestResolutionWindowCloses(t *testing.T) {
	h := newHarness(t, redistest.New(t), withVerdicts)
	owner, dana := bot.Identity("web:ann"), bot.Actor{ID: "web:dana", Name: "Dana"}
	id := resolved(t, h, owner, dana)
	no := h.lastButtons(owner)[1]
	h.clock.Advance(8 * 24 * time.Hour)
	if got := h.press(t, owner, no.Action, no.Value); !strings.Contains(texts(got), "resolved a while ago") {
		t.Fatalf("late dispute: %s", texts(got))
	}
	if c, _ := h.cases.Get(context.Background(), id); c.Status != bot.StatusResolved {
		t.Fatalf("late dispute moved the case to %s", c.Status)
	}
	// Someone else's case cannot be confirmed.
	if _, err := h.svc.HandleOwner(context.Background(), bot.OwnerEvent{Owner: "web:eve", Name: "eve", Action: no.Action, Value: no.Value}); bot.ErrorCode(err) != bot.CodeForbidden {
		t.Fatalf("a stranger's verdict: %v", err)
	}
}

// After a case ends, its owner waits the cooldown before opening another; told until when.
func TestCooldownAfterCase(t *testing.T) {
	h := newHarness(t, redistest.New(t), func(c *bot.Config) { c.CooldownAfterCase = 24 * time.Hour })
	owner, dana := bot.Identity("web:ann"), bot.Actor{ID: "web:dana", Name: "Dana"}
	resolved(t, h, owner, dana)
	h.clock.Advance(time.Hour)
	got := texts(h.say(t, owner, "my car broke again"))
	if !strings.Contains(got, "takes a new case from you from") {
		t.Fatalf("during the cooldown: %s", got)
	}
	h.clock.Advance(24 * time.Hour)
	if s := h.session(t, owner); s.Stage != conversation.StageSubmitted {
		t.Fatalf("the cooldown changed the session: %s", s.Stage)
	}
	h.say(t, owner, "my car broke again")
	if s := h.session(t, owner); s.Stage == conversation.StageSubmitted {
		t.Fatal("no new intake after the cooldown")
	}
}

// An owner who submits outside the support hours is told when to expect an answer.
func TestOwnerToldSupportHours(t *testing.T) {
	hours, err := bot.ParseHours("Mon-Fri 09:00-18:00 UTC")
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, redistest.New(t), func(c *bot.Config) { c.SupportHours = hours })
	now := h.clock.Now().UTC()
	saturday := time.Date(now.Year(), now.Month(), now.Day(), 11, 0, 0, 0, time.UTC)
	for saturday.Weekday() != time.Saturday || !saturday.After(now) {
		saturday = saturday.AddDate(0, 0, 1)
	}
	h.clock.Set(saturday)
	h.intake(t, "web:ann", false, nil)
	got := texts(h.press(t, "web:ann", conversation.ActionSubmit, ""))
	monday := saturday.AddDate(0, 0, 2).Add(-2 * time.Hour)
	if want := "expect an answer from " + monday.Format("Mon 2 Jan 15:04 MST"); !strings.Contains(got, want) {
		t.Fatalf("submitted on Saturday: %s\nwant %q", got, want)
	}
}
