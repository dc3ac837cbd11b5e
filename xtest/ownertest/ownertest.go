// Package ownertest is a scripted vehicle owner: what they answer at each step of the default
// intake, and how they read the bot's messages, by their words and buttons, as a person in the
// DM would. The fault tests (faults/) and the load generator (cmd/loadgen) drive the real
// binary with it over the Slack and Discord stand-ins.
package ownertest

import (
	"cmp"
	"fmt"
	"regexp"
	"strings"
	"time"

	"escalation-bot/conversation"
)

// Pseudo-steps an owner answers besides the flow's steps.
const (
	StepStart   = "start"   // the first message, "hello"
	StepReview  = "review"  // the review card: the answer is Submit
	StepConfirm = "confirm" // "I picked up …, is that right?": the answer is Yes
)

// Persona is one owner and what they answer at each step of the default intake.
type Persona struct {
	N       int
	Name    string
	Answers map[string]string // by step id
	Model   string            // the model's choice value; "" is model_3
}

// Move is what an owner does: press a button (Action and Value) or type Text.
type Move struct {
	Action, Value string
	Text          string
}

func (m Move) String() string {
	if m.Action != "" {
		return "[" + m.Action + " " + m.Value + "]"
	}
	return fmt.Sprintf("%q", m.Text)
}

// At is the owner's move when the bot asks step: buttons where a person would click them,
// typing elsewhere.
func (p Persona) At(step string) Move {
	switch step {
	case StepStart:
		return Move{Text: "hello"}
	case "consent":
		return Move{Action: conversation.ActionChoose, Value: "understood"}
	case "model":
		return Move{Action: conversation.ActionChoose, Value: cmp.Or(p.Model, "model_3")}
	case "safe":
		return Move{Action: conversation.ActionChoose, Value: "yes"}
	case StepReview:
		return Move{Action: conversation.ActionSubmit}
	case StepConfirm:
		return Move{Action: conversation.ActionConfirm, Value: "yes"}
	}
	return Move{Text: p.Answers[step]}
}

// Message is one message of the bot to an owner, as the owner sees it.
type Message struct {
	Text    string
	Buttons []Button
	TS      string    // Slack: the message's ts, for a click on its buttons
	ID      string    // Discord: the message id, for a click on its buttons
	At      time.Time // when it was delivered, where the reader keeps time (cmd/loadgen)
}

// Button is an owner's button (or a select menu's option) on a message.
type Button struct {
	Action, Value, Label string
	ID                   string // Slack: the action_id; Discord: the custom_id
	Select               bool   // Discord: an option of a select menu, not a button
}

// Button finds the message's button of action (and value, unless "").
func (m Message) Button(action, value string) (Button, bool) {
	for _, b := range m.Buttons {
		if b.Action == action && (value == "" || b.Value == value) {
			return b, true
		}
	}
	return Button{}, false
}

// Kind is what an owner makes of a message.
type Kind int

const (
	Unknown Kind = iota // not understood: an apology, an error
	Benign              // the greeting, help text: nothing to do yet
	Asked               // a question; Reading.Step says which
	Told                // a case id; Reading.CaseID
)

// Reading is what an owner made of a message.
type Reading struct {
	Kind   Kind
	Step   string
	CaseID string
}

// CaseIDPattern finds a case id in a message.
var CaseIDPattern = regexp.MustCompile(`\bESC-[0-9]+\b`)

// Reader recognizes what the bot asks by its words, as a person reading the DM would.
type Reader struct {
	greeting string
	prompts  []struct{ step, text string }
}

// NewReader reads the messages of the default flow.
func NewReader() Reader {
	f := conversation.DefaultFlow()
	r := Reader{greeting: f.Greeting}
	for _, st := range f.Steps {
		r.prompts = append(r.prompts, struct{ step, text string }{st.ID, st.Prompt})
	}
	return r
}

// Read says what m asks or tells.
func (r Reader) Read(m Message) Reading {
	text := strings.TrimSpace(m.Text)
	// The regular expression only where an id can be: it costs a load tool's owners more than
	// the rest of their reading.
	if strings.Contains(text, "ESC-") {
		if id := CaseIDPattern.FindString(text); id != "" {
			return Reading{Kind: Told, CaseID: id}
		}
	}
	if _, ok := m.Button(conversation.ActionSubmit, ""); ok {
		return Reading{Kind: Asked, Step: StepReview}
	}
	if _, ok := m.Button(conversation.ActionConfirm, "yes"); ok {
		return Reading{Kind: Asked, Step: StepConfirm}
	}
	if strings.HasPrefix(text, r.greeting) || strings.Contains(text, "You can also type: back") ||
		strings.HasPrefix(text, "Let's carry on where we were") {
		return Reading{Kind: Benign}
	}
	for _, p := range r.prompts {
		if strings.Contains(text, p.text) {
			return Reading{Kind: Asked, Step: p.step}
		}
	}
	return Reading{Kind: Unknown}
}

// VIN is a valid VIN "1HGCM826?<year>A<serial>" (serial: six digits) with its ISO 3779
// check digit in place of the "?": one of its own for every serial.
func VIN(year byte, serial int) string {
	vin := []byte(fmt.Sprintf("1HGCM826?%cA%06d", year, serial))
	vin[8] = checkDigit(vin)
	return string(vin)
}

func checkDigit(vin []byte) byte {
	weights := [17]int{8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2}
	const letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
	values := [...]int{1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 9, 2, 3, 4, 5, 6, 7, 8, 9}
	sum := 0
	for i, c := range vin {
		v := 0
		switch {
		case c >= '0' && c <= '9':
			v = int(c - '0')
		default:
			if j := strings.IndexByte(letters, c); j >= 0 {
				v = values[j]
			}
		}
		sum += v * weights[i]
	}
	if r := sum % 11; r < 10 {
		return byte('0' + r)
	}
	return 'X'
}
