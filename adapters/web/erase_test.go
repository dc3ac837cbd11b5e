package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	redisstore "escalation-bot/adapters/redis"
	"escalation-bot/bot"
	"escalation-bot/conversation"
	"escalation-bot/xtest/redistest"
)

// An owner's own "forget me" on the playground: asked, confirmed, and then the card shows
// nothing of them, the thread keeps no word of theirs or the executive's, their history is
// empty, and nothing of them is left in Redis.
func TestForgetMeOnThePlayground(t *testing.T) {
	r := redistest.New(t)
	e := newEnvOver(t, r, func(p *bot.Params) {
		p.Eraser = redisstore.NewEraser(r.Client, redisstore.Config{Tenant: r.Tenant})
	})
	e.intake("zoltanq")
	id := e.submit("zoltanq", nil)
	if code, _ := e.exec("dana", bot.ActionClaim, id, ""); code != http.StatusOK {
		t.Fatalf("claim: %d", code)
	}
	e.owner("zoltanq", conversation.Input{Text: "My neighbour Quirinus saw smoke from the charge port."}, nil)
	if code, out := e.exec("dana", bot.ActionReply, id, "Tell Quirinus we are on it."); code != http.StatusOK {
		t.Fatalf("reply: %d %s", code, out.Error)
	}

	if got := text(e.owner("zoltanq", conversation.Input{Text: "forget me"}, nil)); !strings.Contains(got, "Reply 'yes' to confirm") {
		t.Fatalf("forget me answered %q", got)
	}
	if got := text(e.owner("zoltanq", conversation.Input{Text: "yes"}, nil)); !strings.Contains(got, "is erased") {
		t.Fatalf("yes answered %q", got)
	}

	words := []string{"zoltanq", testVIN, "Quirinus", "stopped charging", "Austin"}
	var card *Card
	for _, c := range e.channel() {
		if c.ID == id {
			card = &c
		}
	}
	if card == nil {
		t.Fatalf("%s left the channel", id)
	}
	if card.Status != bot.StatusClosed || card.Owner != bot.ErasedName {
		t.Errorf("card %+v", card)
	}
	shown := card.Title + card.Summary + card.Ask
	for _, f := range card.Answers {
		shown += "\n" + f.Value
	}
	last := ""
	for _, l := range card.Thread {
		shown += "\n" + l.From + ": " + l.Text
		last = l.Text
	}
	for _, w := range words {
		if strings.Contains(shown, w) {
			t.Errorf("the card shows %q:\n%s", w, shown)
		}
	}
	if !strings.Contains(last, "Personal data erased by the owner at the owner's request") {
		t.Errorf("last thread line %q", last)
	}
	var hist struct {
		Lines []historyLine `json:"lines"`
	}
	if code := e.call(http.MethodGet, "/api/owners/"+url.PathEscape("zoltanq")+"/history", nil, nil, &hist); code != http.StatusOK || len(hist.Lines) != 0 {
		t.Errorf("history after erasure: %d %+v", code, hist.Lines)
	}
	for key, w := range r.Traces(t, words...) {
		t.Errorf("%s still holds %q", key, w)
	}
}
