package slack

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	redisstore "escalation-bot/adapters/redis"
	"escalation-bot/bot"
	"escalation-bot/conversation"
	"escalation-bot/xtest/clocktest"
)

// A card Slack refuses is posted later by the due queue, by whichever instance runs then: the
// case is never lost, not even across a restart.
func TestCardPostRetriedAfterSlackOutage(t *testing.T) {
	e := newEnv(t)
	// Answer everything but the submit, then make Slack refuse the next post: the card's.
	e.dm(owner1, "hello")
	e.press(owner1, conversation.ActionChoose, "understood")
	for range 30 {
		s := e.session(owner1)
		if s.Stage == conversation.StageReview {
			break
		}
		e.dm(owner1, answers[s.Step])
	}
	e.fake.FailNext("chat.postMessage", 1, http.StatusInternalServerError, 0)
	e.press(owner1, conversation.ActionSubmit, "")
	id := e.session(owner1).CaseID
	e.waitShown("chat.postMessage", dmOf(owner1), "Your case is "+id)
	for _, c := range e.posts(escChannel) {
		if strings.Contains(c.Form.Get("blocks"), id) && c.Err == "" {
			t.Fatalf("card posted although Slack refused it")
		}
	}

	// A restarted instance, a few minutes later, runs the due queue.
	p := e.params
	later := clocktest.Running(t) // as seen by an instance that runs a few minutes later
	later.Advance(3 * time.Minute)
	p.Clock = later
	n, err := bot.NewService(p).RunDue(context.Background())
	if err != nil || n != 1 {
		t.Fatalf("RunDue = %d, %v", n, err)
	}
	e.waitShown("chat.postMessage", escChannel, "*"+id+"*")
	if c := e.getCase(id); len(c.Posts) != 1 || c.Posts[0].Channel != "slack:"+escChannel {
		t.Fatalf("posts = %+v", c.Posts)
	}
	// Once posted, later checks post nothing twice.
	later.Advance(time.Hour)
	bot.NewService(p).RunDue(context.Background())
	cards := 0
	for _, c := range e.posts(escChannel) {
		if c.Err == "" && strings.Contains(c.Form.Get("blocks"), "*"+id+"*") {
			cards++
		}
	}
	if cards != 1 {
		t.Fatalf("card posted %d times", cards)
	}
}

// A card Slack accepted whose post was never recorded (the process died, or Redis failed, right
// after chat.postMessage) is found in the channel by the due queue and not posted again.
func TestLostCardPostNotDoubled(t *testing.T) {
	e := newEnv(t)
	id := e.intake(owner1, nil)
	e.waitShown("chat.postMessage", escChannel, "*"+id+"*")
	// The record of the post is lost; the due queue's check is still queued.
	keys := redisstore.NewKeys(e.rds.Tenant)
	if err := e.rds.Client.HDel(t.Context(), keys.Case(id), "posts").Err(); err != nil {
		t.Fatal(err)
	}
	later := clocktest.Running(t)
	later.Advance(3 * time.Minute)
	p := e.params
	p.Clock = later
	if n, err := bot.NewService(p).RunDue(context.Background()); err != nil || n != 1 {
		t.Fatalf("RunDue = %d, %v", n, err)
	}
	cards := 0
	for _, c := range e.posts(escChannel) {
		if c.Err == "" && strings.Contains(c.Form.Get("blocks"), "*"+id+"*") {
			cards++
		}
	}
	if cards != 1 {
		t.Fatalf("card posted %d times, want once", cards)
	}
	if c := e.getCase(id); len(c.Posts) != 1 || c.Posts[0].Channel != "slack:"+escChannel || c.Posts[0].Ref == "" {
		t.Fatalf("posts after the check = %+v, want the first card recorded", c.Posts)
	}
	if len(e.fake.Calls("conversations.history")) == 0 {
		t.Fatal("the check did not look in the channel")
	}
}
