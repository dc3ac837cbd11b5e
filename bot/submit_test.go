package bot_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"escalation-bot/bot"
	"escalation-bot/conversation"
	"escalation-bot/xtest/redistest"
)

// blockingSummarizer holds every summary until released, to open the window in which other
// events of the same owner arrive.
type blockingSummarizer struct {
	entered chan struct{}
	release chan struct{}
}

func (b *blockingSummarizer) Summarize(ctx context.Context, in bot.SummaryInput) (bot.Summary, error) {
	b.entered <- struct{}{}
	select {
	case <-b.release:
		return bot.TemplateSummary(in), nil
	case <-ctx.Done():
		return bot.Summary{}, ctx.Err()
	}
}

// While a submission is being summarized, the owner's other events see the committed
// submission: they cannot cancel or edit it away from under the case.
func TestEventsDuringSubmissionSeeTheCommittedCase(t *testing.T) {
	h := newHarness(t, redistest.New(t))
	sum := &blockingSummarizer{entered: make(chan struct{}, 1), release: make(chan struct{})}
	h.setSummarizer(t, sum)
	owner := bot.Identity("web:olga")
	h.intake(t, owner, false, nil)

	done := make(chan []conversation.Reply)
	go func() { done <- h.press(t, owner, conversation.ActionSubmit, "") }()
	<-sum.entered
	id := h.session(t, owner).CaseID
	if id == "" || h.session(t, owner).Stage != conversation.StageSubmitted {
		t.Fatal("the submission is not committed before the summary")
	}
	replies := h.say(t, owner, "cancel")
	if !strings.Contains(texts(replies), id) {
		t.Fatalf("a message during filing was answered:\n%s", texts(replies))
	}
	close(sum.release)
	if got := texts(<-done); !strings.Contains(got, id) {
		t.Fatalf("submit answered:\n%s", got)
	}
	if c, err := h.cases.Get(context.Background(), id); err != nil || c.Owner != owner {
		t.Fatalf("case %s: %+v %v", id, c, err)
	}
	if _, ok := h.msgr.card(id); !ok {
		t.Fatal("card not posted")
	}
}

type slowSummarizer struct{}

func (slowSummarizer) Summarize(ctx context.Context, _ bot.SummaryInput) (bot.Summary, error) {
	<-ctx.Done()
	return bot.Summary{}, ctx.Err()
}

// A summarizer that hangs costs the owner at most the timeout, and the case gets the template.
func TestSummarizerTimeoutFallsBackToTemplate(t *testing.T) {
	h := newHarness(t, redistest.New(t), func(c *bot.Config) { c.SummaryTimeout = 50 * time.Millisecond })
	h.setSummarizer(t, slowSummarizer{})
	id := h.intake(t, "web:pat", true, nil)
	c, err := h.cases.Get(context.Background(), id)
	if err != nil || !c.Summary.Automatic || c.Summary.Title == "" {
		t.Fatalf("case %+v %v", c.Summary, err)
	}
}

// flakyCases fails Create a number of times, as a Redis blip would.
type flakyCases struct {
	bot.CaseStore
	failures atomic.Int32
}

func (f *flakyCases) Create(ctx context.Context, c bot.Case) (bot.Case, error) {
	if f.failures.Add(-1) >= 0 {
		return bot.Case{}, errors.New("i/o timeout")
	}
	return f.CaseStore.Create(ctx, c)
}

// A submission whose case could not be created is created by the due queue later; the owner
// was given the id, and it holds.
func TestFailedCreationIsRecovered(t *testing.T) {
	rds := redistest.New(t)
	h := newHarness(t, rds)
	flaky := &flakyCases{CaseStore: h.cases}
	flaky.failures.Store(1)
	h.rebuild(t, func(p *bot.Params) { p.Cases = flaky })
	owner := bot.Identity("web:quinn")
	h.intake(t, owner, false, nil)
	replies := h.press(t, owner, conversation.ActionSubmit, "")
	id := h.session(t, owner).CaseID
	if !strings.Contains(texts(replies), id) {
		t.Fatalf("owner was not given the id:\n%s", texts(replies))
	}
	if _, err := h.cases.Get(context.Background(), id); !errors.Is(err, bot.ErrNotFound) {
		t.Fatalf("case exists although creation failed: %v", err)
	}
	// Meanwhile the owner writes: told the case is being filed, nothing lost or started over.
	if got := texts(h.say(t, owner, "any news?")); !strings.Contains(got, id) {
		t.Fatalf("during recovery the owner was told:\n%s", got)
	}
	// A fresh instance (a restart) runs the due check.
	second := newHarness(t, rds)
	second.clock.Advance(2 * time.Minute)
	if n, err := second.svc.RunDue(context.Background()); err != nil || n != 1 {
		t.Fatalf("RunDue = %d, %v", n, err)
	}
	c, err := second.cases.Get(context.Background(), id)
	if err != nil || c.Owner != owner {
		t.Fatalf("recovered case: %+v %v", c, err)
	}
	if _, ok := second.msgr.card(id); !ok {
		t.Fatal("recovered case was not posted")
	}
}

// An owner whose relay session expired while the case is open is still relayed to the case.
func TestRelayAfterSessionExpired(t *testing.T) {
	h := newHarness(t, redistest.New(t))
	owner := bot.Identity("web:rita")
	id := h.intake(t, owner, true, nil)
	if err := h.sessions.Delete(context.Background(), owner); err != nil {
		t.Fatal(err)
	}
	replies := h.say(t, owner, "It broke down again on the highway.")
	if !strings.Contains(texts(replies), "Added to your case "+id) {
		t.Fatalf("after the session expired:\n%s", texts(replies))
	}
	if th := h.msgr.thread(id); len(th) == 0 || !strings.Contains(th[len(th)-1].Text, "broke down") {
		t.Fatalf("thread = %+v", th)
	}
}

// A relayed message replayed concurrently is appended once.
func TestReplayedRelayAppendsOnce(t *testing.T) {
	h := newHarness(t, redistest.New(t))
	owner := bot.Identity("web:sam")
	id := h.intake(t, owner, true, nil)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if _, err := h.svc.HandleOwner(context.Background(), bot.OwnerEvent{ID: "slack:Ev42", Owner: owner, Text: "one message"}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	log, _ := h.cases.Audit(context.Background(), id)
	n := 0
	for _, e := range log {
		if e.Action == "owner_message" {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d owner messages in the audit, want 1", n)
	}
}

// A second owner reporting the same vehicle is attached once, even when the submit is
// replayed, and is told when the case is claimed and resolved.
func TestAttachedOwnerIsKeptInformed(t *testing.T) {
	h := newHarness(t, redistest.New(t))
	ctx := context.Background()
	id := h.intake(t, "web:tom", true, nil)
	h.intake(t, "web:una", false, nil)
	ev := bot.OwnerEvent{ID: "submit-una", Owner: "web:una", Action: conversation.ActionSubmit}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() { h.svc.HandleOwner(ctx, ev) })
	}
	wg.Wait()
	log, _ := h.cases.Audit(ctx, id)
	attaches := 0
	for _, e := range log {
		if e.Action == "attach" {
			attaches++
		}
	}
	if attaches != 1 {
		t.Fatalf("%d attach entries, want 1", attaches)
	}
	if s := h.session(t, "web:una"); s.CaseID != id {
		t.Fatalf("una's session points at %q, want %s", s.CaseID, id)
	}
	dana := bot.Actor{ID: "web:dana", Name: "Dana"}
	if _, err := h.svc.Claim(ctx, dana, id); err != nil {
		t.Fatal(err)
	}
	if _, err := h.svc.Resolve(ctx, dana, id, "Recall repair done."); err != nil {
		t.Fatal(err)
	}
	got := texts(h.msgr.toOwner("web:una"))
	if !strings.Contains(got, "looking at your case") || !strings.Contains(got, "resolved") {
		t.Fatalf("attached owner was told:\n%s", got)
	}
}

func TestAssignAndCaseIDValidation(t *testing.T) {
	h := newHarness(t, redistest.New(t))
	ctx := context.Background()
	id := h.intake(t, "web:vera", true, nil)
	mod := bot.Actor{ID: "web:mod", Name: "Mod"}
	for _, line := range []string{"assign " + id + " @", "assign " + id + " @vera", "assign " + id + " web:vera"} {
		if _, err := h.svc.Command(ctx, mod, line); bot.ErrorCode(err) != bot.CodeInvalid {
			t.Errorf("%q: %v", line, err)
		}
	}
	huge := strings.Repeat("9", 60000)
	_, err := h.svc.Claim(ctx, bot.Actor{ID: "web:dana", Name: "Dana"}, huge)
	if bot.ErrorCode(err) != bot.CodeNotFound || len(bot.ErrorMessage(err)) > 120 {
		t.Fatalf("60,000-digit id: %d-byte message, code %s", len(bot.ErrorMessage(err)), bot.ErrorCode(err))
	}
}

// modelSummarizer answers like a model that tries to play a safety case down and to ping.
type modelSummarizer struct{}

func (modelSummarizer) Summarize(context.Context, bot.SummaryInput) (bot.Summary, error) {
	return bot.Summary{Title: "Minor squeak @everyone", Text: "Nothing urgent <!channel>", Category: "body",
		Severity: bot.SeverityLow, Safety: false, KeyFacts: []string{"ping <@U1>"}}, nil
}

// A model's summary cannot lower the keyword triage or clear a safety flag, and cannot ping.
func TestModelSummaryCannotClearSafety(t *testing.T) {
	h := newHarness(t, redistest.New(t))
	h.setSummarizer(t, modelSummarizer{})
	id := h.intake(t, "web:wes", true, map[string]string{"safe": "no",
		"description": "The brakes failed on the highway and the pedal went to the floor twice."})
	c, err := h.cases.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Summary.Safety || c.Summary.Severity != bot.SeverityCritical || c.Summary.Automatic {
		t.Fatalf("summary = %+v", c.Summary)
	}
	for _, s := range append([]string{c.Summary.Title, c.Summary.Text}, c.Summary.KeyFacts...) {
		for _, b := range []string{"@everyone", "<!channel>", "<@U1>"} {
			if strings.Contains(s, b) {
				t.Fatalf("live mention %q in %q", b, s)
			}
		}
	}
}

// spyExtractor stands for a model: it records what it was given.
type spyExtractor struct {
	mu    sync.Mutex
	texts []string
}

func (s *spyExtractor) Extract(_ context.Context, text string) (map[string]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.texts = append(s.texts, text)
	return nil, nil
}

// Before the owner consents, their first message is read by the rules only; the configured
// extractor (a model) sees text only after consent, and only while fields it could fill are open.
func TestNoModelBeforeConsent(t *testing.T) {
	h := newHarness(t, redistest.New(t))
	spy := &spyExtractor{}
	h.rebuild(t, func(p *bot.Params) { p.Extractor = spy })
	owner := bot.Identity("web:xena")
	h.say(t, owner, "My 2019 Model 3 "+validVIN+" has not charged since Tuesday, call me on 512 555 0142")
	if len(spy.texts) != 0 {
		t.Fatalf("the first message went to the extractor before consent: %q", spy.texts)
	}
	h.press(t, owner, conversation.ActionChoose, "understood")
	h.press(t, owner, conversation.ActionConfirm, "yes")
	if s := h.session(t, owner); s.Answers["vin"] != validVIN {
		t.Fatalf("the rules did not pre-fill the first message: %v", s.Answers)
	}
	h.say(t, owner, "SR-1") // ticket: odometer is still open, so the extractor reads it
	if len(spy.texts) != 1 {
		t.Fatalf("extractor calls after consent = %q", spy.texts)
	}
	for s := h.session(t, owner); s.Stage == conversation.StageIntake && s.Step != "description"; s = h.session(t, owner) {
		h.say(t, owner, answers[s.Step])
	}
	before := len(spy.texts)
	h.say(t, owner, answers["description"])
	if len(spy.texts) != before {
		t.Fatal("the description went to the extractor although every field it fills is answered")
	}
}
