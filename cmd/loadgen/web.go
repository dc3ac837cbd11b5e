package main

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"time"

	// The v2 package decodes an answer in a third of encoding/json's time, with a fifth of
	// its allocations: the owners' reading is a tenth of the load tool's processor otherwise,
	// taken from the bot on the same machine.
	json "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"escalation-bot/conversation"
	"escalation-bot/xtest/ownertest"
)

// webTransport sends an owner's moves to the playground's JSON API, whose answer carries the
// bot's replies: the acknowledgement and the first reply are the same response.
type webTransport struct {
	bot *botClient
}

func newWeb(owners []*owner) *webTransport {
	for _, o := range owners {
		o.user = o.p.Name
	}
	return &webTransport{}
}

func (t *webTransport) identity(o *owner) string { return "web:" + o.user }

// requestBody is the JSON of a move, {"text": …} or {"action": …, "value": …}, written into
// the owner's buffer: it goes again as it is when the request is retried.
func (o *owner) requestBody(mv ownertest.Move) ([]byte, error) {
	b := o.body[:0]
	var err error
	if mv.Action == "" {
		b = append(b, `{"text":`...)
		b, err = jsontext.AppendQuote(b, mv.Text)
	} else {
		b = append(b, `{"action":`...)
		b, err = jsontext.AppendQuote(b, mv.Action)
		b = append(b, `,"value":`...)
		if err == nil {
			b, err = jsontext.AppendQuote(b, mv.Value)
		}
	}
	o.body = append(b, '}')
	return o.body, err
}

type webReply struct {
	Text    string                `json:"text"`
	Buttons []conversation.Button `json:"buttons"`
}

func (t *webTransport) do(ctx context.Context, o *owner, _ ownertest.Message, mv ownertest.Move) (time.Duration, error) {
	o.seq++
	path := "/messages"
	if mv.Action != "" {
		path = "/actions"
	}
	b, err := o.requestBody(mv)
	if err != nil {
		return 0, err
	}
	target := "/api/owners/" + url.PathEscape(o.user) + path
	// The same key on a retry: a request handled before changes nothing.
	header := []field{{"Idempotency-Key", o.user + "-" + strconv.Itoa(o.seq)}}
	start := time.Now()
	for attempt := 0; attempt < 5; attempt++ {
		if attempt > 0 {
			if err := sleep(ctx, time.Duration(attempt)*500*time.Millisecond); err != nil {
				return 0, err
			}
		}
		status, raw, err := t.bot.post(ctx, target, "application/json", header, b)
		if err != nil {
			if ctx.Err() != nil {
				return 0, ctx.Err()
			}
			continue
		}
		if status/100 != 2 {
			continue
		}
		at := time.Now()
		var out struct {
			Replies []webReply `json:"replies"`
		}
		if err := json.Unmarshal(raw, &out); err != nil {
			return 0, fmt.Errorf("answer is not JSON: %q", conversation.Clip(string(raw), 80))
		}
		for _, r := range out.Replies {
			m := ownertest.Message{Text: r.Text, At: at, Buttons: make([]ownertest.Button, 0, len(r.Buttons))}
			for _, b := range r.Buttons {
				m.Buttons = append(m.Buttons, ownertest.Button{Action: b.Action, Value: b.Value, Label: b.Label})
			}
			deliver(o, m)
		}
		return at.Sub(start), nil
	}
	return 0, fmt.Errorf("%s not answered 2xx after 5 attempts", path)
}
