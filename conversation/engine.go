package conversation

import (
	"maps"
	"slices"
	"strings"
	"time"
)

// Action names used in Buttons and Input.Action.
const (
	ActionChoose   = "choose"  // Value = the choice value
	ActionControl  = "control" // Value = back/skip/restart/cancel/help/status
	ActionEdit     = "edit"    // Value = step id
	ActionSubmit   = "submit"
	ActionConfirm  = "confirm"  // Value = "yes"/"no" (pre-filled fields, VIN check digit override)
	ActionLanguage = "language" // Value = a language code: the owner switches to it
)

// Outcome tells the caller what to do beyond sending the replies.
type Outcome int

const (
	OutcomeNone   Outcome = iota
	OutcomeSubmit         // the owner submitted the review card: the caller creates the case
	OutcomeStatus         // the owner asked "status": the caller answers (it knows the case)
	OutcomeCancel         // the owner cancelled
)

// Result is one turn: the session to save, the replies to send and what else to do.
type Result struct {
	Session Session
	Replies []Reply
	Outcome Outcome
}

// Engine runs a flow. It is a pure function of session and input, so it is safe for concurrent
// use and every turn can be retried after a lost compare-and-set.
type Engine struct {
	flow  *Flow
	flows map[string]*Flow // f in each language it offers
}

// NewEngine runs f, which should have passed Validate; a nil flow means DefaultFlow.
func NewEngine(f *Flow) *Engine {
	if f == nil {
		f = DefaultFlow()
	}
	e := &Engine{flow: f, flows: map[string]*Flow{}}
	for _, lang := range f.Offers() {
		e.flows[lang] = f.localized(lang)
	}
	return e
}

// Language is the language a session with language lang is spoken to in: lang when the flow
// offers it, else the flow's own.
func (e *Engine) Language(lang string) string { return e.language(lang) }

func (e *Engine) language(lang string) string {
	if _, ok := e.flows[lang]; ok {
		return lang
	}
	return e.flow.BaseLanguage()
}

// Flow returns the flow the engine runs. Callers must not change it.
func (e *Engine) Flow() *Flow { return e.flow }

// Start begins a new session for owner: greeting and the first step.
func (e *Engine) Start(owner string, now time.Time) Result {
	t := e.turn(Session{Owner: owner}, now)
	t.restart(nil)
	return t.result()
}

// Handle is one turn. in.Extracted holds what an Extractor found in in.Text. A session that is
// new (zero Stage) or cancelled starts over with the greeting, keeping what was extracted from
// the message for confirmation after the consent step.
func (e *Engine) Handle(s Session, in Input, now time.Time) Result {
	t := e.turn(s, now)
	t.s.Turns++
	in.Text = strings.ToValidUTF8(strings.TrimSpace(in.Text), "\uFFFD")
	t.handle(in)
	return t.result()
}

// Open starts a new intake from the owner's first event. s is a fresh session for the owner
// (it may carry the owner's language from an earlier intake, and the stored version). The
// greeting and the first step are in the platform's or the message's language, with
// in.Extracted kept to confirm; a request for a language ("language de", a language button)
// is honoured first. Other control words in a first message are read as its text.
func (e *Engine) Open(s Session, in Input, now time.Time) Result {
	t := e.turn(s, now)
	t.s.Turns++
	in.Text = strings.ToValidUTF8(strings.TrimSpace(in.Text), "\uFFFD")
	offer := t.settleLanguage(in, true)
	if cmd, arg := command(in); cmd == cmdLanguage {
		t.switchLanguage(arg)
	} else {
		t.offerLanguage(offer)
	}
	t.restart(in.Extracted)
	return t.result()
}

// Prompt repeats what the session is waiting for, for a reminder or when an owner comes back.
// It returns nothing for a session that is not in intake or review.
func (e *Engine) Prompt(s Session, now time.Time) []Reply {
	if s.Stage != StageIntake && s.Stage != StageReview {
		return nil
	}
	t := e.turn(s, now)
	if t.s.Stage == StageIntake && t.current() == nil {
		return nil
	}
	t.sanitize()
	t.ask()
	return t.replies
}

// turn is the working state of one call; it owns a deep copy of the session, so the caller's
// session is never changed.
type turn struct {
	e       *Engine
	f       *Flow  // the flow in lang
	lang    string // the language the owner is spoken to in
	s       Session
	now     time.Time
	replies []Reply
	outcome Outcome
}

func (e *Engine) turn(s Session, now time.Time) *turn {
	s.Answers = maps.Clone(s.Answers)
	if s.Answers == nil {
		s.Answers = map[string]string{}
	}
	s.Pending = maps.Clone(s.Pending)
	s.History = slices.Clone(s.History)
	s.UpdatedAt = now
	t := &turn{e: e, s: s, now: now}
	t.speak(s.Language)
	return t
}

// speak switches the turn to lang (or the flow's language, when it does not offer lang).
func (t *turn) speak(lang string) {
	t.lang = t.e.language(lang)
	t.f = t.e.flows[t.lang]
}

// tr is one of the engine's sentences in the session's language.
func (t *turn) tr(m msg, args ...any) string { return m.F(t.lang, args...) }

func (t *turn) result() Result {
	return Result{Session: t.s, Replies: t.replies, Outcome: t.outcome}
}

func (t *turn) say(r Reply) { t.replies = append(t.replies, r) }

func (t *turn) sayText(text string) { t.say(Reply{Text: text}) }

// current is the step being asked, or nil.
func (t *turn) current() *Step { return t.f.step(t.s.Step) }

func (t *turn) handle(in Input) {
	cmd, arg := command(in)
	switch t.s.Stage {
	case StageIntake, StageReview:
		t.settleLanguage(in, false)
	case StageSubmitted:
		t.submitted(cmd, arg)
		return
	default: // new, cancelled, or a stage this version does not know
		offer := t.settleLanguage(in, true)
		switch cmd {
		case cmdStatus:
			t.outcome = OutcomeStatus
		case cmdCancel:
			t.cancel()
		case cmdLanguage:
			t.switchLanguage(arg)
			t.restart(in.Extracted)
		default:
			t.offerLanguage(offer)
			t.restart(in.Extracted)
		}
		return
	}
	if t.s.Stage == StageIntake && t.current() == nil {
		// The flow changed under a stored session; its answers may not fit the new questions.
		t.sayText(t.tr(say.FlowChanged))
		t.restart(nil)
		return
	}
	t.sanitize()
	if cmd != "" {
		t.control(cmd, arg)
		return
	}
	switch {
	case in.Text == "" && in.Action == "" && len(in.Extracted) > 0:
		// Fields from a message the caller has already answered (the one that started the
		// session): keep them to confirm, and speak only if they are due now.
		t.gather(in.Extracted, true)
		if t.pendingOutstanding() {
			t.ask()
		}
	case t.s.Stage == StageReview:
		t.sayText(t.tr(say.ReviewCheck))
		t.ask()
	case in.Text == "" && in.Action == "":
		t.sayText(t.tr(say.NotCaught))
		t.ask()
	case t.s.Confirm != "":
		t.confirmValue(in)
	case t.pendingOutstanding():
		t.confirmPending(in)
	default:
		t.answer(in)
	}
}

// sanitize drops state that no longer fits the flow, so a stored session from an older flow or
// a hand-edited one cannot trap the owner.
func (t *turn) sanitize() {
	st := t.current()
	if st == nil || (st.Kind != KindVIN && st.Kind != KindOdometer && st.Kind != KindChoice && st.Kind != KindYear) {
		t.s.Confirm = ""
	}
	if len(t.s.Pending) == 0 {
		t.s.Doubt = false
	}
	if st == nil || !st.Other {
		t.s.TypingOther = false
	}
	for id := range t.s.Pending {
		if p := t.f.step(id); p == nil || p.Kind == KindConsent || t.answered(id) {
			delete(t.s.Pending, id)
		}
	}
	if len(t.s.Pending) == 0 {
		t.s.Pending = nil
	}
}

// restart begins the flow again for the same owner. extracted, from the message that started
// the session, is kept for confirmation.
func (t *turn) restart(extracted map[string]string) {
	t.s = Session{
		Owner:     t.s.Owner,
		Version:   t.s.Version,
		Turns:     t.s.Turns,
		Stage:     StageIntake,
		Answers:   map[string]string{},
		Started:   t.now,
		UpdatedAt: t.now,
		// The owner's language outlives a restart: it is theirs, not the intake's.
		Language:     t.s.Language,
		LanguageFrom: t.s.LanguageFrom,
	}
	if t.f.Greeting != "" {
		t.sayText(t.f.Greeting)
	}
	t.moveOn()
	t.gather(extracted, true)
	t.ask()
}

// cancel ends the session; nothing was sent, so nothing is kept.
func (t *turn) cancel() {
	t.s = Session{
		Owner:        t.s.Owner,
		Version:      t.s.Version,
		Turns:        t.s.Turns,
		Stage:        StageCancelled,
		Started:      t.s.Started,
		UpdatedAt:    t.now,
		Language:     t.s.Language,
		LanguageFrom: t.s.LanguageFrom,
	}
	t.sayText(t.tr(say.Cancelled))
	t.outcome = OutcomeCancel
}

// submitted answers a session whose case exists; the caller normally relays such messages to
// the case and calls Handle only for control words.
func (t *turn) submitted(cmd, arg string) {
	switch cmd {
	case cmdStatus:
		t.outcome = OutcomeStatus
	case cmdRestart:
		t.restart(nil)
	case cmdLanguage:
		t.switchLanguage(arg)
	default:
		t.sayText(t.tr(say.SubmittedAlready))
	}
}
