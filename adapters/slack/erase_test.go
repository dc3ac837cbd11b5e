package slack

import (
	"strings"
	"testing"

	"escalation-bot/bot"
	"escalation-bot/xtest/fakeslack"
	"escalation-bot/xtest/intaketest"
)

// /escalations forget @owner on Slack: the card is edited to show nothing of the owner, the
// owner's and the executive's lines the bot relayed into the thread are deleted, the erasure's
// own line is written, and nothing of the owner is left in Redis.
func TestForgetOnSlack(t *testing.T) {
	e := newEnv(t)
	id := e.intake(owner1, nil)
	e.clickCase(dana, "Dana", bot.ActionClaim, id)
	e.dm(owner1, "My neighbour Quirinus saw smoke from the charge port.")
	e.submitModal(dana, "Dana", bot.ActionReply, id, "Tell Quirinus we are on it.")
	card := e.cardTS(id)
	if !threadHas(e.fake.Messages(escChannel), card, "Quirinus") {
		t.Fatal("the lines were never relayed: the test checks nothing")
	}

	got := e.command(mod, "mo", "C1", "/escalations", "forget <@"+owner1+"|alice>")
	if len(got) != 1 || !strings.Contains(got[0], "1 case was erased") {
		t.Fatalf("answer %q", got)
	}
	msgs := e.fake.Messages(escChannel)
	words := []string{intaketest.ValidVIN, "Quirinus", "stopped charging", "Alice", "Austin"}
	for _, m := range msgs {
		text := m.Text + string(m.Blocks)
		for _, w := range words {
			if strings.Contains(text, w) {
				t.Errorf("message %s (thread %s) still shows %q: %s", m.TS, m.ThreadTS, w, text)
			}
		}
	}
	if !threadHas(msgs, card, "Personal data erased by Mo") {
		t.Error("the thread does not say the data was erased")
	}
	if len(e.calls("chat.update", escChannel)) == 0 {
		t.Error("the card was not edited")
	}
	for key, w := range e.rds.Traces(t, append(words, owner1)...) {
		t.Errorf("%s still holds %q", key, w)
	}
}

// threadHas reports whether a line of the card's thread contains s.
func threadHas(msgs []fakeslack.Message, card, s string) bool {
	for _, m := range msgs {
		if m.ThreadTS == card && m.TS != card && strings.Contains(m.Text+string(m.Blocks), s) {
			return true
		}
	}
	return false
}
