package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"escalation-bot/conversation"
	"escalation-bot/xtest/intaketest"
	"escalation-bot/xtest/ownertest"
)

// maxMoves bounds an intake: the default flow takes about fifteen.
const maxMoves = 40

var (
	models     = []string{"model_s", "model_3", "model_x", "model_y"}
	categories = []string{"2", "3", "4", "8"} // battery, software, body, other: no extra step
)

// newPersona is what owner n answers at each step of the default intake. Owners differ in
// vehicle (one VIN each, so no report joins another's case), model, year and category, so
// cases spread over many patterns as real reports do.
func newPersona(n int, name string) ownertest.Persona {
	a := intaketest.Answers()
	year := 2015 + n%10
	a["ticket"] = fmt.Sprintf("SR-%06d", n)
	a["year"] = fmt.Sprint(year)
	a["vin"] = vinFor(n, year)
	a["category"] = categories[(n/10)%len(categories)]
	return ownertest.Persona{N: n, Name: name, Answers: a, Model: models[(n/40)%len(models)]}
}

// vinFor is a valid VIN of its own for owner n whose 10th character is the model year: the
// serial number varies, the check digit (ISO 3779) follows.
func vinFor(n, year int) string {
	const yearCodes = "ABCDEFGHJKLMNPRSTVWXY123456789" // 2010, 2011, …
	return ownertest.VIN(yearCodes[(year-2010)%len(yearCodes)], 100000+n%900000)
}

// transport is how owners reach the bot on one platform.
type transport interface {
	// do makes a move, answering on m's buttons; it returns once the platform's delivery was
	// acknowledged, and how long that took.
	do(ctx context.Context, o *owner, m ownertest.Message, mv ownertest.Move) (ack time.Duration, err error)
}

// owner is one person running an intake; the bot's messages to them arrive in inbox.
type owner struct {
	p        ownertest.Persona
	user, dm string // platform ids (Slack user and DM channel, Discord user and DM channel)
	seq      int
	inbox    chan ownertest.Message
	body     []byte // the JSON of the owner's request (web)

	moves   int
	caseID  string
	problem string
}

// intake runs the owner's whole intake: hello, every answer, Submit, until told the case id.
func (o *owner) intake(ctx context.Context, r *run) {
	step, mv := ownertest.StepStart, o.p.At(ownertest.StepStart)
	var m ownertest.Message
	for o.moves < maxMoves {
		if r.cfg.think > 0 {
			// A person reads the question and types: between half and one and a half times
			// the think time, so owners do not answer in lockstep. The first message waits
			// too: owners who are at once on the line did not all open it in one millisecond.
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
		var rd ownertest.Reading
		rd, m, err = o.await(ctx, r, sent)
		if err != nil {
			o.problem = fmt.Sprintf("after %s at %s: %v", mv, step, err)
			return
		}
		switch rd.Kind {
		case ownertest.Told:
			if step != ownertest.StepReview {
				o.problem = fmt.Sprintf("told %s after %s", rd.CaseID, step)
			}
			o.caseID = rd.CaseID
			return
		case ownertest.Asked:
			if rd.Step == step && step != ownertest.StepStart {
				o.problem = fmt.Sprintf("asked %s again: %q", step, conversation.Clip(m.Text, 80))
				return
			}
			step, mv = rd.Step, o.p.At(rd.Step)
		}
	}
	o.problem = fmt.Sprintf("no case after %d moves (at %s)", o.moves, step)
}

// await reads the bot's messages until one asks something or tells a case id; it times the
// first of them from sent.
func (o *owner) await(ctx context.Context, r *run, sent time.Time) (ownertest.Reading, ownertest.Message, error) {
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
			rd := r.reader.Read(m)
			if rd.Kind == ownertest.Asked || rd.Kind == ownertest.Told {
				return rd, m, nil
			}
			if rd.Kind == ownertest.Unknown && strings.TrimSpace(m.Text) != "" {
				said = append(said, conversation.Clip(m.Text, 80))
			}
		case <-timer.C:
			if len(said) > 0 {
				return ownertest.Reading{}, ownertest.Message{}, fmt.Errorf("no question within %v; the bot said %q", r.cfg.replyTimeout, said)
			}
			return ownertest.Reading{}, ownertest.Message{}, fmt.Errorf("no answer within %v", r.cfg.replyTimeout)
		case <-ctx.Done():
			return ownertest.Reading{}, ownertest.Message{}, ctx.Err()
		}
	}
}

func drain(c chan ownertest.Message) {
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
func deliver(o *owner, m ownertest.Message) {
	select {
	case o.inbox <- m:
	default:
	}
}
