package conversation

import (
	"fmt"
	"strings"
	"time"
)

// ask renders what the session waits for: the review card, a confirmation, or the current step.
func (t *turn) ask() {
	st := t.current()
	switch {
	case t.s.Stage == StageReview || st == nil:
		t.say(t.reviewCard())
	case t.s.Confirm != "":
		t.say(t.confirmReply(st))
	case t.pendingOutstanding():
		t.say(t.pendingReply())
	case t.s.TypingOther:
		t.say(Reply{
			Text:    fmt.Sprintf("Please type the %s.", strings.ToLower(st.Label)),
			Buttons: []Button{{Label: "Back", Action: ActionControl, Value: cmdBack}},
		})
	default:
		t.say(t.prompt(st))
	}
}

// prompt is the step's question with its choices, Skip and Back as buttons.
func (t *turn) prompt(st *Step) Reply {
	text := st.Prompt
	if v := t.s.Answers[st.ID]; v != "" && st.Kind != KindConsent {
		text += "\n\nCurrent answer: " + st.display(v)
	}
	var buttons []Button
	if st.Kind == KindConsent && len(t.s.Pending) > 0 && len(st.Choices) > 0 {
		// One press agrees and confirms, so an owner who said it all at once answers once.
		_, items := t.pendingItems()
		text += "\n\nFrom your message I noted: " + strings.Join(items, ", ") + "."
		return Reply{Text: text, Buttons: []Button{
			{Label: st.Choices[0].Label + "; these are right", Action: ActionConfirm, Value: "yes"},
			{Label: st.Choices[0].Label + "; something is wrong", Action: ActionConfirm, Value: "no"},
			{Label: "Cancel", Action: ActionControl, Value: cmdCancel},
		}}
	}
	for _, c := range st.Choices {
		buttons = append(buttons, Button{Label: c.Label, Action: ActionChoose, Value: c.Value})
	}
	if st.Other {
		buttons = append(buttons, Button{Label: "Other", Action: ActionChoose, Value: OtherValue})
	}
	if st.Kind == KindConsent {
		buttons = append(buttons, Button{Label: "Cancel", Action: ActionControl, Value: cmdCancel})
	}
	if st.Optional {
		buttons = append(buttons, Button{Label: "Skip", Action: ActionControl, Value: cmdSkip})
	}
	if t.s.Editing || t.backTarget() != "" {
		buttons = append(buttons, Button{Label: "Back", Action: ActionControl, Value: cmdBack})
	}
	return Reply{Text: text, Buttons: buttons}
}

// confirmReply asks about a value held in Session.Confirm.
func (t *turn) confirmReply(st *Step) Reply {
	switch st.Kind {
	case KindChoice:
		r := Reply{
			Text:    fmt.Sprintf("That sounds like %s: right?", st.display(t.s.Confirm)),
			Buttons: []Button{{Label: "Yes", Action: ActionConfirm, Value: "yes"}},
		}
		for _, c := range st.Choices {
			if c.Value != t.s.Confirm {
				r.Buttons = append(r.Buttons, Button{Label: c.Label, Action: ActionChoose, Value: c.Value})
			}
		}
		return r
	case KindYear:
		said := t.s.Answers[st.ID]
		r := Reply{
			Text:    fmt.Sprintf("The VIN says model year %s (its 10th character), but I have %s. Which is right?", t.s.Confirm, said),
			Buttons: []Button{{Label: t.s.Confirm, Action: ActionChoose, Value: t.s.Confirm}},
		}
		if said != "" {
			r.Buttons = append(r.Buttons, Button{Label: said, Action: ActionChoose, Value: said})
		}
		return r
	}
	if st.Kind == KindOdometer {
		return Reply{
			Text: fmt.Sprintf("Is that %s kilometres or miles?", t.s.Confirm),
			Buttons: []Button{
				{Label: "Kilometres", Action: ActionChoose, Value: UnitKm},
				{Label: "Miles", Action: ActionChoose, Value: UnitMi},
			},
		}
	}
	text := ErrVINCheckDigit.Error()
	if _, err := ValidateVIN(t.s.Confirm); err != nil {
		text = err.Error()
	}
	return Reply{
		Text: text + "\n\nIs " + t.s.Confirm + " exactly what is on your vehicle?",
		Buttons: []Button{
			{Label: "Yes, it's correct", Action: ActionConfirm, Value: "yes"},
			{Label: "No, re-enter", Action: ActionConfirm, Value: "no"},
		},
	}
}

// helpText explains the question the session waits for.
func (t *turn) helpText() string {
	st := t.current()
	switch {
	case t.s.Stage == StageReview || st == nil:
		return "This is the summary of your answers. Press Edit next to an answer to change it, or Submit to send everything to the team."
	case t.s.Confirm != "" && st.Kind == KindVIN:
		return "The 9th character of a North American VIN is a check digit computed from the others, so a mismatch " +
			"usually means a typo. If you have checked the VIN and it is right, say yes; otherwise say no and type it again."
	case t.s.Confirm != "" && st.Kind == KindChoice:
		return "Say yes if that is what the problem is mainly about, or press the one that fits better."
	case t.s.Confirm != "" && st.Kind == KindYear:
		return "The 10th character of a North American or Chinese VIN gives the model year. Press the year that is right."
	case t.s.Confirm != "":
		return "Tell me whether the odometer shows kilometres or miles."
	case t.pendingOutstanding() && t.s.Doubt:
		return "Press the detail that is wrong: I'll ask you for it and keep the others."
	case t.pendingOutstanding():
		return "I found these details in your message. Yes keeps them and I won't ask for them again; no lets you say which one is wrong."
	case st.Help != "":
		return st.Help + skippable(st)
	}
	return kindHelp(st, t.now) + skippable(st)
}

func kindHelp(st *Step, now time.Time) string {
	switch st.Kind {
	case KindConsent:
		begin := "the first button"
		if len(st.Choices) > 0 {
			begin = st.Choices[0].Label
		}
		return "Press " + begin + " to begin, or Cancel to stop. Nothing is shared until you submit the summary at the end."
	case KindTicket:
		if st.RequireTicket {
			return "Type the ticket or case number from your earlier contact with service, for example SR-1234567."
		}
		return "Type the ticket or case number from your earlier contact with service, for example SR-1234567, or none if you have not had one."
	case KindVIN:
		return "The VIN has 17 letters and digits. You'll find it in the app, on your registration, " +
			"or through the windshield at the bottom of the driver's side."
	case KindYear:
		return fmt.Sprintf("Type the model year as four digits, from %d to %d.", st.Min, yearMax(st, now))
	case KindOdometer:
		return "Type the odometer reading with its unit, for example 45,000 mi or 72000 km."
	case KindChoice, KindSafe:
		return "Press a button, or type its number or name: " + optionList(st) + "."
	}
	if st.MinLength > 0 {
		return fmt.Sprintf("Write it in your own words, at least %d characters.", st.MinLength)
	}
	return "Write it in your own words."
}

func skippable(st *Step) string {
	if st.Optional {
		return " You can skip this one."
	}
	return ""
}
