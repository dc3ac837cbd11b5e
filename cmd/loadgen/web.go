package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"escalation-bot/conversation"
	"escalation-bot/xtest/ownertest"
)

// webTransport sends an owner's moves to the playground's JSON API, whose answer carries the
// bot's replies: the acknowledgement and the first reply are the same response.
type webTransport struct {
	base   string
	client *http.Client
}

func newWeb(owners []*owner, client *http.Client) *webTransport {
	for _, o := range owners {
		o.user = o.p.Name
	}
	return &webTransport{client: client}
}

func (t *webTransport) identity(o *owner) string { return "web:" + o.user }

type webReply struct {
	Text    string                `json:"text"`
	Buttons []conversation.Button `json:"buttons"`
}

func (t *webTransport) do(ctx context.Context, o *owner, _ ownertest.Message, mv ownertest.Move) (time.Duration, error) {
	o.seq++
	path, body := "/messages", map[string]string{"text": mv.Text}
	if mv.Action != "" {
		path, body = "/actions", map[string]string{"action": mv.Action, "value": mv.Value}
	}
	b, err := json.Marshal(body)
	if err != nil {
		return 0, err
	}
	target := t.base + "/api/owners/" + url.PathEscape(o.user) + path
	key := o.user + "-" + strconv.Itoa(o.seq)
	start := time.Now()
	for attempt := 0; attempt < 5; attempt++ {
		if attempt > 0 {
			if err := sleep(ctx, time.Duration(attempt)*500*time.Millisecond); err != nil {
				return 0, err
			}
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(b))
		if err != nil {
			return 0, err
		}
		req.Header.Set("Content-Type", "application/json")
		// The same key on a retry: a request handled before changes nothing.
		req.Header.Set("Idempotency-Key", key)
		resp, err := t.client.Do(req)
		if err != nil {
			if ctx.Err() != nil {
				return 0, ctx.Err()
			}
			continue
		}
		raw, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode/100 != 2 {
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
			m := ownertest.Message{Text: r.Text, At: at}
			for _, b := range r.Buttons {
				m.Buttons = append(m.Buttons, ownertest.Button{Action: b.Action, Value: b.Value, Label: b.Label})
			}
			deliver(o, m)
		}
		return at.Sub(start), nil
	}
	return 0, fmt.Errorf("%s not answered 2xx after 5 attempts", path)
}
