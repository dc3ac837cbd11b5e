package bot_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"escalation-bot/bot"
	"escalation-bot/xtest/redistest"
)

// Every action of the table runs through RunCaseAction on a case whose card shows it, is
// checked for the actor's permission there whatever the buttons showed, and runs once per
// platform event.
func TestCaseActionsRun(t *testing.T) {
	want := map[string]bot.Status{
		bot.ActionClaim:   bot.StatusClaimed,
		bot.ActionReply:   bot.StatusClaimed,
		bot.ActionResolve: bot.StatusResolved,
		bot.ActionRelease: bot.StatusOpen,
	}
	dana := bot.Actor{ID: "web:dana", Name: "Dana"}
	for _, ca := range bot.CaseActions() {
		t.Run(ca.Name, func(t *testing.T) {
			to, ok := want[ca.Name]
			if !ok {
				t.Fatalf("no test case for %q: add the status it leads to", ca.Name)
			}
			h := newHarness(t, redistest.New(t), func(c *bot.Config) { c.Claimers = []string{"web:dana", "web:eve"} })
			ctx := context.Background()
			id := h.intake(t, "web:owner", true, nil)
			// stranger may not run the action: someone who may not claim, or not the claimer.
			stranger := bot.Actor{ID: "web:stranger", Name: "Stranger"}
			if !ca.ShownFor(bot.StatusOpen) {
				if _, err := h.svc.RunCaseAction(ctx, dana, bot.ActionClaim, id, "", "click-claim"); err != nil {
					t.Fatal(err)
				}
				stranger = bot.Actor{ID: "web:eve", Name: "Eve"}
			}
			card, err := h.svc.Card(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			shown := false
			for _, b := range card.Buttons {
				shown = shown || (b.Action == ca.Name && b.Value == id && b.Label == ca.Label(""))
			}
			if !shown {
				t.Fatalf("card of a %s case has no %s button: %+v", card.Status, ca.Name, card.Buttons)
			}
			text := ""
			if ca.Form != nil {
				text = "We have booked your car in for Monday."
				if ca.Form.Limit <= 0 || !strings.Contains(ca.Form.Title, "%s") || ca.Form.Label == "" || ca.Form.Submit == "" {
					t.Errorf("form %+v lacks a limit, a title with the case id, a label or a submit button", *ca.Form)
				}
			}

			if err := h.svc.AuthorizeCaseAction(ctx, stranger, ca.Name, id); bot.ErrorCode(err) != bot.CodeForbidden {
				t.Errorf("authorize for %s: %v, want forbidden", stranger.ID, err)
			}
			if _, err := h.svc.RunCaseAction(ctx, stranger, ca.Name, id, text, "click-stranger"); bot.ErrorCode(err) != bot.CodeForbidden {
				t.Errorf("run by %s: %v, want forbidden", stranger.ID, err)
			}
			if err := h.svc.AuthorizeCaseAction(ctx, dana, ca.Name, id); err != nil {
				t.Fatalf("authorize for dana: %v", err)
			}
			before, err := h.cases.Audit(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			for range 2 { // the same event run again changes nothing and is not refused
				card, err = h.svc.RunCaseAction(ctx, dana, ca.Name, id, text, "click-dana")
				if err != nil {
					t.Fatalf("run by dana: %v", err)
				}
			}
			if card.Status != to {
				t.Errorf("status after %s = %s, want %s", ca.Name, card.Status, to)
			}
			after, err := h.cases.Audit(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if len(after) != len(before)+1 {
				t.Errorf("audit grew by %d entries, want 1", len(after)-len(before))
			}
		})
	}
}

func TestCaseActionUnknown(t *testing.T) {
	h := newHarness(t, redistest.New(t))
	ctx := context.Background()
	id := h.intake(t, "web:owner", true, nil)
	mod := bot.Actor{ID: "web:mod", Name: "Mo"}
	for _, name := range []string{"dance", "", "Claim", "approve_owner"} {
		_, err := h.svc.RunCaseAction(ctx, mod, name, id, "text", "")
		if !errors.Is(err, bot.ErrUnknownCaseAction) || bot.ErrorCode(err) != bot.CodeInvalid {
			t.Errorf("run %q: %v (code %s), want ErrUnknownCaseAction, invalid", name, err, bot.ErrorCode(err))
		}
		if got := bot.ErrorMessage(err); !strings.HasSuffix(got, ": use claim, release, reply or resolve.") {
			t.Errorf("run %q: refusal %q", name, got)
		}
		if err := h.svc.AuthorizeCaseAction(ctx, mod, name, id); !errors.Is(err, bot.ErrUnknownCaseAction) {
			t.Errorf("authorize %q: %v, want ErrUnknownCaseAction", name, err)
		}
	}
	c, err := h.cases.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != bot.StatusOpen {
		t.Errorf("case is %s after unknown actions, want open", c.Status)
	}
}
