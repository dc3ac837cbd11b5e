package conversation

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"
)

func TestBadInput(t *testing.T) {
	c := newChat(t)
	c.walkTo("description")
	c.do(Input{})
	c.step("description")
	c.saw("Sorry, I didn't catch that.")
	c.saw(DefaultFlow().step("description").Prompt)
	c.do(Input{Text: "   \n\t "})
	c.saw("didn't catch")

	long := strings.Repeat("The brakes squeal. ", 20000/19+1)[:20000]
	c.send(long)
	c.step("started")
	c.saw("That was long, so I kept the first 4000 characters.")
	if got := c.s.Answers["description"]; len([]rune(got)) != 4000 {
		t.Fatalf("description kept %d runes", len([]rune(got)))
	}
}

func TestFreeTextKeptAsWritten(t *testing.T) {
	tests := []string{
		"🚗🔋⚡ charging stops at 80% every night 😡😡😡",
		"السيارة لا تشحن منذ يوم الثلاثاء الماضي ولم يحل المركز المشكلة",
		"@everyone <!channel> <@U123> the car will not unlock at all, help",
		"שלום, הרכב לא נטען כבר שבוע ואף אחד לא עוזר",
	}
	for _, text := range tests {
		c := newChat(t)
		c.walkTo("description")
		c.send(text)
		c.step("started")
		c.answer("description", text)
	}
}

func TestInvalidUTF8IsRepaired(t *testing.T) {
	c := newChat(t)
	c.walkTo("location")
	c.send("Oslo \xff\xfe Norway")
	c.answer("location", "Oslo \uFFFD Norway")
}

func TestStaleButtons(t *testing.T) {
	c := newChat(t)
	c.walkTo("vin")
	for _, in := range []Input{
		{Action: ActionChoose, Value: "model_3"},
		{Action: ActionConfirm, Value: "yes"},
		{Action: "dance", Value: "x"},
		{Action: ActionControl, Value: "fly"},
	} {
		c.do(in)
		c.step("vin")
		if _, ok := c.s.Answers["vin"]; ok {
			t.Fatalf("%+v answered the VIN", in)
		}
	}
	c.send(vinModel3)
	c.step("odometer")
}

func TestUnknownStepRestartsGracefully(t *testing.T) {
	e := NewEngine(nil)
	s := Session{Owner: "U1", Stage: StageIntake, Step: "colour", Answers: map[string]string{"colour": "red"}, History: []string{"gone"}, Version: 9}
	res := e.Handle(s, Input{Text: "red"}, testNow)
	if res.Session.Step != "consent" || res.Session.Version != 9 || len(res.Session.Answers) != 0 {
		t.Fatalf("session %+v", res.Session)
	}
	if !strings.Contains(texts(res.Replies), "The questions have changed") {
		t.Fatalf("replies %s", texts(res.Replies))
	}
	// Odd leftovers in a review session do not trap the owner either.
	s = Session{Owner: "U1", Stage: StageReview, Answers: map[string]string{"gone": "x"}, History: []string{"gone", "vin"}, Pending: map[string]string{"gone": "y"}, Confirm: "z"}
	res = e.Handle(s, Input{Action: ActionSubmit}, testNow)
	if res.Outcome != OutcomeNone || res.Session.Step != "consent" {
		t.Fatalf("submit of an incomplete session: %+v", res)
	}
	res = e.Handle(Session{Stage: "archived"}, Input{Text: "hi"}, testNow)
	if res.Session.Stage != StageIntake {
		t.Fatalf("unknown stage: %+v", res.Session)
	}
	if got := NewEngine(&Flow{}).Start("U1", testNow); got.Session.Stage != StageReview {
		t.Fatalf("empty flow: %+v", got.Session)
	}
}

func TestHandleDoesNotChangeTheCallersSession(t *testing.T) {
	c := newChat(t)
	c.walkTo("")
	s := c.s
	answers, history := maps.Clone(s.Answers), slices.Clone(s.History)
	e := c.e
	e.Handle(s, Input{Action: ActionEdit, Value: "vin"}, testNow)
	e.Handle(s, Input{Text: "restart"}, testNow)
	e.Handle(s, Input{Text: "back"}, testNow)
	if !maps.Equal(s.Answers, answers) || !slices.Equal(s.History, history) {
		t.Fatal("Handle changed its argument")
	}
}

// TestSessionSurvivesJSON stores the session between turns as a store would.
func TestSessionSurvivesJSON(t *testing.T) {
	c := newChat(t)
	for _, w := range walkThrough {
		data, err := json.Marshal(c.s)
		if err != nil {
			t.Fatal(err)
		}
		var s Session
		if err := json.Unmarshal(data, &s); err != nil {
			t.Fatal(err)
		}
		c.s = s
		if w.step == "category" {
			c.send("service")
			c.send("skip")
			continue
		}
		c.send(w.text)
	}
	c.stage(StageReview)
	c.answer("service_center", "")
}

func TestSubmittedSession(t *testing.T) {
	e := NewEngine(nil)
	s := Session{Owner: "U1", Stage: StageSubmitted, CaseID: "C-7", Answers: map[string]string{"vin": vinModel3}}
	res := e.Handle(s, Input{Text: "hello?"}, testNow)
	if res.Session.Stage != StageSubmitted || res.Session.CaseID != "C-7" || len(res.Replies) != 1 {
		t.Fatalf("result %+v", res)
	}
	res = e.Handle(s, Input{Text: "restart"}, testNow)
	if res.Session.Stage != StageIntake || res.Session.Step != "consent" {
		t.Fatalf("restart after submit: %+v", res.Session)
	}
}
