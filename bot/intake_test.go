package bot_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"escalation-bot/bot"
	"escalation-bot/conversation"
	"escalation-bot/xtest/redistest"
)

func TestWholeIntakeCreatesCaseAndPostsCard(t *testing.T) {
	h := newHarness(t, redistest.New(t))
	owner := bot.Identity("web:alice")
	id := h.intake(t, owner, true, nil)

	card, ok := h.msgr.card(id)
	if !ok {
		t.Fatalf("card %s was not posted to the escalation channel", id)
	}
	if card.Status != bot.StatusOpen || card.Title == "" || card.Summary == "" {
		t.Fatalf("card = %+v", card)
	}
	fields := map[string]string{}
	for _, f := range card.Fields {
		fields[f.Key] = f.Value
	}
	if fields["vin"] != validVIN || !strings.Contains(fields["model"], "3") || fields["year"] != "2019" {
		t.Fatalf("card fields = %v", fields)
	}
	if len(card.Buttons) != 1 || card.Buttons[0].Action != bot.ActionClaim || card.Buttons[0].Value != id {
		t.Fatalf("open card buttons = %+v", card.Buttons)
	}
	c, err := h.cases.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if c.Owner != owner || c.VIN != validVIN || len(c.Posts) != 1 {
		t.Fatalf("case = %+v", c)
	}
	if !c.Summary.Automatic || c.Summary.Category == "" {
		t.Fatalf("summary = %+v", c.Summary)
	}
}

func TestSubmitToldCaseID(t *testing.T) {
	h := newHarness(t, redistest.New(t))
	owner := bot.Identity("web:bob")
	h.intake(t, owner, false, nil)
	replies := h.press(t, owner, conversation.ActionSubmit, "")
	id := h.session(t, owner).CaseID
	if !strings.Contains(texts(replies), id) {
		t.Fatalf("submit replies do not name the case %s:\n%s", id, texts(replies))
	}
}

// A new service over the same Redis carries on a half-finished dialogue: a restart loses nothing.
func TestRestartContinuesHalfFinishedIntake(t *testing.T) {
	rds := redistest.New(t)
	first := newHarness(t, rds)
	owner := bot.Identity("web:carol")
	first.say(t, owner, "hello")
	first.press(t, owner, conversation.ActionChoose, "understood")
	first.say(t, owner, answers["ticket"])
	first.say(t, owner, answers["model"])
	before := first.session(t, owner)

	second := newHarness(t, rds)
	after := second.session(t, owner)
	if after.Step != before.Step || after.Answers["ticket"] != answers["ticket"] || after.Answers["model"] == "" {
		t.Fatalf("after restart: step %q answers %v; before: step %q", after.Step, after.Answers, before.Step)
	}
	id := second.intakeFrom(t, owner)
	if _, err := second.cases.Get(context.Background(), id); err != nil {
		t.Fatalf("case after restart: %v", err)
	}
}

// intakeFrom answers whatever step the session is at, up to submit.
func (h *harness) intakeFrom(t testing.TB, owner bot.Identity) string {
	t.Helper()
	for range 30 {
		s := h.session(t, owner)
		if s.Stage == conversation.StageReview {
			h.press(t, owner, conversation.ActionSubmit, "")
			return h.session(t, owner).CaseID
		}
		h.say(t, owner, answers[s.Step])
	}
	t.Fatal("intake did not reach the review")
	return ""
}

// Concurrent events on one session are each applied exactly once, in some order.
func TestConcurrentMessagesOnOneSession(t *testing.T) {
	h := newHarness(t, redistest.New(t))
	owner := bot.Identity("web:dave")
	h.say(t, owner, "hello")
	h.press(t, owner, conversation.ActionChoose, "understood")
	start := h.session(t, owner)

	const n = 20
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			// "help" does not move the dialogue, so every one of them must count as one turn.
			_, err := h.svc.HandleOwner(context.Background(), bot.OwnerEvent{ID: fmt.Sprintf("ev-%d", i), Owner: owner, Text: "help"})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	end := h.session(t, owner)
	if got := end.Turns - start.Turns; got != n {
		t.Fatalf("%d concurrent events made %d turns, want %d (lost or doubled)", n, got, n)
	}
	if end.Version-start.Version != n {
		t.Fatalf("version moved by %d, want %d", end.Version-start.Version, n)
	}
}

// Concurrent answers to one step: exactly one answers it, the rest are applied to the steps
// after, and none is lost.
func TestConcurrentAnswersAreNotLost(t *testing.T) {
	h := newHarness(t, redistest.New(t))
	owner := bot.Identity("web:erin")
	h.say(t, owner, "hello")
	h.press(t, owner, conversation.ActionChoose, "understood")
	h.say(t, owner, "none")
	start := h.session(t, owner)

	var wg sync.WaitGroup
	for i := range 10 {
		wg.Go(func() {
			if _, err := h.svc.HandleOwner(context.Background(), bot.OwnerEvent{ID: fmt.Sprintf("a-%d", i), Owner: owner, Text: "Model 3"}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	end := h.session(t, owner)
	if end.Turns-start.Turns != 10 {
		t.Fatalf("turns moved by %d, want 10", end.Turns-start.Turns)
	}
	if end.Answers["model"] == "" {
		t.Fatalf("the model answer was lost: %v", end.Answers)
	}
}

func TestReplayedEventChangesNothing(t *testing.T) {
	h := newHarness(t, redistest.New(t))
	owner := bot.Identity("web:frank")
	h.say(t, owner, "hello")
	ev := bot.OwnerEvent{ID: "slack-evt-1", Owner: owner, Action: conversation.ActionChoose, Value: "understood"}
	first, err := h.svc.HandleOwner(context.Background(), ev)
	if err != nil || len(first) == 0 {
		t.Fatalf("first delivery: %v %v", first, err)
	}
	before := h.session(t, owner)
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			replies, err := h.svc.HandleOwner(context.Background(), ev)
			if err != nil || len(replies) != 0 {
				t.Errorf("replay answered %v, %v; want nothing", replies, err)
			}
		})
	}
	wg.Wait()
	// Redelivered by a process that may have died before answering: the owner's last event is
	// answered again with the question waiting, and still nothing changes.
	ev.Redelivered = true
	again, err := h.svc.HandleOwner(context.Background(), ev)
	if err != nil || len(again) == 0 || texts(again) != texts(h.engine.Prompt(before, h.clock.Now())) {
		t.Errorf("redelivery answered %q, %v; want the waiting question", texts(again), err)
	}
	// Once the owner has moved on, an older event redelivered answers nothing.
	h.press(t, owner, conversation.ActionChoose, "none")
	if older, err := h.svc.HandleOwner(context.Background(), ev); err != nil || len(older) != 0 {
		t.Errorf("redelivery of an older event answered %q, %v; want nothing", texts(older), err)
	}
	before = h.session(t, owner)
	after := h.session(t, owner)
	if after.Version != before.Version || after.Turns != before.Turns {
		t.Fatalf("replays changed the session: version %d→%d turns %d→%d", before.Version, after.Version, before.Turns, after.Turns)
	}
}

// A replayed submit creates no second case.
func TestReplayedSubmitMakesOneCase(t *testing.T) {
	h := newHarness(t, redistest.New(t))
	owner := bot.Identity("web:gina")
	h.intake(t, owner, false, nil)
	ev := bot.OwnerEvent{ID: "submit-1", Owner: owner, Action: conversation.ActionSubmit}
	var wg sync.WaitGroup
	for range 5 {
		wg.Go(func() {
			if _, err := h.svc.HandleOwner(context.Background(), ev); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	st, err := h.cases.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.Total != 1 || h.msgr.posts != 1 {
		t.Fatalf("5 deliveries of one submit: %d cases, %d cards", st.Total, h.msgr.posts)
	}
	// The owner whose answer was lost learns the case id from the redelivery.
	ev.Redelivered = true
	replies, err := h.svc.HandleOwner(context.Background(), ev)
	if id := h.session(t, owner).CaseID; err != nil || !strings.Contains(texts(replies), id) {
		t.Fatalf("redelivered submit answered %q, %v; want the case id %s", texts(replies), err, id)
	}
	if st, _ := h.cases.Stats(context.Background()); st.Total != 1 || h.msgr.posts != 1 {
		t.Fatalf("after the redelivery: %d cases, %d cards", st.Total, h.msgr.posts)
	}
}

func TestOneOpenCasePerOwnerAndVINAttaches(t *testing.T) {
	h := newHarness(t, redistest.New(t))
	ctx := context.Background()
	first := h.intake(t, "web:hank", true, nil)

	// The same vehicle from another owner (a spouse) attaches to the open case.
	h.intake(t, "web:ivy", false, nil)
	replies := h.press(t, "web:ivy", conversation.ActionSubmit, "")
	if !strings.Contains(texts(replies), first) {
		t.Fatalf("second report for the VIN was not attached to %s:\n%s", first, texts(replies))
	}
	if st, _ := h.cases.Stats(ctx); st.Total != 1 {
		t.Fatalf("cases = %d, want 1", st.Total)
	}
	if th := h.msgr.thread(first); len(th) == 0 || !strings.Contains(th[len(th)-1].Text, "Another report") {
		t.Fatalf("thread of %s = %+v", first, th)
	}
	// Ivy's messages now go to that case.
	h.say(t, "web:ivy", "It is my husband's car too.")
	log, _ := h.cases.Audit(ctx, first)
	if last := log[len(log)-1]; last.Action != "owner_message" || last.Actor != "web:ivy" {
		t.Fatalf("last audit = %+v", last)
	}
}

func TestRelayBothWaysAndAudit(t *testing.T) {
	h := newHarness(t, redistest.New(t))
	ctx := context.Background()
	owner := bot.Identity("web:jane")
	id := h.intake(t, owner, true, nil)
	dana := bot.Actor{ID: "web:dana", Name: "Dana"}

	h.say(t, owner, "Any news? @everyone <!channel> <@U123>")
	th := h.msgr.thread(id)
	if len(th) != 1 || th[0].Role != "owner" {
		t.Fatalf("thread = %+v", th)
	}
	for _, banned := range []string{"@everyone", "<!channel>", "<@U123>"} {
		if strings.Contains(th[0].Text, banned) {
			t.Fatalf("owner text reached the channel with %q: %q", banned, th[0].Text)
		}
	}

	if _, err := h.svc.Reply(ctx, dana, id, "Hello"); bot.ErrorCode(err) != bot.CodeConflict {
		t.Fatalf("reply before claim: %v", err)
	}
	if _, err := h.svc.Claim(ctx, dana, id); err != nil {
		t.Fatal(err)
	}
	if _, err := h.svc.Reply(ctx, dana, id, "I am on it, I will call you today."); err != nil {
		t.Fatal(err)
	}
	if _, err := h.svc.Reply(ctx, bot.Actor{ID: "web:eve", Name: "Eve"}, id, "me too"); bot.ErrorCode(err) != bot.CodeForbidden {
		t.Fatalf("reply by a non-claimer: %v", err)
	}
	got := texts(h.msgr.toOwner(owner))
	if !strings.Contains(got, "Dana") || !strings.Contains(got, "I am on it") {
		t.Fatalf("owner was told:\n%s", got)
	}
	if _, err := h.svc.Resolve(ctx, dana, id, "Replaced the charge port; car returned."); err != nil {
		t.Fatal(err)
	}
	if got := texts(h.msgr.toOwner(owner)); !strings.Contains(got, "resolved") || !strings.Contains(got, "charge port") {
		t.Fatalf("owner was not told of the resolution:\n%s", got)
	}
	log, err := h.cases.Audit(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range log {
		actions = append(actions, e.Action)
	}
	want := "created owner_message claim exec_message resolve"
	if strings.Join(actions, " ") != want {
		t.Fatalf("audit = %v, want %s", actions, want)
	}
	// After the case ended, a new message starts a new intake.
	replies := h.say(t, owner, "hello again")
	if s := h.session(t, owner); s.Stage != conversation.StageIntake || len(replies) == 0 {
		t.Fatalf("after resolution: stage %s", s.Stage)
	}
}

func TestBadInput(t *testing.T) {
	h := newHarness(t, redistest.New(t))
	ctx := context.Background()
	tests := []struct {
		name     string
		step     string // answer the flow up to this step first
		text     string
		wantStep string // where the dialogue must still be (or "" for anywhere)
		wantText string
	}{
		{"empty", "ticket", "", "ticket", ""},
		{"only spaces", "ticket", "   \n\t ", "ticket", ""},
		{"20000 characters", "description", strings.Repeat("my car will not charge ", 870), "started", ""},
		{"emoji and RTL", "location", "🚗 القاهرة، مصر 🇪🇬", "category", ""},
		{"VIN with I O Q", "vin", "1HGCM8263IA0O4Q52", "vin", "I, O"},
		{"VIN too short", "vin", "1HGCM826", "vin", "17"},
		{"VIN wrong check digit", "vin", "1HGCM82653A004352", "vin", "check"},
		{"year out of range", "year", "1850", "year", ""},
		{"unknown choice", "category", "spaceship", "category", ""},
		{"mentions are kept as text", "location", "@everyone <!channel> Berlin", "category", ""},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			owner := bot.Identity(fmt.Sprintf("web:bad%d", i))
			h.say(t, owner, "hello")
			h.press(t, owner, conversation.ActionChoose, "understood")
			for s := h.session(t, owner); s.Step != tt.step; s = h.session(t, owner) {
				h.say(t, owner, answers[s.Step])
			}
			replies, err := h.svc.HandleOwner(ctx, bot.OwnerEvent{Owner: owner, Text: tt.text})
			if err != nil {
				t.Fatalf("error instead of a polite answer: %v", err)
			}
			if len(replies) == 0 || strings.TrimSpace(replies[0].Text) == "" {
				t.Fatalf("no answer to %q", tt.name)
			}
			if tt.wantText != "" && !strings.Contains(texts(replies), tt.wantText) {
				t.Fatalf("answer does not explain (%q):\n%s", tt.wantText, texts(replies))
			}
			if s := h.session(t, owner); tt.wantStep != "" && s.Step != tt.wantStep {
				t.Fatalf("step = %q, want %q", s.Step, tt.wantStep)
			}
		})
	}
}

// The owner's first message pre-fills what it already says, and is not asked again.
func TestFirstMessagePrefills(t *testing.T) {
	h := newHarness(t, redistest.New(t))
	owner := bot.Identity("web:kim")
	replies := h.say(t, owner, "My 2019 Model 3 "+validVIN+" won't charge since Tuesday")
	h.press(t, owner, conversation.ActionChoose, "understood")
	s := h.session(t, owner)
	got := texts(replies) + texts(h.press(t, owner, conversation.ActionConfirm, "yes"))
	s = h.session(t, owner)
	if s.Answers["vin"] != validVIN || s.Answers["year"] != "2019" {
		t.Fatalf("after confirming: answers %v\n%s", s.Answers, got)
	}
	// Walk on: the VIN step must never be asked.
	for range 20 {
		if s.Stage != conversation.StageIntake {
			break
		}
		if s.Step == "vin" || s.Step == "year" {
			t.Fatalf("asked %s again after it was confirmed", s.Step)
		}
		h.say(t, owner, answers[s.Step])
		s = h.session(t, owner)
	}
}

func TestBlockedAndPaused(t *testing.T) {
	h := newHarness(t, redistest.New(t))
	ctx := context.Background()
	mod := bot.Actor{ID: "web:mod", Name: "Mod"}
	if _, err := h.svc.Command(ctx, mod, "/escalations block web:spammer 7d posting ads"); err != nil {
		t.Fatal(err)
	}
	replies := h.say(t, "web:spammer", "hello")
	if !strings.Contains(texts(replies), "not available to you") || !strings.Contains(texts(replies), "posting ads") {
		t.Fatalf("blocked user was told:\n%s", texts(replies))
	}
	// The block expires.
	h.clock.Advance(8 * 24 * 60 * 60 * 1e9) // 8 days
	if replies := h.say(t, "web:spammer", "hello"); strings.Contains(texts(replies), "not available") {
		t.Fatalf("block did not expire:\n%s", texts(replies))
	}

	if _, err := h.svc.Command(ctx, mod, "/escalations pause Back on Monday, sorry."); err != nil {
		t.Fatal(err)
	}
	if replies := h.say(t, "web:newbie", "hello"); !strings.Contains(texts(replies), "Back on Monday") {
		t.Fatalf("paused intake answered:\n%s", texts(replies))
	}
	if _, err := h.svc.Command(ctx, mod, "/escalations resume"); err != nil {
		t.Fatal(err)
	}
	if replies := h.say(t, "web:newbie", "hello"); strings.Contains(texts(replies), "Back on Monday") {
		t.Fatal("still paused after resume")
	}
}

func TestRateLimit(t *testing.T) {
	h := newHarness(t, redistest.New(t), func(c *bot.Config) { c.RateLimit = 3 })
	owner := bot.Identity("web:fast")
	for range 3 {
		h.say(t, owner, "hello")
	}
	if replies := h.say(t, owner, "hello"); !strings.Contains(texts(replies), "faster than we can read") {
		t.Fatalf("4th message in the window:\n%s", texts(replies))
	}
}
