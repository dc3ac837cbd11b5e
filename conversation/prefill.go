package conversation

import (
	"fmt"
	"strings"
)

// looseRole reports the roles read from the sense of a message rather than its letter: an answer
// to another question ("I called last week") would give wrong ones, so they are taken from the
// owner's opening message only.
func looseRole(role string) bool {
	switch role {
	case RoleLocation, RoleCategory, RoleSafe, RoleStarted, RoleDescription, RoleOutcome, RoleTicket:
		return true
	}
	return false
}

// gather keeps the extracted fields that are valid, apply, are not answered yet and are not the
// current step's own answer, as Pending for the owner to confirm. Values go through the same
// checks as typed answers, so an extractor can never slip in a bad VIN. opening is the owner's
// first message, from which every field is taken; from a later answer only the exact ones.
func (t *turn) gather(extracted map[string]string, opening bool) {
	for id, v := range extracted {
		st := t.f.step(id)
		if st == nil || st.Kind == KindConsent || id == t.s.Step || t.answered(id) || !t.f.applies(st, t.s.Answers) {
			continue
		}
		if !opening && looseRole(st.FieldRole()) {
			continue
		}
		value, _, err := parse(st, v, t.now)
		if err != nil {
			continue
		}
		if t.s.Pending == nil {
			t.s.Pending = map[string]string{}
		}
		t.s.Pending[id] = value
	}
}

// pendingOutstanding reports pre-filled fields waiting for a yes or no. They wait through the
// consent step, where they are shown with it: nothing is taken before the owner has agreed to
// what the line is for.
func (t *turn) pendingOutstanding() bool {
	if len(t.s.Pending) == 0 {
		return false
	}
	st := t.current()
	return st == nil || st.Kind != KindConsent
}

// confirmPending handles the answer to the pre-filled fields: yes keeps them all; no asks which
// one is wrong; a corrected value ("no, it's a 2021") replaces the one it corrects; a value typed
// again ("5YJ3…", the VIN offered) counts as yes.
func (t *turn) confirmPending(in Input) {
	if t.s.Doubt {
		t.whichWrong(in)
		return
	}
	if corrected := t.corrections(in); len(corrected) > 0 {
		for id, v := range corrected {
			t.s.Pending[id] = v
		}
		t.sayText(t.tr(say.Corrected))
		t.resolvePending(true)
		return
	}
	yes, ok := confirmation(in)
	if !ok && t.repeatsPending(in) {
		yes, ok = true, true
	}
	if !ok {
		t.sayText(t.tr(say.YesOrNo))
		t.ask()
		return
	}
	t.resolvePending(yes)
}

// resolvePending keeps the pre-filled fields on yes. On no, a single field is dropped (its
// question comes in its turn); of several, the owner is asked which is wrong, so the right
// ones are not thrown away with it.
func (t *turn) resolvePending(yes bool) {
	switch {
	case yes:
		t.keepPending(t.s.Pending)
	case len(t.s.Pending) == 1:
		t.s.Pending = nil
		t.sayText(t.tr(say.WillAskIt))
	default:
		t.s.Doubt = true
	}
	t.ask()
}

// whichWrong reads the answer to "which one is wrong?": a button (the step id), a field's name,
// or "all"; the rest is kept.
func (t *turn) whichWrong(in Input) {
	name := in.Text
	if in.Action == ActionChoose {
		name = in.Value
	}
	if corrected := t.corrections(in); len(corrected) > 0 {
		for id, v := range corrected {
			t.s.Pending[id] = v
		}
		t.s.Doubt = false
		t.sayText(t.tr(say.Corrected))
		t.keepPending(t.s.Pending)
		t.ask()
		return
	}
	norm := normalize(name)
	if norm == "all" || norm == "all of them" || norm == "everything" || synonym(norm) == "no" {
		t.s.Pending, t.s.Doubt = nil, false
		t.sayText(t.tr(say.WillAskEach))
		t.ask()
		return
	}
	st := t.f.step(name)
	if st == nil {
		st = t.f.stepByName(name)
	}
	if st == nil || t.s.Pending[st.ID] == "" {
		t.sayText(t.tr(say.PressWrong))
		t.ask()
		return
	}
	delete(t.s.Pending, st.ID)
	t.s.Doubt = false
	kept := len(t.s.Pending)
	t.keepPending(t.s.Pending)
	if kept > 0 {
		t.sayText(t.tr(say.KeptRest, inSentence(st)))
	}
	t.ask()
}

// corrections are values the owner typed for pending fields that differ from the ones offered.
func (t *turn) corrections(in Input) map[string]string {
	if in.Action != "" {
		return nil
	}
	out := map[string]string{}
	for id, v := range in.Extracted {
		old, ok := t.s.Pending[id]
		st := t.f.step(id)
		if !ok || st == nil || looseRole(st.FieldRole()) {
			continue
		}
		if value, _, err := parse(st, v, t.now); err == nil && value != old {
			out[id] = value
		}
	}
	return out
}

// repeatsPending reports typed text that is one of the offered values again.
func (t *turn) repeatsPending(in Input) bool {
	if in.Action != "" || in.Text == "" {
		return false
	}
	for id, v := range t.s.Pending {
		st := t.f.step(id)
		if st == nil || st.Kind == KindText {
			continue
		}
		if value, _, err := parse(st, in.Text, t.now); err == nil && value == v {
			return true
		}
		if normalize(in.Text) == normalize(st.display(v)) {
			return true
		}
	}
	return false
}

// keepPending records pending as answers. Pre-filled answers stay out of History: back
// retraces the questions actually asked.
func (t *turn) keepPending(pending map[string]string) {
	t.s.Pending, t.s.Doubt = nil, false
	filledCurrent := false
	for i := range t.f.Steps {
		st := &t.f.Steps[i]
		v, ok := pending[st.ID]
		if !ok || t.answered(st.ID) || !t.f.applies(st, t.s.Answers) {
			continue
		}
		t.s.Answers[st.ID] = v
		if st.Kind == KindSafe && notSafe(v) && t.f.EmergencyAdvice != "" {
			t.say(Reply{Text: t.f.EmergencyAdvice, Emergency: true})
		}
		filledCurrent = filledCurrent || st.ID == t.s.Step
	}
	t.s.Safety = t.safety()
	if filledCurrent || t.s.Stage == StageReview {
		t.moveOn()
	}
	t.crossCheckYear()
}

// pendingItems are the pre-filled fields as the owner reads them, in flow order.
func (t *turn) pendingItems() (ids, items []string) {
	for i := range t.f.Steps {
		st := &t.f.Steps[i]
		v, ok := t.s.Pending[st.ID]
		if !ok {
			continue
		}
		ids = append(ids, st.ID)
		items = append(items, item(st, v))
	}
	return ids, items
}

// item is a value as the owner reads it in a list of what was taken: "Model 3", "Odometer
// 45000 mi", `Location "Austin, Texas"`.
func item(st *Step, v string) string {
	switch {
	case st.choice(v) != nil:
		return st.display(v)
	case st.Kind == KindText:
		return fmt.Sprintf("%s %q", st.Label, Clip(strings.Join(strings.Fields(v), " "), 60))
	}
	return st.Label + " " + st.display(v)
}

// pendingReply asks "I picked up: Model 3, Model year 2019, VIN 5YJ3E1EA2KF317000. Is that right?",
// or, after a no, which of them is wrong.
func (t *turn) pendingReply() Reply {
	ids, items := t.pendingItems()
	if t.s.Doubt {
		r := Reply{Text: t.tr(say.WhichWrong)}
		for i, id := range ids {
			r.Buttons = append(r.Buttons, Button{Label: items[i], Action: ActionChoose, Value: id})
		}
		r.Buttons = append(r.Buttons, Button{Label: t.tr(say.AllOfThem), Action: ActionChoose, Value: "all"})
		return r
	}
	return Reply{
		Text: t.tr(say.PickedUp, strings.Join(items, ", ")),
		Buttons: []Button{
			{Label: t.tr(say.Yes), Action: ActionConfirm, Value: "yes"},
			{Label: t.tr(say.No), Action: ActionConfirm, Value: "no"},
		},
	}
}

// consentWithPending answers the consent step shown with the pre-filled fields: one press both
// agrees to what the line is for and says whether the fields are right.
func (t *turn) consentWithPending(st *Step, in Input) bool {
	if len(t.s.Pending) == 0 || len(st.Choices) == 0 {
		return false
	}
	yes, ok := confirmation(in)
	if !ok && in.Action == "" && isAgreement(normalize(in.Text)) {
		yes, ok = true, true
	}
	if !ok || (!yes && in.Action != ActionConfirm) {
		return false // a typed "no" is no consent: the step says so
	}
	t.s.Answers[st.ID] = st.Choices[0].Value
	t.remember(st.ID)
	t.moveOn()
	t.resolvePending(yes)
	return true
}

// crossCheckYear asks again when the owner's model year and the VIN's disagree, for a VIN from a
// region where position 10 must be the model year. It asks once per VIN.
func (t *turn) crossCheckYear() {
	yearStep, vinStep := t.f.StepFor(RoleYear), t.f.StepFor(RoleVIN)
	if yearStep == nil || vinStep == nil || t.s.Stage != StageIntake && t.s.Stage != StageReview {
		return
	}
	year, vin := t.s.Answers[yearStep.ID], t.s.Answers[vinStep.ID]
	if year == "" || vin == "" || t.s.YearChecked == vin || !VINCheckDigitRequired(vin) || !t.f.applies(yearStep, t.s.Answers) {
		return
	}
	want, ok := VINModelYear(vin, yearStep.Min, yearMax(yearStep, t.now))
	if !ok || fmt.Sprint(want) == year {
		return
	}
	t.s.YearChecked = vin
	t.s.Editing = t.s.Editing || t.s.Stage == StageReview
	t.s.Stage, t.s.Step, t.s.Confirm = StageIntake, yearStep.ID, fmt.Sprint(want)
}
