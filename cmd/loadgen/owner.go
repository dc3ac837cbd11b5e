package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"time"

	"escalation-bot/conversation"
	"escalation-bot/xtest/intaketest"
)

// Pseudo-steps an owner answers besides the flow's steps.
const (
	stepStart   = "start"   // the first message, "hello"
	stepReview  = "review"  // the review card: the answer is Submit
	stepConfirm = "confirm" // "I picked up …, is that right?": the answer is Yes
)

// maxMoves bounds an intake: the default flow takes about fifteen.
const maxMoves = 40

// persona is what one owner answers at each step of the default intake. Owners differ in
// vehicle (one VIN each, so no report joins another's case), model, year and category, so
// cases spread over many patterns as real reports do.
type persona struct {
	n       int
	name    string
	answers map[string]string
	model   string
}

var (
	models     = []string{"model_s", "model_3", "model_x", "model_y"}
	categories = []string{"2", "3", "4", "8"} // battery, software, body, other: no extra step
)

func newPersona(n int, name string) persona {
	a := intaketest.Answers()
	year := 2015 + n%10
	a["ticket"] = fmt.Sprintf("SR-%06d", n)
	a["year"] = fmt.Sprint(year)
	a["vin"] = vinFor(n, year)
	a["category"] = categories[(n/10)%len(categories)]
	return persona{n: n, name: name, answers: a, model: models[(n/40)%len(models)]}
}

// move is what an owner does: press a button (Action and Value) or type Text.
type move struct {
	Action, Value string
	Text          string
}

func (m move) String() string {
	if m.Action != "" {
		return "[" + m.Action + " " + m.Value + "]"
	}
	return fmt.Sprintf("%q", m.Text)
}

// at is the owner's move when the bot asks step: buttons where a person would click them,
// typing elsewhere.
func (p persona) at(step string) move {
	switch step {
	case stepStart:
		return move{Text: "hello"}
	case "consent":
		return move{Action: conversation.ActionChoose, Value: "understood"}
	case "model":
		return move{Action: conversation.ActionChoose, Value: p.model}
	case "safe":
		return move{Action: conversation.ActionChoose, Value: "yes"}
	case stepReview:
		return move{Action: conversation.ActionSubmit}
	case stepConfirm:
		return move{Action: conversation.ActionConfirm, Value: "yes"}
	}
	return move{Text: p.answers[step]}
}

// botMessage is one message of the bot to an owner, as the owner sees it.
type botMessage struct {
	Text    string
	Buttons []button
	TS      string    // Slack: the message's ts, for a click on its buttons
	ID      string    // Discord: the message id, for a click on its buttons
	At      time.Time // when the stand-in (or the playground's answer) delivered it
}

type button struct {
	Action, Value, Label string
	ID                   string // Slack: the action_id; Discord: the custom_id
	Select               bool   // Discord: an option of a select menu, not a button
}

func (m botMessage) button(action, value string) (button, bool) {
	for _, b := range m.Buttons {
		if b.Action == action && (value == "" || b.Value == value) {
			return b, true
		}
	}
	return button{}, false
}

// What an owner makes of a message.
type kind int

const (
	unknown kind = iota // not understood: an apology, an error
	benign              // the greeting, help text: nothing to do yet
	asked               // a question; reading.step says which
	told                // a case id; reading.caseID
)

type reading struct {
	kind   kind
	step   string
	caseID string
}

var caseIDPattern = regexp.MustCompile(`\bESC-[0-9]+\b`)

// reader recognizes what the bot asks by its words, as a person reading the DM would.
type reader struct {
	greeting string
	prompts  []struct{ step, text string }
}

func newReader() reader {
	f := conversation.DefaultFlow()
	r := reader{greeting: f.Greeting}
	for _, st := range f.Steps {
		r.prompts = append(r.prompts, struct{ step, text string }{st.ID, st.Prompt})
	}
	return r
}

func (r reader) read(m botMessage) reading {
	text := strings.TrimSpace(m.Text)
	if id := caseIDPattern.FindString(text); id != "" {
		return reading{kind: told, caseID: id}
	}
	if _, ok := m.button(conversation.ActionSubmit, ""); ok {
		return reading{kind: asked, step: stepReview}
	}
	if _, ok := m.button(conversation.ActionConfirm, "yes"); ok {
		return reading{kind: asked, step: stepConfirm}
	}
	if strings.HasPrefix(text, r.greeting) || strings.Contains(text, "You can also type: back") ||
		strings.HasPrefix(text, "Let's carry on where we were") {
		return reading{kind: benign}
	}
	for _, p := range r.prompts {
		if strings.Contains(text, p.text) {
			return reading{kind: asked, step: p.step}
		}
	}
	return reading{kind: unknown}
}

// vinFor is a valid VIN of its own for owner n whose 10th character is the model year: the
// serial number varies, the check digit (ISO 3779) follows.
func vinFor(n, year int) string {
	const yearCodes = "ABCDEFGHJKLMNPRSTVWXY123456789" // 2010, 2011, …
	vin := []byte(fmt.Sprintf("1HGCM826?%cA%06d", yearCodes[(year-2010)%len(yearCodes)], 100000+n%900000))
	vin[8] = vinCheckDigit(vin)
	return string(vin)
}

func vinCheckDigit(vin []byte) byte {
	weights := [17]int{8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2}
	const letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
	values := [...]int{1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 9, 2, 3, 4, 5, 6, 7, 8, 9}
	sum := 0
	for i, c := range vin {
		v := 0
		switch {
		case c >= '0' && c <= '9':
			v = int(c - '0')
		default:
			if j := strings.IndexByte(letters, c); j >= 0 {
				v = values[j]
			}
		}
		sum += v * weights[i]
	}
	if r := sum % 11; r < 10 {
		return byte('0' + r)
	}
	return 'X'
}

// transport is how owners reach the bot on one platform.
type transport interface {
	// do makes a move, answering on m's buttons; it returns once the platform's delivery was
	// acknowledged, and how long that took.
	do(ctx context.Context, o *owner, m botMessage, mv move) (ack time.Duration, err error)
}

// owner is one person running an intake; the bot's messages to them arrive in inbox.
type owner struct {
	p        persona
	user, dm string // platform ids (Slack user and DM channel, Discord user and DM channel)
	seq      int
	inbox    chan botMessage

	moves   int
	caseID  string
	problem string
}

// intake runs the owner's whole intake: hello, every answer, Submit, until told the case id.
func (o *owner) intake(ctx context.Context, r *run) {
	step, mv := stepStart, o.p.at(stepStart)
	var m botMessage
	for o.moves < maxMoves {
		if o.moves > 0 && r.cfg.think > 0 {
			// A person reads the question and types: between half and one and a half times
			// the think time, so owners do not answer in lockstep.
			if err := sleep(ctx, r.cfg.think/2+rand.N(r.cfg.think)); err != nil {
				o.problem = fmt.Sprintf("at %s: %v", step, err)
				return
			}
		}
		drain(o.inbox)
		sent := time.Now()
		ack, err := r.tr.do(ctx, o, m, mv)
		if err != nil {
			o.problem = fmt.Sprintf("%s at %s: %v", mv, step, err)
			return
		}
		o.moves++
		r.stats.ack(ack)
		var rd reading
		rd, m, err = o.await(ctx, r, sent)
		if err != nil {
			o.problem = fmt.Sprintf("after %s at %s: %v", mv, step, err)
			return
		}
		switch rd.kind {
		case told:
			if step != stepReview {
				o.problem = fmt.Sprintf("told %s after %s", rd.caseID, step)
			}
			o.caseID = rd.caseID
			return
		case asked:
			if rd.step == step && step != stepStart {
				o.problem = fmt.Sprintf("asked %s again: %q", step, truncate(m.Text, 80))
				return
			}
			step, mv = rd.step, o.p.at(rd.step)
		}
	}
	o.problem = fmt.Sprintf("no case after %d moves (at %s)", o.moves, step)
}

// await reads the bot's messages until one asks something or tells a case id; it times the
// first of them from sent.
func (o *owner) await(ctx context.Context, r *run, sent time.Time) (reading, botMessage, error) {
	timer := time.NewTimer(r.cfg.replyTimeout)
	defer timer.Stop()
	first := true
	var said []string
	for {
		select {
		case m := <-o.inbox:
			if first {
				first = false
				r.stats.reply(m.At.Sub(sent))
			}
			rd := r.reader.read(m)
			if rd.kind == asked || rd.kind == told {
				return rd, m, nil
			}
			if rd.kind == unknown && strings.TrimSpace(m.Text) != "" {
				said = append(said, truncate(m.Text, 80))
			}
		case <-timer.C:
			if len(said) > 0 {
				return reading{}, botMessage{}, fmt.Errorf("no question within %v; the bot said %q", r.cfg.replyTimeout, said)
			}
			return reading{}, botMessage{}, fmt.Errorf("no answer within %v", r.cfg.replyTimeout)
		case <-ctx.Done():
			return reading{}, botMessage{}, ctx.Err()
		}
	}
}

func drain(c chan botMessage) {
	for {
		select {
		case <-c:
		default:
			return
		}
	}
}

// deliver hands a message of the bot to its owner, never blocking the stand-in: an owner who
// does not read (done, or far behind) loses it.
func deliver(o *owner, m botMessage) {
	select {
	case o.inbox <- m:
	default:
	}
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
