package conversation

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// Control words, typed or sent as ActionControl values; edit and submit also have their own actions.
const (
	cmdBack    = "back"
	cmdSkip    = "skip"
	cmdEdit    = "edit"
	cmdRestart = "restart"
	cmdCancel  = "cancel"
	cmdHelp    = "help"
	cmdStatus  = "status"
	cmdSubmit  = "submit"
)

// command reads a control word from a button or from text that is only that word. An answer
// that merely starts with one ("help! the brakes failed") stays an answer.
func command(in Input) (cmd, arg string) {
	switch in.Action {
	case ActionControl:
		return normalize(in.Value), ""
	case ActionEdit:
		return cmdEdit, in.Value
	case ActionSubmit:
		return cmdSubmit, ""
	case "":
	default:
		return "", ""
	}
	t := normalize(in.Text)
	switch t {
	case cmdBack, cmdSkip, cmdEdit, cmdRestart, cmdCancel, cmdHelp, cmdStatus, cmdSubmit:
		return t, ""
	case "start over":
		return cmdRestart, ""
	}
	// "edit vin", "edit model year": a field name is a word or three, not a sentence.
	if rest, ok := strings.CutPrefix(t, cmdEdit+" "); ok && len(strings.Fields(rest)) <= 3 {
		return cmdEdit, rest
	}
	return "", ""
}

func (t *turn) control(cmd, arg string) {
	switch cmd {
	case cmdStatus:
		t.outcome = OutcomeStatus
	case cmdCancel:
		t.cancel()
	case cmdRestart:
		t.restart(nil)
	case cmdHelp:
		t.help()
	case cmdBack:
		t.back()
	case cmdSkip:
		t.skip()
	case cmdEdit:
		t.edit(arg)
	case cmdSubmit:
		t.submit()
	default:
		t.stale()
	}
}

// back returns to the previous question asked, keeping every answer: the owner sees the
// current answer and may keep or replace it. From an edit it returns to the review.
func (t *turn) back() {
	switch {
	case t.s.TypingOther:
		t.s.TypingOther = false
		t.ask()
		return
	case t.s.Editing:
		t.s.Editing, t.s.Confirm, t.s.Pending = false, "", nil
		t.s.Stage, t.s.Step = StageReview, ""
		t.ask()
		return
	}
	target := t.backTarget()
	if target == "" {
		t.sayText("This is the first question.")
		t.ask()
		return
	}
	t.s.Confirm, t.s.Pending = "", nil
	t.s.Stage, t.s.Step = StageIntake, target
	t.ask()
}

// backTarget is the nearest question before the current one, in flow order, that the owner
// answered or skipped and that still applies. Pre-filled answers were never asked, so back
// passes them; from the review it is the last question asked.
func (t *turn) backTarget() string {
	end := len(t.f.Steps)
	if t.s.Stage == StageIntake {
		if i := slices.IndexFunc(t.f.Steps, func(st Step) bool { return st.ID == t.s.Step }); i >= 0 {
			end = i
		}
	}
	for i := end - 1; i >= 0; i-- {
		st := &t.f.Steps[i]
		if st.Kind != KindConsent && slices.Contains(t.s.History, st.ID) && t.f.applies(st, t.s.Answers) {
			return st.ID
		}
	}
	return ""
}

// skip leaves an optional question unanswered; with pre-filled fields waiting it skips those.
func (t *turn) skip() {
	if t.s.Stage == StageReview {
		t.sayText("There is nothing to skip here.")
		t.ask()
		return
	}
	if t.pendingOutstanding() {
		t.s.Pending = nil
		t.ask()
		return
	}
	st := t.current()
	if !st.Optional {
		t.sayText("Sorry, this question can't be skipped; the team needs the answer to take up your case.")
		t.ask()
		return
	}
	t.accept(st, "")
}

// edit asks one answered question again; from the review it returns there afterwards.
func (t *turn) edit(name string) {
	if name == "" {
		t.say(Reply{Text: "Which answer would you like to change?", Buttons: editButtons(t.fields())})
		return
	}
	st := t.f.step(name)
	if st == nil {
		st = t.f.stepByName(name)
	}
	if st == nil || st.Kind == KindConsent || !t.f.applies(st, t.s.Answers) {
		if utf8.RuneCountInString(name) > 40 {
			name, _ = truncate(name, 40)
			name += "…"
		}
		t.sayText(fmt.Sprintf("I don't have a question called %q. You can edit: %s.", name, t.editableList()))
		t.ask()
		return
	}
	t.s.Editing = t.s.Editing || t.s.Stage == StageReview
	t.s.Stage, t.s.Step = StageIntake, st.ID
	t.s.Confirm, t.s.TypingOther, t.s.Pending = "", false, nil
	t.ask()
}

func (t *turn) editableList() string {
	var names []string
	for i := range t.f.Steps {
		st := &t.f.Steps[i]
		if st.Kind != KindConsent && t.f.applies(st, t.s.Answers) {
			names = append(names, st.Label)
		}
	}
	return strings.Join(names, ", ")
}

// help explains what the session is waiting for and the control words.
func (t *turn) help() {
	t.sayText(t.helpText() + "\n\n" + controlHelp)
	t.ask()
}

const controlHelp = "You can also type: back (previous question), skip (optional questions), " +
	"edit <field> (change an answer, e.g. edit vin), restart (start over), " +
	"cancel (stop; nothing is sent), help, or status (news on a submitted case)."
