// Package cardtest holds what the chat adapters' tests check alike of case cards and of the
// Reply and Resolve forms: a card in the states only some cases reach, and what the core kept
// of a form's text.
package cardtest

import (
	"context"
	"strings"
	"testing"
	"time"

	"escalation-bot/bot"
)

// States is a resolved case's card that went through everything a card can show: escalated,
// reminded three times, a next deadline at due, rated 4 of 5 with comment.
func States(due time.Time, comment string) bot.Card {
	return bot.Card{
		ID: "ESC-1001", Title: "Car will not charge", Status: bot.StatusResolved, Owner: "Alice",
		Severity: bot.SeverityHigh, Summary: "The car stopped charging.", Note: "Replaced the charger.",
		Escalated: true, Reminders: 3, Due: due, Rating: 4, RatingComment: comment,
	}
}

// Long is c with a summary and a rating comment far beyond any platform's limits, made of
// phrase repeated.
func Long(c bot.Card, phrase string) bot.Card {
	c.Summary = strings.Repeat(phrase, 400)
	c.RatingComment = strings.Repeat(phrase, 1000)
	return c
}

// Shows fails the test for every text of want that shown lacks and every text of unwanted it
// has.
func Shows(t testing.TB, shown string, want, unwanted []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(shown, w) {
			t.Errorf("lacks %q:\n%s", w, shown)
		}
	}
	for _, u := range unwanted {
		if strings.Contains(shown, u) {
			t.Errorf("shows %q", u)
		}
	}
}

// FormText is a text of exactly n characters, some of several bytes, that ends in words of its
// own, so that a cut shows.
func FormText(n int) string {
	const tail = " and that is all."
	rs := []rune(strings.Repeat("Grüße aus Köln ", n/15+1))
	return string(rs[:n-len(tail)]) + tail
}

// Kept is what the core kept of the text a form of action (bot.ActionReply, bot.ActionResolve)
// submitted on case id: the last reply relayed to the owner, or the resolution note.
func Kept(t testing.TB, cases bot.CaseStore, id, action string) string {
	t.Helper()
	if action == bot.ActionResolve {
		c, err := cases.Get(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		return c.Note
	}
	audit, err := cases.Audit(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	kept := ""
	for _, a := range audit {
		if a.Action == "exec_message" {
			kept = a.Text
		}
	}
	return kept
}
