package conversation

import (
	"maps"
	"strings"
	"testing"
)

func TestPrefillFromFirstMessage(t *testing.T) {
	vin := validVIN(t, vinModel3)
	text := "My 2019 Model 3 " + vin + " won't charge since Tuesday"
	c := newChat(t)
	c.s = Session{Owner: "U1"} // the caller has no session yet
	c.send(text)
	c.step("consent")
	c.saw(DefaultFlow().Greeting)
	want := map[string]string{"model": "model_3", "year": "2019", "vin": vin, "category": "battery", "started": "since Tuesday", "description": text}
	if !maps.Equal(c.s.Pending, want) {
		t.Fatalf("Pending %v, want %v", c.s.Pending, want)
	}
	// The consent step shows what was picked up; one press agrees and confirms.
	c.saw("From your message I noted: Model 3, Model year 2019, VIN " + vin + ", Battery & charging, Description \"My 2019 Model 3")
	if !c.hasButton(Button{Label: "I understand; these are right", Action: ActionConfirm, Value: "yes"}) {
		t.Fatalf("buttons %+v", c.lastButtons())
	}
	c.press(ActionConfirm, "yes")
	c.step("ticket")
	for id, v := range want {
		c.answer(id, v)
	}
	if len(c.s.Pending) != 0 {
		t.Fatal("Pending kept")
	}
	c.send("SR-1234567")
	c.step("odometer") // model, year and VIN are not asked again
	c.send("back")
	c.step("ticket") // back retraces the questions asked
}

// A no to several picked-up values asks which one is wrong, and keeps the others.
func TestPrefillOneWrong(t *testing.T) {
	c := newChat(t)
	c.s = Session{Owner: "U1"}
	c.send("My 2019 Model 3 won't charge")
	c.press(ActionConfirm, "no")
	c.step("ticket")
	c.saw("Which one is wrong? I'll keep the others.")
	if !c.hasButton(Button{Label: "Model year 2019", Action: ActionChoose, Value: "year"}) {
		t.Fatalf("buttons %+v", c.lastButtons())
	}
	c.press(ActionChoose, "year")
	c.saw("I kept the rest and will ask for the model year")
	c.answer("model", "model_3")
	c.answer("category", "battery")
	c.send("SR-5")
	c.step("year")
}

func TestPrefillTypedAnswers(t *testing.T) {
	tests := []struct {
		name, reply string
		want        map[string]string // answers after the reply; absent keys are asked later
		step        string
	}{
		{"typed agreement", "ok", map[string]string{"model": "model_y", "odometer": "12000 km"}, "ticket"},
		{"typed no is no consent", "no", map[string]string{}, "consent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newChat(t)
			c.do(Input{Extracted: map[string]string{"model": "model_y", "odometer": "12000 km"}})
			c.send(tt.reply)
			c.step(tt.step)
			for id, v := range tt.want {
				c.answer(id, v)
			}
		})
	}
}

// TestPrefillAfterStart is the caller's other way in: Start, then the first message's fields.
func TestPrefillAfterStart(t *testing.T) {
	c := newChat(t)
	res := c.do(Input{Extracted: map[string]string{"model": "model_y", "odometer": "12000 km", "vin": wrongCheckDigit(t, vinModel3)}})
	if len(res.Replies) != 0 {
		t.Fatalf("replies %s; the caller has already sent the greeting", texts(res.Replies))
	}
	if want := map[string]string{"model": "model_y", "odometer": "12000 km"}; !maps.Equal(c.s.Pending, want) {
		t.Fatalf("Pending %v, want %v (a VIN failing its check digit is never pre-filled)", c.s.Pending, want)
	}
	c.step("consent")
	c.send("help")
	c.saw("From your message I noted: Model Y, Odometer 12000 km.")
}

// A correction typed instead of no replaces the value it corrects; the others are kept.
func TestPrefillCorrected(t *testing.T) {
	c := newChat(t)
	c.walkTo("ticket")
	c.send("SR-77 about my 2021 Model S")
	c.saw("I picked up: Model S, Model year 2021.")
	c.send("no, it's a 2022")
	c.saw("I corrected that")
	c.answer("model", "model_s")
	c.answer("year", "2022")
}

// Typing an offered value again is a yes.
func TestPrefillRepeatedValueIsYes(t *testing.T) {
	c := newChat(t)
	c.walkTo("ticket")
	c.send("SR-77, VIN " + vinModel3)
	c.saw("I picked up: Model 3, Model year 2019, VIN " + vinModel3 + ".")
	c.send(vinModel3)
	c.answer("vin", vinModel3)
	c.answer("year", "2019")
	c.step("odometer")
}

func TestPrefillMidFlow(t *testing.T) {
	c := newChat(t)
	c.walkTo("ticket")
	c.send("SR-77 about my 2021 Model S")
	c.answer("ticket", "SR-77 about my 2021 Model S")
	c.step("model")
	c.saw("I picked up: Model S, Model year 2021.")
	c.send("yes")
	c.step("vin")
}

func TestPrefillWhenTheAnswerIsInvalid(t *testing.T) {
	c := newChat(t)
	c.walkTo("vin")
	// Not a VIN, but it holds the odometer: confirm that first, then ask the VIN again.
	c.send("not sure, it has 45,000 miles")
	c.step("vin")
	c.saw("I picked up: Odometer 45000 mi.")
	c.send("help")
	c.saw("I found these details in your message")
	c.send("yep")
	c.step("vin")
	c.answer("odometer", "45000 mi")
	c.send(vinModel3)
	c.step("location")
}

func TestExtractionAnswersTheCurrentStep(t *testing.T) {
	c := newChat(t)
	c.walkTo("year")
	c.send("It's a 2019 I think")
	c.answer("year", "2019")
	c.step("vin")
	c.send("the VIN is " + vinModel3)
	c.answer("vin", vinModel3)
	c.step("odometer")
	if len(c.s.Pending) != 0 {
		t.Fatalf("the current step's own answer went to Pending: %v", c.s.Pending)
	}
}

func TestExtractedValuesAreValidated(t *testing.T) {
	c := newChat(t)
	c.walkTo("ticket")
	c.do(Input{Text: "SR-1", Extracted: map[string]string{
		"vin":      "5YJ3E1EA2KF3170O0",
		"year":     "1995",
		"model":    "Roadster",
		"odometer": "45000",
		"consent":  "understood",
		"unknown":  "x",
		"outcome":  "A refund of the charging fees.",
	}})
	// The outcome is read from the sense of a message, so only from the opening one.
	if want := map[string]string{}; !maps.Equal(c.s.Pending, want) {
		t.Fatalf("Pending %v, want %v", c.s.Pending, want)
	}
}

// A North American VIN whose 10th character disagrees with the owner's model year is asked
// about once; a European one is not, since there position 10 need not be the year.
func TestVINModelYearCrossCheck(t *testing.T) {
	c := newChat(t)
	c.walkTo("year")
	c.send("2021")
	c.send(validVIN(t, vinModel3)) // K: 2019
	c.step("year")
	c.saw("The VIN says model year 2019 (its 10th character), but I have 2021. Which is right?")
	c.press(ActionChoose, "2019")
	c.answer("year", "2019")
	c.step("odometer")

	c = newChat(t)
	c.walkTo("year")
	c.send("2021")
	c.send("XP7YGCEK1PB123987") // P: 2023, Berlin
	c.answer("vin", "XP7YGCEK1PB123987")
	c.step("odometer")
}

// Free text at a choice step is classified and offered, and kept as the description.
func TestChoiceStepOffersWhatTheTextSoundsLike(t *testing.T) {
	c := newChat(t)
	c.walkTo("category")
	text := "It just won't charge at home anymore, the wall connector blinks red."
	c.send(text)
	c.step("category")
	c.saw("I kept what you wrote as the description of the problem")
	c.saw("That sounds like Battery & charging: right?")
	c.answer("description", text)
	c.send("yes")
	c.answer("category", "battery")
	c.step("safe")
	c.press(ActionChoose, "yes")
	c.step("started") // the description is not asked again
}

// A No to the offered category shows the choices; pressing one answers.
func TestChoiceStepOfferRefused(t *testing.T) {
	c := newChat(t)
	c.walkTo("category")
	c.send("the screen goes black while charging at night")
	c.saw("That sounds like")
	c.press(ActionChoose, "software")
	c.answer("category", "software")
}

// The same VIN typed again when asked to check its check digit is a yes.
func TestVINTypedAgainIsYes(t *testing.T) {
	c := newChat(t)
	c.walkTo("vin")
	bad := wrongCheckDigit(t, vinModel3)
	c.send(bad)
	c.saw("Is " + bad + " exactly what is on your vehicle?")
	c.send(strings.ToLower(bad))
	c.answer("vin", bad)
	c.step("odometer")
}

// "Can't drive it" in the first message, once confirmed, shows the emergency advice and marks
// the session safety-critical, as the answer would.
func TestPrefilledNotSafeShowsTheAdvice(t *testing.T) {
	c := newChat(t)
	c.s = Session{Owner: "U1"}
	c.send("The brakes failed on my Model 3 and I can't drive it")
	c.press(ActionConfirm, "yes")
	c.answer("safe", SafeNo)
	if !c.s.Safety {
		t.Fatal("not marked safety-critical")
	}
	for _, r := range c.res.Replies {
		if r.Emergency {
			return
		}
	}
	t.Fatalf("no emergency advice in %s", texts(c.res.Replies))
}
