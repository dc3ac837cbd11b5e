package faults

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"escalation-bot/conversation"
	"escalation-bot/xtest/ownertest"
)

// TestFaultsPlayground runs many owners' intakes through the playground's JSON API while the
// bot is SIGKILLed and Redis goes away and comes back. Every request carries an
// Idempotency-Key and is retried with it until it is answered 2xx, as a careful client
// does after an error or a broken connection. Afterwards each owner must have exactly one case,
// posted once, whose id the owner learned, from the answer to Submit or from a later message;
// and no acknowledged answer may have been lost.
func TestFaultsPlayground(t *testing.T) {
	set := loadSettings(t)
	st := startStack(t, set, map[string]string{"PLAYGROUND": "true"})
	run := &webRun{
		set: set, st: st, reader: ownertest.NewReader(),
		client: &http.Client{
			Timeout:   10 * time.Second,
			Transport: transport(t, set),
		},
	}
	run.chaos = newChaos(t, st, set)
	owners := make([]*webOwner, set.owners)
	for i := range owners {
		owners[i] = &webOwner{run: run, p: newPersona(i+1, fmt.Sprintf("owner-%03d", i+1))}
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
	cancel()
	<-chaosDone

	res, recoverTook := converge(set, func() webResult { return run.result(t.Context(), owners) }, webResult.converged)
	run.assert(t, owners, res, intakeTook, recoverTook)
}

type webRun struct {
	set    settings
	st     *stack
	reader ownertest.Reader
	client *http.Client
	chaos  *chaos

	requests, refusals, emptyAnswers     atomic.Int64
	answersLost, failedAfterAck, prodded atomic.Int64
}

// webOwner is one person using the playground API.
type webOwner struct {
	run *webRun
	p   ownertest.Persona
	seq int

	submitted bool   // Submit was answered 2xx
	learned   string // the case id the owner read
	problems  []string
}

func (o *webOwner) identity() string { return "web:" + o.p.Name }

func (o *webOwner) problem(format string, args ...any) {
	o.problems = append(o.problems, fmt.Sprintf(format, args...))
}

// webReply is a reply of the playground API.
type webReply struct {
	Text    string                `json:"text"`
	Buttons []conversation.Button `json:"buttons"`
}

func (o *webOwner) intake(ctx context.Context) {
	last, mv := ownertest.StepStart, o.p.At(ownertest.StepStart)
	replies, err := o.do(ctx, mv)
	counted := false
	for err == nil {
		var r ownertest.Reading
		var m ownertest.Message
		odd := false
		for i := len(replies) - 1; i >= 0; i-- {
			bm := ownertest.Message{Text: replies[i].Text}
			for _, b := range replies[i].Buttons {
				bm.Buttons = append(bm.Buttons, ownertest.Button{Action: b.Action, Value: b.Value, Label: b.Label})
			}
			rd := o.run.reader.Read(bm)
			if rd.Kind == ownertest.Asked || rd.Kind == ownertest.Told {
				r, m = rd, bm
				break
			}
			odd = odd || rd.Kind == ownertest.Unknown
		}
		switch {
		case r.Kind == ownertest.Told:
			if last != ownertest.StepReview {
				o.problem("told %s before submitting (last answer: %s)", r.CaseID, last)
			}
			o.learned = r.CaseID
			return
		case r.Kind == ownertest.Asked:
			if r.Step == last && last != ownertest.StepReview && !counted {
				o.run.answersLost.Add(1)
				o.problem("answer to %s acknowledged, then asked again", last)
			}
			last, mv, counted = r.Step, o.p.At(r.Step), false
			if _, ok := m.Button(mv.Action, mv.Value); mv.Action != "" && !ok {
				o.problem("no button %s in %q", mv, conversation.Clip(m.Text, 80))
				return
			}
			if last == ownertest.StepReview {
				o.run.chaos.submitting.Add(1)
			}
			replies, err = o.do(ctx, mv)
			if err == nil && last == ownertest.StepReview {
				o.submitted = true
				o.run.chaos.submits.Add(1)
			}
		case odd:
			o.run.failedAfterAck.Add(1)
			o.problem("answer to %s answered 2xx with %q", last, conversation.Clip(replies[len(replies)-1].Text, 80))
			counted = true
			replies, err = o.do(ctx, mv)
		default:
			// Nothing said: the retry of a request handled before. Where are we?
			o.run.prodded.Add(1)
			prod := "help"
			if last == ownertest.StepReview {
				prod = "status"
			}
			replies, err = o.do(ctx, ownertest.Move{Text: prod})
		}
	}
}

// do sends a move under a new Idempotency-Key and retries it with that key until it is
// answered 2xx (after Retry-After when the answer has one); it returns the replies.
func (o *webOwner) do(ctx context.Context, mv ownertest.Move) ([]webReply, error) {
	o.seq++
	key := fmt.Sprintf("%s-%d", o.p.Name, o.seq)
	path, body := "/messages", map[string]string{"text": mv.Text}
	if mv.Action != "" {
		path, body = "/actions", map[string]string{"action": mv.Action, "value": mv.Value}
	}
	b, _ := json.Marshal(body)
	target := o.run.st.base + "/api/owners/" + url.PathEscape(o.p.Name) + path
	var wait time.Duration
	for attempt := 0; ; attempt++ {
		if attempt > 0 {
			if err := sleep(ctx, wait); err != nil {
				return nil, err
			}
		}
		wait = backoff(attempt + 1)
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(b))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", key)
		o.run.requests.Add(1)
		resp, err := o.run.client.Do(req)
		if err == nil {
			raw, rerr := io.ReadAll(resp.Body)
			resp.Body.Close()
			var out struct {
				Replies []webReply `json:"replies"`
			}
			if resp.StatusCode/100 == 2 && rerr == nil {
				if err := json.Unmarshal(raw, &out); err != nil {
					o.problem("2xx with a body that is not JSON: %q", conversation.Clip(string(raw), 80))
					return nil, err
				}
				o.run.chaos.answers.Add(1)
				if len(out.Replies) == 0 {
					o.run.emptyAnswers.Add(1)
				}
				return out.Replies, nil
			}
			// A 503 may say when to come back.
			if secs, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && secs >= 0 {
				wait = max(min(time.Duration(secs)*time.Second, 5*time.Second), 50*time.Millisecond)
			}
		}
		o.run.refusals.Add(1)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
	}
}

type webResult struct {
	err         error
	cases       []storedCase
	submitted   int
	noCase      []string
	manyCases   []string
	notPosted   []string // cases without their card in the playground channel
	manyPosts   []string
	neverTold   []string // owners who never learned their case id
	wrongID     []string // owners who learned another id than their case's
	unsubmitted []string
}

func (r webResult) converged() bool {
	return r.err == nil && len(r.noCase) == 0 && len(r.notPosted) == 0
}

func (r *webRun) result(ctx context.Context, owners []*webOwner) webResult {
	var res webResult
	res.cases, res.err = readCases(ctx, r.st.rdb)
	byOwner := map[string][]storedCase{}
	for _, c := range res.cases {
		byOwner[c.Owner] = append(byOwner[c.Owner], c)
		posts := 0
		for _, p := range c.Posts {
			if p.Channel == "web:escalations" {
				posts++
			}
		}
		switch {
		case posts == 0:
			res.notPosted = append(res.notPosted, c.ID)
		case posts > 1:
			res.manyPosts = append(res.manyPosts, fmt.Sprintf("%s×%d", c.ID, posts))
		}
	}
	for _, o := range owners {
		cs := byOwner[o.identity()]
		if len(cs) > 1 {
			res.manyCases = append(res.manyCases, fmt.Sprintf("%s×%d", o.p.Name, len(cs)))
		}
		if !o.submitted {
			res.unsubmitted = append(res.unsubmitted, o.p.Name)
			continue
		}
		res.submitted++
		switch {
		case o.learned == "":
			res.neverTold = append(res.neverTold, o.p.Name)
		case len(cs) == 1 && cs[0].ID != o.learned:
			res.wrongID = append(res.wrongID, fmt.Sprintf("%s learned %s, has %s", o.p.Name, o.learned, cs[0].ID))
		}
		if len(cs) == 0 {
			res.noCase = append(res.noCase, fmt.Sprintf("%s/%s", o.p.Name, o.learned))
		}
	}
	for _, l := range [][]string{res.noCase, res.manyCases, res.notPosted, res.manyPosts, res.neverTold, res.wrongID, res.unsubmitted} {
		sort.Strings(l)
	}
	return res
}

func (r *webRun) assert(t *testing.T, owners []*webOwner, res webResult, intakeTook, recoverTook time.Duration) {
	t.Helper()
	kills, outages, journal, _ := r.chaos.report()
	plannedKills, plannedOutages := r.chaos.planned()
	t.Logf("faults:\n  %s", strings.Join(journal, "\n  "))
	t.Logf("figures (playground): owners=%d submitted=%d never-submitted=%d | bot kills=%d/%d redis restarts=%d/%d unexpected bot exits=%d | "+
		"requests=%d not-2xx=%d empty-2xx-answers=%d prods=%d | cases=%d owners-without-case=%d owners-with-several-cases=%d | "+
		"cases-not-posted=%d cases-posted-twice=%d | owners-never-told=%d owners-told-wrong-id=%d | answers-lost=%d answers-failed-after-ack=%d | intake %v, recovery %v",
		len(owners), res.submitted, len(res.unsubmitted), kills, plannedKills, outages, plannedOutages, len(r.st.bot.Unexpected()),
		r.requests.Load(), r.refusals.Load(), r.emptyAnswers.Load(), r.prodded.Load(),
		len(res.cases), len(res.noCase), len(res.manyCases), len(res.notPosted), len(res.manyPosts),
		len(res.neverTold), len(res.wrongID), r.answersLost.Load(), r.failedAfterAck.Load(),
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
		t.Errorf("%d owner(s) never got a Submit answered 2xx within %v: %s", len(res.unsubmitted), r.set.intake, list(res.unsubmitted))
	}
	expectNone(t, res.noCase, "%d owner(s) whose Submit was answered 2xx have no case: %s")
	expectNone(t, res.manyCases, "%d owner(s) have more than one case: %s")
	expectNone(t, res.notPosted, "%d case(s) were never posted to the playground channel: %s")
	expectNone(t, res.manyPosts, "%d case(s) were posted more than once: %s")
	expectNone(t, res.neverTold, "%d owner(s) never learned their case id: %s")
	expectNone(t, res.wrongID, "%d owner(s) learned another case id than their case's: %s")
	if n := r.answersLost.Load(); n > 0 {
		t.Errorf("%d answer(s) answered 2xx were lost", n)
	}
	if n := r.failedAfterAck.Load(); n > 0 {
		t.Errorf("%d answer(s) were answered 2xx with an error instead of being taken", n)
	}
}
