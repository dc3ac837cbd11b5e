package conversation

import "time"

// Stage says where a session is in its life.
type Stage string

const (
	StageIntake    Stage = "intake"    // answering the flow's steps
	StageReview    Stage = "review"    // all answers shown on one card, waiting for submit or edit
	StageSubmitted Stage = "submitted" // a case exists; the owner's DM relays to it
	StageCancelled Stage = "cancelled" // the owner cancelled; the next message starts over
)

// Session is one owner's dialogue. It is plain data so any store can keep it as JSON.
type Session struct {
	Owner   string            `json:"owner"`
	Version int64             `json:"version"` // bumped by the store on every save; used for compare-and-set
	Stage   Stage             `json:"stage"`
	Step    string            `json:"step,omitempty"` // id of the step being asked
	Answers map[string]string `json:"answers,omitempty"`
	// Pending holds fields the extractor found in free text, waiting for the owner to confirm them.
	Pending map[string]string `json:"pending,omitempty"`
	// Editing is set when the owner edits one field from the review card; after it the dialogue
	// returns to the review instead of walking on.
	Editing bool `json:"editing,omitempty"`
	// Confirm holds a value that waits for the owner's word: a VIN whose check digit failed, an
	// odometer number waiting for its unit, the choice free text sounded like, or the model year
	// the VIN gives where it disagrees with the owner's.
	Confirm string `json:"confirm,omitempty"`
	// Doubt is set when the owner said no to several pre-filled fields: they are asked which one
	// is wrong, and the others are kept.
	Doubt bool `json:"doubt,omitempty"`
	// YearChecked is the VIN whose model year was last checked against the owner's answer, so
	// the owner is asked about a disagreement once.
	YearChecked string `json:"year_checked,omitempty"`
	// TypingOther is set when the owner picked "Other" at a choice step and is typing their own answer.
	TypingOther bool `json:"typing_other,omitempty"`
	// Together is the steps of a group asked in one message (Step.Group), the current step
	// first; Groups are the groups asked so, each once.
	Together []string `json:"together,omitempty"`
	Groups   []string `json:"groups,omitempty"`
	// History is the ids of the steps the owner answered or skipped (not pre-filled ones), so
	// "back" can retrace them in flow order across conditional steps. Skipped steps have an
	// empty answer in Answers.
	History []string `json:"history,omitempty"`
	CaseID  string   `json:"case_id,omitempty"`
	// Files are the ids of the files the owner sent during the intake; they go with the case.
	// The engine does not read them.
	Files  []string `json:"files,omitempty"`
	Safety bool     `json:"safety,omitempty"` // the owner said the vehicle is not safe to drive
	// Language is the language the owner is spoken to in (one of Languages); empty until known,
	// and then the flow's. LanguageFrom says how it was chosen (LanguageFromPlatform, ...): the
	// owner's own choice is never overridden.
	Language     string `json:"language,omitempty"`
	LanguageFrom string `json:"language_from,omitempty"`
	Turns        int    `json:"turns,omitempty"`
	// LastEvent is the platform event id of the last turn: when that event is delivered again
	// (its first answer may have been lost with a process), its answer is given again.
	LastEvent string `json:"last_event,omitempty"`
	// Ownership is the caller's check that the VIN answered belongs to the owner, kept so that
	// a VIN is checked once and again only when it changes. The engine does not read it.
	Ownership Ownership `json:"ownership,omitzero"`
	// ForgetAsked is when the owner asked to have their data erased ("forget me"): the next
	// word, if yes, erases it; anything else drops the question. The core acts on it.
	ForgetAsked time.Time `json:"forget_asked,omitzero"`
	Started     time.Time `json:"started,omitempty"`
	UpdatedAt   time.Time `json:"updated_at,omitempty"`
}

// Ownership is the result of an ownership check of one VIN: Result is the caller's word
// ("verified", "unverified", "unknown"), Reason what the owner may read about it.
type Ownership struct {
	VIN    string `json:"vin,omitempty"`
	Result string `json:"result,omitempty"`
	Reason string `json:"reason,omitempty"`
}

// Button is a choice rendered by each platform in its own way.
type Button struct {
	Label  string `json:"label"`
	Action string `json:"action"`
	Value  string `json:"value,omitempty"`
}

// Field is one labelled answer, shown on a review card.
type Field struct {
	Key   string `json:"key"` // the step id
	Role  string `json:"role,omitempty"`
	Label string `json:"label"`
	Value string `json:"value"`
	// Choice is the choice's value when the answer is one of the step's choices; Value is then
	// its label.
	Choice string `json:"choice,omitempty"`
}

// Reply is one message from the bot to the owner, as data; adapters render it.
type Reply struct {
	Text    string   `json:"text"`
	Buttons []Button `json:"buttons,omitempty"`
	// Fields is set on the review card: every answer, each with an edit button in Buttons.
	Fields []Field `json:"fields,omitempty"`
	// Emergency marks the safety advice so adapters can make it stand out.
	Emergency bool `json:"emergency,omitempty"`
}

// Input is what the owner did: typed text, or pressed a button (Action and Value).
type Input struct {
	Text   string
	Action string
	Value  string
	// Extracted holds the fields an Extractor found in Text, keyed by step id. The caller runs the
	// extractor before Handle so that Handle stays pure; the engine validates every value again.
	Extracted map[string]string
	// Locale is the owner's locale as the platform gives it ("de-DE"), or "" when it gives
	// none (a Discord DM, the playground). A session takes its language from it, else from
	// what the owner writes, until the owner chooses one.
	Locale string
}
