package conversation

import (
	"errors"
	"slices"
	"strings"
)

// answer takes the owner's input as the answer to the current step.
func (t *turn) answer(in Input) {
	st := t.current()
	if st.Kind == KindConsent && t.consentWithPending(st, in) {
		return
	}
	if in.Action == ActionConfirm {
		t.stale()
		return
	}
	if t.answerTogether(st, in) {
		return
	}
	t.gather(in.Extracted, false)

	var value string
	var cut bool
	var err error
	switch {
	case in.Action == ActionChoose:
		value, err = choose(st, in.Value)
	case in.Action != "":
		t.stale()
		return
	case t.s.TypingOther:
		value, cut, err = parseOther(st, in.Text)
	default:
		value, cut, err = parse(st, in.Text, t.now)
	}
	// "It's a 2019" at the year step: the extractor found the answer inside a sentence.
	var bad *InvalidError
	if errors.As(err, &bad) && in.Action == "" && !t.s.TypingOther && st.Kind == KindChoice {
		t.offerChoice(st, in)
		return
	}
	if errors.As(err, &bad) && in.Action == "" && !t.s.TypingOther {
		if v, ok := in.Extracted[st.ID]; ok {
			if v2, c2, err2 := parse(st, v, t.now); err2 == nil {
				value, cut, err = v2, c2, nil
			}
		}
	}

	switch {
	case err == nil:
		if cut {
			t.sayText(t.tr(say.KeptFirst, st.maxLength()))
		}
		t.accept(st, value)
	case errors.Is(err, errOther):
		t.s.TypingOther = true
		t.ask()
	case errors.Is(err, ErrVINCheckDigit), errors.Is(err, errNoUnit):
		t.s.Confirm = value
		t.ask()
	case t.pendingOutstanding():
		// The message was about other things; confirming those comes first.
		t.ask()
	default:
		t.sayText(t.reason(err))
		t.ask()
	}
}

// answerTogether reads the answer to steps asked in one message (Session.Together): each takes
// what the extractor read for it from the message, checked as a typed answer would be, and
// what the message does not answer is asked one by one. A message that answers none of them
// is read as the answer to the first alone.
func (t *turn) answerTogether(st *Step, in Input) bool {
	ids := t.s.Together
	if len(ids) < 2 || ids[0] != st.ID || in.Action != "" || t.s.TypingOther {
		return false
	}
	t.s.Together = nil
	t.s.Groups = append(t.s.Groups, st.Group)
	var took []*Step
	for _, id := range ids {
		s := t.f.step(id)
		v, ok := in.Extracted[id]
		if s == nil || !ok || t.answered(id) {
			continue
		}
		value, _, err := parse(s, v, t.now)
		if err != nil || value == "" {
			continue
		}
		t.s.Answers[id] = value
		t.remember(id)
		took = append(took, s)
	}
	if len(took) == 0 {
		return false
	}
	if len(took) > 1 || took[0] != st {
		items := make([]string, len(took))
		for i, s := range took {
			items[i] = item(s, t.s.Answers[s.ID])
		}
		t.sayText(t.tr(say.Noted, strings.Join(items, ", ")))
	}
	t.gather(in.Extracted, false)
	t.s.Editing = false
	t.moveOn()
	t.crossCheckYear()
	t.ask()
	return true
}

// choose reads a pressed choice button.
func choose(st *Step, value string) (string, error) {
	switch {
	case st.Other && value == OtherValue:
		return "", errOther
	case st.choice(value) != nil:
		return value, nil
	case len(st.Choices) > 0:
		return "", invalid(say.PickOneOf, optionList(st))
	}
	return "", invalid(say.StaleButton)
}

// accept records value as the answer to st and moves on.
func (t *turn) accept(st *Step, value string) {
	t.s.Answers[st.ID] = value
	t.s.Confirm = ""
	t.s.TypingOther = false
	t.remember(st.ID)
	if st.Kind == KindSafe && notSafe(value) && t.f.EmergencyAdvice != "" {
		t.say(Reply{Text: t.f.EmergencyAdvice, Emergency: true})
	}
	t.s.Safety = t.safety()
	t.s.Editing = false
	t.moveOn()
	t.crossCheckYear()
	t.ask()
}

// offerChoice answers free text at a choice step that names no choice: the choice it sounds
// like is offered, and text that tells the problem is kept as the description's draft, so the
// owner is not sent round "Please pick one of" with their paragraph dropped.
func (t *turn) offerChoice(st *Step, in Input) {
	kept := t.keepDraft(st, in.Text)
	if kept {
		t.sayText(t.tr(say.KeptDraft))
	}
	if v, ok := in.Extracted[st.ID]; ok && st.choice(v) != nil {
		t.s.Confirm = v
		t.ask()
		return
	}
	t.sayText(t.tr(say.CouldNotTell))
	t.ask()
}

// keepDraft takes text as the answer to the open description step, when the flow has one and
// the text is long enough for it.
func (t *turn) keepDraft(from *Step, text string) bool {
	desc := t.f.StepFor(RoleDescription)
	// A few words at least: "the red one" tells nothing about the problem.
	if desc == nil || len(strings.Fields(text)) < 4 || desc == from || t.answered(desc.ID) || !t.f.applies(desc, t.s.Answers) {
		return false
	}
	v, _, err := parse(desc, text, t.now)
	if err != nil {
		return false
	}
	t.s.Answers[desc.ID] = v
	return true
}

// confirmValue handles the answer to "is this VIN right?" or "km or miles?".
func (t *turn) confirmValue(in Input) {
	st := t.current()
	switch st.Kind {
	case KindVIN:
		// The same VIN typed again is a yes.
		if in.Action == "" {
			if v, err := parseVIN(in.Text); errors.Is(err, ErrVINCheckDigit) && v == t.s.Confirm {
				t.accept(st, v)
				return
			}
		}
		if yes, ok := confirmation(in); ok {
			if yes {
				t.accept(st, t.s.Confirm)
				return
			}
			t.s.Confirm = ""
			t.sayText(t.tr(say.TypeVINAgain))
			t.ask()
			return
		}
	case KindOdometer:
		unit := ""
		switch in.Action {
		case ActionChoose:
			unit = parseUnit(in.Value)
		case "":
			unit = parseUnit(in.Text)
		}
		if unit != "" {
			t.accept(st, t.s.Confirm+" "+unit)
			return
		}
	case KindChoice:
		if yes, ok := confirmation(in); ok {
			if yes {
				t.accept(st, t.s.Confirm)
				return
			}
			t.s.Confirm = ""
			t.sayText(t.tr(say.WhichFits))
			t.ask()
			return
		}
	case KindYear:
		if in.Action == ActionChoose {
			if v, err := parseYear(in.Value, st.Min, yearMax(st, t.now)); err == nil {
				t.accept(st, v)
				return
			}
		}
	}
	// Anything else is a fresh answer: a VIN typed again, a reading with its unit.
	t.s.Confirm = ""
	t.answer(in)
}

// confirmation reads a yes or no from a confirm button or typed text.
func confirmation(in Input) (yes, ok bool) {
	v := in.Text
	switch in.Action {
	case ActionConfirm:
		v = in.Value
	case "":
	default:
		return false, false
	}
	switch synonym(normalize(v)) {
	case "yes":
		return true, true
	case "no":
		return false, true
	}
	return false, false
}

// moveOn goes to the first step that applies and has no answer, or to the review.
func (t *turn) moveOn() {
	if st := t.next(); st != nil {
		t.s.Stage, t.s.Step = StageIntake, st.ID
		return
	}
	t.s.Stage, t.s.Step = StageReview, ""
}

// next is the first step, in flow order, that applies and has no answer. Steps answered earlier
// are not asked again, which is what lets back, edit and pre-fill return the owner to their place.
func (t *turn) next() *Step {
	for i := range t.f.Steps {
		st := &t.f.Steps[i]
		if !t.answered(st.ID) && t.f.applies(st, t.s.Answers) {
			return st
		}
	}
	return nil
}

// answered reports an answer, including the empty answer of a skipped step.
func (t *turn) answered(id string) bool {
	_, ok := t.s.Answers[id]
	return ok
}

// remember records that the owner answered or skipped id.
func (t *turn) remember(id string) {
	if !slices.Contains(t.s.History, id) {
		t.s.History = append(t.s.History, id)
	}
}

// safety reports an applicable safe-to-drive step answered no or not sure.
func (t *turn) safety() bool {
	for i := range t.f.Steps {
		st := &t.f.Steps[i]
		if st.Kind == KindSafe && notSafe(t.s.Answers[st.ID]) && t.f.applies(st, t.s.Answers) {
			return true
		}
	}
	return false
}

func notSafe(v string) bool { return v == SafeNo || v == SafeNotSure }

// stale answers a button from an earlier message that no longer fits.
func (t *turn) stale() {
	t.sayText(t.tr(say.StaleButton))
	t.ask()
}

// reason is the owner-facing text of a validation error, in the owner's language.
func (t *turn) reason(err error) string {
	var bad *InvalidError
	var digit *CheckDigitError
	switch {
	case errors.As(err, &bad):
		return bad.in(t.lang)
	case errors.As(err, &digit):
		return digit.in(t.lang)
	case errors.Is(err, ErrVINCheckDigit):
		return t.tr(say.VINCheck)
	}
	return t.tr(say.CouldNotUse)
}
