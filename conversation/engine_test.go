package conversation

import (
	"reflect"
	"strings"
	"testing"
)

var (
	backButton   = Button{Label: "Back", Action: ActionControl, Value: "back"}
	skipButton   = Button{Label: "Skip", Action: ActionControl, Value: "skip"}
	cancelButton = Button{Label: "Cancel", Action: ActionControl, Value: "cancel"}
)

func TestStart(t *testing.T) {
	c := newChat(t)
	c.step("consent")
	if len(c.res.Replies) != 2 || c.res.Replies[0].Text != DefaultFlow().Greeting {
		t.Fatalf("replies %s, want the greeting then the consent prompt", texts(c.res.Replies))
	}
	want := []Button{{Label: "I understand", Action: ActionChoose, Value: "understood"}, cancelButton}
	if !reflect.DeepEqual(c.lastButtons(), want) {
		t.Fatalf("buttons %+v, want %+v", c.lastButtons(), want)
	}
	s := c.s
	if s.Owner != "U1" || s.Turns != 0 || !s.Started.Equal(testNow) || !s.UpdatedAt.Equal(testNow) || c.res.Outcome != OutcomeNone {
		t.Fatalf("session %+v", s)
	}
}

// TestWalkThrough answers every step of the default flow and submits, checking each prompt's
// buttons on the way.
func TestWalkThrough(t *testing.T) {
	c := newChat(t)
	f := DefaultFlow()
	for i, w := range walkThrough {
		c.step(w.step)
		st := f.step(w.step)
		if !strings.Contains(texts(c.res.Replies), st.Prompt) {
			t.Fatalf("%s: prompt missing from %s", w.step, texts(c.res.Replies))
		}
		for _, ch := range st.Choices {
			if !c.hasButton(Button{Label: ch.Label, Action: ActionChoose, Value: ch.Value}) {
				t.Fatalf("%s: no button for %q", w.step, ch.Label)
			}
		}
		if st.Other && !c.hasButton(Button{Label: "Other", Action: ActionChoose, Value: OtherValue}) {
			t.Fatalf("%s: no Other button", w.step)
		}
		if got, want := c.hasButton(backButton), i > 0 && w.step != "ticket"; got != want {
			t.Fatalf("%s: Back button %v, want %v", w.step, got, want)
		}
		if c.hasButton(skipButton) != st.Optional {
			t.Fatalf("%s: Skip button %v, want %v", w.step, !st.Optional, st.Optional)
		}
		c.send(w.text)
	}
	c.stage(StageReview)
	card := c.res.Replies[len(c.res.Replies)-1]
	wantFields := []Field{
		{"ticket", "ticket", "Service ticket", "SR-1234567", ""},
		{"model", "model", "Model", "Model 3", "model_3"},
		{"year", "year", "Model year", "2019", ""},
		{"vin", "vin", "VIN", vinModel3, ""},
		{"odometer", "odometer", "Odometer", "45000 mi", ""},
		{"location", "location", "Location", "Austin, Texas", ""},
		{"category", "category", "Issue category", "Battery & charging", "battery"},
		{"safe", "safe", "Safe to drive", "Yes", "yes"},
		{"description", "description", "Description", walkThrough[9].text, ""},
		{"started", "started", "Started", "about three weeks ago", ""},
		{"outcome", "outcome", "Desired outcome", "A repair that lasts.", ""},
	}
	if !reflect.DeepEqual(card.Fields, wantFields) {
		t.Fatalf("card fields\n%+v\nwant\n%+v", card.Fields, wantFields)
	}
	if !reflect.DeepEqual(c.e.Fields(c.s), wantFields) {
		t.Fatalf("Fields differ from the card")
	}
	for _, fl := range wantFields {
		if !c.hasButton(Button{Label: "Edit " + fl.Label, Action: ActionEdit, Value: fl.Key}) {
			t.Fatalf("no edit button for %s", fl.Key)
		}
	}
	if !c.hasButton(Button{Label: "Submit", Action: ActionSubmit}) || !c.hasButton(Button{Label: "Restart", Action: ActionControl, Value: "restart"}) {
		t.Fatalf("card buttons %+v", c.lastButtons())
	}
	if c.s.Safety {
		t.Fatal("Safety set though the owner said the vehicle is safe")
	}

	res := c.press(ActionSubmit, "")
	if res.Outcome != OutcomeSubmit || c.s.Stage != StageSubmitted || c.s.Step != "" {
		t.Fatalf("after submit: outcome %v, session %+v", res.Outcome, c.s)
	}
	if c.s.CaseID != "" {
		t.Fatal("the engine must leave CaseID to the caller")
	}
}

func TestConsent(t *testing.T) {
	tests := []struct {
		name string
		in   Input
		step string
	}{
		{"button", Input{Action: ActionChoose, Value: "understood"}, "ticket"},
		{"typed label", Input{Text: "I understand"}, "ticket"},
		{"typed ok", Input{Text: "OK"}, "ticket"},
		{"typed number", Input{Text: "1"}, "ticket"},
		{"other text", Input{Text: "what is this?"}, "consent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newChat(t)
			c.do(tt.in)
			c.step(tt.step)
		})
	}
}

func TestTicket(t *testing.T) {
	c := newChat(t)
	c.walkTo("ticket")
	c.send("the one from last week")
	c.step("ticket")
	c.saw("doesn't look like a ticket")
	c.send("none")
	c.step("model")
	c.answer("ticket", TicketNone)
}

func TestTicketRequired(t *testing.T) {
	f := DefaultFlow()
	f.step("ticket").RequireTicket = true
	c := newChat(t)
	c.e = NewEngine(f)
	c.walkTo("ticket")
	c.send("none")
	c.step("ticket")
	c.saw("normal service has not solved")
	c.send("SR-42")
	c.step("model")
}

func TestChoicesTyped(t *testing.T) {
	tests := []struct{ in, want string }{
		{"2", "model_3"},
		{"Model 3", "model_3"},
		{"MODEL Y", "model_y"},
		{"  cybertruck. ", "cybertruck"},
		{"model_x", "model_x"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			c := newChat(t)
			c.walkTo("model")
			c.send(tt.in)
			c.answer("model", tt.want)
			c.step("year")
		})
	}
}

func TestUnknownChoiceLeavesSessionAlone(t *testing.T) {
	for _, in := range []string{"the red one", "9", strings.Repeat("x", 20000)} {
		c := newChat(t)
		c.walkTo("category")
		before := c.s
		c.do(Input{Text: in})
		c.saw("I couldn't tell which of these it is; please press the closest one.")
		after := c.s
		after.Turns, after.UpdatedAt = before.Turns, before.UpdatedAt
		if !reflect.DeepEqual(before, after) {
			t.Fatalf("session changed:\n%+v\n%+v", before, after)
		}
		if !c.hasButton(Button{Label: "Billing", Action: ActionChoose, Value: "billing"}) {
			t.Fatal("the options are not offered again as buttons")
		}
	}
}

func TestOtherModel(t *testing.T) {
	c := newChat(t)
	c.walkTo("model")
	c.press(ActionChoose, OtherValue)
	c.step("model")
	c.saw("Please type the model.")
	if !c.s.TypingOther {
		t.Fatal("TypingOther not set")
	}
	c.send("Roadster 2.0")
	c.answer("model", "Roadster 2.0")
	c.step("year")
	if got := c.e.Fields(c.s)[1]; got != (Field{"model", "model", "Model", "Roadster 2.0", ""}) {
		t.Fatalf("field %+v", got)
	}

	// Typed "other", then back to the list, then a button.
	c = newChat(t)
	c.walkTo("model")
	c.send("other")
	c.send("back")
	c.step("model")
	if c.s.TypingOther || !c.hasButton(Button{Label: "Model S", Action: ActionChoose, Value: "model_s"}) {
		t.Fatal("back from Other should show the choices again")
	}
	c.press(ActionChoose, "model_s")
	c.answer("model", "model_s")
}

func TestYear(t *testing.T) {
	c := newChat(t)
	c.walkTo("year")
	c.send("2031")
	c.step("year")
	c.saw("Model years here run from 2008 to 2027")
	c.send("'21")
	c.answer("year", "2021")
	c.step("vin")
}

func TestVINStep(t *testing.T) {
	vin := validVIN(t, vinModel3)
	bad := wrongCheckDigit(t, vin)
	tests := []struct {
		name   string
		inputs []Input
		want   string // the VIN answer; "" when still at the VIN step
		saw    string
	}{
		{"valid", []Input{{Text: vin}}, vin, ""},
		{"spaced lower case", []Input{{Text: "5yj3e1ea2k f317000"}}, vin, ""},
		{"short", []Input{{Text: "5YJ3E1EA2KF3170"}}, "", "A VIN has 17 characters; I count 15."},
		{"long", []Input{{Text: vin + "00"}}, "", "I count 19."},
		{"letter O", []Input{{Text: "5YJ3E1EA2KF3170O0"}}, "", "VINs never contain the letters I, O or Q; did you mean 1 or 0?"},
		{"check digit confirmed", []Input{{Text: bad}, {Action: ActionConfirm, Value: "yes"}}, bad, ""},
		{"check digit confirmed typed", []Input{{Text: bad}, {Text: "yes"}}, bad, ""},
		{"check digit re-entered", []Input{{Text: bad}, {Action: ActionConfirm, Value: "no"}}, "", "please type the VIN again"},
		{"check digit then new VIN", []Input{{Text: bad}, {Text: vin}}, vin, ""},
		{"in a sentence", []Input{{Text: "it is " + vin + " I think"}}, vin, ""},
		{"check digit in a sentence", []Input{{Text: "my vin is " + bad}, {Text: "yes"}}, bad, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newChat(t)
			c.walkTo("vin")
			for _, in := range tt.inputs {
				c.do(in)
			}
			if tt.want == "" {
				c.step("vin")
				if _, ok := c.s.Answers["vin"]; ok {
					t.Fatal("a VIN was stored")
				}
				c.saw(tt.saw)
				return
			}
			c.answer("vin", tt.want)
			c.step("odometer")
		})
	}
}

func TestVINCheckDigitIsExplained(t *testing.T) {
	c := newChat(t)
	c.walkTo("vin")
	c.send(withCheckDigit(vinModel3, '7'))
	c.step("vin")
	c.saw("The 9th character of this VIN should be 2")
	c.saw("please check it for a typo")
	if c.s.Confirm != withCheckDigit(vinModel3, '7') {
		t.Fatalf("Confirm = %q", c.s.Confirm)
	}
	if !c.hasButton(Button{Label: "Yes, it's correct", Action: ActionConfirm, Value: "yes"}) ||
		!c.hasButton(Button{Label: "No, re-enter", Action: ActionConfirm, Value: "no"}) {
		t.Fatalf("buttons %+v", c.lastButtons())
	}
}

func TestOdometer(t *testing.T) {
	tests := []struct {
		name   string
		inputs []Input
		want   string
	}{
		{"with unit", []Input{{Text: "45,000 miles"}}, "45000 mi"},
		{"km", []Input{{Text: "72000 km"}}, "72000 km"},
		{"k", []Input{{Text: "45k mi"}}, "45000 mi"},
		{"unit button", []Input{{Text: "45000"}, {Action: ActionChoose, Value: "mi"}}, "45000 mi"},
		{"unit typed", []Input{{Text: "72 000"}, {Text: "kilometres"}}, "72000 km"},
		{"typed again with unit", []Input{{Text: "72000"}, {Text: "71000 km"}}, "71000 km"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newChat(t)
			c.walkTo("odometer")
			for _, in := range tt.inputs {
				c.do(in)
			}
			c.answer("odometer", tt.want)
			c.step("location")
		})
	}
}

func TestOdometerAsksForTheUnit(t *testing.T) {
	c := newChat(t)
	c.walkTo("odometer")
	c.send("45000")
	c.step("odometer")
	c.saw("Is that 45000 kilometres or miles?")
	if !c.hasButton(Button{Label: "Miles", Action: ActionChoose, Value: "mi"}) {
		t.Fatalf("buttons %+v", c.lastButtons())
	}
	c.send("lots")
	c.step("odometer")
	c.saw("number with km or mi")
}

func TestLocationTooShort(t *testing.T) {
	c := newChat(t)
	c.walkTo("location")
	c.send("X")
	c.step("location")
	c.saw("at least 3 characters")
}

func TestShortDescription(t *testing.T) {
	c := newChat(t)
	c.walkTo("description")
	c.send("It broke.")
	c.step("description")
	c.saw("Please tell me a little more: at least 30 characters (that was 9).")
}

func TestEmergencyAdvice(t *testing.T) {
	advice := DefaultFlow().EmergencyAdvice
	tests := []struct {
		in        Input
		emergency bool
	}{
		{Input{Action: ActionChoose, Value: "no"}, true},
		{Input{Text: "No"}, true},
		{Input{Text: "not sure"}, true},
		{Input{Action: ActionChoose, Value: "yes"}, false},
		{Input{Text: "3"}, true},
	}
	for _, tt := range tests {
		c := newChat(t)
		c.walkTo("safe")
		res := c.do(tt.in)
		c.step("description")
		var got bool
		for _, r := range res.Replies {
			if r.Emergency {
				got = true
				if r.Text != advice {
					t.Fatalf("emergency reply %q", r.Text)
				}
			}
		}
		if got != tt.emergency || c.s.Safety != tt.emergency {
			t.Fatalf("%+v: emergency reply %v, Safety %v, want %v", tt.in, got, c.s.Safety, tt.emergency)
		}
		if tt.emergency && !res.Replies[0].Emergency {
			t.Fatal("the advice must come first, before the next question")
		}
	}
}

func TestSafetyFollowsAnEditedAnswer(t *testing.T) {
	c := newChat(t)
	c.walkTo("")
	c.press(ActionEdit, "safe")
	c.press(ActionChoose, "no")
	c.stage(StageReview)
	if !c.s.Safety {
		t.Fatal("Safety not set")
	}
	c.press(ActionEdit, "safe")
	c.press(ActionChoose, "yes")
	if c.s.Safety {
		t.Fatal("Safety still set after the answer became yes")
	}
}

func TestPrompt(t *testing.T) {
	c := newChat(t)
	c.walkTo("vin")
	got := c.e.Prompt(c.s, testNow)
	if len(got) != 1 || got[0].Text != DefaultFlow().step("vin").Prompt {
		t.Fatalf("Prompt = %+v", got)
	}
	if c.e.Prompt(Session{Stage: StageCancelled}, testNow) != nil {
		t.Fatal("a cancelled session has nothing to prompt")
	}
}
