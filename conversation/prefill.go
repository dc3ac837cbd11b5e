package conversation

import "strings"

// gather keeps the extracted fields that are valid, apply, are not answered yet and are not the
// current step's own answer, as Pending for the owner to confirm. Values go through the same
// checks as typed answers, so an extractor can never slip in a bad VIN.
func (t *turn) gather(extracted map[string]string) {
	for id, v := range extracted {
		st := t.f.step(id)
		if st == nil || st.Kind == KindConsent || id == t.s.Step || t.answered(id) || !t.f.applies(st, t.s.Answers) {
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
// consent step: nothing is taken before the owner has agreed to what the line is for.
func (t *turn) pendingOutstanding() bool {
	if len(t.s.Pending) == 0 {
		return false
	}
	st := t.current()
	return st == nil || st.Kind != KindConsent
}

// confirmPending handles the yes or no to the pre-filled fields.
func (t *turn) confirmPending(in Input) {
	yes, ok := confirmation(in)
	if !ok {
		t.sayText("Please answer yes or no.")
		t.ask()
		return
	}
	pending := t.s.Pending
	t.s.Pending = nil
	if !yes {
		t.sayText("No problem; let's go through them one by one.")
		t.ask()
		return
	}
	// Pre-filled answers stay out of History: back retraces the questions actually asked.
	filledCurrent := false
	for i := range t.f.Steps {
		st := &t.f.Steps[i]
		v, ok := pending[st.ID]
		if !ok || t.answered(st.ID) || !t.f.applies(st, t.s.Answers) {
			continue
		}
		t.s.Answers[st.ID] = v
		filledCurrent = filledCurrent || st.ID == t.s.Step
	}
	t.s.Safety = t.safety()
	if filledCurrent || t.s.Stage == StageReview {
		t.moveOn()
	}
	t.ask()
}

// pendingReply asks "I picked up: Model 3, Model year 2019, VIN 5YJ3E1EA2KF317000. Is that right?"
func (t *turn) pendingReply() Reply {
	var items []string
	for i := range t.f.Steps {
		st := &t.f.Steps[i]
		v, ok := t.s.Pending[st.ID]
		if !ok {
			continue
		}
		if st.choice(v) != nil {
			items = append(items, st.display(v))
		} else {
			items = append(items, st.Label+" "+v)
		}
	}
	return Reply{
		Text: "I picked up: " + strings.Join(items, ", ") + ". Is that right?",
		Buttons: []Button{
			{Label: "Yes", Action: ActionConfirm, Value: "yes"},
			{Label: "No", Action: ActionConfirm, Value: "no"},
		},
	}
}
