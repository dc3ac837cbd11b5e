package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"sync"
	"time"

	"escalation-bot/conversation"
	"escalation-bot/xtest/fakeslack"
	"escalation-bot/xtest/ownertest"
)

const (
	slackSecret  = "loadgen-signing-secret"
	slackChannel = "CLOADESCALATIONS" // the escalation channel
)

// slackTransport sends an owner's moves as Slack does in HTTP mode: signed Events API DMs
// and block_actions clicks; the bot answers through the Web API stand-in.
type slackTransport struct {
	fake  *fakeslack.Server
	bot   *botClient
	cards *cardCount
}

func newSlack(fake *fakeslack.Server, owners []*owner, cards *cardCount) *slackTransport {
	byDM := make(map[string]*owner, len(owners))
	for _, o := range owners {
		o.user = fmt.Sprintf("ULOAD%06d", o.p.N)
		o.dm = "D" + o.user
		fake.SetUser(o.user, o.p.Name, fakeslack.TeamID)
		byDM[o.dm] = o
	}
	fake.OnPost(func(m fakeslack.Message) {
		at := time.Now()
		if m.Channel == slackChannel {
			if m.ThreadTS == "" && cardMetadata(m.Metadata) {
				cards.add(ownertest.CaseIDPattern.FindString(m.Text))
			}
			return
		}
		if o := byDM[m.Channel]; o != nil {
			deliver(o, ownertest.SlackMessage(m, at))
		}
	})
	return &slackTransport{fake: fake, cards: cards}
}

func (t *slackTransport) identity(o *owner) string { return "slack:" + fakeslack.TeamID + ":" + o.user }

func (t *slackTransport) do(ctx context.Context, o *owner, m ownertest.Message, mv ownertest.Move) (time.Duration, error) {
	o.seq++
	if mv.Action == "" {
		ts := fmt.Sprintf("%d.%06d", time.Now().Unix(), o.seq)
		body := fakeslack.EventCallback(fakeslack.TeamID, fmt.Sprintf("EvL%06d%03d", o.p.N, o.seq), fakeslack.MessageIM(o.user, o.dm, mv.Text, ts))
		return t.post(ctx, "/slack/events", body, "application/json")
	}
	b, ok := m.Button(mv.Action, mv.Value)
	if !ok {
		return 0, fmt.Errorf("no button %s in %q", mv, conversation.Clip(m.Text, 80))
	}
	trigger := fmt.Sprintf("%d.%06d%03d.loadtrigger", time.Now().UnixNano(), o.p.N, o.seq)
	body := t.fake.BlockActions(fakeslack.TeamID, o.user, o.p.Name, o.dm, m.TS, trigger, fakeslack.Action{ActionID: b.ID, Value: b.Value})
	return t.post(ctx, "/slack/interactions", body, "application/x-www-form-urlencoded")
}

// post sends a signed request until it is answered 2xx, as Slack retries an event (the same
// body, numbered); the acknowledgement is timed from the first attempt.
func (t *slackTransport) post(ctx context.Context, path string, body []byte, ctype string) (time.Duration, error) {
	start := time.Now()
	for attempt := 0; attempt < 5; attempt++ {
		if attempt > 0 {
			if err := sleep(ctx, time.Duration(attempt)*500*time.Millisecond); err != nil {
				return 0, err
			}
		}
		var header []field
		for k, vs := range fakeslack.Sign(slackSecret, time.Now(), body) {
			for _, v := range vs {
				header = append(header, field{k, v})
			}
		}
		if attempt > 0 && path == "/slack/events" {
			header = append(header, field{"X-Slack-Retry-Num", strconv.Itoa(attempt)}, field{"X-Slack-Retry-Reason", "http_error"})
		}
		status, _, err := t.bot.post(ctx, path, ctype, header, body)
		if err != nil {
			if ctx.Err() != nil {
				return 0, ctx.Err()
			}
			continue
		}
		if status/100 == 2 {
			return time.Since(start), nil
		}
	}
	return 0, fmt.Errorf("%s not acknowledged after 5 attempts", path)
}

// cardMetadata reports whether a message's metadata marks it as a case card.
func cardMetadata(raw json.RawMessage) bool {
	var meta struct {
		EventType string `json:"event_type"`
	}
	return json.Unmarshal(raw, &meta) == nil && meta.EventType == "escalation_case_card"
}

// cardCount counts the cards posted per case.
type cardCount struct {
	mu     sync.Mutex
	byCase map[string]int
}

func (c *cardCount) add(caseID string) {
	if caseID == "" {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byCase == nil {
		c.byCase = map[string]int{}
	}
	c.byCase[caseID]++
}

// total is the number of cards posted, and the duplicates among them (cards beyond a case's
// first).
func (c *cardCount) total() (cards, duplicates int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, n := range c.byCase {
		cards += n
		duplicates += max(0, n-1)
	}
	return cards, duplicates
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
