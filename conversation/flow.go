package conversation

import "strings"

// Step kinds. The kind decides how an answer is read and checked.
const (
	KindConsent  = "consent"  // the owner acknowledges what the line is for; not shown on the case
	KindText     = "text"     // free text with MinLength and MaxLength
	KindChoice   = "choice"   // one of Choices, or free text when Other is set
	KindVIN      = "vin"      // a vehicle identification number, check digit verified
	KindYear     = "year"     // a model year between Min and Max
	KindOdometer = "odometer" // a distance with its unit, stored as "45000 mi" or "72000 km"
	KindTicket   = "ticket"   // a service ticket or case number, or "none"
	KindSafe     = "safe"     // is the vehicle safe to drive; "no" or "not_sure" shows the emergency advice
)

// Answers of a KindSafe step that show Flow.EmergencyAdvice and mark the session safety-critical.
const (
	SafeNo      = "no"
	SafeNotSure = "not_sure"
)

// OtherValue is the choice value of the "Other" button on a step with Other set.
const OtherValue = "other"

// TicketNone is the answer of a ticket step when the owner has no earlier ticket.
const TicketNone = "none"

// Default lengths for free text, in runes, when a step does not set MaxLength.
const (
	defaultTextMax  = 1000
	defaultOtherMax = 100
)

// Flow is the intake as data.
type Flow struct {
	Name            string `yaml:"name"`
	Greeting        string `yaml:"greeting"`                   // first message of a new session
	EmergencyAdvice string `yaml:"emergency_advice,omitempty"` // shown at once when the owner says the vehicle is not safe to drive
	Steps           []Step `yaml:"steps"`
	// Language is the language of the texts above (one of Languages); empty means English.
	Language string `yaml:"language,omitempty"`
	// Translations are the flow's texts in other languages, by language code. Validate
	// requires every text of the flow in each, so no owner meets a question in a language
	// they did not choose.
	Translations map[string]Translation `yaml:"translations,omitempty"`
}

// Translation is a flow's texts in one language. Ids, choice values, words, kinds and rules
// are the flow's own and are not repeated.
type Translation struct {
	Greeting        string              `yaml:"greeting"`
	EmergencyAdvice string              `yaml:"emergency_advice,omitempty"`
	Steps           map[string]StepText `yaml:"steps"` // by step id
}

// StepText is a step's texts in one language.
type StepText struct {
	Label   string            `yaml:"label"`
	Prompt  string            `yaml:"prompt"`
	Help    string            `yaml:"help,omitempty"`
	Choices map[string]string `yaml:"choices,omitempty"` // the label of each choice, by its value
}

// Step is one question of the flow.
type Step struct {
	ID     string `yaml:"id"`    // also the answer key, e.g. "vin"
	Label  string `yaml:"label"` // shown on the review card, e.g. "VIN"
	Prompt string `yaml:"prompt"`
	Help   string `yaml:"help,omitempty"` // shown on "help"; a sentence per kind is used when empty
	Kind   string `yaml:"kind"`
	// Role says what the core reads the answer as (RoleModel, ...); empty means the role the
	// kind implies, if any. The core finds fields by role, never by id.
	Role    string   `yaml:"role,omitempty"`
	Choices []Choice `yaml:"choices,omitempty"` // rendered as buttons; may also be typed
	// Other adds an "Other" choice that takes free text; the typed text is the answer.
	Other    bool `yaml:"other,omitempty"`
	Optional bool `yaml:"optional,omitempty"` // may be skipped with "skip"
	// RequireTicket refuses "none" at a ticket step: the line is a last resort after normal service.
	RequireTicket bool `yaml:"require_ticket,omitempty"`
	MinLength     int  `yaml:"min_length,omitempty"` // free text, in runes
	MaxLength     int  `yaml:"max_length,omitempty"` // free text, in runes; longer text is cut, and the owner told
	// Min and Max bound a year; Max 0 means next year, so a flow file does not age.
	Min  int        `yaml:"min,omitempty"`
	Max  int        `yaml:"max,omitempty"`
	When *Condition `yaml:"when,omitempty"` // ask only when an earlier answer matches
	// Group names steps an owner may answer in one message: a step of a group is asked with
	// the unanswered steps of its group that follow it, up to the next unanswered step of
	// another, once; the answer is read for each, and what it lacks is asked one by one.
	// Only text, ticket and odometer steps can be grouped.
	Group string `yaml:"group,omitempty"`

	lang string // the language of the texts above, set by Flow.localized; "" is English
}

// Choice is one button of a step.
type Choice struct {
	Value string `yaml:"value"` // stored as the answer
	Label string `yaml:"label"` // shown on the button and the review card
	// Words are other ways owners name this choice, in any language, read in free text: model
	// nicknames ("m3", "the 3"), or what a category's problems sound like ("won't charge",
	// "Bremse*"). A trailing * matches any ending; a word in capitals of up to three letters
	// ("MY") matches only in capitals, so it is not taken for a common word.
	Words []string `yaml:"words,omitempty"`
	// VIN lists the starts of VINs of this model: world manufacturer identifier and model code,
	// ? for any character ("5YJ3", "LRW3"); the VIN then answers the model question.
	VIN []string `yaml:"vin,omitempty"`
}

// Condition makes a step depend on the answer to an earlier step.
type Condition struct {
	Step string   `yaml:"step"`
	In   []string `yaml:"in"` // choice values of Step that make this step apply
}

// step returns the step with id, or nil.
func (f *Flow) step(id string) *Step {
	for i := range f.Steps {
		if f.Steps[i].ID == id {
			return &f.Steps[i]
		}
	}
	return nil
}

// stepByName finds a step by id or label, as an owner types it in "edit <field>".
func (f *Flow) stepByName(name string) *Step {
	name = normalize(name)
	for i := range f.Steps {
		st := &f.Steps[i]
		if normalize(st.ID) == name || normalize(st.Label) == name || normalize(strings.ReplaceAll(st.ID, "_", " ")) == name {
			return st
		}
	}
	return nil
}

// applies reports whether st is asked given the answers so far. A condition on a step that
// does not apply itself fails too, so a stale answer never switches a step on.
func (f *Flow) applies(st *Step, answers map[string]string) bool {
	// Conditions point only at earlier steps in a valid flow; the bound keeps a bad one from looping.
	for range len(f.Steps) + 1 {
		if st.When == nil {
			return true
		}
		v, ok := answers[st.When.Step]
		if !ok || !containsFold(st.When.In, v) {
			return false
		}
		st = f.step(st.When.Step)
		if st == nil {
			return false
		}
	}
	return false
}

// choice returns the choice of st with value v, or nil.
func (st *Step) choice(v string) *Choice {
	for i := range st.Choices {
		if st.Choices[i].Value == v {
			return &st.Choices[i]
		}
	}
	return nil
}

// display is an answer as the owner and the executive read it: a choice's label, else the value.
func (st *Step) display(v string) string {
	if c := st.choice(v); c != nil {
		return c.Label
	}
	if st.Kind == KindTicket && v == TicketNone {
		return say.NoTicket.In(st.lang)
	}
	return v
}

// maxLength is the longest free-text answer kept, in runes.
func (st *Step) maxLength() int {
	switch {
	case st.MaxLength > 0:
		return st.MaxLength
	case st.Kind == KindChoice:
		return defaultOtherMax
	default:
		return defaultTextMax
	}
}

func containsFold(list []string, v string) bool {
	for _, s := range list {
		if strings.EqualFold(s, v) {
			return true
		}
	}
	return false
}
