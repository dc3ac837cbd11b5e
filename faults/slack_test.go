package faults

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"escalation-bot/conversation"
	"escalation-bot/xtest/fakeslack"
	"escalation-bot/xtest/ownertest"
)

const (
	slackSecret  = "fault-test-signing-secret"
	slackChannel = "CESCALATE" // the escalation channel
)

// TestFaultsSlackHTTP runs many owners' intakes over Slack's HTTP mode (signed Events API
// DMs and block_actions clicks) while the bot is SIGKILLed and Redis goes away and comes back.
// Each owner retries a delivery that was not acknowledged with a 2xx, as Slack does (the same
// body, X-Slack-Retry-Num), reads the bot's answers in the DM, asks "help" when the bot stays
// silent, and presses Submit. Afterwards every owner whose Submit was acknowledged must have
// exactly one case, the case exactly one card in the escalation channel, the owner the case id
// exactly once in the DM; and no acknowledged answer may have been lost or answered with an
// error.
func TestFaultsSlackHTTP(t *testing.T) {
	set := loadSettings(t)
	fake := fakeslack.New(t)
	fake.Delay("chat.postMessage", set.slackLatency)
	st := startStack(t, set, map[string]string{
		"SLACK_BOT_TOKEN":      "xoxb-test",
		"SLACK_SIGNING_SECRET": slackSecret,
		"SLACK_API_URL":        fake.APIURL(),
		"ESCALATION_CHANNELS":  "slack:" + slackChannel,
	})
	run := &slackRun{
		set: set, st: st, fake: fake, reader: ownertest.NewReader(),
		client: &http.Client{
			// Slack gives an app three seconds to acknowledge, then retries.
			Timeout:   3 * time.Second,
			Transport: transport(t, set),
		},
	}
	run.chaos = newChaos(t, st, set)

	owners := make([]*slackOwner, set.owners)
	for i := range owners {
		p := newPersona(i+1, fmt.Sprintf("owner%03d", i+1))
		user := fmt.Sprintf("UOWNER%03d", i+1)
		fake.SetUser(user, p.Name, fakeslack.TeamID)
		owners[i] = &slackOwner{run: run, p: p, user: user, dm: "D" + user}
	}

	ctx, cancel := context.WithTimeout(t.Context(), set.intake)
	defer cancel()
	began := time.Now()
	chaosDone := make(chan struct{})
	go func() { defer close(chaosDone); run.chaos.run(ctx) }()
	var wg sync.WaitGroup
	for _, o := range owners {
		wg.Go(func() { o.intake(ctx) })
	}
	wg.Wait()
	intakeTook := time.Since(began)
	// The last faults wait for progress the owners no longer make once they are all done.
	cancel()
	<-chaosDone

	// The restarted bot has its time to create, post and tell what is still missing.
	res, recoverTook := converge(set, func() slackResult { return run.result(t.Context(), owners) }, slackResult.converged)
	run.assert(t, owners, res, intakeTook, recoverTook)
}

type slackRun struct {
	set    settings
	st     *stack
	fake   *fakeslack.Server
	reader ownertest.Reader
	client *http.Client
	chaos  *chaos

	requests, refusals                                 atomic.Int64 // deliveries, and those not answered 2xx
	silences, answersLost, repliesLost, failedAfterAck atomic.Int64
	repliesDoubled                                     atomic.Int64
}

// slackOwner is one person writing to the bot in their DM.
type slackOwner struct {
	run      *slackRun
	p        ownertest.Persona
	user, dm string
	seq      int
	read     int // messages of the DM already read

	submitted bool   // a Submit click was acknowledged
	toldFirst string // the case id the owner read before the intake ended, if any
	problems  []string
}

func (o *slackOwner) identity() string { return "slack:" + fakeslack.TeamID + ":" + o.user }

func (o *slackOwner) problem(format string, args ...any) {
	o.problems = append(o.problems, fmt.Sprintf(format, args...))
}

// intake runs the owner's whole intake: hello, every answer, Submit.
func (o *slackOwner) intake(ctx context.Context) {
	last, mv := ownertest.StepStart, o.p.At(ownertest.StepStart)
	var lastMsg ownertest.Message
	if o.do(ctx, ownertest.Message{}, mv) != nil {
		return
	}
	counted := false // this answer's loss is already counted
	for {
		r, m, err := o.await(ctx)
		if err != nil {
			return
		}
		switch {
		case r.Kind == ownertest.Told:
			if last != ownertest.StepReview {
				o.problem("told %s before submitting (last answer: %s)", r.CaseID, last)
			}
			o.toldFirst = r.CaseID
			return
		case r.Kind == ownertest.Asked:
			if r.Step == last && last != ownertest.StepReview && !counted {
				counted = true
				sess, found, err := readSession(ctx, o.run.st.rdb, o.identity())
				if err == nil && took(sess, found, last) {
					// The answer was taken: the same question was posted again. Where are we?
					o.run.repliesDoubled.Add(1)
					o.problem("answer to %s taken, then the question was posted again", last)
					if o.do(ctx, ownertest.Message{}, ownertest.Move{Text: "help"}) != nil {
						return
					}
					continue
				}
				// Asked the same again: the acknowledged answer did not count.
				o.run.answersLost.Add(1)
				o.problem("answer to %s acknowledged, then asked again", last)
			}
			last, mv, lastMsg, counted = r.Step, o.p.At(r.Step), m, false
			if last == ownertest.StepReview {
				o.run.chaos.submitting.Add(1)
			}
			if o.do(ctx, m, mv) != nil {
				return
			}
			if last == ownertest.StepReview {
				o.submitted = true
				o.run.chaos.submits.Add(1)
			}
		case r.Kind == ownertest.Unknown:
			// The answer was acknowledged, then refused: an apology in the DM.
			o.run.failedAfterAck.Add(1)
			o.problem("answer to %s acknowledged, then the bot wrote %q", last, conversation.Clip(m.Text, 80))
			counted = true
			if o.do(ctx, lastMsg, mv) != nil { // as a person would: the same answer again
				return
			}
		default: // silence
			if last == ownertest.StepReview {
				// Submitted: the owner waits to be told; the checks give the bot its time.
				return
			}
			o.run.silences.Add(1)
			if !counted {
				sess, found, err := readSession(ctx, o.run.st.rdb, o.identity())
				switch {
				case err != nil:
					o.problem("silence after %s; session unreadable: %v", last, err)
				case took(sess, found, last):
					o.run.repliesLost.Add(1)
					o.problem("answer to %s taken, but the bot never answered it", last)
				default:
					o.run.answersLost.Add(1)
					o.problem("answer to %s acknowledged but never taken", last)
				}
				counted = true
			}
			if o.do(ctx, ownertest.Message{}, ownertest.Move{Text: "help"}) != nil {
				return
			}
		}
	}
}

// silent is the reading of a DM where the bot said nothing new in time.
const silent ownertest.Kind = -1

// await reads the DM until the bot asks something or tells a case id (the newest such message
// wins), says something the owner does not understand (and nothing else for a second), or
// stays silent for the silence deadline.
func (o *slackOwner) await(ctx context.Context) (ownertest.Reading, ownertest.Message, error) {
	deadline := time.Now().Add(o.run.set.silence)
	var puzzled time.Time
	for {
		msgs := o.run.fake.Messages(o.dm)
		fresh := msgs[min(o.read, len(msgs)):]
		var odd *ownertest.Message
		for i := len(fresh) - 1; i >= 0; i-- {
			m := ownertest.SlackMessage(fresh[i], time.Time{})
			switch r := o.run.reader.Read(m); r.Kind {
			case ownertest.Asked, ownertest.Told:
				o.read = len(msgs)
				return r, m, nil
			case ownertest.Unknown:
				if odd == nil {
					odd = &m
				}
			}
		}
		now := time.Now()
		if odd != nil {
			if puzzled.IsZero() {
				puzzled = now
			} else if now.Sub(puzzled) > time.Second {
				o.read = len(msgs)
				return ownertest.Reading{Kind: ownertest.Unknown}, *odd, nil
			}
		}
		if now.After(deadline) {
			o.read = len(msgs)
			return ownertest.Reading{Kind: silent}, ownertest.Message{}, nil
		}
		if err := sleep(ctx, 50*time.Millisecond); err != nil {
			return ownertest.Reading{}, ownertest.Message{}, err
		}
	}
}

// do makes a move: a DM, or a click on a button of m. It returns once Slack's delivery was
// acknowledged with a 2xx, retrying until then.
func (o *slackOwner) do(ctx context.Context, m ownertest.Message, mv ownertest.Move) error {
	o.seq++
	var err error
	if mv.Action == "" {
		ts := fmt.Sprintf("%d.%06d", time.Now().Unix(), o.p.N*1000+o.seq%1000)
		body := fakeslack.EventCallback(fakeslack.TeamID, fmt.Sprintf("Ev%03d%05d", o.p.N, o.seq), fakeslack.MessageIM(o.user, o.dm, mv.Text, ts))
		err = o.run.deliver(ctx, "/slack/events", body, true)
	} else {
		b, ok := m.Button(mv.Action, mv.Value)
		if !ok {
			o.problem("no button %s in %q", mv, conversation.Clip(m.Text, 80))
			return errors.New("no button")
		}
		trigger := fmt.Sprintf("%d.%03d%05d.faulttrigger", time.Now().UnixNano(), o.p.N, o.seq)
		body := o.run.fake.BlockActions(fakeslack.TeamID, o.user, o.p.Name, o.dm, m.TS, trigger, fakeslack.Action{ActionID: b.ID, Value: b.Value})
		err = o.run.deliver(ctx, "/slack/interactions", body, false)
	}
	if err == nil {
		o.run.chaos.answers.Add(1)
	}
	return err
}

// deliver posts a signed request as Slack does until it is answered 2xx. An event is retried
// as Slack retries it: the same body, numbered by X-Slack-Retry-Num, with the reason. Slack
// retries three times over about five minutes; here the retries come sooner and do not stop
// before a 2xx, so that minutes of a real outage fit in seconds. Slack does not retry an
// interaction; the person clicks the same button again, which here is the same payload (the
// same trigger), so that the bot may tell it from a second click.
func (r *slackRun) deliver(ctx context.Context, path string, body []byte, event bool) error {
	reason := ""
	for attempt := 0; ; attempt++ {
		if attempt > 0 {
			if err := sleep(ctx, backoff(attempt)); err != nil {
				return err
			}
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.st.base+path, bytes.NewReader(body))
		if err != nil {
			return err
		}
		for k, v := range fakeslack.Sign(slackSecret, time.Now(), body) {
			req.Header[k] = v
		}
		if event {
			req.Header.Set("Content-Type", "application/json")
			if attempt > 0 {
				req.Header.Set("X-Slack-Retry-Num", strconv.Itoa(attempt))
				req.Header.Set("X-Slack-Retry-Reason", reason)
			}
		} else {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		r.requests.Add(1)
		resp, err := r.client.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode/100 == 2 {
				return nil
			}
			reason = "http_error"
		} else {
			var ne interface{ Timeout() bool }
			if errors.As(err, &ne) && ne.Timeout() {
				reason = "http_timeout"
			} else {
				reason = "unknown_error"
			}
		}
		r.refusals.Add(1)
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
}

// slackResult is the state of the run as the checks read it: Redis, the escalation channel
// and the owners' DMs.
type slackResult struct {
	err         error
	cases       []storedCase
	byOwner     map[string][]storedCase
	cards       map[string]int // accepted chat.postMessage calls of a card, by case id
	strayCards  int            // card posts naming no case that exists
	toldInDM    map[string]int // by owner identity: DM messages naming the owner's case id
	submitted   int
	noCase      []string // submitted owners without a case
	manyCases   []string // owners with more than one case
	noCard      []string // cases without a card
	manyCards   []string // cases with more than one card
	neverTold   []string // submitted owners never told their case id
	toldTwice   []string // owners told their case id more than once
	wrongID     []string // owners who read another case id than their case's
	unsubmitted []string // owners whose Submit was never acknowledged
}

func (r slackResult) converged() bool {
	return r.err == nil && len(r.noCase) == 0 && len(r.noCard) == 0 && len(r.neverTold) == 0
}

func (r *slackRun) result(ctx context.Context, owners []*slackOwner) slackResult {
	res := slackResult{byOwner: map[string][]storedCase{}, cards: map[string]int{}, toldInDM: map[string]int{}}
	res.cases, res.err = readCases(ctx, r.st.rdb)
	exists := map[string]bool{}
	for _, c := range res.cases {
		res.byOwner[c.Owner] = append(res.byOwner[c.Owner], c)
		exists[c.ID] = true
	}
	for _, call := range r.fake.Calls("chat.postMessage") {
		if !cardPost(call) {
			continue
		}
		id := ownertest.CaseIDPattern.FindString(call.Form.Get("text"))
		if !exists[id] {
			res.strayCards++
			continue
		}
		res.cards[id]++
	}
	for _, c := range res.cases {
		switch n := res.cards[c.ID]; {
		case n == 0:
			res.noCard = append(res.noCard, c.ID)
		case n > 1:
			res.manyCards = append(res.manyCards, fmt.Sprintf("%s×%d", c.ID, n))
		}
	}
	for _, o := range owners {
		id := o.identity()
		cs := res.byOwner[id]
		if len(cs) > 1 {
			res.manyCases = append(res.manyCases, fmt.Sprintf("%s×%d", o.p.Name, len(cs)))
		}
		if !o.submitted {
			res.unsubmitted = append(res.unsubmitted, o.p.Name)
			continue
		}
		res.submitted++
		if len(cs) == 0 {
			res.noCase = append(res.noCase, o.p.Name)
			continue
		}
		if o.toldFirst != "" && len(cs) == 1 && o.toldFirst != cs[0].ID {
			res.wrongID = append(res.wrongID, fmt.Sprintf("%s read %s, has %s", o.p.Name, o.toldFirst, cs[0].ID))
		}
		told := 0
		var said []string
		for _, m := range r.fake.Messages(o.dm) {
			for _, c := range cs {
				if strings.Contains(m.Text, c.ID) {
					told++
					said = append(said, conversation.Clip(m.Text, 60))
					break
				}
			}
		}
		res.toldInDM[id] = told
		switch {
		case told == 0:
			res.neverTold = append(res.neverTold, o.p.Name+"/"+cs[0].ID)
		case told > 1:
			res.toldTwice = append(res.toldTwice, fmt.Sprintf("%s/%s×%d %q", o.p.Name, cs[0].ID, told, said))
		}
	}
	for _, l := range [][]string{res.noCase, res.manyCases, res.noCard, res.manyCards, res.neverTold, res.toldTwice, res.wrongID, res.unsubmitted} {
		sort.Strings(l)
	}
	return res
}

func (r *slackRun) assert(t *testing.T, owners []*slackOwner, res slackResult, intakeTook, recoverTook time.Duration) {
	t.Helper()
	kills, outages, journal, _ := r.chaos.report()
	plannedKills, plannedOutages := r.chaos.planned()
	duplicateCards := 0
	for _, n := range res.cards {
		duplicateCards += max(0, n-1)
	}
	t.Logf("faults:\n  %s", strings.Join(journal, "\n  "))
	t.Logf("figures (Slack HTTP): owners=%d submitted=%d never-submitted=%d | bot kills=%d/%d redis restarts=%d/%d unexpected bot exits=%d | "+
		"deliveries=%d not-2xx=%d | cases=%d owners-without-case=%d owners-with-several-cases=%d | "+
		"cards=%d duplicate-cards=%d cases-without-card=%d stray-cards=%d | owners-never-told=%d owners-told-twice=%d owners-told-wrong-id=%d | "+
		"silences=%d answers-lost=%d replies-lost=%d replies-doubled=%d answers-failed-after-ack=%d | intake %v, recovery %v",
		len(owners), res.submitted, len(res.unsubmitted), kills, plannedKills, outages, plannedOutages, len(r.st.bot.Unexpected()),
		r.requests.Load(), r.refusals.Load(), len(res.cases), len(res.noCase), len(res.manyCases),
		sumCards(res.cards), duplicateCards, len(res.noCard), res.strayCards, len(res.neverTold), len(res.toldTwice), len(res.wrongID),
		r.silences.Load(), r.answersLost.Load(), r.repliesLost.Load(), r.repliesDoubled.Load(), r.failedAfterAck.Load(),
		intakeTook.Round(time.Millisecond), recoverTook.Round(time.Millisecond))
	var problems []string
	for _, o := range owners {
		for _, p := range o.problems {
			problems = append(problems, o.p.Name+": "+p)
		}
	}
	if len(problems) > 0 {
		t.Logf("what owners ran into (%d):\n  %s", len(problems), strings.Join(problems, "\n  "))
	}

	checkRun(t, r.chaos, r.st, res.err)
	if len(res.unsubmitted) > 0 {
		t.Errorf("%d owner(s) never got a Submit acknowledged within %v: %s", len(res.unsubmitted), r.set.intake, list(res.unsubmitted))
	}
	expectNone(t, res.noCase, "%d owner(s) whose Submit was acknowledged have no case: %s")
	expectNone(t, res.manyCases, "%d owner(s) have more than one case: %s")
	if len(res.noCard) > 0 {
		t.Errorf("%d case(s) have no card in %s: %s", len(res.noCard), slackChannel, list(res.noCard))
	}
	if len(res.manyCards) > 0 {
		t.Errorf("%d case(s) were posted more than once (%d duplicate cards): %s", len(res.manyCards), duplicateCards, list(res.manyCards))
	}
	if res.strayCards > 0 {
		t.Errorf("%d card(s) in %s name no case that exists", res.strayCards, slackChannel)
	}
	expectNone(t, res.neverTold, "%d owner(s) whose Submit was acknowledged were never told their case id: %s")
	expectNone(t, res.toldTwice, "%d owner(s) were told their case id more than once: %s")
	expectNone(t, res.wrongID, "%d owner(s) were told another case id than their case's: %s")
	if n := r.answersLost.Load(); n > 0 {
		t.Errorf("%d acknowledged answer(s) were lost", n)
	}
	if n := r.failedAfterAck.Load(); n > 0 {
		t.Errorf("%d acknowledged answer(s) were answered with an error instead of being taken (refusing means not acknowledging)", n)
	}
	if n := r.repliesLost.Load(); n > 0 {
		t.Errorf("%d answer(s) were taken but never answered in the DM", n)
	}
	if n := r.repliesDoubled.Load(); n > 0 {
		t.Errorf("%d question(s) were posted again after their answer was taken", n)
	}
	r.fake.AssertNoViolations(t)
}

func sumCards(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// list shows at most 12 items of a list.
// expectNone fails the test when items is not empty; format takes their number and list.
// cardPost reports whether a call posted a case card into the escalation channel: a top-level
// message marked as a card. The channel also gets other news (a pattern among open cases).
func cardPost(call fakeslack.Call) bool {
	if call.Err != "" || call.Form.Get("channel") != slackChannel || call.Form.Get("thread_ts") != "" {
		return false
	}
	var meta struct {
		EventType string `json:"event_type"`
	}
	return json.Unmarshal([]byte(call.Form.Get("metadata")), &meta) == nil && meta.EventType == "escalation_case_card"
}

func expectNone(t *testing.T, items []string, format string) {
	t.Helper()
	if len(items) > 0 {
		t.Errorf(format, len(items), list(items))
	}
}

func list(items []string) string {
	if len(items) > 12 {
		return strings.Join(items[:12], ", ") + fmt.Sprintf(", … (%d more)", len(items)-12)
	}
	return strings.Join(items, ", ")
}
