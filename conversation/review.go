package conversation

// Fields returns the answers for the case, in flow order, with labels and choice values shown as
// their labels. Skipped and unanswered steps, steps that no longer apply and the consent step
// are left out.
func (e *Engine) Fields(s Session) []Field {
	return fieldsOf(e.flow, s.Answers)
}

// FieldsIn is Fields with the labels and choices in lang, when the flow offers it; what the
// owner wrote stays as written.
func (e *Engine) FieldsIn(s Session, lang string) []Field {
	return fieldsOf(e.flows[e.language(lang)], s.Answers)
}

func (t *turn) fields() []Field { return fieldsOf(t.f, t.s.Answers) }

func fieldsOf(f *Flow, answers map[string]string) []Field {
	var fields []Field
	for i := range f.Steps {
		st := &f.Steps[i]
		v := answers[st.ID]
		if v == "" || st.Kind == KindConsent || !f.applies(st, answers) {
			continue
		}
		field := Field{Key: st.ID, Role: st.FieldRole(), Label: st.Label, Value: st.display(v)}
		if st.choice(v) != nil {
			field.Choice = v
		}
		fields = append(fields, field)
	}
	return fields
}

// reviewCard is every answer on one card, an edit button for each, and submit.
func (t *turn) reviewCard() Reply {
	fields := t.fields()
	buttons := t.editButtons(fields)
	buttons = append(buttons,
		Button{Label: t.tr(say.Submit), Action: ActionSubmit},
		Button{Label: t.tr(say.Restart), Action: ActionControl, Value: cmdRestart},
	)
	return Reply{
		Text:    t.tr(say.Review),
		Fields:  fields,
		Buttons: buttons,
	}
}

func (t *turn) editButtons(fields []Field) []Button {
	buttons := make([]Button, 0, len(fields)+2)
	for _, f := range fields {
		buttons = append(buttons, Button{Label: t.tr(say.Edit, f.Label), Action: ActionEdit, Value: f.Key})
	}
	return buttons
}

// submit ends the intake; the caller creates the case, fills CaseID and tells the owner.
func (t *turn) submit() {
	if t.s.Stage != StageReview {
		t.sayText(t.tr(say.NotYet))
		t.ask()
		return
	}
	// A flow changed under a stored session may have new questions.
	if st := t.next(); st != nil {
		t.s.Stage, t.s.Step = StageIntake, st.ID
		t.ask()
		return
	}
	t.s.Stage, t.s.Step = StageSubmitted, ""
	t.s.Editing, t.s.Confirm, t.s.TypingOther, t.s.Pending = false, "", false, nil
	t.outcome = OutcomeSubmit
}
