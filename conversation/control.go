package conversation

import (
	"slices"
	"strings"
)

// Control words, typed or sent as ActionControl values; edit and submit also have their own actions.
const (
	cmdBack     = "back"
	cmdSkip     = "skip"
	cmdEdit     = "edit"
	cmdRestart  = "restart"
	cmdCancel   = "cancel"
	cmdHelp     = "help"
	cmdStatus   = "status"
	cmdSubmit   = "submit"
	cmdLanguage = "language"
)

// controlWords are the control words in the other languages the engine speaks; an owner may
// type any of them whatever language the dialogue is in.
var controlWords = map[string]string{
	"zurück": cmdBack, "zuruck": cmdBack, "retour": cmdBack, "atrás": cmdBack, "atras": cmdBack, "volver": cmdBack,
	"überspringen": cmdSkip, "uberspringen": cmdSkip, "passer": cmdSkip, "saltar": cmdSkip,
	"ändern": cmdEdit, "andern": cmdEdit, "bearbeiten": cmdEdit, "modifier": cmdEdit, "editar": cmdEdit,
	"neu starten": cmdRestart, "neustart": cmdRestart, "von vorn": cmdRestart, "recommencer": cmdRestart, "reiniciar": cmdRestart, "empezar de nuevo": cmdRestart,
	"abbrechen": cmdCancel, "annuler": cmdCancel, "cancelar": cmdCancel,
	"hilfe": cmdHelp, "aide": cmdHelp, "ayuda": cmdHelp,
	"statut": cmdStatus, "estado": cmdStatus,
	"absenden": cmdSubmit, "senden": cmdSubmit, "envoyer": cmdSubmit, "enviar": cmdSubmit,
}

// LanguageRequest reports input that asks to speak another language ("language de", "auf
// Deutsch", a language button), which the engine honours at every stage, after submission too.
func LanguageRequest(in Input) bool {
	cmd, _ := command(in)
	return cmd == cmdLanguage
}

// forgetWords are the ways of asking to have one's data erased, in the languages the engine
// speaks, as normalize leaves them.
var forgetWords = map[string]bool{
	"forget me": true, "delete my data": true, "erase my data": true,
	"vergiss mich": true, "vergessen sie mich": true, "lösche meine daten": true, "losche meine daten": true, "löschen sie meine daten": true,
	"oublie-moi": true, "oubliez-moi": true, "oublie moi": true, "oubliez moi": true, "effacez mes données": true, "supprimez mes données": true,
	"olvídame": true, "olvidame": true, "olvídenme": true, "olvidenme": true, "borren mis datos": true, "borrar mis datos": true,
}

// ForgetMe reports whether an owner's message is only a request to have their data erased
// ("forget me", "vergiss mich", ...). A sentence that merely contains the words stays a message.
func ForgetMe(text string) bool { return forgetWords[normalize(text)] }

// Confirms reports whether an owner's message says yes, in any language the engine speaks.
func Confirms(text string) bool { return synonym(normalize(text)) == "yes" }

// Declines reports whether an owner's message says no, in any language the engine speaks.
func Declines(text string) bool { return synonym(normalize(text)) == "no" }

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
	case ActionLanguage:
		return cmdLanguage, in.Value
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
	if cmd, ok := controlWords[t]; ok {
		return cmd, ""
	}
	// "edit vin", "edit model year": a field name is a word or three, not a sentence.
	for _, word := range []string{cmdEdit, "ändern", "andern", "bearbeiten", "modifier", "editar"} {
		if rest, ok := strings.CutPrefix(t, word+" "); ok && len(strings.Fields(rest)) <= 3 {
			return cmdEdit, rest
		}
	}
	if arg, ok := parseLanguageCommand(in.Text); ok {
		return cmdLanguage, arg
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
	case cmdLanguage:
		if t.switchLanguage(arg) {
			t.ask()
		}
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
		t.sayText(t.tr(say.FirstQuestion))
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
		t.sayText(t.tr(say.NothingToSkip))
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
		t.sayText(t.tr(say.CannotSkip))
		t.ask()
		return
	}
	t.accept(st, "")
}

// edit asks one answered question again; from the review it returns there afterwards.
func (t *turn) edit(name string) {
	if name == "" {
		t.say(Reply{Text: t.tr(say.WhichToEdit), Buttons: t.editButtons(t.fields())})
		return
	}
	st := t.f.step(name)
	if st == nil {
		st = t.f.stepByName(name)
	}
	if st == nil || st.Kind == KindConsent || !t.f.applies(st, t.s.Answers) {
		name = Clip(name, 40)
		t.sayText(t.tr(say.NoSuchQuestion, name, t.editableList()))
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
	t.sayText(t.helpText() + "\n\n" + t.tr(say.ControlHelp))
	t.ask()
}
