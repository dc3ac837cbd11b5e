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

// The owner's whole intake, the submission, the claim and an executive's reply are kept with
// the case, in order.
func TestDialogueKeptWithTheCase(t *testing.T) {
	h := newHarness(t, redistest.New(t))
	ctx := context.Background()
	owner := bot.Identity("web:ann")
	h.say(t, owner, "an earlier, cancelled intake")
	h.say(t, owner, "cancel")
	h.clock.Advance(time.Second)
	id := h.intake(t, owner, true, nil)
	exec := bot.Actor{ID: "web:dana", Name: "Dana"}
	if _, err := h.svc.Claim(ctx, exec, id); err != nil {
		t.Fatal(err)
	}
	if _, err := h.svc.Reply(ctx, exec, id, "I am on it."); err != nil {
		t.Fatal(err)
	}
	h.say(t, owner, "Thank you!")

	tr, err := h.dialogue.Transcript(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	all := dialogueText(tr)
	for _, want := range []string{
		"owner: hello", "bot: ", "owner: I understand", "owner: " + answers["vin"], "owner: Submit",
		"Your case is " + id, "is now looking at your case " + id, "I am on it.", "owner: Thank you!", "Added to your case " + id,
	} {
		if !strings.Contains(all, want) {
			t.Errorf("transcript lacks %q:\n%s", want, all)
		}
	}
	if strings.Contains(all, "earlier, cancelled") {
		t.Errorf("the case's transcript holds an earlier intake:\n%s", all)
	}
	inOrder(t, all, "owner: hello", "owner: Submit", "is now looking", "I am on it.", "owner: Thank you!")
	export, err := h.svc.Export(ctx, bot.Actor{ID: "web:mod", Name: "Mod"}, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(export.Dialogue) != len(tr) {
		t.Errorf("the export has %d dialogue lines, the case %d", len(export.Dialogue), len(tr))
	}
	md := export.Markdown()
	if !strings.Contains(md, "## Dialogue") || !strings.Contains(md, "ann: Thank you!") || !strings.Contains(md, "Bot: Dana (about "+id+"):") {
		t.Errorf("the Markdown export lacks the dialogue:\n%s", md)
	}
	dialogue, _ := h.svc.Dialogue(ctx, owner)
	if d := dialogueText(dialogue); !strings.Contains(d, "earlier, cancelled") || !strings.HasSuffix(d, dialogueText(tr)) {
		t.Errorf("the owner's dialogue does not end with the case's transcript:\n%s", d)
	}
}

// A replayed event adds no line; a redelivered one answers again without adding one either.
func TestDialogueReplayedEventOnce(t *testing.T) {
	h := newHarness(t, redistest.New(t))
	ctx := context.Background()
	owner := bot.Identity("web:ben")
	ev := bot.OwnerEvent{ID: "ev-1", Owner: owner, Name: "ben", Text: "hello"}
	for range 2 {
		if _, err := h.svc.HandleOwner(ctx, ev); err != nil {
			t.Fatal(err)
		}
	}
	ev.Redelivered = true
	if _, err := h.svc.HandleOwner(ctx, ev); err != nil {
		t.Fatal(err)
	}
	press := bot.OwnerEvent{ID: "ev-2", Owner: owner, Name: "ben", Action: conversation.ActionChoose, Value: "understood"}
	for range 2 {
		if _, err := h.svc.HandleOwner(ctx, press); err != nil {
			t.Fatal(err)
		}
	}
	lines, _ := h.svc.Dialogue(ctx, owner)
	owners := 0
	for _, l := range lines {
		if l.Role == bot.RoleOwner {
			owners++
		}
	}
	if owners != 2 || lines[0].Text != "hello" {
		t.Fatalf("dialogue after replays:\n%s", dialogueText(lines))
	}
	if !strings.Contains(dialogueText(lines), "owner: I understand") {
		t.Errorf("a pressed button is kept by its label:\n%s", dialogueText(lines))
	}
}

func dialogueText(lines []bot.Line) string {
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(l.Role + ": " + l.Text)
		if len(l.Buttons) > 0 {
			b.WriteString(" [" + strings.Join(l.Buttons, "|") + "]")
		}
		b.WriteString("\n")
	}
	return b.String()
}

func inOrder(t *testing.T, s string, parts ...string) {
	t.Helper()
	at := 0
	for _, p := range parts {
		i := strings.Index(s[at:], p)
		if i < 0 {
			t.Fatalf("%q missing or out of order in:\n%s", p, s)
		}
		at += i + len(p)
	}
}
