package conversation

import (
	"maps"
	"strings"
	"testing"
)

func TestSkip(t *testing.T) {
	c := newChat(t)
	c.walkTo("category")
	c.send("service")
	c.step("service_center")
	c.send("SKIP")
	c.step("safe")
	c.answer("service_center", "")
	c.send("back")
	c.step("service_center") // a skipped step can be revisited
	c.press(ActionControl, "skip")
	c.step("safe")
	for _, f := range c.e.Fields(c.s) {
		if f.Key == "service_center" {
			t.Fatal("skipped step shown")
		}
	}
}

func TestSkipRefusedOnRequiredStep(t *testing.T) {
	for _, in := range []Input{{Text: "skip"}, {Action: ActionControl, Value: "skip"}} {
		c := newChat(t)
		c.walkTo("vin")
		c.do(in)
		c.step("vin")
		c.saw("this question can't be skipped")
		if _, ok := c.s.Answers["vin"]; ok {
			t.Fatal("required step skipped")
		}
	}
}

func TestBack(t *testing.T) {
	c := newChat(t)
	c.walkTo("vin")
	c.send("Back")
	c.step("year")
	c.saw("Current answer: 2019")
	c.press(ActionControl, "back")
	c.step("model")
	c.send("back")
	c.step("ticket")
	c.send("back")
	c.step("ticket")
	c.saw("This is the first question.")
	// Every answer is still there.
	c.answer("model", "model_3")
	c.answer("year", "2019")
	c.send("SR-99")
	c.step("vin")
}

func TestBackFromReview(t *testing.T) {
	c := newChat(t)
	c.walkTo("")
	c.send("back")
	c.step("outcome")
	c.send("A new battery.")
	c.stage(StageReview)
	c.answer("outcome", "A new battery.")
	// After an edit, back from the review is still the last question in flow order.
	c.press(ActionEdit, "vin")
	c.send(vinHonda)
	c.stage(StageReview)
	c.send("back")
	c.step("outcome")
}

func TestRestart(t *testing.T) {
	for _, in := range []Input{{Text: "restart"}, {Text: "Start over"}, {Action: ActionControl, Value: "restart"}} {
		c := newChat(t)
		c.walkTo("vin")
		c.do(in)
		c.step("consent")
		if len(c.s.Answers) != 0 || len(c.s.History) != 0 {
			t.Fatalf("answers kept: %+v", c.s)
		}
		c.saw(DefaultFlow().Greeting)
		if c.s.Owner != "U1" || c.s.Turns != len(walkThrough[:4])+1 {
			t.Fatalf("session %+v", c.s)
		}
	}
}

func TestCancelThenNewMessage(t *testing.T) {
	for _, in := range []Input{{Text: "Cancel"}, {Action: ActionControl, Value: "cancel"}} {
		c := newChat(t)
		c.walkTo("vin")
		res := c.do(in)
		if res.Outcome != OutcomeCancel || c.s.Stage != StageCancelled || len(c.s.Answers) != 0 {
			t.Fatalf("outcome %v, session %+v", res.Outcome, c.s)
		}
		c.saw("Nothing has been sent")
		c.send("hello again")
		c.step("consent")
		c.saw(DefaultFlow().Greeting)
	}
	// The consent step's own Cancel button.
	c := newChat(t)
	if res := c.press(ActionControl, "cancel"); res.Outcome != OutcomeCancel {
		t.Fatalf("outcome %v", res.Outcome)
	}
}

func TestHelp(t *testing.T) {
	tests := []struct {
		step string
		in   Input
		want string
	}{
		{"vin", Input{Text: "help"}, "17 letters and digits"},
		{"year", Input{Text: "HELP"}, "from 2008 to 2027"},
		{"model", Input{Action: ActionControl, Value: "help"}, "type its number or name"},
		{"odometer", Input{Text: "help"}, "edit <field>"},
	}
	for _, tt := range tests {
		c := newChat(t)
		c.walkTo(tt.step)
		before := c.s
		c.do(tt.in)
		c.step(tt.step)
		c.saw(tt.want)
		c.saw("back (previous question)")
		if !maps.Equal(before.Answers, c.s.Answers) {
			t.Fatal("help changed the answers")
		}
		// The question is asked again, with its buttons.
		if !strings.Contains(c.res.Replies[len(c.res.Replies)-1].Text, DefaultFlow().step(tt.step).Prompt) {
			t.Fatalf("prompt not repeated: %s", texts(c.res.Replies))
		}
	}
}

func TestStatus(t *testing.T) {
	c := newChat(t)
	c.walkTo("vin")
	before := c.s
	for _, in := range []Input{{Text: "status"}, {Action: ActionControl, Value: "status"}} {
		res := c.do(in)
		if res.Outcome != OutcomeStatus || len(res.Replies) != 0 {
			t.Fatalf("outcome %v, replies %s", res.Outcome, texts(res.Replies))
		}
	}
	c.step("vin")
	if !maps.Equal(before.Answers, c.s.Answers) {
		t.Fatal("status changed the session")
	}
	// Also for a submitted, a new and a cancelled session.
	for _, s := range []Session{{Owner: "U1", Stage: StageSubmitted, CaseID: "C-1"}, {Owner: "U1"}, {Owner: "U1", Stage: StageCancelled}} {
		res := c.e.Handle(s, Input{Text: "status"}, testNow)
		if res.Outcome != OutcomeStatus || res.Session.Stage != s.Stage {
			t.Fatalf("%s: outcome %v, stage %s", s.Stage, res.Outcome, res.Session.Stage)
		}
	}
}

func TestEditFromReviewReturnsToReview(t *testing.T) {
	for _, how := range []Input{{Action: ActionEdit, Value: "vin"}, {Text: "edit vin"}, {Text: "Edit VIN"}} {
		c := newChat(t)
		c.walkTo("")
		c.do(how)
		c.step("vin")
		if !c.s.Editing {
			t.Fatal("Editing not set")
		}
		c.saw("Current answer: " + vinModel3)
		if !c.hasButton(backButton) {
			t.Fatal("no Back button while editing")
		}
		c.send(validVIN(t, vinHonda))
		c.stage(StageReview)
		c.answer("vin", vinHonda)
		if c.s.Editing {
			t.Fatal("Editing still set")
		}
		if len(c.e.Fields(c.s)) != 11 {
			t.Fatalf("answers lost: %+v", c.e.Fields(c.s))
		}
	}
}

func TestEditByLabel(t *testing.T) {
	c := newChat(t)
	c.walkTo("")
	c.send("edit model year")
	c.step("year")
	c.send("back")
	c.stage(StageReview)
	c.answer("year", "2019")
}

func TestEditUnknownField(t *testing.T) {
	c := newChat(t)
	c.walkTo("")
	c.send("edit colour")
	c.stage(StageReview)
	c.saw(`I don't have a question called "colour". You can edit: Service ticket, Model`)
	c.press(ActionEdit, "consent")
	c.stage(StageReview)
}

func TestEditDuringIntakeResumesWhereItStopped(t *testing.T) {
	c := newChat(t)
	c.walkTo("location")
	c.send("edit model")
	c.step("model")
	if c.s.Editing {
		t.Fatal("editing during intake is not an edit from the review")
	}
	c.send("Model Y")
	c.answer("model", "model_y")
	c.step("location")
}

func TestEditWithoutField(t *testing.T) {
	c := newChat(t)
	c.walkTo("vin")
	c.send("edit")
	c.step("vin")
	if !c.hasButton(Button{Label: "Edit Model", Action: ActionEdit, Value: "model"}) {
		t.Fatalf("buttons %+v", c.lastButtons())
	}
}

// TestConditionalStep covers the service center question, asked only about service or delivery.
func TestConditionalStep(t *testing.T) {
	c := newChat(t)
	c.walkTo("category")
	c.send("Service experience")
	c.step("service_center")
	if !c.hasButton(skipButton) {
		t.Fatal("optional step without Skip")
	}
	c.send("Fremont")
	c.step("safe")
	// Back across the conditional step, then further back.
	c.send("back")
	c.step("service_center")
	c.saw("Current answer: Fremont")
	c.send("back")
	c.step("category")
	c.send("back")
	c.step("location")
	// Answers survive going back, and going forward again resumes at the first open question.
	c.answer("service_center", "Fremont")
	c.send("Austin, TX")
	c.step("safe")

	// Not asked for billing; back from safe skips it.
	c = newChat(t)
	c.walkTo("category")
	c.press(ActionChoose, "billing")
	c.step("safe")
	c.press(ActionControl, "back")
	c.step("category")
}

func TestConditionChangedByEdit(t *testing.T) {
	c := newChat(t)
	c.walkTo("")
	c.press(ActionEdit, "category")
	c.press(ActionChoose, "delivery")
	c.step("service_center") // now applies, so it is asked before the review
	c.send("Fremont delivery center")
	c.stage(StageReview)
	if f := c.e.Fields(c.s); f[6].Value != "Delivery & paperwork" || f[7].Key != "service_center" {
		t.Fatalf("fields %+v", f)
	}
	// Switching back drops the now irrelevant answer from the case, but keeps it stored.
	c.press(ActionEdit, "category")
	c.press(ActionChoose, "software")
	c.stage(StageReview)
	for _, f := range c.e.Fields(c.s) {
		if f.Key == "service_center" {
			t.Fatal("service center shown for a software problem")
		}
	}
	c.answer("service_center", "Fremont delivery center")
}

func TestSubmitTyped(t *testing.T) {
	c := newChat(t)
	c.walkTo("")
	if res := c.send("Submit"); res.Outcome != OutcomeSubmit {
		t.Fatalf("outcome %v", res.Outcome)
	}
}

func TestSubmitBeforeReviewIsRefused(t *testing.T) {
	c := newChat(t)
	c.walkTo("vin")
	res := c.press(ActionSubmit, "")
	c.step("vin")
	if res.Outcome != OutcomeNone {
		t.Fatalf("outcome %v", res.Outcome)
	}
	c.saw("still a few questions")
}
