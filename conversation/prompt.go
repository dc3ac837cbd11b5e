package conversation

import (
	"slices"
	"strings"
)

// ask renders what the session waits for: the review card, a confirmation, or the current step.
func (t *turn) ask() {
	st := t.current()
	t.s.Together = nil
	switch {
	case t.s.Stage == StageReview || st == nil:
		t.say(t.reviewCard())
	case t.s.Confirm != "":
		t.say(t.confirmReply(st))
	case t.pendingOutstanding():
		t.say(t.pendingReply())
	case t.s.TypingOther:
		t.say(Reply{
			Text:    t.tr(say.PleaseType, inSentence(st)),
			Buttons: []Button{{Label: t.tr(say.Back), Action: ActionControl, Value: cmdBack}},
		})
	default:
		t.s.Together = t.together(st)
		t.say(t.prompt(st))
	}
}

// together is the steps asked with st in one message: st and the unanswered steps of its group
// that follow it, up to the first unanswered step of another; nil when st is asked alone. A
// group is asked together once; an edit asks one step.
func (t *turn) together(st *Step) []string {
	if st.Group == "" || t.s.Editing || slices.Contains(t.s.Groups, st.Group) {
		return nil
	}
	i := slices.IndexFunc(t.f.Steps, func(s Step) bool { return s.ID == st.ID })
	ids := []string{st.ID}
	for j := i + 1; j < len(t.f.Steps); j++ {
		next := &t.f.Steps[j]
		if t.answered(next.ID) || !t.f.applies(next, t.s.Answers) {
			continue
		}
		if next.Group != st.Group {
			break
		}
		ids = append(ids, next.ID)
	}
	if len(ids) < 2 {
		return nil
	}
	return ids
}

// prompt is the step's question with its choices, Skip and Back as buttons.
func (t *turn) prompt(st *Step) Reply {
	text := st.Prompt
	if v := t.s.Answers[st.ID]; v != "" && st.Kind != KindConsent {
		text += "\n\n" + t.tr(say.CurrentAnswer, st.display(v))
	}
	if len(t.s.Together) > 1 && t.s.Together[0] == st.ID {
		text += "\n\n" + t.tr(say.AlsoTell)
		for _, id := range t.s.Together[1:] {
			text += "\n• " + t.f.step(id).Prompt
		}
	}
	var buttons []Button
	if st.Kind == KindConsent && len(t.s.Pending) > 0 && len(st.Choices) > 0 {
		// One press agrees and confirms, so an owner who said it all at once answers once.
		_, items := t.pendingItems()
		text += "\n\n" + t.tr(say.Noted, strings.Join(items, ", "))
		return Reply{Text: text, Buttons: []Button{
			{Label: t.tr(say.ConsentRight, st.Choices[0].Label), Action: ActionConfirm, Value: "yes"},
			{Label: t.tr(say.ConsentWrong, st.Choices[0].Label), Action: ActionConfirm, Value: "no"},
			{Label: t.tr(say.Cancel), Action: ActionControl, Value: cmdCancel},
		}}
	}
	for _, c := range st.Choices {
		buttons = append(buttons, Button{Label: c.Label, Action: ActionChoose, Value: c.Value})
	}
	if st.Other {
		buttons = append(buttons, Button{Label: t.tr(say.Other), Action: ActionChoose, Value: OtherValue})
	}
	if st.Kind == KindConsent {
		buttons = append(buttons, Button{Label: t.tr(say.Cancel), Action: ActionControl, Value: cmdCancel})
	}
	if st.Optional {
		buttons = append(buttons, Button{Label: t.tr(say.Skip), Action: ActionControl, Value: cmdSkip})
	}
	if t.s.Editing || t.backTarget() != "" {
		buttons = append(buttons, Button{Label: t.tr(say.Back), Action: ActionControl, Value: cmdBack})
	}
	return Reply{Text: text, Buttons: buttons}
}

// confirmReply asks about a value held in Session.Confirm.
func (t *turn) confirmReply(st *Step) Reply {
	switch st.Kind {
	case KindChoice:
		r := Reply{
			Text:    t.tr(say.SoundsLike, st.display(t.s.Confirm)),
			Buttons: []Button{{Label: t.tr(say.Yes), Action: ActionConfirm, Value: "yes"}},
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
			Text:    t.tr(say.VINYear, t.s.Confirm, said),
			Buttons: []Button{{Label: t.s.Confirm, Action: ActionChoose, Value: t.s.Confirm}},
		}
		if said != "" {
			r.Buttons = append(r.Buttons, Button{Label: said, Action: ActionChoose, Value: said})
		}
		return r
	}
	if st.Kind == KindOdometer {
		return Reply{
			Text: t.tr(say.KmOrMiles, t.s.Confirm),
			Buttons: []Button{
				{Label: t.tr(say.Km), Action: ActionChoose, Value: UnitKm},
				{Label: t.tr(say.Miles), Action: ActionChoose, Value: UnitMi},
			},
		}
	}
	text := t.tr(say.VINCheck)
	if _, err := ValidateVIN(t.s.Confirm); err != nil {
		text = t.reason(err)
	}
	return Reply{
		Text: text + "\n\n" + t.tr(say.VINExactly, t.s.Confirm),
		Buttons: []Button{
			{Label: t.tr(say.VINCorrect), Action: ActionConfirm, Value: "yes"},
			{Label: t.tr(say.VINReenter), Action: ActionConfirm, Value: "no"},
		},
	}
}

// helpText explains the question the session waits for.
func (t *turn) helpText() string {
	st := t.current()
	switch {
	case t.s.Stage == StageReview || st == nil:
		return t.tr(say.HelpReview)
	case t.s.Confirm != "" && st.Kind == KindVIN:
		return t.tr(say.HelpVINCheck)
	case t.s.Confirm != "" && st.Kind == KindChoice:
		return t.tr(say.HelpChoiceConfirm)
	case t.s.Confirm != "" && st.Kind == KindYear:
		return t.tr(say.HelpYearConfirm)
	case t.s.Confirm != "":
		return t.tr(say.HelpUnit)
	case t.pendingOutstanding() && t.s.Doubt:
		return t.tr(say.HelpWhichWrong)
	case t.pendingOutstanding():
		return t.tr(say.HelpPending)
	case st.Help != "":
		return st.Help + t.skippable(st)
	}
	return t.kindHelp(st) + t.skippable(st)
}

func (t *turn) kindHelp(st *Step) string {
	switch st.Kind {
	case KindConsent:
		begin := t.tr(say.FirstButton)
		if len(st.Choices) > 0 {
			begin = st.Choices[0].Label
		}
		return t.tr(say.HelpConsent, begin)
	case KindTicket:
		if st.RequireTicket {
			return t.tr(say.HelpTicketRequired)
		}
		return t.tr(say.HelpTicket)
	case KindVIN:
		return t.tr(say.HelpVIN)
	case KindYear:
		return t.tr(say.HelpYear, st.Min, yearMax(st, t.now))
	case KindOdometer:
		return t.tr(say.HelpOdometer)
	case KindChoice, KindSafe:
		return t.tr(say.HelpChoice, optionList(st))
	}
	if st.MinLength > 0 {
		return t.tr(say.HelpTextMin, st.MinLength)
	}
	return t.tr(say.HelpText)
}

func (t *turn) skippable(st *Step) string {
	if st.Optional {
		return t.tr(say.HelpSkippable)
	}
	return ""
}
