package discord

import (
	"strings"
	"testing"

	"escalation-bot/bot"
	"escalation-bot/xtest/fakediscord"
	"escalation-bot/xtest/intaketest"
)

// /escalations forget on Discord: the card is edited to show nothing of the owner, the lines
// the bot relayed into the card's thread are deleted, the erasure's line is written, and
// nothing of the owner is left in Redis.
func TestForgetOnDiscord(t *testing.T) {
	e := newEnv(t)
	id := e.openCase(alice)
	e.clickCase(memberInv(dana), bot.ActionClaim, id)
	e.waitShown(escChannel, "Claimed by: Dana")
	e.dm(alice, "My neighbour Quirinus saw smoke from the charge port.")
	thread := e.cardID(id) // a thread started from a message has the message's id
	e.waitShown(thread, "Quirinus saw smoke")
	e.submitModal(memberInv(dana), bot.ActionReply, id, "Tell Quirinus we are on it.")
	e.waitShown(thread, "Tell Quirinus")

	got := e.command(memberInv(mod, modRole), "forget", fakediscord.StringOption("user", "<@"+alice+">"))
	if len(got) != 1 || !strings.Contains(got[0], "1 case was erased") {
		t.Fatalf("answer %q", got)
	}
	e.waitShown(thread, "Personal data erased by Mo")
	words := []string{intaketest.ValidVIN, "Quirinus", "stopped charging", "Alice", "Austin"}
	for _, ch := range []string{escChannel, thread} {
		for _, m := range e.botMessages(ch) {
			for _, w := range words {
				if strings.Contains(text(m), w) {
					t.Errorf("message %s in %s still shows %q: %s", m.ID, ch, w, text(m))
				}
			}
		}
	}
	if c := e.card(id); !strings.Contains(text(c), "Status: closed") {
		t.Errorf("card not updated: %s", text(c))
	}
	for key, w := range e.rds.Traces(t, append(words, alice)...) {
		t.Errorf("%s still holds %q", key, w)
	}
}
